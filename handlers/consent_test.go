package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"rightsdesk/app"
	"rightsdesk/handlers"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/sitetoken"
)

func withdrawals(t *testing.T, p *testapp.Portal, site, cookie, value string) []models.ConsentWithdrawal {
	t.Helper()
	s, err := p.Store.SiteBySlug(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := p.Store.WithdrawalsFor(context.Background(), s.ID, cookie, value)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func jarHas(c *testapp.Client, base, name string) bool {
	u, _ := url.Parse(base)
	return slices.ContainsFunc(c.HTTP.Jar.Cookies(u), func(k *http.Cookie) bool { return k.Name == name })
}

// A visitor whose browser holds ESOMUS's identifying cookies withdraws analytics consent without
// any verification, on a portal that runs on ESOMUS's own domain (privacy.esomus.com): the
// withdrawal is recorded against those cookies, the response expires each of the site's named
// first-party analytics cookies, for the host and esomus.com, and a confirmation letter is queued.
// The site has no webhook: the receipt says the privacy team was informed, not the site.
func TestConsentWithdrawalTakesEffectInTheBrowser(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.ClientAt(t, "privacy.esomus.com"))
		for name, v := range map[string]string{"STCK_ID": "stck-9f2c", "UID": "uid-41", "U2": "u2-7", "unrelated": "keep"} {
			c.SetDomainCookie("esomus.com", name, v)
		}
		page := c.Get("/sites/esomus/consent")
		expect(t, page, 200, "Withdraw your consent on ESOMUS", "STCK_ID", "stck-9f2c", "read from your browser",
			`id="category-analytics"`, `id="category-functional"`, "Strictly necessary cookies need no consent",
			"/requests/new?site=esomus&amp;kind=consent_withdrawal")
		if strings.Contains(page.Body, `id="category-necessary"`) {
			t.Error("the form offers necessary cookies")
		}
		res := c.Post("/sites/esomus/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)},
			"categories": {"analytics"}, "email": {"visitor@example.org"}})
		expect(t, res, http.StatusSeeOther)
		if loc := res.Header.Get("Location"); loc != "/sites/esomus/consent/done" {
			t.Fatalf("redirect to %q", loc)
		}
		var expired []string
		domains := map[string]bool{}
		for _, h := range res.Header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(h, "=")
			if name == "rightsdesk_visitor" || name == "rightsdesk_session" {
				continue
			}
			if !strings.Contains(h, "Path=/") || !strings.Contains(h, "Max-Age=0") || !strings.Contains(h, "Expires=Thu, 01 Jan 1970 00:00:00 GMT") {
				t.Errorf("not an expiry on path /: %s", h)
			}
			_, d, _ := strings.Cut(h, "Domain=")
			d, _, _ = strings.Cut(d, ";")
			domains[d] = true
			if !slices.Contains(expired, name) {
				expired = append(expired, name)
			}
		}
		slices.Sort(expired)
		if strings.Join(expired, ",") != "STCK_ID,U2,UID" {
			t.Errorf("expired %v, want ESOMUS's named first-party analytics cookies STCK_ID, U2, UID", expired)
		}
		if !domains[""] || !domains["privacy.esomus.com"] || !domains["esomus.com"] || len(domains) != 3 {
			t.Errorf("expired for %v, want the host, privacy.esomus.com and esomus.com", domains)
		}
		for _, gone := range []string{"STCK_ID", "UID", "U2"} {
			if jarHas(c, c.Base(), gone) {
				t.Errorf("%s is still in the browser", gone)
			}
		}
		if !jarHas(c, c.Base(), "unrelated") {
			t.Error("a cookie that is not the site's was removed")
		}

		done := c.Get("/sites/esomus/consent/done")
		expect(t, done, 200, "Your consent has been withdrawn", "CW-", "Analytics", `id="cleared"`, "STCK_ID", "visitor@example.org",
			"We have recorded your withdrawal and informed the privacy team of ESOMUS.",
			// ESOMUS has no cookie banner: its own way, as its policy states it (§10).
			"ESOMUS states how to withdraw your consent or give it again", `id="withdrawal-how"`, "Mon compte")
		for _, never := range []string{"has been told of your withdrawal", "cookie banner", `id="delivery"`, `id="nothing-removed"`} {
			if strings.Contains(done.Body, never) {
				t.Errorf("the receipt says %q, which did not happen", never)
			}
		}
		// "Code Opération" and the SEO keywords are descriptions, not cookie names: the portal
		// cannot expire them, so the receipt says how to remove them.
		expect(t, done, 200, `id="remaining"`, "Code Opération", "in your browser&#39;s settings")
		ws := withdrawals(t, p, "esomus", "STCK_ID", "stck-9f2c")
		if len(ws) != 1 || ws[0].Categories != "analytics" || ws[0].Scope != models.ScopeCategories || len(ws[0].Identifiers) != 3 {
			t.Fatalf("recorded %+v", ws)
		}
		for _, id := range ws[0].Identifiers {
			if id.Provenance != "browser" {
				t.Errorf("identifier %s recorded as %s", id.CookieName, id.Provenance)
			}
		}
		if !strings.Contains(done.Body, ws[0].Receipt) {
			t.Errorf("the receipt %s is not shown", ws[0].Receipt)
		}
		var letter *models.Letter
		for _, l := range lettersOf(t, p) {
			if l.Kind == "consent_withdrawn" {
				letter = &l
			}
		}
		if letter == nil || letter.Recipient != "visitor@example.org" || letter.WithdrawalID == nil || *letter.WithdrawalID != ws[0].ID ||
			!strings.Contains(letter.TextBody, ws[0].Receipt) || !strings.Contains(letter.TextBody, "  - STCK_ID\n") ||
			!strings.Contains(letter.TextBody, "informed the privacy team of ESOMUS") || strings.Contains(letter.TextBody, "cookie banner") ||
			!strings.Contains(letter.TextBody, "Mon compte") {
			t.Fatalf("confirmation letter %+v", letter)
		}

		// The way for another device: a request for consent withdrawal, the right pre-ticked.
		expect(t, c.Get("/requests/new?site=esomus&kind=consent_withdrawal"), 200,
			`id="kind-consent_withdrawal" value="consent_withdrawal" checked`)

		// Without an address: no letter, the withdrawal still counts. "All" covers every category.
		page = c.Get("/sites/esomus/consent")
		expect(t, c.Post("/sites/esomus/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "all": {"1"}}), http.StatusSeeOther)
		expect(t, c.Get("/sites/esomus/consent/done"), 200, "Note the receipt")
	})
}

