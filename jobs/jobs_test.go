package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/jobs"
	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
	"rightsdesk/models"
)

// The child process of TestAWorkerKilledWhileSendingNeverSendsTwice: it works the queue with a
// sender that dies at the moment CHILD_DIE names, after the letter was marked.
func TestMain(m *testing.M) {
	if os.Getenv("RIGHTSDESK_JOBS_CHILD") == "1" {
		os.Exit(child())
	}
	os.Exit(m.Run())
}

// dieAfterSend exits the moment the server has accepted a letter (the reply to the final "."
// read), before the worker can record it: killed between DATA and the status update.
type dieAfterSend struct{ mailer.Sender }

func (d dieAfterSend) Send(ctx context.Context, m mailer.Message) error {
	if err := d.Sender.Send(ctx, m); err != nil {
		return err
	}
	os.Exit(3)
	return nil
}

// dieBeforeSend exits after the letter was marked but before any connection: nothing reached the
// server, though nothing in the database can tell this death from the other.
type dieBeforeSend struct{}

func (dieBeforeSend) Send(context.Context, mailer.Message) error {
	os.Exit(3)
	return nil
}

func child() int {
	ctx := context.Background()
	st, err := models.Open(ctx, models.Options{DatabaseURL: os.Getenv("CHILD_DATABASE_URL"), DataDir: os.Getenv("CHILD_DATA_DIR")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	smtp, err := mailer.NewSMTP(mailer.Config{URL: os.Getenv("CHILD_SMTP_URL")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var sender mailer.Sender = dieAfterSend{smtp}
	if os.Getenv("CHILD_DIE") == "before" {
		sender = dieBeforeSend{}
	}
	q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 50 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	q.Run(ctx)
	return 2 // never sent anything
}

// service is the cases service over st, scheduling its letters' and webhooks' jobs.
func service(st *models.Store) *cases.Service {
	sched, err := jobs.NewScheduler(st, 0)
	if err != nil {
		panic(err)
	}
	svc, err := cases.New(st, cases.Config{BaseURL: "http://portal.test", MailFrom: "Rightsdesk <dpo@portal.test>",
		Secret: []byte("0123456789abcdef0123456789abcdef"), Jobs: sched})
	if err != nil {
		panic(err)
	}
	return svc
}

func letter(i int) *models.Letter {
	return &models.Letter{
		Kind: "test", Language: "en", Sender: "Rightsdesk <dpo@portal.test>",
		Recipient: fmt.Sprintf("person%d@example.org", i), Subject: fmt.Sprintf("Letter %d", i),
		TextBody: "Hello", MessageID: fmt.Sprintf("test.%d.%d@portal.test", i, time.Now().UnixNano()),
	}
}

func waitFor(t *testing.T, what string, timeout time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func run(t *testing.T, q *jobs.Queue) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// open connects a store (as a process of its own would) to the database of opts, migrated.
func open(t *testing.T, opts models.Options) *models.Store {
	t.Helper()
	ctx := context.Background()
	st, err := models.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}

func fastBackoff(int) time.Duration { return 100 * time.Millisecond }

// Two workers (two processes' worth: two stores, two River clients) on one database: every letter
// is sent exactly once.
func TestTwoWorkersNeverSendALetterTwice(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			opts := testdb.Migrated(t, d)
			smtp := smtptest.Start(t, smtptest.Options{})
			stores := []*models.Store{open(t, opts), open(t, opts)}
			var queues []*jobs.Queue
			for _, st := range stores {
				sender, err := mailer.NewSMTP(mailer.Config{URL: smtp.URL()})
				if err != nil {
					t.Fatal(err)
				}
				q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 20 * time.Millisecond, Backoff: fastBackoff})
				if err != nil {
					t.Fatal(err)
				}
				queues = append(queues, q)
			}
			const n = 40
			for i := range n {
				if err := stores[i%2].InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, queues[i%2], letter(i)) }); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range queues {
				run(t, q)
			}
			smtp.WaitFor(t, n, 30*time.Second)
			waitFor(t, "every letter marked sent", 10*time.Second, func() bool {
				c, _ := stores[0].LetterCounts(ctx)
				return c[models.LetterSent] == n
			})
			time.Sleep(300 * time.Millisecond) // room for a duplicate to show up
			seen := map[string]int{}
			for _, m := range smtp.Messages() {
				seen[m.MessageID]++
			}
			if len(smtp.Messages()) != n || len(seen) != n {
				t.Fatalf("%d messages with %d distinct Message-IDs, want %d of each", len(smtp.Messages()), len(seen), n)
			}
		})
	}
}

