package cases_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

func TestReminderDue(t *testing.T) {
	for _, tc := range []struct {
		left    int
		overdue bool
		sent    []string
		want    string
	}{
		{8, false, nil, ""},
		{7, false, nil, "reminder_early"},
		{5, false, nil, "reminder_early"}, // the job did not run on the 7th day: still reminded once
		{5, false, []string{"reminder_early"}, ""},
		{2, false, []string{"reminder_early"}, "reminder_late"},
		{1, false, nil, "reminder_late"}, // only the most urgent, not both
		{6, false, []string{"reminder_late"}, ""},
		{0, false, []string{"reminder_early", "reminder_late"}, ""},
		{0, true, []string{"reminder_early", "reminder_late"}, "escalation"},
		{0, true, []string{"escalation"}, ""},
	} {
		got, ok := cases.ReminderDue(tc.left, tc.overdue, 7, 2, tc.sent)
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("ReminderDue(%d, overdue %v, sent %v) = %q, want %q", tc.left, tc.overdue, tc.sent, got, tc.want)
		}
	}
}

// dayWith returns the first day from start on which the case has left working days before due.
func dayWith(t *testing.T, start, due deadline.Date, left int) time.Time {
	t.Helper()
	be, _ := deadline.For("BE")
	for d := start; !d.After(due); d = d.AddDays(1) {
		if be.WorkingDaysLeft(d, due) == left {
			return d.Time(deadline.DefaultLocation).Add(9 * time.Hour)
		}
	}
	t.Fatalf("no day with %d working days left before %s", left, due)
	return time.Time{}
}

func staffLetters(t *testing.T, st *models.Store, kind string) []models.Letter {
	t.Helper()
	var out []models.Letter
	for _, l := range letters(t, st) {
		if l.Kind == kind {
			out = append(out, l)
		}
	}
	return out
}

// Reminders 7 and 2 working days before the due date go to the assignee, the escalation after it
// to the managers; each once per case, however often and from however many replicas the job runs.
func TestRemindersAndEscalationsOncePerCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		due := c.AnswerDueOn

		// Too early: nothing.
		if n, err := w.svc.SendReminders(ctx, dayWith(t, c.ReceivedOn, due, 8)); err != nil || n != 0 {
			t.Fatalf("8 working days before: %d letters, %v", n, err)
		}
		// Seven working days before, run by two replicas at once and again later that day.
		at := dayWith(t, c.ReceivedOn, due, 7)
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := w.svc.SendReminders(ctx, at); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if _, err := w.svc.SendReminders(ctx, at.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		rs := staffLetters(t, st, "reminder")
		if len(rs) != 1 || rs[0].Recipient != w.staffUser.Email || !strings.Contains(rs[0].TextBody, w.ref) {
			t.Fatalf("after the 7-day runs: %d reminders (%v)", len(rs), rs)
		}
		if !strings.Contains(rs[0].TextBody, "7") {
			t.Errorf("the reminder does not say how many working days are left:\n%s", rs[0].TextBody)
		}

		// Two working days before: the second reminder.
		if _, err := w.svc.SendReminders(ctx, dayWith(t, c.ReceivedOn, due, 2)); err != nil {
			t.Fatal(err)
		}
		if rs := staffLetters(t, st, "reminder"); len(rs) != 2 {
			t.Fatalf("after the 2-day run: %d reminders", len(rs))
		}

		// Overdue: the manager gets the escalation, once.
		late := due.AddDays(1).Time(deadline.DefaultLocation).Add(9 * time.Hour)
		for range 2 {
			if _, err := w.svc.SendReminders(ctx, late); err != nil {
				t.Fatal(err)
			}
		}
		es := staffLetters(t, st, "escalation")
		if len(es) != 1 || es[0].Recipient != w.managerUser.Email || !strings.Contains(es[0].TextBody, w.ref) {
			t.Fatalf("escalations: %v", es)
		}
		if ev := w.lastEvent(t); ev.Type != "escalation" || ev.Public {
			t.Errorf("last event: %+v", ev)
		}

		// Another controller's manager is never told.
		for _, l := range letters(t, st) {
			if strings.Contains(l.Recipient, "itsme.example") {
				t.Errorf("letter to another controller's staff: %s", l.Subject)
			}
		}
	})
}

// Unassigned cases remind the controller's managers.
func TestRemindersForUnassignedCasesGoToManagers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		c := w.load(t)
		if _, err := w.svc.SendReminders(ctx, dayWith(t, c.ReceivedOn, c.AnswerDueOn, 2)); err != nil {
			t.Fatal(err)
		}
		rs := staffLetters(t, st, "reminder")
		if len(rs) != 1 || rs[0].Recipient != w.managerUser.Email {
			t.Fatalf("reminders: %v", rs)
		}
	})
}

// A letter that fails for good is recorded on the case and its assignee is told; a staff letter
// that fails tells no one by mail (no loop).
func TestAFailedLetterTellsTheAssignee(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		var ack models.Letter
		for _, l := range letters(t, st) {
			if l.Kind == "acknowledgement" {
				ack = l
			}
		}
		if err := w.svc.LetterFailed(ctx, ack.ID, 1, "smtp RCPT TO: 550 5.1.1 no such mailbox"); err != nil {
			t.Fatal(err)
		}
		// A second worker reporting the same failure changes nothing.
		if err := w.svc.LetterFailed(ctx, ack.ID, 1, "again"); err != nil {
			t.Fatal(err)
		}
		got, _ := st.LetterByID(ctx, ack.ID)
		if got.Status != models.LetterFailed || !strings.Contains(got.LastError, "550") || got.NotifiedAt == nil {
			t.Fatalf("failed letter: %+v", got)
		}
		df := staffLetters(t, st, "delivery_failed")
		if len(df) != 1 || df[0].Recipient != w.staffUser.Email || !strings.Contains(df[0].TextBody, "550") {
			t.Fatalf("delivery_failed letters: %v", df)
		}
		if ev := w.lastEvent(t); ev.Type != "letter_failed" || !strings.Contains(ev.Message, "550") {
			t.Errorf("last event: %+v", ev)
		}
		// The notice itself failing tells no one.
		if err := w.svc.LetterFailed(ctx, df[0].ID, 1, "550 staff mailbox gone"); err != nil {
			t.Fatal(err)
		}
		if n := len(staffLetters(t, st, "delivery_failed")); n != 1 {
			t.Errorf("%d delivery_failed letters after a staff letter failed, want 1", n)
		}

		// Admins resend; staff cannot.
		if err := w.svc.ResendLetter(ctx, w.manager, ack.ID); err == nil {
			t.Error("a manager resent a letter")
		}
		admin := cases.Actor{UserID: w.managerUser.ID, Name: "Ada Admin", Role: models.RoleAdmin}
		if err := w.svc.ResendLetter(ctx, admin, ack.ID); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.ResendLetter(ctx, admin, ack.ID); err == nil {
			t.Error("a queued letter was resent")
		}
		got, _ = st.LetterByID(ctx, ack.ID)
		if got.Status != models.LetterQueued || got.Resends != 1 || got.MessageID != ack.MessageID {
			t.Errorf("resent letter: %+v", got)
		}
		if ev := w.lastEvent(t); ev.Type != "letter_resent" {
			t.Errorf("last event: %+v", ev)
		}
	})
}
