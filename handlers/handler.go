// Package handlers is the HTTP layer: one route table (routes.go), thin handlers that parse, call
// the store or the case service, and render a view; middleware for security headers, CSRF,
// sessions, rate limits and roles; one error handler that maps domain errors to pages.
package handlers

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"rightsdesk/access"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/metrics"
	"rightsdesk/models"
	"rightsdesk/views"
)

// Store is what the handlers read from the database.
type Store interface {
	Controllers(ctx context.Context) ([]models.Controller, error)
	SiteBySlug(ctx context.Context, slug string) (models.Site, error)
	Cookies(ctx context.Context, siteID int64) ([]models.Cookie, error)
	SiteWithCookies(ctx context.Context, slug string) (models.Site, []models.Cookie, error)
	UserByEmail(ctx context.Context, email string) (models.User, error)
	UserByID(ctx context.Context, id int64) (models.User, error)
	Letters(ctx context.Context, f models.LetterFilter) ([]models.Letter, error)
	LetterByID(ctx context.Context, id int64) (models.Letter, error)
	LetterCounts(ctx context.Context) (map[string]int64, error)
	Ping(ctx context.Context) error
	// InTx runs the admins' changes together with their events in the audit chain (audited): the
	// writes to the portal's set-up are made on the transaction, so none is without its event.
	InTx(ctx context.Context, fn func(tx *models.Tx) error) error
	CheckSchema(ctx context.Context) error

	// Staff accounts (admin users, passwords).

	// The audit chain and the log of events.
	VerifyAudit(ctx context.Context) (models.AuditReport, error)
	AuditLog(ctx context.Context, f models.AuditFilter) (models.AuditPage, error)
	AuditHead(ctx context.Context) (int64, string, error)
	UnsealedEvents(ctx context.Context) (int64, error)
	UsersByName(ctx context.Context) ([]models.User, error)

	// Letter wording: each controller's overrides of the shipped messages.
	LetterOverrides(ctx context.Context, controllerID int64, lang string) (map[string]string, error)
	AllLetterOverrides(ctx context.Context, controllerID int64) ([]models.LetterOverride, error)

	// The staff workspace (queue and case page).
	ControllerIDs(ctx context.Context) ([]int64, error)
	UserControllerIDs(ctx context.Context, userID int64) ([]int64, error)
	ControllersIn(ctx context.Context, ids []int64) ([]models.Controller, error)
	StaffOf(ctx context.Context, controller int64) ([]models.User, error)
	StaffOfAny(ctx context.Context, controllers []int64) ([]models.User, error)
	Queue(ctx context.Context, f models.QueueFilter) (models.QueuePage, error)
	QueueCount(ctx context.Context, f models.QueueFilter, max int) (int64, error)
	CaseByReferenceFor(ctx context.Context, ref string, controllers []int64) (models.Case, error)
	Timeline(ctx context.Context, caseID int64) ([]models.Event, error)
	CaseLetters(ctx context.Context, caseID int64) ([]models.Letter, error)
	Outcomes(ctx context.Context, caseID int64) ([]models.CaseOutcome, error)
	CookieRecipients(ctx context.Context, siteID int64) ([]string, error)
	RecipientsTold(ctx context.Context, caseID int64) ([]models.CaseRecipientTold, error)
	AccessItems(ctx context.Context, caseID int64) ([]access.Item, error)
	RestrictionLiftingOf(ctx context.Context, caseID int64) (models.RestrictionLifting, error)
	CaseFiles(ctx context.Context, caseID int64) ([]models.CaseFile, error)
	UsersByID(ctx context.Context, ids []int64) (map[int64]models.User, error)

	// The managers' dashboard and the public disclosure page.
	Dashboard(ctx context.Context, f models.StatsFilter) (models.Dashboard, error)
	EachCaseLine(ctx context.Context, f models.StatsFilter, from, to deadline.Date, fn func(models.CaseLine) error) error
	ControllerBySlug(ctx context.Context, slug string) (models.Controller, error)
	Transparency(ctx context.Context, controllerID int64) ([]models.YearFigures, error)

	// Cookie catalogues as admins manage them: every cookie of a site, retired ones included.
	AllCookies(ctx context.Context, siteID int64) ([]models.Cookie, error)
	CookieByID(ctx context.Context, siteID, id int64) (models.Cookie, error)
	SiteProviders(ctx context.Context, siteID int64) ([]models.Provider, error)

	// Consent withdrawals, read by the visitor's receipt page and by the site through the API.
	WithdrawalByReceipt(ctx context.Context, siteID int64, receipt string) (models.ConsentWithdrawal, error)
	WebhookDeliveryOf(ctx context.Context, withdrawalID int64) (models.WebhookDelivery, error)
	WithdrawalNotices(ctx context.Context, controllers []int64) ([]models.WithdrawalNotice, error)
	CountWithdrawalNotices(ctx context.Context, controllers []int64) (int, error)
	MarkWithdrawalHandled(ctx context.Context, controllers []int64, id, userID int64, at time.Time) error
	WithdrawalsFor(ctx context.Context, siteID int64, cookieName, value string) ([]models.ConsentWithdrawal, error)
	SiteAPIKeyFor(ctx context.Context, plain string) (models.SiteAPIKey, error)
	MarkSiteAPIKeyUsed(ctx context.Context, id int64, now time.Time) error
	WebhookDeliveries(ctx context.Context, siteID int64, limit int) ([]models.WebhookDelivery, error)

	// A site's integration: the secrets that sign its links to the portal, its API keys, its webhook.
	LiveSiteSecret(ctx context.Context, siteID int64, keyID string) ([]byte, bool, error)
	SiteSecrets(ctx context.Context, siteID int64) ([]models.SiteSecret, error)
	SiteAPIKeys(ctx context.Context, siteID int64) ([]models.SiteAPIKey, error)

	// Setting up: organisations' logos, and whom staff without an organisation ask.
	LogoOf(ctx context.Context, slug string) (models.ControllerLogo, error)
	Admins(ctx context.Context) ([]models.User, error)
}