// A worker killed while sending: its job stays "running" until the surviving replica's rescuer
// (RescueAfter, here 1s) hands it on. The rescued job finds the letter marked and does not send
// it: the letter is "possibly sent" and the server holds at most the one copy, whether the worker
// died after the server accepted the letter (killed between the end of DATA and the status
// update) or before it connected.
func TestAWorkerKilledWhileSendingNeverSendsTwice(t *testing.T) {
	for _, d := range testdb.Dialects {
		for _, die := range []struct {
			when   string
			copies int
		}{{"after", 1}, {"before", 0}} {
			t.Run(d+"/"+die.when, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				opts := testdb.Migrated(t, d)
				st := open(t, opts)
				smtp := smtptest.Start(t, smtptest.Options{})
				sender, err := mailer.NewSMTP(mailer.Config{URL: smtp.URL()})
				if err != nil {
					t.Fatal(err)
				}
				const rescueAfter = time.Second
				q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 50 * time.Millisecond,
					Backoff: fastBackoff, RescueAfter: rescueAfter})
				if err != nil {
					t.Fatal(err)
				}
				l := letter(1)
				if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, q, l) }); err != nil {
					t.Fatal(err)
				}

				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "RIGHTSDESK_JOBS_CHILD=1", "CHILD_DATABASE_URL="+opts.DatabaseURL,
					"CHILD_DATA_DIR="+opts.DataDir, "CHILD_SMTP_URL="+smtp.URL(), "CHILD_DIE="+die.when)
				out, err := cmd.CombinedOutput()
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 3 {
					t.Fatalf("the worker was to die while sending: %v\n%s", err, out)
				}
				died := time.Now()
				if got := smtp.Messages(); len(got) != die.copies {
					t.Fatalf("before the rescue: %d messages, want %d", len(got), die.copies)
				}
				if got, _ := st.LetterByID(ctx, l.ID); got.Status != models.LetterQueued || got.SendStartedAt == nil {
					t.Fatalf("the letter is %s, marked %v; want queued and marked", got.Status, got.SendStartedAt)
				}

				run(t, q) // the surviving replica: its rescuer finds the job stuck in "running"
				waitFor(t, "the rescued letter to be possibly sent", 90*time.Second, func() bool {
					got, _ := st.LetterByID(ctx, l.ID)
					return got.Status == models.LetterPossiblySent
				})
				t.Logf("rescued and recorded possibly sent %v after the worker died (RescueAfter %v)", time.Since(died).Round(100*time.Millisecond), rescueAfter)
				time.Sleep(time.Second) // room for a wrong second copy to show up
				if got := smtp.Messages(); len(got) != die.copies {
					t.Fatalf("after the rescue: %d messages, want %d", len(got), die.copies)
				}
				got, _ := st.LetterByID(ctx, l.ID)
				if got.SendStartedAt == nil || got.LastError == "" {
					t.Errorf("possibly sent letter: mark %v, reason %q", got.SendStartedAt, got.LastError)
				}
			})
		}
	}
}

