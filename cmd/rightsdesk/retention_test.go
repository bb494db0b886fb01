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
			row := func(out, org string) string {
				t.Helper()
				m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(org) + ` +1095 days +30 days +(\d+ +\d+ +\d+ +\S+ +\d+ +\d+)$`).FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("no line for %s in:\n%s", org, out)
				}
				return strings.Join(strings.Fields(m[1]), " ")
			}
			r := runWith(t, env, "", "retention", "report")
			if r.code != 0 || !regexp.MustCompile(`^organisation +keeps answered +keeps unconfirmed +answered due +unconfirmed due +on legal hold +skipped +withdrawals due +withdrawals waiting\n`).MatchString(r.stdout) ||
				row(r.stdout, "ESOMUS") != "1 1 0 - 0 0" || row(r.stdout, "Belgian Mobile ID SA/NV") != "2 0 0 - 0 0" {
				t.Fatalf("report: %+v", r)
			}
			if r := runWith(t, env, "", "retention", "report"); row(r.stdout, "ESOMUS") != "1 1 0 - 0 0" {
				t.Errorf("a report changed something: %+v", r)
			}
			r = runWith(t, env, "", "retention", "run")
			if r.code != 0 || row(r.stdout, "ESOMUS") != "1 1 0 0 0 0" || row(r.stdout, "Belgian Mobile ID SA/NV") != "2 0 0 0 0 0" {
				t.Fatalf("run: %+v", r)
			}
			if r := runWith(t, env, "", "retention", "report"); row(r.stdout, "ESOMUS") != "0 0 0 - 0 0" || row(r.stdout, "Belgian Mobile ID SA/NV") != "0 0 0 - 0 0" {
				t.Errorf("report after the run: %+v", r)
			}
			var left int64
			if err := db.Raw(`SELECT count(*) FROM cases WHERE closed_at IS NOT NULL AND (erased_at IS NULL OR email <> '')`).Scan(&left).Error; err != nil || left != 0 {
				t.Errorf("%d closed cases not erased (%v)", left, err)
			}
		})
	}
}
