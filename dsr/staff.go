package dsr

import "strings"

// RefusalGround is why a request is refused (Art. 12(5), 12(6), 17(3)).
type RefusalGround string

const (
	GroundUnfounded RefusalGround = "manifestly_unfounded"
	GroundExcessive RefusalGround = "manifestly_excessive"
	GroundIdentity  RefusalGround = "identity_not_confirmed"
	GroundArt17_3   RefusalGround = "art_17_3_exception"
	GroundOther     RefusalGround = "other"
)

// RefusalGrounds lists the grounds in the order the refusal form offers them.
var RefusalGrounds = []RefusalGround{GroundUnfounded, GroundExcessive, GroundIdentity, GroundArt17_3, GroundOther}

var groundLabels = map[RefusalGround]string{
	GroundUnfounded: "The request is manifestly unfounded (Art. 12(5))",
	GroundExcessive: "The request is manifestly excessive, in particular repetitive (Art. 12(5))",
	GroundIdentity:  "Your identity could not be confirmed (Art. 12(6) and 11(2))",
	GroundArt17_3:   "An exception of Article 17(3) applies to the erasure",
	GroundOther:     "Another reason, explained below",
}

// Label says the ground in words, as the refusal letter does.
func (g RefusalGround) Label() string {
	if l, ok := groundLabels[g]; ok {
		return l
	}
	return string(g)
}

// ParseRefusalGround returns the ground named s, and whether s names one.
func ParseRefusalGround(s string) (RefusalGround, bool) {
	g := RefusalGround(s)
	_, ok := groundLabels[g]
	return g, ok
}

// Limits on what staff write into a case.
const (
	MaxMessage = 5000 // a question, an answer, a note, an outcome
)

// OutcomeField is the form field (and Errors key) of a kind's outcome.
func OutcomeField(k Kind) string { return "outcome_" + string(k) }

// CheckMessage checks a question to the requester, their answer, a note or a reason: required text.
func CheckMessage(s, what string) string { return checkRequiredText(s, MaxMessage, what) }

// CheckLongText is CheckMessage for a text allowed up to max characters (an Art. 15 item that
// lists a whole catalogue).
func CheckLongText(s string, max int, what string) string { return checkRequiredText(s, max, what) }

func checkRequiredText(s string, max int, what string) string {
	if p := checkText(s, max); p != nil {
		return p.Error()
	}
	if strings.TrimSpace(s) == "" {
		return what
	}
	return ""
}

// CheckReply returns why the requester's answer to a question, typed on their status page, cannot
// be recorded, or nil.
func CheckReply(answer string) *Problem {
	if p := checkText(answer, MaxMessage); p != nil {
		return p
	}
	if strings.TrimSpace(answer) == "" {
		return &Problem{Code: CodeAnswerMissing}
	}
	return nil
}

func contains(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func nilIfEmpty(e Errors) Errors {
	if len(e) == 0 {
		return nil
	}
	return e
}