// The admin's decisions on possibly sent letters, through the queue and a real SMTP server: a
// lost answer to the end of the data makes the letter possibly sent (the server has it) and it is
// not retried; "send again" sends exactly one more copy with the same Message-ID; "mark as sent"
// sends none. A 451 to the end of the data is a refusal the client heard: retried, sent once.
func TestPossiblySentLettersWaitForTheAdmin(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		var dropping, deferred atomic.Bool
		dropping.Store(true)
		smtp := smtptest.Start(t, smtptest.Options{
			DropAfterData: func(rcpt string) bool { return dropping.Load() && rcpt != "person3@example.org" },
			DeferData:     func(rcpt string) bool { return rcpt == "person3@example.org" && !deferred.Swap(true) },
		})
		sender, err := mailer.NewSMTP(mailer.Config{URL: smtp.URL(), Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		svc := service(st)
		q, err := jobs.New(st, svc, jobs.Options{Sender: sender, PollInterval: 20 * time.Millisecond, Backoff: fastBackoff})
		if err != nil {
			t.Fatal(err)
		}
		again, confirmed, deferredLetter := letter(1), letter(2), letter(3)
		for _, l := range []*models.Letter{again, confirmed, deferredLetter} {
			if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, q, l) }); err != nil {
				t.Fatal(err)
			}
		}
		run(t, q)
		state := func(l *models.Letter) models.Letter {
			got, _ := st.LetterByID(ctx, l.ID)
			return got
		}
		waitFor(t, "two letters possibly sent, one sent", 20*time.Second, func() bool {
			return state(again).Status == models.LetterPossiblySent && state(confirmed).Status == models.LetterPossiblySent &&
				state(deferredLetter).Status == models.LetterSent
		})
		time.Sleep(500 * time.Millisecond) // five backoffs: a wrong retry would show
		copies := func() map[string]int {
			n := map[string]int{}
			for _, m := range smtp.Messages() {
				n[m.MessageID]++
			}
			return n
		}
		if c := copies(); c[again.MessageID] != 1 || c[confirmed.MessageID] != 1 || c[deferredLetter.MessageID] != 1 || len(smtp.Messages()) != 3 {
			t.Fatalf("copies on the server: %v", c)
		}
		if got := state(again); got.Attempts != 1 || !strings.Contains(got.LastError, "did not answer") {
			t.Errorf("possibly sent letter: %d attempt(s), reason %q", got.Attempts, got.LastError)
		}
		if got := state(deferredLetter); got.Attempts != 1 || got.SendStartedAt != nil {
			t.Errorf("deferred then sent: %d attempt(s) recorded, mark %v", got.Attempts, got.SendStartedAt)
		}

		dropping.Store(false)
		admin := cases.Actor{UserID: 1, Name: "Ada Admin", Role: models.RoleAdmin}
		if err := svc.ResendLetter(ctx, admin, again.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.ConfirmLetterSent(ctx, admin, confirmed.ID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the letter sent again", 20*time.Second, func() bool { return state(again).Status == models.LetterSent })
		time.Sleep(500 * time.Millisecond)
		if c := copies(); c[again.MessageID] != 2 || c[confirmed.MessageID] != 1 || len(smtp.Messages()) != 4 {
			t.Fatalf("copies after the decisions: %v", c)
		}
		if got := state(confirmed); got.Status != models.LetterSent || got.SentAt == nil {
			t.Errorf("confirmed letter: %s sent %v", got.Status, got.SentAt)
		}
		// Each decision once: a second is refused and changes nothing.
		if err := svc.ConfirmLetterSent(ctx, admin, again.ID); err == nil {
			t.Error("a sent letter was marked as sent again")
		}
		if err := svc.ResendLetter(ctx, admin, confirmed.ID); err == nil {
			t.Error("a confirmed letter was sent again")
		}
	})
}

