package models

import (
	"context"
	"slices"
	"time"

	"rightsdesk/access"
)

// PlainProviders are providers as the access rules know them.
func PlainProviders(ps []Provider) []access.Provider {
	out := make([]access.Provider, len(ps))
	for i, p := range ps {
		out[i] = p.Plain()
	}
	return out
}

// ImportedProviders are providers' places (as an import states them) as rows to save, without
// site or time, which ApplyImport sets.
func ImportedProviders(ps []access.Provider) []Provider {
	out := make([]Provider, len(ps))
	for i, p := range ps {
		out[i] = Provider{Name: p.Name, Country: p.Country, Safeguard: p.Safeguard, SafeguardText: p.Text}
	}
	return out
}

// SaveSiteProvider records where a provider of a site processes the data, as SaveProvider does,
// for a provider the site's live cookies name: another name is ErrNotFound and nothing is saved.
func (s *Store) SaveSiteProvider(ctx context.Context, p *Provider) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSite(ctx, p.SiteID); err != nil {
			return err
		}
		names, err := tx.CookieRecipients(ctx, p.SiteID)
		if err != nil {
			return err
		}
		if !slices.Contains(names, p.Name) {
			return ErrNotFound
		}
		return tx.SaveProvider(ctx, p)
	})
}

// ApplyImport applies an imported catalogue as ApplyCatalogue does and, in the same transaction,
// records the providers the file states (the others keep what they have).
func (s *Store) ApplyImport(ctx context.Context, siteID int64, fingerprint string, want []Cookie, providers []Provider, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.ApplyCatalogue(ctx, siteID, fingerprint, want, now); err != nil {
			return err
		}
		for i := range providers {
			p := providers[i]
			p.SiteID, p.UpdatedAt = siteID, now
			if err := tx.SaveProvider(ctx, &p); err != nil {
				return err
			}
		}
		return nil
	})
}
