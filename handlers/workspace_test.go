package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
	"rightsdesk/password"
)

// fileVerified files and verifies a request on site through the case service, as a visitor
// would, and returns its reference and status token.
func fileVerified(t *testing.T, p *testapp.Portal, site, email, identifier string) (string, string) {
	t.Helper()
	ctx := context.Background()
	s, err := p.Store.SiteBySlug(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	cookies, _ := p.Store.Cookies(ctx, s.ID)
	r := dsr.Request{Kinds: []dsr.Kind{dsr.KindAccess}, Email: email, Language: "en", Country: "BE"}
	if identifier != "" {
		name := map[string]string{"esomus": "UID", "itsme": "__zlcmid"}[site]
		r.Identifiers = []dsr.Identifier{{CookieName: name, Value: identifier, Provenance: dsr.ProvenanceTyped}}
	}
	filed, err := p.App.Cases.File(ctx, s, cookies, r)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.App.Cases.Verify(ctx, filed.VerifyToken)
	if err != nil {
		t.Fatal(err)
	}
	return filed.Reference, tok
}

// member creates an account working for the controllers of the given sites and logs it in.
func member(t *testing.T, p *testapp.Portal, email, role string, sites ...string) *testapp.Client {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for _, slug := range sites {
		s, _ := p.Store.SiteBySlug(ctx, slug)
		ids = append(ids, s.ControllerID)
	}
	hash, _ := password.Hash("member-password-123")
	u := models.User{Email: email, Name: strings.Split(email, "@")[0], Role: role, PasswordHash: hash, Active: true}
	if err := p.Store.CreateUser(ctx, &u, ids); err != nil {
		t.Fatal(err)
	}
	c := p.Client(t)
	if res := c.Login(email, "member-password-123"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, res.StatusCode)
	}
	return c
}

func csrfOf(t *testing.T, c *testapp.Client) string {
	return testapp.CSRF(t, c.Get("/staff/cases").Body)
}

// TestNobodySeesAnotherControllersCases walks every staff route as a member of the other
// controller: the case is a 404 everywhere and never appears in a list, a search or a count.
func TestNobodySeesAnotherControllersCases(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ref, _ := fileVerified(t, p, "esomus", "secret.requester@example.org", "uid-leak-check")
		mine := member(t, p, "anna@esomus.example", models.RoleStaff, "esomus")
		other := member(t, p, "boris@itsme.example", models.RoleManager, "itsme")

		expect(t, mine.Get("/staff/cases"), 200, ref, "1 case")
		for _, q := range []string{"", "?status=all", "?q=" + ref, "?q=secret.requester%40example.org", "?q=uid-leak-check", "?status=all&sort=received"} {
			res := other.Get("/staff/cases" + q)
			expect(t, res, 200, "0 cases")
			// The search box shows what was typed; the list must show nothing.
			if strings.Contains(res.Body, `class="reference">`+ref) || strings.Contains(res.Body, "s***r@") {
				t.Errorf("the queue %s of another controller shows the case", q)
			}
		}
		expect(t, other.Get("/staff/cases/"+ref), http.StatusNotFound)
		ctx := context.Background()
		cs, _ := p.Store.CaseByReference(ctx, ref)
		token := csrfOf(t, other)
		for _, path := range []string{"claim", "assign", fmt.Sprintf("identifiers/%d", cs.Identifiers[0].ID), "request-info", "extend",
			"complete", "refuse", "withdraw", "notes", "expire", "hold", "lift-hold"} {
			res := other.Post("/staff/cases/"+ref+"/"+path, url.Values{"_csrf": {token}, "version": {fmt.Sprint(cs.Version)},
				"assignee": {"1"}, "verified": {"yes"}, "reason": {"x"}, "question": {"x"}, "ground": {"other"}, "reasons": {"x"},
				"how": {"x"}, "note": {"x"}, "outcome_access": {"x"}, "result_access": {"full"}, "hold_reason": {"x"}, "lift_reason": {"x"}})
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s by another controller: %d", path, res.StatusCode)
			}
		}
		res := other.Post("/staff/cases/bulk", url.Values{"_csrf": {token}, "refs": {ref}, "action": {"expire"}, "back": {"/staff/cases"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("bulk: %d", res.StatusCode)
		}
		after, _ := p.Store.CaseByReference(ctx, ref)
		if after.Version != cs.Version || after.Status != cs.Status || after.AssigneeID != nil {
			t.Fatalf("another controller's requests changed the case: %+v", after)
		}
		es, _ := p.Store.Timeline(ctx, cs.ID)
		if len(es) != 2 {
			t.Errorf("another controller's requests added events: %d", len(es))
		}
	})
}