// Cases is what the handlers ask of the case service.
type Cases interface {
	File(ctx context.Context, site models.Site, cookies []models.Cookie, r dsr.Request) (cases.Filed, error)
	PendingVerification(ctx context.Context, token string) (models.Case, error)
	Verify(ctx context.Context, token string) (string, error)
	Status(ctx context.Context, token string) (cases.StatusPage, error)
	Copy(ctx context.Context, token string) (cases.StatusPage, error)
	Withdraw(ctx context.Context, token string) error
	Reply(ctx context.Context, token, answer string) error
	FileForRequester(ctx context.Context, token string, fileID int64) (models.CaseFile, error)
	WithdrawConsent(ctx context.Context, w cases.Withdrawal) (models.ConsentWithdrawal, error)

	// Staff actions, each scoped to the actor's controllers.
	Assign(ctx context.Context, a cases.Actor, ref string, version int, assignee int64) error
	Claim(ctx context.Context, a cases.Actor, ref string, version int) error
	DecideIdentifier(ctx context.Context, a cases.Actor, ref string, version int, identifierID int64, verified bool, reason string) error
	RequestInfo(ctx context.Context, a cases.Actor, ref string, version int, q cases.Question) error
	Extend(ctx context.Context, a cases.Actor, ref string, version int, reason string) error
	Complete(ctx context.Context, a cases.Actor, ref string, version int, in cases.Answer) error
	Refuse(ctx context.Context, a cases.Actor, ref string, version int, ground, reasons string, lateAck bool) error
	CloseWithdrawn(ctx context.Context, a cases.Actor, ref string, version int, how string) error
	AddNote(ctx context.Context, a cases.Actor, ref, text string) error
	PlaceHold(ctx context.Context, a cases.Actor, ref string, version int, reason string) error
	LiftHold(ctx context.Context, a cases.Actor, ref string, version int, reason string) error
	LiftRestriction(ctx context.Context, a cases.Actor, ref string, version int, on, reasons string) error
	RecordRecipient(ctx context.Context, a cases.Actor, ref string, version int, provider, toldOn string) error
	AccessDraft(ctx context.Context, c models.Case) (map[access.Key]string, error)
	ExpireNow(ctx context.Context, a cases.Actor, ref string) error
	ResendLetter(ctx context.Context, a cases.Actor, letterID int64) error
	ConfirmLetterSent(ctx context.Context, a cases.Actor, letterID int64) error
	Bulk(ctx context.Context, refs []string, do func(ref string) error) cases.BulkResult
}

// Config is the deployment as the HTTP layer sees it.
type Config struct {
	BaseURL     string // https:// turns on Secure cookies and HSTS
	SMTPEnabled bool   // false: the mailbox says letters are held
	TrustProxy  bool   // take the client IP from X-Forwarded-For (only behind a proxy that sets it)
	// Metrics counts requests and serves /metrics to holders of MetricsToken; nil or an empty
	// token: no /metrics.
	Metrics      *metrics.Metrics
	MetricsToken string
	// CSRFKey binds the forms' tokens to their askers (csrf.go); empty: a random key, so tokens
	// do not survive a restart nor pass between replicas.
	CSRFKey []byte
	// WebhookAllowPrivate accepts webhook URLs on loopback and private addresses (development).
	WebhookAllowPrivate bool
	// Limits per client IP; zero values get the defaults below.
	FilingRate, VerifyRate, LoginRate rate.Limit
	FilingBurst, VerifyBurst          int
	LoginBurst                        int
	// LoginSlowdown is how long each attempt on an account under attack waits (default 3 s).
	LoginSlowdown time.Duration
	// LoginGuessEvery is how often an address regains one wrong password for an account, after
	// its five (default 12 s).
	LoginGuessEvery time.Duration
	// LoginAttackEvery is how often an account regains one of the twenty wrong passwords from
	// anywhere beyond which every attempt on it is slowed (default 30 s).
	LoginAttackEvery time.Duration
	// APIRate and APIBurst limit each site's API key (requests per second); default 20, burst 40.
	APIRate  rate.Limit
	APIBurst int
}

