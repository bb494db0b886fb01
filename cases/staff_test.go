package cases_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// workspace is a fixture with a verified request on ESOMUS and three people: a member of staff
// and a manager of ESOMUS, and a member of staff of the other controller only.
type workspace struct {
	*fixture
	ref, statusToken       string
	staff, manager, other  cases.Actor
	staffUser, managerUser models.User
}

func newWorkspace(t *testing.T, st *models.Store, r dsr.Request) *workspace {
	t.Helper()
	f := newFixture(t, st)
	ctx := context.Background()
	filed, err := f.svc.File(ctx, f.site, f.cookies, r)
	if err != nil {
		t.Fatal(err)
	}
	statusToken, err := f.svc.Verify(ctx, filed.VerifyToken)
	if err != nil {
		t.Fatal(err)
	}
	itsme, _ := st.SiteBySlug(ctx, "itsme")
	user := func(email, name, role string, controller int64) (models.User, cases.Actor) {
		u := models.User{Email: email, Name: name, Role: role, PasswordHash: "x", Active: true}
		if err := st.CreateUser(ctx, &u, []int64{controller}); err != nil {
			t.Fatal(err)
		}
		return u, cases.Actor{UserID: u.ID, Name: name, Role: role, Controllers: []int64{controller}}
	}
	w := &workspace{fixture: f, ref: filed.Reference, statusToken: statusToken}
	w.staffUser, w.staff = user("sam@esomus.example", "Sam Staff", models.RoleStaff, f.site.ControllerID)
	w.managerUser, w.manager = user("mia@esomus.example", "Mia Manager", models.RoleManager, f.site.ControllerID)
	_, w.other = user("otto@itsme.example", "Otto Other", models.RoleManager, itsme.ControllerID)
	return w
}

// ask is a question to the requester with a reply-by date that fits the fixture's case
// (received 5 March 2026, due 7 April).
func ask(text string) cases.Question {
	return cases.Question{Text: text, ReplyBy: deadline.NewDate(2026, 3, 19)}
}

func (w *workspace) load(t *testing.T) models.Case {
	t.Helper()
	c, err := w.st.CaseByReference(context.Background(), w.ref)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *workspace) lastEvent(t *testing.T) models.Event {
	t.Helper()
	es, _ := w.st.Timeline(context.Background(), w.load(t).ID)
	return es[len(es)-1]
}

func (w *workspace) lastLetter(t *testing.T) models.Letter {
	t.Helper()
	ls := letters(t, w.st)
	return ls[len(ls)-1]
}

func TestClaimAndAssign(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()

		// Another controller's people cannot even see the case.
		if err := w.svc.Claim(ctx, w.other, w.ref, 0); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("claim by another controller's staff: %v", err)
		}
		// Staff may not give cases away.
		if err := w.svc.Assign(ctx, w.staff, w.ref, 0, w.managerUser.ID); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("staff assigning to someone else: %v", err)
		}
		if err := w.svc.Claim(ctx, w.staff, w.ref, 0); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if c.Status != dsr.StatusInProgress || c.AssigneeID == nil || *c.AssigneeID != w.staffUser.ID {
			t.Fatalf("after claim: %s, assignee %v", c.Status, c.AssigneeID)
		}
		if e := w.lastEvent(t); e.Type != "assigned" || e.Public || e.FromStatus != dsr.StatusOpen || !strings.Contains(e.Message, "Claimed by Sam Staff") {
			t.Errorf("claim event: %+v", e)
		}
		// A second member of staff cannot take it; a manager can, and the new assignee is told.
		other := models.User{Email: "sal@esomus.example", Name: "Sal", Role: models.RoleStaff, PasswordHash: "x", Active: true}
		st.CreateUser(ctx, &other, []int64{w.site.ControllerID})
		sal := cases.Actor{UserID: other.ID, Role: models.RoleStaff, Controllers: w.staff.Controllers}
		if err := w.svc.Claim(ctx, sal, w.ref, 0); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("taking a held case as staff: %v", err)
		}
		if err := w.svc.Assign(ctx, w.manager, w.ref, 0, other.ID); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); *c.AssigneeID != other.ID || c.Status != dsr.StatusInProgress {
			t.Errorf("after reassignment: %v %s", c.AssigneeID, c.Status)
		}
		l := w.lastLetter(t)
		if l.Kind != "assigned" || l.Recipient != "sal@esomus.example" || !strings.Contains(l.TextBody, "/staff/cases/"+w.ref) {
			t.Errorf("assignment letter: %s to %s", l.Kind, l.Recipient)
		}
		// Nobody outside the controller can be assigned.
		if err := w.svc.Assign(ctx, w.manager, w.ref, 0, w.other.UserID); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("assigning to another controller's manager: %v", err)
		}
	})
}