// A portal outside the site's domain cannot touch the site's cookies: it expires none and the
// receipt says so, with how to remove them and the providers' opt-out pages. A site with a
// webhook and a banner gets "being delivered" and the banner; once the site acknowledges the
// call, the receipt says the site has been told.
func TestConsentReceiptSaysOnlyWhatHappened(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		c := english(p.Client(t)) // the portal at 127.0.0.1, not on www.itsme-id.com
		c.SetCookie("__zlcmid", "zl-77")
		site, err := p.Store.SiteBySlug(ctx, "itsme")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Store.SetWebhook(ctx, site.ID, "https://hooks.itsme.example/consent"); err != nil {
			t.Fatal(err)
		}
		page := c.Get("/sites/itsme/consent")
		res := c.Post("/sites/itsme/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "all": {"1"}})
		expect(t, res, http.StatusSeeOther)
		for _, h := range res.Header.Values("Set-Cookie") {
			if name, _, _ := strings.Cut(h, "="); name != "rightsdesk_visitor" && name != "rightsdesk_session" {
				t.Errorf("the portal outside the site's domain sets %s", h)
			}
		}
		if !jarHas(c, p.URL, "__zlcmid") {
			t.Error("the cookie was removed")
		}
		done := c.Get("/sites/itsme/consent/done")
		expect(t, done, 200, `id="nothing-removed"`, "The portal could not remove any of these cookies from this browser",
			`id="opt-outs"`, "zopim.com", "is telling itsme", `id="delivery"`, "being delivered",
			"You may give your consent again at any time in the site&#39;s cookie banner.")
		for _, never := range []string{`id="cleared"`, "were removed", "informed the privacy team", "has been told of your withdrawal"} {
			if strings.Contains(done.Body, never) {
				t.Errorf("the receipt says %q, which did not happen", never)
			}
		}

		// The site acknowledges the call: the receipt says it has been told, and when.
		receipt := regexp.MustCompile(`CW-[0-9A-Z]{4}-[0-9A-Z]{4}`).FindString(done.Body)
		w, err := p.Store.WithdrawalByReceipt(ctx, site.ID, receipt)
		if err != nil {
			t.Fatalf("receipt %q: %v", receipt, err)
		}
		// While the call is pending the site is being told: the privacy team has no notice.
		if n, err := p.Store.CountWithdrawalNotices(ctx, []int64{site.ControllerID}); err != nil || n != 0 {
			t.Errorf("notices while the call is pending: %d, %v", n, err)
		}
		d, err := p.Store.WebhookDeliveryOf(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Store.NoteWebhookAttempt(ctx, d.ID, 1, 204, "", true, false, time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		expect(t, c.Get("/sites/itsme/consent/done"), 200, "itsme has been told of your withdrawal", "delivered on 2 March 2026")
		if got, _ := p.Store.WithdrawalByReceipt(ctx, site.ID, receipt); got.HandledAt == nil || got.HandledBy != nil {
			t.Errorf("an acknowledged withdrawal is not marked handled by the site: %+v", got)
		}
		// Nothing waits for the privacy team: the site was told.
		n, err := p.Store.CountWithdrawalNotices(ctx, []int64{site.ControllerID})
		if err != nil || n != 0 {
			t.Errorf("notices %d, %v", n, err)
		}
	})
}

// Bad choices and addresses are refused on the same page with what was chosen and typed kept, and
// nothing is recorded or expired.
func TestConsentWithdrawalRefusesBadInput(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.Client(t))
		c.SetCookie("STCK_ID", "stck-1")
		page := c.Get("/sites/esomus/consent")
		csrf := testapp.CSRF(t, page.Body)
		for _, tc := range []struct {
			form url.Values
			want []string
		}{
			{url.Values{}, []string{"Choose at least one category"}},
			{url.Values{"categories": {"necessary"}}, []string{"need no consent"}},
			{url.Values{"categories": {"<script>alert(1)</script>"}}, []string{"Choose among the categories listed"}},
			{url.Values{"categories": {"analytics"}, "email": {"<script>@x"}}, []string{"&lt;script&gt;@x", `id="category-analytics" value="analytics" checked`}},
			{url.Values{"categories": {"analytics"}, "email": {"a@example.org\r\nBcc: victim@example.org"}}, []string{"single line"}},
			{url.Values{"categories": {"analytics"}, "email": {"bad\xff@example.org"}}, []string{"invalid UTF-8"}},
		} {
			tc.form.Set("_csrf", csrf)
			res := c.Post("/sites/esomus/consent", tc.form)
			expect(t, res, http.StatusUnprocessableEntity, append(tc.want, "Your withdrawal was not recorded")...)
			if strings.Contains(res.Body, "<script>alert") {
				t.Error("a script was echoed unescaped")
			}
			for _, h := range res.Header.Values("Set-Cookie") {
				if strings.HasPrefix(h, "STCK_ID=") {
					t.Errorf("a refused withdrawal expired a cookie: %s", h)
				}
			}
		}
		res := c.Post("/sites/esomus/consent", url.Values{"categories": {"analytics"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("no CSRF token: %d", res.StatusCode)
		}
		expect(t, c.Post("/sites/nope/consent", url.Values{"_csrf": {csrf}, "all": {"1"}}), http.StatusNotFound)
		if ws := withdrawals(t, p, "esomus", "", "stck-1"); len(ws) != 0 {
			t.Errorf("refused posts recorded %+v", ws)
		}
	})
}

