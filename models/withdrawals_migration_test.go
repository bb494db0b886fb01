package models_test

import (
	"context"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// 00021 on a database with withdrawals: the old ones are not news to the privacy team (handled at
// their own time), and the migration goes down and up again on both dialects.
func TestTruthfulWithdrawalsMigration(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, dialect, 20)
			insertSites(t, st, map[string]string{"acme": "2024-10-01"})
			db := models.GormForTest(st)
			at := time.Date(2026, 2, 20, 13, 5, 0, 0, time.UTC)
			if err := db.Exec(`INSERT INTO consent_withdrawals (site_id, receipt, scope, categories, language, withdrawn_at)
				VALUES ((SELECT id FROM sites WHERE slug = 'acme'), 'CW-OLD0-0001', 'all', 'analytics', 'fr', ?)`, at).Error; err != nil {
				t.Fatal(err)
			}
			p := testdb.Goose(t, st, dialect)
			if _, err := p.UpTo(ctx, 21); err != nil {
				t.Fatal(err)
			}
			var w models.ConsentWithdrawal
			if err := db.Where("receipt = ?", "CW-OLD0-0001").First(&w).Error; err != nil {
				t.Fatal(err)
			}
			if w.HandledAt == nil || !w.HandledAt.Equal(at) || w.CaseID != nil || w.HandledBy != nil {
				t.Errorf("an old withdrawal after 00021: %+v", w)
			}
			if n, err := st.CountWithdrawalNotices(ctx, []int64{1, 2, 3}); err != nil || n != 0 {
				t.Errorf("old withdrawals wait for the team: %d, %v", n, err)
			}
			// A range needs both ends; a single duration has no upper end.
			if err := db.Exec(`INSERT INTO cookies (site_id, position, name, provider, party, category, purpose, purpose_language,
				lifetime_text, lifetime_kind, lifetime_amount, lifetime_unit, lifetime_max_amount, lifetime_max_unit, created_at, updated_at)
				VALUES ((SELECT id FROM sites WHERE slug = 'acme'), 1, 'c', 'p', 'first', 'analytics', 'x', 'fr', '', 'duration', 1, 'day', 5, '', ?, ?)`,
				at, at).Error; err == nil {
				t.Error("an upper end without its unit was stored")
			}
			if _, err := p.DownTo(ctx, 20); err != nil {
				t.Fatalf("down: %v", err)
			}
			if _, err := p.UpTo(ctx, 21); err != nil {
				t.Fatalf("up again: %v", err)
			}
		})
	}
}
