package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// identityPause sets the controller's choice that identity questions pause the clock.
func identityPause(t *testing.T, st *models.Store, controllerID int64, on bool) {
	t.Helper()
	if err := models.GormForTest(st).Model(&models.Controller{}).Where("id = ?", controllerID).Update("identity_pause", on).Error; err != nil {
		t.Fatal(err)
	}
}

// fileAnother files and confirms one more request on the workspace's site and returns its
// reference and status-page token.
func (w *workspace) fileAnother(t *testing.T, email string) (string, string) {
	t.Helper()
	ctx := context.Background()
	r := request()
	r.Email = email
	filed, err := w.svc.File(ctx, w.site, w.cookies, r)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := w.svc.Verify(ctx, filed.VerifyToken)
	if err != nil {
		t.Fatal(err)
	}
	return filed.Reference, tok
}

// lettersOfKind returns the letters of one kind to one address, oldest first.
func lettersOfKind(t *testing.T, st *models.Store, kind, to string) []models.Letter {
	t.Helper()
	var out []models.Letter
	for _, l := range letters(t, st) {
		if l.Kind == kind && l.Recipient == to {
			out = append(out, l)
		}
	}
	return out
}

func eventsOf(t *testing.T, st *models.Store, ref string) map[string]models.Event {
	t.Helper()
	c, err := st.CaseByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	es, err := st.Timeline(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.Event{}
	for _, e := range es {
		out[e.Type] = e
	}
	return out
}

// TestClockPause: the clock pause moves the due date and is undone when the answer arrives.
// The fixture's case is received on 5 March 2026 (due 7 April: the month ends on Easter Sunday,
// 5 April, and Easter Monday is a holiday), its internal target 25 March.
func TestClockPause(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		identityPause(t, st, w.site.ControllerID, true)
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		before := w.load(t)
		if before.DueOn != deadline.NewDate(2026, 4, 7) || before.TargetOn != deadline.NewDate(2026, 3, 25) {
			t.Fatalf("fixture dates: due %s, target %s", before.DueOn, before.TargetOn)
		}
		q := cases.Question{Text: "Which e-mail address do you use to log in?", ReplyBy: deadline.NewDate(2026, 3, 19), Identity: true}
		if err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, q); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if !c.Paused() || c.PausedOn != deadline.NewDate(2026, 3, 5) || c.InfoReplyBy != q.ReplyBy || c.Status != dsr.StatusAwaitingRequester {
			t.Fatalf("after the identity question: paused on %s, reply by %s, %s", c.PausedOn, c.InfoReplyBy, c.Status)
		}
		ev := eventsOf(t, st, w.ref)
		if e, ok := ev["clock_paused"]; !ok || !e.Public {
			t.Errorf("no public clock_paused event: %+v", ev)
		}
		if e := ev["info_requested"]; !strings.Contains(e.Message, "to answer by 2026-03-19") || !strings.Contains(e.Message, "identity") {
			t.Errorf("the question's event: %q", e.Message)
		}
		l := w.lastLetter(t) // in French, the requester's language
		for _, want := range []string{"au plus tard le 19 mars 2026", "refuser de donner suite", "suspendu à compter du 5 mars 2026"} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("the letter lacks %q:\n%s", want, l.TextBody)
			}
		}

		// Weeks later, past the date it was due, the case waits for the requester: it is not
		// overdue, and nobody is reminded of it.
		w.clock.t = time.Date(2026, 4, 20, 9, 0, 0, 0, time.UTC)
		today := deadline.NewDate(2026, 4, 20)
		dash, err := st.Dashboard(ctx, models.StatsFilter{Controllers: []int64{w.site.ControllerID}, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if dash.Overdue != 0 || dash.DueSoon != 0 || dash.Paused != 1 {
			t.Errorf("dashboard while paused: overdue %d, due soon %d, paused %d", dash.Overdue, dash.DueSoon, dash.Paused)
		}
		page, err := st.Queue(ctx, models.QueueFilter{Controllers: []int64{w.site.ControllerID}, Band: deadline.BandOverdue, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != 0 {
			t.Errorf("the paused case is in the overdue queue")
		}
		if n, err := w.svc.SendReminders(ctx, w.clock.t); err != nil || n != 0 {
			t.Errorf("reminders for a paused case: %d, %v", n, err)
		}

		// The answer arrives 46 days after the question: every date moves by 46 days, counted
		// from the month's end before the weekend rule (5 April + 46 = Thursday 21 May).
		if err := w.svc.Reply(ctx, w.statusToken, "chloe@example.org"); err != nil {
			t.Fatal(err)
		}
		c = w.load(t)
		if c.Paused() || c.PausedDays != 46 || c.DueOn != deadline.NewDate(2026, 5, 21) || c.AnswerDueOn != c.DueOn ||
			c.TargetOn != deadline.NewDate(2026, 5, 10) {
			t.Errorf("after the answer: paused %v (%d days), due %s, answer due %s, target %s", c.Paused(), c.PausedDays, c.DueOn, c.AnswerDueOn, c.TargetOn)
		}
		e, ok := eventsOf(t, st, w.ref)["clock_resumed"]
		if !ok || !e.Public || !strings.Contains(e.Message, "2026-05-21") || !strings.Contains(e.Message, "46 day(s)") {
			t.Errorf("clock_resumed event: %+v", e)
		}
		if d, ok := e.Decoded(); !ok || d.(events.ClockResumed).Days != 46 || d.(events.ClockResumed).Due != deadline.NewDate(2026, 5, 21) {
			t.Errorf("the event's detail: %+v, %v", d, ok)
		}
		// The requester is told the clock runs again, with the new date, in their language.
		acks := lettersOfKind(t, st, "reply_received_requester", "alice@example.org")
		if len(acks) != 1 || !strings.Contains(acks[0].TextBody, "au plus tard le 21 mai 2026") ||
			!strings.Contains(acks[0].TextBody, "suspendu depuis le 5 mars 2026") {
			t.Errorf("the acknowledgement of the answer: %d letters\n%v", len(acks), acks)
		}
		// The requester sees the new date; reminders follow it.
		sp, err := w.svc.Status(ctx, w.statusToken)
		if err != nil || sp.Case.AnswerDue() != deadline.NewDate(2026, 5, 21) || sp.Case.PausedDays != 46 {
			t.Errorf("status page: %v, due %s", err, sp.Case.AnswerDue())
		}
		if n, _ := w.svc.SendReminders(ctx, w.clock.t); n != 0 {
			t.Errorf("a reminder 23 working days before the new date: %d", n)
		}

		// An extension after the pause keeps the days paused: 5 June + 46 = 21 July, Belgium's
		// national day, so 22 July.
		if err := w.svc.Extend(ctx, w.staff, w.ref, 0, "Three systems to search."); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); c.ExtendedDueOn != deadline.NewDate(2026, 7, 22) || c.AnswerDueOn != c.ExtendedDueOn {
			t.Errorf("extended after a pause: %s", c.ExtendedDueOn)
		}

		// Without the controller's setting, an identity question changes no date.
		identityPause(t, st, w.site.ControllerID, false)
		w.clock.t = time.Date(2026, 3, 5, 15, 0, 0, 0, time.UTC)
		ref2, tok2 := w.fileAnother(t, "bea@example.org")
		w.svc.Claim(ctx, w.staff, ref2, 0)
		before2, _ := st.CaseByReference(ctx, ref2)
		if err := w.svc.RequestInfo(ctx, w.staff, ref2, 0, q); err != nil {
			t.Fatal(err)
		}
		if c2, _ := st.CaseByReference(ctx, ref2); c2.Paused() {
			t.Errorf("paused although the controller does not pause the clock")
		}
		if l := w.lastLetter(t); strings.Contains(l.TextBody, "suspendu") || !strings.Contains(l.TextBody, "reste due au plus tard le 7 avril 2026") {
			t.Errorf("the letter of a question that pauses nothing:\n%s", l.TextBody)
		}
		w.clock.t = time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
		if err := w.svc.Reply(ctx, tok2, "bea@example.org"); err != nil {
			t.Fatal(err)
		}
		c2, _ := st.CaseByReference(ctx, ref2)
		if c2.DueOn != before2.DueOn || c2.TargetOn != before2.TargetOn || c2.PausedDays != 0 {
			t.Errorf("dates moved without a pause: due %s (was %s), target %s", c2.DueOn, before2.DueOn, c2.TargetOn)
		}
		if acks := lettersOfKind(t, st, "reply_received_requester", "bea@example.org"); len(acks) != 0 {
			t.Errorf("an acknowledgement of an answer that resumed no clock")
		}
		ev2 := eventsOf(t, st, ref2)
		if _, ok := ev2["clock_paused"]; ok {
			t.Errorf("clock_paused without the setting")
		}
		if _, ok := ev2["clock_resumed"]; ok {
			t.Errorf("clock_resumed without a pause")
		}
	})
}