func apiGet(t *testing.T, p *testapp.Portal, path, key string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.URL+path, nil)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %v", path, res.StatusCode, err)
	}
	return res.StatusCode, res.Header, body
}

// A site reads withdrawals through the API with its own key; another site's key, a revoked key,
// no key or a forged one open nothing, and each key has its own rate limit.
func TestConsentAPIKeysAreIsolatedAndRateLimited(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			p := testapp.Start(t, testapp.Options{Dialect: d, Config: appConfigWithAPILimit(5)})
			ctx := context.Background()
			c := english(p.Client(t))
			c.SetCookie("STCK_ID", "stck-api")
			page := c.Get("/sites/esomus/consent")
			expect(t, c.Post("/sites/esomus/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "categories": {"analytics"}}), http.StatusSeeOther)

			esomus, _ := p.Store.SiteBySlug(ctx, "esomus")
			itsme, _ := p.Store.SiteBySlug(ctx, "itsme")
			keyE, _, err := p.Store.CreateSiteAPIKey(ctx, esomus.ID, "ESOMUS back end", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			keyI, _, _ := p.Store.CreateSiteAPIKey(ctx, itsme.ID, "itsme back end", time.Now())
			revoked, k, _ := p.Store.CreateSiteAPIKey(ctx, esomus.ID, "old", time.Now())
			if err := p.Store.RevokeSiteAPIKey(ctx, esomus.ID, k.ID, time.Now()); err != nil {
				t.Fatal(err)
			}

			status, hdr, body := apiGet(t, p, "/api/v1/sites/esomus/consent?identifier=stck-api&cookie=STCK_ID", keyE)
			if status != 200 || hdr.Get("Cache-Control") != "no-store" || body["site"] != "esomus" {
				t.Fatalf("answer %d %v", status, body)
			}
			withdrawn, _ := body["withdrawn"].(map[string]any)
			list, _ := body["withdrawals"].([]any)
			if _, ok := withdrawn["analytics"]; !ok || len(withdrawn) != 1 || len(list) != 1 {
				t.Errorf("withdrawn %v, withdrawals %v", withdrawn, list)
			}
			ev, _ := list[0].(map[string]any)
			ids, _ := ev["identifiers"].([]any)
			if !strings.HasPrefix(ev["receipt"].(string), "CW-") || len(ids) != 1 || ids[0].(map[string]any)["provenance"] != "browser" {
				t.Errorf("withdrawal %v", ev)
			}
			if _, _, body := apiGet(t, p, "/api/v1/sites/esomus/consent?identifier=someone-else", keyE); len(body["withdrawn"].(map[string]any)) != 0 {
				t.Errorf("an unknown identifier has withdrawals: %v", body)
			}

			for _, tc := range []struct {
				path, key string
				status    int
				code      string
			}{
				{"/api/v1/sites/esomus/consent?identifier=stck-api", keyI, 403, "forbidden"},
				{"/api/v1/sites/itsme/consent?identifier=stck-api", keyE, 403, "forbidden"},
				{"/api/v1/sites/nope/consent?identifier=stck-api", keyE, 403, "forbidden"},
				{"/api/v1/sites/esomus/consent?identifier=stck-api", "", 401, "unauthorized"},
				{"/api/v1/sites/esomus/consent?identifier=stck-api", revoked, 401, "unauthorized"},
				{"/api/v1/sites/esomus/consent?identifier=stck-api", keyE + "x", 401, "unauthorized"},
				{"/api/v1/sites/esomus/consent?identifier=stck-api", "rdk_forged_" + strings.Repeat("a", 52), 401, "unauthorized"},
				{"/api/v1/sites/esomus/consent", keyE, 400, "bad_request"},
				{"/api/v1/sites/esomus/consent?identifier=%00", keyE, 400, "bad_request"},
				{"/api/v1/sites/esomus/consent?identifier=" + strings.Repeat("x", 300), keyE, 400, "bad_request"},
			} {
				status, _, body := apiGet(t, p, tc.path, tc.key)
				if status != tc.status || body["error"] != tc.code {
					t.Errorf("%s with key %.12q: %d %v, want %d %s", tc.path, tc.key, status, body, tc.status, tc.code)
				}
				if tc.status == 403 && body["withdrawals"] != nil {
					t.Error("a refused key read withdrawals")
				}
			}

			// ESOMUS's key runs out; itsme's is untouched.
			limited := false
			for range 20 {
				if status, hdr, _ := apiGet(t, p, "/api/v1/sites/esomus/consent?identifier=stck-api", keyE); status == 429 {
					limited = hdr.Get("Retry-After") != ""
					break
				}
			}
			if !limited {
				t.Error("20 calls in a row were never limited")
			}
			if status, _, _ := apiGet(t, p, "/api/v1/sites/itsme/consent?identifier=x", keyI); status != 200 {
				t.Errorf("itsme's key was limited by ESOMUS's calls: %d", status)
			}
			if ks, _ := p.Store.SiteAPIKeys(ctx, esomus.ID); ks[len(ks)-1].LastUsedAt == nil && ks[0].LastUsedAt == nil {
				t.Error("the key's use was not recorded")
			}
		})
	}
}

