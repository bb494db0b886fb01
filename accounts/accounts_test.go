package accounts_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/accounts"
	"rightsdesk/demo"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/password"
	"rightsdesk/token"
)

var cfg = accounts.Config{BaseURL: "http://portal.test/", MailFrom: "Rightsdesk <no-reply@portal.test>"}

const adminPassword = "admin-password-for-tests"

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	st          *models.Store
	svc         *accounts.Service
	clock       *clock
	admin       models.User
	controllers []int64
}

func newFixture(t *testing.T, st *models.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	_, ids, err := demo.LoadCatalogue(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, clock: &clock{time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)}, controllers: ids}
	f.svc, err = accounts.New(st, cfg, accounts.WithClock(f.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := password.Hash(adminPassword)
	f.admin = models.User{Email: "ada@portal.test", Name: "Ada Admin", Role: models.RoleAdmin, PasswordHash: hash, Active: true}
	if err := st.CreateUser(ctx, &f.admin, ids); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) by() accounts.Actor { return accounts.Actor{UserID: f.admin.ID} }

func count(t *testing.T, st *models.Store, table string) int64 {
	t.Helper()
	var n int64
	if err := models.GormForTest(st).Table(table).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func outbox(t *testing.T, st *models.Store) []models.Letter {
	t.Helper()
	var ls []models.Letter
	if err := models.GormForTest(st).Order("id").Find(&ls).Error; err != nil {
		t.Fatal(err)
	}
	return ls
}

func user(t *testing.T, st *models.Store, id int64) models.User {
	t.Helper()
	u, err := st.UserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var passwordLink = regexp.MustCompile(`http://portal\.test/staff/password/([A-Za-z0-9_-]{43})\b`)

func fieldError(t *testing.T, err error, field, part string) {
	t.Helper()
	var fe accounts.Errors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v, want field errors", err)
	}
	if !strings.Contains(fe[field], part) {
		t.Fatalf("%s: %q, want %q (all: %v)", field, fe[field], part, fe)
	}
}

func TestInviteSendsALinkThatSetsThePasswordOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		inv, err := f.svc.Invite(ctx, f.by(), " Sam@Example.org ", " Sam Staff ", models.RoleManager, f.controllers[:1])
		if err != nil {
			t.Fatal(err)
		}
		if inv.Email != "sam@example.org" || !inv.ExpiresAt.Equal(f.clock.t.Add(7*24*time.Hour)) {
			t.Errorf("invited %+v", inv)
		}
		u := user(t, st, inv.UserID)
		if u.Name != "Sam Staff" || u.Role != models.RoleManager || !u.Active || u.PasswordHash != "" || u.PasswordSetAt != nil {
			t.Errorf("user %+v", u)
		}
		if ids, _ := st.UserControllerIDs(ctx, u.ID); len(ids) != 1 || ids[0] != f.controllers[0] {
			t.Errorf("controllers %v", ids)
		}
		sum, _ := f.svc.User(ctx, u.ID)
		if !sum.InvitePending || sum.PasswordSet {
			t.Errorf("summary %+v", sum)
		}

		// The letter: to the new member of staff, with the link, the expiry and the subject inside.
		ls := outbox(t, st)
		if len(ls) != 1 {
			t.Fatalf("%d letters", len(ls))
		}
		l := ls[0]
		if l.Kind != "invite" || l.Recipient != "sam@example.org" || l.RecipientName != "Sam Staff" || l.CaseID != nil ||
			l.Status != models.LetterQueued || !strings.HasSuffix(l.MessageID, "@portal.test") || l.Language != "en" {
			t.Errorf("letter %+v", l)
		}
		m := passwordLink.FindStringSubmatch(l.TextBody)
		if m == nil || m[1] != inv.Token || !strings.Contains(l.HTMLBody, `href="`+m[0]+`"`) {
			t.Fatalf("no working link in the letter:\n%s", l.TextBody)
		}
		for _, want := range []string{"Sam Staff", "manager", "12 March 2026 at 11:00 CET", "did not expect"} {
			if !strings.Contains(l.TextBody, want) {
				t.Errorf("the invitation lacks %q:\n%s", want, l.TextBody)
			}
		}
		// Only the token's hash is stored.
		var stored []models.PasswordToken
		models.GormForTest(st).Find(&stored)
		if len(stored) != 1 || stored[0].TokenHash != token.Hash(inv.Token) || stored[0].Purpose != models.TokenInvite {
			t.Errorf("tokens %+v", stored)
		}

		link, err := f.svc.OpenLink(ctx, inv.Token)
		if err != nil || link.Purpose != models.TokenInvite || link.Name != "Sam Staff" || link.Email != "sam@example.org" {
			t.Fatalf("open link: %+v %v", link, err)
		}
		// A weak or unconfirmed password changes nothing and keeps the link alive.
		fieldError(t, f.svc.SetPassword(ctx, inv.Token, "short", "short"), "password", "at least 12")
		fieldError(t, f.svc.SetPassword(ctx, inv.Token, "long enough pass phrase", "long enough pass phrasE"), "confirm", "differ")
		if u := user(t, st, inv.UserID); u.PasswordHash != "" {
			t.Fatal("a refused password was stored")
		}

		f.clock.t = f.clock.t.Add(time.Hour)
		if err := f.svc.SetPassword(ctx, inv.Token, "long enough pass phrase", "long enough pass phrase"); err != nil {
			t.Fatal(err)
		}
		u = user(t, st, inv.UserID)
		if password.Verify("long enough pass phrase", u.PasswordHash) != nil || u.PasswordSetAt == nil ||
			!u.PasswordSetAt.Equal(f.clock.t) || u.SessionEpoch != 1 {
			t.Errorf("after setting: %+v", u)
		}
		// Single use.
		if _, err := f.svc.OpenLink(ctx, inv.Token); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a used link opens: %v", err)
		}
		if err := f.svc.SetPassword(ctx, inv.Token, "another pass phrase", "another pass phrase"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a used link sets the password again: %v", err)
		}
		if sum, _ := f.svc.User(ctx, u.ID); sum.InvitePending || !sum.PasswordSet {
			t.Errorf("summary after setting %+v", sum)
		}
	})
}

