// Package app assembles Rightsdesk from its configuration: the store (migrated), the case service,
// the job queue (letters, reminders, sweeps), and the HTTP handlers. The binary and the
// end-to-end tests build the portal the same way, through New.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/accounts"
	"rightsdesk/cases"
	"rightsdesk/handlers"
	"rightsdesk/jobs"
	"rightsdesk/mailer"
	"rightsdesk/metrics"
	"rightsdesk/models"
	"rightsdesk/seal"
	"rightsdesk/token"
)

// Config is the deployment, read from the environment (see README).
type Config struct {
	Addr        string // RIGHTSDESK_ADDR
	DatabaseURL string // DATABASE_URL; empty: SQLite under DataDir
	DataDir     string // RIGHTSDESK_DATA_DIR
	SMTPURL     string // SMTP_URL; empty: letters are kept in the admin mailbox
	MailFrom    string // MAIL_FROM
	BaseURL     string // BASE_URL: the public address, used in links
	Secret      string // RIGHTSDESK_SECRET: derives status-page links and the key that seals site secrets
	// SecretPrevious (RIGHTSDESK_SECRET_PREVIOUS) is the secret before a rotation: secrets sealed
	// under it still open, and are sealed again under the new one at start.
	SecretPrevious string
	// MetricsToken (RIGHTSDESK_METRICS_TOKEN) opens /metrics to a scraper sending it as a bearer
	// token; empty: no /metrics.
	MetricsToken string
	TrustProxy   bool // RIGHTSDESK_TRUST_PROXY: take client IPs from X-Forwarded-For
	// WebhookAllowPrivate (RIGHTSDESK_WEBHOOK_ALLOW_PRIVATE) lets webhooks reach loopback and
	// private addresses: development and tests only.
	WebhookAllowPrivate bool
	// RescueAfter (RIGHTSDESK_RESCUE_AFTER, a Go duration such as 5m) is how long a job may run
	// before it counts as stuck (its worker died) and runs again; default jobs.DefaultRescueAfter.
	// Tests set shorter values directly.
	RescueAfter time.Duration
	// How long what is kept only for a while stays, in whole days (0: the default stated in
	// package jobs): finished jobs (RIGHTSDESK_KEEP_JOBS_DAYS, 1), jobs that gave up
	// (RIGHTSDESK_KEEP_FAILED_JOBS_DAYS, 7) and ended webhook calls (RIGHTSDESK_KEEP_WEBHOOK_LOG_DAYS, 90).
	KeepJobs, KeepFailedJobs, KeepWebhookLog time.Duration

	// Set by tests only.
	SMTPTLS      *tls.Config   // trust for the SMTP server's certificate
	PollInterval time.Duration // job queue poll; default 1s
	MailBackoff  func(attempt int) time.Duration
	SweepEvery   time.Duration // expiry sweep; default 10m
	SealEvery    time.Duration // sealing of appended events into the audit chain; default 1s
	Handlers     handlers.Config
}

// maxKeepDays bounds the RIGHTSDESK_KEEP_*_DAYS settings (ten years).
const maxKeepDays = 3653

// MinRescueAfter is the shortest RIGHTSDESK_RESCUE_AFTER: a job's timeout is at most the rescue
// delay, and below a minute a slow but healthy SMTP conversation would be cut off.
const MinRescueAfter = time.Minute

// Defaults for the environment.
const (
	DefaultAddr     = "127.0.0.1:8080"
	DefaultDataDir  = "./data"
	DefaultMailFrom = "Rightsdesk <no-reply@rightsdesk.localhost>"
)

