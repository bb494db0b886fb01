package models

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"rightsdesk/token"
)

// API keys look like rdk_<prefix>_<secret>: the prefix names the key in lists and logs without
// revealing it, the secret carries 256 random bits. Both are lowercase base32, so a key survives
// copy-paste, shells and headers unquoted, and "_" only ever separates the parts.
const (
	apiKeyPrefixBytes = 5  // 8 characters
	apiKeySecretBytes = 32 // 52 characters
	apiKeyMaxLen      = 128
	apiKeyLabelMaxLen = 200
)

var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func randomBase32(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather than return short reads since Go 1.24)
	return lowerBase32.EncodeToString(b)
}

// CreateSiteAPIKey makes a key for the site and returns it in plain, once: only its SHA-256 is kept.
func (s *Store) CreateSiteAPIKey(ctx context.Context, siteID int64, label string, now time.Time) (string, SiteAPIKey, error) {
	label = strings.TrimSpace(label)
	if len(label) > apiKeyLabelMaxLen {
		label = truncate(label, apiKeyLabelMaxLen)
	}
	prefix := randomBase32(apiKeyPrefixBytes)
	plain := "rdk_" + prefix + "_" + randomBase32(apiKeySecretBytes)
	k := SiteAPIKey{SiteID: siteID, Label: label, Prefix: prefix, KeyHash: token.Hash(plain), CreatedAt: now.UTC()}
	if err := s.conn(ctx).Create(&k).Error; err != nil {
		return "", SiteAPIKey{}, fmt.Errorf("create API key: %w", err)
	}
	return plain, k, nil
}

// SiteAPIKeys returns all the site's keys, revoked ones included, newest first.
func (s *Store) SiteAPIKeys(ctx context.Context, siteID int64) ([]SiteAPIKey, error) {
	var ks []SiteAPIKey
	err := s.conn(ctx).Where("site_id = ?", siteID).Order("created_at DESC, id DESC").Find(&ks).Error
	return ks, err
}

// RevokeSiteAPIKey stops the site's key id from opening anything from now on. Revoking twice keeps
// the first time; a key of another site is ErrNotFound.
func (s *Store) RevokeSiteAPIKey(ctx context.Context, siteID, id int64, now time.Time) error {
	var k SiteAPIKey
	if err := s.conn(ctx).Where("site_id = ? AND id = ?", siteID, id).First(&k).Error; err != nil {
		return notFound(err)
	}
	return s.conn(ctx).Model(&SiteAPIKey{}).
		Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", now.UTC()).Error
}

// SiteAPIKeyFor returns the live key whose plain text is plain, or ErrNotFound (unknown, revoked or
// not a key at all). The lookup is by hash, so no comparison leaks the key's characters.
func (s *Store) SiteAPIKeyFor(ctx context.Context, plain string) (SiteAPIKey, error) {
	if plain == "" || len(plain) > apiKeyMaxLen || !strings.HasPrefix(plain, "rdk_") {
		return SiteAPIKey{}, ErrNotFound
	}
	var k SiteAPIKey
	err := s.conn(ctx).Where("key_hash = ? AND revoked_at IS NULL", token.Hash(plain)).First(&k).Error
	return k, notFound(err)
}

// MarkSiteAPIKeyUsed records when a key last opened the API, for the admin's list. At most once a
// minute per key, so that a busy client does not turn every read into a write.
func (s *Store) MarkSiteAPIKeyUsed(ctx context.Context, id int64, now time.Time) error {
	now = now.UTC()
	return s.conn(ctx).Model(&SiteAPIKey{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, now.Add(-time.Minute)).
		Update("last_used_at", now).Error
}
