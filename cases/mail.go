package cases

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/events"
	"rightsdesk/letters"
	"rightsdesk/models"
)

// render fills letter k in d.Language with the controller's own wording where an admin set one.
func (s *Service) render(ctx context.Context, tx *models.Tx, controllerID int64, k letters.Kind, d letters.Data) (letters.Rendered, error) {
	o, err := tx.CachedLetterOverrides(ctx, controllerID, d.Language)
	if err != nil {
		return letters.Rendered{}, err
	}
	return renderWith(controllerID, k, d, o)
}

// renderWith is render with the overrides o already read.
func renderWith(controllerID int64, k letters.Kind, d letters.Data, o map[string]string) (letters.Rendered, error) {
	r, err := letters.RenderWith(k, d, letters.Overrides(o))
	if err == nil && len(r.Fallbacks) > 0 {
		// A stored override no longer fits (a letter's variables changed): the shipped wording went
		// out instead. Admins see the override refused when they open it.
		slog.Warn("letter override ignored", "controller_id", controllerID, "kind", k, "language", d.Language, "messages", r.Fallbacks)
	}
	return r, err
}

// LetterFailed marks a letter failed for good with the server's answer and, when it was a letter
// to a requester, records it on the case and tells the assignee (or the controller's managers) —
// all in one transaction. A failed verification letter tells no one: the request expires. Letters to staff that fail tell no one by mail, so a broken staff
// address cannot start a loop; they show in the delivery log.
func (s *Service) LetterFailed(ctx context.Context, letterID int64, attempts int, reason string) error {
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		failed, err := tx.FailLetter(ctx, letterID, attempts, now, reason)
		if err != nil || !failed {
			return err // not queued any more: another worker recorded the outcome
		}
		l, err := tx.LetterByID(ctx, letterID)
		if err != nil {
			return err
		}
		if l.CaseID == nil || letters.Kind(l.Kind).ToStaff() {
			return nil
		}
		c, err := tx.CaseByID(ctx, *l.CaseID)
		if err != nil {
			return err
		}
		if err := tx.AppendEvent(ctx, &models.Event{CaseID: c.ID, At: now, ActorType: models.ActorSystem},
			events.LetterFailed{Subject: l.Subject, Reason: oneLine(reason, 300)}); err != nil {
			return err
		}
		if letters.Kind(l.Kind) == letters.Verification {
			// Nobody works an unconfirmed request: a mistyped address simply lets it expire.
			return nil
		}
		to, err := s.responsible(ctx, tx, c)
		if err != nil {
			return err
		}
		for _, u := range to {
			d := s.staffLetterData(c, u)
			d.FailedSubject, d.FailedRecipient, d.FailedReason = l.Subject, l.Recipient, oneLine(reason, 500)
			if err := s.queueTo(ctx, tx, &c, letters.DeliveryFailed, d, u); err != nil {
				return err
			}
		}
		return tx.MarkLetterNotified(ctx, l.ID, now)
	})
}

// LetterPossiblySent records that a letter may have reached the mail server although its
// sending did not end with the server's answer: it is not sent again on its own, and the case
// (for a letter to the requester) says so to staff. An admin decides in the delivery log.
func (s *Service) LetterPossiblySent(ctx context.Context, letterID int64, attempts int, reason string) error {
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		changed, err := tx.MarkLetterPossiblySent(ctx, letterID, attempts, reason)
		if err != nil || !changed {
			return err // not queued any more: its outcome is recorded
		}
		l, err := tx.LetterByID(ctx, letterID)
		if err != nil || l.CaseID == nil || letters.Kind(l.Kind).ToStaff() {
			return err
		}
		return tx.AppendEvent(ctx, &models.Event{CaseID: *l.CaseID, At: now, ActorType: models.ActorSystem},
			events.LetterPossiblySent{Subject: l.Subject})
	})
}

// ResendLetter puts a failed or possibly sent letter back in the queue (admins, after the cause
// was fixed: a typo corrected with the requester, a mail server repaired; or after finding that a
// possibly sent letter did not arrive). It keeps its Message-ID. The case records who did it.
func (s *Service) ResendLetter(ctx context.Context, a Actor, letterID int64) error {
	if a.Role != roleAdmin {
		return ErrNotFound
	}
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		l, err := tx.ResendLetter(ctx, s.cfg.Jobs, letterID, now)
		if errors.Is(err, models.ErrConflict) {
			return refused("Only a letter that failed or was possibly sent can be sent again; this one is " + LetterStateName(l.Status) + ".")
		}
		if err != nil || l.CaseID == nil {
			return err
		}
		uid := a.UserID
		return tx.AppendEvent(ctx, &models.Event{CaseID: *l.CaseID, At: now, ActorType: models.ActorStaff, ActorUserID: &uid},
			events.LetterResent{Subject: l.Subject, By: a.Name})
	})
}

// ConfirmLetterSent records an admin's finding that a possibly sent letter did arrive (in the
// recipient's mailbox, or in the mail server's log): it is sent and never goes out again. The
// case records who decided.
func (s *Service) ConfirmLetterSent(ctx context.Context, a Actor, letterID int64) error {
	if a.Role != roleAdmin {
		return ErrNotFound
	}
	now := s.clock()
	return s.store.InTx(ctx, func(tx *models.Tx) error {
		l, err := tx.ConfirmLetterSent(ctx, letterID, now)
		if errors.Is(err, models.ErrConflict) {
			return refused("Only a letter that was possibly sent can be marked as sent; this one is " + LetterStateName(l.Status) + ".")
		}
		if err != nil || l.CaseID == nil {
			return err
		}
		uid := a.UserID
		return tx.AppendEvent(ctx, &models.Event{CaseID: *l.CaseID, At: now, ActorType: models.ActorStaff, ActorUserID: &uid},
			events.LetterConfirmed{Subject: l.Subject, By: a.Name})
	})
}

