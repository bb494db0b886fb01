package jobs

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"rightsdesk/mailer"
	"rightsdesk/models"
	"rightsdesk/retention"
)

// SendArgs is the job that sends one letter. Resend distinguishes an admin's resend from the
// first sending, since jobs are unique by their arguments.
type SendArgs struct {
	LetterID int64 `json:"letter_id"`
	Resend   int   `json:"resend"`
}

// Kind implements river.JobArgs.
func (SendArgs) Kind() string { return "send_letter" }

// InsertOpts: one job per letter (and resend), on the mail queue.
func (SendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type sendWorker struct {
	river.WorkerDefaults[SendArgs]
	store  *models.Store
	cases  Cases
	sender mailer.Sender
	opts   Options
}

// Timeout bounds one attempt, the SMTP conversation included (mailer.SMTP.Send ends with its
// context). River's rescuer leaves a running job alone for this long, so it must not exceed
// RescueAfter.
func (w *sendWorker) Timeout(*river.Job[SendArgs]) time.Duration {
	return min(sendTimeout, w.opts.RescueAfter)
}

// NextRetry spaces the attempts out with our backoff rather than River's default.
func (w *sendWorker) NextRetry(job *river.Job[SendArgs]) time.Time {
	return w.opts.Now().Add(w.opts.Backoff(job.Attempt))
}

// Work sends the letter unless it is no longer queued (sent, failed or possibly sent by an
// earlier attempt). Before the SMTP conversation the letter is marked (StartSending), and the
// mark is cleared only with a known outcome. A job that finds the letter still marked follows an
// attempt that handed the letter over and never recorded how that ended (its worker died, or
// could not write the outcome): the letter may be in the recipient's mailbox, so it is not sent
// again but set "possibly sent" for an admin to decide. The same goes for a failure after which
// the server may have taken the letter (no reply to the final "."). So no crash sends a letter
// twice unasked.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	l, err := w.store.LetterByID(ctx, job.Args.LetterID)
	if errors.Is(err, models.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if l.Status != models.LetterQueued {
		return nil
	}
	log := w.opts.Logger.With("letter_id", l.ID, "attempt", job.Attempt)
	marked, err := w.store.StartSending(ctx, l.ID, w.opts.Now())
	if err != nil {
		return err
	}
	if !marked {
		if l, err = w.store.LetterByID(ctx, l.ID); err != nil || l.Status != models.LetterQueued {
			return err // its outcome was recorded meanwhile
		}
		log.Error("mail: letter possibly sent: an earlier attempt stopped while handing it to the mail server; an admin decides")
		if err := w.cases.LetterPossiblySent(ctx, l.ID, max(job.Attempt-1, l.Attempts), reasonStopped); err != nil {
			return err
		}
		return river.JobCancel(errPossiblySent)
	}
	sendErr := w.sender.Send(ctx, messageOf(l))

	// Record the outcome even if ctx was cancelled meanwhile: a letter the server accepted but
	// that stays unmarked would be sent again.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := w.opts.Now()
	switch {
	case sendErr == nil:
		log.Info("mail: letter sent")
		return w.store.MarkLetterSent(bctx, l.ID, now)
	case mailer.MayHaveBeenAccepted(sendErr):
		log.Error("mail: letter possibly sent: no answer to the end of the data; an admin decides", "error_class", mailer.ErrorClass(sendErr))
		if err := w.cases.LetterPossiblySent(bctx, l.ID, job.Attempt, reasonNoAnswer+sendErr.Error()); err != nil {
			return err // retried: the next attempt finds the mark and records the same
		}
		return river.JobCancel(errPossiblySent)
	case mailer.IsPermanent(sendErr) || job.Attempt >= job.MaxAttempts:
		log.Error("mail: letter failed", "error_class", mailer.ErrorClass(sendErr), "permanent", mailer.IsPermanent(sendErr))
		if err := w.cases.LetterFailed(bctx, l.ID, job.Attempt, sendErr.Error()); err != nil {
			return err // retried: the letter stays marked, so that attempt records it possibly sent
		}
		return river.JobCancel(sendErr)
	default:
		next := w.NextRetry(job)
		log.Warn("mail: letter will be retried", "error_class", mailer.ErrorClass(sendErr), "next_attempt", next)
		if err := w.store.NoteLetterAttempt(bctx, l.ID, job.Attempt, next, sendErr.Error()); err != nil {
			log.Error("mail: record attempt", "error", err) // the mark stays: the retry records the letter possibly sent
		}
		return sendErr
	}
}

// sendTimeout bounds one attempt to send a letter.
const sendTimeout = 2 * time.Minute

// The reasons a letter is possibly sent, as the delivery log shows them.
const (
	reasonStopped  = "the sending stopped before the mail server confirmed the letter (the worker was stopped, or could not record the answer)"
	reasonNoAnswer = "the mail server did not answer the end of the letter: "
)

var errPossiblySent = errors.New("letter possibly sent: not sent again until an admin decides")

// SweepArgs is the periodic sweep: unverified requests expire, stale sessions go, and letters
// whose job went missing get one back.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "sweep" }

// InsertOpts: at most one waiting sweep.
func (SweepArgs) InsertOpts() river.InsertOpts {
	return oneAtATime()
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	store *models.Store
	cases Cases
	log   *slog.Logger
	now   func() time.Time
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	var errs []error
	if n, err := w.cases.ExpireUnverified(ctx); err != nil {
		errs = append(errs, err)
	} else if n > 0 {
		w.log.Info("unverified requests expired", "count", n)
	}
	if _, err := (models.SessionStore{Store: w.store}).DeleteExpiredSessions(ctx, w.now()); err != nil {
		errs = append(errs, err)
	}
	// A letter written by a process without the queue (or before it existed) still goes out:
	// its job is inserted now; for letters that have one, the unique job makes this a no-op.
	ls, err := w.store.QueuedLetters(ctx, w.now().Add(-time.Minute), 500)
	if err != nil {
		errs = append(errs, err)
	}
	if len(ls) > 0 {
		params := make([]river.InsertManyParams, 0, len(ls))
		for _, l := range ls {
			params = append(params, river.InsertManyParams{Args: SendArgs{LetterID: l.ID, Resend: l.Resends}})
		}
		if _, err := river.ClientFromContext[*sql.Tx](ctx).InsertMany(ctx, params); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// oneAtATime are the insert options of a periodic job that needs at most one run waiting or
// running: another offer while one is is dropped.
func oneAtATime() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{
		ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled},
	}}
}

