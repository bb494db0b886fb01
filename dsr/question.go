package dsr

import (
	"fmt"
	"strings"
	"time"

	"rightsdesk/deadline"
)

// Fields of the form that asks the requester for information.
const (
	QuestionField = "question"
	ReplyByField  = "reply_by"
	IdentityField = "identity"
)

// DefaultReplyDays is how long the requester is given to answer a question, unless staff choose.
const DefaultReplyDays = 14

// DefaultReplyBy is the reply-by date a question form offers: DefaultReplyDays from today, or
// the answer's due date when that comes first (a later date would not be accepted).
func DefaultReplyBy(today, due deadline.Date) deadline.Date {
	d := today.AddDays(DefaultReplyDays)
	if !due.IsZero() && d.After(due) && !today.After(due) {
		return due
	}
	return d
}

// ParseReplyBy reads a reply-by date as a form sends it (YYYY-MM-DD, what a date field gives);
// it returns why it cannot, or "" — also for an empty field, which CheckQuestion refuses.
func ParseReplyBy(s string) (deadline.Date, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return deadline.Date{}, ""
	}
	d, err := deadline.ParseDate(s)
	if err != nil {
		return deadline.Date{}, "Give a real date, written YYYY-MM-DD (for example 2026-03-14 for 14 March 2026)."
	}
	return d, ""
}

// CheckQuestion returns what is wrong with a question to the requester that needs no case: the
// text, and that a reply-by date was given.
func CheckQuestion(text string, replyBy deadline.Date) Errors {
	errs := Errors{}
	if msg := CheckMessage(text, "Write the question the requester should answer."); msg != "" {
		errs[QuestionField] = msg
	}
	if replyBy.IsZero() {
		errs[ReplyByField] = "Give the date by which the requester should answer."
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// CheckReplyBy returns why replyBy cannot be the date a requester is asked to answer by, on day
// today of a case whose answer is due on due, or "". The date is in the letter with what happens
// without an answer (Art. 12(6), 11(2)): it cannot be in the past, and it cannot be after the
// answer is due, since the controller must still answer, or refuse, in time (Art. 12(3), 12(4)).
func CheckReplyBy(replyBy, today, due deadline.Date) string {
	day := func(d deadline.Date) string { return d.Time(time.UTC).Format("2 January 2006") }
	switch {
	case today.After(due):
		return fmt.Sprintf("The answer was due on %s: answer the request, or refuse it, rather than ask a question now.", day(due))
	case replyBy.Before(today):
		return fmt.Sprintf("The reply-by date is in the past: choose a date from today (%s) to %s, the date the answer is due.", day(today), day(due))
	case replyBy.After(due):
		return fmt.Sprintf("The reply-by date is after %s, the date the answer is due: choose a date up to that day.", day(due))
	}
	return ""
}
