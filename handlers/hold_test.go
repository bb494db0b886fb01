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

// TestLegalHoldOverHTTP: staff place a legal hold from the case page with a reason, see it at the
// top of the page, and lift it; bad reasons come back on the page with what was typed; the form
// needs the CSRF token and a login, another controller's staff get a 404, and the requester never
// sees a hold.
func TestLegalHoldOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		ref, statusToken := fileVerified(t, p, "esomus", "hugo@example.org", "")
		staff := member(t, p, "hanna@esomus.example", models.RoleStaff, "esomus")
		other := member(t, p, "olaf@itsme.example", models.RoleManager, "itsme")
		versionOf := func(body string) string {
			return regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
		}
		page := staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Place a legal hold", `action="/staff/cases/`+ref+`/hold#error-summary"`, `name="hold_reason"`)
		if strings.Contains(page.Body, `id="hold"`) || strings.Contains(page.Body, "Lift the hold") {
			t.Error("a case without a hold shows one")
		}
		csrf, version := testapp.CSRF(t, page.Body), versionOf(page.Body)
		before, _ := p.Store.CaseByReference(ctx, ref)
		form := func(kv ...string) url.Values {
			v := url.Values{"_csrf": {csrf}, "version": {version}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		// No token, no login, another controller: nothing done.
		noToken := form("hold_reason", "Claim.")
		noToken.Del("_csrf")
		expect(t, staff.Post("/staff/cases/"+ref+"/hold", noToken), http.StatusForbidden)
		anonymous := p.Client(t)
		expect(t, anonymous.Post("/staff/cases/"+ref+"/hold", url.Values{"_csrf": {testapp.CSRF(t, anonymous.Get("/staff/login").Body)},
			"version": {version}, "hold_reason": {"Claim."}}), http.StatusUnauthorized)
		for _, path := range []string{"hold", "lift-hold"} {
			expect(t, other.Post("/staff/cases/"+ref+"/"+path, url.Values{"_csrf": {csrfOf(t, other)}, "version": {version},
				"hold_reason": {"Claim."}, "lift_reason": {"Settled."}}), http.StatusNotFound)
		}
		expect(t, staff.Post("/staff/cases/"+ref+"/hold", url.Values{"_csrf": {csrf}, "hold_reason": {"Claim."}}), http.StatusBadRequest,
			"it does not say which version of the case")

		// Bad reasons: the message beside the field, what was typed kept.
		long := strings.Repeat("a", 501)
		for _, tc := range []struct {
			reason string
			want   []string
		}{
			{"", []string{"Say why the case is held"}},
			{"  \r\n ", []string{"Say why the case is held"}},
			{long, []string{"at most 500", ">" + long + "</textarea>"}},
			{"Claim \xff", []string{"invalid UTF-8"}},
			{"Claim\x00 <b>x</b>", []string{"control characters"}},
		} {
			res := staff.Post("/staff/cases/"+ref+"/hold", form("hold_reason", tc.reason))
			expect(t, res, http.StatusUnprocessableEntity, append(tc.want, `id="error-summary"`, `href="#hold-hold_reason"`,
				"There is a problem: nothing was done", `Go to “Place a legal hold”`)...)
		}
		expect(t, staff.Post("/staff/cases/"+ref+"/lift-hold", form("lift_reason", "Settled.")), http.StatusConflict,
			"This case is not under a legal hold")
		if c, _ := p.Store.CaseByReference(ctx, ref); c.Held() || c.Version != before.Version {
			t.Fatalf("refused requests changed the case: %+v", c)
		}

		// Placed: at the top of the page with the reason, who and when; the form to lift it.
		res := staff.Post("/staff/cases/"+ref+"/hold", form("hold_reason", " Claim <announced> by the requester's lawyer, letter of 2 March. "))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/cases/"+ref+"#top" {
			t.Fatalf("hold: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "The case is under a legal hold.", `id="hold"`, "Legal hold.",
			"Claim &lt;announced&gt; by the requester&#39;s lawyer, letter of 2 March.</span>", "Placed by hanna on",
			"Lift the hold", `action="/staff/cases/`+ref+`/lift-hold#error-summary"`, "Legal hold placed", `<span class="badge">internal</span>`)
		if strings.Contains(page.Body, "Place a legal hold</summary>") {
			t.Error("a held case offers a second hold")
		}
		// The stale page's form, and a second hold: refused.
		expect(t, staff.Post("/staff/cases/"+ref+"/hold", form("hold_reason", "Another.")), http.StatusConflict, "This case changed since you opened it")
		version = versionOf(page.Body)
		expect(t, staff.Post("/staff/cases/"+ref+"/hold", form("hold_reason", "Another.")), http.StatusConflict,
			"already under a legal hold", `“Place a legal hold” no longer applies`, "Another.")

		// The requester sees nothing of it.
		status := english(p.Client(t)).Get("/r/" + statusToken)
		expect(t, status, 200)
		if strings.Contains(status.Body, "announced") || strings.Contains(status.Body, "hold") {
			t.Error("the status page shows the hold")
		}

		// Lifted, with a reason.
		expect(t, staff.Post("/staff/cases/"+ref+"/lift-hold", form("lift_reason", "")), http.StatusUnprocessableEntity,
			"Say why the hold is lifted", `href="#lift-hold-lift_reason"`)
		expect(t, staff.Post("/staff/cases/"+ref+"/lift-hold", form("lift_reason", "Claim withdrawn on 9 March.")), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "The legal hold is lifted.", "Legal hold lifted: the retention period applies again. Reason: Claim withdrawn on 9 March.",
			"Place a legal hold")
		if strings.Contains(page.Body, `id="hold"`) {
			t.Error("a lifted hold still shows")
		}

		// A closed case can be held: a claim can come years after the answer.
		version = versionOf(page.Body)
		expect(t, staff.Post("/staff/cases/"+ref+"/withdraw", form("how", "Phone call of 10 March.")), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "nothing more can be done but internal notes and legal holds", "Place a legal hold")
		version = versionOf(page.Body)
		expect(t, staff.Post("/staff/cases/"+ref+"/hold", form("hold_reason", "Complaint to the APD.")), http.StatusSeeOther)
		// Notes, from the page's own form, carry the version like every other case form.
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Complaint to the APD.")
		version = versionOf(page.Body)
		expect(t, staff.Post("/staff/cases/"+ref+"/notes", form("note", "Filed with the complaint.")), http.StatusSeeOther)
		c, _ := p.Store.CaseByReference(ctx, ref)
		es, _ := p.Store.Timeline(ctx, c.ID)
		var types []string
		for _, e := range es {
			if strings.HasPrefix(e.Type, "hold_") {
				types = append(types, fmt.Sprintf("%s public=%v", e.Type, e.Public))
			}
		}
		if strings.Join(types, ",") != "hold_placed public=false,hold_lifted public=false,hold_placed public=false" || !c.Held() {
			t.Errorf("hold events: %v, held %v", types, c.Held())
		}
	})
}
