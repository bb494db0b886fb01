package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/lifetime"
	"rightsdesk/locale"
	"rightsdesk/models"
	"rightsdesk/views"
)

// catalogueState is the fingerprint of a site's whole catalogue, to tell that nothing changed.
func catalogueState(t *testing.T, p *testapp.Portal, slug string) string {
	t.Helper()
	s, err := p.Store.SiteBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	all, err := p.Store.AllCookies(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	return models.CatalogueFingerprint(all)
}

func cookieNamed(t *testing.T, p *testapp.Portal, slug, name string) models.Cookie {
	t.Helper()
	s, _ := p.Store.SiteBySlug(context.Background(), slug)
	all, _ := p.Store.AllCookies(context.Background(), s.ID)
	for _, c := range all {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no cookie %q on %s", name, slug)
	return models.Cookie{}
}

// postMultipart sends fields (and a file when fileBody is not nil) as a browser's
// multipart/form-data form.
func postMultipart(t *testing.T, c *testapp.Client, base, path string, fields url.Values, fileBody []byte) testapp.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if fileBody != nil {
		fw, _ := w.CreateFormFile("file", "catalogue.csv")
		_, _ = fw.Write(fileBody)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

func cookieFields(csrf string, kv ...string) url.Values {
	v := url.Values{"_csrf": {csrf}, "name": {"_ga"}, "provider": {"google.com"}, "party": {"third"}, "category": {"analytics"},
		"lifetime": {"2 ans"}, "purpose": {"Distingue les visiteurs."}, "purpose_language": {"fr"},
		"purpose_en": {"Tells visitors apart."}, "identifying": {"yes"}, "opt_out_url": {"https://tools.google.com/dlpage/gaoptout"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

var fingerprintField = regexp.MustCompile(`name="fingerprint" value="([0-9a-f]{64})"`)

func TestCatalogueRoutesAreForAdminsOnly(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		uid := fmt.Sprint(cookieNamed(t, p, "esomus", "UID").ID)
		gets := []string{"/admin/sites", "/admin/sites/esomus/cookies", "/admin/sites/esomus/cookies/" + uid,
			"/admin/sites/esomus/cookies/import", "/admin/sites/esomus/cookies.csv", "/admin/sites/esomus/cookies.json",
			"/admin/sites/esomus/cookies/table.html?lang=fr"}
		posts := []string{"/admin/sites/esomus/cookies", "/admin/sites/esomus/cookies/" + uid, "/admin/sites/esomus/cookies/" + uid + "/retire",
			"/admin/sites/esomus/cookies/" + uid + "/restore", "/admin/sites/esomus/cookies/import", "/admin/sites/esomus/cookies/import/apply"}
		before := catalogueState(t, p, "esomus")

		anonymous := p.Client(t)
		for _, path := range gets {
			if res := anonymous.Get(path); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
				t.Errorf("anonymous GET %s: %d", path, res.StatusCode)
			}
		}
		csrf := testapp.CSRF(t, anonymous.Get("/staff/login").Body)
		for _, path := range posts {
			expect(t, anonymous.Post(path, cookieFields(csrf)), http.StatusUnauthorized)
		}
		staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		manager := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
		for _, c := range []*testapp.Client{staff, manager} {
			for _, path := range gets {
				expect(t, c.Get(path), http.StatusForbidden)
			}
			for _, path := range posts {
				expect(t, c.Post(path, cookieFields(csrfOf(t, c))), http.StatusForbidden)
			}
			if strings.Contains(c.Get("/staff/cases").Body, `href="/admin/sites"`) {
				t.Error("the navigation offers Sites to someone who is not an admin")
			}
		}
		// An admin without the CSRF token changes nothing either.
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		noToken := cookieFields("")
		noToken.Del("_csrf")
		expect(t, admin.Post("/admin/sites/esomus/cookies", noToken), http.StatusForbidden)
		expect(t, admin.Post("/admin/sites/esomus/cookies/"+uid+"/retire", url.Values{}), http.StatusForbidden)
		if catalogueState(t, p, "esomus") != before {
			t.Fatal("a refused request changed the catalogue")
		}
		// Sites list with both links; unknown sites and cookies are 404s.
		expect(t, admin.Get("/admin/sites"), 200, `href="/admin/sites/esomus/cookies"`, `href="/admin/sites/itsme/integration"`,
			"Cookie catalogue", "Links, API and webhook", `<a href="/admin/sites">Sites</a>`)
		for _, path := range []string{"/admin/sites/nope/cookies", "/admin/sites/esomus/cookies/999999", "/admin/sites/esomus/cookies/abc",
			"/admin/sites/itsme/cookies/" + uid, "/admin/sites/esomus/cookies/table.html?lang=es", "/admin/sites/esomus/cookies/table.html"} {
			expect(t, admin.Get(path), http.StatusNotFound)
		}
	})
}

func TestAdminAddsEditsRetiresAndRestoresCookies(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		page := admin.Get("/admin/sites/itsme/cookies")
		expect(t, page, 200, "Live cookies (20)", "__zlcmid", "Add a cookie")
		if page.Header.Get("Cache-Control") != "no-store" {
			t.Error("the catalogue page may be cached")
		}
		csrf := testapp.CSRF(t, page.Body)

		res := admin.Post("/admin/sites/itsme/cookies", cookieFields(csrf))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/sites/itsme/cookies" {
			t.Fatalf("add: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, admin.Get("/admin/sites/itsme/cookies"), 200, "Added the cookie _ga.", "Live cookies (21)")
		ga := cookieNamed(t, p, "itsme", "_ga")
		if ga.Position != 21 || ga.Purposes["en"] != "Tells visitors apart." || !ga.Identifying || ga.OptOutURL == "" || ga.PurposeLanguage != "fr" {
			t.Fatalf("stored: %+v", ga)
		}
		// The public page links the third-party provider's opt-out page.
		pub := english(p.Client(t)).Get("/sites/itsme/cookies")
		expect(t, pub, 200, "Opt out", `href="https://tools.google.com/dlpage/gaoptout"`, "Opt out with google.com")

		before := catalogueState(t, p, "itsme")
		for _, tc := range []struct {
			name   string
			form   url.Values
			errors []string
			kept   string
		}{
			{"duplicate", cookieFields(csrf, "name", "__zlcmid"), []string{"already has a cookie with this name"}, "__zlcmid"},
			{"header injection", cookieFields(csrf, "name", "x\r\nSet-Cookie: evil=1"), []string{"Name: must be on one line"}, "Set-Cookie: evil=1"},
			{"invalid UTF-8", cookieFields(csrf, "provider", "goo\xffgle"), []string{"Provider: contains bytes that are not valid text"}, "goo\uFFFDgle"},
			{"script URL", cookieFields(csrf, "opt_out_url", "javascript:alert(1)"), []string{"must be an absolute http or https address"}, "javascript:alert(1)"},
			{"control character", cookieFields(csrf, "purpose", "a\x00b"), []string{"contains a control character (U+0000)"}, ""},
			{"huge", cookieFields(csrf, "purpose", strings.Repeat("x", 2001), "name", "<script>alert(1)</script>"),
				[]string{"at most 2000 characters (it has 2001)"}, html.EscapeString("<script>alert(1)</script>")},
			{"unknown category", cookieFields(csrf, "category", "tracking"), []string{`Category: &#34;tracking&#34; is not a category`}, ""},
			{"first party with an opt-out page", cookieFields(csrf, "name", "mine", "party", "first"), []string{"only third-party cookies have an opt-out page"}, "mine"},
		} {
			res := admin.Post("/admin/sites/itsme/cookies", tc.form)
			expect(t, res, http.StatusUnprocessableEntity, tc.errors...)
			if tc.kept != "" && !strings.Contains(res.Body, tc.kept) {
				t.Errorf("%s: what was typed is not kept (%q)", tc.name, tc.kept)
			}
			if strings.Contains(res.Body, "<script>alert(1)") {
				t.Errorf("%s: a script is echoed", tc.name)
			}
		}
		if catalogueState(t, p, "itsme") != before {
			t.Fatal("a refused form changed the catalogue")
		}
		// A body over the global limit is refused before anything is read.
		expect(t, admin.Post("/admin/sites/itsme/cookies", cookieFields(csrf, "purpose", strings.Repeat("x", 70<<10))), http.StatusRequestEntityTooLarge)

		// Edit.
		edit := fmt.Sprintf("/admin/sites/itsme/cookies/%d", ga.ID)
		expect(t, admin.Get(edit), 200, "Tells visitors apart.", `value="https://tools.google.com/dlpage/gaoptout"`, "Purpose in German")
		res = admin.Post(edit, cookieFields(csrf, "purpose_de", "Unterscheidet Besucher.", "identifying", "", "lifetime", "13 mois"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d\n%s", res.StatusCode, res.Body)
		}
		ga = cookieNamed(t, p, "itsme", "_ga")
		if ga.Purposes["de"] != "Unterscheidet Besucher." || ga.Identifying || ga.Lifetime != (lifetime.Lifetime{Kind: lifetime.Duration, Amount: 13, Unit: lifetime.Month, Text: "13 mois"}) || ga.Position != 21 {
			t.Fatalf("after the edit: %+v", ga)
		}
		expect(t, admin.Post(edit, cookieFields(csrf, "name", "CookieConsent")), http.StatusUnprocessableEntity, "already has a cookie with this name", "CookieConsent")
		expect(t, admin.Post(edit, cookieFields(csrf, "name", "")), http.StatusUnprocessableEntity, "Name: the name is missing")

		// Retire: out of the public table, kept in the database and shown as retired.
		expect(t, admin.Post(edit+"/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		if ga = cookieNamed(t, p, "itsme", "_ga"); ga.RetiredAt == nil {
			t.Fatal("not retired")
		}
		if strings.Contains(english(p.Client(t)).Get("/sites/itsme/cookies").Body, "_ga") {
			t.Error("a retired cookie is on the public page")
		}
		expect(t, admin.Get("/admin/sites/itsme/cookies"), 200, "Retired cookies (1)", "Restore _ga")
		expect(t, admin.Post("/admin/sites/itsme/cookies", cookieFields(csrf)), http.StatusUnprocessableEntity, "retired cookie with this name: restore it")
		expect(t, admin.Post(edit+"/restore", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		if ga = cookieNamed(t, p, "itsme", "_ga"); ga.RetiredAt != nil {
			t.Fatal("not restored")
		}
		// Another site's cookie through this site's path is a 404.
		expect(t, admin.Post(fmt.Sprintf("/admin/sites/esomus/cookies/%d/retire", ga.ID), url.Values{"_csrf": {csrf}}), http.StatusNotFound)
	})
}

func TestImportPreviewSavesNothingAndApplyRefusesAStalePreview(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		expect(t, admin.Get("/admin/sites/esomus/cookies/import"), 200, "Preview a file")
		csrf := testapp.CSRF(t, admin.Get("/admin/sites/esomus/cookies/import").Body)
		before := catalogueState(t, p, "esomus")

		// A French policy table, semicolon-separated: UID changes, U2 and four others leave,
		// STCK_ID stays, _fbp arrives.
		file := "Nom;Fournisseur;Partie;Catégorie;Objectif d'utilisation;Durée;Identifiant;purpose_nl\n" +
			"STCK_ID;ESOMUS;Première partie;Analytique;Ce cookie nous permet de cartographier votre consultation de notre site lorsque vous vous inscrivez initialement à nos services.;Session;oui;\n" +
			"UID;ESOMUS;première partie;Statistiques;Compte les pages.;2 ans;oui;Telt pagina's.\n" +
			"_fbp;facebook.com;tiers;Marketing;Publicité.;3 mois;non;\n"
		res := postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}, "content": {file}}, nil)
		expect(t, res, 200, "1 added, 1 changed, 5 retired, 0 restored, 1 unchanged", "_fbp", "Compte les pages.", "Telt pagina&#39;s.", "Apply these changes")
		if catalogueState(t, p, "esomus") != before {
			t.Fatal("the preview saved something")
		}
		fp := fingerprintField.FindStringSubmatch(res.Body)
		if fp == nil {
			t.Fatal("no fingerprint in the preview")
		}
		apply := url.Values{"_csrf": {csrf}, "content": {file}, "fingerprint": {fp[1]}}

		// Someone retires a cookie meanwhile: the apply is refused, with the new preview.
		u2 := cookieNamed(t, p, "esomus", "U2")
		expect(t, admin.Post(fmt.Sprintf("/admin/sites/esomus/cookies/%d/retire", u2.ID), url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		changed := catalogueState(t, p, "esomus")
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", apply, nil)
		expect(t, res, http.StatusConflict, "The catalogue changed after this preview", "1 added, 1 changed, 4 retired")
		if catalogueState(t, p, "esomus") != changed {
			t.Fatal("a stale apply changed the catalogue")
		}
		apply.Set("fingerprint", fingerprintField.FindStringSubmatch(res.Body)[1])
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", apply, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", res.StatusCode, res.Body)
		}
		s, _ := p.Store.SiteBySlug(context.Background(), "esomus")
		live, _ := p.Store.Cookies(context.Background(), s.ID)
		if len(live) != 3 || live[0].Name != "STCK_ID" || live[1].Name != "UID" || live[1].Purposes["nl"] != "Telt pagina's." || live[2].Name != "_fbp" {
			t.Fatalf("live after apply: %+v", live)
		}
		if u2 := cookieNamed(t, p, "esomus", "U2"); u2.RetiredAt == nil {
			t.Fatal("U2 was deleted or revived")
		}

		// Malformed files: refused with line and column, the text kept, nothing saved.
		after := catalogueState(t, p, "esomus")
		bad := "name,party,category\nA,first,necessary\nB,fourth,<script>x</script>\n"
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}, "content": {bad}, "format": {"csv"}}, nil)
		expect(t, res, http.StatusUnprocessableEntity, "line 3, column 2 (party): &#34;fourth&#34; is not a party",
			"line 3, column 3 (category): &#34;&lt;script&gt;x&lt;/script&gt;&#34; is not a category", html.EscapeString("B,fourth,<script>x</script>"))
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", url.Values{"_csrf": {csrf}, "content": {bad}, "fingerprint": {fp[1]}}, nil)
		expect(t, res, http.StatusUnprocessableEntity, "line 3, column 2 (party)")
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}, "format": {"json"}}, []byte("[{\"name\": \"A\",\n \"bogus\": 1}]"))
		expect(t, res, http.StatusUnprocessableEntity, "line 2, column 2 (bogus): unknown key")
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}}, []byte("name,party,category\nA,first,n\xe9cessaire\n"))
		expect(t, res, http.StatusUnprocessableEntity, "line 2, column 10: byte 0xE9 is not valid UTF-8")
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}, "format": {"xml"}, "content": {"x"}}, nil),
			http.StatusUnprocessableEntity, "Choose CSV, JSON or Detect")
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}}, nil),
			http.StatusUnprocessableEntity, "Choose a file or paste its text.")
		// A file over 1 MiB is refused clearly; over the route's 2M, before it is read.
		huge := "name,party,category\n" + strings.Repeat("x", 1<<20)
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}}, []byte(huge)),
			http.StatusUnprocessableEntity, "the file is larger than 1024 KiB")
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}}, []byte(huge+huge+huge)),
			http.StatusRequestEntityTooLarge)
		// Without the CSRF token, an apply is refused.
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", url.Values{"content": {file}, "fingerprint": {fp[1]}}, nil), http.StatusForbidden)
		if catalogueState(t, p, "esomus") != after {
			t.Fatal("a refused import changed the catalogue")
		}
	})
}

