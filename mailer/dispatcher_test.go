package mailer_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
)

// fakeOutbox is an in-memory outbox with the semantics of the real table: a letter is claimable
// when it is queued, due, and not leased; claiming counts an attempt and takes a lease; outcomes
// apply only to queued letters, and every method fails once its context is done.
type fakeOutbox struct {
	mu     sync.Mutex
	rows   []*row
	claims int
}

type row struct {
	id       int64
	msg      mailer.Message
	attempts int
	status   string // queued, sent or failed
	next     time.Time
	leased   time.Time // lease runs until
	reason   string
	retries  []time.Time // the next times given to Retry, in order
}

func (o *fakeOutbox) add(m mailer.Message, due time.Time) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := &row{id: int64(len(o.rows) + 1), msg: m, status: "queued", next: due}
	o.rows = append(o.rows, r)
	return r.id
}

func (o *fakeOutbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]mailer.Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.claims++
	var out []mailer.Pending
	for _, r := range o.rows {
		if len(out) == limit {
			break
		}
		if r.status != "queued" || r.next.After(now) || r.leased.After(now) {
			continue
		}
		r.leased = now.Add(lease)
		r.attempts++
		out = append(out, mailer.Pending{ID: r.id, Attempts: r.attempts - 1, Message: r.msg})
	}
	return out, nil
}

// finish applies an outcome to a queued letter.
func (o *fakeOutbox) finish(ctx context.Context, id int64, apply func(*row)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.rows[id-1]
	if r.status != "queued" {
		return fmt.Errorf("letter %d is already %s", id, r.status)
	}
	r.leased = time.Time{}
	apply(r)
	return nil
}

func (o *fakeOutbox) Sent(ctx context.Context, id int64, _ time.Time) error {
	return o.finish(ctx, id, func(r *row) { r.status = "sent" })
}

func (o *fakeOutbox) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.finish(ctx, id, func(r *row) { r.next, r.reason, r.retries = next, reason, append(r.retries, next) })
}

func (o *fakeOutbox) Failed(ctx context.Context, id int64, _ time.Time, reason string) error {
	return o.finish(ctx, id, func(r *row) { r.status, r.reason = "failed", reason })
}

// row returns a copy of letter id.
func (o *fakeOutbox) row(id int64) row {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.rows[id-1]
}

func (o *fakeOutbox) count(status string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, r := range o.rows {
		if r.status == status {
			n++
		}
	}
	return n
}

func (o *fakeOutbox) claimCalls() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.claims
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// linearBackoff makes retry times predictable: attempt n waits n minutes.
func linearBackoff(attempt int) time.Duration { return time.Duration(attempt) * time.Minute }

// logBuffer collects log output safely across goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

func countByMessageID(msgs []smtptest.Received) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		n[m.MessageID]++
	}
	return n
}

func TestDispatcherSends(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{TLS: true})
	outbox := &fakeOutbox{}
	for i := range 3 {
		outbox.add(letter(fmt.Sprint(i)), t0)
	}
	var logs logBuffer
	clk := &clock{t: t0}
	d := mailer.NewDispatcher(outbox, newSMTP(t, srv, srv.URL()), mailer.DispatcherOptions{Now: clk.Now, Logger: logs.logger()})

	sent, retried, failed, err := d.RunOnce(context.Background())
	if err != nil || sent != 3 || retried != 0 || failed != 0 {
		t.Fatalf("RunOnce = %d sent, %d retried, %d failed, %v; want 3 sent", sent, retried, failed, err)
	}
	if n := outbox.count("sent"); n != 3 {
		t.Errorf("%d letters marked sent, want 3", n)
	}
	for id, n := range countByMessageID(srv.WaitFor(t, 3, 5*time.Second)) {
		if n != 1 {
			t.Errorf("%s received %d times", id, n)
		}
	}
	if l := logs.String(); strings.Contains(l, "example.org") || strings.Contains(l, "Bonjour") || !strings.Contains(l, "letter_id=3") {
		t.Errorf("logs should name letters by id only:\n%s", l)
	}
}

