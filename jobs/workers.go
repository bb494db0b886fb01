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

// Timeout bounds one attempt (the SMTP client has its own, shorter, timeouts). River's rescuer
// leaves a running job alone for this long, so it must not exceed RescueAfter.
func (w *sendWorker) Timeout(*river.Job[SendArgs]) time.Duration {
	if w.opts.RescueAfter > 0 {
		return min(2*time.Minute, w.opts.RescueAfter)
	}
	return 2 * time.Minute
}

// NextRetry spaces the attempts out with our backoff rather than River's default.
func (w *sendWorker) NextRetry(job *river.Job[SendArgs]) time.Time {
	return w.opts.Now().Add(w.opts.Backoff(job.Attempt))
}

// Work sends the letter unless it is no longer queued (sent, or failed, by an earlier attempt):
// a job that runs again after a crash sends at most a copy with the same Message-ID.
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
	sendErr := w.sender.Send(ctx, l.Message())

	// Record the outcome even if ctx was cancelled meanwhile: a letter the server accepted but
	// that stays unmarked would be sent again.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := w.opts.Now()
	switch {
	case sendErr == nil:
		log.Info("mail: letter sent")
		return w.store.MarkLetterSent(bctx, l.ID, now)
	case mailer.IsPermanent(sendErr) || job.Attempt >= job.MaxAttempts:
		log.Error("mail: letter failed", "error_class", mailer.ErrorClass(sendErr), "permanent", mailer.IsPermanent(sendErr))
		if err := w.cases.LetterFailed(bctx, l.ID, job.Attempt, sendErr.Error()); err != nil {
			return err // retried: the failure is recorded once the bookkeeping works
		}
		return river.JobCancel(sendErr)
	default:
		next := w.NextRetry(job)
		log.Warn("mail: letter will be retried", "error_class", mailer.ErrorClass(sendErr), "next_attempt", next)
		if err := w.store.NoteLetterAttempt(bctx, l.ID, job.Attempt, next, sendErr.Error()); err != nil {
			log.Error("mail: record attempt", "error", err)
		}
		return sendErr
	}
}

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
