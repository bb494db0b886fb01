package catalogue

import (
	"strings"

	"rightsdesk/access"
	"rightsdesk/models"
)

// FieldChange is one field of a cookie that an import changes.
type FieldChange struct {
	Field    string
	Old, New string
}

// Change is a cookie of the catalogue that an import changes (or brings back).
type Change struct {
	Row      Row
	CookieID int64
	Fields   []FieldChange // empty for a restored cookie whose fields stay as they were
}

// Preview says what importing a file would do to a catalogue: the file is the whole catalogue,
// in its order.
type Preview struct {
	Rows      []Row           // the file
	Added     []Row           // names the catalogue does not have
	Changed   []Change        // live cookies whose fields differ
	Restored  []Change        // retired cookies the file brings back
	Retired   []models.Cookie // live cookies the file leaves out: retired, never deleted
	Unchanged []Row
	Reordered bool // the cookies kept come in another order
	// Providers whose place the file states otherwise than recorded (DiffProviders); the caller
	// fills it, from what the store records.
	Providers []ProviderChange
	// Fingerprint is the catalogue's as the preview saw it: applying refuses once it differs.
	Fingerprint string
}

// NoChange reports whether applying would change nothing.
func (p Preview) NoChange() bool {
	return len(p.Added)+len(p.Changed)+len(p.Restored)+len(p.Retired)+len(p.Providers) == 0 && !p.Reordered
}

// ProviderChange is a provider whose country or safeguard an import records anew.
type ProviderChange struct {
	Old, New access.Provider // Old.Country is "" when nothing was recorded
}

// DiffProviders lists the providers the rows state (Providers) whose place differs from what is
// recorded: a provider the rows state nothing of keeps what it has.
func DiffProviders(recorded []access.Provider, rows []Row) []ProviderChange {
	byName := make(map[string]access.Provider, len(recorded))
	for _, p := range recorded {
		byName[p.Name] = p
	}
	var out []ProviderChange
	for _, p := range Providers(rows) {
		old, ok := byName[p.Name]
		if !ok {
			old = access.Provider{Name: p.Name}
		}
		if old != p {
			out = append(out, ProviderChange{Old: old, New: p})
		}
	}
	return out
}

// Diff compares a catalogue (every cookie of the site, retired ones included) with a file's rows.
func Diff(current []models.Cookie, rows []Row) Preview {
	p := Preview{Rows: rows, Fingerprint: models.CatalogueFingerprint(current)}
	byName := make(map[string]models.Cookie, len(current))
	for _, c := range current {
		byName[c.Name] = c
	}
	inFile := make(map[string]bool, len(rows))
	var kept []string // live cookies the file keeps, in the file's order
	for _, r := range rows {
		inFile[r.Name] = true
		c, ok := byName[r.Name]
		switch {
		case !ok:
			p.Added = append(p.Added, r)
		case c.RetiredAt != nil:
			p.Restored = append(p.Restored, Change{Row: r, CookieID: c.ID, Fields: diffFields(FromCookie(c), r)})
		default:
			kept = append(kept, r.Name)
			if f := diffFields(FromCookie(c), r); len(f) > 0 {
				p.Changed = append(p.Changed, Change{Row: r, CookieID: c.ID, Fields: f})
			} else {
				p.Unchanged = append(p.Unchanged, r)
			}
		}
	}
	var before []string // the same cookies in the catalogue's order
	for _, c := range models.SortCookies(current) {
		if c.RetiredAt != nil {
			continue
		}
		if inFile[c.Name] {
			before = append(before, c.Name)
		} else {
			p.Retired = append(p.Retired, c)
		}
	}
	for i := range kept {
		if kept[i] != before[i] {
			p.Reordered = true
			break
		}
	}
	return p
}

// diffFields lists the fields of b that differ from a, in the order of Fields.
func diffFields(a, b Row) []FieldChange {
	var out []FieldChange
	for _, f := range Fields {
		va, vb := a.Value(f), b.Value(f)
		if f == FieldLifetime && strings.Join(strings.Fields(va), " ") == strings.Join(strings.Fields(vb), " ") {
			continue // "1 An" and "1\u00a0An" read the same and look the same
		}
		if va != vb {
			out = append(out, FieldChange{Field: f, Old: va, New: vb})
		}
	}
	return out
}
