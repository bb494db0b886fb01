package models

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"rightsdesk/lifetime"
)

// The admins' side of the cookie catalogue: every write locks the site's row first, so that two
// admins (or an import and an edit) take turns and an import can tell that the catalogue it
// previewed is still the one it changes. Nothing is deleted: cases name cookies.

// ErrCatalogueChanged refuses an import whose preview was computed against another state of the
// catalogue than the current one.
var ErrCatalogueChanged = errors.New("the cookie catalogue changed since the preview")

// cookieColumns are the columns an admin sets.
var cookieColumns = []string{"name", "provider", "party", "category", "purpose", "purpose_language", "purposes",
	"lifetime_kind", "lifetime_amount", "lifetime_unit", "lifetime_max_amount", "lifetime_max_unit", "lifetime_text", "identifying",
	"unnamed", "opt_out_url"}

// AllCookies returns every cookie of the site: the live ones in the policy's order, then the
// retired ones.
func (s *Store) AllCookies(ctx context.Context, siteID int64) ([]Cookie, error) {
	var cs []Cookie
	err := s.conn(ctx).Where("site_id = ?", siteID).
		Order("CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END, position, id").Find(&cs).Error
	return cs, err
}

// CookieByID returns one cookie of the site; another site's is ErrNotFound.
func (s *Store) CookieByID(ctx context.Context, siteID, id int64) (Cookie, error) {
	var c Cookie
	err := s.conn(ctx).Where("site_id = ? AND id = ?", siteID, id).First(&c).Error
	return c, notFound(err)
}

// lockSite holds the site's row until the transaction ends: catalogue writes of one site queue.
func (s *Store) lockSite(ctx context.Context, siteID int64) error {
	var site Site
	return notFound(s.forUpdate(s.conn(ctx)).Select("id").Where("id = ?", siteID).Take(&site).Error)
}

// nameTaken reports whether another cookie of the site (retired or not) has the name.
func (s *Store) nameTaken(ctx context.Context, siteID, exceptID int64, name string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&Cookie{}).Where("site_id = ? AND name = ? AND id <> ?", siteID, name, exceptID).Count(&n).Error
	return n > 0, err
}

func (s *Store) nextPosition(ctx context.Context, siteID int64) (int, error) {
	var p int
	err := s.conn(ctx).Model(&Cookie{}).Where("site_id = ?", siteID).Select("COALESCE(MAX(position), 0)").Scan(&p).Error
	return p + 1, err
}

// AddCookie appends c to its site's catalogue. A name the site already has, retired or not, is
// ErrDuplicate: a retired cookie is restored, not added twice.
func (s *Store) AddCookie(ctx context.Context, c *Cookie) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSite(ctx, c.SiteID); err != nil {
			return err
		}
		if taken, err := tx.nameTaken(ctx, c.SiteID, 0, c.Name); err != nil || taken {
			return cmp.Or(err, fmt.Errorf("cookie %w", ErrDuplicate))
		}
		pos, err := tx.nextPosition(ctx, c.SiteID)
		if err != nil {
			return err
		}
		c.ID, c.Position, c.RetiredAt = 0, pos, nil
		return tx.conn(ctx).Create(c).Error
	})
}

// UpdateCookie changes the fields an admin sets of cookie c.ID of site c.SiteID; position and
// retirement stay. Renaming it to another cookie's name is ErrDuplicate.
func (s *Store) UpdateCookie(ctx context.Context, c Cookie) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSite(ctx, c.SiteID); err != nil {
			return err
		}
		if _, err := tx.CookieByID(ctx, c.SiteID, c.ID); err != nil {
			return err
		}
		if taken, err := tx.nameTaken(ctx, c.SiteID, c.ID, c.Name); err != nil || taken {
			return cmp.Or(err, fmt.Errorf("cookie %w", ErrDuplicate))
		}
		return tx.updateCookie(ctx, c, cookieColumns...)
	})
}

func (s *Store) updateCookie(ctx context.Context, c Cookie, cols ...string) error {
	if c.Purposes == nil {
		c.Purposes = Translations{}
	}
	cols = append(cols, "updated_at")
	res := s.conn(ctx).Model(&c).Where("site_id = ?", c.SiteID).Select(cols).Updates(&c)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}

// RetireCookie takes a cookie out of the live catalogue; the row stays for the cases naming it.
// Retiring a retired cookie changes nothing.
func (s *Store) RetireCookie(ctx context.Context, siteID, id int64, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSite(ctx, siteID); err != nil {
			return err
		}
		c, err := tx.CookieByID(ctx, siteID, id)
		if err != nil || c.RetiredAt != nil {
			return err
		}
		c.RetiredAt = &now
		return tx.updateCookie(ctx, c, "retired_at")
	})
}

