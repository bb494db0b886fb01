package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

// withProviders adds third-party cookies to the fixture's site: Google (two cookies), Zendesk,
// and a retired cookie of a provider no longer on the site, which is no recipient.
func withProviders(t *testing.T, w *workspace) {
	t.Helper()
	ctx := context.Background()
	retired := w.clock.t.Add(-time.Hour)
	// The demo site's own third parties are retired, so that the recipients are these.
	existing, err := w.st.Cookies(ctx, w.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range existing {
		if ck.Party == "third" {
			if err := w.st.RetireCookie(ctx, w.site.ID, ck.ID, retired); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, ck := range []models.Cookie{
		{Name: "_ga", Provider: "Google", Category: "analytics"},
		{Name: "_gid", Provider: "Google", Category: "analytics"},
		{Name: "__zlcmid", Provider: "Zendesk", Category: "functional"},
		{Name: "_px", Provider: "Pixel Partners", Category: "marketing", RetiredAt: &retired},
	} {
		ck.SiteID, ck.Position, ck.Party, ck.Purpose, ck.PurposeLanguage = w.site.ID, 100+i, "third", "x", "en"
		ck.Lifetime = lifetime.Lifetime{Kind: lifetime.Session}
		if err := w.st.SaveCookie(ctx, &ck); err != nil {
			t.Fatal(err)
		}
	}
	got, err := w.st.CookieRecipients(ctx, w.site.ID)
	if err != nil || strings.Join(got, ",") != "Google,Zendesk" {
		t.Fatalf("recipients of the site: %v %v", got, err)
	}
}

// toldAll says every recipient of the site was told on the day the case was received: what an
// answer complying with rectification, erasure or restriction must record (Art. 19).
func (w *workspace) toldAll(t *testing.T) []dsr.RecipientInput {
	t.Helper()
	names, err := w.st.CookieRecipients(context.Background(), w.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	on := w.load(t).ReceivedAt.Format("2006-01-02")
	told := make([]dsr.RecipientInput, len(names))
	for i, n := range names {
		told[i] = dsr.RecipientInput{Provider: n, Choice: dsr.ToldChoice, ToldOn: on}
	}
	return told
}

// snapshot is what a refused answer must leave untouched.
type snapshot struct {
	status                          dsr.Status
	version                         int
	events, letters, outcomes, told int64
}

func (w *workspace) snapshot(t *testing.T) snapshot {
	t.Helper()
	c := w.load(t)
	return snapshot{c.Status, c.Version, count(t, w.st, "events"), count(t, w.st, "letters"),
		count(t, w.st, "case_outcomes"), count(t, w.st, "case_recipients_told")}
}

// Art. 19: an erasure is answered with what became of each recipient; a recipient left out, or
// told on a date in the future, refuses the answer without writing anything; the answer saves
// each recipient and, since the requester asked, the letter names them with the dates.
func TestCompleteErasureWithRecipientsTold(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		r := request()
		r.Kinds, r.RecipientsWanted = []dsr.Kind{dsr.KindErasure}, true
		w := newWorkspace(t, st, r)
		withProviders(t, w)
		ctx := context.Background()
		if c := w.load(t); !c.RecipientsWanted {
			t.Fatal("the requester's wish to know the recipients was not filed")
		}
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		w.clock.t = w.clock.t.Add(72 * time.Hour) // answered on 8 March 2026
		rights := cases.CompliedWith(map[dsr.Kind]string{dsr.KindErasure: "CRM : fiche supprimée"})
		before := w.snapshot(t)
		var fe *cases.FormError
		for name, tt := range map[string]struct {
			told  []dsr.RecipientInput
			field string
		}{
			"no recipient":    {nil, dsr.RecipientsField},
			"Zendesk missing": {[]dsr.RecipientInput{{Provider: "Google", Choice: dsr.ToldChoice, ToldOn: "2026-03-06"}}, dsr.RecipientsField},
			"told tomorrow": {[]dsr.RecipientInput{{Provider: "Google", Choice: dsr.ToldChoice, ToldOn: "2026-03-09"},
				{Provider: "Zendesk", Choice: dsr.ToldChoice, ToldOn: "2026-03-06"}}, dsr.ToldOnField(0)},
			"not told without reason": {[]dsr.RecipientInput{{Provider: "Google", Choice: dsr.ToldChoice, ToldOn: "2026-03-06"},
				{Provider: "Zendesk", Choice: string(dsr.NotToldImpossible)}}, dsr.NotToldReasonField(1)},
		} {
			err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: rights, Told: tt.told})
			if !errors.As(err, &fe) || fe.Fields[tt.field] == "" {
				t.Errorf("%s: %v", name, err)
			}
			if after := w.snapshot(t); after != before {
				t.Fatalf("%s: a refused answer wrote something: %+v, before %+v", name, after, before)
			}
		}
		told := []dsr.RecipientInput{
			{Provider: "Google", Choice: dsr.ToldChoice, ToldOn: "2026-03-06"},
			{Provider: "Zendesk", Choice: string(dsr.NotToldDisproportionate), Reason: "Le fournisseur ne conserve aucune donnée liée à votre identifiant."},
		}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: rights, Told: told}); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if c.Status != dsr.StatusCompleted {
			t.Fatalf("status %s", c.Status)
		}
		saved, err := st.RecipientsTold(ctx, c.ID)
		if err != nil || len(saved) != 2 || saved[0].Provider != "Google" || !saved[0].Told() || saved[0].ToldOn.String() != "2026-03-06" ||
			saved[1].Provider != "Zendesk" || saved[1].Told() || saved[1].NotTold != dsr.NotToldDisproportionate || saved[1].Reason == "" ||
			saved[0].RecordedBy == nil || *saved[0].RecordedBy != w.staffUser.ID {
			t.Errorf("recipients saved: %+v %v", saved, err)
		}
		l := w.lastLetter(t)
		for _, want := range []string{"Destinataires de vos données (article 19 du RGPD)", "Google\u00a0: informé le 6 mars 2026",
			"Zendesk\u00a0: non informé, cette communication exigeant des efforts disproportionnés", "ne conserve aucune donnée"} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("the answer lacks %q:\n%s", want, l.TextBody)
			}
		}
		es, _ := st.Timeline(ctx, c.ID)
		var noted bool
		for _, e := range es {
			if e.Type == "recipients_told" {
				noted = !e.Public && strings.Contains(e.Message, "Google: told on 6 March 2026")
			}
		}
		if !noted {
			t.Errorf("no internal event for the recipients: %+v", es)
		}

		// Zendesk is told later: recorded once, with a date that is neither future nor before receipt.
		lettersBefore := count(t, st, "letters")
		var fe2 *cases.FormError
		for _, bad := range []struct{ provider, on, field string }{
			{"Google", "2026-03-08", dsr.LaterProviderField}, // already told
			{"Hotjar", "2026-03-08", dsr.LaterProviderField},
			{"Zendesk", "2026-03-09", dsr.LaterToldOnField},
		} {
			if err := w.svc.RecordRecipient(ctx, w.staff, w.ref, 0, bad.provider, bad.on); !errors.As(err, &fe2) || fe2.Fields[bad.field] == "" {
				t.Errorf("%s %s: %v", bad.provider, bad.on, err)
			}
		}
		if err := w.svc.RecordRecipient(ctx, w.other, w.ref, 0, "Zendesk", "2026-03-08"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another controller's manager: %v", err)
		}
		if err := w.svc.RecordRecipient(ctx, w.staff, w.ref, 0, "Zendesk", "2026-03-08"); err != nil {
			t.Fatal(err)
		}
		saved, _ = st.RecipientsTold(ctx, c.ID)
		if len(saved) != 2 || !saved[1].Told() || saved[1].ToldOn.String() != "2026-03-08" {
			t.Errorf("told later: %+v", saved)
		}
		if err := w.svc.RecordRecipient(ctx, w.staff, w.ref, 0, "Zendesk", "2026-03-08"); !errors.As(err, &fe2) {
			t.Errorf("told twice: %v", err)
		}
		if count(t, st, "letters") != lettersBefore {
			t.Error("recording a recipient told later sent a letter")
		}
	})
}

