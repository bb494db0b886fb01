package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/jobs"
	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
	"rightsdesk/models"
)

// Letters queued under River v0.31.0's schema (goose 00024: River's migrations 1–6; on SQLite its
// JSON columns were text) are sent after the upgrade to River v0.51.2 (00026–00027: River's 7 and
// 8, which on SQLite rebuild river_job), each once.
func TestLettersQueuedBeforeTheRiverUpgradeAreSent(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			opts := testdb.Options(t, d)
			st, err := models.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			p := testdb.Goose(t, st, d)
			if _, err := p.UpTo(ctx, 24); err != nil {
				t.Fatal(err)
			}
			const n = 3
			db := models.GormForTest(st)
			for i := range n {
				l := letter(i)
				if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, nil, l) }); err != nil { // no queue yet: the row alone
					t.Fatal(err)
				}
				// The job as River v0.31.0 wrote it (args as JSON text on SQLite).
				if err := db.Exec(`INSERT INTO river_job (args, kind, max_attempts, queue, state) VALUES (?, 'send_letter', 30, 'mail', 'available')`,
					fmt.Sprintf(`{"letter_id":%d,"resend":0}`, l.ID)).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatalf("migrating to River v0.51.2's schema: %v", err)
			}
			var version int
			if err := db.Raw(`SELECT MAX(version) FROM river_migration WHERE line = 'main'`).Scan(&version).Error; err != nil || version != 8 {
				t.Fatalf("River's migration version %d (%v), want 8", version, err)
			}

			srv := smtptest.Start(t, smtptest.Options{})
			sender, err := mailer.NewSMTP(mailer.Config{URL: srv.URL()})
			if err != nil {
				t.Fatal(err)
			}
			q, err := jobs.New(st, service(st), jobs.Options{Sender: sender, PollInterval: 20 * time.Millisecond, Backoff: fastBackoff})
			if err != nil {
				t.Fatal(err)
			}
			run(t, q)
			waitFor(t, "the old jobs' letters sent", 30*time.Second, func() bool {
				c, _ := st.LetterCounts(ctx)
				return c[models.LetterSent] == n
			})
			time.Sleep(300 * time.Millisecond)
			if got := len(srv.Messages()); got != n {
				t.Errorf("%d messages, want %d", got, n)
			}
		})
	}
}
