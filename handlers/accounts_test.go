package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
	"rightsdesk/password"
)

// Helpers of the account tests.

func loggedIn(t *testing.T, p *testapp.Portal, email, pw string) *testapp.Client {
	t.Helper()
	c := p.Client(t)
	if res := c.Login(email, pw); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", email, res.StatusCode, res.Body)
	}
	return c
}

func accountOf(t *testing.T, p *testapp.Portal, email string) models.User {
	t.Helper()
	u, err := p.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func controllerIDs(t *testing.T, p *testapp.Portal) []string {
	t.Helper()
	cs, err := p.Store.Controllers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range cs {
		ids = append(ids, itoa(c.ID))
	}
	return ids
}

// lettersOfKind returns the outbox's letters of kind k, oldest first.
func lettersOfKind(t *testing.T, p *testapp.Portal, k string) []models.Letter {
	t.Helper()
	var out []models.Letter
	for _, l := range lettersOf(t, p) {
		if l.Kind == k {
			out = append(out, l)
		}
	}
	return out
}

var passwordLinkIn = linkIn("/staff/password/")

// lastPasswordLink returns the link of the newest letter of kind k.
func lastPasswordLink(t *testing.T, p *testapp.Portal, k string) string {
	t.Helper()
	ls := lettersOfKind(t, p, k)
	if len(ls) == 0 {
		t.Fatalf("no %s letter", k)
	}
	link := passwordLinkIn.FindString(ls[len(ls)-1].TextBody)
	if link == "" {
		t.Fatalf("no link in the %s letter:\n%s", k, ls[len(ls)-1].TextBody)
	}
	return link
}

// redirectsToLogin checks that the client's session is over: a staff page sends it to the login page.
func redirectsToLogin(t *testing.T, c *testapp.Client, why string) {
	t.Helper()
	res := c.Get("/staff/account")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
		t.Errorf("%s: the session still works (%d %s)", why, res.StatusCode, res.Header.Get("Location"))
	}
}

func stillLoggedIn(t *testing.T, c *testapp.Client, why string) {
	t.Helper()
	if res := c.Get("/staff/account"); res.StatusCode != http.StatusOK {
		t.Errorf("%s: the session ended (%d)", why, res.StatusCode)
	}
}

func expireTokens(t *testing.T, p *testapp.Portal) {
	t.Helper()
	err := models.GormForTest(p.Store).Model(&models.PasswordToken{}).Where("used_at IS NULL").
		Update("expires_at", time.Now().UTC().Add(-time.Second)).Error
	if err != nil {
		t.Fatal(err)
	}
}

func inviteForm(csrf string, controllers ...string) url.Values {
	return url.Values{"_csrf": {csrf}, "email": {"nina@example.org"}, "name": {"Nina Novak"}, "role": {"staff"}, "controllers": controllers}
}

const ninaPassword = "orange kettle at sunrise"

