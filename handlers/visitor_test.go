package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/app"
	"rightsdesk/dsr"
	"rightsdesk/handlers"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// english makes c a visitor who chose English: these tests check the English wording (the demo
// controllers' pages are in French otherwise).
func english(c *testapp.Client) *testapp.Client {
	c.SetCookie(locale.CookieName, "en")
	return c
}

func each(t *testing.T, fn func(t *testing.T, p *testapp.Portal)) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, testapp.Start(t, testapp.Options{Dialect: d})) })
	}
}

// filing returns a valid form for the ESOMUS site.
func filing(csrf string) url.Values {
	return url.Values{
		"_csrf": {csrf}, "site": {"esomus"}, "kinds": {"access", "erasure"},
		"email": {"alice@example.org"}, "name": {"Alice Martin"}, "language": {"fr"}, "country": {"FR"},
		"details":      {"Please tell me what you hold."},
		"typed_name_0": {"UID"}, "typed_value_0": {"u-42"},
		"typed_name_1": {""}, "typed_value_1": {""},
	}
}

func countCases(t *testing.T, p *testapp.Portal) int64 {
	t.Helper()
	n, err := p.Store.CountCases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func lettersOf(t *testing.T, p *testapp.Portal) []models.Letter {
	t.Helper()
	ls, err := p.Store.Letters(context.Background(), models.LetterFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]models.Letter, 0, len(ls))
	for i := len(ls) - 1; i >= 0; i-- {
		l, _ := p.Store.LetterByID(context.Background(), ls[i].ID)
		out = append(out, l)
	}
	return out
}

var linkIn = func(path string) *regexp.Regexp {
	return regexp.MustCompile(`https?://[^\s"<]+` + regexp.QuoteMeta(path) + `[A-Za-z0-9_-]{43}`)
}

func expect(t *testing.T, r testapp.Response, status int, contains ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.Body)
	}
	for _, s := range contains {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s %s: body lacks %q", r.Request.Method, r.Request.URL.Path, s)
		}
	}
}

