package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// postWith posts form to path from c, with extra cookies of the attacker's choosing.
func postWith(t *testing.T, p *testapp.Portal, c *testapp.Client, path, query string, form url.Values, cookies ...*http.Cookie) testapp.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, p.URL+path+query, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range cookies {
		req.AddCookie(ck)
	}
	return c.Do(req)
}

// TestCSRFTokensAreBoundToTheirAsker: a token works only with the cookies it was given with. A
// cookie and a form value of the attacker's choosing (what a sibling subdomain can plant) open
// nothing; nor does a token in the query string, another browser's token, or a token from before
// a login or after a logout.
func TestCSRFTokensAreBoundToTheirAsker(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		consent := url.Values{"categories": {"analytics"}}
		planted := "attacker-chosen-value"
		// Double submit: the same chosen value in the cookie and the form.
		form := url.Values{"_csrf": {planted}, "categories": {"analytics"}}
		res := postWith(t, p, p.Client(t), "/sites/esomus/consent", "", form,
			&http.Cookie{Name: "_csrf", Value: planted}, &http.Cookie{Name: "rightsdesk_visitor", Value: planted})
		expect(t, res, http.StatusForbidden, "Form expired")

		// Another visitor's token, with one's own cookies.
		other := p.Client(t)
		tokenOfOther := testapp.CSRF(t, other.Get("/sites/esomus/consent").Body)
		me := p.Client(t)
		me.Get("/sites/esomus/consent")
		form = url.Values{"_csrf": {tokenOfOther}, "categories": {"analytics"}}
		expect(t, postWith(t, p, me, "/sites/esomus/consent", "", form), http.StatusForbidden)

		// One's own valid token, but in the query string.
		mine := testapp.CSRF(t, me.Get("/sites/esomus/consent").Body)
		expect(t, postWith(t, p, me, "/sites/esomus/consent", "?_csrf="+url.QueryEscape(mine), consent), http.StatusForbidden)
		// In the form or the header it works.
		form = url.Values{"_csrf": {mine}, "categories": {"analytics"}}
		expect(t, postWith(t, p, me, "/sites/esomus/consent", "", form), http.StatusSeeOther)

		// Staff: a token belongs to one session.
		staff := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		staffToken := testapp.CSRF(t, staff.Get("/staff/account").Body)
		adminToken := testapp.CSRF(t, admin.Get("/staff/account").Body)
		if staffToken == adminToken {
			t.Fatal("two sessions have the same token")
		}
		expect(t, admin.Post("/admin/users", url.Values{"_csrf": {staffToken}, "email": {"x@example.org"}, "role": {models.RoleStaff}}), http.StatusForbidden)
		// A token from before logging out and in again is dead.
		expect(t, admin.Post("/staff/logout", url.Values{"_csrf": {adminToken}}), http.StatusSeeOther)
		anonymous := testapp.CSRF(t, admin.Get("/staff/login").Body)
		if res := admin.Post("/staff/login", url.Values{"_csrf": {anonymous}, "email": {testapp.AdminEmail}, "password": {testapp.AdminPassword}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", res.StatusCode)
		}
		for _, old := range []string{adminToken, anonymous} {
			expect(t, admin.Post("/staff/account/logout-everywhere", url.Values{"_csrf": {old}}), http.StatusForbidden)
		}
		fresh := testapp.CSRF(t, admin.Get("/staff/account").Body)
		req, _ := http.NewRequest(http.MethodPost, p.URL+"/staff/account/logout-everywhere", nil)
		req.Header.Set("X-CSRF-Token", fresh)
		expect(t, admin.Do(req), http.StatusSeeOther)
	})
}
