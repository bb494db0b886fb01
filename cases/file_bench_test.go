package cases_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/demo"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// BenchmarkFileParallel files requests through cases.Service.File on PostgreSQL from 1 and from 8
// goroutines sharing b.N, and reports filings/s. It is the in-process part of issue 15's intake
// goal: before the audit chain and the references lost their locks, every filing held the
// audit_head row and the year's reference_counters row until commit, so 8 filers went no faster
// than 1; now they only share the database. Where the store has SealEvents, a sealer runs each
// second beside the filers, as the periodic job does. (The file compiles on the commit before the
// change, to measure both: go test -run '^$' -bench FileParallel -benchtime 10s ./cases/.)
// Not a timed test: it prints figures, it asserts none.
func BenchmarkFileParallel(b *testing.B) {
	ctx := context.Background()
	st := testdb.Open(b, models.Postgres)
	if _, _, err := demo.LoadCatalogue(ctx, st); err != nil {
		b.Fatal(err)
	}
	svc, err := cases.New(st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	site, err := st.SiteBySlug(ctx, "esomus")
	if err != nil {
		b.Fatal(err)
	}
	cookies, err := st.Cookies(ctx, site.ID)
	if err != nil {
		b.Fatal(err)
	}
	sealer, _ := any(st).(interface {
		SealEvents(context.Context) (int, error)
	})
	var filed atomic.Int64
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			stop := make(chan struct{})
			var sealing sync.WaitGroup
			if sealer != nil {
				sealing.Add(1)
				go func() {
					defer sealing.Done()
					for {
						select {
						case <-stop:
							return
						case <-time.After(time.Second):
						}
						if _, err := sealer.SealEvents(ctx); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						r := request()
						r.Email = fmt.Sprintf("bench%d@example.org", filed.Add(1))
						if _, err := svc.File(ctx, site, cookies, r); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			close(stop)
			sealing.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "filings/s")
		})
	}
}
