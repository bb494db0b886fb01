package jobs_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/jobs"
	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
	"rightsdesk/models"
)

// drainAll queues n letters, runs the queue until all are sent, stops it, and checks that each
// arrived exactly once.
func drainAll(t *testing.T, st *models.Store, srv *smtptest.Server, n int) {
	t.Helper()
	ctx := context.Background()
	sender, err := mailer.NewSMTP(mailer.Config{URL: srv.URL(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 20 * time.Millisecond, Backoff: fastBackoff})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, q, letter(i)) }); err != nil {
			t.Fatal(err)
		}
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { q.Run(runCtx); close(done) }()
	defer func() { stop(); <-done }()
	waitFor(t, "every letter marked sent", 60*time.Second, func() bool {
		c, _ := st.LetterCounts(ctx)
		return c[models.LetterSent] == int64(n)
	})
	time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
	stop()
	<-done
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[m.MessageID]++
	}
	if len(srv.Messages()) != n || len(seen) != n {
		t.Fatalf("%d messages with %d distinct Message-IDs, want %d of each", len(srv.Messages()), len(seen), n)
	}
}

// The queue sends its letters over the mailer's pool: far fewer connections than letters, and
// none left open once the queue has stopped.
func TestLettersShareConnections(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		srv := smtptest.Start(t, smtptest.Options{})
		const n = 60
		drainAll(t, st, srv, n)
		accepted, open := srv.Connections()
		if accepted > jobs.DefaultMailWorkers {
			t.Errorf("%d letters took %d connections, want at most %d (one per mail worker)", n, accepted, jobs.DefaultMailWorkers)
		}
		deadline := time.Now().Add(5 * time.Second)
		for open != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
			_, open = srv.Connections()
		}
		if open != 0 {
			t.Errorf("%d connection(s) still open after the queue stopped", open)
		}
	})
}

// A server that drops pooled connections as the next letter begins, and defers one letter with a
// 451: every letter is sent exactly once, the deferred one on a later attempt.
func TestLettersSurviveDroppedConnections(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		var deferred atomic.Bool
		srv := smtptest.Start(t, smtptest.Options{
			DropAtMail: func(carried int) bool { return carried == 2 },
			DeferData:  func(rcpt string) bool { return rcpt == "person7@example.org" && !deferred.Swap(true) },
		})
		drainAll(t, st, srv, 40)
		if !deferred.Load() {
			t.Error("the 451 was never given")
		}
		if accepted, _ := srv.Connections(); accepted < 40/2 {
			t.Errorf("only %d connections, yet each carries at most 2 letters", accepted)
		}
	})
}
