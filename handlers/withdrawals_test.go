package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// A withdrawal on a site without a webhook is told to nobody but the controller's privacy team:
// it waits on /staff/withdrawals, counted in the navigation, for that controller's staff only,
// until one of them marks it handled. Another controller's staff neither see nor mark it.
func TestWithdrawalNoticesArePerController(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		visitor := english(p.Client(t))
		visitor.SetCookie("STCK_ID", "stck-notice-1")
		page := visitor.Get("/sites/esomus/consent")
		expect(t, visitor.Post("/sites/esomus/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "all": {"1"}}), http.StatusSeeOther)
		done := visitor.Get("/sites/esomus/consent/done")
		expect(t, done, 200, "informed the privacy team of ESOMUS")
		receipt := regexp.MustCompile(`CW-[0-9A-Z]{4}-[0-9A-Z]{4}`).FindString(done.Body)
		esomus, _ := p.Store.SiteBySlug(ctx, "esomus")
		w, err := p.Store.WithdrawalByReceipt(ctx, esomus.ID, receipt)
		if err != nil {
			t.Fatalf("receipt %q: %v", receipt, err)
		}

		mine := member(t, p, "anna@esomus.example", models.RoleStaff, "esomus")
		other := member(t, p, "boris@itsme.example", models.RoleManager, "itsme")

		list := mine.Get("/staff/withdrawals")
		expect(t, list, 200, "Consent withdrawals to act on", receipt, "ESOMUS", "stck-notice-1", "The site has no webhook.",
			`<a href="/staff/withdrawals">`, `id="notices-count">1<span class="visually-hidden"> waiting<`)
		expect(t, mine.Get("/staff/cases"), 200, `id="notices-count">1<span class="visually-hidden"> waiting<`)

		theirs := other.Get("/staff/withdrawals")
		expect(t, theirs, 200, "Nothing waits")
		if strings.Contains(theirs.Body, receipt) || strings.Contains(theirs.Body, "stck-notice-1") || strings.Contains(theirs.Body, "waiting") {
			t.Error("another controller's staff see the withdrawal or its count")
		}
		mark := fmt.Sprintf("/staff/withdrawals/%d/handled", w.ID)
		expect(t, other.Post(mark, url.Values{"_csrf": {testapp.CSRF(t, theirs.Body)}}), http.StatusNotFound)
		expect(t, mine.Post("/staff/withdrawals/abc/handled", url.Values{"_csrf": {testapp.CSRF(t, list.Body)}}), http.StatusNotFound)
		if n, _ := p.Store.CountWithdrawalNotices(ctx, []int64{esomus.ControllerID}); n != 1 {
			t.Fatalf("another controller's post changed the notice: %d waiting", n)
		}
		// Without a login, nothing.
		anon := p.Client(t)
		if res := anon.Get("/staff/withdrawals"); res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous: %d", res.StatusCode)
		}

		res := mine.Post(mark, url.Values{"_csrf": {testapp.CSRF(t, list.Body)}})
		expect(t, res, http.StatusSeeOther)
		after := mine.Get("/staff/withdrawals")
		expect(t, after, 200, "Marked as handled.", "Nothing waits")
		if strings.Contains(after.Body, "waiting") {
			t.Error("the count stays after the withdrawal was handled")
		}
		got, _ := p.Store.WithdrawalByReceipt(ctx, esomus.ID, receipt)
		if got.HandledAt == nil || got.HandledBy == nil {
			t.Errorf("not recorded as handled: %+v", got)
		}
		// Marking again changes nothing and says so plainly.
		expect(t, mine.Post(mark, url.Values{"_csrf": {testapp.CSRF(t, after.Body)}}), http.StatusSeeOther)

		// A site whose webhook failed for good: its team is told instead, and only its team.
		itsme, _ := p.Store.SiteBySlug(ctx, "itsme")
		if _, err := p.Store.SetWebhook(ctx, itsme.ID, "https://hooks.itsme.example/consent"); err != nil {
			t.Fatal(err)
		}
		page = visitor.Get("/sites/itsme/consent")
		expect(t, visitor.Post("/sites/itsme/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "all": {"1"}}), http.StatusSeeOther)
		done = visitor.Get("/sites/itsme/consent/done")
		failed, _ := p.Store.WithdrawalByReceipt(ctx, itsme.ID, regexp.MustCompile(`CW-[0-9A-Z]{4}-[0-9A-Z]{4}`).FindString(done.Body))
		d, err := p.Store.WebhookDeliveryOf(ctx, failed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Store.NoteWebhookAttempt(ctx, d.ID, 25, 503, "HTTP 503", false, true, d.CreatedAt); err != nil {
			t.Fatal(err)
		}
		expect(t, visitor.Get("/sites/itsme/consent/done"), 200, "could not reach itsme", "informed the privacy team of Belgian Mobile ID", "failed")
		expect(t, other.Get("/staff/withdrawals"), 200, failed.Receipt, "webhook failed for good.", `id="notices-count">1<span class="visually-hidden"> waiting<`)
		if strings.Contains(mine.Get("/staff/withdrawals").Body, failed.Receipt) {
			t.Error("ESOMUS's staff see Belgian Mobile ID's withdrawal")
		}
	})
}

// The cookies the seed policies describe in prose are on the sites' pages, marked as unnamed, and
// can be withdrawn; ESOMUS's persistent cookies live "1 day to 5 years"; itsme's privacy statement
// and contact form are linked from its pages.
func TestSeedCataloguePages(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.Client(t))
		itsme := c.Get("/sites/itsme/cookies")
		expect(t, itsme, 200, `href="https://www.itsme-id.com/fr-BE/legal/privacy-statement"`, `id="privacy-url"`,
			`href="https://support.itsme-id.com/hc/fr/requests/new"`, `id="contact-url"`,
			"Pixels de remarketing des réseaux sociaux (noms non publiés)", "described in the policy, name not published")
		expect(t, c.Get("/sites/itsme/consent"), 200, `id="category-analytics"`, `id="category-marketing"`, `id="contact-url"`)
		esomus := c.Get("/sites/esomus/cookies")
		expect(t, esomus, 200, "1\u00a0day to 5\u00a0years", "Cookies tiers de ciblage des partenaires commerciaux (noms non publiés)")
		if strings.Contains(esomus.Body, `id="privacy-url"`) {
			t.Error("ESOMUS publishes no privacy page, yet one is linked")
		}
		expect(t, c.Get("/sites/esomus/consent"), 200, `id="category-marketing"`)
	})
}

