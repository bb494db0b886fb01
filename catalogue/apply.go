package catalogue

import (
	"context"
	"time"

	"rightsdesk/events"
	"rightsdesk/models"
)

// Applier is what applying a file needs of the database: one transaction, in which the catalogue,
// the providers and the event in the audit chain commit together.
type Applier interface {
	InTx(ctx context.Context, fn func(tx *models.Tx) error) error
}

// Apply applies rows, the whole catalogue of site in the file's order, with the providers they
// state, unless the catalogue's fingerprint is no longer the one the preview saw
// (models.ErrCatalogueChanged, nothing applied); it records a catalogue_imported event by by with
// what it added, changed, restored and retired. It returns that preview.
func Apply(ctx context.Context, st Applier, by models.By, site models.Site, fingerprint string, rows []Row, now time.Time) (Preview, error) {
	var p Preview
	err := st.InTx(ctx, func(tx *models.Tx) error {
		current, err := tx.AllCookies(ctx, site.ID)
		if err != nil {
			return err
		}
		if p = Diff(current, rows); p.Fingerprint != fingerprint {
			return models.ErrCatalogueChanged
		}
		// ApplyImport checks the fingerprint again under the site's lock: the counts are of
		// the catalogue it applies to.
		provs := Providers(rows)
		if err := tx.ApplyImport(ctx, site.ID, fingerprint, Cookies(rows), models.ImportedProviders(provs), now); err != nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, by, site.ControllerID, now, events.CatalogueImported{
			Site: site.Slug, Cookies: len(rows), Added: len(p.Added), Changed: len(p.Changed), Restored: len(p.Restored),
			Retired: len(p.Retired), Providers: len(provs),
		})
	})
	return p, err
}

// ChangedFields names the fields of a cookie that differ between old and c, in the order of Fields.
func ChangedFields(old, c models.Cookie) []string {
	var out []string
	for _, f := range diffFields(FromCookie(old), FromCookie(c)) {
		out = append(out, f.Field)
	}
	return out
}