func TestDispatcherRetriesWhileServerIsDown(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Stop()
	outbox := &fakeOutbox{}
	for i := range 3 {
		outbox.add(letter(fmt.Sprint(i)), t0)
	}
	clk := &clock{t: t0}
	d := mailer.NewDispatcher(outbox, newSMTP(t, srv, srv.URL()), mailer.DispatcherOptions{Now: clk.Now, Backoff: linearBackoff})
	ctx := context.Background()

	// Two rounds while the server is down: each letter waits 1 minute, then 2 more.
	for round, want := range []time.Time{t0.Add(time.Minute), t0.Add(3 * time.Minute)} {
		sent, retried, failed, err := d.RunOnce(ctx)
		if err != nil || sent != 0 || retried != 3 || failed != 0 {
			t.Fatalf("round %d: RunOnce = %d sent, %d retried, %d failed, %v; want 3 retried", round+1, sent, retried, failed, err)
		}
		for id := int64(1); id <= 3; id++ {
			r := outbox.row(id)
			if r.status != "queued" || !r.next.Equal(want) || !strings.Contains(r.reason, "connection refused") {
				t.Fatalf("round %d: letter %d is %s, next %v, reason %q; want queued until %v after connection refused", round+1, id, r.status, r.next, r.reason, want)
			}
		}
		if sent, retried, _, _ := d.RunOnce(ctx); sent+retried != 0 {
			t.Fatalf("round %d: letters were claimed again before they were due", round+1)
		}
		clk.Add(want.Sub(clk.Now()))
	}

	srv.Restart(t)
	if sent, _, _, err := d.RunOnce(ctx); sent != 3 || err != nil {
		t.Fatalf("after restart: %d sent, %v; want 3", sent, err)
	}
	srv.WaitFor(t, 3, 5*time.Second)
	for range 3 { // later rounds must not send anything again
		clk.Add(time.Hour)
		if sent, retried, failed, err := d.RunOnce(ctx); sent+retried+failed != 0 || err != nil {
			t.Fatalf("later round handled %d letters, %v; want none", sent+retried+failed, err)
		}
	}
	counts := countByMessageID(srv.Messages())
	for i := range 3 {
		if id := letter(fmt.Sprint(i)).MessageID; counts[id] != 1 {
			t.Errorf("%s received %d times, want exactly once", id, counts[id])
		}
	}
}

func TestDispatcherPermanentFailure(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{RejectRecipients: func(rcpt string) bool { return rcpt == "gone@example.org" }})
	outbox := &fakeOutbox{}
	gone := letter("gone")
	gone.To = "gone@example.org"
	goneID := outbox.add(gone, t0)
	okID := outbox.add(letter("ok"), t0)
	var logs logBuffer
	clk := &clock{t: t0}
	d := mailer.NewDispatcher(outbox, newSMTP(t, srv, srv.URL()), mailer.DispatcherOptions{Now: clk.Now, Logger: logs.logger()})

	sent, retried, failed, err := d.RunOnce(context.Background())
	if err != nil || sent != 1 || retried != 0 || failed != 1 {
		t.Fatalf("RunOnce = %d sent, %d retried, %d failed, %v; want 1 sent, 1 failed", sent, retried, failed, err)
	}
	if r := outbox.row(goneID); r.status != "failed" || !strings.Contains(r.reason, "550") || !strings.Contains(r.reason, "mailbox unavailable") {
		t.Errorf("rejected letter is %s with reason %q; want failed with the 550 reply", r.status, r.reason)
	}
	if r := outbox.row(okID); r.status != "sent" {
		t.Errorf("other letter is %s, want sent", r.status)
	}
	if l := logs.String(); strings.Contains(l, "gone@") || !strings.Contains(l, "RCPT TO: smtp 550") {
		t.Errorf("log should give the error class, not the address:\n%s", l)
	}
	clk.Add(24 * time.Hour)
	if sent, retried, failed, _ := d.RunOnce(context.Background()); sent+retried+failed != 0 {
		t.Error("a failed letter was claimed again")
	}
}

func TestDispatcherMaxAttempts(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Stop()
	outbox := &fakeOutbox{}
	id := outbox.add(letter("1"), t0)
	clk := &clock{t: t0}
	d := mailer.NewDispatcher(outbox, newSMTP(t, srv, srv.URL()), mailer.DispatcherOptions{Now: clk.Now, Backoff: linearBackoff, MaxAttempts: 3})

	for attempt := 1; attempt <= 3; attempt++ {
		if _, _, _, err := d.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour)
	}
	r := outbox.row(id)
	if r.status != "failed" || len(r.retries) != 2 || !strings.Contains(r.reason, "connection refused") {
		t.Errorf("after 3 attempts: %s after %d retries, reason %q; want failed after 2 retries with the last reason", r.status, len(r.retries), r.reason)
	}
}