func TestStaffRoutesNeedALogin(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	ref, _ := fileVerified(t, p, "esomus", "x@example.org", "")
	c := p.Client(t)
	for _, path := range []string{"/staff", "/staff/cases", "/staff/cases/" + ref} {
		res := c.Get(path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous GET %s: %d %s", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	csrf := testapp.CSRF(t, c.Get("/staff/login").Body)
	expect(t, c.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}}), http.StatusUnauthorized)
}

func TestQueueFiltersSearchAndPages(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		var refs []string
		for i := 0; i < 55; i++ {
			ref, _ := fileVerified(t, p, "esomus", fmt.Sprintf("person%02d@example.org", i), fmt.Sprintf("uid-%02d", i))
			refs = append(refs, ref)
		}
		itsmeRef, _ := fileVerified(t, p, "itsme", "zoe@example.org", "zl-1")
		c := member(t, p, "mgr@both.example", models.RoleManager, "esomus", "itsme")

		first := c.Get("/staff/cases")
		expect(t, first, 200, "56 cases", "Next page")
		refPattern := regexp.MustCompile(`class="reference">(DSR-\d{4}-\d{6})<`)
		page1 := refPattern.FindAllStringSubmatch(first.Body, -1)
		if len(page1) != 50 {
			t.Fatalf("first page has %d cases", len(page1))
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.Body)
		second := c.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
		page2 := refPattern.FindAllStringSubmatch(second.Body, -1)
		if len(page2) != 6 || strings.Contains(second.Body, `rel="next"`) {
			t.Fatalf("second page has %d cases", len(page2))
		}
		seen := map[string]bool{}
		for _, m := range append(page1, page2...) {
			if seen[m[1]] {
				t.Errorf("%s on two pages", m[1])
			}
			seen[m[1]] = true
		}

		expect(t, c.Get("/staff/cases?q="+refs[7]), 200, "1 case", refs[7])
		expect(t, c.Get("/staff/cases?q=PERSON07%40EXAMPLE.ORG"), 200, "1 case", refs[7])
		expect(t, c.Get("/staff/cases?q=uid-07"), 200, "1 case", refs[7])
		expect(t, c.Get("/staff/cases?q=nothing-like-it"), 200, "0 cases")
		itsme, _ := p.Store.SiteBySlug(context.Background(), "itsme")
		expect(t, c.Get(fmt.Sprintf("/staff/cases?site=%d", itsme.ID)), 200, "1 case", itsmeRef)
		expect(t, c.Get(fmt.Sprintf("/staff/cases?site=c%d", itsme.ControllerID)), 200, "1 case", itsmeRef)
		expect(t, c.Get("/staff/cases?band=overdue"), 200, "0 cases")
		expect(t, c.Get("/staff/cases?band=on_track"), 200, "56 cases")
		expect(t, c.Get("/staff/cases?kind=erasure"), 200, "0 cases")
		expect(t, c.Get("/staff/cases?status=completed"), 200, "0 cases")
		expect(t, c.Get("/staff/cases?assignee=me"), 200, "0 cases")
		expect(t, c.Get("/staff/cases?sort=received"), 200, "56 cases")
		// Nonsense in the URL is ignored, not an error.
		expect(t, c.Get("/staff/cases?status=bogus&band=%3Cscript%3E&from=yesterday&after=x.y&site=-1"), 200, "56 cases")

		// Bulk: assign two to the manager.
		csrf := csrfOf(t, c)
		res := c.Post("/staff/cases/bulk", url.Values{"_csrf": {csrf}, "refs": {refs[0], refs[1]}, "action": {"assign"},
			"assignee": {meID(t, p, "mgr@both.example")}, "back": {"/staff/cases?assignee=me"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/cases?assignee=me" {
			t.Fatalf("bulk assign: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		expect(t, c.Get("/staff/cases?assignee=me"), 200, "2 cases", "2 case(s) changed.")
		expect(t, c.Get("/staff/cases?assignee=unassigned"), 200, "54 cases")
		res = c.Post("/staff/cases/bulk", url.Values{"_csrf": {csrf}, "refs": {refs[2]}, "action": {"assign"}, "back": {"https://evil.example/"},
			"assignee": {meID(t, p, "mgr@both.example")}})
		if res.Header.Get("Location") != "/staff/cases" {
			t.Errorf("bulk followed an outside back link: %s", res.Header.Get("Location"))
		}
	})
}

func meID(t *testing.T, p *testapp.Portal, email string) string {
	u, err := p.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(u.ID)
}

func TestCaseActionsOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ref, statusToken := fileVerified(t, p, "esomus", "carla@example.org", "uid-carla")
		staff := member(t, p, "sam2@esomus.example", models.RoleStaff, "esomus")
		page := staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "carla@example.org", "typed: pasted by the requester, unverified", "Claim this case", "Internal target")
		csrf := testapp.CSRF(t, page.Body)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]

		res := staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("claim: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, staff.Get("/staff/cases/"+ref), 200, "The case is yours.", "In progress", "Ask the requester for information")

		// The stale version of the page the claim came from: refused, typed kept, nothing done.
		replyBy := deadline.Today(time.Now(), deadline.DefaultLocation).AddDays(7).String()
		res = staff.Post("/staff/cases/"+ref+"/request-info", url.Values{"_csrf": {csrf}, "version": {version}, "question": {"Which <b>account</b>?"}, "reply_by": {replyBy}})
		expect(t, res, http.StatusConflict, "This case changed since you opened it", "Which &lt;b&gt;account&lt;/b&gt;?")

		page = staff.Get("/staff/cases/" + ref)
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		res = staff.Post("/staff/cases/"+ref+"/extend", url.Values{"_csrf": {csrf}, "version": {version}, "reason": {"   "}})
		expect(t, res, http.StatusUnprocessableEntity, "Give the reasons for the extension")
		res = staff.Post("/staff/cases/"+ref+"/request-info", url.Values{"_csrf": {csrf}, "version": {version}, "question": {"Which account did you use?"}, "reply_by": {replyBy}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request info: %d\n%s", res.StatusCode, res.Body)
		}

		// The requester answers on the status page.
		visitor := p.Client(t)
		status := visitor.Get("/r/" + statusToken)
		expect(t, status, 200, "needs information from you", "Which account did you use?", "Please answer by", "may have to refuse your request")
		vcsrf := testapp.CSRF(t, status.Body)
		expect(t, visitor.Post("/r/"+statusToken+"/reply", url.Values{"_csrf": {vcsrf}, "answer": {" "}}), http.StatusUnprocessableEntity, "Write your answer")
		res = visitor.Post("/r/"+statusToken+"/reply", url.Values{"_csrf": {vcsrf}, "answer": {"The one with carla@example.org."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d", res.StatusCode)
		}
		expect(t, visitor.Get(res.Header.Get("Location")), 200, "your answer is recorded")

		// Staff answer with a file; the requester downloads it.
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "The requester answered: The one with carla@example.org.")
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		body, ctype := multipartForm(t, map[string]string{"_csrf": csrf, "version": version, "result_access": "full", "outcome_access": ""},
			"files", "export <1>.json", `{"uid":"uid-carla"}`)
		res = staff.Do(postRaw(t, p.URL+"/staff/cases/"+ref+"/complete", body, ctype))
		expect(t, res, http.StatusUnprocessableEntity, "Say what data was found")
		fields := map[string]string{"_csrf": csrf, "version": version, "result_access": "full", "outcome_access": "Page views linked to uid-carla."}
		for k, v := range draftedAccess(t, page.Body) {
			fields[k] = v
		}
		body, ctype = multipartForm(t, fields,
			"files", "export <1>.json", `{"uid":"uid-carla"}`)
		res = staff.Do(postRaw(t, p.URL+"/staff/cases/"+ref+"/complete", body, ctype))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("complete: %d\n%s", res.StatusCode, res.Body)
		}
		status = visitor.Get("/r/" + statusToken)
		expect(t, status, 200, "Answered", "Your data", "export &lt;1&gt;.json")
		link := regexp.MustCompile(`href="(/r/[^"]+/files/\d+)"`).FindStringSubmatch(status.Body)
		if link == nil {
			t.Fatal("no download link")
		}
		dl := visitor.Get(link[1])
		if dl.StatusCode != 200 || dl.Body != `{"uid":"uid-carla"}` || !strings.HasPrefix(dl.Header.Get("Content-Disposition"), "attachment") ||
			dl.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("download: %d %q %v", dl.StatusCode, dl.Body, dl.Header)
		}
		expect(t, visitor.Get(strings.Replace(link[1], "/files/", "/files/9", 1)), http.StatusNotFound)

		// The timeline shows every step, with the letters and their state.
		page = staff.Get("/staff/cases/" + ref)
		for _, want := range []string{"Claimed by", "Information requested", "The requester answered", "Request answered",
			"Letter to carla@example.org", "queued"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the timeline lacks %q", want)
			}
		}
	})
}

