package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/deadline"
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

		for _, path := range []string{"/admin/audit", "/admin/audit/chain"} {
			if res := visitor.Get(path); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
				t.Errorf("anonymous %s: %d %s", path, res.StatusCode, res.Header.Get("Location"))
			}
		}
		staff := p.Client(t)
		staff.Login(testapp.StaffEmail, testapp.StaffPassword)
		expect(t, staff.Get("/admin/audit"), http.StatusForbidden)
		expect(t, staff.Get("/admin/audit/chain"), http.StatusForbidden)
		if strings.Contains(staff.Get("/").Body, `href="/admin/audit"`) {
			t.Error("staff are shown the Audit link")
		}

		admin := p.Client(t)
		admin.Login(testapp.AdminEmail, testapp.AdminPassword)
		// No worker runs here: the events wait to be sealed, and the pages say so.
		r, err := p.Store.VerifyAudit(context.Background())
		if err != nil || !r.OK || r.Events != 0 || r.Unsealed < 2 {
			t.Fatalf("chain after filing and confirming: %+v, %v", r, err)
		}
		expect(t, admin.Get("/admin/audit"), http.StatusOK, "The chain holds 0 events.", itoa(r.Unsealed)+" more not yet sealed",
			`<span class="muted">waiting</span>`)
		expect(t, admin.Get("/admin/audit/chain"), http.StatusOK, "The chain is intact", itoa(r.Unsealed)+" events not yet sealed (the oldest for ")
		if _, err := p.Store.SealEvents(context.Background()); err != nil {
			t.Fatal(err)
		}
		if r, err = p.Store.VerifyAudit(context.Background()); err != nil || !r.OK || r.Events < 2 || r.Unsealed != 0 {
			t.Fatalf("chain after sealing: %+v, %v", r, err)
		}
		expect(t, admin.Get("/admin/audit"), http.StatusOK, `href="/admin/audit/chain"`, "The chain holds "+itoa(r.Events)+" events")
		page := admin.Get("/admin/audit/chain")
		expect(t, page, http.StatusOK, `href="/admin/audit"`, "The chain is intact", "all "+itoa(r.Events)+" events check out", r.HeadHash)
		if page.Header.Get("Cache-Control") != "no-store" {
			t.Error("the audit page may be cached")
		}

		// An event that waits more than a minute to be sealed: the sealer is not running.
		page = admin.Get("/staff/cases/" + ref)
		if res := admin.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {testapp.CSRF(t, page.Body)},
			"version": {regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("claim: %d", res.StatusCode)
		}
		if err := models.GormForTest(p.Store).Exec(`UPDATE events SET appended_at = ? WHERE seq IS NULL`, time.Now().UTC().Add(-5*time.Minute)).Error; err != nil {
			t.Fatal(err)
		}
		page = admin.Get("/admin/audit/chain")
		expect(t, page, http.StatusOK, "Events wait too long to enter the chain", "has waited 5m0s, more than 1m0s", "case "+ref)
		if strings.Contains(page.Body, "intact") || strings.Contains(page.Body, "broken") {
			t.Error("the page of late sealing says intact or broken")
		}
		if _, err := p.Store.SealEvents(context.Background()); err != nil {
			t.Fatal(err)
		}

		// Someone with database access rewrites the first event.
		if err := models.GormForTest(p.Store).Exec(`UPDATE events SET message = 'Nothing was filed.' WHERE seq = 1`).Error; err != nil {
			t.Fatal(err)
		}
		page = admin.Get("/admin/audit/chain")
		expect(t, page, http.StatusOK, "The chain is broken at event 1", "event 1 (case "+ref+") was altered")
		if strings.Contains(page.Body, "intact") || strings.Contains(page.Body, "alice") || strings.Contains(page.Body, "Nothing was filed") {
			t.Error("the broken chain's page says intact, or quotes personal data or an event's content")
		}
	})
}

// auditRefs returns the case references of an audit page's rows, in order.
func auditRefs(body string) []string {
	var refs []string
	for _, m := range regexp.MustCompile(`class="reference">(DSR-\d{4}-\d{6})<`).FindAllStringSubmatch(body, -1) {
		refs = append(refs, m[1])
	}
	return refs
}

// auditSeqs returns the event numbers of an audit page's rows, in order.
func auditSeqs(body string) []int {
	var seqs []int
	for _, m := range regexp.MustCompile(`<td class="num">(\d+)</td>`).FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[1])
		seqs = append(seqs, n)
	}
	return seqs
}

