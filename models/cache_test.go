package models_test

import (
	"context"
	"errors"
	"testing"

	"rightsdesk/demo"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// The cache of sites, cookies and overrides answers as the queries do, and sees every change as
// soon as it commits — made through this store, through another process's store on the same
// database, or rolled back (then never seen).
func TestConfigCache(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			opts := testdb.Migrated(t, d)
			open := func() *models.Store {
				st, err := models.Open(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
			st, other := open(), open()
			if _, _, err := demo.LoadCatalogue(ctx, st); err != nil {
				t.Fatal(err)
			}
			purpose := func(s *models.Store) string {
				t.Helper()
				site, cookies, err := s.SiteWithCookies(ctx, "esomus")
				if err != nil || site.Controller == nil || len(cookies) == 0 {
					t.Fatalf("%v %+v %d", err, site, len(cookies))
				}
				return cookies[0].Purpose
			}
			first := purpose(st)
			want, _ := st.Cookies(ctx, mustSite(t, st).ID)
			if first != want[0].Purpose {
				t.Fatalf("cached %q, stored %q", first, want[0].Purpose)
			}
			if got := purpose(st); got != first { // from the cache
				t.Fatalf("second read %q", got)
			}

			change := func(s *models.Store, text string) {
				t.Helper()
				c := want[0]
				c.Purpose = text
				if err := s.SaveCookie(ctx, &c); err != nil {
					t.Fatal(err)
				}
			}
			change(st, "Changed here.")
			if got := purpose(st); got != "Changed here." {
				t.Errorf("after a change through this store: %q", got)
			}
			purpose(other) // fill the other process's cache
			change(st, "Changed by the first process.")
			if got := purpose(other); got != "Changed by the first process." {
				t.Errorf("the other process: %q", got)
			}

			// A transaction reads its own change, then rolls back: nobody sees it afterwards.
			rollback := errors.New("rollback")
			err := st.InTx(ctx, func(tx *models.Tx) error {
				change(tx.Store, "Never committed.")
				if _, cookies, err := tx.SiteWithCookies(ctx, "esomus"); err != nil || cookies[0].Purpose != "Never committed." {
					t.Errorf("inside: %v", err)
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				t.Fatal(err)
			}
			if got := purpose(st); got != "Changed by the first process." {
				t.Errorf("after the rollback: %q", got)
			}

			// Overrides.
			site := mustSite(t, st)
			o, err := st.CachedLetterOverrides(ctx, site.ControllerID, "fr")
			if err != nil || len(o) != 0 {
				t.Fatalf("%v %v", err, o)
			}
			if err := other.SaveLetterOverride(ctx, models.LetterOverride{ControllerID: site.ControllerID, Language: "fr",
				MessageID: "common.closing", Wording: "Bien à vous,"}); err != nil {
				t.Fatal(err)
			}
			if o, _ := st.CachedLetterOverrides(ctx, site.ControllerID, "fr"); o["common.closing"] != "Bien à vous," {
				t.Errorf("override saved by another process: %v", o)
			}
			// Readers get their own site: changing one does not change the cache.
			s1, _, _ := st.SiteWithCookies(ctx, "esomus")
			s1.Name, s1.Controller.Name = "x", "y"
			if s2, _, _ := st.SiteWithCookies(ctx, "esomus"); s2.Name == "x" || s2.Controller.Name == "y" {
				t.Error("a reader changed the cached site")
			}
			if _, _, err := st.SiteWithCookies(ctx, "nope"); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("unknown site: %v", err)
			}
		})
	}
}

func mustSite(t *testing.T, st *models.Store) models.Site {
	t.Helper()
	s, err := st.SiteBySlug(context.Background(), "esomus")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
