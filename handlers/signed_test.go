package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
	"rightsdesk/sitetoken"
)

// siteSecret gives site a live signing secret and returns it.
func siteSecret(t *testing.T, p *testapp.Portal, slug string) models.SiteSecret {
	t.Helper()
	ctx := context.Background()
	site, err := p.Store.SiteBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := p.Store.CreateSiteSecret(ctx, site.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// signedLink signs ids for site with sec, issued at iat for ttl.
func signedLink(t *testing.T, sec models.SiteSecret, site string, iat time.Time, ttl time.Duration, ids ...sitetoken.ID) string {
	t.Helper()
	tok, err := sitetoken.Sign(sec.KeyID, []byte(sec.Secret), sitetoken.Claims{Site: site, IDs: ids,
		IssuedAt: iat.Unix(), Expires: iat.Add(ttl).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func formWithLink(site, tok string) string {
	return "/requests/new?" + url.Values{"site": {site}, "t": {tok}}.Encode()
}

// hiddenToken is the signed link the form carries.
var hiddenToken = regexp.MustCompile(`name="t" value="([^"]*)"`)

func TestSignedLinkPrefillsAndFilesSignedIdentifiers(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		sec := siteSecret(t, p, "esomus")
		tok := signedLink(t, sec, "esomus", time.Now(), 15*time.Minute,
			sitetoken.ID{Cookie: "STCK_ID", Value: "sig-stck-1"},
			sitetoken.ID{Cookie: "UID", Value: "sig-uid-2"},
			sitetoken.ID{Cookie: "cf_use_ob", Value: "0"}, // not identifying: never taken
		)
		c := english(p.Client(t))
		form := c.Get(formWithLink("esomus", tok))
		expect(t, form, 200, "sig-stck-1", "sig-uid-2", "vouched for by", `name="signed_id" id="signed-0" value="0" checked`)
		if strings.Contains(form.Body, "cf_use_ob") {
			t.Error("the form shows a non-identifying cookie from the link")
		}
		if cc := form.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		m := hiddenToken.FindStringSubmatch(form.Body)
		if m == nil || html.UnescapeString(m[1]) != tok {
			t.Fatalf("the form does not carry the link: %v", m)
		}
		if !strings.Contains(form.Body, url.Values{"next": {"/requests/new?site=esomus&t=" + tok}}.Encode()) {
			t.Error("the language switch loses the link")
		}

		// The visitor unticks UID; posted identifier fields are ignored, the link is verified again.
		v := filing(testapp.CSRF(t, form.Body))
		v.Del("typed_name_0")
		v.Del("typed_value_0")
		v.Set("t", tok)
		v.Set("signed_id", "0")
		v.Add("signed_cookie", "UID=forged") // not a field the portal reads
		res := c.Post("/requests", v)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: %d\n%s", res.StatusCode, res.Body)
		}
		ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(c.Get("/requests/filed").Body)
		cs, err := p.Store.CaseByReference(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Identifiers) != 1 || cs.Identifiers[0].CookieName != "STCK_ID" || cs.Identifiers[0].Value != "sig-stck-1" ||
			cs.Identifiers[0].Provenance != dsr.ProvenanceSigned {
			t.Fatalf("identifiers: %+v", cs.Identifiers)
		}

		// Staff read the provenance on the case page.
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		expect(t, admin.Get("/staff/cases/"+ref), 200, "signed: carried in a link signed by the site")
	})
}

func TestRefusedLinksTakeNoIdentifier(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		now := time.Now()
		sec := siteSecret(t, p, "esomus")
		itsme := siteSecret(t, p, "itsme")
		retired := siteSecret(t, p, "esomus")
		id := sitetoken.ID{Cookie: "STCK_ID", Value: "leak-me-not"}
		retiredTok := signedLink(t, retired, "esomus", now, time.Hour, id)
		site, _ := p.Store.SiteBySlug(ctx, "esomus")
		if err := p.Store.RetireSiteSecret(ctx, site.ID, retired.ID, now); err != nil {
			t.Fatal(err)
		}
		good := signedLink(t, sec, "esomus", now, time.Hour, id)
		parts := strings.Split(good, ".")
		tampered := strings.Join([]string{parts[0], parts[1],
			strings.Split(signedLink(t, sec, "esomus", now, time.Hour, sitetoken.ID{Cookie: "STCK_ID", Value: "other"}), ".")[2], parts[3]}, ".")

		cases := []struct {
			name, tok, want string
		}{
			{"tampered", tampered, "was changed after"},
			{"expired", signedLink(t, sec, "esomus", now.Add(-2*time.Hour), time.Hour, id), "has expired"},
			{"foreign site's link", signedLink(t, itsme, "itsme", now, time.Hour, id), "not signed with a key"},
			{"foreign site's slug, our key", signedLink(t, sec, "itsme", now, time.Hour, id), "made for another site"},
			{"retired key", retiredTok, "not signed with a key"},
			{"garbage", "v1.x.%%%.y", "damaged or incomplete"},
			{"no identifying cookie", signedLink(t, sec, "esomus", now, time.Hour, sitetoken.ID{Cookie: "cf_use_ob", Value: "1"}), "names none of"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := english(p.Client(t))
				form := c.Get(formWithLink("esomus", tc.tok))
				expect(t, form, 200, tc.want, "No identifier was taken", `name="email"`)
				if strings.Contains(form.Body, "leak-me-not") || strings.Contains(form.Body, `name="signed_id"`) || hiddenToken.MatchString(form.Body) {
					t.Error("a refused link's identifiers or token reach the form")
				}
				// Posted anyway (a forged hidden field): 422, what was typed kept, nothing filed.
				before := countCases(t, p)
				v := filing(testapp.CSRF(t, form.Body))
				v.Set("t", tc.tok)
				v.Set("signed_id", "0")
				res := c.Post("/requests", v)
				expect(t, res, http.StatusUnprocessableEntity, tc.want, "alice@example.org", "Please tell me what you hold.", "u-42")
				if strings.Contains(res.Body, "leak-me-not") {
					t.Error("the refused link's identifier is on the page")
				}
				if countCases(t, p) != before {
					t.Error("a request was filed with a refused link")
				}
			})
		}
	})
}