func TestInvitationLeadsToALogin(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		list := admin.Get("/admin/users")
		expect(t, list, 200, "Ada Admin", "Sam Staff", testapp.StaffEmail, "Invite a member of staff", `href="/admin/users"`)
		ids := controllerIDs(t, p)
		res := admin.Post("/admin/users", inviteForm(testapp.CSRF(t, list.Body), ids[0]))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/users" {
			t.Fatalf("invite: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, admin.Get("/admin/users"), 200, "Invitation sent to nina@example.org", "Nina Novak", "invitation pending")

		// Nobody logs in before the password is set.
		expect(t, p.Client(t).Login("nina@example.org", "anything at all here"), http.StatusUnauthorized)

		link := lastPasswordLink(t, p, "invite")
		nina := p.Client(t)
		page := nina.Get(link)
		expect(t, page, 200, "Welcome, Nina Novak", "nina@example.org", `autocomplete="new-password"`)
		if page.Header.Get("Cache-Control") != "no-store" {
			t.Error("the password page may be cached")
		}
		csrf := testapp.CSRF(t, page.Body)
		weak := nina.Post(link, url.Values{"_csrf": {csrf}, "password": {"nina123"}, "confirm": {"nina123"}})
		expect(t, weak, http.StatusUnprocessableEntity, "too weak", "at least 12", "Welcome, Nina Novak")
		differ := nina.Post(link, url.Values{"_csrf": {csrf}, "password": {ninaPassword}, "confirm": {"orange kettle at sunrisE"}})
		expect(t, differ, http.StatusUnprocessableEntity, "differ")
		for _, r := range []testapp.Response{weak, differ} {
			if strings.Contains(r.Body, "nina123") || strings.Contains(r.Body, htmlEscape(ninaPassword)) {
				t.Error("a refused password is shown again")
			}
		}
		res = nina.Post(link, url.Values{"_csrf": {csrf}, "password": {ninaPassword}, "confirm": {ninaPassword}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Fatalf("set password: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, nina.Get("/staff/login"), 200, "Your password is set")

		// The link is single-use.
		expect(t, nina.Get(link), 404, "Not found")
		expect(t, nina.Post(link, url.Values{"_csrf": {csrf}, "password": {"another pass phrase"}, "confirm": {"another pass phrase"}}), 404)

		if res := nina.Login("nina@example.org", ninaPassword); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login with the new password: %d", res.StatusCode)
		}
		account := nina.Get("/staff/account")
		expect(t, account, 200, "Your account", "Nina Novak", `href="/staff/account"`)
		if strings.Contains(account.Body, `href="/admin/users"`) {
			t.Error("a member of staff is offered the admin's Users page")
		}
		expect(t, admin.Get("/admin/users"), 200, "Nina Novak")
	})
}

func TestInvitationLinkExpires(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
	expect(t, admin.Post("/admin/users", inviteForm(testapp.CSRF(t, admin.Get("/admin/users").Body), controllerIDs(t, p)[0])), http.StatusSeeOther)
	link := lastPasswordLink(t, p, "invite")
	expect(t, p.Client(t).Get(link), 200)
	expireTokens(t, p)
	c := p.Client(t)
	expect(t, c.Get(link), 404)
	csrf := testapp.CSRF(t, c.Get("/staff/login").Body)
	expect(t, c.Post(link, url.Values{"_csrf": {csrf}, "password": {ninaPassword}, "confirm": {ninaPassword}}), 404)
	expect(t, admin.Get("/admin/users"), 200, "the invitation expired")
}

func TestInviteRefusesBadInputWithWhatWasTypedKept(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		csrf := testapp.CSRF(t, admin.Get("/admin/users").Body)
		ids := controllerIDs(t, p)
		tests := []struct {
			name    string
			edit    func(url.Values)
			message string
			kept    string
		}{
			{"empty e-mail", func(v url.Values) { v.Set("email", "") }, "Give the e-mail address", "Nina Novak"},
			{"taken e-mail", func(v url.Values) { v.Set("email", strings.ToUpper(testapp.StaffEmail)) }, "exists already", "Nina Novak"},
			{"display name in e-mail", func(v url.Values) { v.Set("email", "Nina <nina@example.org>") }, "address only", "Nina &lt;nina@example.org&gt;"},
			{"header injection in e-mail", func(v url.Values) { v.Set("email", "nina@example.org\r\nBcc: all@example.com") }, "single line", "Nina Novak"},
			{"header injection in name", func(v url.Values) { v.Set("name", "Nina\r\nBcc: all@example.com") }, "single line", "nina@example.org"},
			{"empty name", func(v url.Values) { v.Set("name", "") }, "Give the name", "nina@example.org"},
			{"long name", func(v url.Values) { v.Set("name", strings.Repeat("n", 201)) }, "too long", "nina@example.org"},
			{"invalid UTF-8", func(v url.Values) { v.Set("name", "Ni\xffna") }, "invalid UTF-8", "Ni\uFFFDna"},
			{"control character", func(v url.Values) { v.Set("name", "Ni\x07na") }, "control characters", "nina@example.org"},
			{"wrong role", func(v url.Values) { v.Set("role", "root") }, "roles listed", "Nina Novak"},
			{"unknown controller", func(v url.Values) { v["controllers"] = []string{ids[0], "999999"} }, "controllers listed", "Nina Novak"},
			{"malformed controller", func(v url.Values) { v["controllers"] = []string{"1 OR 1=1"} }, "controllers listed", "Nina Novak"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v := inviteForm(csrf, ids[0])
				tt.edit(v)
				res := admin.Post("/admin/users", v)
				expect(t, res, http.StatusUnprocessableEntity, "The invitation was not sent", tt.message, tt.kept)
				if !strings.Contains(res.Body, `id="controller-`+ids[0]+`" value="`+ids[0]+`" checked`) && tt.name != "unknown controller" && tt.name != "malformed controller" {
					t.Error("the ticked controller is not kept")
				}
			})
		}
		if us, _ := p.Store.UserByEmail(context.Background(), "nina@example.org"); us.ID != 0 {
			t.Error("a refused invitation created the account")
		}
		if ls := lettersOf(t, p); len(ls) != 0 {
			t.Errorf("refused invitations queued %d letters", len(ls))
		}
	})
}

