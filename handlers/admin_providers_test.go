package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rightsdesk/access"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// providersOf returns what is recorded of a site's providers, by name.
func providersOf(t *testing.T, p *testapp.Portal, slug string) map[string]access.Provider {
	t.Helper()
	s, err := p.Store.SiteBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := p.Store.SiteProviders(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]access.Provider{}
	for _, pr := range ps {
		out[pr.Name] = pr.Plain()
	}
	return out
}

func providerForm(csrf, name, country, safeguard, text string) url.Values {
	return url.Values{"_csrf": {csrf}, "provider": {name}, "country": {country}, "safeguard": {safeguard}, "safeguard_text": {text}}
}

// TestAdminRecordsWhereProvidersProcessTheData: the catalogue page lists the third-party providers
// of the live cookies with a form each; a provider with no country is flagged; a place is saved
// by access.CheckProvider's rules, refused beside the field with what was typed kept, and only
// for a provider the site's live cookies name.
func TestAdminRecordsWhereProvidersProcessTheData(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		page := admin.Get("/admin/sites/itsme/cookies")
		expect(t, page, 200, "Providers (where the data goes)", `action="/admin/sites/itsme/providers"`,
			`name="provider" value="zopim.com"`, `<option value="US" selected>United States (US)</option>`,
			`<option value="dpf" selected>EU–US Data Privacy Framework</option>`, "Standard contractual clauses (Art. 46(2)(c))")
		if strings.Contains(page.Body, "answers to access requests will ask staff to complete it") {
			t.Error("the demo's providers all have a country, yet the page says one is missing")
		}
		if strings.Contains(page.Body, `name="provider" value="www.itsme-id.com"`) {
			t.Error("the first party is offered as a provider")
		}
		csrf := testapp.CSRF(t, page.Body)

		// A new third-party cookie brings a provider with no country: the page says so.
		expect(t, admin.Post("/admin/sites/itsme/cookies", cookieFields(csrf)), http.StatusSeeOther)
		page = admin.Get("/admin/sites/itsme/cookies")
		expect(t, page, 200, `name="provider" value="google.com"`, "1 provider has no country recorded",
			"answers to access requests will ask staff to complete it")
		before := providersOf(t, p, "itsme")
		if before["google.com"].Country != "" {
			t.Fatalf("google.com: %+v", before["google.com"])
		}

		// Refused: each rule of CheckProvider, beside its field, with what was typed kept.
		for _, tc := range []struct {
			country, safeguard, text string
			field, msg               string
		}{
			{"FR", "scc", "", "safeguard", "A provider within the EU/EEA receives no transfer"},
			{"CN", "", "", "safeguard", "Say what safeguard covers the transfer outside the EU/EEA"},
			{"JP", "dpf", "", "safeguard", "covers only companies in the United States"},
			{"IN", "other", "", "safeguard_text", "Describe the safeguard or the derogation"},
			{"", "scc", "", "country", "Say in which country the provider processes the data"},
			{"XX", "", "", "country", "Choose the country from the list"},
			{"US", "trust-me", "", "safeguard", "Choose a safeguard from the list."},
		} {
			res := admin.Post("/admin/sites/itsme/providers", providerForm(csrf, "google.com", tc.country, tc.safeguard, tc.text))
			expect(t, res, http.StatusUnprocessableEntity, "Not saved: correct the provider below; what you typed is kept",
				html.EscapeString(tc.msg), `aria-invalid="true"`)
			idx := strings.Index(res.Body, `name="provider" value="google.com"`)
			if idx < 0 {
				t.Fatalf("%+v: the provider's form is gone", tc)
			}
			form := res.Body[idx:]
			form = form[:strings.Index(form, "</form>")]
			if !strings.Contains(form, `-`+tc.field+`-error">`) {
				t.Errorf("%+v: the error is not beside the %s field:\n%s", tc, tc.field, form)
			}
			if tc.country != "" && !strings.Contains(form, `value="`+tc.country+`" selected`) {
				t.Errorf("%+v: the country typed is not kept", tc)
			}
			if tc.safeguard != "" && !strings.Contains(form, `value="`+tc.safeguard+`" selected`) {
				t.Errorf("%+v: the safeguard typed is not kept", tc)
			}
		}
		// Hostile input: a clear refusal, and nothing changes.
		for _, f := range []url.Values{
			providerForm(csrf, "google.com", "U\x00S", "dpf", ""),
			providerForm(csrf, "google.com", "US", "dpf\x00", ""),
			providerForm(csrf, "google.com", "IN", "other", "bad \xff\xfe bytes"),
			providerForm(csrf, "google.com", "IN", "other", "nul\x00here"),
			providerForm(csrf, "google.com", "IN", "other", strings.Repeat("é", access.MaxSafeguardText+1)),
		} {
			expect(t, admin.Post("/admin/sites/itsme/providers", f), http.StatusUnprocessableEntity, "Not saved")
		}
		expect(t, admin.Post("/admin/sites/itsme/providers", providerForm(csrf, "google.com", "IN", "other", strings.Repeat("w", 70<<10))),
			http.StatusRequestEntityTooLarge)
		// Unknown providers: another site's, the first party, a retired cookie's, garbage.
		for _, name := range []string{"nobody.example", "Partenaires commerciaux d'ESOMUS (non nommés)", "www.itsme-id.com", "", "zopim.com\x00", "\xff"} {
			expect(t, admin.Post("/admin/sites/itsme/providers", providerForm(csrf, name, "US", "dpf", "")), http.StatusNotFound)
		}
		expect(t, admin.Post("/admin/sites/nope/providers", providerForm(csrf, "google.com", "US", "dpf", "")), http.StatusNotFound)
		if after := providersOf(t, p, "itsme"); len(after) != len(before) || after["google.com"] != before["google.com"] {
			t.Fatalf("a refused form changed the providers: %+v", after)
		}

		// Saved: 303 back to the section, with a notice.
		res := admin.Post("/admin/sites/itsme/providers", providerForm(csrf, "google.com", " us ", "dpf", ""))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/sites/itsme/cookies#providers" {
			t.Fatalf("save: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		page = admin.Get("/admin/sites/itsme/cookies")
		expect(t, page, 200, "Saved where google.com processes the data: United States, EU–US Data Privacy Framework.")
		if strings.Contains(page.Body, "no country recorded") {
			t.Error("the warning stays after the country was recorded")
		}
		if got := providersOf(t, p, "itsme")["google.com"]; got != (access.Provider{Name: "google.com", Country: "US", Safeguard: access.SafeguardDPF}) {
			t.Fatalf("google.com: %+v", got)
		}
		// Other, with words; back within the EU/EEA; and "not recorded" again.
		expect(t, admin.Post("/admin/sites/itsme/providers", providerForm(csrf, "google.com", "IN", "other", "Art. 49(1)(a): explicit consent")), http.StatusSeeOther)
		if got := providersOf(t, p, "itsme")["google.com"]; got.Safeguard != access.SafeguardOther || got.Text != "Art. 49(1)(a): explicit consent" {
			t.Fatalf("google.com: %+v", got)
		}
		expect(t, admin.Post("/admin/sites/itsme/providers", providerForm(csrf, "google.com", "IE", "", "")), http.StatusSeeOther)
		expect(t, admin.Get("/admin/sites/itsme/cookies"), 200, "Saved where google.com processes the data: Ireland, within the EU/EEA.")
		expect(t, admin.Post("/admin/sites/itsme/providers", providerForm(csrf, "google.com", "", "", "")), http.StatusSeeOther)
		expect(t, admin.Get("/admin/sites/itsme/cookies"), 200, "1 provider has no country recorded")
	})
}