func TestInviteLinkExpiresAfterSevenDays(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		inv, err := f.svc.Invite(ctx, f.by(), "sam@example.org", "Sam", models.RoleStaff, f.controllers[:1])
		if err != nil {
			t.Fatal(err)
		}
		f.clock.t = f.clock.t.Add(7*24*time.Hour - time.Second)
		if _, err := f.svc.OpenLink(ctx, inv.Token); err != nil {
			t.Fatalf("the link is refused a second before it expires: %v", err)
		}
		f.clock.t = f.clock.t.Add(time.Second)
		if _, err := f.svc.OpenLink(ctx, inv.Token); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an expired link opens: %v", err)
		}
		if err := f.svc.SetPassword(ctx, inv.Token, "long enough pass phrase", "long enough pass phrase"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an expired link sets the password: %v", err)
		}
		if sum, _ := f.svc.User(ctx, inv.UserID); sum.InvitePending {
			t.Error("an expired invitation is pending")
		}
		// Garbage never reaches the database.
		for _, bad := range []string{"", "short", strings.Repeat("A", 43) + "\x00", strings.Repeat("x", 2000)} {
			if _, err := f.svc.OpenLink(ctx, bad); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("OpenLink(%q): %v", bad, err)
			}
		}
	})
}

func TestInviteRefusesBadInputAndSavesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		tests := []struct {
			name, email, fullName, role string
			ids                         []int64
			field, message              string
		}{
			{"taken address", "ADA@portal.test", "Ada Again", "staff", nil, "email", "exists already"},
			{"empty address", "", "Sam", "staff", nil, "email", "Give the e-mail"},
			{"header injection in address", "sam@example.org\r\nBcc: all@example.com", "Sam", "staff", nil, "email", "single line"},
			{"display name", "Sam <sam@example.org>", "Sam", "staff", nil, "email", "address only"},
			{"header injection in name", "sam@example.org", "Sam\r\nBcc: all@example.com", "staff", nil, "name", "single line"},
			{"invalid UTF-8", "sam@example.org", "S\xffm", "staff", nil, "name", "invalid UTF-8"},
			{"long name", "sam@example.org", strings.Repeat("n", 201), "staff", nil, "name", "too long"},
			{"empty name", "sam@example.org", " ", "staff", nil, "name", "Give the name"},
			{"unknown role", "sam@example.org", "Sam", "root", nil, "role", "roles listed"},
			{"unknown controller", "sam@example.org", "Sam", "staff", []int64{f.controllers[0], 99999}, "controllers", "controllers listed"},
			{"malformed controller", "sam@example.org", "Sam", "staff", []int64{0}, "controllers", "controllers listed"},
			{"staff without an organisation", "sam@example.org", "Sam", "staff", nil, "controllers", "at least one organisation"},
			{"manager without an organisation", "sam@example.org", "Sam", "manager", nil, "controllers", "at least one organisation"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.Invite(ctx, f.by(), tt.email, tt.fullName, tt.role, tt.ids)
				fieldError(t, err, tt.field, tt.message)
			})
		}
		// Errors come together, one per field.
		_, err := f.svc.Invite(ctx, f.by(), "", "", "", []int64{-1})
		var fe accounts.Errors
		if !errors.As(err, &fe) || len(fe) != 4 {
			t.Errorf("all errors at once: %v", err)
		}
		// Only an active admin invites.
		staff := models.User{Email: "sam@portal.test", Name: "Sam", Role: models.RoleManager, Active: true}
		st.CreateUser(ctx, &staff, nil)
		if _, err := f.svc.Invite(ctx, accounts.Actor{UserID: staff.ID}, "new@example.org", "New", "staff", nil); !errors.Is(err, accounts.ErrForbidden) {
			t.Errorf("a manager invites: %v", err)
		}
		if n := count(t, st, "users"); n != 2 {
			t.Errorf("%d users", n)
		}
		if n := count(t, st, "password_tokens") + count(t, st, "letters"); n != 0 {
			t.Errorf("refused invitations left %d tokens and letters", n)
		}
	})
}

