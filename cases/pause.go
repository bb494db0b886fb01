package cases

import (
	"context"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/models"
)

// resumeClock ends the pause of case c's clock, if there is one: its one-month date, its extended
// date and its internal target move forward by the calendar days paused (deadline.Unpause), and
// the case records clock_resumed with the new dates, shown to the requester; why is one of the
// events.Resumed… codes. by is the member of staff whose action ended the pause, nil when the
// requester's did (an answer, a withdrawal).
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
	e := &models.Event{CaseID: c.ID, At: now, ActorType: models.ActorRequester, FromStatus: c.Status, ToStatus: c.Status, Public: true}
	if by != nil {
		uid := by.UserID
		e.ActorType, e.ActorUserID = models.ActorStaff, &uid
	}
	d := events.ClockResumed{On: today, Why: why, Days: days, From: from, Due: c.AnswerDue(), WasDue: wasDue}
	if c.Extended() {
		d.OneMonth = c.DueOn
	}
	return tx.AppendEvent(ctx, e, d)
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
