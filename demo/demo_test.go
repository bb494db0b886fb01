package demo_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/demo"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

var spaces = regexp.MustCompile(`\s+`)

func normalise(s string) string { return spaces.ReplaceAllString(s, " ") }

// TestSeedRowsAreThePublishedOnes checks the transcription: every cookie name and purpose of
// seeds.json appears, word for word, in the published policy (kept in testdata/).
func TestSeedRowsAreThePublishedOnes(t *testing.T) {
	seed, err := demo.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	// The rows of the two published tables, and the cookies each policy describes in prose without
	// naming them (ESOMUS §6: partners' targeting cookies; itsme §3: analytics and marketing
	// cookies, social networks' pixels).
	want := map[string]int{"esomus": 6 + 1, "itsme": 17 + 3}
	// ESOMUS §8 gives its persistent cookies "entre un (1) jour et cinq (5) ans": kept as a range.
	ranges := map[string]string{"1 jour à 5 ans": "entre un (1) jour et cinq (5) ans"}
	for _, c := range seed.Controllers {
		raw, err := os.ReadFile("testdata/" + c.SeedFile)
		if err != nil {
			t.Fatal(err)
		}
		policy := normalise(string(raw))
		// The PDF extraction broke one name over two lines.
		policy = strings.ReplaceAll(policy, "_help_center_sessi on", "_help_center_session")
		for _, s := range c.Sites {
			if len(s.Cookies) != want[s.Slug] {
				t.Errorf("%s: %d cookies, the policy lists %d", s.Slug, len(s.Cookies), want[s.Slug])
			}
			for _, ck := range s.Cookies {
				if !ck.Unnamed && !strings.Contains(policy, ck.Name) {
					t.Errorf("%s: cookie %q is not in the policy", s.Slug, ck.Name)
				}
				if !strings.Contains(policy, normalise(ck.Purpose)) {
					t.Errorf("%s: the purpose of %q is not the published text", s.Slug, ck.Name)
				}
				// ESOMUS's table gives the lifetime inside its type column ("Cookie d'origine persistant").
				published := ck.Lifetime
				if r, ok := ranges[published]; ok {
					published = r
				}
				if !strings.Contains(strings.ToLower(policy), strings.ToLower(published)) {
					t.Errorf("%s: the lifetime %q of %q is not in the policy", s.Slug, ck.Lifetime, ck.Name)
				}
			}
		}
		if !strings.Contains(policy, c.CompanyNumber) || !strings.Contains(policy, c.ContactEmail) {
			t.Errorf("%s: company number or contact not from the policy", c.Slug)
		}
	}
}

func TestLoadIsCompleteAndIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		cfg := cases.Config{BaseURL: "http://demo.test", MailFrom: "Rightsdesk <no-reply@demo.test>", Secret: []byte("demo-test-secret-0123")}
		now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		sum, err := demo.Load(ctx, st, cfg, now)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Controllers != 2 || sum.Sites != 2 || sum.Cookies != 27 || sum.SampleCases != 10 || len(sum.Logins) != 4 {
			t.Fatalf("summary %+v", sum)
		}
		again, err := demo.Load(ctx, st, cfg, now)
		if err != nil {
			t.Fatal(err)
		}
		if again.SampleCases != 0 {
			t.Errorf("a second load added %d sample cases", again.SampleCases)
		}
		n, _ := st.CountCases(ctx)
		if n != 10 {
			t.Errorf("%d cases after two loads, want 10", n)
		}
		cs, _ := st.Controllers(ctx)
		if len(cs) != 2 {
			t.Fatalf("%d controllers after two loads", len(cs))
		}
		itsme, _ := st.SiteBySlug(ctx, "itsme")
		cookies, _ := st.Cookies(ctx, itsme.ID)
		if len(cookies) != 20 || cookies[0].Name != "CookieConsent" || cookies[16].Name != "zte2095" || !cookies[19].Unnamed {
			t.Errorf("itsme catalogue: %d rows", len(cookies))
		}
		// Every lifetime of both tables is read; itsme's bare "365" by the site's rule, in days.
		esomus, _ := st.SiteBySlug(ctx, "esomus")
		esomusCookies, _ := st.Cookies(ctx, esomus.ID)
		for _, c := range append(cookies, esomusCookies...) {
			if c.Unnamed && c.Lifetime.Text == "" {
				continue // a policy that names no cookie gives no lifetime either
			}
			if !c.Lifetime.Stated() || c.Lifetime.Text == "" {
				t.Errorf("%s: lifetime %+v not read", c.Name, c.Lifetime)
			}
		}
		if l := cookies[0].Lifetime; l != (lifetime.Lifetime{Kind: lifetime.Duration, Amount: 365, Unit: lifetime.Day, Text: "365"}) {
			t.Errorf("CookieConsent's lifetime: %+v", l)
		}
		if l := esomusCookies[4].Lifetime; esomusCookies[4].Name != "UID" || !l.Same(lifetime.NewRange(1, lifetime.Day, 5, lifetime.Year)) {
			t.Errorf("UID's lifetime: %+v, want ESOMUS's 1 day to 5 years", l)
		}
		if !itsme.ConsentBanner || esomus.ConsentBanner || !strings.Contains(esomus.WithdrawalHow, "Mon compte") {
			t.Errorf("banner and statement: itsme %v, esomus %v %q", itsme.ConsentBanner, esomus.ConsentBanner, esomus.WithdrawalHow)
		}
		statuses := map[dsr.Status]int{}
		for i := int64(1); i <= 10; i++ {
			c, err := st.CaseByID(ctx, i)
			if err != nil {
				t.Fatal(err)
			}
			statuses[c.Status]++
		}
		want := map[dsr.Status]int{dsr.StatusUnverified: 1, dsr.StatusOpen: 1, dsr.StatusInProgress: 3, dsr.StatusAwaitingRequester: 1,
			dsr.StatusCompleted: 1, dsr.StatusRefused: 1, dsr.StatusWithdrawn: 1, dsr.StatusExpired: 1}
		for s, n := range want {
			if statuses[s] != n {
				t.Errorf("%d sample cases %s, want %d (all: %v)", statuses[s], s, n, statuses)
			}
		}
		u, err := st.UserByEmail(ctx, demo.Logins[0].Email)
		if err != nil || u.Role != models.RoleAdmin {
			t.Errorf("demo admin: %+v %v", u, err)
		}
	})
}

// TestSeedLifetimeRule: only a site with a rule reads a bare number, in the rule's unit.
func TestSeedLifetimeRule(t *testing.T) {
	if l, err := demo.SeedLifetime("itsme", "365"); err != nil || l != (lifetime.Lifetime{Kind: lifetime.Duration, Amount: 365, Unit: lifetime.Day, Text: "365"}) {
		t.Errorf("itsme 365: %+v %v", l, err)
	}
	if _, err := demo.SeedLifetime("esomus", "365"); !errors.Is(err, lifetime.ErrNoUnit) {
		t.Errorf("esomus has no rule, yet 365 is read: %v", err)
	}
	if l, err := demo.SeedLifetime("itsme", "1 Heure"); err != nil || l.Unit != lifetime.Hour {
		t.Errorf("a written unit: %+v %v", l, err)
	}
}
