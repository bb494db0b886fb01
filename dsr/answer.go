package dsr

import (
	"fmt"
	"strings"
)

// Result is what became of one right in an answer. A request with several rights is answered
// right by right (Art. 12(4), 15–21): a ground for refusing one right (Art. 17(3) against an
// erasure) never refuses another (the access).
type Result string

const (
	ResultFull    Result = "full"    // complied with
	ResultPartial Result = "partial" // complied with in part; the rest refused, with ground and reasons
	ResultRefused Result = "refused" // refused, with ground and reasons
)

// Results lists the results in the order the answer form offers them.
var Results = []Result{ResultFull, ResultPartial, ResultRefused}

var resultLabels = map[Result]string{
	ResultFull:    "Complied with",
	ResultPartial: "Complied with in part",
	ResultRefused: "Refused",
}

// Label says the result in words, for staff.
func (r Result) Label() string {
	if l, ok := resultLabels[r]; ok {
		return l
	}
	return string(r)
}

// ParseResult returns the result named s, and whether s names one.
func ParseResult(s string) (Result, bool) {
	r := Result(s)
	_, ok := resultLabels[r]
	return r, ok
}

// Refuses reports whether the result refuses the right, in whole or in part: it then carries a
// ground and reasons, and the letter the Art. 12(4) paragraph.
func (r Result) Refuses() bool { return r == ResultPartial || r == ResultRefused }

// RightAnswer is the answer to one right of a request.
type RightAnswer struct {
	Kind    Kind
	Result  Result
	Done    string        // what was done or found; empty for a right refused in whole
	Ground  RefusalGround // for a right refused in whole or in part
	Reasons string        // idem: why, as the requester is told (Art. 12(4))
}

// RightInput is one right's answer as typed on the answer form.
type RightInput struct {
	Result, Done, Ground, Reasons string
}

// Form fields of a right's answer (and the Errors keys).
func ResultField(k Kind) string  { return "result_" + string(k) }
func GroundField(k Kind) string  { return "ground_" + string(k) }
func ReasonsField(k Kind) string { return "reasons_" + string(k) }

// LateAckField is the tick that acknowledges a refusal given after the one-month date.
const LateAckField = "late_ack"

// AnswerFacts is what the answer rules need to know of the case and the day.
type AnswerFacts struct {
	Kinds []Kind
	// DirectMarketing: the objection is to direct marketing (Art. 21(2)), which needs no grounds
	// and can never be refused (Art. 21(3)).
	DirectMarketing bool
	// RefusalDue is the last day a refusal may be given: one month from receipt, extended or not
	// (Art. 12(4)). Late is true when today is after it.
	RefusalDue string // the date in words, for the messages
	Late       bool
	// LateAck: staff ticked the acknowledgement that a refusal after RefusalDue is late.
	LateAck bool
}

