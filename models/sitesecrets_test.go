package models_test

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/seal"
)

// newSite creates a controller and a site named slug.
func newSite(t testing.TB, st *models.Store, slug string) models.Site {
	t.Helper()
	ctx := context.Background()
	ctrl := models.Controller{Slug: slug, Name: "Controller " + slug, Country: "BE", TimeZone: "Europe/Brussels",
		LeadAuthority: "BE", DefaultLanguage: "fr"}
	if err := st.SaveController(ctx, &ctrl); err != nil {
		t.Fatal(err)
	}
	site := models.Site{ControllerID: ctrl.ID, Slug: slug, Name: "Site " + slug, Domain: slug + ".example"}
	if err := st.SaveSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	return site
}

func TestSiteSecretsRotate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		a, b := newSite(t, st, "sa"), newSite(t, st, "sb")
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

		old, err := st.CreateSiteSecret(ctx, a.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(old.Secret)
		if err != nil || len(raw) != 32 {
			t.Fatalf("secret %d bytes, %v; want 32 random bytes in base64url", len(raw), err)
		}
		if !regexp.MustCompile(`^[a-z2-7]{16}$`).MatchString(old.KeyID) {
			t.Errorf("key id %q", old.KeyID)
		}
		neu, err := st.CreateSiteSecret(ctx, a.ID, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if neu.KeyID == old.KeyID || neu.Secret == old.Secret {
			t.Fatal("two secrets share a key id or a secret")
		}
		other, err := st.CreateSiteSecret(ctx, b.ID, t0)
		if err != nil {
			t.Fatal(err)
		}

		live := func(site models.Site, keyID string) (string, bool) {
			t.Helper()
			k, ok, err := st.LiveSiteSecret(ctx, site.ID, keyID)
			if err != nil {
				t.Fatal(err)
			}
			return string(k), ok
		}
		// During rotation both secrets vouch; the key is the secret's text as the admin copied it.
		if k, ok := live(a, old.KeyID); !ok || k != old.Secret {
			t.Errorf("old secret not live during rotation: %v", ok)
		}
		if k, ok := live(a, neu.KeyID); !ok || k != neu.Secret {
			t.Errorf("new secret not live: %v", ok)
		}
		if _, ok := live(a, other.KeyID); ok {
			t.Error("site a can use site b's secret")
		}
		if _, ok := live(a, "nosuchkey"); ok {
			t.Error("unknown key id is live")
		}

		list, err := st.SiteSecrets(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != neu.ID || list[1].ID != old.ID {
			t.Fatalf("SiteSecrets not newest first or not scoped to the site: %+v", list)
		}

		// Another site cannot retire a's secret.
		if err := st.RetireSiteSecret(ctx, b.ID, old.ID, t0); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("retire another site's secret: %v", err)
		}
		retiredAt := t0.Add(2 * time.Hour)
		if err := st.RetireSiteSecret(ctx, a.ID, old.ID, retiredAt); err != nil {
			t.Fatal(err)
		}
		if err := st.RetireSiteSecret(ctx, a.ID, old.ID, retiredAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, ok := live(a, old.KeyID); ok {
			t.Error("a retired secret is still live")
		}
		if _, ok := live(a, neu.KeyID); !ok {
			t.Error("retiring the old secret retired the new one")
		}
		list, _ = st.SiteSecrets(ctx, a.ID)
		if list[1].RetiredAt == nil || !list[1].RetiredAt.Equal(retiredAt) {
			t.Errorf("retired at %v, want the first retirement %v", list[1].RetiredAt, retiredAt)
		}
	})
}

func TestSetWebhook(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := newSite(t, st, "wh")
		s1, err := st.SetWebhook(ctx, site.ID, "https://wh.example/hook")
		if err != nil || len(s1) != 43 {
			t.Fatalf("secret %q, %v", s1, err)
		}
		got, _ := st.SiteBySlug(ctx, "wh")
		if got.WebhookURL != "https://wh.example/hook" || got.WebhookSecret != s1 {
			t.Fatalf("stored %q / secret matches: %v", got.WebhookURL, got.WebhookSecret == s1)
		}
		s2, err := st.SetWebhook(ctx, site.ID, "https://wh.example/hook")
		if err != nil || s2 == s1 || s2 == "" {
			t.Fatalf("setting the URL again did not rotate the secret: %v", err)
		}
		if _, err := st.SetWebhook(ctx, site.ID, ""); err != nil {
			t.Fatal(err)
		}
		got, _ = st.SiteBySlug(ctx, "wh")
		if got.WebhookURL != "" || got.WebhookSecret != "" {
			t.Error("removing the webhook kept its URL or secret")
		}
		if _, err := st.SetWebhook(ctx, 999999, "https://x.example/"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown site: %v", err)
		}
	})
}

