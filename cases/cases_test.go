package cases_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"rightsdesk/cases"
	"rightsdesk/demo"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/token"
)

var cfg = cases.Config{BaseURL: "http://portal.test/", MailFrom: "Rightsdesk <no-reply@portal.test>", Secret: []byte("test-secret-0123456789")}

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	st      *models.Store
	svc     *cases.Service
	clock   *clock
	site    models.Site
	cookies []models.Cookie
}

func newFixture(t *testing.T, st *models.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, _, err := demo.LoadCatalogue(ctx, st); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, clock: &clock{time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)}}
	svc, err := cases.New(st, cfg, cases.WithClock(f.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	f.svc = svc
	f.site, err = st.SiteBySlug(ctx, "esomus")
	if err != nil {
		t.Fatal(err)
	}
	f.cookies, err = st.Cookies(ctx, f.site.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func request() dsr.Request {
	return dsr.Request{
		Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure}, Email: "alice@example.org", Name: "Alice",
		Language: "fr", Country: "FR",
		Identifiers: []dsr.Identifier{
			{CookieName: "STCK_ID", Value: "abc-123", Provenance: dsr.ProvenanceBrowser},
			{CookieName: "UID", Value: "u-9", Provenance: dsr.ProvenanceTyped},
		},
	}
}

func count(t *testing.T, st *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := models.GormForTest(st).Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func letters(t *testing.T, st *models.Store) []models.Letter {
	t.Helper()
	ls, err := st.Letters(context.Background(), models.LetterFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var full []models.Letter
	for i := len(ls) - 1; i >= 0; i-- { // oldest first, with bodies
		l, err := st.LetterByID(context.Background(), ls[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		full = append(full, l)
	}
	return full
}

func TestFileWritesCaseEventAndLetterTogether(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		filed, err := f.svc.File(ctx, f.site, f.cookies, request())
		if err != nil {
			t.Fatal(err)
		}
		if filed.Reference != "DSR-2026-000001" || !token.WellFormed(filed.VerifyToken) {
			t.Fatalf("filed = %+v", filed)
		}
		if want := f.clock.t.Add(14 * 24 * time.Hour); !filed.VerifyBy.Equal(want) {
			t.Errorf("verify by %v, want %v", filed.VerifyBy, want)
		}
		c, err := st.CaseByReference(ctx, filed.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != dsr.StatusUnverified || c.ReceivedOn.String() != "2026-03-05" || c.DueOn.String() != "2026-04-07" {
			t.Errorf("case: status %s received %s due %s", c.Status, c.ReceivedOn, c.DueOn)
		}
		if c.VerifyTokenHash == nil || *c.VerifyTokenHash != token.Hash(filed.VerifyToken) || *c.VerifyTokenHash == filed.VerifyToken {
			t.Error("the verification token is not stored hashed")
		}
		if got := dsr.Labels(c.KindList()); got != "Access, Erasure" {
			t.Errorf("kinds %s", got)
		}
		if len(c.Identifiers) != 2 || c.Identifiers[0].Provenance != dsr.ProvenanceBrowser || c.Identifiers[1].Value != "u-9" {
			t.Errorf("identifiers %+v", c.Identifiers)
		}
		events, _ := st.Timeline(ctx, c.ID)
		if len(events) != 1 || events[0].Type != "filed" || !events[0].Public {
			t.Errorf("events %+v", events)
		}
		ls := letters(t, st)
		if len(ls) != 1 || ls[0].Kind != "verification" || ls[0].Recipient != "alice@example.org" || ls[0].Status != models.LetterQueued {
			t.Fatalf("letters %+v", ls)
		}
		link := "http://portal.test/requests/verify/" + filed.VerifyToken
		if !strings.Contains(ls[0].TextBody, link) || !strings.Contains(ls[0].HTMLBody, link) {
			t.Errorf("the verification letter lacks the link %s:\n%s", link, ls[0].TextBody)
		}
		if !strings.HasSuffix(ls[0].MessageID, "@portal.test") || !strings.Contains(ls[0].Sender, "ESOMUS") {
			t.Errorf("message id %s, sender %s", ls[0].MessageID, ls[0].Sender)
		}
	})
}

// TestFilingIsAtomic forces a failure at each write of a filing and checks that nothing of it stays.
func TestFilingIsAtomic(t *testing.T) {
	steps := []string{"reference_counters", "cases", "case_kinds", "case_identifiers", "events", "letters"}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		db := models.GormForTest(st)
		failOn := ""
		forced := errors.New("forced failure")
		inject := func(tx *gorm.DB) {
			if failOn == "" {
				return
			}
			sql := tx.Statement.SQL.String()
			// PostgreSQL takes the reference from a sequence (case_reference_next), SQLite from reference_counters.
			if tx.Statement.Table == failOn || strings.Contains(sql, failOn) || failOn == "reference_counters" && strings.Contains(sql, "case_reference_next") {
				tx.AddError(forced)
			}
		}
		if err := db.Callback().Create().Before("gorm:create").Register("test:fail", inject); err != nil {
			t.Fatal(err)
		}
		if err := db.Callback().Raw().Before("gorm:raw").Register("test:fail", inject); err != nil {
			t.Fatal(err)
		}
		if err := db.Callback().Row().Before("gorm:row").Register("test:fail", inject); err != nil { // Raw(…).Scan
			t.Fatal(err)
		}
		for _, step := range steps {
			failOn = step
			_, err := f.svc.File(ctx, f.site, f.cookies, request())
			if !errors.Is(err, forced) {
				t.Fatalf("failing at %s: File returned %v", step, err)
			}
			failOn = ""
			for _, table := range steps {
				if n := count(t, st, table); n != 0 {
					t.Errorf("failing at %s left %d row(s) in %s", step, n, table)
				}
			}
		}
		filed, err := f.svc.File(ctx, f.site, f.cookies, request())
		if err != nil {
			t.Fatal(err)
		}
		if filed.Reference != "DSR-2026-000001" {
			t.Errorf("after the failures the first reference is %s: a failed filing used a number", filed.Reference)
		}
	})
}

func TestVerifyOpensTheCaseOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		filed, err := f.svc.File(ctx, f.site, f.cookies, request())
		if err != nil {
			t.Fatal(err)
		}
		// Looking at the confirm page changes nothing.
		if _, err := f.svc.PendingVerification(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		if c, _ := st.CaseByReference(ctx, filed.Reference); c.Status != dsr.StatusUnverified {
			t.Fatalf("the confirm page changed the status to %s", c.Status)
		}

		f.clock.t = f.clock.t.Add(26 * time.Hour)
		statusToken, err := f.svc.Verify(ctx, filed.VerifyToken)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := st.CaseByReference(ctx, filed.Reference)
		if c.Status != dsr.StatusOpen || c.VerifiedAt == nil || c.VerifyTokenHash != nil || c.StatusTokenHash == nil ||
			*c.StatusTokenHash != token.Hash(statusToken) || c.Version != 2 {
			t.Errorf("after verify: %+v", c)
		}
		if c.DueOn.String() != "2026-04-07" {
			t.Errorf("verification moved the due date to %s; it runs from receipt", c.DueOn)
		}
		ls := letters(t, st)
		if len(ls) != 2 || ls[1].Kind != "acknowledgement" {
			t.Fatalf("letters %+v", ls)
		}
		ack := ls[1].TextBody
		// The requester chose French: the whole letter is French.
		for _, want := range []string{"DSR-2026-000001", "Accès, Effacement", "5 mars 2026", "7 avril 2026",
			"http://portal.test/r/" + statusToken, "ESOMUS", "BE0723595056",
			"contact@apd-gba.be", "Rue de la Presse 35", "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte",
			"Commission Nationale de l'Informatique et des Libertés", "https://www.cnil.fr/fr/plaintes", "recours juridictionnel"} {
			if !strings.Contains(ack, want) {
				t.Errorf("the acknowledgement lacks %q", want)
			}
		}

		// Single use: a second verification, or the confirm page, open nothing, but say the
		// request is already confirmed.
		for what, err := range map[string]error{
			"second Verify":          func() error { _, err := f.svc.Verify(ctx, filed.VerifyToken); return err }(),
			"confirm page after use": func() error { _, err := f.svc.PendingVerification(ctx, filed.VerifyToken); return err }(),
		} {
			var done *cases.AlreadyConfirmedError
			if !errors.As(err, &done) || !errors.Is(err, cases.ErrNotFound) || done.Case.Reference != filed.Reference {
				t.Errorf("%s = %v, want AlreadyConfirmedError for %s", what, err, filed.Reference)
			}
		}
		if c, _ := st.CaseByReference(ctx, filed.Reference); c.Version != 2 || c.VerifySpentHash == nil || *c.VerifySpentHash != token.Hash(filed.VerifyToken) {
			t.Errorf("after a second click: version %d, spent hash %v", c.Version, c.VerifySpentHash)
		}
		page, err := f.svc.Status(ctx, statusToken)
		if err != nil {
			t.Fatal(err)
		}
		// No mail server in this test: the letters stay in the outbox and the page lists none.
		if len(page.Timeline) != 2 || page.Timeline[1].Type != "verified" || len(page.Letters) != 0 {
			t.Errorf("status page: %d events, %d letters", len(page.Timeline), len(page.Letters))
		}
	})
}

func TestForgedAndExpiredTokensFindNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		filed, err := f.svc.File(ctx, f.site, f.cookies, request())
		if err != nil {
			t.Fatal(err)
		}
		forged, _ := token.New()
		for _, tok := range []string{"", "short", forged, filed.VerifyToken + "x", strings.ToUpper(filed.VerifyToken), "../" + filed.VerifyToken[3:]} {
			if _, err := f.svc.Verify(ctx, tok); !errors.Is(err, cases.ErrNotFound) {
				t.Errorf("Verify(%q) = %v", tok, err)
			}
			if _, err := f.svc.Status(ctx, tok); !errors.Is(err, cases.ErrNotFound) {
				t.Errorf("Status(%q) = %v", tok, err)
			}
		}
		// The verification token is not a status token.
		if _, err := f.svc.Status(ctx, filed.VerifyToken); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("Status(verify token) = %v", err)
		}
		// Fourteen days later the link is dead, even before the sweep runs.
		f.clock.t = f.clock.t.Add(14 * 24 * time.Hour)
		if _, err := f.svc.PendingVerification(ctx, filed.VerifyToken); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("expired confirm page = %v", err)
		}
		if _, err := f.svc.Verify(ctx, filed.VerifyToken); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("expired Verify = %v", err)
		}
		if c, _ := st.CaseByReference(ctx, filed.Reference); c.Status != dsr.StatusUnverified {
			t.Errorf("a refused verification changed the status to %s", c.Status)
		}
	})
}