// An admin says on the site form whether the site has a cookie banner and how, in the
// controller's words, consent is withdrawn or given again: a bad statement is refused on the same
// page with what was typed kept; a good one shows on the next receipt, and the banner only once
// ticked.
func TestSiteFormSetsTheReceiptsWayBack(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		form := admin.Get("/admin/sites/esomus")
		expect(t, form, 200, `name="consent_banner"`, `name="withdrawal_how"`, "Mon compte")
		csrf := testapp.CSRF(t, form.Body)
		fields := func(kv ...string) url.Values {
			v := siteFields(csrf, "controller", "esomus", "name", "ESOMUS", "slug", "esomus", "domains", "esomus.com",
				"languages", "fr", "policy_url", "", "policy_version", "2024-10-01")
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		expect(t, admin.Post("/admin/sites/esomus", fields("withdrawal_how", "Résiliez \x07ici")), http.StatusUnprocessableEntity,
			"control characters", "Résiliez")
		expect(t, admin.Post("/admin/sites/esomus", fields("consent_banner", "yes", "withdrawal_how", "Écrivez à privacy@esomus.com.")), http.StatusSeeOther)

		visitor := english(p.Client(t))
		page := visitor.Get("/sites/esomus/consent")
		expect(t, visitor.Post("/sites/esomus/consent", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "all": {"1"}}), http.StatusSeeOther)
		done := visitor.Get("/sites/esomus/consent/done")
		expect(t, done, 200, `id="again-banner"`, "Écrivez à privacy@esomus.com.")
		if strings.Contains(done.Body, "Mon compte") || strings.Contains(done.Body, "ask ESOMUS") {
			t.Error("the receipt shows the old statement, or asks the visitor to write when a banner and a statement exist")
		}
	})
}
