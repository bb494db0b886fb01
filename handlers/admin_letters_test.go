package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/letters"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// controllerOf is the id of the controller of site, as a form value.
func controllerOf(t *testing.T, p *testapp.Portal, site string) string {
	t.Helper()
	s, err := p.Store.SiteBySlug(context.Background(), site)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(s.ControllerID)
}

// letterPage is the admin page of letter k for a controller in lang.
func letterPage(k letters.Kind, controller, lang string) string {
	return "/admin/letters/" + string(k) + "?" + url.Values{"controller": {controller}, "lang": {lang}}.Encode()
}

// fileIn files a request on site in lang, as a visitor would, and returns the subject of the
// verification letter it queued.
func fileIn(t *testing.T, p *testapp.Portal, site, lang string) string {
	t.Helper()
	ctx := context.Background()
	s, err := p.Store.SiteBySlug(ctx, site)
	if err != nil {
		t.Fatal(err)
	}
	cookies, _ := p.Store.Cookies(ctx, s.ID)
	filed, err := p.App.Cases.File(ctx, s, cookies, dsr.Request{
		Kinds: []dsr.Kind{dsr.KindAccess}, Email: "chloe." + site + "@example.org", Language: lang, Country: "BE",
	})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := p.Store.Letters(ctx, models.LetterFilter{Kind: string(letters.Verification), Reference: filed.Reference, Limit: 1})
	if err != nil || len(ls) != 1 {
		t.Fatalf("the verification letter of %s: %v (%d letters)", filed.Reference, err, len(ls))
	}
	if ls[0].Language != lang {
		t.Errorf("the verification letter is in %q, want %q", ls[0].Language, lang)
	}
	return ls[0].Subject
}

func countOverrides(t *testing.T, p *testapp.Portal, controller string) int {
	t.Helper()
	rows, err := p.Store.AllLetterOverrides(context.Background(), mustID(controller))
	if err != nil {
		t.Fatal(err)
	}
	return len(rows)
}

// shippedSubject is the subject letter k has in lang with the sample data and no override.
func shippedSubject(t *testing.T, k letters.Kind, lang string) string {
	t.Helper()
	r, err := letters.Preview(k, lang, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r.Subject
}

func TestAdminReadsAndPreviewsEveryLetterInEveryLanguage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		esomus := controllerOf(t, p, "esomus")

		list := admin.Get("/admin/letters")
		expect(t, list, 200, "Letters to requesters", "Letters to staff", `href="/admin/letters"`)
		for _, k := range letters.Kinds {
			expect(t, list, 200, `href="/admin/letters/`+string(k)+`?controller=`)
		}
		expect(t, admin.Get("/admin/letters?controller="+controllerOf(t, p, "itsme")), 200, "Belgian Mobile ID")

		for _, k := range letters.Kinds {
			for _, lang := range locale.Languages {
				res := admin.Get(letterPage(k, esomus, lang))
				expect(t, res, 200, html.EscapeString(shippedSubject(t, k, lang)), "Text part", "/preview.html?")
				for _, id := range letters.Messages(k) {
					shipped, _ := letters.Default(lang, id)
					expect(t, res, 200, `id="m-`+id+`"`, html.EscapeString(shipped))
				}
				if res.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s in %s may be cached", k, lang)
				}
				hp := admin.Get("/admin/letters/" + string(k) + "/preview.html?controller=" + esomus + "&lang=" + lang)
				expect(t, hp, 200, "<html")
				if csp := hp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") || !strings.HasSuffix(csp, "sandbox") {
					t.Errorf("the HTML preview of %s has the CSP %q", k, csp)
				}
			}
		}
		// Without a language, the controller's own; without a controller, the first.
		expect(t, admin.Get("/admin/letters/verification"), 200)

		for _, path := range []string{
			"/admin/letters/nope", "/admin/letters/nope/preview.html",
			letterPage(letters.Verification, esomus, "es"), letterPage(letters.Verification, esomus, "FR"),
			letterPage(letters.Verification, "999999", "fr"), letterPage(letters.Verification, "abc", "fr"),
			letterPage(letters.Verification, "-1", "fr"), "/admin/letters?controller=999999",
			"/admin/letters/verification/preview.html?controller=999999&lang=fr",
			"/admin/letters/verification/preview.html?controller=" + esomus + "&lang=xx",
		} {
			expect(t, admin.Get(path), http.StatusNotFound)
		}
	})
}