func TestResetAnswersTheSameForAnyAddress(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		flash := regexp.MustCompile(`<p class="flash" role="status">([^<]*)</p>`)
		answer := func(email string) (testapp.Response, string) {
			c := p.Client(t)
			form := c.Get("/staff/password/reset")
			expect(t, form, 200, "Forgot your password?")
			res := c.Post("/staff/password/reset", url.Values{"_csrf": {testapp.CSRF(t, form.Body)}, "email": {email}})
			next := c.Get(res.Header.Get("Location"))
			return res, flash.FindString(next.Body)
		}
		unknown, unknownFlash := answer("nobody@portal.test")
		if n := len(lettersOf(t, p)); n != 0 {
			t.Fatalf("a reset for an unknown address queued %d letters", n)
		}
		known, knownFlash := answer(testapp.StaffEmail)
		if n := len(lettersOfKind(t, p, "password_reset")); n != 1 {
			t.Fatalf("%d reset letters for a known address", n)
		}
		if unknown.StatusCode != http.StatusSeeOther || known.StatusCode != unknown.StatusCode ||
			known.Header.Get("Location") != unknown.Header.Get("Location") || knownFlash != unknownFlash || knownFlash == "" {
			t.Errorf("the answers differ:\n%d %s %q\n%d %s %q", unknown.StatusCode, unknown.Header.Get("Location"), unknownFlash,
				known.StatusCode, known.Header.Get("Location"), knownFlash)
		}
		if !strings.Contains(knownFlash, "If this address belongs to an active staff account") {
			t.Errorf("flash %q", knownFlash)
		}
		// A malformed address is refused on the form, with what was typed.
		c := p.Client(t)
		csrf := testapp.CSRF(t, c.Get("/staff/password/reset").Body)
		res := c.Post("/staff/password/reset", url.Values{"_csrf": {csrf}, "email": {"sam@portal.test\r\nBcc: all@example.com"}})
		expect(t, res, http.StatusUnprocessableEntity, "single line", "sam@portal.test")
	})
}

func TestResetLinkWorksOnceAndEndsEverySession(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		sam := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		stillLoggedIn(t, sam, "before the reset")

		c := p.Client(t)
		csrf := testapp.CSRF(t, c.Get("/staff/password/reset").Body)
		c.Post("/staff/password/reset", url.Values{"_csrf": {csrf}, "email": {testapp.StaffEmail}})
		link := lastPasswordLink(t, p, "password_reset")
		page := c.Get(link)
		expect(t, page, 200, "Choose a new password, Sam Staff")
		const next = "sam's brand new phrase"
		res := c.Post(link, url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "password": {next}, "confirm": {next}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Fatalf("reset: %d\n%s", res.StatusCode, res.Body)
		}
		redirectsToLogin(t, sam, "after a reset")
		expect(t, c.Get(link), 404)
		expect(t, p.Client(t).Login(testapp.StaffEmail, testapp.StaffPassword), http.StatusUnauthorized)
		loggedIn(t, p, testapp.StaffEmail, next)

		// A reset link expires after an hour (the exact limit is tested in package accounts).
		c.Post("/staff/password/reset", url.Values{"_csrf": {csrf}, "email": {testapp.StaffEmail}})
		link = lastPasswordLink(t, p, "password_reset")
		expect(t, c.Get(link), 200)
		expireTokens(t, p)
		expect(t, c.Get(link), 404)
	})
}