// LetterStateName is a letter's state in words, for staff pages and messages.
func LetterStateName(status string) string {
	if status == models.LetterPossiblySent {
		return "possibly sent"
	}
	return status
}

// responsible are the people told about a case: its assignee, or the controller's managers when
// no one has it (or the assignee left).
func (s *Service) responsible(ctx context.Context, tx *models.Tx, c models.Case) ([]models.User, error) {
	if c.Assignee != nil && c.Assignee.Active {
		return []models.User{*c.Assignee}, nil
	}
	return tx.ManagersOf(ctx, c.ControllerID)
}

// Reminder kinds, as recorded per case and due date.
const (
	reminderEarly = "reminder_early" // the first threshold (default 7 working days)
	reminderLate  = "reminder_late"  // the second (default 2 working days)
	escalation    = "escalation"     // the answer is overdue: to the managers
)

// ReminderDue says which reminder a case gets today, given the working days left before its
// answer is due, whether it is overdue, and the reminders already sent for that due date. Only
// the most urgent one applies: a case found at 1 day left (the job did not run for a while) gets
// the late reminder, not both.
func ReminderDue(daysLeft int, overdue bool, early, late int, sent []string) (string, bool) {
	has := func(k string) bool {
		for _, s := range sent {
			if s == k {
				return true
			}
		}
		return false
	}
	var k string
	switch {
	case overdue:
		k = escalation
	case daysLeft <= late:
		k = reminderLate
	case daysLeft <= early:
		if has(reminderLate) {
			return "", false
		}
		k = reminderEarly
	default:
		return "", false
	}
	return k, !has(k)
}

// SendReminders queues today's reminders (to the assignee, else the managers) and escalations
// (to the managers) for every case being worked, each at most once per case and due date: the
// case_reminders row is written in the transaction of the letter, so a second run or a second
// replica finds it and sends nothing.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (int, error) {
	early, late := s.cfg.ReminderDays[0], s.cfg.ReminderDays[1]
	today := deadline.Today(now, deadline.DefaultLocation)
	// Seven working days are at most about two and a half weeks even around Christmas.
	last := today.AddDays(2*early + 7)
	total := 0
	var after int64
	for {
		ids, err := s.store.ActiveCasesDueBy(ctx, last, after, 200)
		if err != nil {
			return total, err
		}
		for _, id := range ids {
			n, err := s.remind(ctx, id, now, early, late)
			if err != nil {
				return total, err
			}
			total += n
		}
		if len(ids) < 200 {
			return total, nil
		}
		after = ids[len(ids)-1]
	}
}

func (s *Service) remind(ctx context.Context, caseID int64, now time.Time, early, late int) (int, error) {
	sent := 0
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		c, err := tx.CaseByID(ctx, caseID)
		if err != nil {
			return err
		}
		if c.Paused() {
			// The time limit does not run while the requester is asked to confirm their identity
			// (Art. 12(6)); the due date moves when the answer comes, and reminders follow it.
			return nil
		}
		cal, err := deadline.For(c.Controller.Country)
		if err != nil {
			return err
		}
		today := deadline.Today(now, c.Controller.Location())
		left := cal.WorkingDaysLeft(today, c.AnswerDueOn)
		done, err := tx.RemindersSent(ctx, c.ID, c.AnswerDueOn)
		if err != nil {
			return err
		}
		kind, ok := ReminderDue(left, today.After(c.AnswerDueOn), early, late, done)
		if !ok {
			return nil
		}
		if first, err := tx.RecordReminder(ctx, c.ID, kind, c.AnswerDueOn, now); err != nil || !first {
			return err
		}
		var to []models.User
		if kind == escalation {
			to, err = tx.ManagersOf(ctx, c.ControllerID)
		} else {
			to, err = s.responsible(ctx, tx, c)
		}
		if err != nil {
			return err
		}
		k := letters.Reminder
		if kind == escalation {
			k = letters.Escalation
		}
		names := make([]string, 0, len(to))
		for _, u := range to {
			d := s.staffLetterData(c, u)
			d.DaysLeft, d.DueOn, d.IdentityPause = left, c.AnswerDueOn, c.Controller.IdentityPause
			if c.Assignee != nil {
				d.AssigneeName = c.Assignee.Name
			}
			if err := s.queueTo(ctx, tx, &c, k, d, u); err != nil {
				return err
			}
			names = append(names, u.Name)
		}
		sent = len(to)
		var detail events.Detail = events.Reminder{Late: kind == reminderLate, Due: c.AnswerDueOn, Left: left, To: names}
		if kind == escalation {
			detail = events.Escalation{Due: c.AnswerDueOn, To: names}
		}
		return tx.AppendEvent(ctx, &models.Event{CaseID: c.ID, At: now.UTC(), ActorType: models.ActorSystem}, detail)
	})
	return sent, err
}

// oneLine flattens a server's answer for a letter or an event, and bounds it.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "") + "…"
	}
	return s
}