func TestExpireUnverified(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		old, _ := f.svc.File(ctx, f.site, f.cookies, request())
		f.clock.t = f.clock.t.Add(13 * 24 * time.Hour)
		recent, _ := f.svc.File(ctx, f.site, f.cookies, request())
		verified, _ := f.svc.File(ctx, f.site, f.cookies, request())
		if _, err := f.svc.Verify(ctx, verified.VerifyToken); err != nil {
			t.Fatal(err)
		}
		f.clock.t = f.clock.t.Add(24*time.Hour + time.Second)
		n, err := f.svc.ExpireUnverified(ctx)
		if err != nil || n != 1 {
			t.Fatalf("ExpireUnverified = %d, %v; want 1", n, err)
		}
		want := map[string]dsr.Status{old.Reference: dsr.StatusExpired, recent.Reference: dsr.StatusUnverified, verified.Reference: dsr.StatusOpen}
		for ref, status := range want {
			c, _ := st.CaseByReference(ctx, ref)
			if c.Status != status {
				t.Errorf("%s is %s, want %s", ref, c.Status, status)
			}
		}
		c, _ := st.CaseByReference(ctx, old.Reference)
		if c.ClosedAt == nil || c.VerifyTokenHash != nil {
			t.Errorf("expired case: closed %v, token kept %v", c.ClosedAt, c.VerifyTokenHash != nil)
		}
		if n, _ := f.svc.ExpireUnverified(ctx); n != 0 {
			t.Errorf("a second sweep expired %d more", n)
		}
	})
}

