package models_test

import (
	"context"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

// TestLifetimesBecomeData: 00018 reads the lifetimes stored as text where SQL can (the session and
// persistent words, "N unit" in the four languages) and keeps the rest as text, not stated; the
// database refuses a duration without its amount or unit; and the way down gives the text back.
func TestLifetimesBecomeData(t *testing.T) {
	d := lifetime.NewDuration
	want := map[string]lifetime.Lifetime{
		"Session": {Kind: lifetime.Session}, "Persistant": {Kind: lifetime.Persistent}, "Jamais": {Kind: lifetime.Persistent},
		"1 Heure": d(1, lifetime.Hour), "7 Jours": d(7, lifetime.Day), "1 An": d(1, lifetime.Year), "2 ans": d(2, lifetime.Year),
		"13 mois": d(13, lifetime.Month), "1 minute": d(1, lifetime.Minute), "30 Tage": d(30, lifetime.Day),
		"2 jaar": d(2, lifetime.Year), "1 year": d(1, lifetime.Year), " 3  Wochen ": d(3, lifetime.Week),
		// Not read: a bare number, words unknown, an amount of nothing.
		"365": {}, "Voir Google": {}, "0 jours": {}, "1,5 heure": {}, "": {},
	}
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, dialect, 17)
			insertSites(t, st, map[string]string{"acme": "2024-10-01"})
			db := models.GormForTest(st)
			now := time.Now().UTC()
			i := 0
			for text := range want {
				i++
				if err := db.Exec(`INSERT INTO cookies (site_id, position, name, provider, party, category, purpose, purpose_language, lifetime, created_at, updated_at)
					VALUES ((SELECT id FROM sites WHERE slug = 'acme'), ?, ?, 'p', 'first', 'necessary', 'x', 'fr', ?, ?, ?)`, i, text, text, now, now).Error; err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			site, err := st.SiteBySlug(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			cookies, err := st.Cookies(ctx, site.ID)
			if err != nil || len(cookies) != len(want) {
				t.Fatalf("%d cookies, %v", len(cookies), err)
			}
			for _, c := range cookies {
				w := want[c.Name]
				w.Text = c.Name
				if c.Lifetime != w {
					t.Errorf("%q became %+v, want %+v", c.Name, c.Lifetime, w)
				}
			}
			for _, bad := range []string{
				`UPDATE cookies SET lifetime_kind = 'duration' WHERE name = 'Session'`,
				`UPDATE cookies SET lifetime_unit = 'fortnight', lifetime_amount = 1, lifetime_kind = 'duration' WHERE name = 'Session'`,
				`UPDATE cookies SET lifetime_amount = 3 WHERE name = 'Jamais'`,
				`UPDATE cookies SET lifetime_kind = 'forever' WHERE name = 'Jamais'`,
			} {
				if err := db.Exec(bad).Error; err == nil {
					t.Errorf("the database took %s", bad)
				}
			}
			// A lifetime stated without its published text, then the way down: the text comes back.
			if err := db.Exec(`UPDATE cookies SET lifetime_text = '' WHERE name IN ('13 mois', 'Session')`).Error; err != nil {
				t.Fatal(err)
			}
			if err := downTo(t, st, dialect, 17); err != nil {
				t.Fatal(err)
			}
			var texts []struct{ Name, Lifetime string }
			if err := db.Raw(`SELECT name, lifetime FROM cookies WHERE name IN ('13 mois', 'Session', '1 Heure', '365')`).Scan(&texts).Error; err != nil {
				t.Fatal(err)
			}
			back := map[string]string{}
			for _, r := range texts {
				back[r.Name] = r.Lifetime
			}
			if back["13 mois"] != "13 months" || back["Session"] != "Session" || back["1 Heure"] != "1 Heure" || back["365"] != "365" {
				t.Errorf("down: %v", back)
			}
		})
	}
}

// downTo undoes the migrations applied after version.
func downTo(t *testing.T, st *models.Store, d string, version int64) error {
	t.Helper()
	_, err := testdb.Goose(t, st, d).DownTo(context.Background(), version)
	return err
}