// CheckAnswer checks an answer right by right and returns the typed answers in the order of the
// request's kinds, or the errors keyed by field. Every right needs a result; what was done for a
// right complied with in whole or in part; a ground and reasons for a right refused in whole or
// in part; Art. 17(3) only against an erasure; never a refusal of a direct-marketing objection;
// and a refusal after the one-month date only with the acknowledgement that it is late.
func CheckAnswer(f AnswerFacts, in map[Kind]RightInput) ([]RightAnswer, Errors) {
	errs := Errors{}
	var out []RightAnswer
	refuses := false
	for _, k := range f.Kinds {
		i := in[k]
		r, ok := ParseResult(strings.TrimSpace(i.Result))
		if !ok {
			errs[ResultField(k)] = fmt.Sprintf("Say whether the %s right is complied with, in part, or refused.", strings.ToLower(k.Label()))
			continue
		}
		a := RightAnswer{Kind: k, Result: r}
		if r != ResultRefused {
			what := fmt.Sprintf("Say what was done for the %s request.", strings.ToLower(k.Label()))
			if k == KindAccess {
				what = "Say what data was found (attach the files below), or that none was found."
			}
			if msg := checkRequiredText(i.Done, MaxMessage, what); msg != "" {
				errs[OutcomeField(k)] = msg
			}
			a.Done = strings.TrimSpace(i.Done)
		}
		if r.Refuses() {
			refuses = true
			if k == KindObjection && f.DirectMarketing {
				errs[ResultField(k)] = "An objection to direct marketing cannot be refused, in whole or in part (Art. 21(3)): stop the marketing and say so."
				continue
			}
			g, msg := checkGround(k, i.Ground)
			if msg != "" {
				errs[GroundField(k)] = msg
			}
			if msg := checkRequiredText(i.Reasons, MaxMessage, "Give the reasons: the requester must be told why (Article 12(4))."); msg != "" {
				errs[ReasonsField(k)] = msg
			}
			a.Ground, a.Reasons = g, strings.TrimSpace(i.Reasons)
		}
		out = append(out, a)
	}
	if refuses && f.Late && !f.LateAck {
		errs[LateAckField] = lateRefusal(f.RefusalDue)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// CheckRefusal checks the refusal of a whole request with one ground: a known ground, reasons
// (Art. 12(4)), Art. 17(3) only when erasure is all the request asks, no direct-marketing objection
// among the rights, and the acknowledgement when it comes after the one-month date.
func CheckRefusal(f AnswerFacts, ground, reasons string) Errors {
	errs := Errors{}
	g, ok := ParseRefusalGround(ground)
	switch {
	case !ok:
		errs["ground"] = "Choose the ground of the refusal."
	case g == GroundArt17_3 && !(len(f.Kinds) == 1 && f.Kinds[0] == KindErasure):
		errs["ground"] = "Article 17(3) limits only the right to erasure: answer the request right by right and refuse the erasure there, so that the other rights are answered."
	}
	if f.DirectMarketing && contains(f.Kinds, KindObjection) {
		errs["ground"] = "This request objects to direct marketing, which cannot be refused (Art. 21(3)): answer it right by right and comply with the objection."
	}
	if msg := checkRequiredText(reasons, MaxMessage, "Give the reasons: the requester must be told why (Article 12(4))."); msg != "" {
		errs["reasons"] = msg
	}
	if f.Late && !f.LateAck {
		errs[LateAckField] = lateRefusal(f.RefusalDue)
	}
	return nilIfEmpty(errs)
}

func lateRefusal(due string) string {
	return fmt.Sprintf("A refusal was due by %s: Article 12(4) gives one month from receipt, even when the answer was extended. "+
		"Tick the acknowledgement to refuse now; the answer will be counted late.", due)
}

// checkGround checks the ground given for refusing right k.
func checkGround(k Kind, ground string) (RefusalGround, string) {
	g, ok := ParseRefusalGround(strings.TrimSpace(ground))
	switch {
	case !ok:
		return "", "Choose the ground for refusing this right."
	case g == GroundArt17_3 && k != KindErasure:
		return g, "Article 17(3) limits only the right to erasure; choose another ground for this right."
	}
	return g, ""
}

// Overall is the result of an answer as a whole: full when every right was complied with in
// full, refused when every right was refused, partial otherwise.
func Overall(as []RightAnswer) Result {
	full, refused := 0, 0
	for _, a := range as {
		switch a.Result {
		case ResultFull:
			full++
		case ResultRefused:
			refused++
		}
	}
	switch {
	case len(as) > 0 && full == len(as):
		return ResultFull
	case len(as) > 0 && refused == len(as):
		return ResultRefused
	}
	return ResultPartial
}

// GroundsFor lists the grounds that may refuse right k: Art. 17(3) only against an erasure.
func GroundsFor(k Kind) []RefusalGround {
	var out []RefusalGround
	for _, g := range RefusalGrounds {
		if g == GroundArt17_3 && k != KindErasure {
			continue
		}
		out = append(out, g)
	}
	return out
}
