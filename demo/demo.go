// Package demo loads the demo data: the two seed controllers (ESOMUS; Belgian Mobile ID) with
// every row of their published cookie tables (seeds.json, transcribed from the policies kept in
// testdata/), a demo admin, and sample requests across the states the visitor's side can reach.
// Loading twice changes nothing.
package demo

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/lifetime"
	"rightsdesk/models"
	"rightsdesk/password"
)

//go:embed seeds.json
var seedJSON []byte

// Seed is the shape of seeds.json.
type Seed struct {
	Controllers []struct {
		Slug            string `json:"slug"`
		Name            string `json:"name"`
		Address         string `json:"address"`
		Country         string `json:"country"`
		CompanyNumber   string `json:"company_number"`
		ContactEmail    string `json:"contact_email"`
		Phone           string `json:"phone"`
		ContactURL      string `json:"contact_url"`
		PrivacyURL      string `json:"privacy_url"`
		TimeZone        string `json:"time_zone"`
		LeadAuthority   string `json:"lead_authority"`
		DefaultLanguage string `json:"default_language"`
		SeedFile        string `json:"seed"`
		Sites           []struct {
			Slug           string        `json:"slug"`
			Name           string        `json:"name"`
			Domain         string        `json:"domain"`
			PolicyURL      string        `json:"policy_url"`
			PolicyVersion  deadline.Date `json:"policy_version"`
			PolicyLanguage string        `json:"policy_language"`
			// ConsentBanner: the policy offers a cookie banner to give or change consent;
			// WithdrawalHow is its own statement of how to withdraw or give consent again.
			ConsentBanner bool         `json:"consent_banner"`
			WithdrawalHow string       `json:"withdrawal_how"`
			Cookies       []SeedCookie `json:"cookies"`
		} `json:"sites"`
	} `json:"controllers"`
}

// SeedCookie is one row of a published cookie table.
type SeedCookie struct {
	Name        string `json:"name"`
	Provider    string `json:"provider"`
	Party       string `json:"party"`
	Category    string `json:"category"`
	Purpose     string `json:"purpose"`
	Lifetime    string `json:"lifetime"`
	Identifying bool   `json:"identifying"`
	// Unnamed: the policy describes these cookies in prose without publishing their names (a
	// partner's targeting cookies, social networks' pixels); Name says what they are.
	Unnamed bool `json:"unnamed"`
	// Where a third-party provider processes the data, the import's keys: every row of a
	// provider states the same (seedProviders).
	ProviderCountry       string `json:"provider_country"`
	TransferSafeguard     string `json:"transfer_safeguard"`
	TransferSafeguardText string `json:"transfer_safeguard_text"`
}

// bareLifetimeUnits is the unit of the bare numbers a seed site's table gives as lifetimes. itsme's
// policy writes "365" in its Expiration column beside "1 Heure" and "7 Jours": Cookiebot's tables,
// which it copies, count such a number in days (CookieConsent lives a year).
var bareLifetimeUnits = map[string]lifetime.Unit{"itsme": lifetime.Day}

// SeedLifetime reads a lifetime of a seed site's table as published, a bare number in the unit the
// site's rule gives (bareLifetimeUnits); without a rule a bare number is refused, as an import
// refuses it.
func SeedLifetime(site, text string) (lifetime.Lifetime, error) {
	if u, ok := bareLifetimeUnits[site]; ok {
		return lifetime.ParseAssuming(text, u)
	}
	return lifetime.Parse(text)
}

// LoadSeed parses the embedded seeds.json.
func LoadSeed() (Seed, error) {
	var s Seed
	err := json.Unmarshal(seedJSON, &s)
	return s, err
}

// Login is a demo account, printed in the log so a person can log in.
type Login struct {
	Email, Name, Password, Role string
	Controllers                 []string // slugs; none: every controller
}

const demoPassword = "demo-password-2026"