// TestProvidersFormIsForAdminsOnly: the route is an admin's, like the rest of the catalogue, with
// its CSRF token; staff and managers of the site's own controller are refused and change nothing.
// (Admins see every controller: the portal has no admin scoped to one.)
func TestProvidersFormIsForAdminsOnly(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		before := providersOf(t, p, "itsme")
		anonymous := p.Client(t)
		csrf := testapp.CSRF(t, anonymous.Get("/staff/login").Body)
		expect(t, anonymous.Post("/admin/sites/itsme/providers", providerForm(csrf, "zopim.com", "IE", "", "")), http.StatusUnauthorized)
		staff := member(t, p, "sam@itsme.example", models.RoleStaff, "itsme")
		manager := member(t, p, "mo@itsme.example", models.RoleManager, "itsme")
		for _, c := range []*testapp.Client{staff, manager} {
			expect(t, c.Post("/admin/sites/itsme/providers", providerForm(csrfOf(t, c), "zopim.com", "IE", "", "")), http.StatusForbidden)
			if strings.Contains(c.Get("/staff/cases").Body, "Providers (where the data goes)") {
				t.Error("a non-admin sees the providers")
			}
		}
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		noToken := providerForm("", "zopim.com", "IE", "", "")
		noToken.Del("_csrf")
		expect(t, admin.Post("/admin/sites/itsme/providers", noToken), http.StatusForbidden)
		if after := providersOf(t, p, "itsme"); after["zopim.com"] != before["zopim.com"] {
			t.Fatalf("a refused request changed zopim.com: %+v", after["zopim.com"])
		}
	})
}

