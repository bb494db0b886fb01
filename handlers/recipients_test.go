package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// TestRecipientsToldAndLifting: the request form's "tell me who the recipients are" reaches the
// case; the answer form asks what became of each of the site's third-party providers (Art. 19),
// refuses a line left out or dated in the future with what was typed kept and nothing changed,
// and records them; the restriction complied with can then be announced as lifted, once
// (Art. 18(3)).
func TestRecipientsToldAndLifting(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		// The public form: the tick is there and reaches the case.
		c := english(p.Client(t))
		form := c.Get("/requests/new?site=esomus")
		expect(t, form, 200, `name="recipients_wanted"`, "tell me who the recipients of my data are (Art. 19)")
		v := filing(testapp.CSRF(t, form.Body))
		v.Set("recipients_wanted", "yes")
		expect(t, c.Post("/requests", v), http.StatusSeeOther)
		ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(c.Get("/requests/filed").Body)
		if cs, err := p.Store.CaseByReference(ctx, ref); err != nil || !cs.RecipientsWanted {
			t.Fatalf("the tick did not reach the case: %v", err)
		}

		// itsme's catalogue has third-party providers.
		s, _ := p.Store.SiteBySlug(ctx, "itsme")
		cookies, _ := p.Store.Cookies(ctx, s.ID)
		filed, err := p.App.Cases.File(ctx, s, cookies, dsr.Request{
			Kinds: []dsr.Kind{dsr.KindErasure, dsr.KindRestriction}, RecipientsWanted: true,
			Email: "rita@example.org", Language: "en", Country: "BE",
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.App.Cases.Verify(ctx, filed.VerifyToken); err != nil {
			t.Fatal(err)
		}
		ref = filed.Reference
		providers, _ := p.Store.CookieRecipients(ctx, s.ID)
		if len(providers) < 2 {
			t.Fatalf("itsme's recipients: %v", providers)
		}
		staff := member(t, p, "rob@itsme.example", models.RoleStaff, "itsme")
		csrf := testapp.CSRF(t, staff.Get("/staff/cases/"+ref).Body)
		version := func() string {
			cs, _ := p.Store.CaseByReference(ctx, ref)
			return strconv.Itoa(cs.Version)
		}
		expect(t, staff.Post("/staff/cases/"+ref+"/claim", url.Values{"_csrf": {csrf}, "version": {version()}}), http.StatusSeeOther)
		page := staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Recipients told (Art. 19)", "The requester asked who the recipients are",
			`name="recipient_0" value="`+providers[0]+`"`, `id="complete-told_1-impossible"`, `id="complete-not_told_reason_1"`)

		today := deadline.Today(time.Now(), deadline.DefaultLocation)
		answer := url.Values{"_csrf": {csrf}, "version": {version()},
			"result_erasure": {"full"}, "outcome_erasure": {"CRM: deleted"},
			"result_restriction": {"full"}, "outcome_restriction": {"Archive: locked"}}
		for i, name := range providers {
			answer.Set(dsr.RecipientField(i), name)
			answer.Set(dsr.ToldField(i), dsr.ToldChoice)
			answer.Set(dsr.ToldOnField(i), today.String())
		}
		answer.Set(dsr.ToldOnField(0), today.AddDays(1).String())
		answer.Del(dsr.ToldField(1))
		answer.Set(dsr.NotToldReasonField(1), "Their support desk never answers.")
		res := staff.Post("/staff/cases/"+ref+"/complete", answer)
		expect(t, res, http.StatusUnprocessableEntity, `id="error-summary"`, "is in the future", "was told and when, or why it was not",
			`href="#complete-told_on_0"`, `href="#complete-told_1-told"`,
			`value="`+today.AddDays(1).String()+`"`, "Their support desk never answers.", "CRM: deleted")
		if cs, _ := p.Store.CaseByReference(ctx, ref); cs.Status != dsr.StatusInProgress {
			t.Fatalf("a refused answer changed the case: %s", cs.Status)
		}
		if told, _ := p.Store.RecipientsTold(ctx, mustCase(t, p, ref).ID); len(told) != 0 {
			t.Fatalf("a refused answer saved recipients: %+v", told)
		}

		answer.Set(dsr.ToldOnField(0), today.String())
		answer.Set(dsr.ToldField(1), string(dsr.NotToldImpossible))
		expect(t, staff.Post("/staff/cases/"+ref+"/complete", answer), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Recipients (Art. 19)", providers[1]+": not told: it proved impossible: Their support desk never answers.",
			"Inform of lifting the restriction", `/staff/cases/`+ref+`/lift-restriction#error-summary`)

		// The recipient not told is told later.
		csrf = testapp.CSRF(t, page.Body)
		expect(t, page, 200, "Record a recipient told later (Art. 19)", `<option value="`+providers[1]+`">`)
		later := url.Values{"_csrf": {csrf}, "version": {version()}, dsr.LaterProviderField: {providers[1]}, dsr.LaterToldOnField: {today.AddDays(1).String()}}
		expect(t, staff.Post("/staff/cases/"+ref+"/recipients", later), http.StatusUnprocessableEntity,
			"is in the future", `href="#recipients-later_told_on"`, `value="`+today.AddDays(1).String()+`"`)
		later.Set(dsr.LaterToldOnField, today.String())
		expect(t, staff.Post("/staff/cases/"+ref+"/recipients", later), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, providers[1]+": told on")
		if strings.Contains(page.Body, "Record a recipient told later") {
			t.Error("recording a recipient told later is still offered when every recipient was told")
		}

		// The lifting: a date that is not after today is refused with the reasons kept.
		lift := url.Values{"_csrf": {csrf}, "version": {version()}, dsr.LiftsOnField: {today.String()}, dsr.LiftingReasonsField: {"The dispute is settled."}}
		expect(t, staff.Post("/staff/cases/"+ref+"/lift-restriction", lift), http.StatusUnprocessableEntity,
			"choose a date after today", `href="#lift-restriction-lifts_on"`, "The dispute is settled.")
		lift.Set(dsr.LiftsOnField, today.AddDays(14).String())
		expect(t, staff.Post("/staff/cases/"+ref+"/lift-restriction", lift), http.StatusSeeOther)
		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Restriction to be lifted on", "The dispute is settled.")
		if strings.Contains(page.Body, "/lift-restriction#error-summary") {
			t.Error("the lifting is offered a second time")
		}
		lift.Set("version", version())
		expect(t, staff.Post("/staff/cases/"+ref+"/lift-restriction", lift), http.StatusConflict, "already announced")
		n := 0
		for _, l := range lettersOf(t, p) {
			if l.Kind == "restriction_lifting" && l.Recipient == "rita@example.org" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lifting letters, want 1", n)
		}
	})
}

func mustCase(t *testing.T, p *testapp.Portal, ref string) models.Case {
	t.Helper()
	cs, err := p.Store.CaseByReference(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}
