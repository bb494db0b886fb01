package cases_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// A consent withdrawal filed as a request (typed identifiers, from another device) takes effect
// when the requester asked (Art. 7(3)): once staff comply with it, it is recorded as a withdrawal
// dated at the case's receipt, against the identifiers staff did not reject, told to the site by
// its webhook like a browser's withdrawal, and not left waiting for the privacy team who answered
// it. A refused one records nothing.
func TestRequestedWithdrawalIsRecordedOnCompletionDatedAtAsking(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		r := request()
		r.Kinds = []dsr.Kind{dsr.KindConsentWithdrawal}
		r.Identifiers = []dsr.Identifier{
			{CookieName: "UID", Value: "u-100077", Provenance: dsr.ProvenanceTyped},
			{CookieName: "U2", Value: "not-mine", Provenance: dsr.ProvenanceTyped},
		}
		w := newWorkspace(t, st, r)
		c := w.load(t)
		if _, err := st.SetWebhook(ctx, w.site.ID, "https://hooks.esomus.example/consent"); err != nil {
			t.Fatal(err)
		}
		// Staff reject one value, and answer ten days after the request arrived.
		var rejected int64
		for _, id := range c.Identifiers {
			if id.Value == "not-mine" {
				rejected = id.ID
			}
		}
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DecideIdentifier(ctx, w.staff, w.ref, 0, rejected, false, "Not set by our site."); err != nil {
			t.Fatal(err)
		}
		w.clock.t = w.clock.t.Add(10 * 24 * time.Hour)
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindConsentWithdrawal: {Result: "full", Done: "Analytics cookies no longer set for UID u-100077."},
		}}); err != nil {
			t.Fatal(err)
		}

		ws, err := st.WithdrawalsFor(ctx, w.site.ID, "UID", "u-100077")
		if err != nil || len(ws) != 1 {
			t.Fatalf("withdrawals for UID: %+v, %v", ws, err)
		}
		got := ws[0]
		if !got.WithdrawnAt.Equal(c.ReceivedAt) || got.WithdrawnAt.Equal(w.clock.t) {
			t.Errorf("withdrawn at %v, want when the requester asked, %v (not the answer, %v)", got.WithdrawnAt, c.ReceivedAt, w.clock.t)
		}
		if got.CaseID == nil || *got.CaseID != c.ID || got.Scope != models.ScopeAll || got.HandledAt == nil ||
			got.HandledBy == nil || *got.HandledBy != w.staff.UserID {
			t.Errorf("recorded %+v", got)
		}
		if len(got.Identifiers) != 1 || got.Identifiers[0].Provenance != dsr.ProvenanceTyped {
			t.Errorf("identifiers %+v: want UID only, the rejected value left out", got.Identifiers)
		}
		if bad, _ := st.WithdrawalsFor(ctx, w.site.ID, "U2", "not-mine"); len(bad) != 0 {
			t.Error("the rejected identifier was recorded")
		}
		d, err := st.WebhookDeliveryOf(ctx, got.ID)
		if err != nil || d.State != models.WebhookPending || d.URL != "https://hooks.esomus.example/consent" {
			t.Errorf("webhook delivery %+v, %v", d, err)
		}
		if n, err := st.CountWithdrawalNotices(ctx, []int64{w.site.ControllerID}); err != nil || n != 0 {
			t.Errorf("notices for the team that answered it: %d, %v", n, err)
		}
		if e := w.lastEvent(t); e.Type != "consent_recorded" || !strings.Contains(e.Message, got.Receipt) || !strings.Contains(e.Message, "webhook") {
			t.Errorf("event %+v", e)
		}
		// The answer letter dates the withdrawal when it was asked for: 5 March, not 15 March.
		l := w.lastLetter(t)
		if !strings.Contains(l.TextBody, "5 mars 2026") || strings.Contains(l.TextBody, "15 mars 2026") {
			t.Errorf("the answer letter does not date the withdrawal at asking:\n%s", l.TextBody)
		}
	})
}

// Without a webhook a completed withdrawal request is still recorded (the API and a later site
// lookup find it); a refused one is not recorded at all.
func TestRefusedWithdrawalRequestRecordsNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		r := request()
		r.Kinds = []dsr.Kind{dsr.KindConsentWithdrawal}
		w := newWorkspace(t, st, r)
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, string(dsr.GroundIdentity), "None of the values was set by our site.", false); err != nil {
			t.Fatal(err)
		}
		if n := count(t, st, "consent_withdrawals"); n != 0 {
			t.Errorf("%d withdrawals recorded for a refused request", n)
		}

		r2 := request()
		r2.Email = "bob@example.org"
		r2.Kinds = []dsr.Kind{dsr.KindConsentWithdrawal}
		filed, err := w.svc.File(ctx, w.site, w.cookies, r2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Verify(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Claim(ctx, w.staff, filed.Reference, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Complete(ctx, w.staff, filed.Reference, 0, cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindConsentWithdrawal: {Result: "full", Done: "Stopped."},
		}}); err != nil {
			t.Fatal(err)
		}
		ws, _ := st.WithdrawalsFor(ctx, w.site.ID, "STCK_ID", "abc-123")
		if len(ws) != 1 || count(t, st, "webhook_deliveries") != 0 {
			t.Errorf("withdrawals %+v; want one, and no webhook call for a site without one", ws)
		}
	})
}