func multipartForm(t *testing.T, fields map[string]string, fileField, fileName, content string) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(fileField, fileName)
	fw.Write([]byte(content))
	w.Close()
	return &b, w.FormDataContentType()
}

func postRaw(t *testing.T, u string, body io.Reader, ctype string) *http.Request {
	req, err := http.NewRequest(http.MethodPost, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	return req
}

func TestExtensionOnceWithAClearMessage(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	ref, _ := fileVerified(t, p, "esomus", "erik@example.org", "")
	staff := member(t, p, "ext@esomus.example", models.RoleStaff, "esomus")
	page := staff.Get("/staff/cases/" + ref)
	csrf := testapp.CSRF(t, page.Body)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
	res := staff.Post("/staff/cases/"+ref+"/extend", url.Values{"_csrf": {csrf}, "version": {version}, "reason": {"Three systems to search."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("extend: %d\n%s", res.StatusCode, res.Body)
	}
	page = staff.Get("/staff/cases/" + ref)
	expect(t, page, 200, "Extended from", "Three systems to search.", "The deadline was already extended once", "extended")
	version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
	res = staff.Post("/staff/cases/"+ref+"/extend", url.Values{"_csrf": {csrf}, "version": {version}, "reason": {"Again."}})
	expect(t, res, http.StatusConflict, "already extended once")
	expect(t, staff.Get("/staff/cases"), 200, "badge\">extended")
}

// TestCasePageAnnouncesARefusedAction: a refused form is announced at the top of the page, with a
// link to each field in error, and every form posts to #error-summary so the answer opens there.
// When someone else moved the case on meanwhile, the loser is told so even though the form they
// used is no longer offered, and sees what they typed.
func TestCasePageAnnouncesARefusedAction(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ref, _ := fileVerified(t, p, "esomus", "nora@example.org", "")
		staff := member(t, p, "lea@esomus.example", models.RoleStaff, "esomus")
		page := staff.Get("/staff/cases/" + ref)
		csrf := testapp.CSRF(t, page.Body)
		version := func() string {
			return regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(staff.Get("/staff/cases/" + ref).Body)[1]
		}
		for _, action := range []string{"claim", "refuse", "withdraw", "notes"} {
			if !strings.Contains(page.Body, `action="/staff/cases/`+ref+`/`+action+`#error-summary"`) {
				t.Errorf("the %s form does not post to #error-summary", action)
			}
		}
		if strings.Contains(page.Body, `id="error-summary"`) {
			t.Error("a page without a refused action shows an error summary")
		}

		res := staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version()}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/cases/"+ref+"#top" {
			t.Fatalf("claim: %d %s", res.StatusCode, res.Header.Get("Location"))
		}

		// Two fields in error: the summary links to both, in the order of the form.
		res = staff.Post("/staff/cases/"+ref+"/refuse", url.Values{"_csrf": {csrf}, "version": {version()}, "ground": {""}, "reasons": {" "}})
		expect(t, res, http.StatusUnprocessableEntity, `<title>Not done: Case `+ref, `id="error-summary"`, `role="alert"`,
			"There is a problem: nothing was done", `href="#refuse-ground"`, `href="#refuse-reasons"`, `Go to “Refuse the whole request”`)
		if i, j := strings.Index(res.Body, `id="error-summary"`), strings.Index(res.Body, "<h1>"); i < 0 || i > j {
			t.Error("the error summary is not above the heading")
		}
		if !regexp.MustCompile(`<select id="refuse-ground" name="ground" aria-describedby="refuse-ground-error" aria-invalid="true"`).MatchString(res.Body) &&
			!regexp.MustCompile(`<select id="refuse-ground" name="ground" aria-invalid="true" aria-describedby="refuse-ground-error"`).MatchString(res.Body) {
			t.Error("the ground field is not tied to its error")
		}

		// Lea writes a question from this page while a manager answers the case.
		stale := version()
		manager := member(t, p, "max@esomus.example", models.RoleManager, "esomus")
		mcsrf := testapp.CSRF(t, manager.Get("/staff/cases/"+ref).Body)
		res = manager.Post("/staff/cases/"+ref+"/withdraw", url.Values{"_csrf": {mcsrf}, "version": {stale}, "how": {"By phone."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", res.StatusCode, res.Body)
		}
		res = staff.Post("/staff/cases/"+ref+"/request-info", url.Values{"_csrf": {csrf}, "version": {stale},
			"question": {"Which <i>account</i> did you use?"}, "reply_by": {deadline.Today(time.Now(), deadline.DefaultLocation).AddDays(7).String()}})
		expect(t, res, http.StatusConflict, `id="error-summary"`, "This case changed since you opened it",
			"“Ask the requester for information” no longer applies", "Withdrawn", `href="#timeline"`,
			"What you typed was not sent", "Which &lt;i&gt;account&lt;/i&gt; did you use?")
		if strings.Contains(res.Body, `id="form-request-info"`) {
			t.Error("the question form is offered on a withdrawn case")
		}
		cs, _ := p.Store.CaseByReference(context.Background(), ref)
		if cs.Status != dsr.StatusWithdrawn {
			t.Errorf("the case is %s", cs.Status)
		}
	})
}

// TestCaseFormsNeedTheirVersion: a case form without the version it was drawn from is refused
// (it would skip the stale check) and changes nothing; answering a case a second time, even with
// its current version, is refused with a notice, not a server error.
func TestCaseFormsNeedTheirVersion(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ref, _ := fileVerified(t, p, "esomus", "victor@example.org", "uid-victor")
		staff := member(t, p, "vera@esomus.example", models.RoleStaff, "esomus")
		page := staff.Get("/staff/cases/" + ref)
		csrf := testapp.CSRF(t, page.Body)
		versionOf := func() string { // from the store: a closed case's page has no form
			cs, err := p.Store.CaseByReference(context.Background(), ref)
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(cs.Version)
		}
		before := versionOf()
		for _, v := range []url.Values{{}, {"version": {""}}, {"version": {"0"}}, {"version": {"-1"}}, {"version": {"x"}}} {
			v.Set("_csrf", csrf)
			expect(t, staff.Post("/staff/cases/"+ref+"/claim", v), http.StatusBadRequest, "Open the case again")
		}
		if after := versionOf(); after != before {
			t.Fatalf("a form without its version changed the case: version %s → %s", before, after)
		}

		expect(t, staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {before}}), http.StatusSeeOther)
		drafted := staff.Get("/staff/cases/" + ref).Body
		answer := func() testapp.Response {
			return staff.Post("/staff/cases/"+ref+"/complete", withAccess(t, url.Values{"_csrf": {csrf}, "version": {versionOf()},
				"outcome_access": {"Page views linked to uid-victor."}, "result_access": {"full"}}, drafted))
		}
		expect(t, answer(), http.StatusSeeOther)
		expect(t, answer(), http.StatusConflict, "Page views linked to uid-victor.")
		cs, err := p.Store.CaseByReference(context.Background(), ref)
		if err != nil || cs.Status != dsr.StatusCompleted {
			t.Fatalf("after a second answer: %v %+v", err, cs.Status)
		}
	})
}