func TestLetterRoutesAreForAdminsOnly(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	esomus := controllerOf(t, p, "esomus")
	paths := []string{"/admin/letters", letterPage(letters.Verification, esomus, "fr"),
		"/admin/letters/verification/preview.html?controller=" + esomus + "&lang=fr"}
	save := func(csrf string) url.Values {
		return url.Values{"_csrf": {csrf}, "controller": {esomus}, "lang": {"fr"}, "message": {"verification.subject"},
			"wording": {"Pirate {{.Reference}}"}, "action": {"save"}}
	}

	anonymous := p.Client(t)
	for _, path := range paths {
		res := anonymous.Get(path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous GET %s: %d", path, res.StatusCode)
		}
	}
	expect(t, anonymous.Post("/admin/letters/verification", save(testapp.CSRF(t, anonymous.Get("/staff/login").Body))), http.StatusUnauthorized)

	staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
	manager := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
	for _, c := range []*testapp.Client{staff, manager} {
		for _, path := range paths {
			expect(t, c.Get(path), http.StatusForbidden)
		}
		expect(t, c.Post("/admin/letters/verification", save(csrfOf(t, c))), http.StatusForbidden)
		if strings.Contains(c.Get("/staff/cases").Body, `href="/admin/letters"`) {
			t.Error("the navigation offers Letters to someone who is not an admin")
		}
	}
	if n := countOverrides(t, p, esomus); n != 0 {
		t.Fatalf("refused requests saved %d overrides", n)
	}
}

func TestALetterOverrideIsPreviewedAndUsedByTheNextLetter(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		esomus, itsme := controllerOf(t, p, "esomus"), controllerOf(t, p, "itsme")
		page := letterPage(letters.Verification, esomus, "fr")
		shipped := fileIn(t, p, "esomus", "fr")
		if !strings.HasPrefix(shipped, "Confirmez votre demande DSR-") {
			t.Fatalf("shipped subject: %q", shipped)
		}
		itsmeShipped := fileIn(t, p, "itsme", "fr")

		wording := "ESOMUS — merci de confirmer la demande {{.Reference}}{{if .RequesterName}}, {{.RequesterName}}{{end}}"
		res := admin.Post("/admin/letters/verification", url.Values{
			"_csrf": {testapp.CSRF(t, admin.Get(page).Body)}, "controller": {esomus}, "lang": {"fr"},
			"w.verification.subject": {wording},
		})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), page) {
			t.Fatalf("save: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		after := admin.Get(res.Header.Get("Location"))
		expect(t, after, 200, "Confirmation of the e-mail address (Français) for ESOMUS: Subject saved.",
			html.EscapeString("ESOMUS — merci de confirmer la demande DSR-2026-000042, Chloé Martin"),
			"overridden for ESOMUS", html.EscapeString(wording))
		rows, _ := p.Store.AllLetterOverrides(context.Background(), mustID(esomus))
		if len(rows) != 1 || rows[0].Wording != wording || rows[0].Language != "fr" || rows[0].MessageID != "verification.subject" ||
			rows[0].UpdatedBy == nil || *rows[0].UpdatedBy != accountOf(t, p, testapp.AdminEmail).ID {
			t.Fatalf("stored overrides: %+v", rows)
		}
		expect(t, admin.Get("/admin/letters?controller="+esomus), 200, "<strong>1</strong>")

		// The next real letter of ESOMUS in French uses it; English, and the other controller, do not.
		if got := fileIn(t, p, "esomus", "fr"); !strings.HasPrefix(got, "ESOMUS — merci de confirmer la demande DSR-") {
			t.Errorf("the next French letter of ESOMUS has the subject %q", got)
		}
		if got := fileIn(t, p, "esomus", "en"); strings.Contains(got, "merci") {
			t.Errorf("the English letter took the French override: %q", got)
		}
		if got := fileIn(t, p, "itsme", "fr"); anyReference.ReplaceAllString(got, "REF") != anyReference.ReplaceAllString(itsmeShipped, "REF") {
			t.Errorf("another controller's letter changed: %q, was %q", got, itsmeShipped)
		}
		expect(t, admin.Get(letterPage(letters.Verification, itsme, "fr")), 200, html.EscapeString(shippedSubject(t, letters.Verification, "fr")))
		if n := countOverrides(t, p, itsme); n != 0 {
			t.Errorf("the other controller has %d overrides", n)
		}

		// Reset: back to the shipped wording, in the preview and in the next letter.
		res = admin.Post("/admin/letters/verification", url.Values{
			"_csrf": {testapp.CSRF(t, after.Body)}, "controller": {esomus}, "lang": {"fr"},
			"w.verification.subject": {wording}, "reset.verification.subject": {"yes"},
		})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d\n%s", res.StatusCode, res.Body)
		}
		back := admin.Get(res.Header.Get("Location"))
		expect(t, back, 200, "Subject back to the shipped wording", html.EscapeString(shippedSubject(t, letters.Verification, "fr")))
		if strings.Contains(back.Body, "overridden for ESOMUS") {
			t.Error("the page still shows the override after a reset")
		}
		if n := countOverrides(t, p, esomus); n != 0 {
			t.Fatalf("%d overrides after the reset", n)
		}
		if got := fileIn(t, p, "esomus", "fr"); !strings.HasPrefix(got, "Confirmez votre demande DSR-") {
			t.Errorf("after the reset the letter has the subject %q", got)
		}

		// Saving the shipped wording unchanged keeps no copy of it.
		same, _ := letters.Default("fr", "verification.subject")
		res = admin.Post("/admin/letters/verification", url.Values{
			"_csrf": {testapp.CSRF(t, back.Body)}, "controller": {esomus}, "lang": {"fr"},
			"w.verification.subject": {strings.ReplaceAll(same, "\n", "\r\n")},
		})
		expect(t, res, http.StatusSeeOther)
		if n := countOverrides(t, p, esomus); n != 0 {
			t.Errorf("saving the shipped wording stored %d overrides", n)
		}
	})
}

