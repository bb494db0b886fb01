package dsr

import (
	"strings"

	"rightsdesk/deadline"
)

// Art. 18(3): a requester who obtained the restriction of processing is informed by the controller
// before the restriction is lifted.

// Form fields of the notice of lifting (and the Errors keys).
const (
	LiftsOnField        = "lifts_on"
	LiftingReasonsField = "lifting_reasons"
)

// LiftingFacts is what the rules need to know of a case to inform of the lifting of its restriction.
type LiftingFacts struct {
	Status Status
	// Restriction is the result given to the restriction right; empty when the case has none or
	// was not answered.
	Restriction Result
	// Notified: the lifting was already announced; it is announced once.
	Notified bool
}

// CheckMayLift refuses to announce the lifting of a restriction that was never obtained (the case
// has no restriction complied with, in whole or in part) or that was already announced.
func CheckMayLift(f LiftingFacts) error {
	switch {
	case f.Status != StatusCompleted || f.Restriction == "" || f.Restriction == ResultRefused:
		return &RuleError{Msg: "Only a restriction that was complied with, in whole or in part, can be lifted: this case has none."}
	case f.Notified:
		return &RuleError{Msg: "The lifting of this restriction was already announced to the requester; it is announced once."}
	}
	return nil
}

// CheckLifting checks the notice of lifting typed on the form: the date the restriction will be
// lifted, after today, since the requester must be told before (Art. 18(3)); and the reasons,
// which the letter gives. It returns the date and the trimmed reasons.
func CheckLifting(today deadline.Date, on, reasons string) (deadline.Date, string, Errors) {
	errs := Errors{}
	d, err := deadline.ParseDate(strings.TrimSpace(on))
	switch {
	case strings.TrimSpace(on) == "":
		errs[LiftsOnField] = "Give the date the restriction will be lifted."
	case err != nil:
		errs[LiftsOnField] = "The date the restriction will be lifted is not a date: write it as YYYY-MM-DD."
	case !d.After(today):
		errs[LiftsOnField] = "The requester must be told before the restriction is lifted (Art. 18(3)): choose a date after today."
	}
	if msg := checkRequiredText(reasons, MaxMessage, "Give the reasons for lifting the restriction: the letter tells the requester."); msg != "" {
		errs[LiftingReasonsField] = msg
	}
	if len(errs) > 0 {
		return deadline.Date{}, "", errs
	}
	return d, strings.TrimSpace(reasons), nil
}
