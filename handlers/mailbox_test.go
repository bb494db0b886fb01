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
		expect(t, admin.Get(res.Header.Get("Location")), 200, "Only a letter that failed or was possibly sent can be sent again; this one is queued.")
		es, _ := p.Store.Timeline(ctx, c.ID)
		if last := es[len(es)-1]; last.Type != "letter_resent" {
			t.Errorf("last event %+v", last)
		}
	})
}

// A possibly sent letter says so in the delivery log, with what to check; the admin sends it
// again or marks it sent, each once, with the CSRF token and the admin role; the case records
// each decision, and a decision that no longer fits the letter's state is refused in words.
func TestDeliveryLogPossiblySentLetters(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		visitor := english(p.Client(t))
		visitor.Post("/requests", filing(testapp.CSRF(t, visitor.Get("/requests/new?site=esomus").Body)))
		l := lettersOf(t, p)[0]
		possiblySent := func(id int64) {
			t.Helper()
			if ok, err := p.Store.StartSending(ctx, id, time.Now()); err != nil || !ok {
				t.Fatalf("mark: %v %v", ok, err)
			}
			if err := p.App.Cases.LetterPossiblySent(ctx, id, 1, "the sending stopped before the mail server confirmed the letter"); err != nil {
				t.Fatal(err)
			}
		}
		possiblySent(l.ID)
		c, _ := p.Store.CaseByID(ctx, *l.CaseID)
		es, _ := p.Store.Timeline(ctx, c.ID)
		if last := es[len(es)-1]; last.Type != "letter_possibly_sent" || last.Public {
			t.Errorf("the case records %+v", last)
		}

		admin := p.Client(t)
		admin.Login(testapp.AdminEmail, testapp.AdminPassword)
		expect(t, admin.Get("/admin/mailbox"), 200, "possibly sent (1)", `badge letter-possibly_sent">possibly sent<`)
		expect(t, admin.Get("/admin/mailbox?status=possibly_sent"), 200, "alice@example.org")
		if res := admin.Get("/admin/mailbox?status=sent"); strings.Contains(res.Body, "alice@example.org") {
			t.Error("the sent filter lists a possibly sent letter")
		}
		page := admin.Get("/admin/mailbox/" + itoa(l.ID))
		expect(t, page, 200, "Possibly sent: check, then decide", "The worker stopped while handing this letter to the mail server",
			"Check the mail server's log for the Message-ID", "Mark as sent", "Send again", "Handed to the mail server")
		csrf := url.Values{"_csrf": {testapp.CSRF(t, page.Body)}}

		// Without a CSRF token, or as staff: nothing changes.
		for _, action := range []string{"confirm", "resend"} {
			expect(t, admin.Post("/admin/mailbox/"+itoa(l.ID)+"/"+action, url.Values{}), http.StatusForbidden)
			staff := p.Client(t)
			staff.Login(testapp.StaffEmail, testapp.StaffPassword)
			staffCSRF := url.Values{"_csrf": {testapp.CSRF(t, staff.Get("/staff/cases").Body)}}
			expect(t, staff.Post("/admin/mailbox/"+itoa(l.ID)+"/"+action, staffCSRF), http.StatusForbidden)
		}
		if got, _ := p.Store.LetterByID(ctx, l.ID); got.Status != models.LetterPossiblySent {
			t.Fatalf("the letter is %s after refused decisions", got.Status)
		}

		// Mark as sent: sent, and neither decision applies any more.
		res := admin.Post("/admin/mailbox/"+itoa(l.ID)+"/confirm", csrf)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		expect(t, admin.Get(res.Header.Get("Location")), 200, "marked as sent; it will not be sent again")
		if got, _ := p.Store.LetterByID(ctx, l.ID); got.Status != models.LetterSent || got.SentAt == nil || got.Resends != 0 {
			t.Fatalf("confirmed letter: %s, sent %v, resends %d", got.Status, got.SentAt, got.Resends)
		}
		es, _ = p.Store.Timeline(ctx, c.ID)
		if last := es[len(es)-1]; last.Type != "letter_confirmed_sent" || last.ActorUserID == nil {
			t.Errorf("the case records %+v", last)
		}
		res = admin.Post("/admin/mailbox/"+itoa(l.ID)+"/confirm", csrf)
		expect(t, admin.Get(res.Header.Get("Location")), 200, "Only a letter that was possibly sent can be marked as sent; this one is sent.")
		res = admin.Post("/admin/mailbox/"+itoa(l.ID)+"/resend", csrf)
		expect(t, admin.Get(res.Header.Get("Location")), 200, "Only a letter that failed or was possibly sent can be sent again; this one is sent.")

		// Send again: queued with the same Message-ID, recorded on the case.
		second := models.Letter{CaseID: &c.ID, Kind: l.Kind, Language: l.Language, Sender: l.Sender, Recipient: l.Recipient,
			Subject: "Second", TextBody: "t", MessageID: "second." + l.MessageID}
		// The row alone, without a job: it is made possibly sent below.
		if err := p.Store.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, nil, &second) }); err != nil {
			t.Fatal(err)
		}
		possiblySent(second.ID)
		res = admin.Post("/admin/mailbox/"+itoa(second.ID)+"/resend", csrf)
		expect(t, admin.Get(res.Header.Get("Location")), 200, "queued again")
		got, _ := p.Store.LetterByID(ctx, second.ID)
		if got.Status != models.LetterQueued || got.Resends != 1 || got.MessageID != second.MessageID || got.SendStartedAt != nil {
			t.Fatalf("sent again: %s, resends %d, mark %v", got.Status, got.Resends, got.SendStartedAt)
		}
		es, _ = p.Store.Timeline(ctx, *second.CaseID)
		if last := es[len(es)-1]; last.Type != "letter_resent" {
			t.Errorf("the case records %+v", last)
		}
		res = admin.Post("/admin/mailbox/"+itoa(second.ID)+"/confirm", csrf)
		expect(t, admin.Get(res.Header.Get("Location")), 200, "this one is queued.")
	})
}
