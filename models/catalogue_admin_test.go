package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

// catalogueSite stores a controller and a site with cookies A (first party) and B (third).
func catalogueSite(t *testing.T, st *models.Store, slug string) models.Site {
	t.Helper()
	ctx := context.Background()
	c := models.Controller{Slug: slug + "-ctl", Name: slug, Country: "BE", DefaultLanguage: "fr"}
	if err := st.SaveController(ctx, &c); err != nil {
		t.Fatal(err)
	}
	s := models.Site{ControllerID: c.ID, Slug: slug, Name: slug, Domain: slug + ".example", PolicyLanguage: "fr"}
	if err := st.SaveSite(ctx, &s); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"A", "B"} {
		party := map[bool]string{true: "first", false: "third"}[i == 0]
		ck := models.Cookie{SiteID: s.ID, Name: name, Provider: "p", Party: party, Category: "analytics", Purpose: "x", PurposeLanguage: "fr", Lifetime: lifetime.Lifetime{Kind: lifetime.Duration, Amount: 1, Unit: lifetime.Year, Text: "1 An"}}
		if err := st.AddCookie(ctx, &ck); err != nil {
			t.Fatal(err)
		}
		if ck.Position != i+1 {
			t.Fatalf("%s at position %d", name, ck.Position)
		}
	}
	return s
}

func names(cs []models.Cookie) (live, retired []string) {
	for _, c := range cs {
		if c.RetiredAt == nil {
			live = append(live, c.Name)
		} else {
			retired = append(retired, c.Name)
		}
	}
	return live, retired
}

func TestCatalogueAddEditRetireRestore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := catalogueSite(t, st, "one")
		other := catalogueSite(t, st, "two")
		all, _ := st.AllCookies(ctx, site.ID)
		a, b := all[0], all[1]

		dup := models.Cookie{SiteID: site.ID, Name: "A", Party: "first", Category: "necessary"}
		if err := st.AddCookie(ctx, &dup); !errors.Is(err, models.ErrDuplicate) {
			t.Fatalf("a second A: %v", err)
		}
		// The same name on another site is another cookie.
		if _, err := st.CookieByID(ctx, other.ID, a.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("a cookie read through another site: %v", err)
		}

		b.Purposes = models.Translations{"en": "Counts visits.", "nl": "Telt bezoeken."}
		b.OptOutURL = "https://p.example/opt-out"
		b.Identifying = true
		if err := st.UpdateCookie(ctx, b); err != nil {
			t.Fatal(err)
		}
		got, _ := st.CookieByID(ctx, site.ID, b.ID)
		if got.Purposes["nl"] != "Telt bezoeken." || got.OptOutURL != b.OptOutURL || !got.Identifying || got.Position != 2 {
			t.Fatalf("after the edit: %+v", got)
		}
		got.Identifying = false // a false value is written too
		if err := st.UpdateCookie(ctx, got); err != nil {
			t.Fatal(err)
		}
		if got, _ = st.CookieByID(ctx, site.ID, b.ID); got.Identifying {
			t.Fatal("identifying could not be switched off")
		}
		b.Name = "A"
		if err := st.UpdateCookie(ctx, b); !errors.Is(err, models.ErrDuplicate) {
			t.Fatalf("renamed onto A: %v", err)
		}
		foreign := a
		foreign.SiteID = other.ID
		if err := st.UpdateCookie(ctx, foreign); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("edit through another site: %v", err)
		}

		now := time.Now().UTC().Truncate(time.Second)
		if err := st.RetireCookie(ctx, other.ID, a.ID, now); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("retire through another site: %v", err)
		}
		if err := st.RetireCookie(ctx, site.ID, a.ID, now); err != nil {
			t.Fatal(err)
		}
		live, _ := st.Cookies(ctx, site.ID)
		if len(live) != 1 || live[0].Name != "B" {
			t.Fatalf("live after retiring A: %v", live)
		}
		all, _ = st.AllCookies(ctx, site.ID)
		if l, r := names(all); len(l) != 1 || len(r) != 1 || r[0] != "A" {
			t.Fatalf("all after retiring: live %v retired %v", l, r)
		}
		// A retired name is still taken: the admin restores it instead.
		dup = models.Cookie{SiteID: site.ID, Name: "A", Party: "first", Category: "necessary"}
		if err := st.AddCookie(ctx, &dup); !errors.Is(err, models.ErrDuplicate) {
			t.Fatalf("A added again while retired: %v", err)
		}
		if err := st.RestoreCookie(ctx, site.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		live, _ = st.Cookies(ctx, site.ID)
		if len(live) != 2 || live[1].Name != "A" {
			t.Fatalf("a restored cookie comes back at the end: %v", live)
		}
	})
}