func TestExportsReimportToNoChangeAndTheTableIsInEachLanguage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := testapp.CSRF(t, admin.Get("/admin/sites/esomus/cookies/import").Body)
		// Give one cookie every optional field, so that the round trip carries them.
		zl := cookieNamed(t, p, "itsme", "__zlcmid")
		zl.Purposes = models.Translations{"en": "Zopim sets this cookie to store a unique user id.", "nl": "Zopim slaat een uniek id op."}
		zl.OptOutURL = "https://www.zendesk.com/company/privacy-and-data-protection/#opt-out"
		if err := p.Store.UpdateCookie(context.Background(), zl); err != nil {
			t.Fatal(err)
		}
		for slug, n := range map[string]int{"esomus": 7, "itsme": 20} {
			before := catalogueState(t, p, slug)
			csvRes := admin.Get("/admin/sites/" + slug + "/cookies.csv")
			expect(t, csvRes, 200, "name,provider,party,category,purpose,purpose_language,purpose_fr")
			if ct := csvRes.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" ||
				csvRes.Header.Get("Content-Disposition") != `attachment; filename="`+slug+`-cookies.csv"` {
				t.Errorf("%s CSV headers: %q %q", slug, ct, csvRes.Header.Get("Content-Disposition"))
			}
			jsonRes := admin.Get("/admin/sites/" + slug + "/cookies.json")
			expect(t, jsonRes, 200, `"cookies": [`)
			want := fmt.Sprintf("0 added, 0 changed, 0 retired, 0 restored, %d unchanged", n)
			for format, body := range map[string]string{"csv": csvRes.Body, "json": jsonRes.Body} {
				// Uploaded as a file, and pasted with the format detected.
				res := postMultipart(t, admin, p.URL, "/admin/sites/"+slug+"/cookies/import", url.Values{"_csrf": {csrf}, "format": {format}}, []byte(body))
				expect(t, res, 200, want, "applying it changes nothing")
				if strings.Contains(res.Body, "Apply these changes") {
					t.Errorf("%s %s: an apply is offered for no change", slug, format)
				}
				expect(t, postMultipart(t, admin, p.URL, "/admin/sites/"+slug+"/cookies/import", url.Values{"_csrf": {csrf}, "content": {body}}, nil), 200, want)
			}
			if catalogueState(t, p, slug) != before {
				t.Fatalf("%s: previews changed the catalogue", slug)
			}
		}

		// The public table as a document of its own, in each language.
		for _, lang := range locale.Languages {
			res := admin.Get("/admin/sites/itsme/cookies/table.html?lang=" + lang)
			ctx := locale.WithLanguage(context.Background(), lang)
			expect(t, res, 200, `<html lang="`+lang+`">`, html.EscapeString(views.T(ctx, "cookies.col_purpose")),
				html.EscapeString(views.T(ctx, "cookies.col_opt_out")), "CookieConsent", `href="https://www.zendesk.com/company/privacy-and-data-protection/#opt-out"`)
			switch lang {
			case "fr":
				if strings.Contains(res.Body, `lang="fr">Stocke`) {
					t.Error("fr: the French purpose is marked as another language")
				}
				expect(t, res, 200, "Stocke l’état de consentement")
			case "en":
				expect(t, res, 200, "<td>Zopim sets this cookie to store a unique user id.</td>", `<td lang="fr">Stocke l’état de consentement`)
			case "nl":
				expect(t, res, 200, "<td>Zopim slaat een uniek id op.</td>", `<td lang="fr">Stocke l’état de consentement`)
			case "de":
				expect(t, res, 200, `<td lang="fr">Zopim définit ce cookie`)
			}
			if strings.Contains(res.Body, "/static/style.css") || strings.Contains(res.Body, "Log out") {
				t.Errorf("%s: the table carries the portal's page around it", lang)
			}
		}
	})
}