// RestoreCookie brings a retired cookie back, at the end of the catalogue.
func (s *Store) RestoreCookie(ctx context.Context, siteID, id int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSite(ctx, siteID); err != nil {
			return err
		}
		c, err := tx.CookieByID(ctx, siteID, id)
		if err != nil || c.RetiredAt == nil {
			return err
		}
		if c.Position, err = tx.nextPosition(ctx, siteID); err != nil {
			return err
		}
		c.RetiredAt = nil
		return tx.updateCookie(ctx, c, "retired_at", "position")
	})
}

// ApplyCatalogue makes want (in order) the site's live catalogue in one transaction: cookies are
// added, changed or restored by name, and live ones missing from want are retired. It refuses
// with ErrCatalogueChanged when the catalogue's fingerprint is no longer the one the preview saw.
func (s *Store) ApplyCatalogue(ctx context.Context, siteID int64, fingerprint string, want []Cookie, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.lockSite(ctx, siteID); err != nil {
			return err
		}
		current, err := tx.AllCookies(ctx, siteID)
		if err != nil {
			return err
		}
		if CatalogueFingerprint(current) != fingerprint {
			return ErrCatalogueChanged
		}
		byName := make(map[string]Cookie, len(current))
		for _, c := range current {
			byName[c.Name] = c
		}
		keep := make(map[string]bool, len(want))
		for i, w := range want {
			w.SiteID, w.Position, w.RetiredAt = siteID, i+1, nil
			keep[w.Name] = true
			old, ok := byName[w.Name]
			if !ok {
				w.ID = 0
				if err := tx.conn(ctx).Create(&w).Error; err != nil {
					return err
				}
				continue
			}
			w.ID = old.ID
			if fingerprintRow(old) == fingerprintRow(w) {
				continue
			}
			if err := tx.updateCookie(ctx, w, append(cookieColumns, "position", "retired_at")...); err != nil {
				return err
			}
		}
		for _, c := range current {
			if c.RetiredAt == nil && !keep[c.Name] {
				c.RetiredAt = &now
				if err := tx.updateCookie(ctx, c, "retired_at"); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// SortCookies returns the cookies in the catalogue's order (position, then id), live or not.
func SortCookies(cs []Cookie) []Cookie {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b Cookie) int { return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID)) })
	return out
}

// canonicalCookie is what a fingerprint covers: every field an admin or an import sets, the
// order and the retirement; not the timestamps.
type canonicalCookie struct {
	ID              int64             `json:"id"`
	Position        int               `json:"position"`
	Name            string            `json:"name"`
	Provider        string            `json:"provider"`
	Party           string            `json:"party"`
	Category        string            `json:"category"`
	Purpose         string            `json:"purpose"`
	PurposeLanguage string            `json:"purpose_language"`
	Purposes        map[string]string `json:"purposes"`
	Lifetime        lifetime.Lifetime `json:"lifetime"`
	Identifying     bool              `json:"identifying"`
	Unnamed         bool              `json:"unnamed,omitempty"`
	OptOutURL       string            `json:"opt_out_url"`
	Retired         bool              `json:"retired"`
}

func canonical(c Cookie) canonicalCookie {
	p := map[string]string{}
	for k, v := range c.Purposes {
		if v != "" {
			p[k] = v
		}
	}
	return canonicalCookie{ID: c.ID, Position: c.Position, Name: c.Name, Provider: c.Provider, Party: c.Party,
		Category: c.Category, Purpose: c.Purpose, PurposeLanguage: c.PurposeLanguage, Purposes: p, Lifetime: c.Lifetime,
		Identifying: c.Identifying, Unnamed: c.Unnamed, OptOutURL: c.OptOutURL, Retired: c.RetiredAt != nil}
}

// fingerprintRow compares two states of one cookie.
func fingerprintRow(c Cookie) string {
	b, _ := json.Marshal(canonical(c))
	return string(b)
}

// CatalogueFingerprint is the SHA-256 of a catalogue's canonical JSON (every cookie, retired ones
// included, by id): equal fingerprints, equal catalogues.
func CatalogueFingerprint(cs []Cookie) string {
	rows := make([]canonicalCookie, len(cs))
	for i, c := range cs {
		rows[i] = canonical(c)
	}
	slices.SortFunc(rows, func(a, b canonicalCookie) int { return cmp.Compare(a.ID, b.ID) })
	b, _ := json.Marshal(rows)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