func TestApplyCatalogueIsAllOrNothingAndRefusesAStalePreview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := catalogueSite(t, st, "one")
		now := time.Now().UTC().Truncate(time.Second)
		all, _ := st.AllCookies(ctx, site.ID)
		if err := st.RetireCookie(ctx, site.ID, all[0].ID, now); err != nil { // A is retired
			t.Fatal(err)
		}
		all, _ = st.AllCookies(ctx, site.ID)
		fp := models.CatalogueFingerprint(all)
		if fp != models.CatalogueFingerprint(all) || len(fp) != 64 {
			t.Fatalf("fingerprint %q", fp)
		}

		want := []models.Cookie{
			{Name: "C", Provider: "new", Party: "third", Category: "marketing", PurposeLanguage: "fr", OptOutURL: "https://c.example/"},
			{Name: "A", Provider: "p", Party: "first", Category: "necessary", Purpose: "back", PurposeLanguage: "fr", Lifetime: lifetime.Lifetime{Kind: lifetime.Session, Text: "Session"}},
		}
		// Someone edits the catalogue after the preview: the import is refused and changes nothing.
		b := all[0]
		if b.Name != "B" {
			t.Fatalf("the live cookie first: %v", b.Name)
		}
		b.Lifetime = lifetime.Lifetime{Kind: lifetime.Duration, Amount: 2, Unit: lifetime.Year, Text: "2 ans"}
		if err := st.UpdateCookie(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := st.ApplyCatalogue(ctx, site.ID, fp, want, now); !errors.Is(err, models.ErrCatalogueChanged) {
			t.Fatalf("stale preview applied: %v", err)
		}
		after, _ := st.AllCookies(ctx, site.ID)
		if models.CatalogueFingerprint(after) == fp || len(after) != 2 {
			t.Fatal("the stale import changed something or the edit was not seen")
		}

		fp = models.CatalogueFingerprint(after)
		if err := st.ApplyCatalogue(ctx, site.ID, fp, want, now); err != nil {
			t.Fatal(err)
		}
		live, _ := st.Cookies(ctx, site.ID)
		if len(live) != 2 || live[0].Name != "C" || live[1].Name != "A" || live[1].Purpose != "back" || live[0].OptOutURL != "https://c.example/" {
			t.Fatalf("live after apply: %+v", live)
		}
		all, _ = st.AllCookies(ctx, site.ID)
		if _, r := names(all); len(r) != 1 || r[0] != "B" {
			t.Fatalf("B is not retired (kept, not deleted): %v", r)
		}
		// Applying the same catalogue again against its new fingerprint changes nothing.
		fp = models.CatalogueFingerprint(all)
		if err := st.ApplyCatalogue(ctx, site.ID, fp, want, now); err != nil {
			t.Fatal(err)
		}
		again, _ := st.AllCookies(ctx, site.ID)
		if models.CatalogueFingerprint(again) != fp {
			t.Fatal("a no-op import changed the catalogue")
		}

		// A failing row rolls everything back: the check constraint refuses a party.
		bad := append([]models.Cookie{{Name: "D", Party: "first", Category: "necessary", PurposeLanguage: "fr"}}, want...)
		bad = append(bad, models.Cookie{Name: "E", Party: "nobody", Category: "necessary", PurposeLanguage: "fr"})
		if err := st.ApplyCatalogue(ctx, site.ID, fp, bad, now); err == nil {
			t.Fatal("an invalid party was stored")
		}
		again, _ = st.AllCookies(ctx, site.ID)
		if models.CatalogueFingerprint(again) != fp {
			t.Fatal("a failed import left a half-changed catalogue")
		}
		if err := st.ApplyCatalogue(ctx, 999999, fp, want, now); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown site: %v", err)
		}
	})
}