func TestVisitorFilesVerifiesFollowsAndWithdraws(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.Client(t))
		expect(t, c.Get("/"), 200, "ESOMUS", "Belgian Mobile ID SA/NV", "/sites/itsme/cookies", "/requests/new?site=esomus",
			"Rectification", "Art. 17", "Consent withdrawal")
		cookies := c.Get("/sites/itsme/cookies")
		expect(t, cookies, 200, "CookieConsent", "__zlcmid", "zte2095", "rc::a", "1\u00a0hour", "365\u00a0days", "Strictly necessary cookies",
			"Zopim définit ce cookie pour stocker un identifiant utilisateur unique.")
		expect(t, c.Get("/sites/esomus/cookies"), 200, "STCK_ID", "ID du dernier compte", "version of 1 October 2024")
		expect(t, c.Get("/sites/nope/cookies"), 404)

		// The browser holds ESOMUS's identifying cookie: the form offers it pre-filled.
		c.SetCookie("STCK_ID", "stck-77aa")
		c.SetCookie("cf_use_ob", "0") // not ESOMUS's, never offered
		form := c.Get("/requests/new?site=esomus")
		expect(t, form, 200, `name="browser_cookie" id="browser-STCK_ID" value="STCK_ID" checked`, "stck-77aa")
		if strings.Contains(form.Body, "cf_use_ob") {
			t.Error("the form offers a cookie that is not an identifying cookie of the site")
		}
		for _, k := range dsr.Kinds {
			if !strings.Contains(form.Body, `value="`+string(k)+`"`) {
				t.Errorf("the form lacks the kind %s", k)
			}
		}
		v := filing(testapp.CSRF(t, form.Body))
		v.Set("browser_cookie", "STCK_ID")
		res := c.Post("/requests", v)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests/filed" {
			t.Fatalf("filing: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		filed := c.Get("/requests/filed")
		expect(t, filed, 200, "DSR-", "alice@example.org", "What happens next")
		ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(filed.Body)

		cs, err := p.Store.CaseByReference(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Identifiers) != 2 || cs.Identifiers[0].CookieName != "STCK_ID" || cs.Identifiers[0].Value != "stck-77aa" ||
			cs.Identifiers[0].Provenance != dsr.ProvenanceBrowser || cs.Identifiers[1].Provenance != dsr.ProvenanceTyped {
			t.Errorf("identifiers: %+v", cs.Identifiers)
		}

		// The verification letter carries the link; opening it changes nothing until Confirm.
		ls := lettersOf(t, p)
		if len(ls) != 1 {
			t.Fatalf("%d letters after filing", len(ls))
		}
		verifyURL := linkIn("/requests/verify/").FindString(ls[0].TextBody)
		if verifyURL == "" {
			t.Fatalf("no verification link in:\n%s", ls[0].TextBody)
		}
		confirm := c.Get(verifyURL)
		expect(t, confirm, 200, ref, "Confirm")
		if confirm.Header.Get("Cache-Control") != "no-store" {
			t.Error("the confirm page may be cached")
		}
		if cs, _ := p.Store.CaseByReference(context.Background(), ref); cs.Status != dsr.StatusUnverified {
			t.Fatalf("opening the link changed the status to %s", cs.Status)
		}
		res = c.Post(verifyURL, url.Values{"_csrf": {testapp.CSRF(t, confirm.Body)}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/r/") {
			t.Fatalf("confirm: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		statusPath := res.Header.Get("Location")
		status := c.Get(statusPath)
		expect(t, status, 200, ref, "Received", "Access, Erasure", "Received on", "Answer due by", "days left", "band band-on_track", "E-mail address confirmed", "Withdraw this request")

		// The acknowledgement's status link is the page we were sent to.
		ls = lettersOf(t, p)
		if len(ls) != 2 || !strings.Contains(ls[1].TextBody, p.URL+statusPath) {
			t.Fatalf("acknowledgement lacks the status link %s", statusPath)
		}
		// Used link: it opens nothing more, but says the request is confirmed (requester_test.go).
		expect(t, c.Get(verifyURL), 200, "Request already confirmed")

		// Withdraw: confirm step, then the event and the letter.
		wd := c.Get(statusPath + "/withdraw")
		expect(t, wd, 200, "Yes, withdraw my request")
		res = c.Post(statusPath+"/withdraw", url.Values{"_csrf": {testapp.CSRF(t, wd.Body)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", res.StatusCode, res.Body)
		}
		after := c.Get(res.Header.Get("Location"))
		expect(t, after, 200, "Withdrawn", "Your request has been withdrawn", "You withdrew the request")
		if strings.Contains(after.Body, "Withdraw this request") {
			t.Error("a withdrawn request still offers withdrawal")
		}
		if ls = lettersOf(t, p); len(ls) != 3 || ls[2].Kind != "withdrawn" {
			t.Errorf("after withdrawal %d letters", len(ls))
		}
		// Withdrawing again is refused, with a message, and changes nothing.
		res = c.Post(statusPath+"/withdraw", url.Values{"_csrf": {testapp.CSRF(t, wd.Body)}})
		expect(t, res, http.StatusConflict, "not possible")
		if ls = lettersOf(t, p); len(ls) != 3 {
			t.Errorf("a refused withdrawal queued a letter")
		}
	})
}

func TestBadInputIsRefusedOnTheSamePageWithInputKept(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.Client(t))
		csrf := testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body)
		tests := []struct {
			name    string
			edit    func(url.Values)
			message string
			kept    string
		}{
			{"no kind", func(v url.Values) { v.Del("kinds") }, "Choose at least one right", "alice@example.org"},
			{"empty e-mail", func(v url.Values) { v.Set("email", "") }, "Give the e-mail address", "Alice Martin"},
			{"malformed e-mail", func(v url.Values) { v.Set("email", "alice@@example") }, "Type the address only", "alice@@example"},
			{"header injection in e-mail", func(v url.Values) { v.Set("email", "alice@example.org\r\nBcc: all@example.com") },
				"single line", "Alice Martin"},
			{"header injection in name", func(v url.Values) { v.Set("name", "Alice\r\nBcc: all@example.com") },
				"single line", "alice@example.org"},
			{"invalid UTF-8", func(v url.Values) { v.Set("name", "Al\xffice") }, "invalid UTF-8", "Al\uFFFDice"},
			{"huge details", func(v url.Values) { v.Set("details", strings.Repeat("x", 5001)) }, "too long", "alice@example.org"},
			{"rectification without details", func(v url.Values) { v.Set("kinds", "rectification") },
				"say which data is wrong", "alice@example.org"},
			{"objection without grounds", func(v url.Values) { v.Set("kinds", "objection") }, "give the grounds", "alice@example.org"},
			{"foreign cookie", func(v url.Values) { v.Set("typed_name_0", "_ga") }, "identifying cookies", "u-42"},
			{"non-identifying cookie", func(v url.Values) { v.Set("typed_name_0", "Code Opération") }, "identifying cookies", "u-42"},
			{"cookie value with spaces", func(v url.Values) { v.Set("typed_value_0", "a b;c") }, "visible ASCII", "a b;c"},
			{"unknown kind", func(v url.Values) { v.Add("kinds", "everything") }, "Choose among the rights", "alice@example.org"},
			{"unknown language", func(v url.Values) { v.Set("language", "xx") }, "language we should write", "alice@example.org"},
			{"unknown country", func(v url.Values) { v.Set("country", "ZZ") }, "country of residence", "alice@example.org"},
			{"ticked browser cookie not sent", func(v url.Values) { v.Set("browser_cookie", "U2") }, "no longer sends the cookie U2", "u-42"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v := filing(csrf)
				tt.edit(v)
				res := c.Post("/requests", v)
				expect(t, res, http.StatusUnprocessableEntity, "Your request was not sent", tt.message)
				if !strings.Contains(res.Body, htmlEscape(tt.kept)) {
					t.Errorf("what was typed (%q) is not kept", tt.kept)
				}
				if n := countCases(t, p); n != 0 {
					t.Fatalf("a refused filing saved %d case(s)", n)
				}
			})
		}
		if ls := lettersOf(t, p); len(ls) != 0 {
			t.Errorf("refused filings queued %d letters", len(ls))
		}
		expect(t, c.Post("/requests", url.Values{"_csrf": {csrf}, "site": {"no-such-site"}}), 404)
	})
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestScriptsAreShownEscapedEverywhere(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		const payload = `<script>alert("x")</script>`
		c := english(p.Client(t))
		csrf := testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body)
		v := filing(csrf)
		v.Set("name", "Eve "+payload)
		v.Set("details", payload)
		v.Set("typed_value_0", "<script>alert(1)</script>") // a valid cookie value under RFC 6265
		v.Set("email", "")                                  // first refused: the re-rendered form must escape it
		res := c.Post("/requests", v)
		expect(t, res, http.StatusUnprocessableEntity, "&lt;script&gt;")
		v.Set("email", "eve@example.org")
		res = c.Post("/requests", v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: %d\n%s", res.StatusCode, res.Body)
		}
		pages := []testapp.Response{c.Get("/requests/filed")}
		ls := lettersOf(t, p)
		verifyURL := linkIn("/requests/verify/").FindString(ls[0].TextBody)
		confirm := c.Get(verifyURL)
		pages = append(pages, confirm)
		res = c.Post(verifyURL, url.Values{"_csrf": {testapp.CSRF(t, confirm.Body)}})
		pages = append(pages, c.Get(res.Header.Get("Location")))

		admin := p.Client(t)
		admin.Login(testapp.AdminEmail, testapp.AdminPassword)
		pages = append(pages, admin.Get("/admin/mailbox"))
		for _, l := range lettersOf(t, p) {
			pages = append(pages, admin.Get("/admin/mailbox/"+itoa(l.ID)))
			if strings.Contains(l.HTMLBody, "<script>") {
				t.Errorf("letter %s has a raw script in its HTML part", l.Kind)
			}
		}
		for _, pg := range pages {
			if strings.Contains(pg.Body, "<script>alert") {
				t.Errorf("%s shows the script unescaped", pg.Request.URL.Path)
			}
		}
		if !strings.Contains(pages[len(pages)-1].Body, "Eve &lt;script&gt;") {
			t.Error("the mailbox letter does not show the escaped name")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestCSRF(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := english(p.Client(t))
	csrf := testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body)

	v := filing(csrf)
	v.Del("_csrf")
	expect(t, c.Post("/requests", v), http.StatusForbidden, "Form expired")
	v.Set("_csrf", "forged-token-value")
	expect(t, c.Post("/requests", v), http.StatusForbidden)

	// A browser request marked cross-site is refused even with the token.
	v = filing(csrf)
	req, _ := http.NewRequest(http.MethodPost, p.URL+"/requests", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	expect(t, c.Do(req), http.StatusForbidden)

	// Same-origin browser requests still need the token: Sec-Fetch-Site alone does not pass.
	v.Del("_csrf")
	req, _ = http.NewRequest(http.MethodPost, p.URL+"/requests", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	expect(t, c.Do(req), http.StatusForbidden)

	// Another client's token does not work with this client's cookie.
	other := p.Client(t)
	otherToken := testapp.CSRF(t, other.Get("/requests/new?site=esomus").Body)
	expect(t, c.Post("/requests", filing(otherToken)), http.StatusForbidden)

	if n := countCases(t, p); n != 0 {
		t.Fatalf("refused posts saved %d cases", n)
	}
	if res := c.Post("/requests", filing(csrf)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the genuine post was refused: %d", res.StatusCode)
	}
}

func TestForgedExpiredAndUsedTokensArePlain404s(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := english(p.Client(t))
	for _, path := range []string{
		"/requests/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"/requests/verify/short",
		"/requests/verify/%00%0d%0a",
		"/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"/r/" + strings.Repeat("x", 2000),
		"/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/withdraw",
	} {
		res := c.Get(path)
		expect(t, res, http.StatusNotFound, "Not found")
	}
	csrf := testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body)
	res := c.Post("/requests/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url.Values{"_csrf": {csrf}})
	expect(t, res, http.StatusNotFound)
	res = c.Post("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/withdraw", url.Values{"_csrf": {csrf}})
	expect(t, res, http.StatusNotFound)
}

func TestOversizeBodiesAreRefused(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := english(p.Client(t))
	v := filing(testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body))
	v.Set("details", strings.Repeat("x", 70<<10))
	expect(t, c.Post("/requests", v), http.StatusRequestEntityTooLarge, "larger than this site accepts")
	if n := countCases(t, p); n != 0 {
		t.Fatalf("an oversize post saved %d cases", n)
	}
}

func TestFilingIsRateLimitedPerIPWithInputKept(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := english(p.Client(t))
	csrf := testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body)
	for i := 0; i < 6; i++ { // the default burst
		if res := c.Post("/requests", filing(csrf)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing %d: %d", i+1, res.StatusCode)
		}
	}
	v := filing(csrf)
	v.Set("name", "Seventh Try")
	expect(t, c.Post("/requests", v), http.StatusTooManyRequests, "Wait a minute", "Seventh Try")
	if n := countCases(t, p); n != 6 {
		t.Errorf("%d cases, want 6", n)
	}
}