func TestWithdraw(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		filed, _ := f.svc.File(ctx, f.site, f.cookies, request())
		statusToken, err := f.svc.Verify(ctx, filed.VerifyToken)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.t = f.clock.t.Add(48 * time.Hour)
		if err := f.svc.Withdraw(ctx, statusToken); err != nil {
			t.Fatal(err)
		}
		page, err := f.svc.Status(ctx, statusToken)
		if err != nil {
			t.Fatal(err)
		}
		if page.Case.Status != dsr.StatusWithdrawn || page.Case.ClosedAt == nil || !page.Case.ClosedAt.Equal(f.clock.t) {
			t.Errorf("after withdrawal: %s closed %v", page.Case.Status, page.Case.ClosedAt)
		}
		if last := page.Timeline[len(page.Timeline)-1]; last.Type != "withdrawn" || last.FromStatus != dsr.StatusOpen {
			t.Errorf("last event %+v", last)
		}
		ls := letters(t, st)
		if len(ls) != 3 || ls[2].Kind != "withdrawn" || !strings.Contains(ls[2].TextBody, "Vous avez retiré votre demande DSR-2026-000001") {
			t.Errorf("letters: %d, last %q", len(ls), ls[len(ls)-1].Kind)
		}
		// Withdrawing twice is refused and changes nothing.
		if err := f.svc.Withdraw(ctx, statusToken); !errors.Is(err, dsr.ErrTransitionNotAllowed) {
			t.Errorf("second Withdraw = %v", err)
		}
		if n := len(letters(t, st)); n != 3 {
			t.Errorf("a refused withdrawal queued a letter (%d letters)", n)
		}
		// The status page stays a record for a year after closing, then is gone.
		f.clock.t = f.clock.t.Add(364 * 24 * time.Hour)
		if _, err := f.svc.Status(ctx, statusToken); err != nil {
			t.Errorf("status page within the year: %v", err)
		}
		f.clock.t = f.clock.t.Add(2 * 24 * time.Hour)
		if _, err := f.svc.Status(ctx, statusToken); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("status page after a year: %v", err)
		}
	})
}

