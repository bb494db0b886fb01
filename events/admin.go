package events

import (
	"fmt"
	"strings"
)

// The admins' actions on the portal's set-up: events without a case, in the audit chain like the
// others (models.Tx.AppendAdminEvent). An action on a user account is the whole portal's (no
// organisation); the rest are the organisation's whose thing changed (a site's: its owner's).
// No detail ever holds a secret — a password, a key, a signing or webhook secret — only what names
// one (an API key's prefix and label, a signing secret's key id, a webhook's host). People's names
// and e-mail addresses are personal, as in a case's events.

// UserInvited: an admin invited a member of staff (accounts.Invite); the letter with the link was
// queued. Controllers are the slugs of the organisations they work for.
type UserInvited struct {
	UserID      int64    `json:"user_id"`
	Name        string   `json:"name" personal:"true"`
	Email       string   `json:"email" personal:"true"`
	Role        string   `json:"role"`
	Controllers []string `json:"controllers,omitempty"`
}

// UserAdded: an account was added with its password from the command line (rightsdesk user add).
type UserAdded struct {
	UserID      int64    `json:"user_id"`
	Name        string   `json:"name" personal:"true"`
	Email       string   `json:"email" personal:"true"`
	Role        string   `json:"role"`
	Controllers []string `json:"controllers,omitempty"`
}

// UserChanged: an admin changed an account's role, organisations or state (accounts.UpdateUser),
// from the values From… to the values To….
type UserChanged struct {
	UserID          int64    `json:"user_id"`
	Name            string   `json:"name" personal:"true"`
	RoleFrom        string   `json:"role_from"`
	RoleTo          string   `json:"role_to"`
	ControllersFrom []string `json:"controllers_from,omitempty"`
	ControllersTo   []string `json:"controllers_to,omitempty"`
	ActiveFrom      bool     `json:"active_from"`
	ActiveTo        bool     `json:"active_to"`
}

// UserSessionsEnded: an admin ended every session of an account.
type UserSessionsEnded struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name" personal:"true"`
}

// ControllerAdded: an organisation was added (setup.AddController).
type ControllerAdded struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// ControllerChanged: an admin saved the organisation's page; Changed names the settings that
// changed. A retention period that changed has its values From and To (0: unchanged).
type ControllerChanged struct {
	Changed             []string `json:"changed"`
	KeepAnsweredFrom    int      `json:"keep_answered_from,omitempty"`
	KeepAnsweredTo      int      `json:"keep_answered_to,omitempty"`
	KeepUnconfirmedFrom int      `json:"keep_unconfirmed_from,omitempty"`
	KeepUnconfirmedTo   int      `json:"keep_unconfirmed_to,omitempty"`
	// KeepRecord: the years after which a case's record is deleted changed, From and To (0: for good).
	KeepRecord     bool `json:"keep_record,omitempty"`
	KeepRecordFrom int  `json:"keep_record_from,omitempty"`
	KeepRecordTo   int  `json:"keep_record_to,omitempty"`
}

// LogoChanged: the organisation's logo was set or replaced; SHA256 is the image's digest.
type LogoChanged struct {
	ContentType string `json:"content_type"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

// LogoRemoved: the organisation's logo was taken away.
type LogoRemoved struct{}

// SiteAdded: a site was added to the organisation (setup.AddSite).
type SiteAdded struct {
	Site    string   `json:"site"`
	Name    string   `json:"name"`
	Domains []string `json:"domains"`
}

// SiteChanged: an admin saved the site's page; Changed names the settings that changed.
type SiteChanged struct {
	Site    string   `json:"site"`
	Changed []string `json:"changed"`
}

// SiteRetired: the site was taken off the public pages.
type SiteRetired struct {
	Site string `json:"site"`
}

// SiteRestored: the site is back on the public pages.
type SiteRestored struct {
	Site string `json:"site"`
}

// CookieAdded: a cookie was added to the site's catalogue.
type CookieAdded struct {
	Site   string `json:"site"`
	Cookie string `json:"cookie"`
}

// CookieChanged: a cookie of the catalogue was edited; Was is its former name when it was renamed,
// Changed names the fields that changed.
type CookieChanged struct {
	Site    string   `json:"site"`
	Cookie  string   `json:"cookie"`
	Was     string   `json:"was,omitempty"`
	Changed []string `json:"changed"`
}

// CookieRetired: a cookie left the live catalogue (kept for the cases naming it).
type CookieRetired struct {
	Site   string `json:"site"`
	Cookie string `json:"cookie"`
}

// CookieRestored: a retired cookie is back in the live catalogue.
type CookieRestored struct {
	Site   string `json:"site"`
	Cookie string `json:"cookie"`
}

// CatalogueImported: a file was applied to the site's catalogue (the admin page's import or
// rightsdesk catalogue import), with what it added, changed, brought back and retired, and the
// providers whose place it recorded.
type CatalogueImported struct {
	Site      string `json:"site"`
	Cookies   int    `json:"cookies"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
	Restored  int    `json:"restored"`
	Retired   int    `json:"retired"`
	Providers int    `json:"providers"`
}

