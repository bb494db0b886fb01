package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

const integrationPage = "/admin/sites/esomus/integration"

var revealed = regexp.MustCompile(`id="revealed-value">([^<]+)<`)

func TestIntegrationPageRoles(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		anon := p.Client(t)
		res := anon.Get(integrationPage)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/staff/login") {
			t.Errorf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		manager := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
		for name, c := range map[string]*testapp.Client{"staff": staff, "manager": manager} {
			if res := c.Get(integrationPage); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET: %d", name, res.StatusCode)
			}
			csrf := csrfOf(t, c)
			for _, path := range []string{"/secrets", "/keys", "/webhook", "/webhook/remove"} {
				if res := c.Post(integrationPage+path, url.Values{"_csrf": {csrf}, "url": {"https://x.example/"}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s POST %s: %d", name, path, res.StatusCode)
				}
			}
		}
		site, _ := p.Store.SiteBySlug(context.Background(), "esomus")
		if ss, _ := p.Store.SiteSecrets(context.Background(), site.ID); len(ss) != 0 {
			t.Error("a refused request made a secret")
		}
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		expect(t, admin.Get(integrationPage), 200, "Signing secrets", "API keys", "Webhook", "add</strong> a secret, <strong>deploy")
		if res := admin.Get("/admin/sites/no-such-site/integration"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown site: %d", res.StatusCode)
		}
	})
}

func TestIntegrationSecretShownOnceAndRetired(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		site, _ := p.Store.SiteBySlug(ctx, "esomus")
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		page := admin.Get(integrationPage)
		res := admin.Post(integrationPage+"/secrets", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}})
		expect(t, res, 200, "shown only this once")
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		ss, _ := p.Store.SiteSecrets(ctx, site.ID)
		if len(ss) != 1 {
			t.Fatalf("%d secrets", len(ss))
		}
		m := revealed.FindStringSubmatch(res.Body)
		live, ok, err := p.Store.LiveSiteSecret(ctx, site.ID, ss[0].KeyID)
		if m == nil || err != nil || !ok || m[1] != string(live) || !strings.Contains(res.Body, ss[0].KeyID) {
			t.Fatal("the new secret and its key id are not shown")
		}
		again := admin.Get(integrationPage)
		if strings.Contains(again.Body, m[1]) || !strings.Contains(again.Body, ss[0].KeyID) {
			t.Error("the secret is shown again, or its key id is not listed")
		}
		if cc := again.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}

		res = admin.Post(integrationPage+"/secrets/"+itoa(ss[0].ID)+"/retire", url.Values{"_csrf": {testapp.CSRF(t, again.Body)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("retire: %d", res.StatusCode)
		}
		if _, ok, _ := p.Store.LiveSiteSecret(ctx, site.ID, ss[0].KeyID); ok {
			t.Error("the retired secret is live")
		}
		expect(t, admin.Get(integrationPage), 200, "retired ", "links signed with it are refused")
		// Another site's secret cannot be retired through this site's page.
		other := siteSecret(t, p, "itsme")
		res = admin.Post(integrationPage+"/secrets/"+itoa(other.ID)+"/retire", url.Values{"_csrf": {testapp.CSRF(t, again.Body)}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("retire another site's secret: %d", res.StatusCode)
		}
		itsme, _ := p.Store.SiteBySlug(ctx, "itsme")
		if _, ok, _ := p.Store.LiveSiteSecret(ctx, itsme.ID, other.KeyID); !ok {
			t.Error("another site's secret was retired")
		}
	})
}

func TestIntegrationAPIKeys(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := testapp.CSRF(t, admin.Get(integrationPage).Body)
		res := admin.Post(integrationPage+"/keys", url.Values{"_csrf": {csrf}, "label": {"CRM sync"}})
		expect(t, res, 200, "shown only this once", "CRM sync")
		m := revealed.FindStringSubmatch(res.Body)
		if m == nil {
			t.Fatal("the key is not shown")
		}
		plain := html.UnescapeString(m[1])
		k, err := p.Store.SiteAPIKeyFor(ctx, plain)
		if err != nil {
			t.Fatalf("the shown key does not open the API: %v", err)
		}
		list := admin.Get(integrationPage)
		if strings.Contains(list.Body, plain) || !strings.Contains(list.Body, "rdk_"+k.Prefix+"_…") {
			t.Error("the key is shown again, or its prefix is not listed")
		}

		res = admin.Post(integrationPage+"/keys", url.Values{"_csrf": {csrf}, "label": {"two\r\nlines"}})
		expect(t, res, http.StatusUnprocessableEntity, "single line")
		if revealed.MatchString(res.Body) {
			t.Error("a key was made for a refused label")
		}

		res = admin.Post(integrationPage+"/keys/"+itoa(k.ID)+"/revoke", url.Values{"_csrf": {csrf}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", res.StatusCode)
		}
		if _, err := p.Store.SiteAPIKeyFor(ctx, plain); err == nil {
			t.Error("a revoked key opens the API")
		}
		expect(t, admin.Get(integrationPage), 200, "revoked ", "it opens nothing from now on")
	})
}

