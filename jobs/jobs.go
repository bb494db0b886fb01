// Package jobs is the durable job queue (River) on the portal's own database, PostgreSQL or
// SQLite: it sends letters, runs the daily reminders and escalations, the periodic sweeps, and
// seals the events appended since into the audit chain, each second.
//
// A letter is a row written in the transaction of the change that caused it, together with its
// job (models.Scheduler, which this package's Scheduler implements and the services are given
// when they are made); the job sends it with the Message-ID fixed at queueing, so a
// retry after a crash is the same message to the receiver. Several replicas may run workers:
// River hands each job to one worker, and periodic jobs are enqueued by the elected leader only,
// as unique jobs.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"rightsdesk/egress"
	"rightsdesk/mailer"
	"rightsdesk/models"
)

// Queues.
const (
	QueueMail    = "mail"    // letters; worked only where SMTP is configured
	QueueDefault = "default" // sweeps, reminders
)

// Cases is what the jobs ask of the case service.
type Cases interface {
	// LetterFailed marks a letter failed for good and tells staff, in one transaction.
	LetterFailed(ctx context.Context, letterID int64, attempts int, reason string) error
	// LetterPossiblySent marks a queued letter possibly sent (it may have reached the server) and
	// records it on its case, in one transaction.
	LetterPossiblySent(ctx context.Context, letterID int64, attempts int, reason string) error
	// ExpireUnverified closes requests whose e-mail was not confirmed in time.
	ExpireUnverified(ctx context.Context) (int, error)
	// SendReminders queues the reminders and escalations due at now, each once per case.
	SendReminders(ctx context.Context, now time.Time) (int, error)
}

// Options tune the queue; zero values take the defaults.
type Options struct {
	// Sender sends letters. Nil (no SMTP_URL) leaves letters queued for the admin mailbox: their
	// jobs wait until a process with SMTP works them. If it has a Close method (mailer.SMTP: its
	// pooled connections), Run calls it once the workers have stopped.
	Sender mailer.Sender
	// MailWorkers is how many letters this process sends at once; default DefaultMailWorkers.
	MailWorkers int
	// MaxAttempts after which a temporary failure becomes permanent; default 30 (about 12 hours
	// with the default backoff).
	MaxAttempts int
	// Backoff is the wait after the given failed attempt (1 for the first); default 15s doubling up
	// to 30m, ±20% jitter.
	Backoff func(attempt int) time.Duration
	// SweepEvery is how often unverified requests expire and stale sessions go; default 10m.
	SweepEvery time.Duration
	// ReminderEvery is how often the reminder job is offered; it runs once per day. Default 1h.
	ReminderEvery time.Duration
	// RollupEvery is how often closed cases are added to the dashboard's rollups; default 1m.
	RollupEvery time.Duration
	// SealEvery is how often the events appended since are sealed into the audit chain; default
	// 1s. `audit verify` fails when an event waits longer than models.SealWithin (a minute).
	SealEvery time.Duration
	// WebhookAttempts bounds the calls that tell a site of a withdrawal; default
	// DefaultWebhookAttempts.
	WebhookAttempts int
	// WebhookClient calls the sites' webhooks; default: egress.Client, which refuses private
	// addresses unless WebhookAllowPrivate.
	WebhookClient       *http.Client
	WebhookAllowPrivate bool
	// KeepJobs is how long River keeps a job that completed or was cancelled (its arguments are
	// ids, no personal data); default DefaultKeepJobs. KeepFailedJobs: a job that gave up (its
	// letter or call is marked failed, where the admins see it); default DefaultKeepFailedJobs.
	KeepJobs, KeepFailedJobs time.Duration
	// KeepWebhookLog is how long a webhook call that ended (delivered, or failed for good) stays
	// in the delivery log; default DefaultKeepWebhookLog. RetentionEvery is how often the
	// retention job runs; default 24h.
	KeepWebhookLog, RetentionEvery time.Duration
	// PollInterval is how often workers look for new jobs; default 1s.
	PollInterval time.Duration
	// RescueAfter is how long a job may run before it counts as stuck (its worker died) and is
	// retried; default DefaultRescueAfter. Every job's timeout is at most this (sending a letter
	// 2m, a webhook 1m, others 4m), so a job that is still working is never rescued. River's
	// rescuer (on the elected leader) looks every 30s and a rescued job waits its retry delay, so
	// a dead worker's job runs again within about RescueAfter + 45s.
	RescueAfter time.Duration
	Logger      *slog.Logger
	Now         func() time.Time
}

// Retention defaults: River's own for finished jobs; the webhook log a quarter, enough to answer
// a site that asks what it was told.
const (
	DefaultKeepJobs       = 24 * time.Hour
	DefaultKeepFailedJobs = 7 * 24 * time.Hour
	DefaultKeepWebhookLog = 90 * 24 * time.Hour
)