// Handler holds the dependencies of every handler.
type Handler struct {
	store    Store
	cases    Cases
	accounts Accounts
	sessions *scs.SessionManager
	cfg      Config
	log      *slog.Logger
	limits   limits
	csrfKey  []byte
}

type limits struct {
	filing, verify, loginIP          *middleware.RateLimiterMemoryStore
	login                            *loginThrottle
	resetIP, resetAccount, currentPw *middleware.RateLimiterMemoryStore
	consent, api, apiAuth            *middleware.RateLimiterMemoryStore
}

// New returns the handlers. sessionStore keeps staff sessions (models.SessionStore in production).
func New(store Store, cs Cases, acc Accounts, sessionStore scs.Store, cfg Config, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	def := func(r rate.Limit, d rate.Limit) rate.Limit {
		if r == 0 {
			return d
		}
		return r
	}
	defInt := func(n, d int) int {
		if n == 0 {
			return d
		}
		return n
	}
	limiter := func(r rate.Limit, burst int) *middleware.RateLimiterMemoryStore {
		return middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: r, Burst: burst, ExpiresIn: 10 * time.Minute,
		})
	}
	sm := scs.New()
	sm.Store = sessionStore
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 30 * time.Minute
	sm.Cookie.Name = "rightsdesk_session"
	if strings.HasPrefix(cfg.BaseURL, "https://") {
		sm.Cookie.Name = "__Host-rightsdesk_session" // no subdomain can set it (session fixation)
	}
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(cfg.BaseURL, "https://")
	return &Handler{
		store: store, cases: cs, accounts: acc, sessions: sm, cfg: cfg, log: log, csrfKey: csrfKey(cfg.CSRFKey),
		limits: limits{
			filing:       limiter(def(cfg.FilingRate, rate.Every(time.Minute/6)), defInt(cfg.FilingBurst, 6)),
			verify:       limiter(def(cfg.VerifyRate, rate.Every(time.Minute/10)), defInt(cfg.VerifyBurst, 10)),
			loginIP:      limiter(def(cfg.LoginRate, rate.Every(time.Minute/10)), defInt(cfg.LoginBurst, 10)),
			login:        newLoginThrottle(cfg.LoginSlowdown, cfg.LoginGuessEvery, cfg.LoginAttackEvery),
			resetIP:      limiter(rate.Every(time.Minute/5), 5),
			resetAccount: limiter(rate.Every(10*time.Minute), 3),                  // a mailbox is not flooded with links
			currentPw:    limiter(rate.Every(time.Minute), 10),                    // bounds guessing the current password with a stolen session
			consent:      limiter(rate.Every(time.Minute/10), 10),                 // withdrawals per IP: generous, it must be easy
			api:          limiter(def(cfg.APIRate, 20), defInt(cfg.APIBurst, 40)), // per API key
			apiAuth:      limiter(rate.Every(time.Minute/10), 10),                 // refused API keys per IP
		},
	}
}

// allow reports whether the client may go on, according to store l.
func allow(l *middleware.RateLimiterMemoryStore, key string) bool {
	ok, err := l.Allow(key)
	return ok && err == nil
}

// render writes a component into a buffer first, so that a render error reaches the error handler
// before any byte is sent.
func render(c echo.Context, status int, comp templ.Component) error {
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	return c.HTML(status, buf.String())
}

// page builds the base data every page receives, with the message an earlier action left.
func (h *Handler) page(c echo.Context, title string) views.Page {
	p := h.basePage(c, title)
	p.Flash = h.sessions.PopString(c.Request().Context(), "flash")
	if p.User != nil {
		// The staff navigation counts the withdrawals waiting for the privacy team. A failure to
		// count hides the number; it never fails the page.
		if a, _, err := h.actor(c); err == nil {
			p.Notices, _ = h.store.CountWithdrawalNotices(c.Request().Context(), a.Controllers)
		}
	}
	return p
}

// basePage is page without the session's message: error pages may be rendered before the session
// is loaded (a refused CSRF token, an oversize body).
func (h *Handler) basePage(c echo.Context, title string) views.Page {
	p := views.Page{Title: title, RequestID: c.Response().Header().Get(echo.HeaderXRequestID), SwitchPath: switchPath(c),
		Staff: staffPath(c.Request().URL.Path)}
	if tok, ok := c.Get(csrfContextKey).(string); ok {
		p.CSRF = tok
	}
	if u, ok := c.Get(userContextKey).(models.User); ok {
		p.User = &views.User{Name: u.Name, Role: u.Role}
	}
	return p
}

// staffPath reports whether path is one of the staff's, managers' or admins' pages.
func staffPath(path string) bool {
	for _, prefix := range []string{"/staff/", "/manager/", "/admin/"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// noStore keeps pages with personal data or capability tokens out of caches.
func noStore(c echo.Context) {
	c.Response().Header().Set("Cache-Control", "no-store")
}

func csrfKey(configured []byte) []byte {
	if len(configured) > 0 {
		return configured
	}
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}