func TestInformationRoundTrip(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		if err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, ask("Which e-mail did you use?")); !errors.Is(err, dsr.ErrTransitionNotAllowed) {
			t.Errorf("asking on an unclaimed case: %v", err)
		}
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		if err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, ask("  ")); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("empty question: %v", err)
		}
		if err := w.svc.RequestInfo(ctx, w.staff, w.ref, 0, ask("Which e-mail address did you use to subscribe?")); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); c.Status != dsr.StatusAwaitingRequester {
			t.Fatalf("after the question: %s", c.Status)
		}
		l := w.lastLetter(t)
		if l.Kind != "info_request" || !strings.Contains(l.TextBody, "Which e-mail address did you use to subscribe?") ||
			!strings.Contains(l.TextBody, "http://portal.test/r/"+w.statusToken) {
			t.Errorf("question letter:\n%s", l.TextBody)
		}
		if err := w.svc.Reply(ctx, w.statusToken, "\x00"); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("a control character in the answer: %v", err)
		}
		if err := w.svc.Reply(ctx, w.statusToken, "alice.old@example.org"); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); c.Status != dsr.StatusInProgress {
			t.Errorf("after the answer: %s", c.Status)
		}
		if e := w.lastEvent(t); e.Type != "replied" || !e.Public || e.ActorType != models.ActorRequester || !strings.Contains(e.Message, "alice.old@example.org") {
			t.Errorf("answer event: %+v", e)
		}
		l = w.lastLetter(t)
		if l.Kind != "reply_received" || l.Recipient != "sam@esomus.example" || !strings.Contains(l.TextBody, "alice.old@example.org") {
			t.Errorf("the assignee was not told: %s to %s", l.Kind, l.Recipient)
		}
		// The requester's status page lists none of the letters to staff.
		page, _ := w.svc.Status(ctx, w.statusToken)
		for _, pl := range page.Letters {
			if pl.Kind == "reply_received" || pl.Kind == "assigned" {
				t.Errorf("the status page shows a staff letter: %s", pl.Kind)
			}
		}
		if err := w.svc.Reply(ctx, w.statusToken, "again"); !errors.Is(err, dsr.ErrTransitionNotAllowed) {
			t.Errorf("answering when nothing was asked: %v", err)
		}
	})
}

