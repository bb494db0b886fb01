package models_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// A case answered under schema 11 gets the day of its answer in the controller's time zone and
// the days it took from the data migration, once: goose records it, and a second Migrate applies
// nothing. (The sealing of the events of before the chain is TestMigrationSealsEarlierEvents.)
func TestDataMigrationFillsTheDayOfAnswer(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 11)
			db := models.GormForTest(st)
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			// Received on 3 November; answered at 23:30 UTC on 12 November, which is already
			// 13 November in Brussels: 10 days.
			received := time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC)
			answered := time.Date(2025, 11, 12, 23, 30, 0, 0, time.UTC)
			exec(`INSERT INTO controllers (slug, name, time_zone, created_at, updated_at) VALUES ('c', 'C', 'Europe/Brussels', ?, ?)`, received, received)
			exec(`INSERT INTO sites (controller_id, slug, name, domain, created_at, updated_at)
				SELECT id, 's', 'S', 's.example', ?, ? FROM controllers`, received, received)
			exec(`INSERT INTO cases (reference, controller_id, site_id, status, email, language, country, received_at,
					received_on, due_on, target_on, answer_due_on, verify_expires_at, answered_at, closed_at, created_at, updated_at)
				SELECT 'DSR-2025-000001', controller_id, id, 'completed', 'a@example.org', 'fr', 'BE', ?, '2025-11-03', '2025-12-03',
					'2025-11-23', '2025-12-03', ?, ?, ?, ?, ?
				FROM sites`, received, received, answered, answered, received, answered)

			applied, err := st.Migrate(ctx)
			if err != nil {
				t.Fatalf("migrate: %v", err)
			}
			var row struct {
				AnsweredOn string
				DaysTaken  int
			}
			if err := db.Raw(`SELECT CAST(answered_on AS TEXT) AS answered_on, days_taken FROM cases`).Scan(&row).Error; err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(row.AnsweredOn, "2025-11-13") || row.DaysTaken != 10 {
				t.Errorf("answered on %s after %d days, want 2025-11-13 after 10", row.AnsweredOn, row.DaysTaken)
			}
			if again, err := st.Migrate(ctx); err != nil || len(again) != 0 {
				t.Errorf("a second migrate applied %v (%v) after %v", again, err, applied)
			}
			if err := st.CheckSchema(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}
