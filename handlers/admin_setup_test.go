package handlers_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/password"
)

// account creates an account with no organisation (or the given controllers) and logs it in.
func account(t *testing.T, p *testapp.Portal, email, name, role string, controllers ...int64) *testapp.Client {
	t.Helper()
	hash, _ := password.Hash("setup-password-1234")
	u := models.User{Email: email, Name: name, Role: role, PasswordHash: hash, Active: true}
	if err := p.Store.CreateUser(context.Background(), &u, controllers); err != nil {
		t.Fatal(err)
	}
	return loggedIn(t, p, email, "setup-password-1234")
}

func countControllers(t *testing.T, p *testapp.Portal) int {
	t.Helper()
	cs, err := p.Store.Controllers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return len(cs)
}

// TestFirstRunIsNeverANotFound: on a fresh install an admin is shown how to set up the first
// organisation, and staff or managers without one whom to ask, wherever they land.
func TestFirstRunIsNeverANotFound(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			p := testapp.Start(t, testapp.Options{Dialect: d, Empty: true})
			visitor := english(p.Client(t))
			expect(t, visitor.Get("/"), 200, "No organisation is registered yet")

			admin := p.Client(t)
			res := admin.Login("first.admin@acme.example", "wrong")
			expect(t, res, http.StatusUnauthorized)
			admin = account(t, p, "first.admin@acme.example", "Alex Admin", models.RoleAdmin)
			staff := account(t, p, "sam@acme.example", "Sam Staff", models.RoleStaff)
			manager := account(t, p, "mia@acme.example", "Mia Manager", models.RoleManager)

			for _, path := range []string{"/staff", "/staff/cases", "/manager/dashboard", "/admin/letters", "/admin/letters/acknowledgement"} {
				res := admin.Get(path)
				expect(t, res, 200, "Set up your first organisation", `href="/admin/controllers/new"`, "Import its cookie catalogue")
				if strings.Contains(res.Body, "may have expired") || strings.Contains(res.Body, "Not found") {
					t.Errorf("%s says not found", path)
				}
			}
			expect(t, admin.Get("/admin/controllers"), 200, "No organisation yet", "Add an organisation")
			expect(t, admin.Get("/admin/users"), 200, "No organisation yet: <a href=\"/admin/controllers/new\">add yours</a>")
			expect(t, admin.Get("/admin/sites"), 200, "No organisation yet")
			res = admin.Get("/admin/sites/new")
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/controllers/new" {
				t.Errorf("a site before any organisation: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			for _, c := range []*testapp.Client{staff, manager} {
				for _, path := range []string{"/staff/cases", "/manager/dashboard"} {
					res := c.Get(path)
					if res.StatusCode == http.StatusForbidden { // staff are not managers
						continue
					}
					expect(t, res, 200, "You are not assigned to an organisation yet", "Alex Admin", "mailto:first.admin@acme.example")
					if strings.Contains(res.Body, "may have expired") || strings.Contains(res.Body, "Set up your first") {
						t.Errorf("%s shows the wrong page", path)
					}
				}
			}
			expect(t, staff.Get("/manager/dashboard"), http.StatusForbidden)

			// Once there is an organisation, the admin's queue is the queue again.
			csrf := testapp.CSRF(t, admin.Get("/admin/controllers/new").Body)
			expect(t, admin.Post("/admin/controllers", controllerFields(csrf)), http.StatusSeeOther)
			expect(t, admin.Get("/staff/cases"), 200, "0 cases")
			expect(t, staff.Get("/staff/cases"), 200, "You are not assigned")
		})
	}
}