// ProviderSaved: where a third-party provider of the site's cookies processes the data, and under
// which transfer safeguard, was recorded.
type ProviderSaved struct {
	Site      string `json:"site"`
	Provider  string `json:"provider"`
	Country   string `json:"country"`
	Safeguard string `json:"safeguard,omitempty"`
}

// SiteSecretAdded: a signing secret for the site's links was added; KeyID names it (never the secret).
type SiteSecretAdded struct {
	Site  string `json:"site"`
	KeyID string `json:"key_id"`
}

// SiteSecretRetired: links signed with the secret KeyID are refused from now on.
type SiteSecretRetired struct {
	Site  string `json:"site"`
	KeyID string `json:"key_id"`
}

// APIKeyCreated: an API key of the site was created; Prefix and Label name it (never the key).
type APIKeyCreated struct {
	Site   string `json:"site"`
	Prefix string `json:"prefix"`
	Label  string `json:"label,omitempty"`
}

// APIKeyRevoked: an API key of the site was revoked.
type APIKeyRevoked struct {
	Site   string `json:"site"`
	Prefix string `json:"prefix"`
	Label  string `json:"label,omitempty"`
}

// WebhookSet: the site's webhook was set to a URL on Host, with a new secret (never recorded);
// Rotated: it was the same URL, so only the secret changed.
type WebhookSet struct {
	Site    string `json:"site"`
	Host    string `json:"host"`
	Rotated bool   `json:"rotated,omitempty"`
}

// WebhookRemoved: the site's webhook and its secret were removed.
type WebhookRemoved struct {
	Site string `json:"site"`
}

// LetterWordingSaved: the organisation's wording of a letter in Language was saved: the messages
// Saved got its own wording, the messages Reset went back to the shipped one.
type LetterWordingSaved struct {
	Letter   string   `json:"letter"`
	Language string   `json:"language"`
	Saved    []string `json:"saved,omitempty"`
	Reset    []string `json:"reset,omitempty"`
}

// TransparencySwitched: a manager published or withdrew the organisation's disclosure page.
type TransparencySwitched struct {
	Published bool `json:"published"`
}

func (UserInvited) Type() string          { return "user_invited" }
func (UserAdded) Type() string            { return "user_added" }
func (UserChanged) Type() string          { return "user_changed" }
func (UserSessionsEnded) Type() string    { return "user_sessions_ended" }
func (ControllerAdded) Type() string      { return "controller_added" }
func (ControllerChanged) Type() string    { return "controller_changed" }
func (LogoChanged) Type() string          { return "logo_changed" }
func (LogoRemoved) Type() string          { return "logo_removed" }
func (SiteAdded) Type() string            { return "site_added" }
func (SiteChanged) Type() string          { return "site_changed" }
func (SiteRetired) Type() string          { return "site_retired" }
func (SiteRestored) Type() string         { return "site_restored" }
func (CookieAdded) Type() string          { return "cookie_added" }
func (CookieChanged) Type() string        { return "cookie_changed" }
func (CookieRetired) Type() string        { return "cookie_retired" }
func (CookieRestored) Type() string       { return "cookie_restored" }
func (CatalogueImported) Type() string    { return "catalogue_imported" }
func (ProviderSaved) Type() string        { return "provider_saved" }
func (SiteSecretAdded) Type() string      { return "site_secret_added" }
func (SiteSecretRetired) Type() string    { return "site_secret_retired" }
func (APIKeyCreated) Type() string        { return "api_key_created" }
func (APIKeyRevoked) Type() string        { return "api_key_revoked" }
func (WebhookSet) Type() string           { return "webhook_set" }
func (WebhookRemoved) Type() string       { return "webhook_removed" }
func (LetterWordingSaved) Type() string   { return "letter_wording_saved" }
func (TransparencySwitched) Type() string { return "transparency_switched" }