func TestSiteAPIKeys(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		a, b := newSite(t, st, "ka"), newSite(t, st, "kb")
		t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

		plain, k, err := st.CreateSiteAPIKey(ctx, a.ID, "  CRM sync  ", t0)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^rdk_[a-z2-7]{8}_[a-z2-7]{52}$`).MatchString(plain) {
			t.Fatalf("key %q", plain)
		}
		if !strings.HasPrefix(plain, "rdk_"+k.Prefix+"_") || k.Label != "CRM sync" {
			t.Errorf("prefix %q label %q", k.Prefix, k.Label)
		}
		if k.KeyHash == plain || strings.Contains(k.KeyHash, plain[13:]) || len(k.KeyHash) != 64 {
			t.Errorf("the key is stored in a recoverable form: %q", k.KeyHash)
		}
		plainB, _, err := st.CreateSiteAPIKey(ctx, b.ID, "", t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}

		got, err := st.SiteAPIKeyFor(ctx, plain)
		if err != nil || got.ID != k.ID || got.SiteID != a.ID {
			t.Fatalf("SiteAPIKeyFor: %+v, %v", got, err)
		}
		if got, err := st.SiteAPIKeyFor(ctx, plainB); err != nil || got.SiteID != b.ID {
			t.Fatalf("site b's key: %+v, %v", got, err)
		}
		for _, bad := range []string{"", plain + "x", plain[:len(plain)-1], strings.ToUpper(plain), k.KeyHash, "rdk_" + k.Prefix} {
			if _, err := st.SiteAPIKeyFor(ctx, bad); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("SiteAPIKeyFor(%q): %v, want ErrNotFound", bad, err)
			}
		}

		if err := st.MarkSiteAPIKeyUsed(ctx, k.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		list, err := st.SiteAPIKeys(ctx, a.ID)
		if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("SiteAPIKeys: %+v, %v", list, err)
		}

		if err := st.RevokeSiteAPIKey(ctx, b.ID, k.ID, t0); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("site b revoked site a's key: %v", err)
		}
		if err := st.RevokeSiteAPIKey(ctx, a.ID, k.ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SiteAPIKeyFor(ctx, plain); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("a revoked key still opens the API: %v", err)
		}
		if _, err := st.SiteAPIKeyFor(ctx, plainB); err != nil {
			t.Errorf("revoking a's key revoked b's: %v", err)
		}
		list, _ = st.SiteAPIKeys(ctx, a.ID)
		if list[0].RevokedAt == nil {
			t.Error("revocation not listed")
		}
	})
}

// TestSecretsAreSealedAtRest: a site's signing and webhook secrets are stored sealed (AES-GCM under
// a key derived from the deployment's secret): the database holds neither, the store opens them,
// secrets stored before sealing or under a previous key are sealed again under the current one,
// and a secret under a key the deployment lost is reported, never used.
func TestSecretsAreSealedAtRest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := newSite(t, st, "sealed")
		raw := func(query string, args ...any) string {
			db, _ := st.SQLDB()
			var v string
			if st.Dialect() == models.Postgres {
				query = strings.Replace(query, "?", "$1", 1)
			}
			if err := db.QueryRowContext(ctx, query, args...).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		// Before sealing existed: stored as they are.
		legacy, err := st.CreateSiteSecret(ctx, site.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		legacyHook, err := st.SetWebhook(ctx, site.ID, "https://wh.example/hook")
		if err != nil {
			t.Fatal(err)
		}

		old, _ := seal.New([]byte("the first deployment secret, 32 chars+"))
		st.SetSeal(old)
		if n, err := st.ResealSecrets(ctx); err != nil || n != 2 {
			t.Fatalf("reseal the plain secrets: %d %v", n, err)
		}
		if n, _ := st.ResealSecrets(ctx); n != 0 {
			t.Errorf("a second reseal sealed %d", n)
		}
		fresh, err := st.CreateSiteSecret(ctx, site.ID, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range []models.SiteSecret{legacy, fresh} {
			stored := raw("SELECT secret FROM site_secrets WHERE key_id = ?", sec.KeyID)
			if !seal.Sealed(stored) || strings.Contains(stored, sec.Secret) {
				t.Errorf("secret %s stored as %q", sec.KeyID, stored)
			}
			if got, ok, err := st.LiveSiteSecret(ctx, site.ID, sec.KeyID); err != nil || !ok || string(got) != sec.Secret {
				t.Errorf("secret %s opens as %q %v %v", sec.KeyID, got, ok, err)
			}
		}
		if list, _ := st.SiteSecrets(ctx, site.ID); len(list) != 2 || list[0].Secret != "" {
			t.Errorf("the list carries the secrets: %+v", list)
		}
		if stored := raw("SELECT webhook_secret FROM sites WHERE id = ?", site.ID); !seal.Sealed(stored) || strings.Contains(stored, legacyHook) {
			t.Errorf("webhook secret stored as %q", stored)
		}
		s, _ := st.SiteByID(ctx, site.ID)
		if got, err := st.WebhookSecret(s); err != nil || got != legacyHook {
			t.Errorf("webhook secret opens as %q %v", got, err)
		}

		// Rotation: the new secret with the old one as previous opens everything and reseals it.
		rotated, _ := seal.New([]byte("the second deployment secret, 32 chars"), []byte("the first deployment secret, 32 chars+"))
		st.SetSeal(rotated)
		if n, err := st.ResealSecrets(ctx); err != nil || n != 3 {
			t.Fatalf("reseal after rotation: %d %v", n, err)
		}
		only, _ := seal.New([]byte("the second deployment secret, 32 chars"))
		st.SetSeal(only)
		if got, ok, err := st.LiveSiteSecret(ctx, site.ID, fresh.KeyID); err != nil || !ok || string(got) != fresh.Secret {
			t.Errorf("after rotation: %q %v %v", got, ok, err)
		}
		// A deployment that lost the key: reported, not used.
		lost, _ := seal.New([]byte("a third secret that sealed nothing here"))
		st.SetSeal(lost)
		if _, err := st.ResealSecrets(ctx); !errors.Is(err, seal.ErrUnknownKey) {
			t.Errorf("reseal without the key: %v", err)
		}
		if _, _, err := st.LiveSiteSecret(ctx, site.ID, fresh.KeyID); !errors.Is(err, seal.ErrUnknownKey) {
			t.Errorf("open without the key: %v", err)
		}
	})
}