func TestSecurityHeaders(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := english(p.Client(t))
	for _, path := range []string{"/", "/requests/new?site=esomus", "/staff/login", "/nope"} {
		res := c.Get(path)
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
		if strings.Contains(res.Body, "<script") || strings.Contains(res.Body, " style=") {
			t.Errorf("%s: inline script or style in the page", path)
		}
	}
	res := c.Get("/requests/new?site=esomus")
	for _, ck := range res.Cookies() {
		if ck.Name == "_csrf" && (!ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode) {
			t.Errorf("CSRF cookie flags: %+v", ck)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.Client(t))
		expect(t, c.Get("/healthz"), 200, "ok")
		expect(t, c.Get("/readyz"), 200, "ready")
	})
}

func TestAdminMailboxNeedsAnAdmin(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		visitor := english(p.Client(t))
		csrf := testapp.CSRF(t, visitor.Get("/requests/new?site=esomus").Body)
		visitor.Post("/requests", filing(csrf))
		id := itoa(lettersOf(t, p)[0].ID)

		for _, path := range []string{"/admin/mailbox", "/admin/mailbox/" + id, "/admin/mailbox/" + id + "/html"} {
			res := visitor.Get(path)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
				t.Errorf("anonymous %s: %d %s", path, res.StatusCode, res.Header.Get("Location"))
			}
		}
		staff := p.Client(t)
		if res := staff.Login(testapp.StaffEmail, testapp.StaffPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff login: %d", res.StatusCode)
		}
		expect(t, staff.Get("/admin/mailbox"), http.StatusForbidden)

		bad := p.Client(t)
		res := bad.Login(testapp.AdminEmail, "wrong password here")
		expect(t, res, http.StatusUnauthorized, "do not match", testapp.AdminEmail)

		admin := p.Client(t)
		res = admin.Login(testapp.AdminEmail, testapp.AdminPassword)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/cases" {
			t.Fatalf("admin login: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		box := admin.Get("/admin/mailbox")
		// The filing asked for letters in French: the verification letter is French.
		expect(t, box, 200, "No SMTP server is configured", "alice@example.org", "Confirmez votre demande DSR-")
		letter := admin.Get("/admin/mailbox/" + id)
		expect(t, letter, 200, "/requests/verify/", "Message-ID")
		html := admin.Get("/admin/mailbox/" + id + "/html")
		expect(t, html, 200, "<a href=")
		if csp := html.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("letter HTML served with CSP %q", csp)
		}
		expect(t, admin.Get("/admin/mailbox/999999"), 404)
		expect(t, admin.Get("/admin/mailbox/abc"), 404)

		// Logout ends the session.
		out := admin.Get("/admin/mailbox")
		res = admin.Post("/staff/logout", url.Values{"_csrf": {testapp.CSRF(t, out.Body)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", res.StatusCode)
		}
		if res := admin.Get("/admin/mailbox"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("after logout the mailbox answers %d", res.StatusCode)
		}
	})
}