// TestAnswerBodyLimitHoldsWithoutALength: an answer larger than its route's limit sent without a
// Content-Length (chunked) is refused before the form is read, and the case is unchanged.
func TestAnswerBodyLimitHoldsWithoutALength(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	ref, _ := fileVerified(t, p, "esomus", "wim@example.org", "uid-wim")
	staff := member(t, p, "wout@esomus.example", models.RoleStaff, "esomus")
	page := staff.Get("/staff/cases/" + ref)
	csrf := testapp.CSRF(t, page.Body)
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
	expect(t, staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version}}), http.StatusSeeOther)
	cs, _ := p.Store.CaseByReference(context.Background(), ref)

	body, ctype := multipartForm(t, map[string]string{"_csrf": csrf, "version": fmt.Sprint(cs.Version), "result_access": "full", "outcome_access": "All of it."},
		"files", "huge.json", strings.Repeat("x", 30<<20))
	req := postRaw(t, p.URL+"/staff/cases/"+ref+"/complete", nil, ctype)
	req.Body = io.NopCloser(io.MultiReader(body)) // no length known: sent chunked
	req.ContentLength = -1
	expect(t, staff.Do(req), http.StatusRequestEntityTooLarge)
	if after, _ := p.Store.CaseByReference(context.Background(), ref); after.Status != cs.Status || after.Version != cs.Version {
		t.Errorf("an oversized answer changed the case: %s v%d → %s v%d", cs.Status, cs.Version, after.Status, after.Version)
	}
}

