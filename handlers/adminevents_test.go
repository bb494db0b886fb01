package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"rightsdesk/events"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// adminEvents returns the events without a case written since the one with id after, oldest first.
func adminEvents(t *testing.T, p *testapp.Portal, after int64) []models.Event {
	t.Helper()
	var es []models.Event
	if err := models.GormForTest(p.Store).Where("case_id IS NULL AND id > ?", after).Order("id").Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	return es
}

func lastEventID(t *testing.T, p *testapp.Portal) int64 {
	t.Helper()
	var id int64
	if err := models.GormForTest(p.Store).Raw(`SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// oneEvent checks that exactly one event was written since after: of type typ, in the scope of the
// controller ctrl (0: the whole portal), by the user actor, staff-only; it returns its detail.
func oneEvent(t *testing.T, p *testapp.Portal, after int64, typ string, ctrl int64, actor models.User) events.Detail {
	t.Helper()
	es := adminEvents(t, p, after)
	if len(es) != 1 {
		var types []string
		for _, e := range es {
			types = append(types, e.Type)
		}
		t.Fatalf("%d events %v, want one %s", len(es), types, typ)
	}
	e := es[0]
	if e.Type != typ || e.ControllerID != ctrl || e.ActorType != models.ActorStaff || e.ActorUserID == nil ||
		*e.ActorUserID != actor.ID || e.Public {
		t.Fatalf("event %s of controller %d by %s %v (public %v), want %s of %d by user %d",
			e.Type, e.ControllerID, e.ActorType, e.ActorUserID, e.Public, typ, ctrl, actor.ID)
	}
	d, err := events.Decode(e.Type, e.Detail)
	if err != nil {
		t.Fatal(err)
	}
	if e.Message != events.English(d) {
		t.Errorf("message %q, detail says %q", e.Message, events.English(d))
	}
	return d
}

func noEvent(t *testing.T, p *testapp.Portal, after int64, what string) {
	t.Helper()
	if es := adminEvents(t, p, after); len(es) != 0 {
		t.Errorf("%s wrote %d event(s): %s", what, len(es), es[0].Type)
	}
}

// sealedAndVerified seals what waits and checks the whole chain.
func sealedAndVerified(t *testing.T, p *testapp.Portal) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Store.SealEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := p.Store.VerifyAudit(ctx); err != nil || !r.OK {
		t.Fatalf("chain: %+v %v", r, err)
	}
}

// Organisations and sites: each change is one event of the organisation, by the admin; a refused
// form and a change to nothing write none.
func TestAdminEventsOfOrganisationsAndSites(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		csrf := csrfOf(t, admin)

		n := lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers", controllerFields(csrf, "slug", "Not A Slug")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused organisation")
		expect(t, admin.Post("/admin/controllers", controllerFields(csrf)), http.StatusSeeOther)
		acme, err := p.Store.ControllerBySlug(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if d := oneEvent(t, p, n, "controller_added", acme.ID, ada); d != (events.ControllerAdded{Slug: "acme", Name: "Acme SA"}) {
			t.Errorf("detail %+v", d)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf, "keep_answered_days", "2")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused retention period")
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf)), http.StatusSeeOther)
		noEvent(t, p, n, "saving the organisation unchanged")
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf, "name", "Acme NV", "keep_answered_days", "730")), http.StatusSeeOther)
		d := oneEvent(t, p, n, "controller_changed", acme.ID, ada).(events.ControllerChanged)
		if !slices.Equal(d.Changed, []string{"name", "retention of answered requests"}) || d.KeepAnsweredFrom != 1095 || d.KeepAnsweredTo != 730 ||
			d.KeepUnconfirmedTo != 0 || d.KeepRecord {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf, "name", "Acme NV", "keep_answered_days", "730", "keep_record_years", "0")), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "controller_changed", acme.ID, ada).(events.ControllerChanged); !d.KeepRecord || d.KeepRecordFrom != 10 || d.KeepRecordTo != 0 {
			t.Errorf("record setting's detail %+v", d)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites", siteFields(csrf, "controller", "acme", "slug", "acme-shop", "domains", "not a domain")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused site")
		expect(t, admin.Post("/admin/sites", siteFields(csrf, "controller", "acme", "slug", "acme-shop")), http.StatusSeeOther)
		sd := oneEvent(t, p, n, "site_added", acme.ID, ada).(events.SiteAdded)
		if sd.Site != "acme-shop" || !slices.Equal(sd.Domains, []string{"shop.esomus.com", "www.shop.esomus.com"}) {
			t.Errorf("detail %+v", sd)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/acme-shop", siteFields(csrf, "name", "Acme Shop")), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "site_changed", acme.ID, ada).(events.SiteChanged); !slices.Equal(d.Changed, []string{"name"}) {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/acme-shop/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "site_retired", acme.ID, ada)
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/acme-shop/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		noEvent(t, p, n, "retiring a retired site")
		expect(t, admin.Post("/admin/sites/acme-shop/restore", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "site_restored", acme.ID, ada)

		n = lastEventID(t, p)
		expect(t, postLogo(t, admin, admin.Base(), "/admin/controllers/acme/logo", csrf, "logo.png", []byte("not an image")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused logo")
		expect(t, postLogo(t, admin, admin.Base(), "/admin/controllers/acme/logo", csrf, "logo.png", pngLogo(t, 60, 20)), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "logo_changed", acme.ID, ada).(events.LogoChanged); d.Width != 60 || d.Height != 20 || d.ContentType != "image/png" {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers/acme/logo/remove", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "logo_removed", acme.ID, ada)
		sealedAndVerified(t, p)

		// The audit log lists them in their organisation's scope, with their sentence, and
		// filters them by type.
		res := admin.Get("/admin/audit?type=site_added")
		expect(t, res, http.StatusOK, "Site added", "Site ESOMUS Shop (acme-shop) added: shop.esomus.com www.shop.esomus.com.",
			"no case: the organisation", "Ada Admin")
		if strings.Contains(res.Body, "restored to the public pages") {
			t.Error("the type filter let another type through")
		}
		expect(t, admin.Get("/admin/audit"), http.StatusOK, `<option value="controller_changed"`, `<option value="webhook_set"`)
	})
}

// Accounts are the whole portal's: an invitation, a change and ending the sessions are one event
// each, by the admin, with the person's name and address in the detail's personal part.
func TestAdminEventsOfAccounts(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		csrf := csrfOf(t, admin)
		esomus, err := p.Store.ControllerBySlug(context.Background(), "esomus")
		if err != nil {
			t.Fatal(err)
		}
		id := itoa(esomus.ID)

		n := lastEventID(t, p)
		bad := inviteForm(csrf, id)
		bad.Set("email", "not an address")
		expect(t, admin.Post("/admin/users", bad), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused invitation")
		expect(t, admin.Post("/admin/users", inviteForm(csrf, id)), http.StatusSeeOther)
		nina := accountOf(t, p, "nina@example.org")
		want := events.UserInvited{UserID: nina.ID, Name: "Nina Novak", Email: "nina@example.org", Role: "staff", Controllers: []string{"esomus"}}
		if d := oneEvent(t, p, n, "user_invited", 0, ada).(events.UserInvited); d.UserID != want.UserID || d.Name != want.Name ||
			d.Email != want.Email || d.Role != want.Role || !slices.Equal(d.Controllers, want.Controllers) {
			t.Errorf("detail %+v, want %+v", d, want)
		}
		if pub := events.Public("user_invited", adminEvents(t, p, n)[0].Detail); strings.Contains(pub, "Nina") || strings.Contains(pub, "nina@") {
			t.Errorf("the public part keeps the name or address: %s", pub)
		}

		path := "/admin/users/" + itoa(nina.ID)
		n = lastEventID(t, p)
		expect(t, admin.Post(path, url.Values{"_csrf": {csrf}, "role": {"root"}, "controllers": {id}, "active": {"1"}}), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused change of account")
		expect(t, admin.Post(path, url.Values{"_csrf": {csrf}, "role": {"manager"}, "controllers": {id}}), http.StatusSeeOther)
		d := oneEvent(t, p, n, "user_changed", 0, ada).(events.UserChanged)
		if d.RoleFrom != "staff" || d.RoleTo != "manager" || !d.ActiveFrom || d.ActiveTo || d.Name != "Nina Novak" ||
			!slices.Equal(d.ControllersFrom, []string{"esomus"}) || !slices.Equal(d.ControllersTo, []string{"esomus"}) {
			t.Errorf("detail %+v", d)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post(path+"/logout-everywhere", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "user_sessions_ended", 0, ada)
		sealedAndVerified(t, p)
		expect(t, admin.Get("/admin/audit?type=user_invited"), http.StatusOK, "no case: the whole portal",
			"Invited Nina Novak &lt;nina@example.org&gt; as staff of esomus")
	})
}

// Cookies, the catalogue's import and providers: one event each in the site's organisation.
func TestAdminEventsOfTheCatalogue(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		csrf := csrfOf(t, admin)
		site, _ := p.Store.SiteBySlug(ctx, "esomus")

		n := lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/esomus/cookies", cookieFields(csrf, "category", "nonsense")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused cookie")
		expect(t, admin.Post("/admin/sites/esomus/cookies", cookieFields(csrf)), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "cookie_added", site.ControllerID, ada); d != (events.CookieAdded{Site: "esomus", Cookie: "_ga"}) {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/esomus/cookies", cookieFields(csrf)), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a cookie whose name the site has")

		ga := cookieNamed(t, p, "esomus", "_ga")
		cpath := "/admin/sites/esomus/cookies/" + itoa(ga.ID)
		expect(t, admin.Post(cpath, cookieFields(csrf, "name", "_ga4", "purpose", "Compte les visites.")), http.StatusSeeOther)
		d := oneEvent(t, p, n, "cookie_changed", site.ControllerID, ada).(events.CookieChanged)
		if d.Cookie != "_ga4" || d.Was != "_ga" || !slices.Contains(d.Changed, "name") || !slices.Contains(d.Changed, "purpose") || len(d.Changed) != 2 {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post(cpath+"/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "cookie_retired", site.ControllerID, ada)
		n = lastEventID(t, p)
		expect(t, admin.Post(cpath+"/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		noEvent(t, p, n, "retiring a retired cookie")
		expect(t, admin.Post(cpath+"/restore", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "cookie_restored", site.ControllerID, ada)

		n = lastEventID(t, p)
		pv := url.Values{"_csrf": {csrf}, "provider": {"google.com"}, "country": {"US"}, "safeguard": {"dpf"}}
		bad := url.Values{"_csrf": {csrf}, "provider": {"google.com"}, "country": {"XX"}, "safeguard": {"dpf"}}
		expect(t, admin.Post("/admin/sites/esomus/providers", bad), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused provider")
		expect(t, admin.Post("/admin/sites/esomus/providers", pv), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "provider_saved", site.ControllerID, ada).(events.ProviderSaved); d.Provider != "google.com" || d.Country != "US" {
			t.Errorf("detail %+v", d)
		}
		sealedAndVerified(t, p)
	})
}

// A site's integration: one event each, naming the secret or key by its id or prefix and the
// webhook by its host; no detail holds a secret just made.
func TestAdminEventsOfTheIntegrationHoldNoSecret(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		csrf := testapp.CSRF(t, admin.Get(integrationPage).Body)
		site, _ := p.Store.SiteBySlug(ctx, "esomus")
		var secrets []string
		shown := func(res testapp.Response) string {
			t.Helper()
			m := revealed.FindStringSubmatch(res.Body)
			if m == nil {
				t.Fatalf("nothing revealed: %d", res.StatusCode)
			}
			secrets = append(secrets, m[1])
			return m[1]
		}
		start := lastEventID(t, p)

		n := lastEventID(t, p)
		shown(admin.Post(integrationPage+"/secrets", url.Values{"_csrf": {csrf}}))
		ss, _ := p.Store.SiteSecrets(ctx, site.ID)
		if d := oneEvent(t, p, n, "site_secret_added", site.ControllerID, ada); d != (events.SiteSecretAdded{Site: "esomus", KeyID: ss[0].KeyID}) {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/secrets/"+itoa(ss[0].ID)+"/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "site_secret_retired", site.ControllerID, ada)
		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/secrets/"+itoa(ss[0].ID)+"/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		noEvent(t, p, n, "retiring a retired secret")

		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/keys", url.Values{"_csrf": {csrf}, "label": {"two\r\nlines"}}), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused API key")
		shown(admin.Post(integrationPage+"/keys", url.Values{"_csrf": {csrf}, "label": {"CRM sync"}}))
		keys, _ := p.Store.SiteAPIKeys(ctx, site.ID)
		if d := oneEvent(t, p, n, "api_key_created", site.ControllerID, ada); d != (events.APIKeyCreated{Site: "esomus", Prefix: keys[0].Prefix, Label: "CRM sync"}) {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/keys/"+itoa(keys[0].ID)+"/revoke", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "api_key_revoked", site.ControllerID, ada)

		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {"http://93.184.215.14/hook"}}), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused webhook")
		hook := "https://93.184.215.14/hook?token=site-own-token"
		shown(admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {hook}}))
		if d := oneEvent(t, p, n, "webhook_set", site.ControllerID, ada); d != (events.WebhookSet{Site: "esomus", Host: "93.184.215.14"}) {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		shown(admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {hook}}))
		if d := oneEvent(t, p, n, "webhook_set", site.ControllerID, ada).(events.WebhookSet); !d.Rotated {
			t.Errorf("the same URL again is not a rotation: %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/webhook/remove", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "webhook_removed", site.ControllerID, ada)
		n = lastEventID(t, p)
		expect(t, admin.Post(integrationPage+"/webhook/remove", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		noEvent(t, p, n, "removing no webhook")

		all := adminEvents(t, p, start)
		if len(all) != 7 || len(secrets) != 4 {
			t.Fatalf("%d events, %d secrets", len(all), len(secrets))
		}
		for _, e := range all {
			for _, s := range secrets {
				if s == "" || strings.Contains(e.Detail, s) || strings.Contains(e.Message, s) {
					t.Errorf("%s holds a secret just made: %s", e.Type, e.Detail)
				}
			}
			if strings.Contains(e.Detail, "site-own-token") || strings.Contains(e.Message, "site-own-token") {
				t.Errorf("%s holds the webhook URL's query: %s", e.Type, e.Detail)
			}
		}
		sealedAndVerified(t, p)
	})
}

// The letters' wording and the disclosure page: one event of the organisation, by whoever acted
// (an admin, a manager); switching the page to what it is already writes none.
func TestAdminEventsOfLettersAndTheDisclosurePage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		esomus, _ := p.Store.ControllerBySlug(ctx, "esomus")
		csrf := csrfOf(t, admin)

		n := lastEventID(t, p)
		save := func(wording string) testapp.Response {
			return admin.Post("/admin/letters/verification", url.Values{"_csrf": {csrf}, "controller": {itoa(esomus.ID)}, "lang": {"fr"},
				"w.verification.subject": {wording}})
		}
		expect(t, save("Demande {{.Referense}}"), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused wording")
		expect(t, save("Merci de confirmer {{.Reference}}"), http.StatusSeeOther)
		d := oneEvent(t, p, n, "letter_wording_saved", esomus.ID, ada).(events.LetterWordingSaved)
		if d.Letter != "verification" || d.Language != "fr" || !slices.Equal(d.Saved, []string{"verification.subject"}) || len(d.Reset) != 0 {
			t.Errorf("detail %+v", d)
		}

		manager := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
		mia := accountOf(t, p, "mia@esomus.example")
		path := "/manager/transparency/" + itoa(esomus.ID)
		n = lastEventID(t, p)
		expect(t, manager.Post(path, url.Values{"_csrf": {csrfOf(t, manager)}, "published": {"maybe"}}), http.StatusBadRequest)
		expect(t, manager.Post(path, url.Values{"_csrf": {csrfOf(t, manager)}, "published": {"yes"}}), http.StatusSeeOther)
		noEvent(t, p, n, "publishing a published page, or a bad switch")
		expect(t, manager.Post(path, url.Values{"_csrf": {csrfOf(t, manager)}, "published": {"no"}}), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "transparency_switched", esomus.ID, mia); d != (events.TransparencySwitched{Published: false}) {
			t.Errorf("detail %+v", d)
		}
		sealedAndVerified(t, p)
	})
}

// An import is one event with what it changed; a stale one (the catalogue changed since the
// preview) is refused and writes none, nor does a bad file.
func TestAdminEventOfAnImport(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		csrf := testapp.CSRF(t, admin.Get("/admin/sites/esomus/cookies/import").Body)
		site, _ := p.Store.SiteBySlug(context.Background(), "esomus")
		file := "name,provider,party,category,purpose,lifetime,identifying\n" +
			"STCK_ID,ESOMUS,first,analytics,Ce cookie nous permet de cartographier votre consultation de notre site lorsque vous vous inscrivez initialement à nos services.,Session,yes\n" +
			"UID,ESOMUS,first,analytics,Compte les pages.,2 ans,yes\n" +
			"_fbp,facebook.com,third,marketing,Publicité.,3 mois,no\n"
		res := postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import", url.Values{"_csrf": {csrf}, "content": {file}}, nil)
		fp := fingerprintField.FindStringSubmatch(res.Body)
		if fp == nil {
			t.Fatalf("no preview: %d\n%s", res.StatusCode, res.Body)
		}
		u2 := cookieNamed(t, p, "esomus", "U2")
		expect(t, admin.Post("/admin/sites/esomus/cookies/"+itoa(u2.ID)+"/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)

		n := lastEventID(t, p)
		apply := url.Values{"_csrf": {csrf}, "content": {file}, "fingerprint": {fp[1]}}
		res = postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", apply, nil)
		expect(t, res, http.StatusConflict, "The catalogue changed after this preview")
		noEvent(t, p, n, "a stale import")
		bad := url.Values{"_csrf": {csrf}, "content": {strings.Replace(file, "marketing", "tracking", 1)}, "fingerprint": {fp[1]}}
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", bad, nil), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a bad file")

		apply.Set("fingerprint", fingerprintField.FindStringSubmatch(res.Body)[1])
		expect(t, postMultipart(t, admin, p.URL, "/admin/sites/esomus/cookies/import/apply", apply, nil), http.StatusSeeOther)
		d := oneEvent(t, p, n, "catalogue_imported", site.ControllerID, ada)
		if d != (events.CatalogueImported{Site: "esomus", Cookies: 3, Added: 1, Changed: 1, Retired: 4}) {
			t.Errorf("detail %+v", d)
		}
		sealedAndVerified(t, p)
	})
}
