package demo

import (
	"context"
	"fmt"
	"time"

	"rightsdesk/access"
	"rightsdesk/models"
)

// SeedProviders are the places of a seed site's third-party providers, one per provider in the
// order of its cookies, checked as an admin's form or an import checks them: every row of a
// provider states the same place.
func SeedProviders(site string, cookies []SeedCookie) ([]access.Provider, error) {
	var out []access.Provider
	seen := map[string]int{}
	for _, ck := range cookies {
		p := access.Provider{Name: ck.Provider, Country: ck.ProviderCountry, Safeguard: access.Safeguard(ck.TransferSafeguard), Text: ck.TransferSafeguardText}
		if p.Country == "" && p.Safeguard == "" && p.Text == "" {
			continue
		}
		if ck.Party != "third" || ck.Provider == "" {
			return nil, fmt.Errorf("%s: cookie %s: only a named third-party provider has a country", site, ck.Name)
		}
		clean, errs := access.CheckProvider(p)
		if errs != nil {
			return nil, fmt.Errorf("%s: provider %s: %v", site, p.Name, errs)
		}
		if i, ok := seen[p.Name]; ok {
			if out[i] != clean {
				return nil, fmt.Errorf("%s: provider %s: its cookies state different places", site, p.Name)
			}
			continue
		}
		seen[p.Name] = len(out)
		out = append(out, clean)
	}
	return out, nil
}

// saveSeedProviders records where the site's third-party providers process the data.
func saveSeedProviders(ctx context.Context, tx *models.Tx, site models.Site, cookies []SeedCookie) error {
	ps, err := SeedProviders(site.Slug, cookies)
	if err != nil {
		return err
	}
	for _, p := range ps {
		row := models.Provider{SiteID: site.ID, Name: p.Name, Country: p.Country, Safeguard: p.Safeguard, SafeguardText: p.Text, UpdatedAt: time.Now()}
		if err := tx.SaveProvider(ctx, &row); err != nil {
			return fmt.Errorf("provider %s of %s: %w", p.Name, site.Slug, err)
		}
	}
	return nil
}
