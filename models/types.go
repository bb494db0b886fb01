package models

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/lifetime"
)

var lockingClause = clause.Locking{Strength: "UPDATE"}

// Controller is a legal entity that answers requests.
type Controller struct {
	ID              int64
	Slug            string
	Name            string
	Address         string // postal address, one line per line
	Country         string // ISO 3166-1 alpha-2: holidays and the lead authority's country
	CompanyNumber   string
	ContactEmail    string
	Phone           string
	ContactURL      string
	PrivacyURL      string
	TimeZone        string
	LeadAuthority   string // country code of the lead supervisory authority
	DefaultLanguage string
	// InternalTargetDays is the controller's own answer target in calendar days, shorter than the
	// legal month; it has its own date beside the legal one.
	InternalTargetDays int
	// TransparencyOff withholds the public disclosure page, /transparency/{slug}.
	TransparencyOff bool
	// IdentityPause: a question about the requester's identity (Art. 12(6)) pauses the clock until
	// the answer arrives. Off by default: the GDPR has no pause, some authorities accept one.
	IdentityPause bool
	// KeepAnsweredDays is how long after a case is closed (completed, refused, withdrawn) its
	// personal data is kept: 1095 days (3 years, the limitation period for a claim) unless the
	// controller chose otherwise; KeepUnconfirmedDays how long after an unconfirmed request expired
	// or was closed unconfirmed (30 days). The privacy notice tells requesters both; the purge
	// reads them. Zero on a new row takes the column's default.
	KeepAnsweredDays    int `gorm:"default:1095"`
	KeepUnconfirmedDays int `gorm:"default:30"`
	// KeepRecordYears is how many years after a case is closed its record (what is left once its
	// personal data is erased) is deleted too; 0 keeps it for good; nil on a new row takes the
	// column's default, 10. RecordYears reads it.
	KeepRecordYears *int `gorm:"default:10"`
	// LogoSHA256 names the controller's current logo (ControllerLogo), "" when it has none.
	LogoSHA256 string `gorm:"column:logo_sha256"`
	CreatedAt  time.Time
	UpdatedAt  time.Time

	Sites []Site `gorm:"foreignKey:ControllerID"`
}

// DefaultKeepRecordYears is how many years a case's record is kept unless the controller chose
// otherwise (migration 00039).
const DefaultKeepRecordYears = 10

// RecordYears is KeepRecordYears, its default when unset: 0 keeps the record for good.
func (c Controller) RecordYears() int {
	if c.KeepRecordYears == nil {
		return DefaultKeepRecordYears
	}
	return *c.KeepRecordYears
}

// Location is the controller's time zone, in which receipt dates are counted.
func (c Controller) Location() *time.Location {
	if loc, err := time.LoadLocation(c.TimeZone); err == nil && c.TimeZone != "" {
		return loc
	}
	return deadline.DefaultLocation
}

// Site is a website of a controller; its cookies are what requests are about.
type Site struct {
	ID             int64
	ControllerID   int64
	Slug           string
	Name           string
	Domain         string // the main domain, as its pages show it
	OtherDomains   string // further domains, one per line
	Languages      string // the languages the site is published in, comma-separated in order ("fr,nl")
	PolicyURL      string
	PolicyVersion  deadline.Date // the date of the published cookie policy; zero when unknown
	PolicyLanguage string        // the language its cookie policy (and so the catalogue's purposes) is written in
	// RetiredAt takes the site off the public pages: no new request or consent withdrawal, while
	// its cases go on.
	RetiredAt *time.Time
	// WebhookURL is told of each consent withdrawal, signed with WebhookSecret; empty: no webhook.
	WebhookURL    string
	WebhookSecret string
	// ConsentBanner: the site has a cookie banner where a visitor gives consent again, so a receipt
	// may say so. WithdrawalHow is how to withdraw or give consent again as the controller states
	// it (ESOMUS: by ending the subscription on "Mon compte"), shown on receipts as written.
	ConsentBanner bool
	WithdrawalHow string
	CreatedAt     time.Time
	UpdatedAt     time.Time

	Controller *Controller `gorm:"foreignKey:ControllerID"`
}

