package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// openAt returns a store of dialect d migrated up to version v only.
func openAt(t *testing.T, d string, v int64) *models.Store {
	t.Helper()
	ctx := context.Background()
	st, err := models.Open(ctx, testdb.Options(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := testdb.Goose(t, st, d)
	if _, err := p.UpTo(ctx, v); err != nil {
		t.Fatal(err)
	}
	return st
}

// insertSites writes sites with free-text policy versions as the schema before 00014 kept them.
func insertSites(t *testing.T, st *models.Store, versions map[string]string) {
	t.Helper()
	db := models.GormForTest(st)
	now := time.Now().UTC()
	if err := db.Exec(`INSERT INTO controllers (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', ?, ?)`, now, now).Error; err != nil {
		t.Fatal(err)
	}
	for slug, v := range versions {
		if err := db.Exec(`INSERT INTO sites (controller_id, slug, name, domain, policy_version, created_at, updated_at)
			VALUES ((SELECT id FROM controllers WHERE slug = 'acme'), ?, ?, 'acme.example', ?, ?, ?)`, slug, slug, v, now, now).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// TestPolicyVersionBecomesADate: 00014 turns the free-text policy versions into dates, and stops
// (changing nothing) on a text it cannot read rather than dropping it.
func TestPolicyVersionBecomesADate(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 13)
			insertSites(t, st, map[string]string{
				"seed": "01 octobre 2024", "iso": "2023-05-17", "de": "1. März 2025", "fr1er": "1er janvier 2022",
				"nl": " 3 december 2021 ", "en": "28 February 2020", "none": "",
			})
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := map[string]deadline.Date{
				"seed": deadline.NewDate(2024, 10, 1), "iso": deadline.NewDate(2023, 5, 17), "de": deadline.NewDate(2025, 3, 1),
				"fr1er": deadline.NewDate(2022, 1, 1), "nl": deadline.NewDate(2021, 12, 3), "en": deadline.NewDate(2020, 2, 28), "none": {},
			}
			for slug, w := range want {
				s, err := st.SiteBySlug(ctx, slug)
				if err != nil || s.PolicyVersion != w || s.Retired() || len(s.DomainList()) != 1 {
					t.Errorf("%s: %+v, %v; want policy version %s", slug, s.PolicyVersion, err, w)
				}
			}

			bad := openAt(t, d, 13)
			insertSites(t, bad, map[string]string{"ok": "2024-10-01", "vague": "spring 2024"})
			_, err := bad.Migrate(ctx)
			if err == nil || !strings.Contains(err.Error(), "is not a date") {
				t.Fatalf("migrating an unreadable version: %v", err)
			}
			if v, _, _ := bad.SchemaVersion(ctx); v != 13 {
				t.Errorf("schema at %d after the refused migration, want 13", v)
			}
			var text string
			models.GormForTest(bad).Raw(`SELECT policy_version FROM sites WHERE slug = 'vague'`).Scan(&text)
			if text != "spring 2024" {
				t.Errorf("the text was not kept: %q", text)
			}
		})
	}
}

func TestControllersSitesAndLogos(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		c := models.Controller{Slug: "acme", Name: "Acme SA", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE",
			DefaultLanguage: "fr", InternalTargetDays: 15}
		if err := st.CreateController(ctx, &c); err != nil {
			t.Fatal(err)
		}
		again := c
		again.ID = 0
		if err := st.CreateController(ctx, &again); !errors.Is(err, models.ErrDuplicate) {
			t.Errorf("a taken slug: %v", err)
		}
		c.Name, c.Country, c.LeadAuthority, c.TransparencyOff, c.InternalTargetDays = "Acme NV", "NL", "NL", true, 10
		c.Slug = "renamed" // never changes
		if err := st.UpdateController(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := st.ControllerByID(ctx, c.ID)
		if err != nil || got.Name != "Acme NV" || got.Slug != "acme" || got.Country != "NL" || !got.TransparencyOff || got.InternalTargetDays != 10 {
			t.Errorf("updated controller: %+v, %v", got, err)
		}
		if err := st.UpdateController(ctx, models.Controller{ID: 9999, Name: "x"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown controller: %v", err)
		}

		now := time.Now().UTC().Truncate(time.Second)
		logo := models.ControllerLogo{ControllerID: c.ID, ContentType: "image/png", Data: []byte("png"), SHA256: "abc", Width: 1, Height: 1, UpdatedAt: now}
		if err := st.SetControllerLogo(ctx, logo); err != nil {
			t.Fatal(err)
		}
		logo.Data, logo.SHA256 = []byte("png2"), "def"
		if err := st.SetControllerLogo(ctx, logo); err != nil {
			t.Fatal(err)
		}
		l, err := st.LogoOf(ctx, "acme")
		got, _ = st.ControllerByID(ctx, c.ID)
		if err != nil || string(l.Data) != "png2" || got.LogoSHA256 != "def" {
			t.Errorf("logo: %+v %v; controller's %q", l, err, got.LogoSHA256)
		}
		if err := st.RemoveControllerLogo(ctx, c.ID, now); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LogoOf(ctx, "acme"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a removed logo: %v", err)
		}
		if err := st.SetControllerLogo(ctx, models.ControllerLogo{ControllerID: 9999, ContentType: "image/png", Data: []byte("x"), UpdatedAt: now}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("logo of an unknown controller: %v", err)
		}

		s := models.Site{ControllerID: c.ID, Slug: "shop", Name: "Shop", Domain: "shop.example", OtherDomains: "www.shop.example",
			Languages: "nl,fr", PolicyLanguage: "nl", PolicyVersion: deadline.NewDate(2025, 6, 1)}
		if err := st.CreateSite(ctx, &s); err != nil {
			t.Fatal(err)
		}
		dup := s
		dup.ID = 0
		if err := st.CreateSite(ctx, &dup); !errors.Is(err, models.ErrDuplicate) {
			t.Errorf("a taken site slug: %v", err)
		}
		s.Name, s.PolicyVersion, s.OtherDomains = "Shop!", deadline.Date{}, ""
		if err := st.UpdateSite(ctx, s); err != nil {
			t.Fatal(err)
		}
		at := now
		if err := st.RetireSite(ctx, s.ID, &at); err != nil {
			t.Fatal(err)
		}
		gs, err := st.SiteBySlug(ctx, "shop")
		if err != nil || gs.Name != "Shop!" || !gs.PolicyVersion.IsZero() || !gs.Retired() || len(gs.DomainList()) != 1 ||
			strings.Join(gs.LanguageList(), ",") != "nl,fr" {
			t.Errorf("site: %+v, %v", gs, err)
		}
		cs, _ := st.Controllers(ctx)
		if len(cs) != 1 || len(cs[0].Sites) != 1 || len(cs[0].LiveSites()) != 0 {
			t.Errorf("a retired site is kept, not live: %+v", cs)
		}
		if err := st.RetireSite(ctx, s.ID, nil); err != nil {
			t.Fatal(err)
		}
		if gs, _ := st.SiteBySlug(ctx, "shop"); gs.Retired() {
			t.Error("restored site still retired")
		}
		if n, err := st.CountUsers(ctx); err != nil || n != 0 {
			t.Errorf("users: %d %v", n, err)
		}
	})
}