func TestChangePasswordNeedsTheCurrentOneAndEndsOtherSessions(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		here := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		there := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		page := here.Get("/staff/account")
		expect(t, page, 200, "Change your password", "Log out everywhere", "Sam Staff")
		csrf := testapp.CSRF(t, page.Body)
		const next = "sam's next pass phrase"
		tests := []struct {
			current, pw, confirm, message string
		}{
			{"", next, next, "Give your current password"},
			{"not my password at all", next, next, "not your current password"},
			{testapp.StaffPassword, "short", "short", "too weak"},
			{testapp.StaffPassword, next, "something else entirely", "differ"},
		}
		for _, tt := range tests {
			res := here.Post("/staff/account", url.Values{"_csrf": {csrf}, "current": {tt.current}, "password": {tt.pw}, "confirm": {tt.confirm}})
			expect(t, res, http.StatusUnprocessableEntity, "Your password was not changed", tt.message)
			if strings.Contains(res.Body, htmlEscape(next)) || strings.Contains(res.Body, testapp.StaffPassword) {
				t.Error("a password is shown again")
			}
		}
		stillLoggedIn(t, there, "after refused changes")

		res := here.Post("/staff/account", url.Values{"_csrf": {csrf}, "current": {testapp.StaffPassword}, "password": {next}, "confirm": {next}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/account" {
			t.Fatalf("change: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, here.Get("/staff/account"), 200, "Your password is changed")
		redirectsToLogin(t, there, "the other session after a change")
		expect(t, p.Client(t).Login(testapp.StaffEmail, testapp.StaffPassword), http.StatusUnauthorized)
		loggedIn(t, p, testapp.StaffEmail, next)
	})
}

func TestLogoutEverywhere(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		here := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		there := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		csrf := testapp.CSRF(t, here.Get("/staff/account").Body)
		res := here.Post("/staff/account/logout-everywhere", url.Values{"_csrf": {csrf}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Fatalf("logout everywhere: %d", res.StatusCode)
		}
		expect(t, here.Get("/staff/login"), 200, "You are logged out on every device")
		redirectsToLogin(t, here, "this session")
		redirectsToLogin(t, there, "the other session")

		// An admin ends another account's sessions.
		sam := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		path := "/admin/users/" + itoa(accountOf(t, p, testapp.StaffEmail).ID)
		page := admin.Get(path)
		expect(t, page, 200, "Log Sam Staff out everywhere")
		res = admin.Post(path+"/logout-everywhere", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
			t.Fatalf("admin logout everywhere: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		expect(t, admin.Get(path), 200, "Every session of this account has ended")
		redirectsToLogin(t, sam, "after the admin ended the sessions")
		loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword) // the password still works
	})
}

func TestDeactivationLogsOutAtOnce(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		sam := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		id := accountOf(t, p, testapp.StaffEmail).ID
		path := "/admin/users/" + itoa(id)
		page := admin.Get(path)
		expect(t, page, 200, "Sam Staff", `name="active" id="active-box" value="1" checked`)
		ids := controllerIDs(t, p)
		// Change the role and controllers, and deactivate: the box is unticked.
		res := admin.Post(path, url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "role": {"manager"}, "controllers": {ids[1]}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
			t.Fatalf("update: %d\n%s", res.StatusCode, res.Body)
		}
		expect(t, admin.Get(path), 200, "Saved.")
		u := accountOf(t, p, testapp.StaffEmail)
		if u.Active || u.Role != models.RoleManager {
			t.Errorf("after the update %+v", u)
		}
		redirectsToLogin(t, sam, "a deactivated account")
		expect(t, p.Client(t).Login(testapp.StaffEmail, testapp.StaffPassword), http.StatusUnauthorized)
		expect(t, admin.Get("/admin/users"), 200, "deactivated")

		// Bad input on the edit form is refused with what was chosen kept.
		page = admin.Get(path)
		res = admin.Post(path, url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "role": {"root"}, "controllers": {ids[0], "999999"}, "active": {"1"}})
		expect(t, res, http.StatusUnprocessableEntity, "Nothing was changed", "roles listed", "controllers listed",
			`id="controller-`+ids[0]+`" value="`+ids[0]+`" checked`, `name="active" id="active-box" value="1" checked`)
		if u := accountOf(t, p, testapp.StaffEmail); u.Active || u.Role != models.RoleManager {
			t.Error("a refused update changed the account")
		}
	})
}