// A temporary failure is retried with the server's answer recorded; a permanent one (550) fails
// the letter at once. A refused connection is a failure before DATA: each attempt clears the
// mark it set, so the retry sends the letter (once) instead of taking it for possibly sent.
func TestRetriesAndPermanentFailures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		smtp := smtptest.Start(t, smtptest.Options{RejectRecipients: func(r string) bool { return strings.HasPrefix(r, "person2@") }})
		smtp.Stop()
		sender, err := mailer.NewSMTP(mailer.Config{URL: smtp.URL()})
		if err != nil {
			t.Fatal(err)
		}
		q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 20 * time.Millisecond, Backoff: fastBackoff})
		if err != nil {
			t.Fatal(err)
		}
		ok, bad := letter(1), letter(2)
		for _, l := range []*models.Letter{ok, bad} {
			if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, q, l) }); err != nil {
				t.Fatal(err)
			}
		}
		run(t, q)
		waitFor(t, "attempts while the server is down", 20*time.Second, func() bool {
			l, _ := st.LetterByID(ctx, ok.ID)
			return l.Attempts >= 2 && l.LastError != ""
		})
		smtp.Restart(t)
		waitFor(t, "both outcomes", 30*time.Second, func() bool {
			a, _ := st.LetterByID(ctx, ok.ID)
			b, _ := st.LetterByID(ctx, bad.ID)
			return a.Status == models.LetterSent && b.Status == models.LetterFailed
		})
		if a, _ := st.LetterByID(ctx, ok.ID); a.SendStartedAt != nil {
			t.Errorf("the sent letter is still marked: %v", a.SendStartedAt)
		}
		b, _ := st.LetterByID(ctx, bad.ID)
		if !strings.Contains(b.LastError, "550") {
			t.Errorf("failed letter's reason: %q", b.LastError)
		}
		if n := len(smtp.Messages()); n != 1 {
			t.Errorf("%d messages arrived, want 1", n)
		}
	})
}

// countingCases records how often the periodic jobs ran; the letter side is not exercised here.
type countingCases struct {
	mu                sync.Mutex
	reminders, sweeps int
}

func (c *countingCases) LetterFailed(context.Context, int64, int, string) error { return nil }

func (c *countingCases) LetterPossiblySent(context.Context, int64, int, string) error { return nil }

func (c *countingCases) ExpireUnverified(context.Context) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweeps++
	return 0, nil
}

func (c *countingCases) SendReminders(context.Context, time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reminders++
	return 0, nil
}

func (c *countingCases) counts() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reminders, c.sweeps
}

// The daily reminder job runs once a day however many replicas offer it, and however often.
func TestRemindersRunOncePerDayAcrossReplicas(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			opts := testdb.Migrated(t, d)
			cs := &countingCases{}
			for range 2 {
				q, err := jobs.New(open(t, opts), cs, jobs.Options{PollInterval: 50 * time.Millisecond,
					ReminderEvery: 200 * time.Millisecond, SweepEvery: time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				run(t, q)
			}
			waitFor(t, "the first reminder run", 30*time.Second, func() bool { r, _ := cs.counts(); return r >= 1 })
			time.Sleep(2 * time.Second) // ten more offers from the leader
			if r, _ := cs.counts(); r != 1 {
				t.Errorf("the reminder job ran %d times in one day, want once", r)
			}
		})
	}
}

// TestClosedCasesAreRolledUpOnceAcrossReplicas: two replicas run the rollup every 200 ms while
// closed cases keep arriving; each case is counted exactly once.
func TestClosedCasesAreRolledUpOnceAcrossReplicas(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			opts := testdb.Migrated(t, d)
			st := open(t, opts)
			ctrl := models.Controller{Slug: "c", Name: "C", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE", DefaultLanguage: "fr"}
			if err := st.SaveController(ctx, &ctrl); err != nil {
				t.Fatal(err)
			}
			site := models.Site{ControllerID: ctrl.ID, Slug: "s", Name: "S", Domain: "s.example"}
			if err := st.SaveSite(ctx, &site); err != nil {
				t.Fatal(err)
			}
			n := 0
			closed := func(count int) {
				for range count {
					n++
					day := deadline.NewDate(2026, 3, 1+n%28)
					days := 5
					c := models.Case{Reference: fmt.Sprintf("DSR-2026-%06d", n), ControllerID: ctrl.ID, SiteID: site.ID,
						Status: dsr.StatusCompleted, Email: "x@example.org", ReceivedAt: time.Now(), ReceivedOn: day,
						DueOn: day.AddMonths(1), AnswerDueOn: day.AddMonths(1), TargetOn: day.AddDays(20), AnsweredOn: day.AddDays(days),
						DaysTaken: &days, VerifyExpiresAt: time.Now(), Version: 1, Kinds: []models.CaseKind{{Kind: dsr.KindAccess}}}
					if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.CreateCase(ctx, &c) }); err != nil {
						t.Fatal(err)
					}
				}
			}
			closed(30)
			for range 2 {
				q, err := jobs.New(open(t, opts), service(st), jobs.Options{PollInterval: 50 * time.Millisecond,
					RollupEvery: 200 * time.Millisecond, SweepEvery: time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				run(t, q)
			}
			counted := func() int64 {
				var sum int64
				models.GormForTest(st).Model(&models.CaseStat{}).Where("kind = ?", models.AllKinds).
					Select("COALESCE(SUM(received), 0)").Scan(&sum)
				return sum
			}
			waitFor(t, "the first rollup", 30*time.Second, func() bool { return counted() == 30 })
			closed(20)
			waitFor(t, "the later cases", 30*time.Second, func() bool { return counted() >= 50 })
			time.Sleep(time.Second) // more runs from both replicas
			if got := counted(); got != 50 {
				t.Errorf("%d cases counted, want 50", got)
			}
		})
	}
}

