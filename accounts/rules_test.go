package accounts

import (
	"strings"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		in   string
		want string // part of the message; "" when valid
	}{
		{"sam@example.org", ""},
		{"  Sam@Example.org ", ""},
		{"", "Give the e-mail address"},
		{"   ", "Give the e-mail address"},
		{"sam@example.org\r\nBcc: all@example.com", "single line"},
		{"sam@example.org\n", "single line"},
		{"s\xffm@example.org", "invalid UTF-8"},
		{"Sam <sam@example.org>", "address only"},
		{"sam@@example.org", "address only"},
		{"sam@localhost", "full domain"},
		{"sam@example.", "like name@example.com"},
		{strings.Repeat("a", 250) + "@example.org", "too long"},
	}
	for _, tt := range tests {
		got := CheckEmail(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"Sam Staff", ""},
		{"Chloé Dupont-Lefèvre", ""},
		{strings.Repeat("é", MaxName), ""},
		{"", "Give the name"},
		{"  ", "Give the name"},
		{"Sam\r\nBcc: all@example.com", "single line"},
		{"Sam\n", "single line"},
		{"Sam\x00Staff", "control characters"},
		{"Sam\tStaff", "control characters"},
		{"Sam\u0085Staff", "control characters"},
		{"Sam\u2028Staff", "single line"},
		{"S\xffm", "invalid UTF-8"},
		{strings.Repeat("x", MaxName+1), "too long"},
	}
	for _, tt := range tests {
		got := CheckName(tt.in)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("CheckName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckRoleAndIDs(t *testing.T) {
	for _, r := range Roles {
		if msg := checkRole(r); msg != "" {
			t.Errorf("role %s refused: %s", r, msg)
		}
	}
	for _, r := range []string{"", "Admin", "root", "admin "} {
		if checkRole(r) == "" {
			t.Errorf("role %q accepted", r)
		}
	}
	ids, msg := checkIDs([]int64{3, 1, 3, 2})
	if msg != "" || len(ids) != 3 || ids[0] != 1 || ids[2] != 3 {
		t.Errorf("checkIDs: %v %q", ids, msg)
	}
	if ids, msg := checkIDs(nil); msg != "" || len(ids) != 0 {
		t.Errorf("no ids: %v %q", ids, msg)
	}
	for _, bad := range [][]int64{{0}, {1, -4}} {
		if _, msg := checkIDs(bad); msg == "" {
			t.Errorf("checkIDs(%v) accepted", bad)
		}
	}
}

func TestCheckNewPassword(t *testing.T) {
	const email = "samstaff@example.org"
	tests := []struct {
		pw, confirm string
		want        map[string]string // field -> part of the message
	}{
		{"correct horse battery", "correct horse battery", nil},
		{"", "", map[string]string{"password": "Choose a new password"}},
		{"short", "short", map[string]string{"password": "at least 12"}},
		{"password1234", "password1234", map[string]string{"password": "most common"}},
		{"my samstaff password", "my samstaff password", map[string]string{"password": "e-mail name"}},
		{"correct horse battery", "correct horse batterY", map[string]string{"confirm": "differ"}},
		{"short", "other", map[string]string{"password": "too weak", "confirm": "differ"}},
	}
	for _, tt := range tests {
		errs := Errors{}
		checkNewPassword(tt.pw, tt.confirm, email, errs)
		if len(errs) != len(tt.want) {
			t.Errorf("%q/%q: errors %v, want %v", tt.pw, tt.confirm, errs, tt.want)
			continue
		}
		for f, part := range tt.want {
			if !strings.Contains(errs[f], part) {
				t.Errorf("%q/%q: %s = %q, want %q", tt.pw, tt.confirm, f, errs[f], part)
			}
			if tt.pw != "" && strings.Contains(errs[f], tt.pw) {
				t.Errorf("the message quotes the password: %q", errs[f])
			}
		}
	}
}

func TestAnAdminCannotLockThemselvesOut(t *testing.T) {
	tests := []struct {
		actor, user int64
		role        string
		active      bool
		want        []string
	}{
		{1, 1, "admin", true, nil},
		{1, 1, "manager", true, []string{"role"}},
		{1, 1, "admin", false, []string{"active"}},
		{1, 1, "staff", false, []string{"role", "active"}},
		{1, 2, "staff", false, nil}, // another admin may
	}
	for _, tt := range tests {
		errs := Errors{}
		checkSelfChange(tt.actor, tt.user, tt.role, tt.active, errs)
		if len(errs) != len(tt.want) {
			t.Errorf("%+v: %v", tt, errs)
		}
		for _, f := range tt.want {
			if !strings.Contains(errs[f], "ask another admin") {
				t.Errorf("%+v: %s = %q", tt, f, errs[f])
			}
		}
	}
}

func TestErrorsNameFieldsNotValues(t *testing.T) {
	e := Errors{"name": "The name must be on a single line.", "email": "Type the address only"}
	if got := e.Error(); got != "invalid email, name" {
		t.Errorf("Error() = %q", got)
	}
}
