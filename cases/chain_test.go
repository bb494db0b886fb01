package cases_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// TestConcurrentFilingsSealIntoOneChain: eight visitors file requests at once for two seconds
// while the sealer runs beside them, as the periodic job does. Afterwards every event is sealed
// exactly once, seq 1..N without a gap, the chain verifies, and every reference is distinct.
func TestConcurrentFilingsSealIntoOneChain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		f := newFixture(t, st)
		const filers = 8
		stop := time.Now().Add(2 * time.Second)
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			refs = map[string]bool{}
		)
		errs := make(chan error, filers+1)
		for w := range filers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; time.Now().Before(stop); i++ {
					r := request()
					r.Email = fmt.Sprintf("filer%d.%d@example.org", w, i)
					filed, err := f.svc.File(ctx, f.site, f.cookies, r)
					if err != nil {
						errs <- fmt.Errorf("filer %d: %w", w, err)
						return
					}
					mu.Lock()
					if refs[filed.Reference] {
						errs <- fmt.Errorf("reference %s given twice", filed.Reference)
					}
					refs[filed.Reference] = true
					mu.Unlock()
				}
			}()
		}
		done := make(chan struct{})
		sealed := make(chan int)
		go func() {
			n := 0
			defer func() { sealed <- n }()
			for {
				select {
				case <-done:
					return
				case <-time.After(100 * time.Millisecond):
				}
				k, err := st.SealEvents(ctx)
				if err != nil {
					errs <- fmt.Errorf("sealer: %w", err)
					return
				}
				n += k
			}
		}()
		wg.Wait()
		close(done)
		during := <-sealed
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		after, err := st.SealEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		events := count(t, st, "events")
		t.Logf("%d filings, %d events: %d sealed while filing, %d after", len(refs), events, during, after)
		if len(refs) < filers || count(t, st, "cases") != int64(len(refs)) || int64(during+after) != events {
			t.Fatalf("%d references, %d cases, %d events, %d sealed", len(refs), count(t, st, "cases"), events, during+after)
		}
		r, err := st.VerifyAudit(ctx)
		if err != nil || !r.OK || r.Events != events || r.HeadSeq != events || r.Unsealed != 0 {
			t.Fatalf("the chain after %d filings: %+v, %v", len(refs), r, err)
		}
		var seqs []int64
		if err := models.GormForTest(st).Model(&models.Event{}).Order("seq").Pluck("seq", &seqs).Error; err != nil {
			t.Fatal(err)
		}
		for i, s := range seqs {
			if s != int64(i+1) {
				t.Fatalf("seq %d is %d: not 1..%d", i+1, s, events)
			}
		}
	})
}
