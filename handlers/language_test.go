package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/lifetime"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// getWith fetches path with an Accept-Language header.
func getWith(c *testapp.Client, base, path, accept string) testapp.Response {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	if accept != "" {
		req.Header.Set("Accept-Language", accept)
	}
	return c.Do(req)
}

func pageLang(t *testing.T, r testapp.Response) string {
	t.Helper()
	m := regexp.MustCompile(`<html lang="([a-z]+)"`).FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("%s: no <html lang>", r.Request.URL.Path)
	}
	return m[1]
}

func TestPageLanguageChoice(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := p.Client(t)

	// Accept-Language picks Dutch, on every kind of page.
	for _, path := range []string{"/", "/sites/esomus/cookies", "/requests/new?site=esomus", "/nope"} {
		res := getWith(c, p.URL, path, "nl-BE,nl;q=0.9,en;q=0.5")
		if got := pageLang(t, res); got != "nl" {
			t.Errorf("%s with Accept-Language nl-BE: page in %q", path, got)
		}
		if res.Header.Get("Content-Language") != "nl" {
			t.Errorf("%s: Content-Language %q", path, res.Header.Get("Content-Language"))
		}
	}
	expect(t, getWith(c, p.URL, "/", "nl"), 200, "Uw rechten over de gegevens die cookies verzamelen", `hreflang="fr"`, "Français", "Nederlands", "Deutsch")

	// Without a choice: a controller's page is in its default language (French for the demo),
	// the start page, tied to no controller, in English.
	if got := pageLang(t, c.Get("/sites/itsme/cookies")); got != "fr" {
		t.Errorf("cookie page without preference in %q, want the controller's fr", got)
	}
	if got := pageLang(t, c.Get("/")); got != "en" {
		t.Errorf("start page without preference in %q", got)
	}
	// A language we do not write in falls to the next choice.
	if got := pageLang(t, getWith(c, p.URL, "/sites/esomus/cookies", "es-ES,es;q=0.9")); got != "fr" {
		t.Errorf("Spanish browser on a French controller's page: %q", got)
	}

	// The cookie beats Accept-Language.
	c.SetCookie(locale.CookieName, "de")
	res := getWith(c, p.URL, "/sites/esomus/cookies", "nl")
	if got := pageLang(t, res); got != "de" {
		t.Errorf("cookie de, Accept-Language nl: page in %q", got)
	}
	expect(t, res, 200, "Cookies von ESOMUS")

	// Staff pages stay English whatever the visitor chose, and offer no switch.
	login := getWith(c, p.URL, "/staff/login", "nl")
	if got := pageLang(t, login); got != "en" {
		t.Errorf("staff login in %q", got)
	}
	if strings.Contains(login.Body, "/language?") {
		t.Error("a staff page offers the language switch")
	}
}

func TestLanguageSwitch(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := p.Client(t)

	// The switch is a plain link on every public page, back to the page itself.
	cookies := c.Get("/sites/esomus/cookies")
	want := `href="/language?lang=nl&amp;next=%2Fsites%2Fesomus%2Fcookies"`
	if !strings.Contains(cookies.Body, want) {
		t.Fatalf("the cookie page lacks %s", want)
	}

	res := c.Get("/language?lang=nl&next=%2Fsites%2Fesomus%2Fcookies")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sites/esomus/cookies" {
		t.Fatalf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	var set *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == locale.CookieName {
			set = ck
		}
	}
	if set == nil || set.Value != "nl" || set.Path != "/" || set.MaxAge < 364*24*3600 || set.SameSite != http.SameSiteLaxMode || !set.HttpOnly {
		t.Fatalf("language cookie: %+v", set)
	}
	if set.Secure {
		t.Error("Secure cookie on an http:// portal")
	}
	if got := pageLang(t, getWith(c, p.URL, "/sites/esomus/cookies", "de")); got != "nl" {
		t.Errorf("after switching to Dutch the page is in %q", got)
	}

	// Only local paths: anything a browser could take for another site goes to the start page.
	for next, want := range map[string]string{
		"/r/abc?x=1":                  "/r/abc?x=1",
		"//evil.com":                  "/",
		"//evil.com/path":             "/",
		"https://evil.com":            "/",
		"http://evil.com/r/":          "/",
		"/\\evil.com":                 "/",
		"\\\\evil.com":                "/",
		"javascript:alert(1)":         "/",
		"evil.com":                    "/",
		"/%0d%0aSet-Cookie:x=y":       "/%0d%0aSet-Cookie:x=y",
		"/\r\nLocation: https://evil": "/",
		"":                            "/",
	} {
		res := c.Get("/language?" + url.Values{"lang": {"fr"}, "next": {next}}.Encode())
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("next=%q: %d %q, want %q", next, res.StatusCode, res.Header.Get("Location"), want)
		}
	}

	// An unknown language is ignored: no cookie, the choice stays.
	fresh := p.Client(t)
	res = fresh.Get("/language?lang=es&next=/")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("unknown language: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, ck := range res.Cookies() {
		if ck.Name == locale.CookieName {
			t.Errorf("an unknown language set the cookie: %+v", ck)
		}
	}
	fresh.SetCookie(locale.CookieName, "es") // a forged cookie is ignored too
	if got := pageLang(t, fresh.Get("/sites/esomus/cookies")); got != "fr" {
		t.Errorf("cookie es: page in %q", got)
	}
}