func TestDispatcherWithoutSender(t *testing.T) {
	outbox := &fakeOutbox{}
	outbox.add(letter("1"), t0)
	var logs logBuffer
	d := mailer.NewDispatcher(outbox, nil, mailer.DispatcherOptions{PollInterval: time.Millisecond, Logger: logs.logger()})

	if sent, retried, failed, err := d.RunOnce(context.Background()); sent+retried+failed != 0 || err != nil {
		t.Errorf("RunOnce = %d, %d, %d, %v; want nothing", sent, retried, failed, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	d.Wake()
	if err := d.Run(ctx); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if n := outbox.claimCalls(); n != 0 {
		t.Errorf("Claim called %d times, want 0: letters must stay queued", n)
	}
	if n := strings.Count(logs.String(), "sending disabled"); n != 1 {
		t.Errorf("'sending disabled' logged %d times, want once:\n%s", n, logs.String())
	}
}

func TestDispatcherWake(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	outbox := &fakeOutbox{}
	d := mailer.NewDispatcher(outbox, newSMTP(t, srv, srv.URL()), mailer.DispatcherOptions{PollInterval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()

	// Let the first round find the outbox empty, so only Wake can bring the letter.
	for outbox.claimCalls() == 0 {
		time.Sleep(time.Millisecond)
	}
	outbox.add(letter("1"), time.Now())
	d.Wake()
	srv.WaitFor(t, 1, 5*time.Second)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after cancel", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// Two replicas share one outbox: leases must keep them from sending a letter twice.
func TestDispatcherReplicasNeverSendTwice(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	outbox := &fakeOutbox{}
	const n = 40
	for i := range n {
		outbox.add(letter(fmt.Sprint(i)), time.Now())
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 2 {
		d := mailer.NewDispatcher(outbox, newSMTP(t, srv, srv.URL()), mailer.DispatcherOptions{PollInterval: 5 * time.Millisecond, Batch: 3})
		wg.Go(func() { d.Run(ctx) })
	}
	srv.WaitFor(t, n, 10*time.Second)
	for deadline := time.Now().Add(5 * time.Second); outbox.count("sent") < n && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // room for a duplicate to show up
	cancel()
	wg.Wait()

	if got := outbox.count("sent"); got != n {
		t.Errorf("%d letters marked sent, want %d", got, n)
	}
	msgs := srv.Messages()
	for id, c := range countByMessageID(msgs) {
		if c != 1 {
			t.Errorf("%s received %d times", id, c)
		}
	}
	if len(msgs) != n {
		t.Errorf("server received %d messages, want %d", len(msgs), n)
	}
}

// countingSender accepts every letter and runs a hook on each.
type countingSender struct {
	mu     sync.Mutex
	sent   int
	onSend func(ctx context.Context)
}

func (s *countingSender) Send(ctx context.Context, _ mailer.Message) error {
	s.mu.Lock()
	s.sent++
	s.mu.Unlock()
	if s.onSend != nil {
		s.onSend(ctx)
	}
	return nil
}

// A slow server must not make the dispatcher send letters whose lease may already be gone.
func TestDispatcherStopsBeforeLeaseRunsOut(t *testing.T) {
	outbox := &fakeOutbox{}
	for i := range 5 {
		outbox.add(letter(fmt.Sprint(i)), t0)
	}
	clk := &clock{t: t0}
	sender := &countingSender{onSend: func(context.Context) { clk.Add(40 * time.Second) }}
	d := mailer.NewDispatcher(outbox, sender, mailer.DispatcherOptions{Now: clk.Now, Lease: time.Minute})

	if sent, _, _, err := d.RunOnce(context.Background()); sent != 1 || err != nil {
		t.Fatalf("RunOnce sent %d (%v), want 1: the next send would start 40s into a 1m lease", sent, err)
	}
	if sent, _, _, _ := d.RunOnce(context.Background()); sent != 0 {
		t.Fatalf("letters still under lease were claimed again")
	}
	clk.Add(time.Minute) // the leases ran out: the rest can be claimed again
	sender.onSend = nil
	if sent, _, _, err := d.RunOnce(context.Background()); sent != 4 || err != nil {
		t.Fatalf("after the lease: sent %d (%v), want 4", sent, err)
	}
}

// A letter the server accepted is marked sent even if shutdown cancels the context meanwhile.
func TestDispatcherRecordsOutcomeAfterCancel(t *testing.T) {
	outbox := &fakeOutbox{}
	id := outbox.add(letter("1"), t0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sender := &countingSender{onSend: func(context.Context) { cancel() }}
	d := mailer.NewDispatcher(outbox, sender, mailer.DispatcherOptions{Now: func() time.Time { return t0 }})

	if sent, _, _, err := d.RunOnce(ctx); sent != 1 || err != nil {
		t.Fatalf("RunOnce sent %d, %v; want 1", sent, err)
	}
	if r := outbox.row(id); r.status != "sent" {
		t.Errorf("letter is %s, want sent", r.status)
	}
}
