package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"rightsdesk/events"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// adminEvents returns the events without a case written since the one with id after, oldest first.
func adminEvents(t *testing.T, p *testapp.Portal, after int64) []models.Event {
	t.Helper()
	var es []models.Event
	if err := models.GormForTest(p.Store).Where("case_id IS NULL AND id > ?", after).Order("id").Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	return es
}

func lastEventID(t *testing.T, p *testapp.Portal) int64 {
	t.Helper()
	var id int64
	if err := models.GormForTest(p.Store).Raw(`SELECT COALESCE(MAX(id), 0) FROM events`).Scan(&id).Error; err != nil {
		t.Fatal(err)
	}
	return id
}

// oneEvent checks that exactly one event was written since after: of type typ, in the scope of the
// controller ctrl (0: the whole portal), by the user actor, staff-only; it returns its detail.
func oneEvent(t *testing.T, p *testapp.Portal, after int64, typ string, ctrl int64, actor models.User) events.Detail {
	t.Helper()
	es := adminEvents(t, p, after)
	if len(es) != 1 {
		var types []string
		for _, e := range es {
			types = append(types, e.Type)
		}
		t.Fatalf("%d events %v, want one %s", len(es), types, typ)
	}
	e := es[0]
	if e.Type != typ || e.ControllerID != ctrl || e.ActorType != models.ActorStaff || e.ActorUserID == nil ||
		*e.ActorUserID != actor.ID || e.Public {
		t.Fatalf("event %s of controller %d by %s %v (public %v), want %s of %d by user %d",
			e.Type, e.ControllerID, e.ActorType, e.ActorUserID, e.Public, typ, ctrl, actor.ID)
	}
	d, err := events.Decode(e.Type, e.Detail)
	if err != nil {
		t.Fatal(err)
	}
	if e.Message != events.English(d) {
		t.Errorf("message %q, detail says %q", e.Message, events.English(d))
	}
	return d
}

func noEvent(t *testing.T, p *testapp.Portal, after int64, what string) {
	t.Helper()
	if es := adminEvents(t, p, after); len(es) != 0 {
		t.Errorf("%s wrote %d event(s): %s", what, len(es), es[0].Type)
	}
}

// sealedAndVerified seals what waits and checks the whole chain.
func sealedAndVerified(t *testing.T, p *testapp.Portal) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.Store.SealEvents(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := p.Store.VerifyAudit(ctx); err != nil || !r.OK {
		t.Fatalf("chain: %+v %v", r, err)
	}
}

// Organisations and sites: each change is one event of the organisation, by the admin; a refused
// form and a change to nothing write none.
func TestAdminEventsOfOrganisationsAndSites(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		admin := loggedIn(t, p, testapp.AdminEmail, testapp.AdminPassword)
		ada := accountOf(t, p, testapp.AdminEmail)
		csrf := csrfOf(t, admin)

		n := lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers", controllerFields(csrf, "slug", "Not A Slug")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused organisation")
		expect(t, admin.Post("/admin/controllers", controllerFields(csrf)), http.StatusSeeOther)
		acme, err := p.Store.ControllerBySlug(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if d := oneEvent(t, p, n, "controller_added", acme.ID, ada); d != (events.ControllerAdded{Slug: "acme", Name: "Acme SA"}) {
			t.Errorf("detail %+v", d)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf, "keep_answered_days", "2")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused retention period")
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf)), http.StatusSeeOther)
		noEvent(t, p, n, "saving the organisation unchanged")
		expect(t, admin.Post("/admin/controllers/acme", controllerFields(csrf, "name", "Acme NV", "keep_answered_days", "730")), http.StatusSeeOther)
		d := oneEvent(t, p, n, "controller_changed", acme.ID, ada).(events.ControllerChanged)
		if !slices.Equal(d.Changed, []string{"name", "retention of answered requests"}) || d.KeepAnsweredFrom != 1095 || d.KeepAnsweredTo != 730 ||
			d.KeepUnconfirmedTo != 0 {
			t.Errorf("detail %+v", d)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites", siteFields(csrf, "controller", "acme", "slug", "acme-shop", "domains", "not a domain")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused site")
		expect(t, admin.Post("/admin/sites", siteFields(csrf, "controller", "acme", "slug", "acme-shop")), http.StatusSeeOther)
		sd := oneEvent(t, p, n, "site_added", acme.ID, ada).(events.SiteAdded)
		if sd.Site != "acme-shop" || !slices.Equal(sd.Domains, []string{"shop.esomus.com", "www.shop.esomus.com"}) {
			t.Errorf("detail %+v", sd)
		}

		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/acme-shop", siteFields(csrf, "name", "Acme Shop")), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "site_changed", acme.ID, ada).(events.SiteChanged); !slices.Equal(d.Changed, []string{"name"}) {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/acme-shop/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "site_retired", acme.ID, ada)
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/sites/acme-shop/retire", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		noEvent(t, p, n, "retiring a retired site")
		expect(t, admin.Post("/admin/sites/acme-shop/restore", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "site_restored", acme.ID, ada)

		n = lastEventID(t, p)
		expect(t, postLogo(t, admin, admin.Base(), "/admin/controllers/acme/logo", csrf, "logo.png", []byte("not an image")), http.StatusUnprocessableEntity)
		noEvent(t, p, n, "a refused logo")
		expect(t, postLogo(t, admin, admin.Base(), "/admin/controllers/acme/logo", csrf, "logo.png", pngLogo(t, 60, 20)), http.StatusSeeOther)
		if d := oneEvent(t, p, n, "logo_changed", acme.ID, ada).(events.LogoChanged); d.Width != 60 || d.Height != 20 || d.ContentType != "image/png" {
			t.Errorf("detail %+v", d)
		}
		n = lastEventID(t, p)
		expect(t, admin.Post("/admin/controllers/acme/logo/remove", url.Values{"_csrf": {csrf}}), http.StatusSeeOther)
		oneEvent(t, p, n, "logo_removed", acme.ID, ada)
		sealedAndVerified(t, p)

		// The audit log lists them in their organisation's scope, with their sentence, and
		// filters them by type.
		res := admin.Get("/admin/audit?type=site_added")
		expect(t, res, http.StatusOK, "Site added", "Site ESOMUS Shop (acme-shop) added: shop.esomus.com www.shop.esomus.com.",
			"no case: the organisation", "Ada Admin")
		if strings.Contains(res.Body, "restored to the public pages") {
			t.Error("the type filter let another type through")
		}
		expect(t, admin.Get("/admin/audit"), http.StatusOK, `<option value="controller_changed"`, `<option value="webhook_set"`)
	})
}
