package models_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"rightsdesk/models"
)

// BenchmarkAuditLog1M times the admins' audit log (/admin/audit) on the cases of BenchmarkQueue1M
// (same variables) with three events each — filed, confirmed, assigned — written straight into
// events when it has none (their hashes are not computed: the log does not read them). Every
// filter the page offers must read one page through an index:
//
//	RIGHTSDESK_BENCH_1M=1 go test -run '^$' -bench BenchmarkAuditLog1M -benchtime 1x -timeout 60m -v ./models/
func BenchmarkAuditLog1M(b *testing.B) {
	if os.Getenv("RIGHTSDESK_BENCH_1M") != "1" {
		b.Skip("loads 1,000,000 cases into PostgreSQL and takes minutes: run it by hand with " +
			"RIGHTSDESK_BENCH_1M=1 go test -run '^$' -bench BenchmarkAuditLog1M -benchtime 1x -timeout 60m ./models/")
	}
	ctx := context.Background()
	st, sum := load1M(b)
	db := models.GormForTest(st)
	var events int64
	if err := db.Raw("SELECT count(*) FROM events").Scan(&events).Error; err != nil {
		b.Fatal(err)
	}
	if events == 0 {
		start := time.Now()
		err := db.Exec(`INSERT INTO events (case_id, at, actor_type, actor_user_id, type, from_status, to_status, message, public, seq, prev_hash, hash)
			SELECT c.id, c.received_at + g * interval '90 minutes',
				CASE WHEN g = 2 AND c.assignee_id IS NOT NULL THEN 'staff' WHEN g = 2 THEN 'system' ELSE 'requester' END,
				CASE WHEN g = 2 THEN c.assignee_id END,
				(ARRAY['filed', 'verified', 'assigned'])[g + 1], '', '', 'Benchmark event.', g < 2,
				row_number() OVER (ORDER BY c.received_at, c.id, g), '', ''
			FROM cases c CROSS JOIN generate_series(0, 2) AS g`).Error
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Exec("VACUUM (ANALYZE) events").Error; err != nil {
			b.Fatal(err)
		}
		db.Raw("SELECT count(*) FROM events").Scan(&events)
		b.Logf("wrote %d events in %s", events, time.Since(start).Round(time.Millisecond))
	}
	capture := newSQLCapture(b, st)
	base := models.AuditFilter{Controllers: sum.Controllers, Limit: 50}
	with := func(fn func(f *models.AuditFilter)) models.AuditFilter {
		f := base
		fn(&f)
		return f
	}
	deep := base
	for range 20 {
		page, err := st.AuditLog(ctx, deep)
		if err != nil || page.Next.IsZero() {
			b.Fatalf("the log has fewer than 21 pages: %v", err)
		}
		deep.After = page.Next
	}
	var staff, smallest int64
	for _, u := range sum.Staff {
		if u.Assigned > 0 {
			staff = u.ID
			break
		}
	}
	perController := map[int64]int64{} // the controller with the fewest cases
	for _, site := range sum.Sites {
		perController[site.ControllerID] += site.Cases
	}
	for id, n := range perController {
		if smallest == 0 || n < perController[smallest] {
			smallest = id
		}
	}
	year := time.Now().AddDate(-1, 0, 0).UTC()
	scenarios := []struct {
		name   string
		filter models.AuditFilter
	}{
		{"first_page", base},
		{"deep_page_21", deep},
		{"controller", with(func(f *models.AuditFilter) { f.ControllerID = smallest })},
		{"case", with(func(f *models.AuditFilter) { f.Reference = sum.Known[0].Reference })},
		{"staff_member", with(func(f *models.AuditFilter) { f.ActorUserID = staff })},
		{"type_assigned", with(func(f *models.AuditFilter) { f.Type = "assigned" })},
		{"requester", with(func(f *models.AuditFilter) { f.ActorType = models.ActorRequester })},
		{"last_week", with(func(f *models.AuditFilter) { f.From = time.Now().AddDate(0, 0, -7) })},
		{"a_week_a_year_ago", with(func(f *models.AuditFilter) { f.From, f.Until = year, year.AddDate(0, 0, 7) })},
		{"controller_type_year_ago", with(func(f *models.AuditFilter) {
			f.ControllerID, f.Type, f.From, f.Until = smallest, "assigned", year, year.AddDate(0, 0, 7)
		})},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-28s %5s %9s %9s %9s  %s\n", "scenario", "rows", "p50 ms", "p95 ms", "max ms", "")
	var slow []string
	for _, sc := range scenarios {
		times := make([]time.Duration, 50)
		var rows int
		for i := -5; i < len(times); i++ {
			start := time.Now()
			page, err := st.AuditLog(ctx, sc.filter)
			if err != nil {
				b.Fatalf("%s: %v", sc.name, err)
			}
			if i >= 0 {
				times[i], rows = time.Since(start), len(page.Entries)
			}
		}
		slices.Sort(times)
		p95 := times[len(times)*95/100-1]
		verdict := "ok"
		if p95 > benchGoal {
			verdict, slow = "OVER GOAL", append(slow, sc.name)
		}
		fmt.Fprintf(&table, "%-28s %5d %9.2f %9.2f %9.2f  %s\n", sc.name, rows, ms(times[len(times)/2]), ms(p95), ms(times[len(times)-1]), verdict)
		b.ReportMetric(ms(p95), sc.name+"_p95_ms")
		sqls, vars, err := capture.all(func() error { _, err := st.AuditLog(ctx, sc.filter); return err })
		if err != nil || len(sqls) != 1 {
			b.Fatalf("%s: %v (%d queries)", sc.name, err, len(sqls))
		}
		plan, err := explain(ctx, st, sqls[0], vars[0])
		if err != nil {
			b.Fatalf("explain %s: %v", sc.name, err)
		}
		b.Logf("EXPLAIN (ANALYZE, BUFFERS) %s:\n%s", sc.name, plan)
	}
	b.Logf("%d events, goal p95 < %s a page:%s", events, benchGoal, table.String())
	if len(slow) > 0 {
		b.Errorf("over the goal of %s at p95: %s", benchGoal, strings.Join(slow, ", "))
	}
}