func TestAnAdminCannotDemoteOrDeactivateThemselves(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		path := "/admin/users/" + itoa(accountOf(t, p, testapp.AdminEmail).ID)
		page := admin.Get(path)
		expect(t, page, 200, "This is your own account")
		csrf := testapp.CSRF(t, page.Body)
		res := admin.Post(path, url.Values{"_csrf": {csrf}, "role": {"staff"}, "active": {"1"}})
		expect(t, res, http.StatusUnprocessableEntity, "You cannot take away your own admin role")
		res = admin.Post(path, url.Values{"_csrf": {csrf}, "role": {"admin"}})
		expect(t, res, http.StatusUnprocessableEntity, "You cannot deactivate your own account")
		if u := accountOf(t, p, testapp.AdminEmail); !u.Active || u.Role != models.RoleAdmin {
			t.Errorf("the admin changed themselves: %+v", u)
		}
		expect(t, admin.Get("/admin/users"), 200)
	})
}

func TestAccountRoutesCheckRoles(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	hash, _ := password.Hash("manager-test-password-1")
	manager := models.User{Email: "mia@portal.test", Name: "Mia Manager", Role: models.RoleManager, PasswordHash: hash, Active: true}
	if err := p.Store.CreateUser(context.Background(), &manager, nil); err != nil {
		t.Fatal(err)
	}
	samID := itoa(accountOf(t, p, testapp.StaffEmail).ID)
	adminOnly := []string{"/admin/users", "/admin/users/" + samID, "/admin/users/" + samID + "/logout-everywhere"}
	staffOnly := []string{"/staff/account", "/staff/account/logout-everywhere"}

	anonymous := p.Client(t)
	csrf := testapp.CSRF(t, anonymous.Get("/staff/login").Body)
	for _, path := range append(adminOnly, staffOnly...) {
		if !strings.HasSuffix(path, "logout-everywhere") {
			res := anonymous.Get(path)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
				t.Errorf("anonymous GET %s: %d", path, res.StatusCode)
			}
		}
		expect(t, anonymous.Post(path, url.Values{"_csrf": {csrf}}), http.StatusUnauthorized)
	}
	expect(t, anonymous.Get("/staff/password/reset"), 200)

	for _, who := range []struct{ email, pw string }{{testapp.StaffEmail, testapp.StaffPassword}, {manager.Email, "manager-test-password-1"}} {
		c := loggedIn(t, p, who.email, who.pw)
		csrf := testapp.CSRF(t, c.Get("/staff/account").Body)
		for _, path := range adminOnly {
			expect(t, c.Post(path, url.Values{"_csrf": {csrf}, "role": {"admin"}, "active": {"1"}, "email": {"x@example.org"}, "name": {"X"}}), http.StatusForbidden)
			if !strings.HasSuffix(path, "logout-everywhere") {
				expect(t, c.Get(path), http.StatusForbidden)
			}
		}
	}
	if u := accountOf(t, p, testapp.StaffEmail); u.Role != models.RoleStaff || u.SessionEpoch != 0 {
		t.Errorf("refused requests changed the account: %+v", u)
	}

	// Forged ids and tokens are plain 404s.
	admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
	csrf = testapp.CSRF(t, admin.Get("/admin/users").Body)
	for _, path := range []string{"/admin/users/999999", "/admin/users/abc", "/admin/users/-1", "/admin/users/0"} {
		expect(t, admin.Get(path), 404)
		expect(t, admin.Post(path, url.Values{"_csrf": {csrf}, "role": {"staff"}, "active": {"1"}}), 404)
		expect(t, admin.Post(path+"/logout-everywhere", url.Values{"_csrf": {csrf}}), 404)
	}
	csrf = testapp.CSRF(t, anonymous.Get("/staff/login").Body)
	for _, path := range []string{"/staff/password/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/staff/password/short", "/staff/password/%00%0d%0a"} {
		expect(t, anonymous.Get(path), 404, "Not found")
		expect(t, anonymous.Post(path, url.Values{"_csrf": {csrf}, "password": {ninaPassword}, "confirm": {ninaPassword}}), 404)
	}
}