func TestRefusedLetterOverridesSaveNothing(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		esomus := controllerOf(t, p, "esomus")
		page := letterPage(letters.Verification, esomus, "fr")
		csrf := testapp.CSRF(t, admin.Get(page).Body)
		form := func(message, wording, action string) url.Values {
			v := url.Values{"_csrf": {csrf}, "controller": {esomus}, "lang": {"fr"}, "w." + message: {wording}}
			if action == "reset" {
				v = url.Values{"_csrf": {csrf}, "controller": {esomus}, "lang": {"fr"}, "reset." + message: {"yes"}}
			}
			return v
		}
		for _, tt := range []struct {
			name    string
			form    url.Values
			reasons []string
		}{
			{"misspelt variable", form("verification.subject", "Demande {{.Referense}}", "save"),
				[]string{"unknown variable .Referense (did you mean .Reference?)", "Demande {{.Referense}}"}},
			{"parse error", form("verification.subject", "Demande {{.Reference", "save"),
				[]string{"the wording is not a valid template", "Demande {{.Reference"}},
			{"template", form("verification.subject", `Demande {{template "x"}}`, "save"),
				[]string{"wording cannot include other templates"}},
			{"function", form("verification.intro", `{{printf "%s" .Reference}}`, "save"),
				[]string{"the function &#34;printf&#34; is not available", "Not saved:"}},
			{"range", form("verification.intro", `{{range .Reference}}x{{end}}`, "save"),
				[]string{"{{range}} is not allowed"}},
			{"unknown message", form("verification.nope", "Bonjour", "save"),
				[]string{"has no message &#34;verification.nope&#34;", "Nothing was saved"}},
			{"message of another letter", form("refused.subject", "Bonjour", "save"),
				[]string{"has no message &#34;refused.subject&#34;"}},
			{"reset of an unknown message", form("verification.nope", "", "reset"), []string{"has no message"}},
			{"invalid UTF-8", form("verification.subject", "Demande \xff{{.Reference}}", "save"), []string{"not valid UTF-8"}},
			{"empty", form("verification.subject", "\r\n\r\n", "save"), []string{"the wording is empty"}},
			{"too long", form("verification.subject", strings.Repeat("é", letters.MaxWording+1), "save"),
				[]string{fmt.Sprintf("at most %d are allowed", letters.MaxWording)}},
		} {
			res := admin.Post("/admin/letters/verification", tt.form)
			expect(t, res, http.StatusUnprocessableEntity, tt.reasons...)
			if !strings.Contains(res.Body, html.EscapeString(shippedSubject(t, letters.Verification, "fr"))) {
				t.Errorf("%s: the refused page does not show the preview", tt.name)
			}
			if n := countOverrides(t, p, esomus); n != 0 {
				t.Fatalf("%s: %d overrides saved", tt.name, n)
			}
		}

		// A refused wording is shown beside its own field, not another's.
		res := admin.Post("/admin/letters/verification", form("verification.subject", "Demande {{.Referense}}", "save"))
		field := res.Body[strings.Index(res.Body, `id="m-verification.subject"`):]
		field = field[:strings.Index(field, "</section>")]
		if !strings.Contains(field, `id="w-verification.subject-error"`) || !strings.Contains(field, `aria-invalid="true"`) {
			t.Errorf("the reason is not beside the field:\n%s", field)
		}

		// Missing or forged CSRF token; unknown controller or language.
		for _, token := range []string{"", "forged-token-value"} {
			v := form("verification.subject", "Demande {{.Reference}}", "save")
			v.Del("_csrf")
			if token != "" {
				v.Set("_csrf", token)
			}
			expect(t, admin.Post("/admin/letters/verification", v), http.StatusForbidden, "Form expired")
		}
		for _, v := range []url.Values{
			{"controller": {"999999"}}, {"controller": {"x"}}, {"lang": {"es"}}, {"lang": {""}},
		} {
			f := form("verification.subject", "Demande {{.Reference}}", "save")
			for k, vs := range v {
				f[k] = vs
			}
			expect(t, admin.Post("/admin/letters/verification", f), http.StatusNotFound)
		}
		expect(t, admin.Post("/admin/letters/nope", form("verification.subject", "Demande {{.Reference}}", "save")), http.StatusNotFound)
		if n := countOverrides(t, p, esomus); n != 0 {
			t.Fatalf("%d overrides saved by refused posts", n)
		}
	})
}

