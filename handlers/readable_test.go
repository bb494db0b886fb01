package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
)

// TestUnreadableInputStopsBeforeTheStore sweeps every route: a NUL byte, another control
// character or invalid UTF-8 in the path is a 404 and in the query a 400 (or, on the pages whose
// filters validate themselves, the reason beside the field), never a server error, whoever asks.
// In a form, with a valid CSRF token, it is refused by the form's own check, never a server error.
// PostgreSQL refuses such text, so before these checks they reached the store and came back as 500s.
func TestUnreadableInputStopsBeforeTheStore(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		visitor := p.Client(t)
		clients := map[string]*testapp.Client{"visitor": visitor, "admin": admin}
		csrf := map[string]string{"visitor": testapp.CSRF(t, visitor.Get("/requests/new?site=esomus").Body),
			"admin": testapp.CSRF(t, admin.Get("/admin/users").Body)}
		param := regexp.MustCompile(`:[a-z]+`)
		bad := []string{"%00", "x%00y", "%01", "%7F", "%FF", "%C3%28"}
		// The names of the fields of every form, each given the bad value in turn below.
		fields := []string{"email", "password", "name", "q", "question", "answer", "reasons", "reason", "how", "note",
			"ground", "verified", "assignee", "site", "kinds", "identifier_UID", "categories", "all", "address",
			"company_number", "country", "timezone", "language", "slug", "domain", "purpose", "cookie", "lifetime",
			"provider", "category", "url", "label", "outcome_access", "role", "controllers", "publish", "body", "subject"}
		// The case forms, on a real case with its version, so that each reaches its own checks.
		ref, status := fileVerified(t, p, "esomus", "nul@example.org", "uid-nul")
		if err := p.App.Cases.Claim(context.Background(), adminActor(t, p), ref, 0); err != nil {
			t.Fatal(err)
		}
		cs, err := p.Store.CaseByReference(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, action := range []string{"assign", "request-info", "extend", "complete", "refuse", "withdraw", "notes", "expire", "identifiers/1"} {
			for _, b := range bad {
				form := url.Values{"_csrf": {csrf["admin"]}, "version": {fmt.Sprint(cs.Version)}}
				for _, f := range fields {
					form.Set(f, "a"+b+"b")
				}
				raw := strings.ReplaceAll(form.Encode(), url.QueryEscape(b), b)
				if res := do(t, admin, p.URL, http.MethodPost, "/staff/cases/"+ref+"/"+action, raw); res.StatusCode >= 500 {
					t.Errorf("POST %s (form %s): %d", action, b, res.StatusCode)
				}
			}
		}
		for _, b := range bad {
			form := url.Values{"_csrf": {csrf["visitor"]}, "answer": {"a" + b + "b"}}
			raw := strings.ReplaceAll(form.Encode(), url.QueryEscape(b), b)
			if res := do(t, visitor, p.URL, http.MethodPost, "/r/"+status+"/reply", raw); res.StatusCode >= 500 {
				t.Errorf("POST reply (form %s): %d", b, res.StatusCode)
			}
		}
		if after, _ := p.Store.CaseByReference(context.Background(), ref); after.Version != cs.Version {
			t.Errorf("unreadable forms changed the case: version %d → %d", cs.Version, after.Version)
		}

		for who, c := range clients {
			for _, r := range p.App.Routes() {
				if (r.Method != http.MethodGet && r.Method != http.MethodPost) || strings.Contains(r.Path, "logout") {
					continue // logging out would end the sweep's session
				}
				for _, b := range bad {
					path := param.ReplaceAllString(r.Path, "esomus"+b)
					if path != r.Path {
						res := do(t, c, p.URL, r.Method, path, "")
						if res.StatusCode != http.StatusNotFound {
							t.Errorf("%s %s %s (path): %d, want 404", who, r.Method, path, res.StatusCode)
						}
					}
					path = param.ReplaceAllString(r.Path, "esomus")
					for _, q := range []string{"q=" + b, "site=" + b, "lang=en&ref=DSR" + b, b + "=1"} {
						res := do(t, c, p.URL, r.Method, path+"?"+q, "")
						if res.StatusCode != http.StatusBadRequest && !(strings.HasPrefix(path, "/manager/") && res.StatusCode < 500) {
							t.Errorf("%s %s %s?%s (query): %d, want 400", who, r.Method, path, q, res.StatusCode)
						}
					}
					if r.Method == http.MethodPost {
						form := url.Values{"_csrf": {csrf[who]}}
						for _, f := range fields {
							form.Set(f, "a"+b+"@example.org")
						}
						raw := strings.ReplaceAll(form.Encode(), url.QueryEscape(b), b) // the bad bytes as they are
						res := do(t, c, p.URL, r.Method, path, raw)
						if res.StatusCode >= 500 {
							t.Errorf("%s POST %s (form %s): %d", who, path, b, res.StatusCode)
						}
					}
				}
			}
		}

	})
}

// TestTextAreasKeepTheirLines: tabs and line breaks are text, not control characters to refuse.
func TestTextAreasKeepTheirLines(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := p.Client(t)
	page := c.Get("/staff/login")
	res := c.Post("/staff/login", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "email": {"a@example.org\t\r\n"}, "password": {"x\ty"}})
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("login with a tab and line break: %d, want 401 (refused as wrong, not as unreadable)", res.StatusCode)
	}
}

func do(t *testing.T, c *testapp.Client, base, method, path, form string) testapp.Response {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(form))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Do(req)
}
