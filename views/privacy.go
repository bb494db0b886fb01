package views

import (
	"context"
	"strings"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/letters"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

// PrivacyView is the portal's own privacy notice for the people who file requests with a
// controller (Art. 13 GDPR): who, what, why, who sees it, how long — from the controller's
// retention settings — and their rights.
type PrivacyView struct {
	Controller models.Controller
}

// PrivacyPath is the address of controller c's privacy notice.
func PrivacyPath(c models.Controller) string { return "/privacy/" + c.Slug }

// RetentionPeriod says a number of days in words in the page's language: whole years as years
// ("3 years", "3 ans"), anything else as days ("30 days", "30 jours").
func RetentionPeriod(ctx context.Context, days int) string {
	l := lifetime.NewDuration(days, lifetime.Day)
	if days > 0 && days%365 == 0 {
		l = lifetime.NewDuration(days/365, lifetime.Year)
	}
	return l.Format(Lang(ctx))
}

// ErasureDay is the day, in the controller's time zone, on which a closed case's personal data is
// due for erasure under its controller's retention period (package retention), and false for a
// case still open or one without its controller. A legal hold may keep it longer; the requester
// is told the rule's date.
func ErasureDay(c models.Case) (deadline.Date, bool) {
	if c.ClosedAt == nil || c.Controller == nil || !c.Status.Closed() {
		return deadline.Date{}, false
	}
	days := c.Controller.KeepAnsweredDays
	if c.Status == dsr.StatusExpired {
		days = c.Controller.KeepUnconfirmedDays
	}
	t := c.ClosedAt.Add(time.Duration(days) * 24 * time.Hour).In(c.Controller.Location())
	return deadline.NewDate(t.Year(), t.Month(), t.Day()), true
}

// addressLines are the controller's postal address, line by line.
func (v PrivacyView) addressLines() []string {
	var out []string
	for _, l := range strings.Split(v.Controller.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// complaints is the route to the controller's lead authority in the page's language, as the
// letters give it.
func (v PrivacyView) complaints(ctx context.Context) letters.Complaint {
	return letters.ComplaintRoute(Lang(ctx), v.Controller.LeadAuthority, "")
}

func (v PrivacyView) data(ctx context.Context) map[string]any {
	return map[string]any{"Controller": v.Controller.Name}
}

func (v PrivacyView) periodData(ctx context.Context, days int) map[string]any {
	return map[string]any{"Controller": v.Controller.Name, "Period": RetentionPeriod(ctx, days)}
}