// TestRequestInfoForm: the question form offers a reply-by date, refuses a date that is no date,
// in the past or after the due date beside the field with what was typed kept, and changes
// nothing until the question is right.
func TestRequestInfoForm(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ref, _ := fileVerified(t, p, "esomus", "dora@example.org", "")
		staff := member(t, p, "sam3@esomus.example", models.RoleStaff, "esomus")
		page := staff.Get("/staff/cases/" + ref)
		csrf := testapp.CSRF(t, page.Body)
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]
		if res := staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("claim: %d", res.StatusCode)
		}
		ctx := context.Background()
		cs, _ := p.Store.CaseByReference(ctx, ref)
		today := deadline.Today(time.Now(), cs.Controller.Location())
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, `name="reply_by" value="`+dsr.DefaultReplyBy(today, cs.AnswerDue()).String()+`"`,
			"This question is about the requester’s identity (Art. 12(6))", "does not pause the clock")
		version = regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]

		post := func(question, replyBy string) testapp.Response {
			return staff.Post("/staff/cases/"+ref+"/request-info", url.Values{"_csrf": {csrf}, "version": {version},
				"question": {question}, "reply_by": {replyBy}, "identity": {"yes"}})
		}
		checked := regexp.MustCompile(`<input type="checkbox" name="identity" value="yes" id="request-info-identity"[^>]* checked`)
		for _, tc := range []struct{ question, replyBy, want string }{
			{"Which account do you log in with?", "2026-02-30", "Give a real date"},
			{"Which account do you log in with?", today.AddDays(-1).String(), "The reply-by date is in the past"},
			{"Which account do you log in with?", cs.AnswerDue().AddDays(1).String(), "the date the answer is due: choose a date up to that day"},
			{"Which account do you log in with?", "", "Give the date by which the requester should answer"},
			{"   ", "tomorrow", "Write the question"},
		} {
			res := post(tc.question, tc.replyBy)
			expect(t, res, http.StatusUnprocessableEntity, tc.want, `href="#request-info-reply_by"`)
			if tc.replyBy != "" {
				expect(t, res, http.StatusUnprocessableEntity, `value="`+tc.replyBy+`"`)
			}
			if strings.TrimSpace(tc.question) != "" {
				expect(t, res, http.StatusUnprocessableEntity, tc.question)
			}
			if !checked.MatchString(res.Body) {
				t.Errorf("%q: the identity box is not kept ticked", tc.replyBy)
			}
		}
		if c, _ := p.Store.CaseByReference(ctx, ref); c.Status != dsr.StatusInProgress || c.Version != cs.Version {
			t.Errorf("a refused question changed the case: %s, version %d→%d", c.Status, cs.Version, c.Version)
		}
		res := post("Which account do you log in with?", today.AddDays(3).String())
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a right question: %d\n%s", res.StatusCode, res.Body)
		}
		c, _ := p.Store.CaseByReference(ctx, ref)
		if c.Status != dsr.StatusAwaitingRequester || c.InfoReplyBy != today.AddDays(3) || c.Paused() {
			t.Errorf("after the question: %s, reply by %s, paused %v (ESOMUS does not pause)", c.Status, c.InfoReplyBy, c.Paused())
		}
		expect(t, staff.Get("/staff/cases/"+ref), 200, "Requester asked to answer by")
	})
}