func TestConcurrentVerificationsOpenTheCaseOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		filed, _ := f.svc.File(ctx, f.site, f.cookies, request())
		results := make(chan error, 5)
		for i := 0; i < 5; i++ {
			go func() { _, err := f.svc.Verify(ctx, filed.VerifyToken); results <- err }()
		}
		ok := 0
		for i := 0; i < 5; i++ {
			if err := <-results; err == nil {
				ok++
			} else if !errors.Is(err, cases.ErrNotFound) && !errors.Is(err, models.ErrConflict) {
				t.Errorf("concurrent Verify: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d verifications succeeded, want exactly 1", ok)
		}
		if n := len(letters(t, st)); n != 2 {
			t.Errorf("%d letters, want the verification and one acknowledgement", n)
		}
	})
}

func TestExtend(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st) // received 2026-03-05: due 2026-04-07, extended 2026-06-05
		ctx := context.Background()
		filed, _ := f.svc.File(ctx, f.site, f.cookies, request())
		actor := cases.Actor{UserID: staffUser(t, st), Controllers: []int64{f.site.ControllerID}}

		// Not before the e-mail is confirmed.
		if err := f.svc.Extend(ctx, actor, filed.Reference, 0, "Complex."); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("extending an unverified request: %v", err)
		}
		statusToken, err := f.svc.Verify(ctx, filed.VerifyToken)
		if err != nil {
			t.Fatal(err)
		}
		// Another controller's staff cannot see the case at all.
		other := cases.Actor{UserID: actor.UserID, Controllers: []int64{f.site.ControllerID + 1000}}
		if err := f.svc.Extend(ctx, other, filed.Reference, 0, "Complex."); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("extending another controller's case: %v", err)
		}
		c, _ := st.CaseByReference(ctx, filed.Reference)
		if err := f.svc.Extend(ctx, actor, filed.Reference, c.Version+1, "Complex."); !errors.Is(err, models.ErrConflict) {
			t.Errorf("extending a case that changed meanwhile: %v", err)
		}
		if err := f.svc.Extend(ctx, actor, filed.Reference, 0, " "); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("extending without a reason: %v", err)
		}

		f.clock.t = time.Date(2026, 4, 7, 21, 30, 0, 0, time.UTC) // 23:30 in Brussels on the due day
		if err := f.svc.Extend(ctx, actor, filed.Reference, c.Version, "Data in three systems."); err != nil {
			t.Fatalf("extending on the due day: %v", err)
		}
		c, _ = st.CaseByReference(ctx, filed.Reference)
		if c.ExtendedDueOn.String() != "2026-06-05" || c.AnswerDue().String() != "2026-06-05" || c.DueOn.String() != "2026-04-07" ||
			c.ExtensionReason != "Data in three systems." || c.ExtendedBy == nil || *c.ExtendedBy != actor.UserID || c.ExtendedAt == nil {
			t.Errorf("extended case: due %s extended %s reason %q", c.DueOn, c.ExtendedDueOn, c.ExtensionReason)
		}
		events, _ := st.Timeline(ctx, c.ID)
		last := events[len(events)-1]
		if last.Type != "extended" || last.ActorUserID == nil || !strings.Contains(last.Message, "2026-06-05") ||
			!strings.Contains(last.Message, "Data in three systems.") || !strings.Contains(last.Message, "owed by 2026-04-07") {
			t.Errorf("extension event: %+v", last)
		}
		ls := letters(t, st)
		ext := ls[len(ls)-1]
		if ext.Kind != "extension" || !strings.Contains(ext.TextBody, "5 juin 2026") || !strings.Contains(ext.TextBody, "Data in three systems.") {
			t.Errorf("extension letter: %s\n%s", ext.Kind, ext.TextBody)
		}
		// A later letter carries the status link again, derived from the secret: the same link.
		if !strings.Contains(ext.TextBody, "http://portal.test/r/"+statusToken) {
			t.Errorf("the extension letter lacks the status link:\n%s", ext.TextBody)
		}

		// Once only.
		if err := f.svc.Extend(ctx, actor, filed.Reference, 0, "More."); !errors.Is(err, dsr.ErrRefused) || !strings.Contains(err.Error(), "already extended") {
			t.Errorf("second extension: %v", err)
		}
	})
}