func TestCompleteAccessWithFiles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request()) // access + erasure
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		file := cases.Upload{Name: "export.json", ContentType: "application/json", Data: []byte(`{"STCK_ID":"abc-123","pages":12}`)}

		err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "Export attached."}), Files: []cases.Upload{file}})
		var fe *cases.FormError
		if !errors.As(err, &fe) || fe.Fields[dsr.ResultField(dsr.KindErasure)] == "" {
			t.Fatalf("an answer without the erasure outcome: %v", err)
		}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "x", dsr.KindErasure: "y"}), Told: w.toldAll(t), Files: []cases.Upload{{Name: "../../etc/passwd", Data: []byte("x")}}}); !errors.As(err, &fe) || fe.Fields["files"] == "" {
			t.Errorf("a file name with slashes: %v", err)
		}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "x", dsr.KindErasure: "y"}), Told: w.toldAll(t), Files: []cases.Upload{{Name: "big.bin", Data: make([]byte, cases.MaxFileSize+1)}}}); !errors.As(err, &fe) {
			t.Errorf("a file over the limit: %v", err)
		}
		if n := len(letters(t, st)); n != 2 {
			t.Fatalf("refused answers queued letters: %d", n)
		}

		outcomes := map[dsr.Kind]string{
			dsr.KindAccess:  "Page views and the account id linked to STCK_ID; purposes: statistics; kept 13 months.",
			dsr.KindErasure: "CRM: contact deleted on 10 March. Analytics: STCK_ID history deleted on 10 March.",
		}
		if err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(outcomes), Told: w.toldAll(t), Access: w.accessAll(t), Files: []cases.Upload{file}}); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if c.Status != dsr.StatusCompleted || c.AnsweredAt == nil || c.ClosedAt == nil {
			t.Errorf("after the answer: %s answered %v", c.Status, c.AnsweredAt)
		}
		saved, _ := st.Outcomes(ctx, c.ID)
		if len(saved) != 2 {
			t.Errorf("%d outcomes saved", len(saved))
		}
		l := w.lastLetter(t)
		for _, want := range []string{"Accès (art. 15 RGPD)\u00a0:", "kept 13 months", "Effacement (art. 17 RGPD)\u00a0:", "export.json", "contact@apd-gba.be", "recours juridictionnel"} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("the answer letter lacks %q", want)
			}
		}
		page, _ := w.svc.Status(ctx, w.statusToken)
		if len(page.Files) != 1 || page.Files[0].Data != nil {
			t.Fatalf("status page files: %+v", page.Files)
		}
		got, err := w.svc.FileForRequester(ctx, w.statusToken, page.Files[0].ID)
		if err != nil || string(got.Data) != string(file.Data) || got.SHA256 == "" {
			t.Fatalf("download: %v", err)
		}
		// The link expires after 30 days.
		w.clock.t = w.clock.t.Add(cases.FilesTTL + time.Minute)
		if _, err := w.svc.FileForRequester(ctx, w.statusToken, page.Files[0].ID); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("download after expiry: %v", err)
		}
	})
}

func TestCompleteRefusesFilesWithoutAccess(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		r := request()
		r.Kinds = []dsr.Kind{dsr.KindErasure}
		w := newWorkspace(t, st, r)
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		err := w.svc.Complete(ctx, w.staff, w.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindErasure: "Deleted."}), Told: w.toldAll(t), Files: []cases.Upload{{Name: "a.txt", Data: []byte("a")}}})
		var fe *cases.FormError
		if !errors.As(err, &fe) || fe.Fields["files"] == "" {
			t.Errorf("files on an erasure: %v", err)
		}
	})
}

func TestRefuse(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, "identity_not_confirmed", "", false); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("refusal without reasons: %v", err)
		}
		reasons := "The cookie values you gave belong to another device, and you did not answer our question."
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, "identity_not_confirmed", reasons, false); err != nil {
			t.Fatal(err)
		}
		c := w.load(t)
		if c.Status != dsr.StatusRefused || c.RefusalGround != "identity_not_confirmed" || c.AnsweredAt == nil {
			t.Errorf("refused case: %s %q", c.Status, c.RefusalGround)
		}
		l := w.lastLetter(t)
		for _, want := range []string{"Votre identité n’a pas pu être confirmée", reasons, "contact@apd-gba.be",
			"https://www.cnil.fr/fr/plaintes", "recours juridictionnel", "article 12, paragraphe 4, du RGPD"} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("the refusal letter lacks %q", want)
			}
		}
		if err := w.svc.Refuse(ctx, w.staff, w.ref, 0, "other", "again", false); !errors.Is(err, dsr.ErrTransitionNotAllowed) {
			t.Errorf("refusing a closed case: %v", err)
		}
	})
}

