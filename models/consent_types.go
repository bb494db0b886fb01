package models

import (
	"time"

	"rightsdesk/dsr"
)

// SiteSecret is one of a site's secrets for signing the links it hands its visitors (sitetoken).
// A site may hold several live ones at once: it rotates by adding a new secret, moving its back
// end to it, then retiring the old one, and no link fails in between.
type SiteSecret struct {
	ID        int64
	SiteID    int64
	KeyID     string // named in each token
	Secret    string // base64url of 32 random bytes; shown to the admin once
	CreatedAt time.Time
	RetiredAt *time.Time
}

// SiteAPIKey lets one site read its consent records through /api/v1. Only the key's SHA-256 is
// kept; the key itself is shown once.
type SiteAPIKey struct {
	ID         int64
	SiteID     int64
	Label      string
	Prefix     string
	KeyHash    string
	CreatedAt  time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// ConsentWithdrawal records that a visitor withdrew consent (Art. 7(3)) on a site, for the listed
// categories, against the identifiers proven at the time. Rows are only ever added.
type ConsentWithdrawal struct {
	ID          int64
	SiteID      int64
	Receipt     string // the visitor's reference for it, e.g. CW-7KD2-M4QX
	Scope       string // ScopeAll or ScopeCategories
	Categories  string // comma-separated, in Categories order; never necessary
	Language    string
	Email       string // where the confirmation went; empty when the visitor gave none
	WithdrawnAt time.Time
	// CaseID is the request the withdrawal was filed as, recorded when staff complied with it;
	// WithdrawnAt is then when the requester asked.
	CaseID *int64
	// HandledAt/HandledBy: a member of the controller's privacy team marked it handled in the
	// staff workspace (the site had no webhook to tell it, or the call failed), or answered the
	// request it was filed as; HandledBy is empty when the site's webhook acknowledged it.
	HandledAt *time.Time
	HandledBy *int64

	Identifiers []ConsentIdentifier `gorm:"foreignKey:WithdrawalID"`
}

// Scopes of a withdrawal: every non-necessary category, or the ones chosen.
const (
	ScopeAll        = "all"
	ScopeCategories = "categories"
)

// ConsentIdentifier is a cookie value a withdrawal applies to, with how the portal learned it.
type ConsentIdentifier struct {
	ID           int64
	WithdrawalID int64
	SiteID       int64
	CookieName   string
	Value        string
	Provenance   dsr.Provenance
}

// Webhook delivery states.
const (
	WebhookPending   = "pending"
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed"
)

// WebhookDelivery is the call that tells a site of one withdrawal, retried until acknowledged.
type WebhookDelivery struct {
	ID           int64
	SiteID       int64
	WithdrawalID int64
	URL          string `gorm:"column:url"`
	State        string
	Attempts     int
	LastStatus   int
	LastError    string
	DeliveredAt  *time.Time
	CreatedAt    time.Time
}
