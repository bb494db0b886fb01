// Package dsr holds the rules of a data-subject request: its kinds, its statuses and the transitions
// between them, the shape of a reference, and the validation of what a visitor files. Nothing here
// does I/O, so every rule is tested with a table.
package dsr

// Kind is one right exercised by a request; a request carries one or more.
type Kind string

const (
	KindAccess            Kind = "access"
	KindRectification     Kind = "rectification"
	KindErasure           Kind = "erasure"
	KindRestriction       Kind = "restriction"
	KindPortability       Kind = "portability"
	KindObjection         Kind = "objection"
	KindConsentWithdrawal Kind = "consent_withdrawal"
)

// Kinds lists every kind in the order the form and the letters show them.
var Kinds = []Kind{
	KindAccess, KindRectification, KindErasure, KindRestriction,
	KindPortability, KindObjection, KindConsentWithdrawal,
}

type kindInfo struct {
	article string
	label   string
	explain string
}

var kindInfos = map[Kind]kindInfo{
	KindAccess: {"Art. 15", "Access",
		"Get a copy of the data the site's cookies collected about you, and learn why it is used, who receives it and how long it is kept."},
	KindRectification: {"Art. 16", "Rectification",
		"Have inaccurate data about you corrected, or incomplete data completed."},
	KindErasure: {"Art. 17", "Erasure",
		"Have the data about you deleted, for example when it is no longer needed or you withdraw your consent."},
	KindRestriction: {"Art. 18", "Restriction",
		"Have the use of your data paused, for example while its accuracy is being checked."},
	KindPortability: {"Art. 20", "Portability",
		"Receive the data you provided in a machine-readable file, to keep or to pass on."},
	KindObjection: {"Art. 21", "Objection",
		"Object to the use of your data based on the controller's legitimate interest; for direct marketing the objection is absolute."},
	KindConsentWithdrawal: {"Art. 7(3)", "Consent withdrawal",
		"Withdraw the consent you gave to non-necessary cookies. Withdrawing must be as easy as giving consent."},
}

// ParseKind returns the kind named s, and whether s names one.
func ParseKind(s string) (Kind, bool) {
	k := Kind(s)
	_, ok := kindInfos[k]
	return k, ok
}

// Article is the GDPR article that grants the right, e.g. "Art. 15".
func (k Kind) Article() string { return kindInfos[k].article }

// Label is the short English name of the right.
func (k Kind) Label() string {
	if i, ok := kindInfos[k]; ok {
		return i.label
	}
	return string(k)
}

// Explain says in plain words what the right gives the visitor.
func (k Kind) Explain() string { return kindInfos[k].explain }

// Labels returns the labels of ks joined for a sentence: "Access, Erasure".
func Labels(ks []Kind) string {
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ", "
		}
		s += k.Label()
	}
	return s
}

// SortKinds orders ks as Kinds does, dropping duplicates.
func SortKinds(ks []Kind) []Kind {
	seen := make(map[Kind]bool, len(ks))
	for _, k := range ks {
		seen[k] = true
	}
	out := make([]Kind, 0, len(seen))
	for _, k := range Kinds {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out
}

// Bit is the kind's bit in a KindMask: 1 << its position in Kinds. The positions are stored in
// cases.kind_mask, so a new kind is appended to Kinds, never inserted.
func (k Kind) Bit() int {
	for i, x := range Kinds {
		if x == k {
			return 1 << i
		}
	}
	return 0
}

// KindMask is the set ks as bits: what cases.kind_mask holds, so figures per kind need no join.
func KindMask(ks []Kind) int {
	m := 0
	for _, k := range ks {
		m |= k.Bit()
	}
	return m
}

// KindsOf is the set of kinds in mask, in the canonical order.
func KindsOf(mask int) []Kind {
	var ks []Kind
	for i, k := range Kinds {
		if mask&(1<<i) != 0 {
			ks = append(ks, k)
		}
	}
	return ks
}
