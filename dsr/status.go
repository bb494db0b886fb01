package dsr

import (
	"errors"
	"fmt"
)

// Status is where a case stands in its lifecycle (DESIGN.md, "Lifecycle").
type Status string

const (
	StatusUnverified        Status = "unverified"
	StatusOpen              Status = "open"
	StatusInProgress        Status = "in_progress"
	StatusAwaitingRequester Status = "awaiting_requester"
	StatusCompleted         Status = "completed"
	StatusRefused           Status = "refused"
	StatusWithdrawn         Status = "withdrawn"
	StatusExpired           Status = "expired"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusUnverified, StatusOpen, StatusInProgress, StatusAwaitingRequester,
	StatusCompleted, StatusRefused, StatusWithdrawn, StatusExpired,
}

var statusLabels = map[Status]string{
	StatusUnverified:        "Awaiting e-mail confirmation",
	StatusOpen:              "Received",
	StatusInProgress:        "Being handled",
	StatusAwaitingRequester: "Waiting for your answer",
	StatusCompleted:         "Answered",
	StatusRefused:           "Refused",
	StatusWithdrawn:         "Withdrawn",
	StatusExpired:           "Expired (e-mail never confirmed)",
}

var staffLabels = map[Status]string{
	StatusUnverified:        "Unconfirmed e-mail",
	StatusOpen:              "Open",
	StatusInProgress:        "In progress",
	StatusAwaitingRequester: "Waiting for the requester",
	StatusCompleted:         "Answered",
	StatusRefused:           "Refused",
	StatusWithdrawn:         "Withdrawn",
	StatusExpired:           "Expired",
}

// StaffLabel is how the status reads to staff.
func (s Status) StaffLabel() string {
	if l, ok := staffLabels[s]; ok {
		return l
	}
	return string(s)
}

// Label is how the status reads to a requester.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Closed reports whether the case has reached an end: nothing more happens to it.
func (s Status) Closed() bool {
	switch s {
	case StatusCompleted, StatusRefused, StatusWithdrawn, StatusExpired:
		return true
	}
	return false
}

// Action is something that moves a case from one status to another.
type Action string

const (
	ActionVerify      Action = "verify"       // the requester proved the e-mail address
	ActionExpire      Action = "expire"       // 14 days passed without that proof
	ActionClaim       Action = "claim"        // staff takes the case
	ActionRequestInfo Action = "request_info" // staff asks the requester something
	ActionReply       Action = "reply"        // the requester answered
	ActionComplete    Action = "complete"     // staff answered the request
	ActionRefuse      Action = "refuse"       // staff refused, with reasons (Art. 12(4))
	ActionWithdraw    Action = "withdraw"     // the requester (or staff on their word) withdrew it
)

type transition struct {
	from []Status
	to   Status
}

var verifiedOpen = []Status{StatusOpen, StatusInProgress, StatusAwaitingRequester}

var transitions = map[Action]transition{
	ActionVerify:      {[]Status{StatusUnverified}, StatusOpen},
	ActionExpire:      {[]Status{StatusUnverified}, StatusExpired},
	ActionClaim:       {[]Status{StatusOpen, StatusInProgress}, StatusInProgress},
	ActionRequestInfo: {[]Status{StatusInProgress}, StatusAwaitingRequester},
	ActionReply:       {[]Status{StatusAwaitingRequester}, StatusInProgress},
	ActionComplete:    {[]Status{StatusInProgress}, StatusCompleted},
	ActionRefuse:      {verifiedOpen, StatusRefused},
	ActionWithdraw:    {verifiedOpen, StatusWithdrawn},
}

// ErrTransitionNotAllowed is returned when an action is not allowed from a case's status.
var ErrTransitionNotAllowed = errors.New("this action is not allowed in the case's current status")

// TransitionError says which action was refused from which status; it matches ErrTransitionNotAllowed.
type TransitionError struct {
	Action Action
	From   Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("cannot %s a case that is %s", e.Action, e.From.Label())
}

func (e *TransitionError) Is(target error) bool { return target == ErrTransitionNotAllowed }

// Next returns the status that action a leads to from status from, or a *TransitionError.
func Next(from Status, a Action) (Status, error) {
	t, ok := transitions[a]
	if !ok {
		return from, &TransitionError{Action: a, From: from}
	}
	for _, s := range t.from {
		if s == from {
			return t.to, nil
		}
	}
	return from, &TransitionError{Action: a, From: from}
}

// Allowed reports whether action a may be taken from status s.
func Allowed(s Status, a Action) bool {
	_, err := Next(s, a)
	return err == nil
}
