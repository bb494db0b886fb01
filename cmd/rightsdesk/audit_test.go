package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

func TestAuditVerify(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			o := testdb.Options(t, d)
			env := map[string]string{"DATABASE_URL": o.DatabaseURL, "RIGHTSDESK_DATA_DIR": o.DataDir}

			for _, args := range [][]string{{"audit"}, {"audit", "check"}, {"audit", "verify", "now"}} {
				if r := runWith(t, env, "", args...); r.code != 2 || !strings.Contains(r.stderr, "usage: rightsdesk audit verify") {
					t.Errorf("%v: %+v", args, r)
				}
			}
			if r := runWith(t, env, "", "audit", "verify"); r.code != 1 || !strings.Contains(r.stderr, "schema") {
				t.Errorf("on an unmigrated database: %+v", r)
			}
			if r := runWith(t, env, "", "migrate"); r.code != 0 {
				t.Fatalf("migrate: %+v", r)
			}
			if r := runWith(t, env, "", "demo"); r.code != 0 {
				t.Fatalf("demo: %+v", r)
			}
			// No worker ran: the demo's events wait to be sealed, which is no problem yet.
			r := runWith(t, env, "", "audit", "verify")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "audit chain intact: 0 events, head hash none") ||
				!regexp.MustCompile(`; \d+ events not yet sealed \(the oldest for [0-9.]+m?s\)\n$`).MatchString(r.stdout) || strings.Count(r.stdout, "\n") != 1 {
				t.Fatalf("intact chain, events waiting: %+v", r)
			}

			st, err := models.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			// ... for more than a minute: the sealer is not running.
			res := models.GormForTest(st).Exec(`UPDATE events SET appended_at = ? WHERE id = (SELECT min(id) FROM events)`, time.Now().UTC().Add(-90*time.Second))
			if res.Error != nil || res.RowsAffected != 1 {
				t.Fatalf("age an event: %v, %d rows", res.Error, res.RowsAffected)
			}
			r = runWith(t, env, "", "audit", "verify")
			if r.code != 1 || !strings.HasPrefix(r.stdout, "audit chain NOT SEALED: ") || !strings.Contains(r.stdout, "has waited 1m30s, more than 1m0s") {
				t.Errorf("events waiting too long: %+v", r)
			}
			if n, err := st.SealEvents(context.Background()); err != nil || n < 2 {
				t.Fatalf("seal: %d, %v", n, err)
			}
			r = runWith(t, env, "", "audit", "verify")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "audit chain intact: ") || strings.Contains(r.stdout, "not yet sealed") {
				t.Fatalf("intact chain: %+v", r)
			}

			res = models.GormForTest(st).Exec(`UPDATE events SET public = NOT public WHERE seq = 2`)
			if res.Error != nil || res.RowsAffected != 1 {
				t.Fatalf("tamper: %v, %d rows (the demo wrote fewer than 2 events?)", res.Error, res.RowsAffected)
			}
			r = runWith(t, env, "", "audit", "verify")
			if r.code != 1 || !strings.HasPrefix(r.stdout, "audit chain BROKEN at event 2: event 2 (case DSR-") {
				t.Errorf("broken chain: %+v", r)
			}
		})
	}
}
