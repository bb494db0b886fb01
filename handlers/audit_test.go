package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

func TestAuditPageVerifiesTheChain(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		// A visitor files a request and confirms the address: events enter the chain.
		visitor := p.Client(t)
		res := visitor.Post("/requests", filing(testapp.CSRF(t, visitor.Get("/requests/new?site=esomus").Body)))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: %d\n%s", res.StatusCode, res.Body)
		}
		ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(visitor.Get("/requests/filed").Body)
		verifyURL := linkIn("/requests/verify/").FindString(lettersOf(t, p)[0].TextBody)
		confirm := visitor.Get(verifyURL)
		if res := visitor.Post(verifyURL, url.Values{"_csrf": {testapp.CSRF(t, confirm.Body)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.StatusCode)
		}

		if res := visitor.Get("/admin/audit"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		staff := p.Client(t)
		staff.Login(testapp.StaffEmail, testapp.StaffPassword)
		expect(t, staff.Get("/admin/audit"), http.StatusForbidden)
		if strings.Contains(staff.Get("/").Body, `href="/admin/audit"`) {
			t.Error("staff are shown the Audit link")
		}

		admin := p.Client(t)
		admin.Login(testapp.AdminEmail, testapp.AdminPassword)
		r, err := p.Store.VerifyAudit(context.Background())
		if err != nil || !r.OK || r.Events < 2 {
			t.Fatalf("chain after filing and confirming: %+v, %v", r, err)
		}
		page := admin.Get("/admin/audit")
		expect(t, page, http.StatusOK, `href="/admin/audit"`, "The chain is intact", "all "+itoa(r.Events)+" events check out", r.HeadHash)
		if page.Header.Get("Cache-Control") != "no-store" {
			t.Error("the audit page may be cached")
		}

		// Someone with database access rewrites the first event.
		if err := models.GormForTest(p.Store).Exec(`UPDATE events SET message = 'Nothing was filed.' WHERE seq = 1`).Error; err != nil {
			t.Fatal(err)
		}
		page = admin.Get("/admin/audit")
		expect(t, page, http.StatusOK, "The chain is broken at event 1", "event 1 (case "+ref+") was altered")
		if strings.Contains(page.Body, "intact") || strings.Contains(page.Body, "alice") || strings.Contains(page.Body, "Nothing was filed") {
			t.Error("the broken chain's page says intact, or quotes personal data or an event's content")
		}
	})
}
