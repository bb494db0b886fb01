package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"rightsdesk/access"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

func TestSaveSiteProviderAndApplyImport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := catalogueSite(t, st, "prov") // B is a third-party cookie of provider "p"
		now := time.Now().UTC().Truncate(time.Second)

		// Only a provider the live cookies name is recorded.
		for _, name := range []string{"nobody", "P", ""} {
			err := st.SaveSiteProvider(ctx, &models.Provider{SiteID: site.ID, Name: name, Country: "US", Safeguard: access.SafeguardDPF, UpdatedAt: now})
			if !errors.Is(err, models.ErrNotFound) {
				t.Errorf("provider %q: %v", name, err)
			}
		}
		p := models.Provider{SiteID: site.ID, Name: "p", Country: "US", Safeguard: access.SafeguardDPF, UpdatedAt: now}
		if err := st.SaveSiteProvider(ctx, &p); err != nil {
			t.Fatal(err)
		}
		got, err := st.SiteProviders(ctx, site.ID)
		if err != nil || len(got) != 1 || got[0].Country != "US" || got[0].Safeguard != access.SafeguardDPF {
			t.Fatalf("providers: %+v %v", got, err)
		}

		// An import that fails (a stale preview) records no provider either.
		all, _ := st.AllCookies(ctx, site.ID)
		want := []models.Cookie{
			{Name: "B", Provider: "p", Party: "third", Category: "analytics", PurposeLanguage: "fr"},
			{Name: "C", Provider: "q", Party: "third", Category: "marketing", PurposeLanguage: "fr"},
		}
		provs := []models.Provider{{Name: "p", Country: "IE"}, {Name: "q", Country: "CH", Safeguard: access.SafeguardAdequacy}}
		if err := st.ApplyImport(ctx, site.ID, "stale", want, provs, now); !errors.Is(err, models.ErrCatalogueChanged) {
			t.Fatalf("stale import: %v", err)
		}
		if got, _ := st.SiteProviders(ctx, site.ID); len(got) != 1 || got[0].Country != "US" {
			t.Fatalf("a refused import changed the providers: %+v", got)
		}
		if err := st.ApplyImport(ctx, site.ID, models.CatalogueFingerprint(all), want, provs, now); err != nil {
			t.Fatal(err)
		}
		got, _ = st.SiteProviders(ctx, site.ID)
		if len(got) != 2 || got[0].Name != "p" || got[0].Country != "IE" || got[0].Safeguard != "" ||
			got[1].Name != "q" || got[1].Country != "CH" || got[1].Safeguard != access.SafeguardAdequacy {
			t.Fatalf("after the import: %+v", got)
		}
	})
}