// TestLoginIsThrottledPerAccountAndAddress: wrong passwords from one address make that address
// wait for that account, even with the right password.
func TestLoginIsThrottledPerAccountAndAddress(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	for i := 0; i < 5; i++ {
		p.Client(t).Login(testapp.AdminEmail, "wrong password number "+itoa(int64(i+1)))
	}
	res := p.Client(t).Login(testapp.AdminEmail, testapp.AdminPassword)
	expect(t, res, http.StatusTooManyRequests, "Too many login attempts")
}

// TestStrangersCannotLockAnAccountOut: wrong passwords for an account from other addresses —
// enough to refuse each of those addresses, and more than a person types — do not stop its owner:
// the right password from a new address opens the account, once slowed down. Attempts on an
// account under attack all wait; those on other accounts do not.
func TestStrangersCannotLockAnAccountOut(t *testing.T) {
	const slowdown = 2 * time.Second // far above a login's own time, even on a busy machine
	// Neither an address nor the account regains a wrong password during the test: slowed logins
	// under the race detector can take longer than the default 12 s and 30 s.
	p := testapp.Start(t, testapp.Options{Config: app.Config{TrustProxy: true,
		Handlers: handlers.Config{LoginSlowdown: slowdown, LoginGuessEvery: time.Hour, LoginAttackEvery: time.Hour}}})
	from := func(ip string) *testapp.Client {
		c := p.Client(t)
		c.Header = http.Header{"X-Forwarded-For": {ip}}
		return c
	}
	login := func(c *testapp.Client, email, pw string) (testapp.Response, time.Duration) {
		start := time.Now()
		res := c.Login(email, pw)
		return res, time.Since(start)
	}
	for ip := 1; ip <= 5; ip++ {
		stranger := from(fmt.Sprintf("203.0.113.%d", ip))
		for i := 0; i < 5; i++ {
			expect(t, stranger.Login(testapp.AdminEmail, fmt.Sprintf("guess %d from %d", i, ip)), http.StatusUnauthorized)
		}
		// That address is done guessing for this account, even with the right password.
		expect(t, stranger.Login(testapp.AdminEmail, testapp.AdminPassword), http.StatusTooManyRequests, "Too many login attempts")
	}
	// 25 wrong passwords from anywhere: the account is under attack; its owner still gets in.
	res, took := login(from("198.51.100.7"), testapp.AdminEmail, testapp.AdminPassword)
	expect(t, res, http.StatusSeeOther)
	if took < slowdown {
		t.Errorf("a login on an account under attack took %v, want at least the slowdown %v", took, slowdown)
	}
	res, took = login(from("198.51.100.8"), testapp.AdminEmail, "yet another guess")
	expect(t, res, http.StatusUnauthorized)
	if took < slowdown {
		t.Errorf("a guess on an account under attack took %v, want at least %v", took, slowdown)
	}
	// Another account is not slowed by the attack on this one (TestLoginThrottle checks it without
	// a clock: a login's own time under the race detector is too close to any slowdown).
	expect(t, from("198.51.100.9").Login(testapp.StaffEmail, "not the password"), http.StatusUnauthorized)
}