var anyReference = regexp.MustCompile(`DSR-\d{4}-\d{6}`)

func mustID(s string) int64 {
	var id int64
	fmt.Sscan(s, &id)
	return id
}

// letterForm is the whole form of a letter's page as the browser sends it: every message's field
// with the wording shown, then the changes.
func letterForm(t *testing.T, page testapp.Response, changes map[string]string) url.Values {
	t.Helper()
	v := url.Values{"_csrf": {testapp.CSRF(t, page.Body)}}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(controller|lang)" value="([^"]*)"`).FindAllStringSubmatch(page.Body, -1) {
		v.Set(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea id="w-[^"]+" name="(w\.[^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(page.Body, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for k, w := range changes {
		v.Set(k, w)
	}
	return v
}

// TestALetterIsSavedWithOneButton: the letter page is one form; its button saves every changed
// message at once, each checked first, and one refused wording saves none of them, the page
// coming back with what was typed in every field and the reason beside the refused one.
func TestALetterIsSavedWithOneButton(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		esomus := controllerOf(t, p, "esomus")
		page := admin.Get(letterPage(letters.InfoRequest, esomus, "en"))
		expect(t, page, 200, "<h1>Request for information", "Opening paragraph", "Save the wording of this letter",
			`action="/admin/letters/info_request#error-summary"`)
		if n := strings.Count(page.Body, `<button type="submit" class="primary">`); n != 1 {
			t.Errorf("the letter page has %d save buttons", n)
		}
		if !strings.Contains(admin.Get("/admin/letters?controller="+esomus).Body, ">Request for information</a>") {
			t.Error("the list does not name the letter in words")
		}

		subject := "ESOMUS needs one answer about {{.Reference}}"
		res := admin.Post("/admin/letters/info_request", letterForm(t, page, map[string]string{
			"w.info_request.subject": subject,
			"w.info_request.intro":   "We need to know one thing {{.Referense}}",
		}))
		expect(t, res, http.StatusUnprocessableEntity, "Not saved: Letter: Request for information", "Nothing was saved",
			`href="#w-info_request.intro"`, "unknown variable .Referense", html.EscapeString(subject), "We need to know one thing {{.Referense}}")
		if strings.Contains(res.Body, `href="#w-info_request.subject"`) {
			t.Error("the summary lists the subject, which was fine")
		}
		if n := countOverrides(t, p, esomus); n != 0 {
			t.Fatalf("a refused save stored %d overrides", n)
		}

		// Corrected, the same form saves both, in one go.
		res = admin.Post("/admin/letters/info_request", letterForm(t, res, map[string]string{
			"w.info_request.intro": "We need to know one thing about {{.Reference}}.",
		}))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
		}
		after := admin.Get(res.Header.Get("Location"))
		expect(t, after, 200, "Subject saved; Opening paragraph saved.", "overridden for ESOMUS")
		rows, _ := p.Store.AllLetterOverrides(context.Background(), mustID(esomus))
		if len(rows) != 2 {
			t.Fatalf("%d overrides stored, want 2: %+v", len(rows), rows)
		}

		// Sending the page back unchanged changes nothing; a ticked box resets one message while
		// another changes.
		res = admin.Post("/admin/letters/info_request", letterForm(t, after, nil))
		expect(t, admin.Get(res.Header.Get("Location")), 200, "Nothing changed")
		res = admin.Post("/admin/letters/info_request", letterForm(t, after, map[string]string{
			"reset.info_request.subject": "yes", "w.info_request.intro": "One question about {{.Reference}}.",
		}))
		expect(t, admin.Get(res.Header.Get("Location")), 200, "Subject back to the shipped wording; Opening paragraph saved.")
		rows, _ = p.Store.AllLetterOverrides(context.Background(), mustID(esomus))
		if len(rows) != 1 || rows[0].MessageID != "info_request.intro" || rows[0].Wording != "One question about {{.Reference}}." {
			t.Fatalf("stored overrides: %+v", rows)
		}
	})
}