// TestClockPauseEndsWithTheCase: a refusal or a withdrawal while the clock is paused ends the
// pause first, so that a refusal is on time or late by the dates the pause gave.
func TestClockPauseEndsWithTheCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		identityPause(t, st, w.site.ControllerID, true)
		q := cases.Question{Text: "Which account?", ReplyBy: deadline.NewDate(2026, 3, 19), Identity: true}
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		if err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, q); err != nil {
			t.Fatal(err)
		}
		// Ten days after the one-month date, but 40 days paused: the month still runs, so the
		// case can be extended (to 5 June for now), and a refusal is on time.
		w.clock.t = time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC)
		if err := w.svc.Extend(ctx, w.staff, w.ref, 0, "Three systems to search."); err != nil {
			t.Fatalf("extending while paused, within the paused month: %v", err)
		}
		if c := w.load(t); c.ExtendedDueOn != deadline.NewDate(2026, 6, 5) || !c.Paused() {
			t.Errorf("extended while paused: %s, paused %v", c.ExtendedDueOn, c.Paused())
		}
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, string(dsr.GroundIdentity), "No answer to our question about your account.", false); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if c.Paused() || c.PausedDays != 40 || c.DueOn != deadline.NewDate(2026, 5, 15) || c.ExtendedDueOn != deadline.NewDate(2026, 7, 15) ||
			c.Status != dsr.StatusRefused || c.RefusalGround != string(dsr.GroundIdentity) {
			t.Errorf("refused while paused: paused %v (%d days), due %s, extended %s, %s", c.Paused(), c.PausedDays, c.DueOn, c.ExtendedDueOn, c.Status)
		}
		if c.AnswerDueOn.Before(c.AnsweredOn) {
			t.Errorf("counted late: answered %s, due %s", c.AnsweredOn, c.AnswerDueOn)
		}
		es, _ := st.Timeline(ctx, c.ID)
		if n := len(es); n < 2 || es[n-2].Type != "clock_resumed" || es[n-1].Type != "refused" {
			t.Errorf("the pause does not end before the refusal: %s, %s", es[n-2].Type, es[n-1].Type)
		}

		// The requester's own withdrawal ends a pause too.
		w.clock.t = time.Date(2026, 3, 5, 15, 0, 0, 0, time.UTC)
		ref2, tok2 := w.fileAnother(t, "bea@example.org")
		w.svc.Claim(ctx, w.staff, ref2, 0)
		if err := w.svc.RequestInfo(ctx, w.staff, ref2, 0, q); err != nil {
			t.Fatal(err)
		}
		w.clock.t = time.Date(2026, 3, 8, 15, 0, 0, 0, time.UTC)
		if err := w.svc.Withdraw(ctx, tok2); err != nil {
			t.Fatal(err)
		}
		if c2, _ := st.CaseByReference(ctx, ref2); c2.Paused() || c2.PausedDays != 3 {
			t.Errorf("withdrawn while paused: paused %v, %d days", c2.Paused(), c2.PausedDays)
		}
		if _, ok := eventsOf(t, st, ref2)["clock_resumed"]; !ok {
			t.Errorf("no clock_resumed on withdrawal")
		}
	})
}