// Logins are the demo accounts: one of each role, and staff who see only one controller.
var Logins = []Login{
	{Email: "admin@rightsdesk.local", Name: "Ada Admin", Password: demoPassword, Role: models.RoleAdmin},
	{Email: "manager@rightsdesk.local", Name: "Max Manager", Password: demoPassword, Role: models.RoleManager},
	{Email: "staff.esomus@rightsdesk.local", Name: "Sofie (ESOMUS)", Password: demoPassword, Role: models.RoleStaff, Controllers: []string{"esomus"}},
	{Email: "staff.itsme@rightsdesk.local", Name: "Tom (Belgian Mobile ID)", Password: demoPassword, Role: models.RoleStaff, Controllers: []string{"belgian-mobile-id"}},
}

// Summary says what Load wrote.
type Summary struct {
	Controllers, Sites, Cookies int
	SampleCases                 int // 0 when the database already had cases
	Logins                      []Login
}

// Load writes the demo data into st. cfg is the case service's configuration (links and sender of
// the sample letters).
func Load(ctx context.Context, st *models.Store, cfg cases.Config, now time.Time) (Summary, error) {
	sum, controllerIDs, err := LoadCatalogue(ctx, st)
	if err != nil {
		return sum, err
	}
	staffOf := map[string]cases.Actor{} // controller slug -> the demo staff who works it
	for _, l := range Logins {
		hash, err := password.Hash(l.Password)
		if err != nil {
			return sum, err
		}
		ids := controllerIDs
		if len(l.Controllers) > 0 {
			ids = nil
			for _, slug := range l.Controllers {
				c, err := st.ControllerBySlug(ctx, slug)
				if err != nil {
					return sum, err
				}
				ids = append(ids, c.ID)
			}
		}
		u := models.User{Email: l.Email, Name: l.Name, Role: l.Role, PasswordHash: hash, Active: true}
		if err := st.SaveUser(ctx, &u, ids); err != nil {
			return sum, fmt.Errorf("demo user: %w", err)
		}
		if l.Role == models.RoleStaff {
			staffOf[l.Controllers[0]] = cases.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, Controllers: ids}
		}
	}
	sum.Logins = Logins

	n, err := st.CountCases(ctx)
	if err != nil || n > 0 {
		return sum, err
	}
	sum.SampleCases, err = loadSamples(ctx, st, cfg, now, staffOf)
	return sum, err
}