// TestStatusPageShowsThePause: with the controller's setting on, an identity question shows the
// requester the reply-by date and the suspended time limit, and staff a paused clock instead of a
// band; the answer resumes it, which the timeline says with the due date.
func TestStatusPageShowsThePause(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		ref, tok := fileVerified(t, p, "esomus", "erik@example.org", "")
		cs, _ := p.Store.CaseByReference(ctx, ref)
		if err := models.GormForTest(p.Store).Model(&models.Controller{}).Where("id = ?", cs.ControllerID).Update("identity_pause", true).Error; err != nil {
			t.Fatal(err)
		}
		a := adminActor(t, p)
		if err := p.App.Cases.Claim(ctx, a, ref, 0); err != nil {
			t.Fatal(err)
		}
		today := deadline.Today(time.Now(), cs.Controller.Location())
		q := cases.Question{Text: "Which e-mail address do you log in with?", ReplyBy: today.AddDays(10), Identity: true}
		if err := p.App.Cases.RequestInfo(ctx, a, ref, 0, q); err != nil {
			t.Fatal(err)
		}
		visitor := p.Client(t)
		status := visitor.Get("/r/" + tok)
		expect(t, status, 200, "Which e-mail address do you log in with?", "Please answer by", "may have to refuse your request",
			"the time limit for answering your request is suspended until you answer", `class="band band-paused"`,
			"The time limit for answering your request is suspended until you answer the question about your identity")
		staff := member(t, p, "sam4@esomus.example", models.RoleStaff, "esomus")
		expect(t, staff.Get("/staff/cases/"+ref), 200, "Clock paused (Art. 12(6)) since today", "until the requester answers the identity question")
		expect(t, staff.Get("/staff/cases"), 200, "Clock paused (Art. 12(6)) since today")

		res := visitor.Post("/r/"+tok+"/reply", url.Values{"_csrf": {testapp.CSRF(t, status.Body)}, "answer": {"erik.old@example.org"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d", res.StatusCode)
		}
		after := visitor.Get("/r/" + tok)
		expect(t, after, 200, "The time limit runs again after 0 days suspended: the answer is now due by")
		if strings.Contains(after.Body, "band-paused") {
			t.Error("the status page still shows the time limit suspended")
		}
	})
}
