package cases

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/models"
)

// resumeClock ends the pause of case c's clock, if there is one: its one-month date, its extended
// date and its internal target move forward by the calendar days paused (deadline.Unpause), and
// the case records clock_resumed with the new dates, shown to the requester. by is the member of
// staff whose action ended the pause, nil when the requester's did (an answer, a withdrawal).
//
// The pause ends with the answer, or with the case closed otherwise: a period that is never
// resumed would leave the requester without a date.
func resumeClock(ctx context.Context, tx *models.Tx, c *models.Case, by *Actor, now time.Time, why string) error {
	if !c.Paused() {
		return nil
	}
	cal, err := deadline.For(c.Controller.Country)
	if err != nil {
		return err
	}
	today := deadline.Today(now, c.Controller.Location())
	days := deadline.PausedDays(c.PausedOn, today)
	from, wasDue := c.PausedOn, c.AnswerDue()
	m := cal.Unpause(c.ReceivedOn, c.Extended(), c.TargetOn, c.PausedDays, days)
	if err := tx.UpdateCase(ctx, c, models.CaseChange{Status: c.Status, At: now, Resumed: &m}); err != nil {
		return err
	}
	msg := fmt.Sprintf("Clock resumed on %s (%s) after %d day(s) paused from %s: the answer is due by %s (was %s)",
		today, why, days, from, c.AnswerDue(), wasDue)
	if c.Extended() {
		msg += fmt.Sprintf("; the one-month date, the limit for a refusal, is now %s", c.DueOn)
	}
	e := &models.Event{
		CaseID: c.ID, At: now, ActorType: models.ActorRequester, Type: "clock_resumed",
		FromStatus: c.Status, ToStatus: c.Status, Message: msg + ".", Public: true,
	}
	if by != nil {
		uid := by.UserID
		e.ActorType, e.ActorUserID = models.ActorStaff, &uid
	}
	return tx.AppendEvent(ctx, e)
}

// The timeline's words for a question and for the end of a pause; the pages read the dates back
// from them (InfoRequested, ResumedDue) to say them in the requester's language.
const (
	infoRequestedPrefix = "Information requested from the requester"
	identityMark        = " (identity, Art. 12(6))"
)

var (
	infoRequestedRE = regexp.MustCompile(`(?s)^` + regexp.QuoteMeta(infoRequestedPrefix) + `(` + regexp.QuoteMeta(identityMark) +
		`)?(?:, to answer by (\d{4}-\d{2}-\d{2}))?: (.*)$`)
	resumedDueRE = regexp.MustCompile(`after (\d+) day\(s\) paused from \d{4}-\d{2}-\d{2}: the answer is due by (\d{4}-\d{2}-\d{2})`)
)

// infoRequestedMessage is the timeline's record of question q: "Information requested from the
// requester (identity, Art. 12(6)), to answer by 2026-03-24: <question>".
func infoRequestedMessage(q Question) string {
	msg := infoRequestedPrefix
	if q.Identity {
		msg += identityMark
	}
	return msg + ", to answer by " + q.ReplyBy.String() + ": " + q.Text
}

// InfoRequested reads an info_requested event back: the question, the date to answer by (zero
// for a question asked before there was one) and whether it was about identity.
func InfoRequested(e models.Event) (question string, replyBy deadline.Date, identity bool) {
	m := infoRequestedRE.FindStringSubmatch(e.Message)
	if m == nil {
		return e.Message, deadline.Date{}, false
	}
	replyBy, _ = deadline.ParseDate(m[2])
	return m[3], replyBy, m[1] != ""
}

// ResumedDue reads a clock_resumed event back: the calendar days the clock was paused and the
// date the answer became due.
func ResumedDue(e models.Event) (days int, due deadline.Date, ok bool) {
	m := resumedDueRE.FindStringSubmatch(e.Message)
	if m == nil {
		return 0, deadline.Date{}, false
	}
	days, _ = strconv.Atoi(m[1])
	due, err := deadline.ParseDate(m[2])
	return days, due, err == nil
}

// DefaultReplyBy is the reply-by date a question to the requester of case ref gets unless staff
// choose one: DefaultReplyDays from today in the controller's time zone, or the day the answer is
// due when that comes first.
func (s *Service) DefaultReplyBy(ctx context.Context, a Actor, ref string) (deadline.Date, error) {
	c, err := s.store.CaseByReferenceFor(ctx, ref, a.Controllers)
	if err != nil {
		return deadline.Date{}, err
	}
	return dsr.DefaultReplyBy(deadline.Today(s.clock(), c.Controller.Location()), c.AnswerDue()), nil
}