// LoadCatalogue writes the seed controllers, their sites and every row of their cookie tables, and
// returns the controllers' ids.
func LoadCatalogue(ctx context.Context, st *models.Store) (Summary, []int64, error) {
	seed, err := LoadSeed()
	if err != nil {
		return Summary{}, nil, fmt.Errorf("demo seeds: %w", err)
	}
	var sum Summary
	var controllerIDs []int64
	err = st.InTx(ctx, func(tx *models.Tx) error {
		for _, sc := range seed.Controllers {
			c := models.Controller{
				Slug: sc.Slug, Name: sc.Name, Address: sc.Address, Country: sc.Country, CompanyNumber: sc.CompanyNumber,
				ContactEmail: sc.ContactEmail, Phone: sc.Phone, ContactURL: sc.ContactURL, PrivacyURL: sc.PrivacyURL,
				TimeZone: sc.TimeZone, LeadAuthority: sc.LeadAuthority, DefaultLanguage: sc.DefaultLanguage,
			}
			if err := tx.SaveController(ctx, &c); err != nil {
				return fmt.Errorf("controller %s: %w", sc.Slug, err)
			}
			controllerIDs = append(controllerIDs, c.ID)
			sum.Controllers++
			for _, ss := range sc.Sites {
				site := models.Site{
					ControllerID: c.ID, Slug: ss.Slug, Name: ss.Name, Domain: ss.Domain, PolicyURL: ss.PolicyURL,
					PolicyVersion: ss.PolicyVersion, PolicyLanguage: ss.PolicyLanguage,
					ConsentBanner: ss.ConsentBanner, WithdrawalHow: ss.WithdrawalHow,
				}
				if err := tx.SaveSite(ctx, &site); err != nil {
					return fmt.Errorf("site %s: %w", ss.Slug, err)
				}
				sum.Sites++
				for i, ck := range ss.Cookies {
					lt, err := SeedLifetime(ss.Slug, ck.Lifetime)
					if err != nil {
						return fmt.Errorf("cookie %s of %s: lifetime %w", ck.Name, ss.Slug, err)
					}
					row := models.Cookie{
						SiteID: site.ID, Position: i + 1, Name: ck.Name, Provider: ck.Provider, Party: ck.Party,
						Category: ck.Category, Purpose: ck.Purpose, PurposeLanguage: ss.PolicyLanguage,
						Lifetime: lt, Identifying: ck.Identifying, Unnamed: ck.Unnamed,
					}
					if err := tx.SaveCookie(ctx, &row); err != nil {
						return fmt.Errorf("cookie %s of %s: %w", ck.Name, ss.Slug, err)
					}
					sum.Cookies++
				}
				if err := saveSeedProviders(ctx, tx, site, ss.Cookies); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return sum, controllerIDs, err
}

func sampleStep(ctx context.Context, svc *cases.Service, staff cases.Actor, ref, statusToken, step string) error {
	switch step {
	case "withdraw":
		return svc.Withdraw(ctx, statusToken)
	case "claim":
		return svc.Claim(ctx, staff, ref, 0)
	case "ask":
		by, err := svc.DefaultReplyBy(ctx, staff, ref)
		if err != nil {
			return err
		}
		return svc.RequestInfo(ctx, staff, ref, 0, cases.Question{ReplyBy: by,
			Text: "Welk e-mailadres gebruikte u voor uw account? / Which e-mail address did you use for your account?"})
	case "extend":
		return svc.Extend(ctx, staff, ref, 0, "The data is spread over three systems, one of them archived off-site.")
	case "complete":
		// The Art. 15 items as the form drafts them: the demo catalogue records every provider.
		items, err := svc.AccessDraftOf(ctx, ref)
		if err != nil {
			return err
		}
		return svc.Complete(ctx, staff, ref, 0, cases.Answer{Rights: map[dsr.Kind]dsr.RightInput{
			dsr.KindAccess: {Result: string(dsr.ResultFull), Done: "No personal data is linked to the identifier __zlcmid you gave: the chat provider keeps no history for it."},
		}, Access: items})
	case "refuse":
		return svc.Refuse(ctx, staff, ref, 0, string(dsr.GroundExcessive),
			"This is the fifth identical request in two months; the data has not changed since our answer of last month.", false)
	}
	return fmt.Errorf("unknown step %q", step)
}

// sample is a request as a visitor would file it, some days ago, and what happened next, a day
// apart: "withdraw" (by the requester), or staff's "claim", "ask", "extend", "complete", "refuse".
type sample struct {
	site    string
	daysAgo int
	request dsr.Request
	verify  bool
	then    []string
}

func loadSamples(ctx context.Context, st *models.Store, cfg cases.Config, now time.Time, staffOf map[string]cases.Actor) (int, error) {
	id := func(name, value string, p dsr.Provenance) dsr.Identifier {
		return dsr.Identifier{CookieName: name, Value: value, Provenance: p}
	}
	samples := []sample{
		{site: "esomus", daysAgo: 0, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure}, Email: "alice.martin@example.org", Name: "Alice Martin",
			Language: "fr", Country: "BE", Details: "Je souhaite savoir ce que vos cookies ont enregistré puis que tout soit effacé.",
			Identifiers: []dsr.Identifier{id("STCK_ID", "5f1c9a2e-77b0-4c1d", dsr.ProvenanceBrowser)}}},
		{site: "esomus", daysAgo: 3, verify: true, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindAccess}, Email: "bart.peeters@example.org", Name: "Bart Peeters",
			Language: "nl", Country: "BE", Identifiers: []dsr.Identifier{id("UID", "u-884213", dsr.ProvenanceTyped)}}},
		{site: "itsme", daysAgo: 24, verify: true, then: []string{"claim"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindRectification}, Email: "claire.dubois@example.org", Language: "fr", Country: "FR",
			RectificationWrong: "Mon adresse e-mail de contact", RectificationRight: "claire.dubois@example.org",
			Identifiers: []dsr.Identifier{id("__zlcmid", "1Kq7zXbq9mNvYt", dsr.ProvenanceTyped)}}},
		{site: "esomus", daysAgo: 40, verify: true, then: []string{"claim"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindObjection, dsr.KindRestriction}, Email: "dieter.schmidt@example.org", Name: "Dieter Schmidt",
			Language: "de", Country: "DE", ObjectionDirectMarketing: true,
			Identifiers: []dsr.Identifier{id("U2", "a9f0e1d2c3", dsr.ProvenanceBrowser)}}},
		{site: "itsme", daysAgo: 10, verify: true, then: []string{"withdraw"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindPortability}, Email: "emma.janssens@example.org", Name: "Emma Janssens",
			Language: "en", Country: "NL"}},
		{site: "esomus", daysAgo: 20, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindConsentWithdrawal}, Email: "francois.leroy@example.org", Language: "fr", Country: "BE",
			Identifiers: []dsr.Identifier{id("UID", "u-100077", dsr.ProvenanceTyped)}}},
		{site: "esomus", daysAgo: 12, verify: true, then: []string{"claim", "ask"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindPortability}, Email: "greet.maes@example.org", Name: "Greet Maes",
			Language: "nl", Country: "BE", Identifiers: []dsr.Identifier{id("STCK_ID", "9c1e-22aa", dsr.ProvenanceBrowser)}}},
		{site: "itsme", daysAgo: 45, verify: true, then: []string{"claim", "complete"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindAccess}, Email: "hugo.lambert@example.org", Name: "Hugo Lambert",
			Language: "fr", Country: "LU", Identifiers: []dsr.Identifier{id("__zlcmid", "2Ab9QwErTy", dsr.ProvenanceTyped)}}},
		{site: "esomus", daysAgo: 35, verify: true, then: []string{"claim", "refuse"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindAccess}, Email: "ines.costa@example.org", Language: "en", Country: "PT"}},
		{site: "esomus", daysAgo: 15, verify: true, then: []string{"claim", "extend"}, request: dsr.Request{
			Kinds: []dsr.Kind{dsr.KindErasure, dsr.KindRestriction}, Email: "jan.devries@example.org", Name: "Jan de Vries",
			Language: "nl", Country: "NL", Identifiers: []dsr.Identifier{id("U2", "77f0aa91", dsr.ProvenanceBrowser)}}},
	}
	count := 0
	for _, sm := range samples {
		site, err := st.SiteBySlug(ctx, sm.site)
		if err != nil {
			return count, err
		}
		cookies, err := st.Cookies(ctx, site.ID)
		if err != nil {
			return count, err
		}
		at := now.AddDate(0, 0, -sm.daysAgo).Add(-time.Hour)
		svc, err := cases.New(st, cfg, cases.WithClock(func() time.Time { return at }))
		if err != nil {
			return count, err
		}
		filed, err := svc.File(ctx, site, cookies, sm.request)
		if err != nil {
			return count, fmt.Errorf("sample %s: %w", sm.request.Email, err)
		}
		count++
		if !sm.verify {
			continue
		}
		at = at.Add(2 * time.Hour)
		statusToken, err := svc.Verify(ctx, filed.VerifyToken)
		if err != nil {
			return count, err
		}
		staff := staffOf[map[string]string{"esomus": "esomus", "itsme": "belgian-mobile-id"}[sm.site]]
		for _, step := range sm.then {
			at = at.AddDate(0, 0, 1)
			if err := sampleStep(ctx, svc, staff, filed.Reference, statusToken, step); err != nil {
				return count, fmt.Errorf("sample %s, %s: %w", filed.Reference, step, err)
			}
		}
	}
	// The consent-withdrawal sample was never confirmed: let it expire as the sweeper would.
	svc, err := cases.New(st, cfg, cases.WithClock(func() time.Time { return now }))
	if err != nil {
		return count, err
	}
	_, err = svc.ExpireUnverified(ctx)
	return count, err
}