// TestRequestInfoChecks: a question needs its text and a reply-by date from today to the date
// the answer is due; a refused question changes nothing.
func TestRequestInfoChecks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		before := w.load(t)
		sent := len(letters(t, st))
		for _, tc := range []struct {
			name  string
			q     cases.Question
			field string
			want  string
		}{
			{"empty question", cases.Question{Text: "  ", ReplyBy: deadline.NewDate(2026, 3, 19)}, dsr.QuestionField, "Write the question"},
			{"no date", cases.Question{Text: "Which account?"}, dsr.ReplyByField, "Give the date"},
			{"a date in the past", cases.Question{Text: "Which account?", ReplyBy: deadline.NewDate(2026, 3, 4)}, dsr.ReplyByField, "in the past"},
			{"after the due date", cases.Question{Text: "Which account?", ReplyBy: deadline.NewDate(2026, 4, 8)}, dsr.ReplyByField, "after 7 April 2026"},
		} {
			err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, tc.q)
			var fe *cases.FormError
			if !errors.As(err, &fe) || !strings.Contains(fe.Fields[tc.field], tc.want) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if c := w.load(t); c.Version != before.Version || c.Status != dsr.StatusInProgress || !c.InfoReplyBy.IsZero() {
			t.Errorf("a refused question changed the case: version %d→%d, %s", before.Version, c.Version, c.Status)
		}
		if n := len(letters(t, st)); n != sent {
			t.Errorf("a refused question sent a letter")
		}
		// The last day allowed is the due date itself.
		if err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, cases.Question{Text: "Which account?", ReplyBy: deadline.NewDate(2026, 4, 7)}); err != nil {
			t.Errorf("reply by the due date: %v", err)
		}
	})
}
