package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rightsdesk/access"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

var accessField = regexp.MustCompile(`(?s)<textarea[^>]*name="(access_[a-z]+)"[^>]*>(.*?)</textarea>`)

// draftedAccess is what the answer form's Art. 15 fields hold, as a browser sends them, with
// what the catalogue does not record completed as staff would.
func draftedAccess(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range accessField.FindAllStringSubmatch(page, -1) {
		out[m[1]] = strings.ReplaceAll(html.UnescapeString(m[2]), access.Placeholder, "Ireland")
	}
	if len(out) != len(access.Keys) {
		t.Fatalf("the answer form has %d of the %d Art. 15 fields", len(out), len(access.Keys))
	}
	return out
}

// withAccess adds the drafted Art. 15 fields of page to form.
func withAccess(t *testing.T, form url.Values, page string) url.Values {
	t.Helper()
	for k, v := range draftedAccess(t, page) {
		form.Set(k, v)
	}
	return form
}

// TestAccessItemsForm: the answer form drafts the Art. 15 items from the site's catalogue in the
// requester's language; an item emptied or still holding the placeholder refuses the answer on
// the same page with what was typed kept; sent, the items reach the case page, the status page
// (under headings in the requester's language) and the letter.
func TestAccessItemsForm(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		s, _ := p.Store.SiteBySlug(ctx, "esomus")
		cookies, _ := p.Store.Cookies(ctx, s.ID)
		filed, err := p.App.Cases.File(ctx, s, cookies, dsr.Request{Kinds: []dsr.Kind{dsr.KindAccess},
			Email: "nele@example.org", Name: "Nele", Language: "nl", Country: "BE"})
		if err != nil {
			t.Fatal(err)
		}
		statusToken, err := p.App.Cases.Verify(ctx, filed.VerifyToken)
		if err != nil {
			t.Fatal(err)
		}
		ref := filed.Reference
		staff := member(t, p, "nora@esomus.example", models.RoleStaff, "esomus")
		page := staff.Get("/staff/cases/" + ref)
		csrf := testapp.CSRF(t, page.Body)
		version := func() string {
			cs, _ := p.Store.CaseByReference(ctx, ref)
			return strconv.Itoa(cs.Version)
		}
		expect(t, staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version()}}), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Information owed with access (Art. 15(1) and (2))", "Purposes of the processing (Art. 15(1)(a) GDPR)",
			"De cookies van ESOMUS verzamelen gegevens voor deze doeleinden:", "Transfers outside the European Economic Area")
		draft := draftedAccess(t, page.Body)

		form := url.Values{"_csrf": {csrf}, "version": {version()}, "result_access": {"full"}, "outcome_access": {"Paginaweergaven"}}
		for k, v := range draft {
			form.Set(k, v)
		}
		form.Set(access.Source.Field(), "")
		form.Set(access.Transfers.Field(), "Google: "+access.Placeholder+" <script>alert(1)</script>")
		res := staff.Post("/staff/cases/"+ref+"/complete", form)
		expect(t, res, http.StatusUnprocessableEntity, `id="error-summary"`, `href="#complete-access_source"`, `href="#complete-access_transfers"`,
			"Complete the part marked", "Google: "+access.Placeholder+" &lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(res.Body, "<script>alert(1)") {
			t.Fatal("the typed text is not escaped")
		}
		if cs, _ := p.Store.CaseByReference(ctx, ref); cs.Status != dsr.StatusInProgress {
			t.Fatalf("a refused answer changed the case: %s", cs.Status)
		}

		form.Set(access.Source.Field(), draft[access.Source.Field()])
		form.Set(access.Transfers.Field(), "Google (Verenigde Staten): EU-VS-kader.\nMeta (Ierland): geen doorgifte.")
		expect(t, staff.Post("/staff/cases/"+ref+"/complete", form), http.StatusSeeOther)
		expect(t, staff.Get("/staff/cases/"+ref), 200, "Information given with access (Art. 15)", "Meta (Ierland): geen doorgifte.")

		visitor := p.Client(t)
		expect(t, visitor.Get("/r/"+statusToken), 200, "Doeleinden van de verwerking (artikel 15, lid 1, a), AVG)",
			"Google (Verenigde Staten): EU-VS-kader.")
		cs, _ := p.Store.CaseByReference(ctx, ref)
		ls, _ := p.Store.CaseLetters(ctx, cs.ID)
		l, err := p.Store.LetterByID(ctx, ls[len(ls)-1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(l.TextBody, "Wat u op grond van artikel 15 AVG mag weten") ||
			!strings.Contains(l.TextBody, "Meta (Ierland): geen doorgifte.") {
			t.Errorf("the answer letter lacks the items:\n%s", l.TextBody)
		}
	})
}