func TestResetForAnUnknownOrInactiveAddressDoesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		gone := models.User{Email: "gone@portal.test", Name: "Gone", Role: models.RoleStaff, Active: false, PasswordHash: "x"}
		st.CreateUser(ctx, &gone, nil)
		for _, email := range []string{"nobody@portal.test", "gone@portal.test"} {
			if err := f.svc.RequestReset(ctx, email); err != nil {
				t.Errorf("%s: %v", email, err)
			}
		}
		if n := count(t, st, "password_tokens") + count(t, st, "letters"); n != 0 {
			t.Errorf("%d tokens and letters for unknown addresses", n)
		}
		fieldError(t, f.svc.RequestReset(ctx, "ada@portal.test\r\nBcc: x@example.org"), "email", "single line")
	})
}

func TestResetLinkWorksOnceWithinAnHourAndEndsSessions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		if err := f.svc.RequestReset(ctx, " ADA@portal.test"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RequestReset(ctx, "ada@portal.test"); err != nil {
			t.Fatal(err)
		}
		ls := outbox(t, st)
		if len(ls) != 2 || ls[0].Kind != "password_reset" || ls[0].Recipient != "ada@portal.test" {
			t.Fatalf("letters %d", len(ls))
		}
		for _, want := range []string{"Ada Admin", "5 March 2026 at 12:00 CET", "did not ask"} {
			if !strings.Contains(ls[0].TextBody, want) {
				t.Errorf("the reset letter lacks %q:\n%s", want, ls[0].TextBody)
			}
		}
		first := passwordLink.FindStringSubmatch(ls[0].TextBody)[1]
		second := passwordLink.FindStringSubmatch(ls[1].TextBody)[1]

		// Expired after an hour.
		f.clock.t = f.clock.t.Add(time.Hour)
		if _, err := f.svc.OpenLink(ctx, first); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a reset link works after an hour: %v", err)
		}
		f.clock.t = f.clock.t.Add(-time.Minute)
		if l, err := f.svc.OpenLink(ctx, second); err != nil || l.Purpose != models.TokenReset {
			t.Fatalf("open: %+v %v", l, err)
		}
		if err := f.svc.SetPassword(ctx, second, "a brand new pass phrase", "a brand new pass phrase"); err != nil {
			t.Fatal(err)
		}
		u := user(t, st, f.admin.ID)
		if password.Verify("a brand new pass phrase", u.PasswordHash) != nil || u.SessionEpoch != 1 {
			t.Errorf("after reset: %+v", u)
		}
		// Used once; the other link died with it.
		for _, tok := range []string{first, second} {
			if err := f.svc.SetPassword(ctx, tok, "yet another pass phrase", "yet another pass phrase"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("a link works after the reset: %v", err)
			}
		}
	})
}

