package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

func (w *workspace) eventCount(t *testing.T) int {
	t.Helper()
	es, err := w.st.Timeline(context.Background(), w.load(t).ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// TestLegalHold: staff of the case's controller place a hold with a reason on a case in any
// status, closed ones included, and lift it with a reason; each is an internal event written with
// the change. A second hold, a lift without one, a bad reason, another controller's staff and a
// stale page change nothing.
func TestLegalHold(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		before := w.load(t)
		if before.Held() || before.HoldReason != "" || before.HeldBy != nil {
			t.Fatalf("a new case is held: %+v", before)
		}
		events0 := w.eventCount(t)

		// Refused reasons: each names the field, and nothing changes.
		for _, bad := range []string{"", "   \r\n ", strings.Repeat("x", cases.MaxHoldReason+1), "claim\xff", "claim\x00", "claim\x1b[31m", "claim\u0085"} {
			var fe *cases.FormError
			if err := w.svc.PlaceHold(ctx, w.staff, w.ref, 0, bad); !errors.As(err, &fe) || fe.Fields[cases.HoldReasonField] == "" {
				t.Errorf("reason %q: %v", bad, err)
			}
		}
		var fe *cases.FormError
		if err := w.svc.PlaceHold(ctx, w.staff, w.ref, 0, ""); !errors.As(err, &fe) || !strings.Contains(fe.Fields[cases.HoldReasonField], "Say why the case is held") {
			t.Errorf("no reason: %v", err)
		}
		if err := w.svc.PlaceHold(ctx, w.staff, w.ref, 0, strings.Repeat("é", cases.MaxHoldReason+1)); !errors.As(err, &fe) ||
			!strings.Contains(fe.Fields[cases.HoldReasonField], "at most 500") {
			t.Errorf("a long reason: %v", err)
		}
		// Another controller's staff cannot see the case.
		if err := w.svc.PlaceHold(ctx, w.other, w.ref, 0, "Claim."); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another controller's hold: %v", err)
		}
		// A stale page.
		if err := w.svc.PlaceHold(ctx, w.staff, w.ref, before.Version+1, "Claim."); !errors.Is(err, models.ErrConflict) {
			t.Errorf("a stale version: %v", err)
		}
		// Nothing to lift.
		if err := w.svc.LiftHold(ctx, w.staff, w.ref, 0, "Settled."); !errors.Is(err, dsr.ErrRefused) || !strings.Contains(err.Error(), "not under a legal hold") {
			t.Errorf("lifting no hold: %v", err)
		}
		if c := w.load(t); c.Held() || c.Version != before.Version || w.eventCount(t) != events0 {
			t.Fatalf("refused holds changed the case: %+v, %d events", c, w.eventCount(t))
		}

		// Staff place one: trimmed, at most 500 characters (not bytes).
		reason := strings.Repeat("é", cases.MaxHoldReason-10) + " Claim ☺"
		w.clock.t = w.clock.t.Add(time.Hour)
		if err := w.svc.PlaceHold(ctx, w.staff, w.ref, before.Version, "  "+reason+"\n"); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if !c.Held() || c.HoldReason != reason || c.HeldBy == nil || *c.HeldBy != w.staffUser.ID || !c.HeldAt.Equal(w.clock.t) ||
			c.Status != before.Status || c.Version != before.Version+1 {
			t.Fatalf("after the hold: held %v by %v at %v, %q, %s, v%d", c.Held(), c.HeldBy, c.HeldAt, c.HoldReason, c.Status, c.Version)
		}
		e := w.lastEvent(t)
		if e.Type != "hold_placed" || e.Public || e.ActorType != models.ActorStaff || e.ActorUserID == nil || *e.ActorUserID != w.staffUser.ID ||
			e.FromStatus != before.Status || e.ToStatus != before.Status || !strings.Contains(e.Message, "Legal hold placed") ||
			!strings.Contains(e.Message, reason) {
			t.Errorf("hold event: %+v", e)
		}
		if d, ok := e.Decoded(); !ok || d != (events.HoldPlaced{Reason: reason}) {
			t.Errorf("hold detail: %#v %v", d, ok)
		}
		// A second hold is refused.
		if err := w.svc.PlaceHold(ctx, w.manager, w.ref, 0, "Another claim."); !errors.Is(err, dsr.ErrRefused) || !strings.Contains(err.Error(), "already under a legal hold") {
			t.Errorf("a second hold: %v", err)
		}
		if err := w.svc.LiftHold(ctx, w.other, w.ref, 0, "Settled."); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another controller's lift: %v", err)
		}
		if err := w.svc.LiftHold(ctx, w.manager, w.ref, 0, " "); !errors.As(err, &fe) || !strings.Contains(fe.Fields[cases.LiftReasonField], "Say why the hold is lifted") {
			t.Errorf("a lift without a reason: %v", err)
		}
		if c2 := w.load(t); !c2.Held() || c2.Version != c.Version {
			t.Fatalf("refused actions changed the held case: %+v", c2)
		}

		// The manager lifts it.
		if err := w.svc.LiftHold(ctx, w.manager, w.ref, c.Version, "Claim settled."); err != nil {
			t.Fatal(err)
		}
		c = w.load(t)
		if c.Held() || c.HoldReason != "" || c.HeldBy != nil || c.HeldAt != nil {
			t.Fatalf("after the lift: %+v", c)
		}
		if e := w.lastEvent(t); e.Type != "hold_lifted" || e.Public || *e.ActorUserID != w.managerUser.ID || !strings.Contains(e.Message, "Claim settled.") {
			t.Errorf("lift event: %+v", e)
		}

		// A closed case can be held: a claim can come years after the answer.
		if err := w.svc.CloseWithdrawn(ctx, w.staff, w.ref, 0, "E-mail of 6 March."); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.PlaceHold(ctx, w.staff, w.ref, 0, "Complaint to the APD, file 2026/123."); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); !c.Held() || c.Status != dsr.StatusWithdrawn || c.ClosedAt == nil {
			t.Errorf("a closed case held: %s %v", c.Status, c.Held())
		}
		if err := w.svc.LiftHold(ctx, w.staff, w.ref, 0, "Complaint closed."); err != nil {
			t.Fatal(err)
		}

		// The requester never sees a hold.
		pub, err := st.PublicTimeline(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range pub {
			if strings.HasPrefix(e.Type, "hold_") {
				t.Errorf("the requester's timeline shows %s", e.Type)
			}
		}
		var holds int
		es, _ := st.Timeline(ctx, c.ID)
		for _, e := range es {
			if strings.HasPrefix(e.Type, "hold_") {
				holds++
			}
		}
		if holds != 4 {
			t.Errorf("%d hold events, want 4", holds)
		}
	})
}

// TestHoldOnAnUnconfirmedRequest: a hold can be placed on a request whose e-mail address was never
// confirmed, too.
func TestHoldOnAnUnconfirmedRequest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		r := request()
		r.Email = "bob@example.org"
		filed, err := w.svc.File(ctx, w.site, w.cookies, r)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.svc.PlaceHold(ctx, w.staff, filed.Reference, 0, "Abuse report."); err != nil {
			t.Fatal(err)
		}
		c, _ := st.CaseByReference(ctx, filed.Reference)
		if !c.Held() || c.Status != dsr.StatusUnverified {
			t.Errorf("unconfirmed and held: %s %v", c.Status, c.Held())
		}
	})
}