func TestExtendTooLate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		ctx := context.Background()
		filed, _ := f.svc.File(ctx, f.site, f.cookies, request())
		f.svc.Verify(ctx, filed.VerifyToken)
		actor := cases.Actor{UserID: staffUser(t, st), Controllers: []int64{f.site.ControllerID}}
		f.clock.t = time.Date(2026, 4, 7, 22, 0, 1, 0, time.UTC) // 00:00:01 on 8 April in Brussels
		err := f.svc.Extend(ctx, actor, filed.Reference, 0, "Complex.")
		if !errors.Is(err, dsr.ErrRefused) || !strings.Contains(err.Error(), "Too late") {
			t.Fatalf("late extension: %v", err)
		}
		c, _ := st.CaseByReference(ctx, filed.Reference)
		if c.Extended() || c.Version != 2 {
			t.Errorf("a refused extension changed the case: %+v", c)
		}
		if n := len(letters(t, st)); n != 2 {
			t.Errorf("a refused extension queued a letter (%d letters)", n)
		}
	})
}

func TestInternalTargetIsStoredAtReceipt(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		f := newFixture(t, st)
		filed, _ := f.svc.File(context.Background(), f.site, f.cookies, request())
		c, _ := st.CaseByReference(context.Background(), filed.Reference)
		if c.TargetOn.String() != "2026-03-25" { // 20 calendar days after 5 March
			t.Errorf("internal target %s, want 2026-03-25", c.TargetOn)
		}
	})
}

func staffUser(t *testing.T, st *models.Store) int64 {
	t.Helper()
	u := models.User{Email: "sam@example.org", Name: "Sam", Role: models.RoleStaff, PasswordHash: "x", Active: true}
	if err := st.CreateUser(context.Background(), &u, nil); err != nil {
		t.Fatal(err)
	}
	return u.ID
}