func TestSignedLinkRefusalIsTranslated(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	sec := siteSecret(t, p, "esomus")
	tok := signedLink(t, sec, "esomus", time.Now().Add(-3*time.Hour), time.Hour, sitetoken.ID{Cookie: "STCK_ID", Value: "x1"})
	form := p.Client(t).Get(formWithLink("esomus", tok)) // ESOMUS's pages are in French by default
	expect(t, form, 200, "a expiré")
}

// TestSignedLinkDuringRotation: links of the old and the new secret both work until the old one
// is retired.
func TestSignedLinkDuringRotation(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	ctx := context.Background()
	oldSec := siteSecret(t, p, "esomus")
	newSec := siteSecret(t, p, "esomus")
	id := sitetoken.ID{Cookie: "UID", Value: "rot-1"}
	c := english(p.Client(t))
	for _, sec := range []models.SiteSecret{oldSec, newSec} {
		expect(t, c.Get(formWithLink("esomus", signedLink(t, sec, "esomus", time.Now(), time.Hour, id))), 200, "rot-1", "vouched for by")
	}
	site, _ := p.Store.SiteBySlug(ctx, "esomus")
	if err := p.Store.RetireSiteSecret(ctx, site.ID, oldSec.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	res := c.Get(formWithLink("esomus", signedLink(t, oldSec, "esomus", time.Now(), time.Hour, id)))
	expect(t, res, 200, "not signed with a key")
	if strings.Contains(res.Body, "rot-1") {
		t.Error("a retired secret's link still vouches")
	}
	expect(t, c.Get(formWithLink("esomus", signedLink(t, newSec, "esomus", time.Now(), time.Hour, id))), 200, "rot-1")
}
