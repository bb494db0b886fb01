package accounts

import (
	"slices"
	"sort"
	"strings"

	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/password"
)

// Limits of what an admin may type about a member of staff. The name and the address end up in mail
// headers, so both must be single lines.
const (
	MaxEmail = 254 // RFC 5321 path limit
	MaxName  = 200
)

// Roles lists the roles in the order forms offer them.
var Roles = []string{models.RoleStaff, models.RoleManager, models.RoleAdmin}

// Errors maps a form field to the message shown beside it. As an error it names only the fields,
// never what was typed, so it can be logged.
type Errors map[string]string

func (e Errors) Error() string {
	fields := make([]string, 0, len(e))
	for f := range e {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return "invalid " + strings.Join(fields, ", ")
}

// CheckEmail returns why raw is not an address we can write to, or "". The reset form checks it
// before counting the request against its limits.
func CheckEmail(raw string) string { return english(dsr.CheckEmail(raw)) }

// normalEmail is the form an address is stored and looked up in.
func normalEmail(raw string) string { return strings.ToLower(strings.TrimSpace(raw)) }

// CheckName returns why raw cannot be a member of staff's name, or "". The invitation form and
// "rightsdesk user add" both check names with it.
func CheckName(raw string) string {
	if strings.TrimSpace(raw) == "" {
		return "Give the name."
	}
	return english(dsr.CheckLine(raw, MaxName))
}

// english is p in words for the staff's forms, or "" for none.
func english(p *dsr.Problem) string {
	if p == nil {
		return ""
	}
	return p.Error()
}

func checkRole(role string) string {
	if !slices.Contains(Roles, role) {
		return "Choose one of the roles listed."
	}
	return ""
}

// CheckScope returns why an account of role with these controllers cannot exist, or "": staff and
// managers work only the cases of the organisations they are given, so they need one at least.
func CheckScope(role string, controllerIDs []int64) string {
	if role != models.RoleAdmin && len(controllerIDs) == 0 {
		return "Choose at least one organisation: staff and managers see only the cases of the organisations they are given (admins see every one)."
	}
	return ""
}

// checkIDs returns the distinct controller ids, sorted, and "" when none is malformed. Whether they
// exist is the store's to say.
func checkIDs(ids []int64) ([]int64, string) {
	out := slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(out) > 0 && out[0] <= 0 {
		return nil, "Choose among the controllers listed."
	}
	return out, ""
}

// checkNewPassword puts in errs why pw cannot be the new password of the account with that e-mail,
// or why its confirmation differs. Passwords are never re-displayed, so the messages do not quote
// them.
func checkNewPassword(pw, confirm, email string, errs Errors) {
	switch {
	case pw == "":
		errs["password"] = "Choose a new password."
	default:
		if why := password.Weak(pw, email); why != "" {
			errs["password"] = "This password is too weak: " + why + "."
		}
	}
	if pw != "" && confirm != pw {
		errs["confirm"] = "The two passwords differ: type the same password twice."
	}
}

// checkSelfChange refuses the changes that would lock an admin out of their own account: there
// must always be a way in, and another admin is the one to take it away.
func checkSelfChange(actorID, userID int64, role string, active bool, errs Errors) {
	if actorID != userID {
		return
	}
	if role != models.RoleAdmin && errs["role"] == "" {
		errs["role"] = "You cannot take away your own admin role: ask another admin."
	}
	if !active {
		errs["active"] = "You cannot deactivate your own account: ask another admin."
	}
}