// TestEventsAreSealedByThePeriodicJobAcrossReplicas: two replicas run the sealing job every 100 ms
// while four writers append events; every event is sealed, once, within moments, and the chain
// verifies.
func TestEventsAreSealedByThePeriodicJobAcrossReplicas(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			opts := testdb.Migrated(t, d)
			st := open(t, opts)
			ctrl := models.Controller{Slug: "c", Name: "C", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE", DefaultLanguage: "fr"}
			if err := st.SaveController(ctx, &ctrl); err != nil {
				t.Fatal(err)
			}
			site := models.Site{ControllerID: ctrl.ID, Slug: "s", Name: "S", Domain: "s.example"}
			if err := st.SaveSite(ctx, &site); err != nil {
				t.Fatal(err)
			}
			day := deadline.NewDate(2026, 3, 2)
			c := models.Case{Reference: "DSR-2026-000001", ControllerID: ctrl.ID, SiteID: site.ID, Status: dsr.StatusOpen,
				Email: "x@example.org", ReceivedAt: time.Now(), ReceivedOn: day, DueOn: day.AddMonths(1), AnswerDueOn: day.AddMonths(1),
				TargetOn: day.AddDays(20), VerifyExpiresAt: time.Now(), Version: 1, Kinds: []models.CaseKind{{Kind: dsr.KindAccess}}}
			if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.CreateCase(ctx, &c) }); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				q, err := jobs.New(open(t, opts), service(st), jobs.Options{PollInterval: 50 * time.Millisecond,
					SealEvery: 100 * time.Millisecond, SweepEvery: time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				run(t, q)
			}
			var appended atomic.Int64
			var wg sync.WaitGroup
			stop := time.Now().Add(1500 * time.Millisecond)
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; time.Now().Before(stop); i++ {
						e := models.Event{CaseID: c.ID, At: time.Now(), ActorType: models.ActorSystem, Type: "note", Message: fmt.Sprintf("writer %d event %d", w, i)}
						if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.AppendEvent(ctx, &e, events.Note{Text: e.Message}) }); err != nil {
							t.Error(err)
							return
						}
						appended.Add(1)
					}
				}()
			}
			wg.Wait()
			waitFor(t, "every event sealed", 30*time.Second, func() bool { n, err := st.UnsealedEvents(ctx); return err == nil && n == 0 })
			// The reminder job, run at start, may add its own events to the case.
			var events, notes int64
			db := models.GormForTest(st)
			if err := db.Model(&models.Event{}).Count(&events).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Model(&models.Event{}).Where("type = 'note'").Count(&notes).Error; err != nil {
				t.Fatal(err)
			}
			r, err := st.VerifyAudit(ctx)
			if err != nil || !r.OK || notes != appended.Load() || r.Events != events || r.Unsealed != 0 {
				t.Fatalf("after %d appends (%d notes, %d events): %+v, %v", appended.Load(), notes, events, r, err)
			}
		})
	}
}