func controllerFields(csrf string, kv ...string) url.Values {
	v := url.Values{"_csrf": {csrf}, "name": {"Acme SA"}, "slug": {"acme"}, "address": {"Rue de la Loi 16\r\n1000 Bruxelles"},
		"company_number": {"BE0123.456.789"}, "contact_email": {"privacy@acme.example"}, "phone": {""}, "country": {"BE"},
		"time_zone": {"Europe/Brussels"}, "default_language": {"nl"}, "privacy_url": {"https://acme.example/privacy"},
		"contact_url": {""}, "internal_target_days": {"15"}, "transparency": {"yes"}, "keep_answered_days": {"1095"},
		"keep_unconfirmed_days": {"30"}, "keep_record_years": {"10"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func siteFields(csrf string, kv ...string) url.Values {
	v := url.Values{"_csrf": {csrf}, "controller": {"esomus"}, "name": {"ESOMUS Shop"}, "slug": {"esomus-shop"},
		"domains": {"shop.esomus.com\r\nwww.shop.esomus.com"}, "languages": {"fr", "nl"}, "policy_language": {""},
		"policy_url": {"https://shop.esomus.com/cookies"}, "policy_version": {"2025-06-01"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestOrganisationFormsRefuseBadInput: every bad value is refused on the same page with the
// reason beside the field and what was typed kept, and nothing is written.
func TestOrganisationFormsRefuseBadInput(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := testapp.CSRF(t, admin.Get("/admin/controllers/new").Body)
		before := countControllers(t, p)
		for _, tc := range []struct {
			kv   []string
			want []string
		}{
			{[]string{"name", ""}, []string{"Give the organisation&#39;s legal name"}},
			{[]string{"name", "<script>alert(1)</script>", "slug", ""}, []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Give a short name"}},
			{[]string{"slug", "esomus"}, []string{"Another organisation has this short name"}},
			{[]string{"slug", "Acme Inc"}, []string{"Use lower-case letters", `value="Acme Inc"`}},
			{[]string{"country", "XX"}, []string{"&#34;XX&#34; is not an EU or EEA country code"}},
			{[]string{"country", "LI"}, []string{"no public-holiday calendar for Liechtenstein"}},
			{[]string{"time_zone", "Mars/Olympus"}, []string{"is not an IANA time zone name", `value="Mars/Olympus"`}},
			{[]string{"default_language", "es"}, []string{"Choose French"}},
			{[]string{"contact_email", "a@b.be,c@d.be"}, []string{"Type the address only"}},
			{[]string{"contact_email", "<script>@x"}, []string{"Type the address only"}},
			{[]string{"contact_email", "privacy@acme.example\r\nBcc: all@evil.example"}, []string{"single line"}},
			{[]string{"name", "Acme\xff"}, []string{"invalid UTF-8"}},
			{[]string{"address", "Rue\x00 1"}, []string{"A line of the address"}},
			{[]string{"privacy_url", "javascript:alert(1)"}, []string{"Give an absolute address"}},
			{[]string{"internal_target_days", "31"}, []string{"from 1 to 27"}},
			{[]string{"internal_target_days", "abc"}, []string{"from 1 to 27"}},
		} {
			res := admin.Post("/admin/controllers", controllerFields(csrf, tc.kv...))
			expect(t, res, http.StatusUnprocessableEntity, append(tc.want, "Nothing was saved", `class="error-summary"`)...)
		}
		if n := countControllers(t, p); n != before {
			t.Fatalf("refused forms added controllers: %d, was %d", n, before)
		}
		noToken := controllerFields("")
		noToken.Del("_csrf")
		expect(t, admin.Post("/admin/controllers", noToken), http.StatusForbidden)
		expect(t, admin.Post("/admin/controllers", controllerFields(csrf, "address", strings.Repeat("x", 70<<10))), http.StatusRequestEntityTooLarge)
		staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		for _, path := range []string{"/admin/controllers", "/admin/controllers/new", "/admin/controllers/esomus", "/admin/sites/new", "/admin/sites/esomus"} {
			expect(t, staff.Get(path), http.StatusForbidden)
		}
		expect(t, staff.Post("/admin/controllers", controllerFields(csrfOf(t, staff))), http.StatusForbidden)
		expect(t, staff.Post("/admin/sites/esomus/retire", url.Values{"_csrf": {csrfOf(t, staff)}}), http.StatusForbidden)
		expect(t, p.Client(t).Get("/admin/controllers"), http.StatusSeeOther)
		if n := countControllers(t, p); n != before {
			t.Fatalf("refused requests added controllers")
		}

		res := admin.Post("/admin/controllers", controllerFields(csrf))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/controllers/acme" {
			t.Fatalf("add: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		expect(t, admin.Get("/admin/controllers/acme"), 200, "Added Acme SA", "Rue de la Loi 16\n1000 Bruxelles", "Add a site", `value="15"`)
		expect(t, admin.Get("/admin/controllers"), 200, "Acme SA", "Add its first site")

		// Editing: refused values change nothing; the slug never changes.
		esomus, _ := p.Store.ControllerBySlug(ctx, "esomus")
		expect(t, admin.Post("/admin/controllers/esomus", controllerFields(csrf, "name", "ESOMUS", "country", "US")), http.StatusUnprocessableEntity, "not an EU or EEA")
		if after, _ := p.Store.ControllerBySlug(ctx, "esomus"); after.Country != esomus.Country || after.Name != esomus.Name {
			t.Errorf("a refused edit changed the controller: %+v", after)
		}
		if esomus.IdentityPause {
			t.Error("identity questions pause the clock by default")
		}
		expect(t, admin.Post("/admin/controllers/esomus", controllerFields(csrf, "name", "ESOMUS SRL", "slug", "hijack", "country", "FR", "transparency", "", "identity_pause", "yes")), http.StatusSeeOther)
		after, err := p.Store.ControllerBySlug(ctx, "esomus")
		if err != nil || after.Name != "ESOMUS SRL" || after.Country != "FR" || after.LeadAuthority != "FR" || !after.TransparencyOff || after.ID != esomus.ID ||
			!after.IdentityPause {
			t.Errorf("edited controller: %+v %v", after, err)
		}
		expect(t, admin.Get("/admin/controllers/nope"), http.StatusNotFound)
		expect(t, admin.Post("/admin/controllers/nope", controllerFields(csrf)), http.StatusNotFound)

		// Sites.
		esomusSite, _ := p.Store.SiteBySlug(ctx, "esomus")
		for _, tc := range []struct {
			kv   []string
			want string
		}{
			{[]string{"controller", "nope"}, "Choose one of the organisations listed"},
			{[]string{"name", ""}, "Give the site&#39;s name"},
			{[]string{"slug", "esomus"}, "Another site has this short name"},
			{[]string{"slug", "new"}, "names a page of the portal"},
			{[]string{"domains", "https://shop.esomus.com/page"}, "is not a domain"},
			{[]string{"domains", ""}, "Give the site&#39;s domain"},
			{[]string{"languages", ""}, "Choose among"},
			{[]string{"policy_language", "de"}, "one of the site&#39;s languages"},
			{[]string{"policy_version", "1 octobre 2024"}, "YYYY-MM-DD"},
			{[]string{"policy_url", "data:text/html,alert(1)"}, "Give an absolute address"},
		} {
			expect(t, admin.Post("/admin/sites", siteFields(csrf, tc.kv...)), http.StatusUnprocessableEntity, tc.want, "Nothing was saved")
		}
		if _, err := p.Store.SiteBySlug(ctx, "esomus-shop"); err == nil {
			t.Fatal("a refused site was added")
		}
		res = admin.Post("/admin/sites", siteFields(csrf))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/sites/esomus-shop" {
			t.Fatalf("add site: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, admin.Get("/admin/sites/esomus-shop"), 200, "Added the site ESOMUS Shop", "/admin/sites/esomus-shop/cookies/import",
			"/admin/sites/esomus-shop/cookies", "0 cookies", "shop.esomus.com\nwww.shop.esomus.com", `value="2025-06-01"`)
		expect(t, admin.Post("/admin/sites/esomus-shop", siteFields(csrf, "domains", "not a domain!")), http.StatusUnprocessableEntity, "is not a domain", "not a domain!")
		expect(t, admin.Post("/admin/sites/esomus-shop", siteFields(csrf, "name", "ESOMUS Boutique", "slug", "other", "controller", "itsme", "policy_version", "")), http.StatusSeeOther)
		shop, err := p.Store.SiteBySlug(ctx, "esomus-shop")
		if err != nil || shop.Name != "ESOMUS Boutique" || shop.ControllerID != esomusSite.ControllerID || !shop.PolicyVersion.IsZero() || shop.Languages != "fr,nl" {
			t.Errorf("edited site: %+v %v", shop, err)
		}
		expect(t, admin.Get("/admin/sites"), 200, "ESOMUS Boutique", "/admin/sites/esomus-shop", "Add a site to Acme SA")
	})
}

// TestRetentionSettingsOnTheControllerPage: admins set how long requesters' personal data is
// kept on the organisation's page; a bad value is refused beside its field with what was typed
// kept, and changes nothing, not even the fields typed right beside it.
func TestRetentionSettingsOnTheControllerPage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		page := admin.Get("/admin/controllers/esomus")
		expect(t, page, 200, "How long requesters' personal data is kept", `name="keep_answered_days"`, `value="1095"`,
			`name="keep_unconfirmed_days"`, `value="30"`, `href="/privacy/esomus"`)
		expect(t, admin.Get("/admin/controllers/new"), 200, `id="keep_answered_days" name="keep_answered_days" maxlength="4" value="1095"`,
			`id="keep_unconfirmed_days" name="keep_unconfirmed_days" maxlength="3" value="30"`)
		csrf := testapp.CSRF(t, page.Body)
		before, _ := p.Store.ControllerBySlug(ctx, "esomus")
		if before.KeepAnsweredDays != 1095 || before.KeepUnconfirmedDays != 30 {
			t.Fatalf("the defaults: %d, %d", before.KeepAnsweredDays, before.KeepUnconfirmedDays)
		}
		edit := func(kv ...string) url.Values {
			return controllerFields(csrf, append([]string{"name", before.Name, "country", before.Country, "default_language", before.DefaultLanguage,
				"internal_target_days", "12"}, kv...)...)
		}
		for _, tc := range []struct {
			kv   []string
			want []string
		}{
			{[]string{"keep_answered_days", ""}, []string{"Give how many days the personal data of a closed case is kept: a whole number from 30 to 3653"}},
			{[]string{"keep_answered_days", "29"}, []string{"&#34;29&#34; is not a whole number from 30 to 3653", `value="29"`}},
			{[]string{"keep_answered_days", "3654"}, []string{"from 30 to 3653", `value="3654"`}},
			{[]string{"keep_answered_days", "three years"}, []string{"&#34;three years&#34; is not a whole number", `value="three years"`}},
			{[]string{"keep_answered_days", "99999999999999999999999999"}, []string{"from 30 to 3653", `value="99999999999999999999999999"`}},
			{[]string{"keep_answered_days", "<script>alert(1)</script>"}, []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "from 30 to 3653"}},
			{[]string{"keep_answered_days", "10\x00"}, []string{"from 30 to 3653"}},
			{[]string{"keep_unconfirmed_days", ""}, []string{"an unconfirmed request is kept once it expired: a whole number from 1 to 365"}},
			{[]string{"keep_unconfirmed_days", "0"}, []string{"from 1 to 365", `value="0"`}},
			{[]string{"keep_unconfirmed_days", "366"}, []string{"from 1 to 365"}},
			{[]string{"keep_unconfirmed_days", "-1"}, []string{"from 1 to 365"}},
			{[]string{"keep_answered_days", "1", "keep_unconfirmed_days", "1000"}, []string{"from 30 to 3653", "from 1 to 365",
				`href="#keep_answered_days"`, `href="#keep_unconfirmed_days"`}},
			{[]string{"keep_record_years", ""}, []string{"a whole number from 0 to 100 (0 keeps it for good)"}},
			{[]string{"keep_record_years", "3"}, []string{"Keep the record longer than the personal data (1095 days): more than 3 years", `value="3"`}},
			{[]string{"keep_record_years", "1e3"}, []string{"&#34;1e3&#34; is not a whole number from 0 to 100"}},
		} {
			res := admin.Post("/admin/controllers/esomus", edit(tc.kv...))
			expect(t, res, http.StatusUnprocessableEntity, append(tc.want, "Nothing was saved", `class="error-summary"`, `value="12"`)...)
		}
		if after, _ := p.Store.ControllerBySlug(ctx, "esomus"); after.KeepAnsweredDays != 1095 || after.KeepUnconfirmedDays != 30 ||
			after.InternalTargetDays != before.InternalTargetDays {
			t.Fatalf("a refused edit changed the controller: %+v", after)
		}
		expect(t, admin.Post("/admin/controllers/esomus", url.Values{"keep_answered_days": {"30"}}), http.StatusForbidden) // no CSRF token
		staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		expect(t, staff.Post("/admin/controllers/esomus", edit("keep_answered_days", "30")), http.StatusForbidden)
		if after, _ := p.Store.ControllerBySlug(ctx, "esomus"); after.KeepAnsweredDays != 1095 {
			t.Fatalf("a refused request changed the controller: %+v", after)
		}

		expect(t, admin.Post("/admin/controllers/esomus", edit("keep_answered_days", " 1825 ", "keep_unconfirmed_days", "7", "keep_record_years", "0")), http.StatusSeeOther)
		after, _ := p.Store.ControllerBySlug(ctx, "esomus")
		if after.KeepAnsweredDays != 1825 || after.KeepUnconfirmedDays != 7 || after.InternalTargetDays != 12 || after.RecordYears() != 0 {
			t.Fatalf("saved: %+v", after)
		}
		expect(t, admin.Get("/admin/controllers/esomus"), 200, `value="1825"`, `value="7"`, `id="keep_record_years" name="keep_record_years" maxlength="3" value="0"`)
		// Another controller keeps its own.
		if itsme, _ := p.Store.ControllerBySlug(ctx, "belgian-mobile-id"); itsme.KeepAnsweredDays != 1095 || itsme.KeepUnconfirmedDays != 30 {
			t.Errorf("another controller changed: %+v", itsme)
		}
	})
}

// TestRetiredSiteLeavesThePublicPages: a retired site takes no new request and no consent
// withdrawal, with a page that says so and whom to write to; its cases go on.
func TestRetiredSiteLeavesThePublicPages(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ref, statusToken := fileVerified(t, p, "esomus", "alice@example.org", "u-1")
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := csrfOf(t, admin)
		expect(t, admin.Post("/admin/sites/esomus/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		expect(t, admin.Get("/admin/sites/esomus"), 200, "Retired: the site is off the public pages", "Restore the site")

		visitor := english(p.Client(t))
		home := visitor.Get("/")
		expect(t, home, 200, "Belgian Mobile ID SA/NV")
		if strings.Contains(home.Body, "/sites/esomus/cookies") {
			t.Error("the start page still lists the retired site")
		}
		vcsrf := testapp.CSRF(t, visitor.Get("/requests/new?site=itsme").Body)
		before := countCases(t, p)
		for _, res := range []testapp.Response{
			visitor.Get("/sites/esomus/cookies"), visitor.Get("/requests/new?site=esomus"), visitor.Get("/sites/esomus/consent"),
			visitor.Post("/requests", filing(vcsrf)),
			visitor.Post("/sites/esomus/consent", url.Values{"_csrf": {vcsrf}, "all": {"1"}}),
		} {
			expect(t, res, http.StatusGone, "This site no longer takes requests here", "write to ESOMUS at info@esomus.com")
		}
		if countCases(t, p) != before {
			t.Error("a request was filed on a retired site")
		}
		french := p.Client(t)
		expect(t, french.Get("/sites/esomus/cookies"), http.StatusGone, "Ce site ne reçoit plus de demandes ici")
		// The case filed before goes on: its status page and the queue.
		expect(t, visitor.Get("/r/"+statusToken), 200, ref)
		expect(t, admin.Get("/staff/cases"), 200, ref)

		expect(t, admin.Post("/admin/sites/esomus/restore", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		expect(t, visitor.Get("/sites/esomus/cookies"), 200, "STCK_ID")
		expect(t, visitor.Get("/"), 200, "/sites/esomus/cookies")
	})
}

func pngLogo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{0x0b, 0x4f, 0x8a, 0xff})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func postLogo(t *testing.T, c *testapp.Client, base, path, csrf, name string, data []byte) testapp.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", csrf)
	if data != nil {
		fw, _ := w.CreateFormFile("logo", name)
		_, _ = fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

// TestLogo: only a decoded raster image is taken; it is served with safe headers and shown on the
// controller's public pages.
func TestLogo(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := csrfOf(t, admin)
		const path = "/admin/controllers/esomus/logo"
		expect(t, p.Client(t).Get("/brand/esomus/logo"), http.StatusNotFound)
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
		for _, tc := range []struct {
			name string
			data []byte
			want string
		}{
			{"logo.svg", svg, "SVG images are not taken"},
			{"logo.png", []byte("<html><script>alert(1)</script></html>"), "not a PNG, JPEG or WebP"},
			{"logo.png", append([]byte("\x89PNG\r\n\x1a\n"), []byte("garbage")...), "not a readable png"},
			{"logo.png", append(pngLogo(t, 10, 10), make([]byte, 300<<10)...), "a logo may be at most 256 KiB"},
			{"logo.png", nil, "Choose an image file"},
		} {
			expect(t, postLogo(t, admin, p.URL, path, csrf, tc.name, tc.data), http.StatusUnprocessableEntity, tc.want, `aria-invalid="true"`)
		}
		expect(t, postLogo(t, admin, p.URL, path, csrf, "huge.png", make([]byte, 2<<20)), http.StatusRequestEntityTooLarge)
		staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		expect(t, postLogo(t, staff, p.URL, path, csrfOf(t, staff), "logo.png", pngLogo(t, 120, 40)), http.StatusForbidden)
		expect(t, postLogo(t, admin, p.URL, path, "", "logo.png", pngLogo(t, 120, 40)), http.StatusForbidden)
		expect(t, p.Client(t).Get("/brand/esomus/logo"), http.StatusNotFound)

		logo := pngLogo(t, 120, 40)
		expect(t, postLogo(t, admin, p.URL, path, csrf, "logo.png", logo), http.StatusSeeOther)
		visitor := p.Client(t)
		res := visitor.Get("/brand/esomus/logo")
		expect(t, res, 200)
		h := res.Header
		if res.Body != string(logo) || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Security-Policy") != "default-src 'none'; sandbox" || len(h.Get("ETag")) != 66 {
			t.Errorf("logo headers: %v", h)
		}
		req, _ := http.NewRequest(http.MethodGet, p.URL+"/brand/esomus/logo", nil)
		req.Header.Set("If-None-Match", h.Get("ETag"))
		expect(t, visitor.Do(req), http.StatusNotModified)
		expect(t, visitor.Get("/brand/nope/logo"), http.StatusNotFound)
		// Its public pages show it with its name; another controller's do not.
		_, statusToken := fileVerified(t, p, "esomus", "lea@example.org", "")
		for _, page := range []string{"/sites/esomus/cookies", "/requests/new?site=esomus", "/sites/esomus/consent", "/r/" + statusToken} {
			expect(t, visitor.Get(page), 200, `class="org-brand"`, `<img src="/brand/esomus/logo?v=`, `<span class="org-name">ESOMUS</span>`)
		}
		if strings.Contains(visitor.Get("/sites/itsme/cookies").Body, "/brand/esomus/logo") {
			t.Error("itsme's page shows ESOMUS's logo")
		}
		expect(t, visitor.Get("/sites/itsme/cookies"), 200, `<span class="org-name">Belgian Mobile ID SA/NV</span>`)

		expect(t, admin.Post("/admin/controllers/esomus/logo/remove", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		expect(t, visitor.Get("/brand/esomus/logo"), http.StatusNotFound)
		if strings.Contains(visitor.Get("/sites/esomus/cookies").Body, "<img") {
			t.Error("the removed logo is still shown")
		}
	})
}

// TestSiteLanguagesChooseThePagesDefault: a visitor who asks for none of the four languages sees a
// site's pages in the controller's language when the site is published in it, else in the site's.
func TestSiteLanguagesChooseThePagesDefault(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	ctx := context.Background()
	visitor := p.Client(t) // no language cookie, no Accept-Language
	expect(t, visitor.Get("/sites/esomus/cookies"), 200, `<html lang="fr"`)
	site, _ := p.Store.SiteBySlug(ctx, "esomus")
	site.Languages = "nl,de"
	if err := p.Store.UpdateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	expect(t, visitor.Get("/sites/esomus/cookies"), 200, `<html lang="nl"`)
	expect(t, visitor.Get("/requests/new?site=esomus"), 200, `<html lang="nl"`)
	chosen := p.Client(t)
	chosen.SetCookie("rightsdesk_lang", "en")
	expect(t, chosen.Get("/sites/esomus/cookies"), 200, `<html lang="en"`)
}

// TestPolicyVersionInThePagesLanguage: the policy's date is a date, written in the page's language.
func TestPolicyVersionInThePagesLanguage(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	for lang, want := range map[string]string{"en": "version of 1 October 2024", "fr": "version du 1er octobre 2024",
		"nl": "versie van 1 oktober 2024", "de": "Fassung vom 1. Oktober 2024"} {
		c := p.Client(t)
		c.SetCookie("rightsdesk_lang", lang)
		expect(t, c.Get("/sites/esomus/cookies"), 200, want)
	}
}