// DefaultWebhookAttempts is about 3 days of calls to a site's webhook with the default backoff,
// which tops out at 30 minutes.
const DefaultWebhookAttempts = 170

// DefaultMailWorkers send letters at once in each process, each on a connection of the mailer's
// pool. Eight drain a backlog at several hundred letters a second on a 2-core machine (README,
// Speed); more do not help there: the store keeps 10 idle database connections, and workers
// beyond them open and close a PostgreSQL connection for nearly every query (16 workers
// drained 130/s).
const DefaultMailWorkers = 8

// mailFetchCooldown is the least time between two fetches of letters' jobs. River fetches only
// as many jobs as it has free workers, and once a fetch came back full, fetches again when a
// worker is free but no sooner than this: 4 workers and River's default 100 ms made 40 letters/s.
// An empty queue costs nothing more: fetches are then driven by PollInterval.
const mailFetchCooldown = 5 * time.Millisecond

// DefaultRescueAfter is how long a job runs before it counts as stuck: a little above the
// longest job timeout, so that the job of a worker that died runs again within minutes.
const DefaultRescueAfter = 5 * time.Minute

// defaultJobTimeout bounds a job without a timeout of its own (sweeps, reminders, rollups).
const defaultJobTimeout = 4 * time.Minute

// Queue is the River client with Rightsdesk's workers.
type Queue struct {
	Scheduler // on the working client
	client    *river.Client[*sql.Tx]
	store     *models.Store
	log       *slog.Logger
	sender    mailer.Sender
}

// New builds the queue over store's database: its workers send the letters and make the calls
// that the Scheduler given to the services (NewScheduler, or the Queue itself) scheduled. It does
// not start working: call Run.
func New(store *models.Store, cs Cases, opts Options) (*Queue, error) {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 30
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.SweepEvery <= 0 {
		opts.SweepEvery = 10 * time.Minute
	}
	if opts.ReminderEvery <= 0 {
		opts.ReminderEvery = time.Hour
	}
	if opts.RollupEvery <= 0 {
		opts.RollupEvery = time.Minute
	}
	if opts.SealEvery <= 0 {
		opts.SealEvery = time.Second
	}
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = DefaultWebhookAttempts
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	opts.KeepJobs = cmp.Or(opts.KeepJobs, DefaultKeepJobs)
	opts.KeepFailedJobs = cmp.Or(opts.KeepFailedJobs, DefaultKeepFailedJobs)
	opts.KeepWebhookLog = cmp.Or(opts.KeepWebhookLog, DefaultKeepWebhookLog)
	opts.RetentionEvery = cmp.Or(opts.RetentionEvery, 24*time.Hour)
	if opts.MailWorkers <= 0 {
		opts.MailWorkers = DefaultMailWorkers
	}
	if opts.RescueAfter <= 0 {
		opts.RescueAfter = DefaultRescueAfter
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &sendWorker{store: store, cases: cs, sender: opts.Sender, opts: opts})
	river.AddWorker(workers, &sweepWorker{store: store, cases: cs, log: opts.Logger, now: opts.Now})
	river.AddWorker(workers, &rollupWorker{store: store, log: opts.Logger})
	river.AddWorker(workers, &sealWorker{store: store, log: opts.Logger})
	river.AddWorker(workers, &retentionWorker{store: store, log: opts.Logger, keep: opts.KeepWebhookLog, now: opts.Now})
	river.AddWorker(workers, &remindWorker{cases: cs, log: opts.Logger, now: opts.Now})
	if opts.WebhookClient == nil {
		opts.WebhookClient = egress.Client(egress.Options{AllowPrivate: opts.WebhookAllowPrivate})
	}
	river.AddWorker(workers, &webhookWorker{store: store, client: opts.WebhookClient, opts: opts})

	queues := map[string]river.QueueConfig{QueueDefault: {MaxWorkers: 2}}
	if opts.Sender != nil {
		queues[QueueMail] = river.QueueConfig{MaxWorkers: opts.MailWorkers,
			FetchCooldown: min(mailFetchCooldown, opts.PollInterval)}
	}
	cfg := &river.Config{
		Queues:                      queues,
		Workers:                     workers,
		FetchPollInterval:           opts.PollInterval,
		FetchCooldown:               min(100*time.Millisecond, opts.PollInterval),
		MaxAttempts:                 opts.MaxAttempts,
		JobTimeout:                  min(defaultJobTimeout, opts.RescueAfter),
		RescueStuckJobsAfter:        opts.RescueAfter,
		CompletedJobRetentionPeriod: opts.KeepJobs,
		CancelledJobRetentionPeriod: opts.KeepJobs,
		DiscardedJobRetentionPeriod: opts.KeepFailedJobs,
		Logger:                      quiet(opts.Logger),
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(opts.SweepEvery), func() (river.JobArgs, *river.InsertOpts) {
				return SweepArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: "sweep"}),
			river.NewPeriodicJob(river.PeriodicInterval(opts.ReminderEvery), func() (river.JobArgs, *river.InsertOpts) {
				return RemindArgs{Day: opts.Now().UTC().Format(time.DateOnly)}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: "reminders"}),
			river.NewPeriodicJob(river.PeriodicInterval(opts.RollupEvery), func() (river.JobArgs, *river.InsertOpts) {
				return RollupArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: "rollup"}),
			// The sealer of the audit chain. River's periodic jobs are inserted only by the elected
			// leader (its queue maintainer runs on the leader alone), and SealArgs is unique while
			// one waits or runs, so across replicas one seal runs at a time; were two to run (a
			// leader change), the head's lock makes them take turns without forking the chain.
			river.NewPeriodicJob(river.PeriodicInterval(opts.SealEvery), func() (river.JobArgs, *river.InsertOpts) {
				return SealArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: "seal"}),
			river.NewPeriodicJob(river.PeriodicInterval(opts.RetentionEvery), func() (river.JobArgs, *river.InsertOpts) {
				return RetentionArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true, ID: "retention"}),
		},
	}
	client, err := newClient(store, cfg)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	q := &Queue{client: client, store: store, log: opts.Logger, sender: opts.Sender}
	q.Scheduler = Scheduler{client: client, webhookAttempts: opts.WebhookAttempts}
	return q, nil
}