// Art. 18(3): once a restriction was complied with, staff announce its lifting, with a date after
// today and reasons; the letter goes out once, in the requester's language; a second notice, or a
// notice on a case whose restriction was refused or that has none, is refused and writes nothing.
func TestRestrictionLifting(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		r := request()
		r.Kinds = []dsr.Kind{dsr.KindAccess, dsr.KindRestriction}
		w := newWorkspace(t, st, r)
		withProviders(t, w)
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		// Before the answer there is no restriction to lift.
		if err := w.svc.LiftRestriction(ctx, w.staff, w.ref, 0, "2026-04-15", "x"); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("lifting before the answer: %v", err)
		}
		err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{
			Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "Rien trouvé.", dsr.KindRestriction: "CRM : fiche verrouillée"}),
			Told: []dsr.RecipientInput{{Provider: "Google", Choice: dsr.ToldChoice, ToldOn: "2026-03-05"},
				{Provider: "Zendesk", Choice: dsr.ToldChoice, ToldOn: "2026-03-05"}},
			Access: w.accessAll(t),
		})
		if err != nil {
			t.Fatal(err)
		}
		// Not asked who the recipients are: the answer offers to say (the Art. 15 items of the access
		// name them as recipients of the data, not as told of the restriction).
		if l := w.lastLetter(t); !strings.Contains(l.TextBody, "Si vous souhaitez savoir qui sont ces destinataires") || strings.Contains(l.TextBody, "Google\u00a0: informé") {
			t.Errorf("the answer should offer to name the recipients:\n%s", l.TextBody)
		}
		w.clock.t = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		before := w.snapshot(t)
		var fe *cases.FormError
		for _, bad := range []struct{ on, reasons, field string }{
			{"2026-04-01", "Vérification terminée.", dsr.LiftsOnField}, // today: too late to tell before
			{"2026-03-20", "Vérification terminée.", dsr.LiftsOnField},
			{"le 15 avril", "Vérification terminée.", dsr.LiftsOnField},
			{"2026-04-15", " ", dsr.LiftingReasonsField},
		} {
			if err := w.svc.LiftRestriction(ctx, w.staff, w.ref, 0, bad.on, bad.reasons); !errors.As(err, &fe) || fe.Fields[bad.field] == "" {
				t.Errorf("%q %q: %v", bad.on, bad.reasons, err)
			}
		}
		if err := w.svc.LiftRestriction(ctx, w.other, w.ref, 0, "2026-04-15", "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another controller's manager: %v", err)
		}
		if after := w.snapshot(t); after != before {
			t.Fatalf("refused notices wrote something: %+v, before %+v", after, before)
		}
		if err := w.svc.LiftRestriction(ctx, w.staff, w.ref, before.version, "2026-04-15", "L'exactitude de vos données a été vérifiée."); err != nil {
			t.Fatal(err)
		}
		l := w.lastLetter(t)
		if l.Kind != "restriction_lifting" || l.Language != "fr" || l.Recipient != "alice@example.org" ||
			!strings.Contains(l.Subject, "sera levée le 15 avril 2026") || !strings.Contains(l.TextBody, "L'exactitude de vos données a été vérifiée.") ||
			!strings.Contains(l.TextBody, "article 18, paragraphe 3") {
			t.Errorf("the lifting letter: %s %s %s\n%s", l.Kind, l.Language, l.Subject, l.TextBody)
		}
		if e := w.lastEvent(t); e.Type != "restriction_lifting" || !e.Public || !strings.Contains(e.Message, "15 April 2026") {
			t.Errorf("event: %+v", e)
		}
		lifting, err := st.RestrictionLiftingOf(ctx, w.load(t).ID)
		if err != nil || lifting.LiftsOn.String() != "2026-04-15" || lifting.NotifiedBy == nil {
			t.Errorf("lifting recorded: %+v %v", lifting, err)
		}
		once := w.snapshot(t)
		if err := w.svc.LiftRestriction(ctx, w.manager, w.ref, 0, "2026-04-20", "Encore."); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("a second notice: %v", err)
		}
		if after := w.snapshot(t); after != once {
			t.Errorf("a second notice wrote something")
		}

		// A restriction refused: nothing to lift.
		r.Kinds = []dsr.Kind{dsr.KindRestriction}
		filed, err := w.svc.File(ctx, w.site, w.cookies, r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Verify(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		w.svc.Claim(ctx, w.staff, filed.Reference, 0)
		if err := w.svc.Complete(ctx, w.staff, filed.Reference, 0, cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindRestriction: {Result: "refused", Ground: "other", Reasons: "Les données ne sont plus traitées."}}}); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.LiftRestriction(ctx, w.staff, filed.Reference, 0, "2026-04-15", "x"); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("lifting a refused restriction: %v", err)
		}
		if err := w.svc.RecordRecipient(ctx, w.staff, filed.Reference, 0, "Google", "2026-04-01"); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("a recipient told of a restriction refused: %v", err)
		}
	})
}
