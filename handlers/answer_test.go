package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// TestAnswerFormPerRight: the case page answers each right on its own; a refused answer keeps what
// was typed in every right's group and links each error to its field; a direct-marketing
// objection offers no refusal, and a forged one is refused; nothing changes until the answer holds.
func TestAnswerFormPerRight(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		s, _ := p.Store.SiteBySlug(ctx, "esomus")
		cookies, _ := p.Store.Cookies(ctx, s.ID)
		filed, err := p.App.Cases.File(ctx, s, cookies, dsr.Request{
			Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure, dsr.KindObjection}, ObjectionDirectMarketing: true,
			Email: "olga@example.org", Language: "en", Country: "BE",
			Identifiers: []dsr.Identifier{{CookieName: "UID", Value: "uid-olga", Provenance: dsr.ProvenanceTyped}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.App.Cases.Verify(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		ref := filed.Reference
		staff := member(t, p, "otto@esomus.example", models.RoleStaff, "esomus")
		page := staff.Get("/staff/cases/" + ref)
		csrf := testapp.CSRF(t, page.Body)
		version := func() string {
			cs, _ := p.Store.CaseByReference(ctx, ref)
			return strconv.Itoa(cs.Version)
		}
		expect(t, staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version()}}), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, `id="complete-result_access-refused"`, `id="complete-result_erasure-refused"`,
			`id="complete-result_objection-full"`, "To direct marketing (Art. 21(2))")
		if strings.Contains(page.Body, `id="complete-result_objection-refused"`) || strings.Contains(page.Body, `id="complete-ground_objection"`) {
			t.Error("the answer form offers to refuse a direct-marketing objection")
		}
		// Art. 17(3) appears among the erasure's grounds only.
		if m := regexp.MustCompile(`(?s)id="complete-ground_access".*?</select>`).FindString(page.Body); strings.Contains(m, "art_17_3_exception") {
			t.Error("Art. 17(3) is offered against the access")
		}

		form := url.Values{"_csrf": {csrf}, "version": {version()},
			"result_access": {"full"}, "outcome_access": {"Page views <b>linked</b> to uid-olga."},
			"result_erasure": {"refused"}, "ground_erasure": {"art_17_3_exception"}, "reasons_erasure": {""},
			"result_objection": {"refused"}, "ground_objection": {"other"}, "reasons_objection": {"We keep marketing."}}
		withAccess(t, form, page.Body)
		res := staff.Post("/staff/cases/"+ref+"/complete", form)
		expect(t, res, http.StatusUnprocessableEntity, `id="error-summary"`, "Give the reasons", "cannot be refused",
			`href="#complete-reasons_erasure"`, `href="#complete-result_objection-full"`,
			"Page views &lt;b&gt;linked&lt;/b&gt; to uid-olga.")
		if cs, _ := p.Store.CaseByReference(ctx, ref); cs.Status != dsr.StatusInProgress {
			t.Fatalf("a refused answer changed the case: %s", cs.Status)
		}

		form.Set("reasons_erasure", "Invoices are kept 7 years.")
		form.Set("result_objection", "full")
		form.Set("outcome_objection", "Newsletter stopped.")
		expect(t, staff.Post("/staff/cases/"+ref+"/complete", form), http.StatusSeeOther)
		cs, _ := p.Store.CaseByReference(ctx, ref)
		if cs.Status != dsr.StatusCompleted || cs.AnswerResult != string(dsr.ResultPartial) {
			t.Fatalf("after the answer: %s %s", cs.Status, cs.AnswerResult)
		}
		expect(t, staff.Get("/staff/cases/"+ref), 200, "Complied with", "Refused", "Invoices are kept 7 years.")
	})
}
