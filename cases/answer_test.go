package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// figures are the dashboard's answers of the last year for the case's controller, and its
// public disclosure page's totals.
func figures(t *testing.T, st *models.Store, c models.Case, today deadline.Date) (models.Answers, models.YearFigures) {
	t.Helper()
	ctx := context.Background()
	d, err := st.Dashboard(ctx, models.StatsFilter{Controllers: []int64{c.ControllerID}, Today: today, Since: today.AddDays(-365)})
	if err != nil {
		t.Fatal(err)
	}
	years, err := st.Transparency(ctx, c.ControllerID)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		if y.Kind == models.AllKinds {
			return d.Period, y
		}
	}
	t.Fatal("no figures on the disclosure page")
	return d.Period, models.YearFigures{}
}

// An Art. 17(3) ground refuses the erasure only: the access is answered, the case is answered in
// part, and the dashboard and disclosure page count it so, before and after the rollup.
func TestAnswerRightByRight(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request()) // access + erasure
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		in := cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindAccess:  {Result: "full", Done: "Page views linked to STCK_ID, kept 13 months."},
			dsr.KindErasure: {Result: "refused", Ground: "art_17_3_exception", Reasons: "Invoices are kept 7 years (Art. 17(3)(b))."},
		}}
		// 17(3) against the access is refused, and nothing changes.
		bad := cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindAccess: {Result: "refused", Ground: "art_17_3_exception", Reasons: "x"}, dsr.KindErasure: in.Rights[dsr.KindErasure],
		}}
		var fe *cases.FormError
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, bad); !errors.As(err, &fe) || fe.Fields[dsr.GroundField(dsr.KindAccess)] == "" {
			t.Fatalf("Art. 17(3) against the access: %v", err)
		}
		if c := w.load(t); c.Status != dsr.StatusInProgress {
			t.Fatalf("a refused answer changed the case: %s", c.Status)
		}
		in.Access = w.accessAll(t)
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, in); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if c.Status != dsr.StatusCompleted || c.AnswerResult != string(dsr.ResultPartial) {
			t.Errorf("answered in part: status %s, result %q", c.Status, c.AnswerResult)
		}
		saved, _ := st.Outcomes(ctx, c.ID)
		got := map[dsr.Kind]models.CaseOutcome{}
		for _, o := range saved {
			got[o.Kind] = o
		}
		if a, e := got[dsr.KindAccess], got[dsr.KindErasure]; a.Result != dsr.ResultFull || a.Outcome == "" ||
			e.Result != dsr.ResultRefused || e.Ground != dsr.GroundArt17_3 || !strings.Contains(e.Reasons, "Invoices") {
			t.Errorf("outcomes saved: %+v", saved)
		}
		l := w.lastLetter(t)
		for _, want := range []string{"Accès (art. 15 RGPD)\u00a0: demande satisfaite\n", "Effacement (art. 17 RGPD)\u00a0: demande refusée\n",
			"Invoices are kept 7 years", "l’article 12, paragraphe 4, du RGPD nous impose", "contact@apd-gba.be"} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("the answer letter lacks %q:\n%s", want, l.TextBody)
			}
		}
		page, _ := w.svc.Status(ctx, w.statusToken)
		if len(page.Outcomes) != 2 || !page.ShowsComplaintRoute() {
			t.Errorf("status page: %+v", page.Outcomes)
		}
		today := deadline.Today(w.clock.t, deadline.DefaultLocation)
		check := func(when string) {
			a, y := figures(t, st, c, today)
			if a.Answered != 1 || a.Partial != 1 || a.Refused != 0 || y.Complied != 1 || y.Partial != 1 || y.Refused != 0 {
				t.Errorf("%s: dashboard %+v, disclosure %+v", when, a, y)
			}
		}
		check("live")
		if _, err := st.RollUp(ctx); err != nil {
			t.Fatal(err)
		}
		check("rolled up")
	})
}

// A direct-marketing objection needs no grounds and can never be refused (Art. 21(2)–(3)).
func TestDirectMarketingObjectionCannotBeRefused(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		r := request()
		r.Kinds, r.ObjectionDirectMarketing = []dsr.Kind{dsr.KindObjection}, true
		w := newWorkspace(t, st, r)
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		before := len(letters(t, st))
		var fe *cases.FormError
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, "manifestly_unfounded", "We think it is abusive.", false); !errors.As(err, &fe) || fe.Fields["ground"] == "" {
			t.Errorf("refusing a direct-marketing objection: %v", err)
		}
		for _, res := range []string{"refused", "partial"} {
			in := cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{dsr.KindObjection: {Result: res, Done: "x", Ground: "other", Reasons: "x"}}}
			if err := w.svc.Complete(ctx, w.staff, w.ref, 0, in); !errors.As(err, &fe) || fe.Fields[dsr.ResultField(dsr.KindObjection)] == "" {
				t.Errorf("answering a direct-marketing objection %s: %v", res, err)
			}
		}
		if c := w.load(t); c.Status != dsr.StatusInProgress || !c.ObjectionDirectMarketing || len(letters(t, st)) != before {
			t.Fatalf("refused actions changed the case: %s, %d letters", c.Status, len(letters(t, st)))
		}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindObjection: "Newsletter and retargeting stopped on 5 March."})}); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); c.Status != dsr.StatusCompleted || c.AnswerResult != string(dsr.ResultFull) {
			t.Errorf("complied with: %s %s", c.Status, c.AnswerResult)
		}
	})
}