func TestResetLinkDiesWhenTheOtherLinkIsUsed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		f.svc.RequestReset(ctx, "ada@portal.test")
		f.svc.RequestReset(ctx, "ada@portal.test")
		ls := outbox(t, st)
		first := passwordLink.FindStringSubmatch(ls[0].TextBody)[1]
		second := passwordLink.FindStringSubmatch(ls[1].TextBody)[1]
		if err := f.svc.SetPassword(ctx, first, "a brand new pass phrase", "a brand new pass phrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.OpenLink(ctx, second); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the second link still works: %v", err)
		}
	})
}

func TestChangePasswordNeedsTheCurrentOne(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		const next = "the next pass phrase"
		_, err := f.svc.ChangePassword(ctx, f.admin.ID, "", next, next)
		fieldError(t, err, "current", "Give your current password")
		_, err = f.svc.ChangePassword(ctx, f.admin.ID, "wrong password entirely", next, next)
		fieldError(t, err, "current", "not your current password")
		_, err = f.svc.ChangePassword(ctx, f.admin.ID, adminPassword, "short", "short")
		fieldError(t, err, "password", "too weak")
		_, err = f.svc.ChangePassword(ctx, f.admin.ID, adminPassword, next, "something else")
		fieldError(t, err, "confirm", "differ")
		if u := user(t, st, f.admin.ID); password.Verify(adminPassword, u.PasswordHash) != nil || u.SessionEpoch != 0 {
			t.Fatal("a refused change changed the account")
		}
		// A reset link asked for before the change dies with it.
		f.svc.RequestReset(ctx, "ada@portal.test")
		reset := passwordLink.FindStringSubmatch(outbox(t, st)[0].TextBody)[1]

		epoch, err := f.svc.ChangePassword(ctx, f.admin.ID, adminPassword, next, next)
		if err != nil || epoch != 1 {
			t.Fatalf("change: %d %v", epoch, err)
		}
		if u := user(t, st, f.admin.ID); password.Verify(next, u.PasswordHash) != nil || u.SessionEpoch != 1 {
			t.Error("the new password was not stored")
		}
		if _, err := f.svc.OpenLink(ctx, reset); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("an older reset link survives the change: %v", err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		inv, err := f.svc.Invite(ctx, f.by(), "sam@example.org", "Sam", models.RoleStaff, f.controllers)
		if err != nil {
			t.Fatal(err)
		}
		id := inv.UserID

		// Role and controllers.
		if err := f.svc.UpdateUser(ctx, f.by(), id, models.RoleManager, f.controllers[1:], true); err != nil {
			t.Fatal(err)
		}
		sum, _ := f.svc.User(ctx, id)
		if sum.Role != models.RoleManager || len(sum.ControllerIDs) != len(f.controllers)-1 || !sum.Active {
			t.Errorf("after update %+v", sum)
		}
		if u := user(t, st, id); u.SessionEpoch != 0 {
			t.Error("a role change ended the sessions")
		}

		// Bad input and forged ids change nothing.
		fieldError(t, f.svc.UpdateUser(ctx, f.by(), id, "root", nil, true), "role", "roles listed")
		fieldError(t, f.svc.UpdateUser(ctx, f.by(), id, models.RoleStaff, []int64{424242}, true), "controllers", "controllers listed")
		fieldError(t, f.svc.UpdateUser(ctx, f.by(), id, models.RoleStaff, nil, true), "controllers", "at least one organisation")
		if err := f.svc.UpdateUser(ctx, f.by(), 424242, models.RoleStaff, nil, true); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		if sum, _ := f.svc.User(ctx, id); sum.Role != models.RoleManager {
			t.Error("a refused update changed the role")
		}

		// Deactivation ends the sessions and kills the invitation.
		if err := f.svc.UpdateUser(ctx, f.by(), id, models.RoleManager, nil, false); err != nil {
			t.Fatal(err)
		}
		if u := user(t, st, id); u.Active || u.SessionEpoch != 1 {
			t.Errorf("after deactivation %+v", u)
		}
		if _, err := f.svc.OpenLink(ctx, inv.Token); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the invitation of a deactivated account still opens: %v", err)
		}
		// A deactivated account gets no reset link either.
		f.svc.RequestReset(ctx, "sam@example.org")
		if n := len(outbox(t, st)); n != 1 {
			t.Errorf("%d letters", n)
		}

		// An admin cannot demote or deactivate themselves, but another admin can.
		fieldError(t, f.svc.UpdateUser(ctx, f.by(), f.admin.ID, models.RoleStaff, nil, true), "role", "ask another admin")
		fieldError(t, f.svc.UpdateUser(ctx, f.by(), f.admin.ID, models.RoleAdmin, nil, false), "active", "ask another admin")
		if u := user(t, st, f.admin.ID); !u.Active || u.Role != models.RoleAdmin || u.SessionEpoch != 0 {
			t.Errorf("the admin changed themselves: %+v", u)
		}
		if err := f.svc.UpdateUser(ctx, f.by(), f.admin.ID, models.RoleAdmin, f.controllers[:1], true); err != nil {
			t.Errorf("an admin may change their own controllers: %v", err)
		}
		if err := f.svc.UpdateUser(ctx, f.by(), id, models.RoleAdmin, nil, true); err != nil {
			t.Fatal(err)
		}
		other := accounts.Actor{UserID: id}
		if err := f.svc.UpdateUser(ctx, other, f.admin.ID, models.RoleStaff, f.controllers[:1], true); err != nil {
			t.Fatalf("another admin demotes: %v", err)
		}
		// Now a member of staff: no longer allowed to manage accounts.
		if err := f.svc.UpdateUser(ctx, f.by(), id, models.RoleStaff, nil, true); !errors.Is(err, accounts.ErrForbidden) {
			t.Errorf("a demoted admin still manages accounts: %v", err)
		}
	})
}