func TestFilingInDutch(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := p.Client(t)
		c.SetCookie(locale.CookieName, "nl")
		form := c.Get("/requests/new?site=esomus")
		expect(t, form, 200, `<html lang="nl"`, "Een verzoek indienen bij ESOMUS", "Welke rechten wilt u uitoefenen?",
			"Inzage", "Wissing", `<option value="nl" selected lang="nl">Nederlands</option>`, "België")

		// A refused post comes back in Dutch, with Dutch field errors and what was typed.
		v := filing(testapp.CSRF(t, form.Body))
		v.Set("language", "nl")
		v.Set("email", "")
		res := c.Post("/requests", v)
		expect(t, res, http.StatusUnprocessableEntity, `<html lang="nl"`, "Uw verzoek is niet verstuurd",
			"Geef het e-mailadres op waarop we u moeten schrijven.", "Alice Martin",
			`href="/language?lang=fr&amp;next=%2Frequests%2Fnew%3Fsite%3Desomus"`)
		if strings.Contains(res.Body, "Give the e-mail address") {
			t.Error("an English field error on a Dutch page")
		}

		v.Set("email", "alice@example.org")
		res = c.Post("/requests", v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: %d\n%s", res.StatusCode, res.Body)
		}
		filed := c.Get("/requests/filed")
		expect(t, filed, 200, `<html lang="nl"`, "Uw verzoek is geregistreerd", "Wat er nu gebeurt")
		ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(filed.Body)
		cs, err := p.Store.CaseByReference(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if cs.Language != "nl" {
			t.Errorf("case language %q, want nl", cs.Language)
		}

		// A post without the field takes the page's language.
		v.Del("language")
		if res := c.Post("/requests", v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing without language: %d", res.StatusCode)
		}
		ref = regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(c.Get("/requests/filed").Body)
		if cs, _ := p.Store.CaseByReference(context.Background(), ref); cs.Language != "nl" {
			t.Errorf("case filed without a language field: %q, want the page's nl", cs.Language)
		}
	})
}

func TestCookiePurposesInTheVisitorsLanguage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		site, err := p.Store.SiteBySlug(ctx, "esomus")
		if err != nil {
			t.Fatal(err)
		}
		cookies, err := p.Store.Cookies(ctx, site.ID)
		if err != nil {
			t.Fatal(err)
		}
		var translated, untranslated string
		for _, ck := range cookies {
			if ck.Name == "STCK_ID" {
				translated = ck.Purpose
			} else if untranslated == "" {
				untranslated = ck.Purpose
			}
		}
		// The controller's Dutch translation of one purpose.
		for _, ck := range cookies {
			if ck.Name == "STCK_ID" {
				ck.Purposes = models.Translations{"nl": "Met deze cookie brengen we uw bezoek aan onze site in kaart."}
				if err := p.Store.SaveCookie(ctx, &ck); err != nil {
					t.Fatal(err)
				}
			}
		}
		c := p.Client(t)
		c.SetCookie(locale.CookieName, "nl")
		res := c.Get("/sites/esomus/cookies")
		expect(t, res, 200, `<html lang="nl"`, "Cookies van ESOMUS",
			`data-label="Doel">Met deze cookie brengen we uw bezoek aan onze site in kaart.</td>`,
			`<span lang="fr">`+htmlEscape(untranslated)+`</span> <span class="muted">(gepubliceerd in het Frans)</span>`)
		if strings.Contains(res.Body, htmlEscape(translated)) {
			t.Error("the published wording is shown beside the Dutch translation")
		}

		// In French, the published language, nothing is marked.
		c.SetCookie(locale.CookieName, "fr")
		res = c.Get("/sites/esomus/cookies")
		expect(t, res, 200, `<html lang="fr"`, `data-label="Finalité">`+htmlEscape(translated)+"</td>")
		if strings.Contains(res.Body, "publié en") {
			t.Error("a French purpose is marked as published in another language on a French page")
		}
		// In German, which has no translation, the French wording is marked as such.
		c.SetCookie(locale.CookieName, "de")
		expect(t, c.Get("/sites/esomus/cookies"), 200, `<span lang="fr">`+htmlEscape(translated)+`</span>`, "(auf Französisch veröffentlicht)")
	})
}

