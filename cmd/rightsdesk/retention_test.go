package main

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// rightsdesk retention report says per organisation what is due and changes nothing; run erases
// it; a second report finds nothing due.
func TestRetentionCommands(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			o := testdb.Options(t, d)
			env := map[string]string{"DATABASE_URL": o.DatabaseURL, "RIGHTSDESK_DATA_DIR": o.DataDir}
			for _, args := range [][]string{{"retention"}, {"retention", "purge"}, {"retention", "run", "now"}} {
				if r := runWith(t, env, "", args...); r.code != 2 || !strings.Contains(r.stderr, "usage: rightsdesk retention report|run") {
					t.Errorf("%v: %+v", args, r)
				}
			}
			for _, args := range [][]string{{"migrate"}, {"demo"}} {
				if r := runWith(t, env, "", args...); r.code != 0 {
					t.Fatalf("%v: %+v", args, r)
				}
			}
			st, err := models.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			// The demo's closed cases, closed four years ago, their letters sent.
			db := models.GormForTest(st)
			if err := db.Exec(`UPDATE cases SET closed_at = ? WHERE closed_at IS NOT NULL`, time.Now().UTC().AddDate(-4, 0, 0)).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(`UPDATE letters SET status = 'sent'`).Error; err != nil {
				t.Fatal(err)
			}
			// want is what a report or run says of an organisation, its three lines' figures in order.
			says := func(out, org string, want ...int) bool {
				t.Helper()
				i := strings.Index(out, org+": personal data kept 1095 days after an answered case closes, 30 days after an unconfirmed request expires; records deleted after 10 years\n")
				if i < 0 {
					return false
				}
				lines := strings.SplitN(out[i:], "\n", 5)
				var got []int
				for _, l := range lines[1:4] {
					for _, m := range regexp.MustCompile(`\d+`).FindAllString(l, -1) {
						n, _ := strconv.Atoi(m)
						got = append(got, n)
					}
				}
				return slices.Equal(got, want)
			}
			r := runWith(t, env, "", "retention", "report")
			if r.code != 0 || !says(r.stdout, "ESOMUS", 1, 1, 0, 0, 0, 0, 0) || !says(r.stdout, "Belgian Mobile ID SA/NV", 2, 0, 0, 0, 0, 0, 0) ||
				!strings.Contains(r.stdout, "  cases due for erasure: 1 answered, 1 unconfirmed; 0 on legal hold\n") {
				t.Fatalf("report: %+v", r)
			}
			if r := runWith(t, env, "", "retention", "report"); !says(r.stdout, "ESOMUS", 1, 1, 0, 0, 0, 0, 0) {
				t.Errorf("a report changed something: %+v", r)
			}
			r = runWith(t, env, "", "retention", "run")
			if r.code != 0 || !says(r.stdout, "ESOMUS", 1, 1, 0, 0, 0, 0, 0, 0) || !says(r.stdout, "Belgian Mobile ID SA/NV", 2, 0, 0, 0, 0, 0, 0, 0) ||
				!strings.Contains(r.stdout, "  cases erased: 1 answered, 1 unconfirmed; 0 on legal hold; 0 skipped\n") {
				t.Fatalf("run: %+v", r)
			}
			if r := runWith(t, env, "", "retention", "report"); !says(r.stdout, "ESOMUS", 0, 0, 0, 0, 0, 0, 0) || !says(r.stdout, "Belgian Mobile ID SA/NV", 0, 0, 0, 0, 0, 0, 0) {
				t.Errorf("report after the run: %+v", r)
			}
			var left int64
			if err := db.Raw(`SELECT count(*) FROM cases WHERE closed_at IS NOT NULL AND (erased_at IS NULL OR email <> '')`).Scan(&left).Error; err != nil || left != 0 {
				t.Errorf("%d closed cases not erased (%v)", left, err)
			}
		})
	}
}