// appConfigWithAPILimit gives each API key a burst of n calls, refilled at one a second.
func appConfigWithAPILimit(n int) app.Config {
	return app.Config{Handlers: handlers.Config{APIRate: 1, APIBurst: n}}
}

// itsme's identifying cookie is set by its chat provider, so the portal can never read it from the
// browser: the site vouches for it in a signed link, and the withdrawal is recorded against it as
// signed. A tampered link is refused and gives no identifier.
func TestConsentWithdrawalWithASignedLink(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		itsme, _ := p.Store.SiteBySlug(ctx, "itsme")
		sec, err := p.Store.CreateSiteSecret(ctx, itsme.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		tok, err := sitetoken.Sign(sec.KeyID, []byte(sec.Secret), sitetoken.Claims{Site: "itsme",
			IDs: []sitetoken.ID{{Cookie: "__zlcmid", Value: "zlc-4411"}}, IssuedAt: now.Unix(), Expires: now.Add(15 * time.Minute).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		c := english(p.Client(t))
		tampered := c.Get("/sites/itsme/consent?t=" + url.QueryEscape(tok[:len(tok)-2]+"AA"))
		expect(t, tampered, 200, "This browser sends none of the site", `class="notice"`)
		if strings.Contains(tampered.Body, "zlc-4411") {
			t.Error("a tampered link's identifier is shown")
		}
		page := c.Get("/sites/itsme/consent?t=" + url.QueryEscape(tok))
		expect(t, page, 200, "__zlcmid", "zlc-4411", "vouched for by", `id="category-preference"`, `id="category-functional"`)
		expect(t, c.Post("/sites/itsme/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "t": {tok},
			"categories": {"functional"}}), http.StatusSeeOther)
		done := c.Get("/sites/itsme/consent/done")
		expect(t, done, 200, "zlc-4411", "zopim.com", "facebook.net")
		ws := withdrawals(t, p, "itsme", "__zlcmid", "zlc-4411")
		if len(ws) != 1 || len(ws[0].Identifiers) != 1 || ws[0].Identifiers[0].Provenance != "signed" || ws[0].Categories != "functional" {
			t.Fatalf("recorded %+v", ws)
		}
		// A post carrying a forged link records nothing.
		page = c.Get("/sites/itsme/consent")
		expect(t, c.Post("/sites/itsme/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "t": {tok + "x"},
			"categories": {"functional"}}), http.StatusUnprocessableEntity)
		if ws := withdrawals(t, p, "itsme", "", "zlc-4411"); len(ws) != 1 {
			t.Errorf("the forged post recorded a withdrawal: %d", len(ws))
		}
	})
}