// TestAuditLogListsFiltersAndPages: the audit trail lists every event newest first, in pages that
// neither repeat nor skip an event, filtered by controller, case, actor, type and days; bad
// filter values are refused beside their field with what was typed kept.
func TestAuditLogListsFiltersAndPages(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		// 30 cases at ESOMUS (filed and confirmed: 2 events each), one at Belgian Mobile ID that a
		// member of staff claims (3 events).
		var esomus []string
		for i := 0; i < 30; i++ {
			ref, _ := fileVerified(t, p, "esomus", fmt.Sprintf("audit%02d@example.org", i), "")
			esomus = append(esomus, ref)
		}
		itsme, _ := fileVerified(t, p, "itsme", "ivo@example.org", "")
		claimer := member(t, p, "kim@itsme.example", models.RoleStaff, "itsme")
		page := claimer.Get("/staff/cases/" + itsme)
		res := claimer.Post("/staff/cases/"+itsme+"/claim", url.Values{"_csrf": {testapp.CSRF(t, page.Body)},
			"version": {regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.Body)[1]}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("claim: %d", res.StatusCode)
		}
		kim := accountOf(t, p, "kim@itsme.example")
		itsmeSite, _ := p.Store.SiteBySlug(ctx, "itsme")

		if _, err := p.Store.SealEvents(ctx); err != nil { // numbered in the order of filing
			t.Fatal(err)
		}
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		first := admin.Get("/admin/audit")
		expect(t, first, http.StatusOK, "Older events", "<td>kim</td>", "Assigned or claimed", "In progress", "E-mail address confirmed")
		if first.Header.Get("Cache-Control") != "no-store" {
			t.Error("the audit log may be cached")
		}
		seqs := auditSeqs(first.Body)
		if len(seqs) != 50 || seqs[0] != 63 {
			t.Fatalf("the first page has %d events, starting at %v; want 50 from event 63", len(seqs), seqs[:min(3, len(seqs))])
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.Body)
		second := admin.Get(strings.ReplaceAll(next[1], "&amp;", "&"))
		expect(t, second, http.StatusOK, "Newest events")
		all := append(seqs, auditSeqs(second.Body)...)
		if len(all) != 63 || strings.Contains(second.Body, `rel="next"`) {
			t.Fatalf("two pages hold %d events", len(all))
		}
		for i, n := range all {
			if n != 63-i {
				t.Fatalf("event %d of the log is %d: not newest first without gaps (%v)", i, n, all)
			}
		}

		only := func(query string, n int, refs ...string) testapp.Response {
			t.Helper()
			res := admin.Get("/admin/audit?" + query)
			expect(t, res, http.StatusOK)
			got := auditRefs(res.Body)
			if len(got) != n {
				t.Errorf("%s: %d events, want %d", query, len(got), n)
			}
			for _, r := range got {
				if !slices.Contains(refs, r) {
					t.Errorf("%s shows an event of %s", query, r)
				}
			}
			return res
		}
		only(fmt.Sprintf("controller=%d", itsmeSite.ControllerID), 3, itsme)
		only("case="+strings.ToLower(esomus[4]), 2, esomus[4])
		only("actor="+fmt.Sprint(kim.ID), 1, itsme)
		only("actor=staff", 1, itsme)
		only("actor=requester", 50, append(esomus, itsme)...)
		only("actor=requester&controller="+fmt.Sprint(itsmeSite.ControllerID), 2, itsme)
		only("type=assigned", 1, itsme)
		only("type=verified&controller="+fmt.Sprint(itsmeSite.ControllerID), 1, itsme)
		today := deadline.Today(time.Now(), deadline.DefaultLocation)
		only("from="+today.AddDays(1).String(), 0)
		only("to="+today.AddDays(-1).String(), 0)
		only("from="+today.String()+"&to="+today.String()+"&case="+itsme, 3, itsme)
		// Choices that are not on the form are dropped, not errors.
		only("controller=999999&actor=nobody&type=%3Cscript%3E&after=x.y", 50, append(esomus, itsme)...)

		for query, want := range map[string]string{
			"case=%3Cscript%3Ealert(1)%3C%2Fscript%3E": "A case reference looks like DSR-2026-000123.",
			"from=2026-02-30":                          "Give the first day as a date",
			"from=2026-03-10&to=2026-03-01":            "The last day is before the first one.",
		} {
			res := admin.Get("/admin/audit?" + query)
			expect(t, res, http.StatusOK, want, `id="error-summary"`, "Correct the filter to see the events.")
			if strings.Contains(res.Body, "<script>alert") || len(auditRefs(res.Body)) != 0 {
				t.Errorf("%s: the typed value is not escaped, or events are listed", query)
			}
		}
		expect(t, admin.Get("/admin/audit?case=%3Cscript%3Ealert(1)%3C%2Fscript%3E"), http.StatusOK, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`)

		for _, c := range []*testapp.Client{claimer, member(t, p, "mo@esomus.example", models.RoleManager, "esomus")} {
			expect(t, c.Get("/admin/audit?case="+itsme), http.StatusForbidden)
		}
	})
}
