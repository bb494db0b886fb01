package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

// The delivery log filters by state, letter, case and recipient; a malformed filter is said next
// to its field with what was typed kept; an admin resends a failed letter, which keeps its
// Message-ID, and nobody else can.
func TestDeliveryLogFiltersAndResend(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		visitor := english(p.Client(t))
		visitor.Post("/requests", filing(testapp.CSRF(t, visitor.Get("/requests/new?site=esomus").Body)))
		l := lettersOf(t, p)[0]
		c, err := p.Store.CaseByID(ctx, *l.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := p.Store.FailLetter(ctx, l.ID, 3, time.Now(), "smtp RCPT TO: 550 5.1.1 no such mailbox"); err != nil || !ok {
			t.Fatalf("fail letter: %v %v", ok, err)
		}

		admin := p.Client(t)
		admin.Login(testapp.AdminEmail, testapp.AdminPassword)
		expect(t, admin.Get("/admin/mailbox?status=failed&kind=verification&reference="+c.Reference+"&recipient=ALICE@example.org"),
			200, "Delivery log", "alice@example.org", "failed")
		for _, q := range []string{"status=sent", "kind=acknowledgement", "reference=DSR-2020-000999", "recipient=bob@example.org"} {
			if res := admin.Get("/admin/mailbox?" + q); strings.Contains(res.Body, "alice@example.org") {
				t.Errorf("filter %s lists the letter", q)
			}
		}
		res := admin.Get("/admin/mailbox?reference=" + url.QueryEscape("<script>x</script>") + "&recipient=not-an-address")
		expect(t, res, http.StatusUnprocessableEntity, "A reference looks like", "Type a whole e-mail address", "&lt;script&gt;x&lt;/script&gt;", `value="not-an-address"`)
		if strings.Contains(res.Body, "<script>x") {
			t.Error("the typed reference is not escaped")
		}

		page := admin.Get("/admin/mailbox/" + itoa(l.ID))
		expect(t, page, 200, "550 5.1.1 no such mailbox", "Send this letter again")

		// Without a CSRF token, or as staff: nothing changes.
		expect(t, admin.Post("/admin/mailbox/"+itoa(l.ID)+"/resend", url.Values{}), http.StatusForbidden)
		staff := p.Client(t)
		staff.Login(testapp.StaffEmail, testapp.StaffPassword)
		staffPage := staff.Get("/staff/cases")
		expect(t, staff.Post("/admin/mailbox/"+itoa(l.ID)+"/resend", url.Values{"_csrf": {testapp.CSRF(t, staffPage.Body)}}), http.StatusForbidden)
		if got, _ := p.Store.LetterByID(ctx, l.ID); got.Status != models.LetterFailed {
			t.Fatalf("the letter is %s after refused resends", got.Status)
		}

		res = admin.Post("/admin/mailbox/"+itoa(l.ID)+"/resend", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("resend: %d", res.StatusCode)
		}
		got, _ := p.Store.LetterByID(ctx, l.ID)
		if got.Status != models.LetterQueued || got.Resends != 1 || got.MessageID != l.MessageID {
			t.Fatalf("resent letter: %s, resends %d", got.Status, got.Resends)
		}
		expect(t, admin.Get(res.Header.Get("Location")), 200, "queued again", "1 time(s) by an admin")
		// A second resend of a queued letter is refused with the reason.
		res = admin.Post("/admin/mailbox/"+itoa(l.ID)+"/resend", url.Values{"_csrf": {testapp.CSRF(t, page.Body)}})
		expect(t, admin.Get(res.Header.Get("Location")), 200, "Only a letter that failed can be sent again")
		es, _ := p.Store.Timeline(ctx, c.ID)
		if last := es[len(es)-1]; last.Type != "letter_resent" {
			t.Errorf("last event %+v", last)
		}
	})
}