func TestLogoutEverywhereRaisesTheEpoch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		for i := 1; i <= 2; i++ {
			if err := f.svc.LogoutEverywhere(ctx, f.admin.ID); err != nil {
				t.Fatal(err)
			}
			if u := user(t, st, f.admin.ID); u.SessionEpoch != i {
				t.Errorf("epoch %d, want %d", u.SessionEpoch, i)
			}
		}
		if err := f.svc.LogoutEverywhere(ctx, 424242); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}

func TestUsersListsStateOfEachAccount(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		if _, err := f.svc.Invite(ctx, f.by(), "bea@example.org", "Bea", models.RoleStaff, f.controllers[:1]); err != nil {
			t.Fatal(err)
		}
		us, err := f.svc.Users(ctx)
		if err != nil || len(us) != 2 {
			t.Fatalf("%d users, %v", len(us), err)
		}
		ada, bea := us[0], us[1]
		if ada.Name != "Ada Admin" || !ada.PasswordSet || ada.InvitePending || len(ada.ControllerIDs) != len(f.controllers) {
			t.Errorf("ada %+v", ada)
		}
		if bea.Name != "Bea" || bea.PasswordSet || !bea.InvitePending || len(bea.ControllerIDs) != 1 {
			t.Errorf("bea %+v", bea)
		}
	})
}
