package cases_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

func TestShowsComplaintRoute(t *testing.T) {
	tests := []struct {
		status   dsr.Status
		extended bool
		want     bool
	}{
		{dsr.StatusUnverified, false, false},
		{dsr.StatusOpen, false, false},
		{dsr.StatusInProgress, false, false},
		{dsr.StatusAwaitingRequester, false, false},
		{dsr.StatusCompleted, false, true},
		{dsr.StatusRefused, false, true},
		{dsr.StatusWithdrawn, false, false},
		{dsr.StatusExpired, false, false},
		// An extension carries the route in its letter, whatever happens next.
		{dsr.StatusOpen, true, true},
		{dsr.StatusInProgress, true, true},
		{dsr.StatusAwaitingRequester, true, true},
		{dsr.StatusCompleted, true, true},
		{dsr.StatusRefused, true, true},
		{dsr.StatusWithdrawn, true, true},
	}
	for _, tt := range tests {
		if got := cases.ShowsComplaintRoute(tt.status, tt.extended); got != tt.want {
			t.Errorf("ShowsComplaintRoute(%s, extended %v) = %v, want %v", tt.status, tt.extended, got, tt.want)
		}
	}
}

func TestRequesterLetters(t *testing.T) {
	ls := []models.Letter{
		{ID: 1, Kind: "verification", Status: models.LetterSent},
		{ID: 2, Kind: "acknowledgement", Status: models.LetterQueued}, // held: no mail server, or not yet sent
		{ID: 3, Kind: "reply_received", Status: models.LetterSent},    // to staff
		{ID: 4, Kind: "extension", Status: models.LetterFailed},       // bounced: the requester should know
		{ID: 5, Kind: "completed", Status: models.LetterQueued},
		{ID: 6, Kind: "delivery_failed", Status: models.LetterFailed}, // to staff
	}
	var ids []int64
	for _, l := range cases.RequesterLetters(ls) {
		ids = append(ids, l.ID)
	}
	if !slices.Equal(ids, []int64{1, 4}) {
		t.Errorf("letters listed: %v, want [1 4]", ids)
	}
}

// Once answered, the status page has the answer as staff recorded it, per right or with the
// refusal's reasons, and the complaint route in the page's language.
func TestStatusAfterTheAnswer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		w := newWorkspace(t, st, request())
		page, err := w.svc.Status(ctx, w.statusToken)
		if err != nil {
			t.Fatal(err)
		}
		if page.Answered() || page.ShowsComplaintRoute() || len(page.Outcomes) != 0 {
			t.Errorf("an open case: answered %v, route %v, outcomes %v", page.Answered(), page.ShowsComplaintRoute(), page.Outcomes)
		}
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{
			dsr.KindErasure: "CRM: deleted\nNewsletter: unsubscribed", dsr.KindAccess: "Nothing else kept.",
		}), Told: w.toldAll(t), Access: w.accessAll(t)}); err != nil {
			t.Fatal(err)
		}
		page, err = w.svc.Status(ctx, w.statusToken)
		if err != nil {
			t.Fatal(err)
		}
		if !page.Answered() || !page.ShowsComplaintRoute() || len(page.Outcomes) != 2 ||
			page.Outcomes[0].Kind != dsr.KindAccess || page.Outcomes[1].Outcome != "CRM: deleted\nNewsletter: unsubscribed" {
			t.Errorf("answered case: answered %v, route %v, outcomes %+v", page.Answered(), page.ShowsComplaintRoute(), page.Outcomes)
		}
		// The requester lives in France: the APD/GBA in the page's language, then the CNIL.
		r := page.Complaints("nl")
		as := r.Authorities()
		if len(as) != 2 || as[0].Name != "Gegevensbeschermingsautoriteit (GBA)" ||
			as[0].ComplaintURL != "https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen" ||
			!strings.Contains(as[1].Name, "CNIL") || !strings.Contains(r.Judicial, "artikel 79 AVG") {
			t.Errorf("route in Dutch: %+v", r)
		}
	})
}

func TestStatusAfterARefusal(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		r := request()
		r.Country = "BE"
		w := newWorkspace(t, st, r)
		reasons := "The values you gave belong to another device.\nYou did not answer our question."
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, string(dsr.GroundIdentity), reasons, false); err != nil {
			t.Fatal(err)
		}
		page, err := w.svc.Status(ctx, w.statusToken)
		if err != nil {
			t.Fatal(err)
		}
		if !page.Answered() || !page.ShowsComplaintRoute() || len(page.Outcomes) != len(r.Kinds) ||
			page.Case.RefusalGround != string(dsr.GroundIdentity) || !page.IdentityNotConfirmed() {
			t.Errorf("refused case: answered %v, route %v, outcomes %+v, ground %q", page.Answered(), page.ShowsComplaintRoute(),
				page.Outcomes, page.Case.RefusalGround)
		}
		for _, o := range page.Outcomes {
			if o.Result != dsr.ResultRefused || o.Ground != dsr.GroundIdentity || o.Reasons != reasons {
				t.Errorf("a right of the refused request: %+v", o)
			}
		}
		// A resident of Belgium is sent to the APD/GBA only.
		if as := page.Complaints("fr").Authorities(); len(as) != 1 || as[0].Name != "Autorité de protection des données (APD)" {
			t.Errorf("route for a resident of Belgium: %+v", as)
		}
	})
}

// A letter the requester was sent is listed once it reached their mail server, not before.
func TestStatusListsSentLettersOnly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		w := newWorkspace(t, st, request())
		page, err := w.svc.Status(ctx, w.statusToken)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Letters) != 0 {
			t.Fatalf("letters still in the outbox are listed: %+v", page.Letters)
		}
		ls := letters(t, st)
		if err := st.MarkLetterSent(ctx, ls[1].ID, w.clock.t); err != nil {
			t.Fatal(err)
		}
		page, err = w.svc.Status(ctx, w.statusToken)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Letters) != 1 || page.Letters[0].Kind != "acknowledgement" {
			t.Errorf("after the acknowledgement was sent: %+v", page.Letters)
		}
	})
}