// TestCookieLifetimesAndPolicyDateInTheVisitorsLanguage: the lifetimes of itsme's table ("365" by
// the demo's rule in days, "1 Heure", "Session", "Jamais", "7 Jours") and the date of ESOMUS's
// policy are written in the page's language; a lifetime Rightsdesk does not read is quoted as
// published, marked with its language.
func TestCookieLifetimesAndPolicyDateInTheVisitorsLanguage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		site, err := p.Store.SiteBySlug(ctx, "itsme")
		if err != nil {
			t.Fatal(err)
		}
		cookies, _ := p.Store.Cookies(ctx, site.ID)
		last := cookies[len(cookies)-1]
		last.Lifetime = lifetime.Lifetime{Text: "Voir la politique du fournisseur"}
		if err := p.Store.SaveCookie(ctx, &last); err != nil {
			t.Fatal(err)
		}
		for lang, want := range map[string][]string{
			"fr": {"365\u00a0jours", "1\u00a0heure", ">Session</td>", ">Persistant</td>", "7\u00a0jours", "1\u00a0an<", "1er octobre 2024"},
			"nl": {"365\u00a0dagen", "1\u00a0uur", ">Sessie</td>", ">Persistent</td>", "7\u00a0dagen", "1\u00a0jaar<", "1 oktober 2024"},
			"en": {"365\u00a0days", "1\u00a0hour", ">Session</td>", ">Persistent</td>", "7\u00a0days", "1\u00a0year<", "1 October 2024"},
			"de": {"365\u00a0Tage", "1\u00a0Stunde", ">Sitzung</td>", ">Dauerhaft</td>", "7\u00a0Tage", "1\u00a0Jahr<", "1. Oktober 2024"},
		} {
			c := p.Client(t)
			c.SetCookie(locale.CookieName, lang)
			res := c.Get("/sites/itsme/cookies")
			quoted := `lang="fr">Voir la politique du fournisseur</td>`
			if lang == "fr" {
				quoted = `data-label="Durée de conservation">Voir la politique du fournisseur</td>`
			}
			expect(t, res, 200, append(want[:len(want)-1:len(want)-1], quoted)...)
			if lang != "fr" && strings.Contains(res.Body, "1 Heure") {
				t.Errorf("%s: the published French lifetime is shown", lang)
			}
			expect(t, c.Get("/sites/esomus/cookies"), 200, want[len(want)-1])
		}
	})
}

// placeholder is how the catalogue shows a message it could not render: "[status.heading]".
var placeholder = regexp.MustCompile(`\[[a-z_]+(\.[a-z0-9_]+)+\]`)

// TestEveryPublicPageInEveryLanguage renders each public page, error pages included, in each
// language: the page says its language and no message is missing.
func TestEveryPublicPageInEveryLanguage(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	setup := p.Client(t)
	csrf := testapp.CSRF(t, setup.Get("/requests/new?site=esomus").Body)

	// One case confirmed (status page, withdraw page), one waiting for confirmation.
	if res := setup.Post("/requests", filing(csrf)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d", res.StatusCode)
	}
	verifyURL := linkIn("/requests/verify/").FindString(lettersOf(t, p)[0].TextBody)
	confirm := setup.Get(verifyURL)
	res := setup.Post(verifyURL, url.Values{"_csrf": {testapp.CSRF(t, confirm.Body)}})
	statusPath := res.Header.Get("Location")
	if res := setup.Post("/requests", filing(csrf)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d", res.StatusCode)
	}
	var pending string
	for _, l := range lettersOf(t, p) {
		if u := linkIn("/requests/verify/").FindString(l.TextBody); u != "" && u != verifyURL {
			pending = u
		}
	}
	if statusPath == "" || pending == "" {
		t.Fatalf("setup: status %q, pending %q", statusPath, pending)
	}

	words := map[string]string{"fr": "Vos droits", "nl": "Uw rechten", "en": "Your rights", "de": "Ihre Rechte"}
	for _, lang := range locale.Languages {
		t.Run(lang, func(t *testing.T) {
			c := p.Client(t)
			c.SetCookie(locale.CookieName, lang)
			form := c.Get("/requests/new?site=esomus")
			csrf := testapp.CSRF(t, form.Body)
			bad := filing(csrf)
			bad.Set("email", "nope")
			bad.Set("kinds", "rectification")
			bad.Set("typed_value_0", "a b")
			if res := c.Post("/requests", filing(csrf)); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("filing: %d", res.StatusCode)
			}
			noToken := filing("")
			noToken.Del("_csrf")
			pages := []testapp.Response{
				c.Get("/"),
				c.Get("/sites/esomus/cookies"),
				c.Get("/sites/itsme/cookies"),
				form,
				c.Post("/requests", bad),
				c.Get("/requests/filed"),
				c.Get(pending),
				c.Get(statusPath),
				c.Get(statusPath + "/withdraw"),
				c.Get("/sites/nope/cookies"),
				c.Get("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
				c.Post("/requests", noToken),
				c.Post("/", url.Values{"_csrf": {csrf}}),
			}
			for _, pg := range pages {
				where := pg.Request.Method + " " + pg.Request.URL.Path
				if got := pageLang(t, pg); got != lang {
					t.Errorf("%s: page in %q", where, got)
				}
				if m := placeholder.FindString(pg.Body); m != "" {
					t.Errorf("%s: missing message %s", where, m)
				}
				if !strings.Contains(pg.Body, words[lang]) {
					t.Errorf("%s: the layout lacks %q", where, words[lang])
				}
				if pg.StatusCode >= 400 && !strings.Contains(pg.Body, `href="/language?lang=`) {
					t.Errorf("%s (%d): no language switch", where, pg.StatusCode)
				}
			}
		})
	}
}
