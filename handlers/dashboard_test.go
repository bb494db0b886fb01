package handlers_test

import (
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// csvRows parses a CSV answer.
func csvRows(t *testing.T, r testapp.Response) [][]string {
	t.Helper()
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s\n%s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// figure finds a (section, metric) value of the dashboard CSV.
func figure(rows [][]string, section, key, metric string) string {
	for _, r := range rows {
		if len(r) == 4 && r[0] == section && r[1] == key && r[2] == metric {
			return r[3]
		}
	}
	return "missing"
}

var queueLink = regexp.MustCompile(`href="(/staff/cases[^"]*)"`)

// TestDashboardIsScopedToTheManagersControllers: a manager of one controller never sees another's
// figures, through the page, the CSVs or the queue links; a filter naming another controller is
// refused, not widened.
func TestDashboardIsScopedToTheManagersControllers(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		mine, _ := fileVerified(t, p, "esomus", "mine@example.org", "")
		var theirs []string
		for _, e := range []string{"a@example.org", "b@example.org", "c@example.org"} {
			ref, _ := fileVerified(t, p, "itsme", e, "")
			theirs = append(theirs, ref)
		}
		esomus := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
		itsme := member(t, p, "ivo@itsme.example", models.RoleManager, "itsme")
		other, _ := p.Store.SiteBySlug(ctx, "itsme")

		page := esomus.Get("/manager/dashboard")
		expect(t, page, http.StatusOK, "Dashboard")
		for _, ref := range theirs {
			if strings.Contains(page.Body, ref) {
				t.Errorf("the dashboard names another controller's case %s", ref)
			}
		}
		rows := csvRows(t, esomus.Get("/manager/dashboard.csv"))
		if got := figure(rows, "now", "", "open"); got != "1" {
			t.Errorf("esomus's manager: open %s, want 1", got)
		}
		if got := figure(csvRows(t, itsme.Get("/manager/dashboard.csv")), "now", "", "open"); got != "3" {
			t.Errorf("itsme's manager: open %s, want 3", got)
		}
		cases := esomus.Get("/manager/cases.csv")
		expect(t, cases, http.StatusOK, mine)
		for _, ref := range theirs {
			if strings.Contains(cases.Body, ref) {
				t.Errorf("the cases CSV holds another controller's case %s", ref)
			}
		}
		// No personal data beyond the reference.
		if strings.Contains(cases.Body, "@") || strings.Contains(cases.Body, "mine") {
			t.Errorf("the cases CSV holds personal data:\n%s", cases.Body)
		}

		// Asking for the other controller or its site: refused with the reason, nothing of theirs.
		for _, q := range []string{"?controller=" + itoa(other.ControllerID), "?site=" + itoa(other.ID)} {
			res := esomus.Get("/manager/dashboard" + q)
			expect(t, res, http.StatusUnprocessableEntity, "Choose")
			for _, path := range []string{"/manager/dashboard.csv", "/manager/cases.csv"} {
				if r := esomus.Get(path + q); r.StatusCode != http.StatusUnprocessableEntity || strings.Contains(r.Body, theirs[0]) {
					t.Errorf("GET %s%s: %d", path, q, r.StatusCode)
				}
			}
		}

		// Every link of the page leads to the queue, and the queue shows only the manager's cases.
		links := queueLink.FindAllStringSubmatch(page.Body, -1)
		if len(links) < 10 {
			t.Fatalf("the dashboard has %d links to the queue", len(links))
		}
		seen := map[string]bool{}
		for _, l := range links {
			href := html.UnescapeString(l[1])
			if seen[href] {
				continue
			}
			seen[href] = true
			res := esomus.Get(href)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d", href, res.StatusCode)
			}
			for _, ref := range theirs {
				if strings.Contains(res.Body, ref) {
					t.Errorf("GET %s shows another controller's case", href)
				}
			}
		}
	})
}