func init() {
	for _, f := range []func() Detail{
		func() Detail { return &UserInvited{} }, func() Detail { return &UserAdded{} }, func() Detail { return &UserChanged{} },
		func() Detail { return &UserSessionsEnded{} }, func() Detail { return &ControllerAdded{} },
		func() Detail { return &ControllerChanged{} }, func() Detail { return &LogoChanged{} }, func() Detail { return &LogoRemoved{} },
		func() Detail { return &SiteAdded{} }, func() Detail { return &SiteChanged{} }, func() Detail { return &SiteRetired{} },
		func() Detail { return &SiteRestored{} }, func() Detail { return &CookieAdded{} }, func() Detail { return &CookieChanged{} },
		func() Detail { return &CookieRetired{} }, func() Detail { return &CookieRestored{} },
		func() Detail { return &CatalogueImported{} }, func() Detail { return &ProviderSaved{} },
		func() Detail { return &SiteSecretAdded{} }, func() Detail { return &SiteSecretRetired{} },
		func() Detail { return &APIKeyCreated{} }, func() Detail { return &APIKeyRevoked{} },
		func() Detail { return &WebhookSet{} }, func() Detail { return &WebhookRemoved{} },
		func() Detail { return &LetterWordingSaved{} }, func() Detail { return &TransparencySwitched{} },
	} {
		register([]string{f().Type()}, f)
	}
}