func TestIntegrationWebhook(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := testapp.CSRF(t, admin.Get(integrationPage).Body)
		refused := []struct{ name, url, want string }{
			{"javascript", "javascript:alert(1)", "absolute URL"},
			{"credentials", "https://user:pw@esomus.example/hook", "user name or password"},
			{"ftp", "ftp://esomus.example/hook", "https://"},
			{"plain http", "http://esomus.example/hook", "https://"},
			{"newline injection", "https://esomus.example/hook\r\nX-Injected: 1", "one line"},
			{"space", "https://esomus.example/a hook", "one line"},
			{"relative", "/hook", "absolute URL"},
			{"fragment", "https://esomus.example/hook#x", "fragment"},
			{"huge", "https://esomus.example/" + strings.Repeat("a", 2001), "too long"},
			{"empty", "", "Give the URL"},
			// The portal's own machine, its network, a cloud's metadata service (SSRF).
			{"metadata", "https://169.254.169.254/latest/meta-data", "private network"},
			{"private", "https://10.0.0.1/hook", "private network"},
			{"loopback v6", "http://[::1]:8080/hook", "https://"},
			{"loopback https", "https://127.0.0.1:8443/hook", "private network"},
			{"localhost", "https://localhost/hook", "private network"},
			{"mapped", "https://[::ffff:192.168.0.1]/hook", "private network"},
			{"loopback http", "http://127.0.0.1:9000/hook", "https://"},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				res := admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {tc.url}})
				expect(t, res, http.StatusUnprocessableEntity, tc.want)
				if tc.url != "" && len(tc.url) < 200 && !strings.Contains(res.Body, `value="`+html.EscapeString(tc.url)+`"`) {
					t.Errorf("the typed URL is not kept:\n%s", res.Body)
				}
				if revealed.MatchString(res.Body) {
					t.Error("a secret was shown for a refused URL")
				}
			})
		}
		site, _ := p.Store.SiteBySlug(ctx, "esomus")
		if site.WebhookURL != "" || site.WebhookSecret != "" {
			t.Fatalf("a refused URL was saved: %q", site.WebhookURL)
		}

		for _, ok := range []string{"https://esomus.example/rightsdesk/webhook?x=1", "https://93.184.215.14/hook"} {
			res := admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {ok}})
			expect(t, res, 200, "shown only this once")
			site, _ = p.Store.SiteBySlug(ctx, "esomus")
			m := revealed.FindStringSubmatch(res.Body)
			secret, err := p.Store.WebhookSecret(site)
			if site.WebhookURL != ok || m == nil || err != nil || m[1] != secret || site.WebhookSecret == secret {
				t.Fatalf("%s: stored %q, secret shown: %v, stored sealed: %v", ok, site.WebhookURL, m != nil, site.WebhookSecret != secret)
			}
			if strings.Contains(admin.Get(integrationPage).Body, secret) {
				t.Error("the webhook secret is shown again")
			}
		}
		first := site.WebhookSecret
		admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {site.WebhookURL}})
		site, _ = p.Store.SiteBySlug(ctx, "esomus")
		if site.WebhookSecret == first {
			t.Error("saving the URL again did not rotate the secret")
		}

		res := admin.Post(integrationPage+"/webhook/remove", url.Values{"_csrf": {csrf}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.StatusCode)
		}
		site, _ = p.Store.SiteBySlug(ctx, "esomus")
		if site.WebhookURL != "" || site.WebhookSecret != "" {
			t.Error("the webhook is still set")
		}
		expect(t, admin.Get(integrationPage), 200, "The webhook is removed", "No webhook")
	})
}

func TestIntegrationFormsNeedCSRF(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
	for _, path := range []string{"/secrets", "/keys", "/webhook"} {
		if res := admin.Post(integrationPage+path, url.Values{"url": {"https://x.example/"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s without CSRF: %d", path, res.StatusCode)
		}
	}
	site, _ := p.Store.SiteBySlug(context.Background(), "esomus")
	if ss, _ := p.Store.SiteSecrets(context.Background(), site.ID); len(ss) != 0 {
		t.Error("a secret was made without a CSRF token")
	}
}

// TestIntegrationWebhookForDevelopment: with RIGHTSDESK_WEBHOOK_ALLOW_PRIVATE a receiver on this
// machine can be set, over http too.
func TestIntegrationWebhookForDevelopment(t *testing.T) {
	p := testapp.Start(t, testapp.Options{Config: app.Config{WebhookAllowPrivate: true}})
	admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
	csrf := testapp.CSRF(t, admin.Get(integrationPage).Body)
	for _, ok := range []string{"http://127.0.0.1:9000/hook", "http://localhost/hook", "http://[::1]:8080/hook", "https://10.0.0.1/hook"} {
		expect(t, admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {ok}}), 200, "shown only this once")
	}
	expect(t, admin.Post(integrationPage+"/webhook", url.Values{"_csrf": {csrf}, "url": {"http://10.0.0.1/hook"}}), http.StatusUnprocessableEntity, "https://")
}
