package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/password"
)

// staffWorld is a portal with a member of staff and a manager of ESOMUS, and cases that stretch
// the queue's columns: every right at once, long names, several identifiers, an extension.
type staffWorld struct {
	p                *testapp.Portal
	staff, manager   models.User
	active, answered string // references
	busy             string // the case with every right and identifier
}

func newStaffWorld(t *testing.T, dialect string) staffWorld {
	t.Helper()
	p := testapp.Start(t, testapp.Options{Dialect: dialect})
	ctx := context.Background()
	site, cookies := siteWithCookies(t, p, "esomus")
	var idCookies []string
	for _, c := range cookies {
		if c.Identifying {
			idCookies = append(idCookies, c.Name)
		}
	}
	w := staffWorld{p: p}
	for i, u := range []*models.User{&w.staff, &w.manager} {
		role, name := models.RoleStaff, "Eva Desk"
		if i == 1 {
			role, name = models.RoleManager, "Maximiliane Vandenbroucke-Oosterlinck"
		}
		hash, _ := password.Hash("workspace-journey-pass")
		*u = models.User{Email: fmt.Sprintf("user%d@esomus.example", i), Name: name, Role: role, PasswordHash: hash, Active: true}
		if err := p.Store.CreateUser(ctx, u, []int64{site.ControllerID}); err != nil {
			t.Fatal(err)
		}
	}
	file := func(r dsr.Request) string {
		t.Helper()
		filed, err := p.App.Cases.File(ctx, site, cookies, r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.App.Cases.Verify(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		return filed.Reference
	}
	var ids []dsr.Identifier
	for i, name := range idCookies {
		ids = append(ids, dsr.Identifier{CookieName: name, Value: fmt.Sprintf("a1b2c3d4e5f6-%d-%s", i, strings.Repeat("9f", 12)),
			Provenance: dsr.ProvenanceTyped})
	}
	w.busy = file(dsr.Request{Kinds: dsr.Kinds, Email: "marie-christine.vandersmissen-de-ghellinck@very-long-domain.example.org",
		Name: "Marie-Christine Vandersmissen", Language: "fr", Country: "BE", RectificationWrong: "Ancienne adresse",
		RectificationRight: "Nouvelle adresse", ObjectionGrounds: "Je m'oppose au profilage.", Identifiers: ids})
	w.active = file(dsr.Request{Kinds: []dsr.Kind{dsr.KindAccess}, Email: "nora@example.org", Language: "en", Country: "BE"})
	w.answered = file(dsr.Request{Kinds: []dsr.Kind{dsr.KindAccess}, Email: "olga@example.org", Language: "en", Country: "BE"})
	a := w.managerActor(t)
	replyBy, err := p.App.Cases.DefaultReplyBy(ctx, a, w.busy)
	if err != nil {
		t.Fatal(err)
	}
	items, err := p.App.Cases.AccessDraftOf(ctx, w.answered)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		p.App.Cases.Assign(ctx, a, w.busy, 0, w.manager.ID),
		p.App.Cases.Extend(ctx, a, w.busy, 0, "Seven systems to search."),
		p.App.Cases.RequestInfo(ctx, a, w.busy, 0, cases.Question{Text: "Which address did you use?", ReplyBy: replyBy}),
		p.App.Cases.Claim(ctx, a, w.answered, 0),
		p.App.Cases.Complete(ctx, a, w.answered, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "Nothing kept."}), Access: items}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// siteWithCookies is a site of the seed catalogue and its cookies, for filing requests directly.
func siteWithCookies(t *testing.T, p *testapp.Portal, slug string) (models.Site, []models.Cookie) {
	t.Helper()
	ctx := context.Background()
	site, err := p.Store.SiteBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	cookies, err := p.Store.Cookies(ctx, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	return site, cookies
}

// managerActor is the manager as the case service sees them.
func (w staffWorld) managerActor(t *testing.T) cases.Actor {
	t.Helper()
	ids, err := w.p.Store.UserControllerIDs(context.Background(), w.manager.ID)
	if err != nil {
		t.Fatal(err)
	}
	return cases.Actor{UserID: w.manager.ID, Name: w.manager.Name, Role: w.manager.Role, Controllers: ids}
}

// logIn logs a browser in at a laptop's size.
func logIn(t *testing.T, b context.Context, p *testapp.Portal, email string) {
	t.Helper()
	step(t, b, "log in as "+email,
		chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(p.URL+"/staff/login"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "workspace-journey-pass"),
		submit(chromedp.CSS(`button[type=submit].primary`)),
		chromedp.WaitVisible(chromedp.CSS("table.queue")),
	)
}

// overflow reports how far the page, or any table inside its scrolling wrapper, is wider than
// what the viewport shows: 0 when nothing needs a sideways scroll.
const overflow = `(() => {
	const d = document.documentElement;
	let worst = d.scrollWidth - d.clientWidth;
	for (const w of document.querySelectorAll('.table-wrap')) worst = Math.max(worst, w.scrollWidth - w.clientWidth);
	return worst;
})()`

// TestQueueFitsA1280PixelScreen: at 1280 × 800 the queue shows every column, the due date and
// band included, without a sideways scroll of the page or of the table.
func TestQueueFitsA1280PixelScreen(t *testing.T) {
	w := newStaffWorld(t, testdb.Dialects[0])
	b := browser(t)
	logIn(t, b, w.p, w.manager.Email)
	for _, path := range []string{"/staff/cases", "/staff/cases?status=all", "/staff/cases?q=" + w.answered} {
		step(t, b, "open "+path, chromedp.Navigate(w.p.URL+path), chromedp.WaitVisible(chromedp.CSS("table.queue")))
		if px := get(t, b, "overflow", chromedp.Evaluate[int](overflow)); px > 0 {
			t.Errorf("%s is %d px wider than the screen", path, px)
		}
		if vw := get(t, b, "viewport", chromedp.Evaluate[int](`document.documentElement.clientWidth`)); vw < 1260 {
			t.Errorf("the viewport is %d px wide, want 1280 less a scroll bar", vw)
		}
	}
	step(t, b, "back to the queue", chromedp.Navigate(w.p.URL+"/staff/cases"), chromedp.WaitVisible(chromedp.CSS("table.queue")))
	shot(t, b, "queue-1280")
	// The due date and its band are on screen, right of the other columns, not cut off.
	right := get(t, b, "due column", chromedp.Evaluate[int](`Math.round(document.querySelector('table.queue td.due .band').getBoundingClientRect().right)`))
	if right <= 0 || right > 1280 {
		t.Errorf("the band ends at %d px, outside the screen", right)
	}
	row := get(t, b, "busy row", chromedp.Text(chromedp.Search(`//tr[.//a[normalize-space(.)="`+w.busy+`"]]`)))
	for _, want := range []string{"Waiting for the requester", "extended", "typed, unverified", "Maximiliane"} {
		if !strings.Contains(row, want) {
			t.Errorf("the row of %s lacks %q: %q", w.busy, want, row)
		}
	}
}

// TestSearchFindsAClosedCaseAndTheCasePageAnnouncesErrors: staff search the reference of an
// answered case from the queue and find it; on an open case, a refusal without its fields is
// announced at the top, the page opening there; and a question written while a manager closed the
// case is refused with "this case changed" even though its form is gone.
func TestSearchFindsAClosedCaseAndTheCasePageAnnouncesErrors(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			w := newStaffWorld(t, dialect)
			b := browser(t)
			logIn(t, b, w.p, w.staff.Email)
			if rows := get(t, b, "queue", chromedp.Text(chromedp.CSS("table.queue tbody"))); strings.Contains(rows, w.answered) {
				t.Fatalf("the default queue shows the answered case %s", w.answered)
			}
			step(t, b, "search the answered case",
				chromedp.SendKeys(chromedp.ID("q"), strings.ToLower(w.answered)),
				submit(chromedp.CSS(`form.filters-form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.CSS("table.queue")),
			)
			shot(t, b, "search-closed")
			rows := get(t, b, "results", chromedp.Text(chromedp.CSS("table.queue tbody")))
			if !strings.Contains(rows, w.answered) || !strings.Contains(rows, "Answered") || strings.Contains(rows, w.active) {
				t.Fatalf("searching %s shows %q", w.answered, rows)
			}
			step(t, b, "open it", submit(chromedp.CSS(`a.reference`)), chromedp.WaitVisible(chromedp.CSS(".status")))
			if s := get(t, b, "status", chromedp.Text(chromedp.CSS(".status"))); s != "Answered" {
				t.Errorf("the found case is %q", s)
			}

			// A claim comes after the answer: a legal hold on the closed case, then lifted.
			step(t, b, "place a legal hold",
				chromedp.Click(chromedp.Search(`//summary[contains(., "Place a legal hold")]`)),
				chromedp.SendKeys(chromedp.ID("hold-hold_reason"), "Claim announced by the requester's lawyer."),
				submit(chromedp.CSS(`form[action*="/hold#"] button`)),
				chromedp.WaitVisible(chromedp.ID("hold")),
			)
			shot(t, b, "legal-hold")
			hold := get(t, b, "hold", chromedp.Text(chromedp.ID("hold")))
			for _, want := range []string{"Legal hold", "Claim announced by the requester's lawyer.", "Placed by " + w.staff.Name} {
				if !strings.Contains(hold, want) {
					t.Errorf("the hold lacks %q: %q", want, hold)
				}
			}
			step(t, b, "lift the hold",
				chromedp.Click(chromedp.Search(`//summary[contains(., "Lift the hold")]`)),
				chromedp.SendKeys(chromedp.ID("lift-hold-lift_reason"), "The claim was withdrawn."),
				submit(chromedp.CSS(`form[action*="/lift-hold#"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if flash := get(t, b, "flash", chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "The legal hold is lifted.") {
				t.Errorf("after lifting: %q", flash)
			}
			if held := get(t, b, "hold gone", chromedp.Evaluate[bool](`document.getElementById('hold') !== null`)); held {
				t.Error("the lifted hold still shows")
			}
			tl := get(t, b, "timeline", chromedp.Text(chromedp.CSS("ol.timeline")))
			for _, want := range []string{"Legal hold placed", "Legal hold lifted: the retention period applies again. Reason: The claim was withdrawn."} {
				if !strings.Contains(tl, want) {
					t.Errorf("the timeline lacks %q", want)
				}
			}

			// An open case: claim it, then refuse it without a ground or reasons.
			step(t, b, "claim the open case",
				chromedp.Navigate(w.p.URL+"/staff/cases/"+w.active),
				submit(chromedp.CSS(`form[action*="/claim"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			step(t, b, "refuse without reasons",
				chromedp.Click(chromedp.Search(`//summary[contains(., "Refuse the whole request")]`)),
				submit(chromedp.CSS(`form[action*="/refuse"] button`)),
				chromedp.WaitVisible(chromedp.ID("error-summary")),
			)
			shot(t, b, "error-summary")
			loc := get(t, b, "address", chromedp.Location())
			if !strings.HasSuffix(loc, "#error-summary") {
				t.Errorf("the answer opened at %s, not at the error summary", loc)
			}
			top := get(t, b, "summary position", chromedp.Evaluate[int](`Math.round(document.getElementById('error-summary').getBoundingClientRect().top)`))
			scrolled := get(t, b, "scroll", chromedp.Evaluate[int](`Math.round(window.scrollY)`))
			if top < 0 || top > 40 || scrolled == 0 {
				t.Errorf("the error summary is at %d px from the top of the screen (page scrolled by %d px): the page did not open at it", top, scrolled)
			}
			summary := get(t, b, "summary", chromedp.Text(chromedp.ID("error-summary")))
			for _, want := range []string{"There is a problem", "Choose the ground", "Go to “Refuse the whole request”"} {
				if !strings.Contains(summary, want) {
					t.Errorf("the error summary lacks %q: %q", want, summary)
				}
			}
			if role := get(t, b, "role", chromedp.Evaluate[string](`document.getElementById('error-summary').getAttribute('role')`)); role != "alert" {
				t.Errorf("the error summary's role is %q", role)
			}
			step(t, b, "follow the link to the ground", chromedp.Click(chromedp.CSS(`#error-summary a[href="#refuse-ground"]`)))
			if id := get(t, b, "focus", chromedp.Evaluate[string](`document.activeElement.id`)); id != "refuse-ground" {
				t.Errorf("the summary's link leads to %q, not to the ground field", id)
			}

			// Eva writes a question while the manager closes the case.
			step(t, b, "reload", chromedp.Navigate(w.p.URL+"/staff/cases/"+w.active), chromedp.WaitVisible(chromedp.CSS(".status")))
			if err := w.p.App.Cases.CloseWithdrawn(context.Background(), w.managerActor(t), w.active, 0, "The requester phoned."); err != nil {
				t.Fatal(err)
			}
			step(t, b, "send the question",
				chromedp.Click(chromedp.Search(`//summary[contains(., "Ask the requester")]`)),
				chromedp.SendKeys(chromedp.ID("request-info-question"), "Which address did you use on ESOMUS?"),
				submit(chromedp.CSS(`form[action*="/request-info"] button`)),
				chromedp.WaitVisible(chromedp.ID("error-summary")),
			)
			shot(t, b, "case-changed")
			summary = get(t, b, "summary", chromedp.Text(chromedp.ID("error-summary")))
			for _, want := range []string{"This case changed since you opened it", "no longer applies", "Withdrawn",
				"Which address did you use on ESOMUS?"} {
				if !strings.Contains(summary, want) {
					t.Errorf("the loser is not told %q: %q", want, summary)
				}
			}
		})
	}
}
