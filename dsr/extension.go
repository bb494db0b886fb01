package dsr

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"rightsdesk/deadline"
)

// ErrRefused matches every refusal by a rule below; the error's text says which rule and why.
var ErrRefused = errors.New("refused by the rules")

// RuleError is a refusal with a message for the person who asked.
type RuleError struct{ Msg string }

func (e *RuleError) Error() string        { return e.Msg }
func (e *RuleError) Is(target error) bool { return target == ErrRefused }

// MaxReason bounds a reason given for an extension.
const MaxReason = 2000

// CheckExtension applies Art. 12(3): the deadline may be extended by two further months once, and
// only while the first month runs (the due day itself included: the period ends at the end of that
// day). extended says whether the case was extended already; due is the original one-month date;
// today is the date in the controller's time zone. The reasons are checked by CheckExtensionReason.
func CheckExtension(status Status, extended bool, due, today deadline.Date) error {
	if status == StatusUnverified || status.Closed() {
		return &RuleError{Msg: fmt.Sprintf("A request that is %s cannot be extended.", strings.ToLower(status.Label()))}
	}
	if extended {
		return &RuleError{Msg: "The deadline was already extended once; Article 12(3) allows a single extension of two further months."}
	}
	if today.After(due) {
		return &RuleError{Msg: fmt.Sprintf("Too late to extend: the first month ended on %s, and Article 12(3) allows an extension only within it.",
			due.Time(time.UTC).Format("2 January 2006"))}
	}
	return nil
}

// CheckExtensionReason returns why reason cannot be the reasons of an extension, or "".
func CheckExtensionReason(reason string) string {
	return checkRequiredText(reason, MaxReason, "Give the reasons for the extension: the requester must be told them (Article 12(3)).")
}
