package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// adminActor is the portal's admin, acting on every controller.
func adminActor(t *testing.T, p *testapp.Portal) cases.Actor {
	t.Helper()
	admin := accountOf(t, p, testapp.AdminEmail)
	ids, err := p.Store.ControllerIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cases.Actor{UserID: admin.ID, Name: admin.Name, Role: admin.Role, Controllers: ids}
}

// answer claims and completes the access request ref as the portal's admin.
func answer(t *testing.T, p *testapp.Portal, ref string) {
	t.Helper()
	ctx := context.Background()
	a := adminActor(t, p)
	if err := p.App.Cases.Claim(ctx, a, ref, 0); err != nil {
		t.Fatal(err)
	}
	items, err := p.App.Cases.AccessDraftOf(ctx, ref) // the demo catalogue records every provider
	if err != nil {
		t.Fatal(err)
	}
	if err := p.App.Cases.Complete(ctx, a, ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "Nothing found."}), Access: items}); err != nil {
		t.Fatal(err)
	}
}

// TestSearchFindsACaseWhateverItsStatus: a reference, an e-mail address or a cookie value finds
// answered, withdrawn and unconfirmed cases as well as open ones, yet only within the searcher's
// controllers; a status chosen in the filter still narrows the search.
func TestSearchFindsACaseWhateverItsStatus(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		done, _ := fileVerified(t, p, "esomus", "Hanna.Peeters@example.org", "uid-hanna-old")
		answer(t, p, done)
		withdrawn, token := fileVerified(t, p, "esomus", "hanna.peeters@example.org", "")
		if err := p.App.Cases.Withdraw(ctx, token); err != nil {
			t.Fatal(err)
		}
		open, _ := fileVerified(t, p, "esomus", "hanna.peeters@example.org", "uid-hanna-new")
		site, _ := p.Store.SiteBySlug(ctx, "esomus")
		cookies, _ := p.Store.Cookies(ctx, site.ID)
		unconfirmed, err := p.App.Cases.File(ctx, site, cookies, dsr.Request{Kinds: []dsr.Kind{dsr.KindErasure},
			Email: "hanna.peeters@example.org", Language: "nl", Country: "BE"})
		if err != nil {
			t.Fatal(err)
		}
		// The same person at the other controller, and the same cookie value there.
		elsewhere, _ := fileVerified(t, p, "itsme", "hanna.peeters@example.org", "uid-hanna-old")
		answer(t, p, elsewhere)

		staff := member(t, p, "ines@esomus.example", models.RoleStaff, "esomus")
		queue := staff.Get("/staff/cases")
		expect(t, queue, 200, "1 case", open)
		if strings.Contains(queue.Body, done) || strings.Contains(queue.Body, withdrawn) {
			t.Error("the default queue shows closed cases")
		}
		for q, want := range map[string][]string{
			done:                        {done},
			strings.ToLower(withdrawn):  {withdrawn},
			" " + unconfirmed.Reference: {unconfirmed.Reference},
			"HANNA.PEETERS@example.org": {done, withdrawn, open, unconfirmed.Reference},
			"uid-hanna-old":             {done},
		} {
			res := staff.Get("/staff/cases?" + url.Values{"q": {q}}.Encode())
			n := map[int]string{1: "1 case", 2: "2 cases", 4: "4 cases"}[len(want)]
			expect(t, res, 200, append(want, n, "the search looks at cases in every status")...)
			if strings.Contains(res.Body, elsewhere) {
				t.Errorf("searching %q at ESOMUS shows %s of Belgian Mobile ID", q, elsewhere)
			}
		}
		// A reference of another controller is not found, closed or not.
		expect(t, staff.Get("/staff/cases?q="+elsewhere), 200, "0 cases")
		// A chosen status narrows the search.
		expect(t, staff.Get("/staff/cases?status=in_progress&q="+done), 200, "0 cases")
		expect(t, staff.Get("/staff/cases?status=completed&q=hanna.peeters%40example.org"), 200, "1 case", done)
		expect(t, staff.Get("/staff/cases?status=closed&q=hanna.peeters%40example.org"), 200, "2 cases", done, withdrawn)

		// The other controller's manager finds theirs only.
		other := member(t, p, "olaf@itsme.example", models.RoleManager, "itsme")
		expect(t, other.Get("/staff/cases?q="+done), 200, "0 cases")
		res := other.Get("/staff/cases?q=hanna.peeters%40example.org")
		expect(t, res, 200, "1 case", elsewhere)
		for _, ref := range []string{done, withdrawn, open, unconfirmed.Reference} {
			if strings.Contains(res.Body, `class="reference">`+ref) {
				t.Errorf("Belgian Mobile ID's manager finds ESOMUS's %s", ref)
			}
		}
	})
}