// RollupArgs adds the cases closed since the last run to the dashboard's rollups. The dashboard
// is exact without it (it reads the cases not rolled up live); it keeps that live part small.
type RollupArgs struct{}

// Kind implements river.JobArgs.
func (RollupArgs) Kind() string { return "rollup" }

// InsertOpts: at most one waiting run. Two at once would still count each case once
// (models.RollUp marks what it counts in the same transaction).
func (RollupArgs) InsertOpts() river.InsertOpts {
	return oneAtATime()
}

type rollupWorker struct {
	river.WorkerDefaults[RollupArgs]
	store *models.Store
	log   *slog.Logger
}

func (w *rollupWorker) Work(ctx context.Context, _ *river.Job[RollupArgs]) error {
	n, err := w.store.RollUp(ctx)
	if n > 0 {
		w.log.Info("closed cases added to the dashboard's rollups", "count", n)
	}
	return err
}

// RetentionArgs deletes what the portal keeps only for a while: the personal data of closed cases
// whose controller's retention period has passed (package retention), and the log of ended webhook
// calls (Options.KeepWebhookLog). River prunes its own finished jobs (Options.KeepJobs,
// KeepFailedJobs).
type RetentionArgs struct{}

// Kind implements river.JobArgs.
func (RetentionArgs) Kind() string { return "retention" }

// InsertOpts: at most one waiting or running.
func (RetentionArgs) InsertOpts() river.InsertOpts { return oneAtATime() }

type retentionWorker struct {
	river.WorkerDefaults[RetentionArgs]
	store *models.Store
	log   *slog.Logger
	keep  time.Duration
	now   func() time.Time
}

func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[RetentionArgs]) error {
	if _, err := retention.Run(ctx, w.store, w.now(), w.log); err != nil {
		return err
	}
	n, err := w.store.PruneWebhookDeliveries(ctx, w.now().Add(-w.keep))
	if n > 0 {
		w.log.Info("ended webhook calls deleted from the delivery log", "count", n, "kept_days", int(w.keep.Hours()/24))
	}
	return err
}

// SealArgs seals the events appended since the last run into the audit chain
// (models.Store.SealEvents).
type SealArgs struct{}

// Kind implements river.JobArgs.
func (SealArgs) Kind() string { return "seal_events" }

// InsertOpts: at most one waiting or running, like the sweep, and one attempt: a seal that fails
// leaves its events unsealed (nothing is lost) and the next, a second later, takes them up; a
// retry waiting its backoff would hold the next ones back instead.
func (SealArgs) InsertOpts() river.InsertOpts {
	o := oneAtATime()
	o.MaxAttempts = 1
	return o
}

type sealWorker struct {
	river.WorkerDefaults[SealArgs]
	store *models.Store
	log   *slog.Logger
}

// Timeout: a seal of a large backlog works in transactions of 5,000 events and may stop anywhere;
// the next run continues.
func (w *sealWorker) Timeout(*river.Job[SealArgs]) time.Duration { return time.Minute }

func (w *sealWorker) Work(ctx context.Context, _ *river.Job[SealArgs]) error {
	n, err := w.store.SealEvents(ctx)
	if n >= 5000 {
		w.log.Info("events sealed into the audit chain", "count", n)
	}
	return err
}

// RemindArgs is the daily run of reminders and escalations; unique per day, so however many
// replicas offer it, it runs once a day.
type RemindArgs struct {
	Day string `json:"day"`
}

// Kind implements river.JobArgs.
func (RemindArgs) Kind() string { return "reminders" }

// InsertOpts: one per day, ever.
func (RemindArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type remindWorker struct {
	river.WorkerDefaults[RemindArgs]
	cases Cases
	log   *slog.Logger
	now   func() time.Time
}

func (w *remindWorker) Work(ctx context.Context, _ *river.Job[RemindArgs]) error {
	n, err := w.cases.SendReminders(ctx, w.now())
	if n > 0 {
		w.log.Info("reminders and escalations queued", "count", n)
	}
	return err
}

// messageOf is the letter as the mailer sends it. It lives here, not in models, so that the store
// does not depend on the mail transport.
func messageOf(l models.Letter) mailer.Message {
	return mailer.Message{
		MessageID: l.MessageID,
		From:      l.Sender,
		To:        l.Recipient,
		ToName:    l.RecipientName,
		Subject:   l.Subject,
		Text:      l.TextBody,
		HTML:      l.HTMLBody,
		Date:      l.CreatedAt,
	}
}
