package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"rightsdesk/seal"
)

// siteSecretBytes is the entropy of a signing or webhook secret: 256 bits, the size of HMAC-SHA256's
// output, so the key is never the weak part.
const siteSecretBytes = 32

func randomSecret() string {
	b := make([]byte, siteSecretBytes)
	rand.Read(b) // never fails (crypto/rand panics rather than return short reads since Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateSiteSecret adds a live signing secret to the site, beside the ones it has: the site moves
// its back end to the new one, then the admin retires the old one.
func (s *Store) CreateSiteSecret(ctx context.Context, siteID int64, now time.Time) (SiteSecret, error) {
	// Key ids are unique across sites, so a token names exactly one secret; lowercase base32 keeps
	// them free of the "." that separates a token's parts.
	plain := randomSecret()
	sec := SiteSecret{SiteID: siteID, KeyID: randomBase32(10), Secret: s.sealed(purposeSiteSecret, plain), CreatedAt: now.UTC()}
	if err := s.conn(ctx).Create(&sec).Error; err != nil {
		return SiteSecret{}, fmt.Errorf("create site secret: %w", err)
	}
	sec.Secret = plain // for the admin to copy, once
	return sec, nil
}

// SiteSecrets returns all the site's signing secrets, retired ones included, newest first, without
// the secrets themselves (which are shown once, when created).
func (s *Store) SiteSecrets(ctx context.Context, siteID int64) ([]SiteSecret, error) {
	var ss []SiteSecret
	err := s.conn(ctx).Omit("secret").Where("site_id = ?", siteID).Order("created_at DESC, id DESC").Find(&ss).Error
	return ss, err
}

// LiveSiteSecret returns the HMAC key of the site's live secret keyID — the secret's text as the
// admin copied it — and false when the site has no such live secret: unknown, retired or another
// site's.
func (s *Store) LiveSiteSecret(ctx context.Context, siteID int64, keyID string) ([]byte, bool, error) {
	var ss []SiteSecret
	err := s.conn(ctx).Where("site_id = ? AND key_id = ? AND retired_at IS NULL", siteID, keyID).Limit(1).Find(&ss).Error
	if err != nil || len(ss) == 0 {
		return nil, false, err
	}
	plain, err := s.opened(purposeSiteSecret, ss[0].Secret)
	if err != nil {
		return nil, false, fmt.Errorf("site secret %s: %w", keyID, err)
	}
	return []byte(plain), true, nil
}

// RetireSiteSecret stops the site's secret id from vouching for any link, those already handed out
// included. Retiring twice keeps the first time; another site's secret is ErrNotFound.
func (s *Store) RetireSiteSecret(ctx context.Context, siteID, id int64, now time.Time) error {
	var sec SiteSecret
	if err := s.conn(ctx).Where("site_id = ? AND id = ?", siteID, id).First(&sec).Error; err != nil {
		return notFound(err)
	}
	return s.conn(ctx).Model(&SiteSecret{}).
		Where("id = ? AND retired_at IS NULL", id).
		Update("retired_at", now.UTC()).Error
}

// SetWebhook sets the site's webhook URL with a fresh signing secret, which it returns for the admin
// to copy once; setting the same URL again rotates the secret. An empty url removes the webhook and
// its secret.
func (s *Store) SetWebhook(ctx context.Context, siteID int64, url string) (string, error) {
	secret, stored := "", ""
	if url != "" {
		secret = randomSecret()
		stored = s.sealed(purposeWebhookSecret, secret)
	}
	res := s.conn(ctx).Model(&Site{}).Where("id = ?", siteID).
		Updates(map[string]any{"webhook_url": url, "webhook_secret": stored, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		return "", ErrNotFound
	}
	return secret, nil
}

// The columns whose values are sealed, each its own purpose: a value moved to another column does
// not open.
const (
	purposeSiteSecret    = "site_secrets.secret"
	purposeWebhookSecret = "sites.webhook_secret"
)

// SetSeal makes the store seal the secrets it writes and open those it reads (package seal);
// without it they are stored as they are (tests of other concerns).
func (s *Store) SetSeal(b *seal.Box) { s.seal = b }

func (s *Store) sealed(purpose, plain string) string {
	if s.seal == nil {
		return plain
	}
	return s.seal.Seal(purpose, plain)
}

func (s *Store) opened(purpose, stored string) (string, error) {
	if s.seal == nil {
		if seal.Sealed(stored) {
			return "", seal.ErrUnknownKey
		}
		return stored, nil
	}
	return s.seal.Open(purpose, stored)
}

// WebhookSecret returns the secret that signs the calls to site's webhook.
func (s *Store) WebhookSecret(site Site) (string, error) {
	return s.opened(purposeWebhookSecret, site.WebhookSecret)
}

// ResealSecrets seals under the current key every secret stored before sealing or under a previous
// key (after a rotation of RIGHTSDESK_SECRET), and returns how many it sealed. A secret sealed under
// a key the store does not hold is an error: the deployment lost a key it needs.
func (s *Store) ResealSecrets(ctx context.Context) (int, error) {
	if s.seal == nil {
		return 0, nil
	}
	n := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		var secrets []SiteSecret
		if err := tx.conn(ctx).Find(&secrets).Error; err != nil {
			return err
		}
		for _, sec := range secrets {
			if !s.seal.Stale(sec.Secret) {
				continue
			}
			plain, err := s.seal.Open(purposeSiteSecret, sec.Secret)
			if err != nil {
				return fmt.Errorf("signing secret %s of site %d: %w", sec.KeyID, sec.SiteID, err)
			}
			if err := tx.conn(ctx).Model(&SiteSecret{}).Where("id = ?", sec.ID).Update("secret", s.seal.Seal(purposeSiteSecret, plain)).Error; err != nil {
				return err
			}
			n++
		}
		var sites []Site
		if err := tx.conn(ctx).Select("id", "webhook_secret").Where("webhook_secret <> ''").Find(&sites).Error; err != nil {
			return err
		}
		for _, site := range sites {
			if !s.seal.Stale(site.WebhookSecret) {
				continue
			}
			plain, err := s.seal.Open(purposeWebhookSecret, site.WebhookSecret)
			if err != nil {
				return fmt.Errorf("webhook secret of site %d: %w", site.ID, err)
			}
			if err := tx.conn(ctx).Model(&Site{}).Where("id = ?", site.ID).Update("webhook_secret", s.seal.Seal(purposeWebhookSecret, plain)).Error; err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