// TestAdminStatesALifetime: the cookie form states a lifetime field by field (session,
// persistent, a duration, not stated) beside the published text, which is kept; a duration
// without its amount or unit, a bare number left unstated, and a published text that says
// another lifetime are refused on the same page with what was typed kept. An import refuses a
// bare number with its line and what to write.
func TestAdminStatesALifetime(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		page := admin.Get("/admin/sites/itsme/cookies")
		csrf := testapp.CSRF(t, page.Body)
		expect(t, page, 200, `<legend>Lifetime</legend>`, `name="lifetime_kind" value="" checked`, `name="lifetime_amount"`,
			`<option value="month">months</option>`, "Published text",
			// The list says what each lifetime means, and what the policy published.
			"365\u00a0days", "published: <span lang=\"fr\">365</span>", "1\u00a0hour", "published: <span lang=\"fr\">1 Heure</span>")

		lifetimeForm := func(kind, amount, unit, text string, kv ...string) url.Values {
			f := cookieFields(csrf, append([]string{"lifetime_kind", kind, "lifetime_amount", amount, "lifetime_unit", unit, "lifetime", text}, kv...)...)
			return f
		}
		res := admin.Post("/admin/sites/itsme/cookies", lifetimeForm("duration", "13", "month", "", "name", "_ga"))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d\n%s", res.StatusCode, res.Body)
		}
		if ga := cookieNamed(t, p, "itsme", "_ga"); ga.Lifetime != lifetime.NewDuration(13, lifetime.Month) {
			t.Fatalf("stored %+v", ga.Lifetime)
		}
		res = admin.Post("/admin/sites/itsme/cookies", lifetimeForm("duration", "1", "year", "1 An", "name", "_gid", "purpose", "Mesure."))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add with the published text: %d\n%s", res.StatusCode, res.Body)
		}
		gid := cookieNamed(t, p, "itsme", "_gid")
		if gid.Lifetime != (lifetime.Lifetime{Kind: lifetime.Duration, Amount: 1, Unit: lifetime.Year, Text: "1 An"}) {
			t.Fatalf("stored %+v", gid.Lifetime)
		}
		// The edit page shows it as stated, the published text kept.
		edit := fmt.Sprintf("/admin/sites/itsme/cookies/%d", gid.ID)
		expect(t, admin.Get(edit), 200, `value="duration" checked`, `name="lifetime_amount" value="1"`, `<option value="year" selected>years</option>`, `value="1 An"`)
		// On the public page, in German.
		de := p.Client(t)
		de.SetCookie(locale.CookieName, "de")
		expect(t, de.Get("/sites/itsme/cookies"), 200, "13\u00a0Monate", "1\u00a0Jahr<")

		before := catalogueState(t, p, "itsme")
		for _, tc := range []struct {
			name   string
			form   url.Values
			errors []string
			kept   []string
		}{
			{"duration without amount", lifetimeForm("duration", "", "day", "", "name", "a1"),
				[]string{"Amount: give the duration&#39;s amount"}, []string{`value="a1"`, `value="duration" checked`, `<option value="day" selected>days</option>`}},
			{"amount not a number", lifetimeForm("duration", "douze", "month", "", "name", "a2"),
				[]string{"Amount: &#34;douze&#34; is not an amount"}, []string{`value="douze"`}},
			{"duration without unit", lifetimeForm("duration", "12", "", "", "name", "a3"),
				[]string{"Unit: choose the unit of the duration"}, []string{`name="lifetime_amount" value="12"`}},
			{"a duration typed, its choice forgotten", lifetimeForm("", "6", "month", "", "name", "a8"),
				[]string{"Lifetime: an amount and a unit are given, but the lifetime is marked not stated"}, []string{`name="lifetime_amount" value="6"`}},
			{"unknown kind", lifetimeForm("eternal", "", "", "", "name", "a4"), []string{"Lifetime: choose session, persistent, a duration, or not stated"}, nil},
			{"bare number not stated", lifetimeForm("", "", "", "365", "name", "a5"),
				[]string{"Lifetime: &#34;365&#34; has no unit: write &#34;365 days&#34;", "or state the lifetime above"}, []string{`value="365"`}},
			{"published text says otherwise", lifetimeForm("duration", "2", "year", "1 An", "name", "a6"),
				[]string{"the published text &#34;1 An&#34; says 1\u00a0year, not 2\u00a0years"}, []string{`value="1 An"`, `value="2"`}},
			{"a file's way, bare number", cookieFields(csrf, "name", "a7", "lifetime", "30"), []string{"&#34;30&#34; has no unit: write &#34;30 days&#34;"}, []string{`value="30"`}},
		} {
			res := admin.Post("/admin/sites/itsme/cookies", tc.form)
			expect(t, res, http.StatusUnprocessableEntity, append(tc.errors, `id="error-summary"`)...)
			for _, k := range tc.kept {
				if !strings.Contains(res.Body, k) {
					t.Errorf("%s: what was typed is not kept (%q)", tc.name, k)
				}
			}
		}
		if catalogueState(t, p, "itsme") != before {
			t.Fatal("a refused form changed the catalogue")
		}

		// An import with a bare number: refused whole, the line named, the file kept on the page.
		file := "name,provider,party,category,purpose,lifetime\nCookieConsent,www.itsme-id.com,first,necessary,x,365\n"
		imp := postMultipart(t, admin, p.URL, "/admin/sites/itsme/cookies/import", url.Values{"_csrf": {csrf}, "content": {file}}, nil)
		expect(t, imp, http.StatusUnprocessableEntity, `<ul id="import-errors">`,
			"line 2, column 6 (lifetime): &#34;365&#34; has no unit: write &#34;365 days&#34;", "CookieConsent,www.itsme-id.com,first,necessary,x,365")
		if catalogueState(t, p, "itsme") != before {
			t.Fatal("a refused import changed the catalogue")
		}
	})
}