func TestDashboardRolesAndBadInput(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	fileVerified(t, p, "esomus", "x@example.org", "")
	anon := p.Client(t)
	for _, path := range []string{"/manager/dashboard", "/manager/dashboard.csv", "/manager/cases.csv"} {
		if res := anon.Get(path); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/login" {
			t.Errorf("anonymous GET %s: %d", path, res.StatusCode)
		}
	}
	staff := member(t, p, "sam@esomus.example", models.RoleStaff, "esomus")
	for _, path := range []string{"/manager/dashboard", "/manager/dashboard.csv", "/manager/cases.csv"} {
		expect(t, staff.Get(path), http.StatusForbidden)
	}
	admin := member(t, p, "ada@example.org", models.RoleAdmin)
	rows := csvRows(t, admin.Get("/manager/dashboard.csv?period=90"))
	if figure(rows, "now", "", "open") != "1" {
		t.Errorf("admin: %v", rows)
	}

	manager := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
	// Hostile and malformed values: 422, the reason beside the field, nothing executed.
	expect(t, manager.Get("/manager/dashboard?period=365"), http.StatusUnprocessableEntity, "Choose a period")
	res := manager.Get("/manager/dashboard?period=%3Cscript%3Ealert(1)%3C%2Fscript%3E&kind=nonsense&site=abc&controller=%00")
	expect(t, res, http.StatusUnprocessableEntity, "Choose a period", "Choose a right", "Choose a site", "Choose one of your organisations")
	if strings.Contains(res.Body, "<script>alert") {
		t.Error("the page echoes a script")
	}
	expect(t, manager.Get("/manager/cases.csv?from=yesterday"), http.StatusUnprocessableEntity)
	expect(t, manager.Get("/manager/dashboard.csv?kind=x"), http.StatusUnprocessableEntity)
	// Good values are kept in the links of the page.
	res = manager.Get("/manager/dashboard?period=90&kind=erasure")
	expect(t, res, http.StatusOK, "kind=erasure")
}

func TestTransparencyPageCanBeSwitchedOff(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		fileVerified(t, p, "esomus", "x@example.org", "")
		anon := p.Client(t)
		ctrl, err := p.Store.ControllerBySlug(ctx, "esomus")
		if err != nil {
			t.Fatal(err)
		}
		res := anon.Get("/transparency/esomus")
		expect(t, res, http.StatusOK, ctrl.Name)
		expect(t, anon.Get("/transparency/nobody"), http.StatusNotFound)

		itsme := member(t, p, "ivo@itsme.example", models.RoleManager, "itsme")
		staff := member(t, p, "sam@esomus.example", models.RoleStaff, "esomus")
		manager := member(t, p, "mia@esomus.example", models.RoleManager, "esomus")
		path := "/manager/transparency/" + itoa(ctrl.ID)
		// Another controller's manager, a member of staff, a post without the token: nothing changes.
		expect(t, itsme.Post(path, url.Values{"_csrf": {csrfOf(t, itsme)}, "published": {"no"}}), http.StatusNotFound)
		expect(t, staff.Post(path, url.Values{"_csrf": {csrfOf(t, staff)}, "published": {"no"}}), http.StatusForbidden)
		if r := manager.Post(path, url.Values{"published": {"no"}}); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusBadRequest {
			t.Errorf("without CSRF: %d", r.StatusCode)
		}
		expect(t, manager.Post(path, url.Values{"_csrf": {csrfOf(t, manager)}, "published": {"maybe"}}), http.StatusBadRequest)
		expect(t, anon.Get("/transparency/esomus"), http.StatusOK)

		res = manager.Post(path, url.Values{"_csrf": {csrfOf(t, manager)}, "published": {"no"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch off: %d", res.StatusCode)
		}
		expect(t, anon.Get("/transparency/esomus"), http.StatusNotFound)
		expect(t, manager.Get("/manager/dashboard"), http.StatusOK, "no longer published")
		res = manager.Post(path, url.Values{"_csrf": {csrfOf(t, manager)}, "published": {"yes"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch on: %d", res.StatusCode)
		}
		expect(t, anon.Get("/transparency/esomus"), http.StatusOK)
	})
}