func TestAccountFormsNeedCSRF(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
	sam := loggedIn(t, p, testapp.StaffEmail, testapp.StaffPassword)
	samPath := "/admin/users/" + itoa(accountOf(t, p, testapp.StaffEmail).ID)
	admin.Post("/staff/password/reset", url.Values{"_csrf": {testapp.CSRF(t, admin.Get("/staff/password/reset").Body)}, "email": {testapp.StaffEmail}})
	link := lastPasswordLink(t, p, "password_reset")

	posts := []struct {
		c    *testapp.Client
		path string
		form url.Values
	}{
		{admin, "/admin/users", inviteForm("")},
		{admin, samPath, url.Values{"role": {"staff"}}}, // would deactivate
		{admin, samPath + "/logout-everywhere", url.Values{}},
		{sam, "/staff/account", url.Values{"current": {testapp.StaffPassword}, "password": {ninaPassword}, "confirm": {ninaPassword}}},
		{sam, "/staff/account/logout-everywhere", url.Values{}},
		{p.Client(t), "/staff/password/reset", url.Values{"email": {testapp.StaffEmail}}},
		{p.Client(t), link, url.Values{"password": {ninaPassword}, "confirm": {ninaPassword}}},
	}
	for _, tt := range posts {
		for _, token := range []string{"", "forged-token-value"} {
			v := url.Values{}
			for k, vs := range tt.form {
				v[k] = vs
			}
			if token != "" {
				v.Set("_csrf", token)
			}
			expect(t, tt.c.Post(tt.path, v), http.StatusForbidden, "Form expired")
		}
	}
	u := accountOf(t, p, testapp.StaffEmail)
	if !u.Active || u.SessionEpoch != 0 || password.Verify(testapp.StaffPassword, u.PasswordHash) != nil {
		t.Errorf("refused posts changed the account: %+v", u)
	}
	if n := len(lettersOf(t, p)); n != 1 {
		t.Errorf("refused posts queued letters: %d in all", n)
	}
	stillLoggedIn(t, sam, "after refused posts")
	expect(t, p.Client(t).Get(link), 200)
}

func TestResetRequestsAreRateLimited(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	c := p.Client(t)
	csrf := testapp.CSRF(t, c.Get("/staff/password/reset").Body)
	ask := func(email string) testapp.Response {
		return c.Post("/staff/password/reset", url.Values{"_csrf": {csrf}, "email": {email}})
	}
	// Per address: three links, then the same refusal for a known and an unknown address.
	for i := 0; i < 3; i++ {
		if res := ask(testapp.StaffEmail); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("request %d: %d", i+1, res.StatusCode)
		}
	}
	expect(t, ask(testapp.StaffEmail), http.StatusTooManyRequests, "Too many links", testapp.StaffEmail)
	if n := len(lettersOfKind(t, p, "password_reset")); n != 3 {
		t.Errorf("%d reset letters, want 3", n)
	}
	// Per IP: five well-formed requests in all, whatever the address.
	if res := ask("nobody@portal.test"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("fifth request: %d", res.StatusCode)
	}
	expect(t, ask("someone-else@portal.test"), http.StatusTooManyRequests, "Too many links")
	// A malformed address is refused without using the limits up.
	expect(t, ask("not an address"), http.StatusUnprocessableEntity, "address only")
}
