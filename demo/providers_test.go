package demo_test

import (
	"context"
	"testing"

	"rightsdesk/access"
	"rightsdesk/demo"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// TestEveryDemoProviderHasACountry: every third-party provider of the demo catalogue ends with a
// country (and, outside the EU/EEA, a safeguard), so that the demo's access answers need no
// placeholder; the US companies are certified under the Data Privacy Framework.
func TestEveryDemoProviderHasACountry(t *testing.T) {
	seed, err := demo.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range seed.Controllers {
		for _, s := range c.Sites {
			ps, err := demo.SeedProviders(s.Slug, s.Cookies)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range ps {
				if p.Name == "Google" || p.Name == "facebook.net" || p.Name == "zopim.com" || p.Name == "static.zdassets.com/hc/assets" {
					if p.Country != "US" || p.Safeguard != access.SafeguardDPF {
						t.Errorf("%s: %s is %+v", s.Slug, p.Name, p)
					}
				}
			}
		}
	}
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		for range 2 { // loading twice changes nothing
			if _, _, err := demo.LoadCatalogue(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		for _, slug := range []string{"esomus", "itsme"} {
			site, err := st.SiteBySlug(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := st.SiteProviders(ctx, site.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 {
				t.Errorf("%s: no third-party provider", slug)
			}
			for _, p := range ps {
				n++
				if p.Country == "" {
					t.Errorf("%s: provider %s has no country", slug, p.Name)
				}
				if _, errs := access.CheckProvider(p.Plain()); errs != nil {
					t.Errorf("%s: provider %s: %v", slug, p.Name, errs)
				}
			}
		}
		if n != 9 {
			t.Errorf("%d providers, want 9 (1 of ESOMUS, 8 of itsme)", n)
		}
	})
}