// TestImportRecordsProviders: a file with the provider's columns previews their changes and
// records them on apply; a file without them leaves recorded providers alone; the export
// carries them and reimports to no change.
func TestImportRecordsProviders(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := testapp.CSRF(t, admin.Get("/admin/sites/itsme/cookies/import").Body)
		exported := admin.Get("/admin/sites/itsme/cookies.csv")
		expect(t, exported, 200, ",provider_country,transfer_safeguard,transfer_safeguard_text\r\n", ",zopim.com,third,", ",US,dpf,")
		before := providersOf(t, p, "itsme")

		// zopim.com moves to Ireland in the file: the only change, offered for applying.
		file := strings.ReplaceAll(exported.Body, ",zopim.com,third,functional,", ",zopim.com,third,functional,")
		var lines []string
		for _, l := range strings.Split(file, "\r\n") {
			if strings.Contains(l, ",zopim.com,third,") {
				l = strings.TrimSuffix(l, ",US,dpf,") + ",IE,,"
			}
			lines = append(lines, l)
		}
		file = strings.Join(lines, "\r\n")
		res := postMultipart(t, admin, p.URL, "/admin/sites/itsme/cookies/import", url.Values{"_csrf": {csrf}, "content": {file}}, nil)
		expect(t, res, 200, "0 added, 0 changed, 0 retired, 0 restored, 20 unchanged", "Providers recorded (1)",
			"zopim.com: <del>United States, EU–US Data Privacy Framework</del> → <ins>Ireland, within the EU/EEA</ins>", "Apply these changes")
		if got := providersOf(t, p, "itsme"); got["zopim.com"] != before["zopim.com"] {
			t.Fatal("the preview saved a provider")
		}
		fp := fingerprintField.FindStringSubmatch(res.Body)
		if fp == nil {
			t.Fatal("no fingerprint in the preview")
		}
		res = postMultipart(t, admin, p.URL, "/admin/sites/itsme/cookies/import/apply", url.Values{"_csrf": {csrf}, "content": {file}, "fingerprint": {fp[1]}}, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, admin.Get("/admin/sites/itsme/cookies"), 200, "Recorded where 8 provider(s) process the data.")
		after := providersOf(t, p, "itsme")
		if after["zopim.com"] != (access.Provider{Name: "zopim.com", Country: "IE"}) || after["cloudflare.com"] != before["cloudflare.com"] {
			t.Fatalf("after the import: %+v", after)
		}

		// Rows of a provider that disagree are refused with the line.
		bad := strings.Replace(exported.Body, ",cloudflare.com,third,necessary,", ",cloudflare.com,third,necessary,", 1)
		lines = nil
		n := 0
		for _, l := range strings.Split(bad, "\r\n") {
			if strings.Contains(l, ",cloudflare.com,third,") {
				if n++; n == 2 {
					l = strings.TrimSuffix(l, ",US,dpf,") + ",US,scc,"
				}
			}
			lines = append(lines, l)
		}
		res = postMultipart(t, admin, p.URL, "/admin/sites/itsme/cookies/import", url.Values{"_csrf": {csrf}, "content": {strings.Join(lines, "\r\n")}}, nil)
		expect(t, res, http.StatusUnprocessableEntity, "the provider &#34;cloudflare.com&#34; is given US, dpf on line")

		// A file without the columns leaves the providers as they are.
		plain := "name,provider,party,category\r\n__zlcmid,zopim.com,third,functional\r\n"
		res = postMultipart(t, admin, p.URL, "/admin/sites/itsme/cookies/import", url.Values{"_csrf": {csrf}, "content": {plain}}, nil)
		if strings.Contains(res.Body, "Providers recorded") {
			t.Error("a file without the columns previews provider changes")
		}
		fp = fingerprintField.FindStringSubmatch(res.Body)
		res = postMultipart(t, admin, p.URL, "/admin/sites/itsme/cookies/import/apply", url.Values{"_csrf": {csrf}, "content": {plain}, "fingerprint": {fp[1]}}, nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", res.StatusCode, res.Body)
		}
		if got := providersOf(t, p, "itsme"); len(got) != 1 || got["zopim.com"] != after["zopim.com"] {
			t.Fatalf("after an import without the columns: %+v", got)
		}
	})
}
