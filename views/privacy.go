package views

import (
	"context"
	"strings"

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