// Scheduler inserts the jobs that follow a write, inside the write's transaction
// (models.Scheduler). NewScheduler makes one on an insert-only client, for the services, which
// are made before the Queue whose workers use them; a Queue is a Scheduler too.
type Scheduler struct {
	client          *river.Client[*sql.Tx]
	webhookAttempts int
}

// NewScheduler returns a Scheduler over store's database. webhookAttempts bounds the calls that
// tell a site of a withdrawal (0: Options' default), as Options.WebhookAttempts does for a Queue.
func NewScheduler(store *models.Store, webhookAttempts int) (*Scheduler, error) {
	if webhookAttempts <= 0 {
		webhookAttempts = DefaultWebhookAttempts
	}
	// No queues, no workers: an insert-only client.
	client, err := newClient(store, &river.Config{Logger: quiet(slog.Default())})
	if err != nil {
		return nil, fmt.Errorf("job scheduler: %w", err)
	}
	return &Scheduler{client: client, webhookAttempts: webhookAttempts}, nil
}

// newClient is a River client on store's connection pool, with the driver of its dialect.
func newClient(store *models.Store, cfg *river.Config) (*river.Client[*sql.Tx], error) {
	db, err := store.SQLDB()
	if err != nil {
		return nil, err
	}
	if store.Dialect() == models.Postgres {
		return river.NewClient(riverdatabasesql.New(db), cfg)
	}
	return river.NewClient(riversqlite.New(db), cfg)
}

// ScheduleLetter inserts the send job of a letter inside the transaction that wrote the letter.
func (s *Scheduler) ScheduleLetter(ctx context.Context, tx *sql.Tx, letterID int64, resend int) error {
	_, err := s.client.InsertTx(ctx, tx, SendArgs{LetterID: letterID, Resend: resend}, nil)
	return err
}

// ScheduleWebhook inserts the job of a webhook delivery inside the transaction that recorded the
// withdrawal, with more attempts than a letter: a site's endpoint may be down for a day or two
// (about 3 days with the default backoff).
func (s *Scheduler) ScheduleWebhook(ctx context.Context, tx *sql.Tx, deliveryID int64) error {
	_, err := s.client.InsertTx(ctx, tx, WebhookArgs{DeliveryID: deliveryID}, &river.InsertOpts{MaxAttempts: s.webhookAttempts})
	return err
}

// Run works jobs until ctx is done, then stops, letting running jobs finish for up to 30 seconds,
// and closes the sender's connections.
func (q *Queue) Run(ctx context.Context) error {
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("job queue: start: %w", err)
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := q.client.Stop(stopCtx)
	if c, ok := q.sender.(io.Closer); ok {
		c.Close() // a letter still in flight closes its own connection when done
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("job queue: stop: %w", err)
	}
	return nil
}

// Client is the River client, for tests and tools.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// DefaultBackoff waits 15s after the first attempt, doubling up to 30m, with ±20% jitter so that
// letters held by one outage do not all retry in lockstep.
func DefaultBackoff(attempt int) time.Duration {
	d := 15 * time.Second
	for i := 1; i < attempt && d < 30*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 30*time.Minute)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// quiet passes River's warnings and errors on, not its chatter.
func quiet(log *slog.Logger) *slog.Logger {
	return slog.New(levelHandler{Handler: log.Handler(), min: slog.LevelWarn})
}

type levelHandler struct {
	slog.Handler
	min slog.Level
}

func (h levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
