package consent

import "rightsdesk/models"

// Facts are what happened when a withdrawal was recorded, as far as the portal knows: what it
// removed from the browser, what it could not, whether the site has a webhook and how its call
// went, and what the site's catalogue says about giving consent again. The receipt page and the
// confirmation letter both say only what Say allows from them.
type Facts struct {
	Cleared   []string // the site's cookies removed from this browser
	Remaining []string // the site's own withdrawn cookies the portal could not remove (Remaining)
	OptOuts   int      // third-party providers of withdrawn cookies (OptOuts)
	// Webhook is the state of the call that tells the site (models.Webhook*), or "" when the
	// site has no webhook.
	Webhook string
	Banner  bool   // the site has a cookie banner (models.Site.ConsentBanner)
	How     string // how to withdraw or give consent again, as the controller states it
}

// Told says who has been told of the withdrawal.
type Told string

const (
	ToldSite    Told = "site"    // the site acknowledged the webhook call
	ToldPending Told = "pending" // the call is being made, and repeated until acknowledged
	ToldFailed  Told = "failed"  // the call failed for good: the privacy team was informed instead
	ToldTeam    Told = "team"    // no webhook: the withdrawal is recorded and the privacy team informed
)

// Wording is what a receipt may say.
type Wording struct {
	Removed        bool // "removed from this browser", with the list
	RemoveYourself bool // how to remove cookies in the browser's settings
	NothingRemoved bool // the portal removed nothing from this browser
	OptOutPages    bool // the providers' opt-out pages
	Told           Told
	Banner         bool // "give consent again in the cookie banner"
	How            bool // the controller's own statement of how to withdraw or give consent again
	AskAgain       bool // neither a banner nor a statement: ask the controller
}

// Say chooses the receipt's statements from the facts: nothing is said to be removed that the
// portal did not expire, nobody is said to be told who was not, and no banner is promised to a
// site without one.
func Say(f Facts) Wording {
	w := Wording{
		Removed:     len(f.Cleared) > 0,
		OptOutPages: f.OptOuts > 0,
		Banner:      f.Banner,
		How:         f.How != "",
	}
	w.NothingRemoved = !w.Removed
	w.RemoveYourself = len(f.Remaining) > 0 || f.OptOuts > 0 || !w.Removed
	w.AskAgain = !w.Banner && !w.How
	switch f.Webhook {
	case "":
		w.Told = ToldTeam
	case models.WebhookDelivered:
		w.Told = ToldSite
	case models.WebhookFailed:
		w.Told = ToldFailed
	default:
		w.Told = ToldPending
	}
	return w
}

// TeamNotified reports whether a withdrawal is the privacy team's to act on: the site was not
// told by its webhook (it has none, or the call failed for good).
func TeamNotified(webhook string) bool { return webhook == "" || webhook == models.WebhookFailed }
