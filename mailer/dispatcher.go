package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"time"
)

// Pending is a letter claimed from the outbox.
type Pending struct {
	ID       int64
	Attempts int // attempts already made before this claim
	Message  Message
}

// Outbox is the letters table, as the dispatcher sees it.
type Outbox interface {
	// Claim leases up to limit letters that are due (queued and next attempt <= now), so that no
	// other replica sends them while the lease runs.
	Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Pending, error)
	// Sent records that the server accepted the letter.
	Sent(ctx context.Context, id int64, at time.Time) error
	// Retry records a temporary failure: try again at next.
	Retry(ctx context.Context, id int64, next time.Time, reason string) error
	// Failed records a permanent failure: the letter is never retried automatically.
	Failed(ctx context.Context, id int64, at time.Time, reason string) error
}

// DispatcherOptions tune the dispatcher; zero values take the defaults.
type DispatcherOptions struct {
	PollInterval time.Duration // how often to look for due letters; default 5s
	Batch        int           // letters per claim; default 20
	// Lease is how long a claim keeps other replicas away; default 2m. It must comfortably exceed
	// one Send: no new send starts once half of it is gone.
	Lease time.Duration
	// MaxAttempts after which a temporary failure becomes permanent; default 30 (about 12 hours
	// with the default backoff).
	MaxAttempts int
	// Backoff is the wait after the given failed attempt (1 for the first); default 15s doubling
	// up to 30m, ±20% jitter so that replicas and letters do not retry in lockstep.
	Backoff func(attempt int) time.Duration
	Now     func() time.Time // default time.Now
	Logger  *slog.Logger     // default slog.Default()
}

// Dispatcher drains the outbox: it claims due letters, sends them and records the outcome.
// Delivery is at least once: a crash between the server's acceptance and Sent means a resend,
// with the same Message-ID.
type Dispatcher struct {
	outbox Outbox
	sender Sender
	opts   DispatcherOptions
	log    *slog.Logger
	wake   chan struct{}
}

// NewDispatcher returns a dispatcher. A nil sender (no SMTP_URL configured) disables sending:
// letters stay queued. Pass an untyped nil, not a nil *SMTP.
func NewDispatcher(outbox Outbox, sender Sender, opts DispatcherOptions) *Dispatcher {
	if opts.PollInterval <= 0 {
		opts.PollInterval = 5 * time.Second
	}
	if opts.Batch <= 0 {
		opts.Batch = 20
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 30
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Dispatcher{outbox: outbox, sender: sender, opts: opts, log: opts.Logger, wake: make(chan struct{}, 1)}
}

// defaultBackoff waits 15s after the first attempt, doubling up to 30m, with ±20% jitter.
func defaultBackoff(attempt int) time.Duration {
	d := 15 * time.Second
	for i := 1; i < attempt && d < 30*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 30*time.Minute)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Wake asks Run to look at the outbox now, e.g. after a letter was queued. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Run sends letters until ctx is done, then returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	if d.sender == nil {
		d.log.Info("mailer: sending disabled (no SMTP_URL); letters stay queued")
		<-ctx.Done()
		return nil
	}
	for {
		sent, retried, failed, err := d.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("mailer: outbox round failed", "error", err)
		}
		// A full batch suggests more letters are due: go again without waiting.
		if err == nil && sent+retried+failed >= d.opts.Batch && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
		case <-time.After(d.opts.PollInterval):
		}
	}
}

// RunOnce claims one batch of due letters, sends them and records each outcome. err reports a
// failed claim or failed bookkeeping; send failures are outcomes, counted in retried and failed.
func (d *Dispatcher) RunOnce(ctx context.Context) (sent, retried, failed int, err error) {
	if d.sender == nil {
		return 0, 0, 0, nil // sending disabled: leave letters queued for the admin mailbox
	}
	claimed := d.opts.Now()
	batch, err := d.outbox.Claim(ctx, claimed, d.opts.Batch, d.opts.Lease)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("mailer: claim letters: %w", err)
	}
	var errs []error
	for _, p := range batch {
		// Once half the lease is gone another replica may soon claim the rest of the batch; leave
		// them to it (or to our next round) rather than risk sending a letter twice.
		if ctx.Err() != nil || d.opts.Now().Sub(claimed) > d.opts.Lease/2 {
			break
		}
		outcome, err := d.deliver(ctx, p)
		switch outcome {
		case "sent":
			sent++
		case "retry":
			retried++
		case "failed":
			failed++
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, retried, failed, errors.Join(errs...)
}

// deliver sends one letter and records the outcome: "sent", "retry" or "failed".
func (d *Dispatcher) deliver(ctx context.Context, p Pending) (string, error) {
	attempt := p.Attempts + 1
	sendErr := d.sender.Send(ctx, p.Message)

	// Record the outcome even if ctx was cancelled meanwhile: a letter the server accepted but
	// that stays unmarked would be sent again.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	now := d.opts.Now()
	log := d.log.With("letter_id", p.ID, "attempt", attempt)
	var outcome string
	var err error
	switch {
	case sendErr == nil:
		outcome, err = "sent", d.outbox.Sent(bctx, p.ID, now)
		log.Info("mailer: letter sent")
	case IsPermanent(sendErr) || attempt >= d.opts.MaxAttempts:
		outcome, err = "failed", d.outbox.Failed(bctx, p.ID, now, sendErr.Error())
		log.Error("mailer: letter failed", "error_class", errorClass(sendErr), "permanent", IsPermanent(sendErr))
	default:
		next := now.Add(d.opts.Backoff(attempt))
		outcome, err = "retry", d.outbox.Retry(bctx, p.ID, next, sendErr.Error())
		log.Warn("mailer: letter will be retried", "error_class", errorClass(sendErr), "next_attempt", next)
	}
	if err != nil {
		return outcome, fmt.Errorf("mailer: record letter %d as %s: %w", p.ID, outcome, err)
	}
	return outcome, nil
}

// errorClass names a send failure for the logs, e.g. "RCPT TO: smtp 550" or "connect: network".
// The error's text is stored with the letter for admins but not logged: a server's reply may
// repeat the recipient's address.
func errorClass(err error) string {
	if errors.Is(err, ErrInvalidMessage) {
		return "invalid message"
	}
	var (
		de               *deliveryError
		netErr           net.Error
		certErr          *tls.CertificateVerificationError
		unknownAuthority x509.UnknownAuthorityError
	)
	kind := "other"
	switch {
	case errors.As(err, &de) && de.code != 0:
		kind = fmt.Sprintf("smtp %d", de.code)
	case errors.As(err, &certErr), errors.As(err, &unknownAuthority):
		kind = "tls certificate"
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		kind = "timeout"
	case errors.As(err, &netErr):
		kind = "network"
	}
	if de != nil {
		return de.stage + ": " + kind
	}
	return kind
}