func TestCloseWithdrawnNotesAndIdentifiers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		c := w.load(t)
		if err := w.svc.DecideIdentifier(ctx, w.staff, w.ref, 0, c.Identifiers[1].ID, false, ""); !errors.Is(err, dsr.ErrRefused) {
			t.Errorf("a decision without a reason: %v", err)
		}
		if err := w.svc.DecideIdentifier(ctx, w.staff, w.ref, 0, c.Identifiers[1].ID, false, "No such UID in our logs."); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.DecideIdentifier(ctx, w.staff, w.ref, 0, 999999, true, "x"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("deciding an identifier of another case: %v", err)
		}
		c = w.load(t)
		if id := c.Identifiers[1]; id.Verified == nil || *id.Verified || id.VerifiedReason != "No such UID in our logs." || id.VerifiedBy == nil {
			t.Errorf("identifier decision: %+v", id)
		}
		if err := w.svc.AddNote(ctx, w.staff, w.ref, "Called the requester; they confirmed by phone."); err != nil {
			t.Fatal(err)
		}
		if e := w.lastEvent(t); e.Type != "note" || e.Public {
			t.Errorf("a note must be internal: %+v", e)
		}
		page, _ := w.svc.Status(ctx, w.statusToken)
		for _, e := range page.Timeline {
			if e.Type == "note" || e.Type == "identifier_checked" {
				t.Errorf("the requester sees an internal event: %s", e.Type)
			}
		}
		if err := w.svc.CloseWithdrawn(ctx, w.staff, w.ref, 0, "E-mail of 6 March asking to stop."); err != nil {
			t.Fatal(err)
		}
		if c := w.load(t); c.Status != dsr.StatusWithdrawn || c.ClosedAt == nil {
			t.Errorf("after closing: %s", c.Status)
		}
		if l := w.lastLetter(t); l.Kind != "withdrawn" || !strings.Contains(l.TextBody, w.statusToken) {
			t.Errorf("withdrawal letter: %s", l.Kind)
		}
		// Notes stay possible on a closed case.
		if err := w.svc.AddNote(ctx, w.staff, w.ref, "Archived."); err != nil {
			t.Errorf("note on a closed case: %v", err)
		}
	})
}

// TestConcurrentEditsNeverOverwrite: two people act on the case they both loaded at version v;
// exactly one wins, the other gets ErrConflict and changes nothing.
func TestConcurrentEditsNeverOverwrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		w.svc.Claim(ctx, w.staff, w.ref, 0)
		v := w.load(t).Version
		var wg sync.WaitGroup
		errs := make([]error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			errs[0] = w.svc.Refuse(ctx, w.staff, w.ref, v, "other", "Not ours to answer.", false)
		}()
		go func() {
			defer wg.Done()
			errs[1] = w.svc.RequestInfo(ctx, w.manager, w.ref, v, ask("Which account?"))
		}()
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, models.ErrConflict):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d of 2 concurrent edits succeeded: %v", won, errs)
		}
		// A stale version is refused even long after.
		if err := w.svc.AddNote(ctx, w.staff, w.ref, "fine: notes carry no version"); err != nil {
			t.Error(err)
		}
		if err := w.svc.Extend(ctx, w.staff, w.ref, v, "Complex."); !errors.Is(err, models.ErrConflict) {
			t.Errorf("a stale version: %v", err)
		}
	})
}

func TestBulk(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		w := newWorkspace(t, st, request())
		ctx := context.Background()
		unverified, _ := w.svc.File(ctx, w.site, w.cookies, request())
		refs := []string{w.ref, unverified.Reference, "DSR-2026-999999"}
		r := w.svc.Bulk(ctx, refs, func(ref string) error { return w.svc.ExpireNow(ctx, w.staff, ref) })
		if r.Done != 1 || r.Refused[w.ref] == "" || r.Refused["DSR-2026-999999"] != "not found" {
			t.Errorf("bulk expire: %+v", r)
		}
		c, _ := st.CaseByReference(ctx, unverified.Reference)
		if c.Status != dsr.StatusExpired {
			t.Errorf("the unverified case is %s", c.Status)
		}
		r = w.svc.Bulk(ctx, []string{w.ref}, func(ref string) error { return w.svc.Assign(ctx, w.manager, ref, 0, w.staffUser.ID) })
		if r.Done != 1 {
			t.Errorf("bulk assign: %+v", r)
		}
		r = w.svc.Bulk(ctx, []string{w.ref}, func(ref string) error { return w.svc.Assign(ctx, w.other, ref, 0, w.other.UserID) })
		if r.Refused[w.ref] != "not found" {
			t.Errorf("bulk on another controller's case: %+v", r)
		}
	})
}