// A refusal is due within one month even when the answer was extended (Art. 12(4)): after that
// date it needs an acknowledgement, is recorded, and counts late; a full answer within the
// extension stays on time.
func TestLateRefusalOfAnExtendedCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		late := newWorkspace(t, st, request())
		filed, err := late.svc.File(ctx, late.site, late.cookies, request())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := late.svc.Verify(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		onTime := *late
		onTime.ref = filed.Reference
		for _, w := range []*workspace{late, &onTime} {
			w.svc.Claim(ctx, w.staff, w.ref, 0)
			if err := w.svc.Extend(ctx, w.staff, w.ref, 0, "Three systems and an archive to search."); err != nil {
				t.Fatal(err)
			}
		}
		c := late.load(t)
		// Five weeks after receipt: past the one-month date, within the extension.
		late.clock.t = late.clock.t.AddDate(0, 0, 35)
		if !deadline.Today(late.clock.t, deadline.DefaultLocation).After(c.DueOn) || !deadline.Today(late.clock.t, deadline.DefaultLocation).Before(c.ExtendedDueOn) {
			t.Fatalf("the test day is not between %s and %s", c.DueOn, c.ExtendedDueOn)
		}
		reasons := "Your requests repeat the one answered last month."
		var fe *cases.FormError
		if err := late.svc.Refuse(ctx, late.staff, late.ref, 0, "manifestly_excessive", reasons, false); !errors.As(err, &fe) || fe.Fields[dsr.LateAckField] == "" {
			t.Fatalf("a late refusal without acknowledgement: %v", err)
		}
		partial := cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindAccess:  {Result: "full", Done: "Export attached."},
			dsr.KindErasure: {Result: "refused", Ground: "art_17_3_exception", Reasons: "Invoices kept."},
		}}
		if err := late.svc.Complete(ctx, late.staff, late.ref, 0, partial); !errors.As(err, &fe) || fe.Fields[dsr.LateAckField] == "" {
			t.Fatalf("a late refusal of one right without acknowledgement: %v", err)
		}
		if got := late.load(t); got.Status != dsr.StatusInProgress {
			t.Fatalf("a refused action changed the case: %s", got.Status)
		}
		if err := late.svc.Refuse(ctx, late.staff, late.ref, 0, "manifestly_excessive", reasons, true); err != nil {
			t.Fatal(err)
		}
		if err := onTime.svc.Complete(ctx, onTime.staff, onTime.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{
			dsr.KindAccess: "Export attached.", dsr.KindErasure: "Deleted."}), Told: onTime.toldAll(t), Access: onTime.accessAll(t)}); err != nil {
			t.Fatal(err)
		}
		lc := late.load(t)
		if lc.Status != dsr.StatusRefused || lc.AnswerDueOn != lc.DueOn || !lc.AnsweredOn.After(lc.AnswerDueOn) {
			t.Errorf("late refusal: status %s, due %s (one month %s), answered %s", lc.Status, lc.AnswerDueOn, lc.DueOn, lc.AnsweredOn)
		}
		events, _ := st.Timeline(ctx, lc.ID)
		flagged := false
		for _, e := range events {
			flagged = flagged || e.Type == "refusal_late"
		}
		if !flagged {
			t.Error("the late refusal is not recorded on the case")
		}
		today := deadline.Today(late.clock.t, deadline.DefaultLocation)
		for _, when := range []string{"live", "rolled up"} {
			if when == "rolled up" {
				if _, err := st.RollUp(ctx); err != nil {
					t.Fatal(err)
				}
			}
			a, _ := figures(t, st, lc, today)
			if a.Answered != 2 || a.Late != 1 || a.OnTime != 1 || a.Refused != 1 || a.Extended != 2 {
				t.Errorf("%s: dashboard %+v", when, a)
			}
		}
	})
}

// Portability is answered with machine-readable files even without access; anything else is
// refused with the reason, and nothing is saved.
func TestPortabilityFiles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		r := request()
		r.Kinds = []dsr.Kind{dsr.KindPortability}
		w := newWorkspace(t, st, r)
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		rights := cases.CompliedWith(map[dsr.Kind]string{dsr.KindPortability: "Newsletter: your subscription, in JSON."})
		var fe *cases.FormError
		for _, f := range []cases.Upload{
			{Name: "export.pdf", Data: []byte("%PDF-1.7")},
			{Name: "export.json", Data: []byte(`{"broken":`)},
		} {
			if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: rights, Portable: []cases.Upload{f}}); !errors.As(err, &fe) || fe.Fields["portable"] == "" {
				t.Errorf("portability file %s: %v", f.Name, err)
			}
		}
		// A copy of the data answers access, which this request does not ask.
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: rights, Files: []cases.Upload{{Name: "a.json", Data: []byte("{}")}}}); !errors.As(err, &fe) || fe.Fields["files"] == "" {
			t.Errorf("an access file on a portability request: %v", err)
		}
		if c := w.load(t); c.Status != dsr.StatusInProgress {
			t.Fatalf("refused answers changed the case: %s", c.Status)
		}
		good := cases.Upload{Name: "subscription.json", ContentType: "application/octet-stream", Data: []byte(`{"email":"alice@example.org","since":"2024-05-01"}`)}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: rights, Portable: []cases.Upload{good}}); err != nil {
			t.Fatal(err)
		}
		page, _ := w.svc.Status(ctx, w.statusToken)
		if len(page.Files) != 1 || page.Files[0].Kind != dsr.KindPortability || page.Files[0].ContentType != "application/json" {
			t.Errorf("files: %+v", page.Files)
		}
		if l := w.lastLetter(t); !strings.Contains(l.TextBody, "lisible par machine") || !strings.Contains(l.TextBody, "subscription.json") {
			t.Errorf("the letter does not offer the machine-readable file:\n%s", l.TextBody)
		}
	})
}