// adminEnglish says an admin's action; ok is false for a detail of another kind.
func adminEnglish(d Detail) (string, bool) {
	switch d := d.(type) {
	case UserInvited:
		return fmt.Sprintf("Invited %s <%s> as %s%s; invitation letter queued.", d.Name, d.Email, d.Role, of(d.Controllers)), true
	case UserAdded:
		return fmt.Sprintf("Account of %s <%s> added as %s%s, with a password, from the command line.", d.Name, d.Email, d.Role, of(d.Controllers)), true
	case UserChanged:
		var parts []string
		if d.RoleFrom != d.RoleTo {
			parts = append(parts, fmt.Sprintf("role %s → %s", d.RoleFrom, d.RoleTo))
		}
		if strings.Join(d.ControllersFrom, ",") != strings.Join(d.ControllersTo, ",") {
			parts = append(parts, fmt.Sprintf("organisations %s → %s", list(d.ControllersFrom), list(d.ControllersTo)))
		}
		if d.ActiveFrom != d.ActiveTo {
			if d.ActiveTo {
				parts = append(parts, "reactivated")
			} else {
				parts = append(parts, "deactivated (every session ended, password links revoked)")
			}
		}
		if len(parts) == 0 {
			parts = append(parts, "saved unchanged")
		}
		return fmt.Sprintf("Account of %s: %s.", d.Name, strings.Join(parts, "; ")), true
	case UserSessionsEnded:
		return fmt.Sprintf("Every session of %s ended.", d.Name), true
	case ControllerAdded:
		return fmt.Sprintf("Organisation %s (%s) added.", d.Name, d.Slug), true
	case ControllerChanged:
		msg := "Organisation's settings changed: " + list(d.Changed) + "."
		if d.KeepAnsweredTo != 0 {
			msg += fmt.Sprintf(" Personal data of answered requests kept %d days after they close (was %d).", d.KeepAnsweredTo, d.KeepAnsweredFrom)
		}
		if d.KeepUnconfirmedTo != 0 {
			msg += fmt.Sprintf(" Personal data of unconfirmed requests kept %d days after they expire (was %d).", d.KeepUnconfirmedTo, d.KeepUnconfirmedFrom)
		}
		if d.KeepRecord {
			msg += fmt.Sprintf(" Records of cases %s (was %s).", recordYears(d.KeepRecordTo), recordYears(d.KeepRecordFrom))
		}
		return msg, true
	case LogoChanged:
		return fmt.Sprintf("Logo set: %s, %d×%d, %d bytes.", d.ContentType, d.Width, d.Height, d.Size), true
	case LogoRemoved:
		return "Logo removed.", true
	case SiteAdded:
		return fmt.Sprintf("Site %s (%s) added: %s.", d.Name, d.Site, strings.Join(d.Domains, " ")), true
	case SiteChanged:
		return fmt.Sprintf("Site %s changed: %s.", d.Site, list(d.Changed)), true
	case SiteRetired:
		return fmt.Sprintf("Site %s retired: off the public pages, no new request or consent withdrawal.", d.Site), true
	case SiteRestored:
		return fmt.Sprintf("Site %s restored to the public pages.", d.Site), true
	case CookieAdded:
		return fmt.Sprintf("Cookie %s added to the catalogue of %s.", d.Cookie, d.Site), true
	case CookieChanged:
		name := d.Cookie
		if d.Was != "" {
			name = d.Was + " (now " + d.Cookie + ")"
		}
		return fmt.Sprintf("Cookie %s of %s changed: %s.", name, d.Site, list(d.Changed)), true
	case CookieRetired:
		return fmt.Sprintf("Cookie %s of %s retired from the live catalogue.", d.Cookie, d.Site), true
	case CookieRestored:
		return fmt.Sprintf("Cookie %s of %s restored to the live catalogue.", d.Cookie, d.Site), true
	case CatalogueImported:
		msg := fmt.Sprintf("Catalogue of %s imported: %d cookies; %d added, %d changed, %d restored, %d retired.",
			d.Site, d.Cookies, d.Added, d.Changed, d.Restored, d.Retired)
		if d.Providers > 0 {
			msg += fmt.Sprintf(" Where %d provider(s) process the data recorded.", d.Providers)
		}
		return msg, true
	case ProviderSaved:
		place := d.Country
		if d.Safeguard != "" {
			place += ", " + d.Safeguard
		}
		return fmt.Sprintf("Provider %s of %s recorded: %s.", d.Provider, d.Site, place), true
	case SiteSecretAdded:
		return fmt.Sprintf("Signing secret %s added to %s.", d.KeyID, d.Site), true
	case SiteSecretRetired:
		return fmt.Sprintf("Signing secret %s of %s retired: links signed with it are refused.", d.KeyID, d.Site), true
	case APIKeyCreated:
		return fmt.Sprintf("API key %s%s created for %s.", d.Prefix, label(d.Label), d.Site), true
	case APIKeyRevoked:
		return fmt.Sprintf("API key %s%s of %s revoked.", d.Prefix, label(d.Label), d.Site), true
	case WebhookSet:
		if d.Rotated {
			return fmt.Sprintf("Webhook secret of %s replaced (URL on %s unchanged).", d.Site, d.Host), true
		}
		return fmt.Sprintf("Webhook of %s set to a URL on %s, with a new secret.", d.Site, d.Host), true
	case WebhookRemoved:
		return fmt.Sprintf("Webhook of %s removed, with its secret.", d.Site), true
	case LetterWordingSaved:
		var parts []string
		if len(d.Saved) > 0 {
			parts = append(parts, "saved "+strings.Join(d.Saved, ", "))
		}
		if len(d.Reset) > 0 {
			parts = append(parts, "back to the shipped wording "+strings.Join(d.Reset, ", "))
		}
		return fmt.Sprintf("Wording of the letter %s (%s): %s.", d.Letter, d.Language, strings.Join(parts, "; ")), true
	case TransparencySwitched:
		if d.Published {
			return "Disclosure page published.", true
		}
		return "Disclosure page withdrawn.", true
	}
	return "", false
}

// of says the organisations of an account: " of esomus, bmid".
func of(slugs []string) string {
	if len(slugs) == 0 {
		return ""
	}
	return " of " + strings.Join(slugs, ", ")
}

func list(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func label(l string) string {
	if l == "" {
		return ""
	}
	return " (“" + l + "”)"
}

// recordYears says a record setting: deleted after n years, or kept for good (0).
func recordYears(n int) string {
	if n == 0 {
		return "kept for good"
	}
	return fmt.Sprintf("deleted %d years after they close", n)
}