// ConfigFromEnv reads the configuration; getenv is os.Getenv in the binary.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:           or(getenv("RIGHTSDESK_ADDR"), DefaultAddr),
		DatabaseURL:    getenv("DATABASE_URL"),
		DataDir:        or(getenv("RIGHTSDESK_DATA_DIR"), DefaultDataDir),
		SMTPURL:        getenv("SMTP_URL"),
		MailFrom:       or(getenv("MAIL_FROM"), DefaultMailFrom),
		BaseURL:        getenv("BASE_URL"),
		Secret:         getenv("RIGHTSDESK_SECRET"),
		MetricsToken:   getenv("RIGHTSDESK_METRICS_TOKEN"),
		SecretPrevious: getenv("RIGHTSDESK_SECRET_PREVIOUS"),
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return c, errors.New("RIGHTSDESK_METRICS_TOKEN must have at least 32 characters (e.g. openssl rand -hex 32)")
	}
	for name, dst := range map[string]*bool{"RIGHTSDESK_TRUST_PROXY": &c.TrustProxy, "RIGHTSDESK_WEBHOOK_ALLOW_PRIVATE": &c.WebhookAllowPrivate} {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, fmt.Errorf("%s must be true or false, got %q", name, v)
			}
			*dst = b
		}
	}
	if v := getenv("RIGHTSDESK_RESCUE_AFTER"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < MinRescueAfter {
			return c, fmt.Errorf("RIGHTSDESK_RESCUE_AFTER must be a duration of at least %v, such as 5m; got %q", MinRescueAfter, v)
		}
		c.RescueAfter = d
	}
	for name, dst := range map[string]*time.Duration{"RIGHTSDESK_KEEP_JOBS_DAYS": &c.KeepJobs,
		"RIGHTSDESK_KEEP_FAILED_JOBS_DAYS": &c.KeepFailedJobs, "RIGHTSDESK_KEEP_WEBHOOK_LOG_DAYS": &c.KeepWebhookLog} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxKeepDays {
				return c, fmt.Errorf("%s must be a whole number of days from 1 to %d, got %q", name, maxKeepDays, v)
			}
			*dst = time.Duration(n) * 24 * time.Hour
		}
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return c, fmt.Errorf("BASE_URL must start with http:// or https://, got %q", c.BaseURL)
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		return c, fmt.Errorf("MAIL_FROM %q is not an e-mail address", c.MailFrom)
	}
	if c.SMTPURL != "" {
		if _, err := mailer.ParseURL(c.SMTPURL); err != nil {
			return c, fmt.Errorf("SMTP_URL: %w", err)
		}
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// App is the assembled portal.
type App struct {
	Store       *models.Store
	Cases       *cases.Service
	CasesConfig cases.Config // what the case service runs with (the demo loader builds its own services)
	Jobs        *jobs.Queue
	echo        *echo.Echo
	cfg         Config
	log         *slog.Logger
}

// Routes lists the routes the portal serves (method and path pattern), for tests that sweep them.
func (a *App) Routes() []*echo.Route { return a.echo.Routes() }

// New opens the database, applies pending migrations, refuses a schema it does not know, and
// wires the services.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if log == nil {
		log = slog.Default()
	}
	st, err := models.Open(ctx, models.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, Logger: log})
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("migrations applied", "dialect", st.Dialect(), "versions", applied)
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, err
	}

	var sender mailer.Sender // stays an untyped nil when SMTP is off
	if cfg.SMTPURL != "" {
		s, err := mailer.NewSMTP(mailer.Config{URL: cfg.SMTPURL, TLSConfig: cfg.SMTPTLS})
		if err != nil {
			st.Close()
			return nil, err
		}
		sender = s
	}
	secret, err := linkSecret(ctx, st, cfg.Secret, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	if err := sealSecrets(ctx, st, secret, cfg.SecretPrevious, log); err != nil {
		st.Close()
		return nil, err
	}
	// The services schedule the jobs of the letters they write; the queue that works the jobs
	// needs the services, so it comes after them.
	sched, err := jobs.NewScheduler(st, 0)
	if err != nil {
		st.Close()
		return nil, err
	}
	casesCfg := cases.Config{BaseURL: cfg.BaseURL, MailFrom: cfg.MailFrom, Secret: secret, Jobs: sched}
	svc, err := cases.New(st, casesCfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	q, err := jobs.New(st, svc, jobs.Options{
		Sender: sender, Backoff: cfg.MailBackoff, SweepEvery: cfg.SweepEvery, SealEvery: cfg.SealEvery, PollInterval: cfg.PollInterval,
		RescueAfter: cfg.RescueAfter, Logger: log, WebhookAllowPrivate: cfg.WebhookAllowPrivate,
		KeepJobs: cfg.KeepJobs, KeepFailedJobs: cfg.KeepFailedJobs, KeepWebhookLog: cfg.KeepWebhookLog,
	})
	if err != nil {
		st.Close()
		return nil, err
	}

	hcfg := cfg.Handlers
	hcfg.BaseURL = cfg.BaseURL
	hcfg.SMTPEnabled = cfg.SMTPURL != ""
	hcfg.TrustProxy = cfg.TrustProxy
	hcfg.WebhookAllowPrivate = cfg.WebhookAllowPrivate
	hcfg.CSRFKey = derive(secret, "rightsdesk csrf v1")
	if cfg.MetricsToken != "" {
		hcfg.Metrics, hcfg.MetricsToken = metrics.New(st, log), cfg.MetricsToken
	}
	acc, err := accounts.New(st, accounts.Config{BaseURL: cfg.BaseURL, MailFrom: cfg.MailFrom, Jobs: sched})
	if err != nil {
		st.Close()
		return nil, err
	}
	h := handlers.New(st, svc, acc, models.SessionStore{Store: st}, hcfg, log)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	h.Register(e)

	return &App{Store: st, Cases: svc, CasesConfig: casesCfg, Jobs: q, echo: e, cfg: cfg, log: log}, nil
}

// linkSecret is the key that derives status-page links. RIGHTSDESK_SECRET should be set: without
// it a random key is kept in the database, where a copy of the database carries it along.
func linkSecret(ctx context.Context, st *models.Store, configured string, log *slog.Logger) ([]byte, error) {
	if configured != "" {
		if len(configured) < 32 {
			return nil, errors.New("RIGHTSDESK_SECRET must have at least 32 characters")
		}
		return []byte(configured), nil
	}
	v, err := st.EnsureSetting(ctx, "link_secret", token.Nonce()+token.Nonce())
	if err != nil {
		return nil, fmt.Errorf("link secret: %w", err)
	}
	log.Warn("RIGHTSDESK_SECRET is not set: status links are derived from a key kept in the database; set it in production")
	return []byte(v), nil
}

// sealSecrets gives the store the key that seals the sites' secrets, derived from the deployment's
// secret, and seals again those stored before (or under the previous secret). The key kept in the
// database before RIGHTSDESK_SECRET was set still opens what it sealed.
func sealSecrets(ctx context.Context, st *models.Store, secret []byte, previous string, log *slog.Logger) error {
	var older [][]byte
	if previous != "" {
		older = append(older, []byte(previous))
	}
	if kept, err := st.Setting(ctx, "link_secret"); err != nil {
		return err
	} else if kept != "" && kept != string(secret) {
		older = append(older, []byte(kept))
	}
	box, err := seal.New(secret, older...)
	if err != nil {
		return err
	}
	st.SetSeal(box)
	n, err := st.ResealSecrets(ctx)
	if err != nil {
		return fmt.Errorf("seal the sites' secrets: %w", err)
	}
	if n > 0 {
		log.Info("sites' secrets sealed under the current key", "count", n)
	}
	return nil
}

// derive returns a key for one purpose from the portal's secret, so that no two uses share a key.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Handler serves the portal.
func (a *App) Handler() http.Handler { return a.echo }

// RunWorkers works the job queue (letters, reminders, sweeps) until ctx is done.
func (a *App) RunWorkers(ctx context.Context) {
	if err := a.Jobs.Run(ctx); err != nil {
		a.log.Error("job queue stopped", "error", err)
	}
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }
