package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
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
	sec := SiteSecret{SiteID: siteID, KeyID: randomBase32(10), Secret: randomSecret(), CreatedAt: now.UTC()}
	if err := s.conn(ctx).Create(&sec).Error; err != nil {
		return SiteSecret{}, fmt.Errorf("create site secret: %w", err)
	}
	return sec, nil
}

// SiteSecrets returns all the site's signing secrets, retired ones included, newest first.
func (s *Store) SiteSecrets(ctx context.Context, siteID int64) ([]SiteSecret, error) {
	var ss []SiteSecret
	err := s.conn(ctx).Where("site_id = ?", siteID).Order("created_at DESC, id DESC").Find(&ss).Error
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
	return []byte(ss[0].Secret), true, nil
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
	secret := ""
	if url != "" {
		secret = randomSecret()
	}
	res := s.conn(ctx).Model(&Site{}).Where("id = ?", siteID).
		Updates(map[string]any{"webhook_url": url, "webhook_secret": secret, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return "", res.Error
	}
	if res.RowsAffected == 0 {
		return "", ErrNotFound
	}
	return secret, nil
}