// Cookie categories, as cookie policies and the APD's guidance name them.
const (
	CategoryNecessary  = "necessary"
	CategoryPreference = "preference"
	CategoryFunctional = "functional"
	CategoryAnalytics  = "analytics"
	CategoryMarketing  = "marketing"
)

// Categories in the order a policy lists them.
var Categories = []string{CategoryNecessary, CategoryPreference, CategoryFunctional, CategoryAnalytics, CategoryMarketing}

// Cookie is one row of a site's cookie catalogue.
type Cookie struct {
	ID              int64
	SiteID          int64
	Position        int // order in the published policy
	Name            string
	Provider        string
	Party           string // "first" or "third"
	Category        string
	Purpose         string // as published
	PurposeLanguage string
	// Purposes holds the controller's translations of Purpose, by language.
	Purposes Translations `gorm:"serializer:json"`
	// Lifetime is how long the cookie lives (session, persistent, a duration) with the text the
	// policy publishes ("1 Heure"): columns lifetime_kind, lifetime_amount, lifetime_unit,
	// lifetime_text.
	Lifetime    lifetime.Lifetime `gorm:"embedded;embeddedPrefix:lifetime_"`
	Identifying bool              // its value identifies a device or a person
	// Unnamed: the policy describes these cookies (a partner's advertising cookies, a social
	// network's pixel) without publishing their names; Name then says what they are.
	Unnamed bool
	// OptOutURL is the third-party provider's own page where a visitor opts out of its cookies.
	OptOutURL string
	RetiredAt *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Translations maps a language to a text.
type Translations map[string]string

// PurposeIn returns the purpose in lang and the language it is actually in: the controller's
// translation when there is one, else the published wording.
func (c Cookie) PurposeIn(lang string) (text, in string) {
	if t := c.Purposes[lang]; t != "" {
		return t, lang
	}
	return c.Purpose, c.PurposeLanguage
}

// BeforeSave stores a catalogue without translations as an empty object, never NULL.
func (c *Cookie) BeforeSave(*gorm.DB) error {
	if c.Purposes == nil {
		c.Purposes = Translations{}
	}
	return nil
}

// FirstParty reports whether the site itself sets the cookie, so that the portal on the same
// domain can read it.
func (c Cookie) FirstParty() bool { return c.Party == "first" }

// Case is a data-subject request.
type Case struct {
	ID                 int64
	Reference          string
	ControllerID       int64
	SiteID             int64
	Status             dsr.Status
	Email              string
	Name               string
	Language           string
	Country            string
	Details            string
	RectificationWrong string
	RectificationRight string
	ObjectionGrounds   string
	// ObjectionDirectMarketing: the objection is to direct marketing (Art. 21(2)); it can never be
	// refused (Art. 21(3)).
	ObjectionDirectMarketing bool
	// RecipientsWanted: the requester asked to be told who the recipients of their data are
	// (Art. 19), with a rectification, erasure or restriction.
	RecipientsWanted bool
	ReceivedAt       time.Time
	ReceivedOn       deadline.Date
	DueOn            deadline.Date // one month from receipt: also the limit for a refusal or an extension notice
	TargetOn         deadline.Date // the controller's internal target
	ExtendedDueOn    deadline.Date // zero unless extended under Art. 12(3)
	ExtensionReason  string
	ExtendedAt       *time.Time
	ExtendedBy       *int64
	AnswerDueOn      deadline.Date // ExtendedDueOn when extended, else DueOn: the queue sorts and filters on it; DueOn again when a right was refused after it (Art. 12(4))
	AssigneeID       *int64
	// InfoReplyBy is the date the requester was last asked to answer a question by; zero when
	// never asked.
	InfoReplyBy deadline.Date
	// PausedOn is the day the clock was paused for an identity question (Art. 12(6)), zero while
	// it runs; PausedDays the calendar days of the pauses that ended, already in the due dates.
	PausedOn      deadline.Date
	PausedDays    int
	RefusalGround string
	// AnswerResult is the answer as a whole (a dsr.Result): full, partial or refused; empty
	// until answered.
	AnswerResult string
	AnsweredAt   *time.Time // when the case was completed or refused
	// The day of the answer in the controller's time zone, and the calendar days from receipt to
	// it: "on time" is AnsweredOn <= AnswerDueOn.
	AnsweredOn deadline.Date
	DaysTaken  *int
	// KindMask is the set of Kinds as bits (dsr.KindMask), written at filing.
	KindMask int
	// StatsRolled: the closed case is counted in the dashboard's rollups (models.RollUp).
	StatsRolled     bool
	StatusNonce     string // with the deployment's secret, derives the status-page token
	VerifyTokenHash *string
	// VerifySpentHash is the hash of the verification token once used, so that a second click on
	// the link can say the request is already confirmed rather than "not found".
	VerifySpentHash *string
	VerifyExpiresAt time.Time
	VerifiedAt      *time.Time
	StatusTokenHash *string
	ClosedAt        *time.Time
	// ErasedAt is when the case's personal data was erased at the end of its retention period
	// (Tx.EraseCase); nil while it is kept.
	ErasedAt *time.Time
	// A legal hold keeps the case's personal data beyond the controller's retention period, in
	// any status: HoldReason is why ("" when there is none), HeldAt when and HeldBy by whom it was
	// placed. Placing and lifting it are events (hold_placed, hold_lifted).
	HoldReason string
	HeldAt     *time.Time
	HeldBy     *int64
	Version    int
	CreatedAt  time.Time
	UpdatedAt  time.Time

	Kinds       []CaseKind       `gorm:"foreignKey:CaseID"`
	Identifiers []CaseIdentifier `gorm:"foreignKey:CaseID"`
	Site        *Site            `gorm:"foreignKey:SiteID"`
	Controller  *Controller      `gorm:"foreignKey:ControllerID"`
	Assignee    *User            `gorm:"foreignKey:AssigneeID"`
}

// Extended reports whether the deadline was extended under Art. 12(3).
func (c Case) Extended() bool { return !c.ExtendedDueOn.IsZero() }

// Held reports whether the case is under a legal hold.
func (c Case) Held() bool { return c.HeldAt != nil }

// Paused reports whether the clock is paused, waiting for the requester to confirm their identity.
func (c Case) Paused() bool { return !c.PausedOn.IsZero() }

// AnswerDue is the date by which the answer is due: the extended date when there is one.
func (c Case) AnswerDue() deadline.Date {
	if c.Extended() {
		return c.ExtendedDueOn
	}
	return c.DueOn
}

// KindList returns the case's kinds in the canonical order.
func (c Case) KindList() []dsr.Kind {
	ks := make([]dsr.Kind, len(c.Kinds))
	for i, k := range c.Kinds {
		ks[i] = k.Kind
	}
	return dsr.SortKinds(ks)
}

// CaseKind is one right a case exercises.
type CaseKind struct {
	CaseID int64    `gorm:"primaryKey"`
	Kind   dsr.Kind `gorm:"primaryKey"`
}

// CaseIdentifier is a cookie value tying a case to a device, with how the portal learned it.
type CaseIdentifier struct {
	ID         int64
	CaseID     int64
	CookieID   int64
	CookieName string
	Value      string
	Provenance dsr.Provenance
	CreatedAt  time.Time
	// Staff's decision on whether the identifier belongs to the requester: nil until decided.
	Verified       *bool
	VerifiedReason string
	VerifiedBy     *int64
	VerifiedAt     *time.Time
}

// CaseOutcome is the answer to one right of an answered case: complied with in full, in part, or
// refused with its ground and reasons (Art. 12(4)).
type CaseOutcome struct {
	CaseID  int64    `gorm:"primaryKey"`
	Kind    dsr.Kind `gorm:"primaryKey"`
	Outcome string   // what was done or found; empty for a right refused in whole
	Result  dsr.Result
	Ground  dsr.RefusalGround // for a right refused in whole or in part
	Reasons string
}

// CaseFile is a file found for an access request, downloadable by the requester until it expires.
type CaseFile struct {
	ID     int64
	CaseID int64
	// Kind is the right the file answers: a copy of the data (access) or the data in a
	// machine-readable file (portability).
	Kind        dsr.Kind
	Name        string
	ContentType string
	SizeBytes   int64
	SHA256      string `gorm:"column:sha256"`
	Data        []byte
	UploadedBy  *int64
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// Who did something to a case.
const (
	ActorRequester = "requester"
	ActorStaff     = "staff"
	ActorSystem    = "system"
)

// Event is one entry of a case's append-only timeline.
type Event struct {
	ID int64
	// CaseID is the case the event belongs to; 0 (NULL) for an admin's action, which belongs to an
	// organisation (ControllerID) or, with both 0, to the whole portal. Both are hashed.
	CaseID       int64 `gorm:"default:null"`
	ControllerID int64 `gorm:"default:null"`
	At           time.Time
	ActorType    string
	ActorUserID  *int64
	Type         string
	FromStatus   dsr.Status
	ToStatus     dsr.Status
	// Message is the event's sentence in English, for staff: events.English(detail). Pages read
	// Detail, never the message.
	Message string
	// Detail is what the event records (package events), as JSON; '' on an event written before
	// migration 00034 whose sentence the data migration 00035 could not read. The chain hashes its
	// public part (events.Public); VerifyAudit checks that it says the message.
	Detail string
	// PersonalSalt and PersonalDigest: the digest of the salt, message and detail (PersonalDigest),
	// which the chain hashes in place of them, so that their personal parts can be erased. The
	// salt is erased with them (ErasedAt), so that the digest cannot confirm a guess.
	PersonalSalt   string
	PersonalDigest string
	ErasedAt       *time.Time
	Public         bool // shown to the requester on the status page
	// The audit chain (see EventHash): the event's place over all cases, and the hashes linking it.
	// All three are empty (seq NULL) until SealEvents seals the event.
	Seq      int64
	PrevHash string
	Hash     string
	// AppendedAt is when AppendEvent wrote the event, by the writing process's clock: how long it
	// has waited for the sealer. Not hashed; nil on events from before migration 00025.
	AppendedAt *time.Time
}

// Letter states.
const (
	LetterQueued = "queued"
	LetterSent   = "sent"
	LetterFailed = "failed"
	// LetterPossiblySent: the attempt that handed the letter to the SMTP server ended without an
	// answer (its worker died, or the connection broke while the server answered the end of the
	// data). The letter may be in the recipient's mailbox; an admin decides.
	LetterPossiblySent = "possibly_sent"
)

// LetterStates are the states of a letter, in the order the delivery log lists them.
var LetterStates = []string{LetterQueued, LetterSent, LetterPossiblySent, LetterFailed}

// Letter is an e-mail: a row first (the outbox), then a message on the wire.
type Letter struct {
	ID            int64
	CaseID        *int64
	Kind          string
	Language      string
	Sender        string
	Recipient     string
	RecipientName string
	Subject       string
	TextBody      string
	HTMLBody      string `gorm:"column:html_body"`
	MessageID     string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    *time.Time
	LastError     string
	SentAt        *time.Time
	FailedAt      *time.Time
	CreatedAt     time.Time
	Resends       int        // times an admin put the letter back in the queue after it failed
	NotifiedAt    *time.Time // when staff were told that it failed
	WithdrawalID  *int64     // the consent withdrawal a confirmation letter is about (no case)
	// SendStartedAt is set just before the message goes to the SMTP server and cleared once the
	// outcome is known: a queued letter found with it set was perhaps sent by a worker that died.
	SendStartedAt *time.Time
}

// Roles of staff users.
const (
	RoleStaff   = "staff"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// User is a member of staff.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Active       bool
	// SessionEpoch is stored in each session at login; raising it logs the user out everywhere.
	SessionEpoch  int
	PasswordSetAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

type userController struct {
	UserID       int64 `gorm:"primaryKey"`
	ControllerID int64 `gorm:"primaryKey"`
}

func (userController) TableName() string { return "user_controllers" }

type session struct {
	Token  string `gorm:"primaryKey"`
	Data   []byte
	Expiry time.Time
}

func (session) TableName() string { return "sessions" }

type referenceCounter struct {
	Year      int `gorm:"primaryKey;autoIncrement:false"`
	LastValue int64
}

func (referenceCounter) TableName() string { return "reference_counters" }
