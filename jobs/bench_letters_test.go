package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rightsdesk/internal/testdb"
	"rightsdesk/jobs"
	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
	"rightsdesk/models"
)

// BenchmarkLetters drains a backlog of 5,000 queued letters — outbox rows with their River jobs,
// written through the store as the portal writes them — to an in-process SMTP server, and in the
// same run sends 5,000 messages over one go-mail connection (the bare baseline). It reports
// letters/s, letters lost and doubled (counted by Message-ID at the server), and the ratio to the
// baseline. `make bench-letters` runs it; RIGHTSDESK_BENCH_LETTERS=1 is required, so that
// `make bench` stays short. RIGHTSDESK_BENCH_LETTERS_N changes the number of letters.
func BenchmarkLetters(b *testing.B) {
	if os.Getenv("RIGHTSDESK_BENCH_LETTERS") == "" {
		b.Skip("set RIGHTSDESK_BENCH_LETTERS=1 (make bench-letters)")
	}
	n := 5000
	if v, err := strconv.Atoi(os.Getenv("RIGHTSDESK_BENCH_LETTERS_N")); err == nil && v > 0 {
		n = v
	}
	for _, d := range []string{models.Postgres, models.SQLite} {
		b.Run(d, func(b *testing.B) {
			for range b.N {
				bare := bareBaseline(b, n)
				r := drain(b, d, n)
				b.ReportMetric(r.rate, "letters/s")
				b.ReportMetric(bare, "bare-letters/s")
				b.ReportMetric(r.rate/bare, "ratio")
				b.ReportMetric(float64(r.lost), "lost")
				b.ReportMetric(float64(r.doubled), "doubled")
				b.Logf("%s: %d letters drained in %v: %.0f letters/s on %d SMTP connections (%d mail workers); lost %d, doubled %d",
					d, n, r.took.Round(time.Millisecond), r.rate, r.conns, jobs.DefaultMailWorkers, r.lost, r.doubled)
				b.Logf("%s: bare go-mail, one connection: %.0f letters/s; portal/bare = %.2f", d, bare, r.rate/bare)
			}
		})
	}
}

type drainResult struct {
	took          time.Duration
	rate          float64
	lost, doubled int
	conns         int
}

// drain queues n letters (not timed), then times the queue from its start until every letter is
// marked sent.
func drain(b *testing.B, dialect string, n int) drainResult {
	b.StopTimer()
	ctx := context.Background()
	opts := testdb.Migrated(b, dialect)
	st, err := models.Open(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv := smtptest.Start(b, smtptest.Options{})
	sender, err := mailer.NewSMTP(mailer.Config{URL: srv.URL()})
	if err != nil {
		b.Fatal(err)
	}
	q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 100 * time.Millisecond,
		SweepEvery: time.Hour, RollupEvery: time.Hour, ReminderEvery: time.Hour,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}) // formatted as in production, not printed
	if err != nil {
		b.Fatal(err)
	}
	const batch = 500
	for i := 0; i < n; i += batch {
		err := st.InTx(ctx, func(tx *models.Tx) error {
			for j := i; j < min(i+batch, n); j++ {
				if err := tx.QueueLetter(ctx, q, letter(j)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	b.StartTimer()
	start := time.Now()
	go func() { q.Run(runCtx); close(done) }()
	deadline := start.Add(5 * time.Minute)
	for {
		c, err := st.LetterCounts(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if c[models.LetterSent] == int64(n) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("after 5 minutes: %v", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	time.Sleep(200 * time.Millisecond) // room for a late duplicate

	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.MessageID]++
	}
	r := drainResult{took: took, rate: float64(n) / took.Seconds(), lost: n - len(seen)}
	for _, k := range seen {
		r.doubled += k - 1
	}
	r.conns, _ = srv.Connections()
	b.StartTimer()
	return r
}

// bareBaseline sends n messages over one go-mail connection, built as the letters are, with
// nothing else in the way: the most one SMTP conversation at a time can carry here.
func bareBaseline(b *testing.B, n int) float64 {
	b.StopTimer()
	srv := smtptest.Start(b, smtptest.Options{})
	host, port, _ := net.SplitHostPort(srv.Addr())
	p, _ := strconv.Atoi(port)
	c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.StartTimer()
	start := time.Now()
	if err := c.DialWithContext(ctx); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		l := letter(i)
		m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
		m.SetMessageIDWithValue(l.MessageID)
		if err := m.From(l.Sender); err != nil {
			b.Fatal(err)
		}
		if err := m.To(l.Recipient); err != nil {
			b.Fatal(err)
		}
		m.Subject(l.Subject)
		m.SetDate()
		m.SetBodyString(gomail.TypeTextPlain, l.TextBody)
		if err := c.Send(m); err != nil {
			b.Fatal(err)
		}
	}
	took := time.Since(start)
	b.StopTimer()
	c.Close()
	if got := srv.Count(); got != n {
		b.Fatalf("bare baseline: %d messages at the server, want %d", got, n)
	}
	b.StartTimer()
	return float64(n) / took.Seconds()
}
