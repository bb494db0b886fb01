package loadgen_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/loadgen"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// migrated returns the URL of a fresh migrated PostgreSQL database and its store.
func migrated(t *testing.T) (string, *models.Store) {
	t.Helper()
	ctx := context.Background()
	url := testdb.NewPostgresDatabase(t)
	st, err := models.Open(ctx, models.Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return url, st
}

func TestCasesAreConsistentAndFoundByTheQueue(t *testing.T) {
	ctx := context.Background()
	url, st := migrated(t)
	now := time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
	const n = 20000
	sum, err := loadgen.Cases(ctx, url, n, 7, loadgen.Options{Now: now, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary: %d cases, %d kinds, %d identifiers, active %d, overdue %d, extended %d, by status %v",
		sum.Cases, sum.Kinds, sum.Identifiers, sum.Active, sum.Overdue, sum.Extended, sum.ByStatus)
	if sum.Cases != n || sum.FirstID != 1 || sum.LastID != n {
		t.Fatalf("cases %d, ids %d–%d", sum.Cases, sum.FirstID, sum.LastID)
	}
	if share := float64(sum.Active) / n; share < 0.02 || share > 0.06 {
		t.Errorf("active share %.3f, want 2–6 %%", share)
	}
	if share := float64(sum.ByStatus[dsr.StatusCompleted]) / n; share < 0.65 || share > 0.85 {
		t.Errorf("completed share %.3f", share)
	}
	if len(sum.Controllers) != 2 || len(sum.Sites) != 6 || len(sum.Staff) != 10 {
		t.Errorf("controllers %v, sites %d, staff %d", sum.Controllers, len(sum.Sites), len(sum.Staff))
	}

	db := models.GormForTest(st)
	var got struct{ Cases, Kinds, Identifiers, Refs, BadDue, BadTarget, Nonces int64 }
	err = db.Raw(`SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM case_kinds) AS kinds,
		(SELECT count(*) FROM case_identifiers) AS identifiers, (SELECT count(DISTINCT reference) FROM cases) AS refs,
		(SELECT count(*) FROM cases WHERE answer_due_on <> COALESCE(extended_due_on, due_on)) AS bad_due,
		(SELECT count(*) FROM cases WHERE target_on <> received_on + 20) AS bad_target,
		(SELECT count(*) FROM cases WHERE status_nonce <> '') AS nonces`).Scan(&got).Error
	if err != nil {
		t.Fatal(err)
	}
	if got.Cases != n || got.Kinds != sum.Kinds || got.Identifiers != sum.Identifiers || got.Refs != n ||
		got.BadDue != 0 || got.BadTarget != 0 || got.Nonces != 0 {
		t.Errorf("database %+v, summary %+v", got, sum)
	}
	// Every case has 1–3 kinds; received_on is the Brussels date of received_at; nothing is in the future.
	var bad int64
	err = db.Raw(`SELECT count(*) FROM cases c WHERE
		(SELECT count(*) FROM case_kinds k WHERE k.case_id = c.id) NOT BETWEEN 1 AND 3
		OR received_on <> (received_at AT TIME ZONE 'Europe/Brussels')::date
		OR GREATEST(received_at, verified_at, closed_at, extended_at, updated_at) > ?
		OR (status IN ('completed', 'refused') AND answered_at IS NULL)
		OR ((status IN ('completed', 'refused', 'withdrawn', 'expired')) <> (closed_at IS NOT NULL))
		OR ((status IN ('unverified', 'expired')) <> (verified_at IS NULL))
		OR ((status = 'unverified') <> (verify_token_hash IS NOT NULL))
		OR ((extended_due_on IS NULL) <> (extended_at IS NULL))`, now).Scan(&bad).Error
	if err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d inconsistent cases", bad)
	}
	// The counters continue after the load, and the sequence after the last id.
	ref, err := st.NextReference(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if y, num, _ := dsr.ParseReference(ref); y != 2026 || num < 100 {
		t.Errorf("next reference %s", ref)
	}

	// Describe reads the same counts back.
	desc, err := loadgen.Describe(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if desc.Cases != sum.Cases || desc.Active != sum.Active || desc.Extended != sum.Extended || desc.Assigned != sum.Assigned ||
		desc.Kinds != sum.Kinds || desc.Identifiers != sum.Identifiers || len(desc.Sites) != len(sum.Sites) ||
		len(desc.Staff) != len(sum.Staff) || len(desc.Known) == 0 {
		t.Errorf("described %+v\nloaded %+v", desc, sum)
	}

	// The known cases are found by the queue's search, as the handler calls it.
	today := deadline.Today(now, deadline.DefaultLocation)
	var active int
	for _, k := range sum.Known {
		f := models.QueueFilter{Controllers: sum.Controllers, Today: today, Limit: 50, Statuses: dsr.Statuses}
		for _, q := range []string{k.Reference, k.Email, k.Identifier} {
			f.Search = q
			page, err := st.Queue(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(page.Cases, func(c models.Case) bool { return c.ID == k.ID }) {
				t.Errorf("search %q did not find case %d", q, k.ID)
			}
		}
		if slices.Contains(models.ActiveStatuses, k.Status) {
			active++
		}
	}
	if active == 0 || active == len(sum.Known) {
		t.Errorf("known cases: %d active of %d", active, len(sum.Known))
	}
}
