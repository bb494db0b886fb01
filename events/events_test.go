package events_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
)

var (
	d1 = deadline.NewDate(2026, 3, 24)
	d2 = deadline.NewDate(2026, 5, 21)
)

// historical are a detail of every event type with the sentence the writers of cases/ wrote for
// it before events had details, copied from their format strings.
var historical = []struct {
	d    events.Detail
	want string
}{
	{events.Filed{Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure}}, "Request filed (Access, Erasure); e-mail confirmation sent."},
	{events.Verified{}, "E-mail address confirmed; the request is open. Acknowledgement queued."},
	{events.Extended{From: d1, To: d2, Reasons: "Many systems."},
		"Deadline extended under Art. 12(3) from 2026-03-24 to 2026-05-21. Reasons: Many systems.. Extension notice to the requester queued (owed by 2026-03-24)."},
	{events.Withdrawn{}, "The requester withdrew the request. Confirmation queued."},
	{events.Withdrawn{ByStaff: true, How: "e-mail of 3 March"}, "Closed as withdrawn at the requester's request: e-mail of 3 March"},
	{events.Expired{}, "The e-mail address was not confirmed within 14 days; the request expired."},
	{events.Expired{ByStaff: true}, "Closed as expired by staff: the e-mail address was never confirmed."},
	{events.InfoRequested{Question: "Which browser?\nAnd when?", ReplyBy: d1, Identity: true},
		"Information requested from the requester (identity, Art. 12(6)), to answer by 2026-03-24: Which browser?\nAnd when?"},
	{events.InfoRequested{Question: "Which browser?", ReplyBy: d1}, "Information requested from the requester, to answer by 2026-03-24: Which browser?"},
	{events.InfoRequested{Question: "Which browser?"}, "Information requested from the requester: Which browser?"},
	{events.ClockPaused{On: d1, WasDue: d2}, "Clock paused on 2026-03-24 until the requester answers the identity question (Art. 12(6)); the answer was due by 2026-05-21."},
	{events.ClockResumed{On: d2, Why: events.ResumedAnswered, Days: 46, From: deadline.NewDate(2026, 3, 5), Due: d2, WasDue: deadline.NewDate(2026, 4, 5)},
		"Clock resumed on 2026-05-21 (the requester answered) after 46 day(s) paused from 2026-03-05: the answer is due by 2026-05-21 (was 2026-04-05)."},
	{events.ClockResumed{On: d2, Why: events.ResumedRefused, Days: 1, From: d1, Due: d2, WasDue: d1, OneMonth: d1},
		"Clock resumed on 2026-05-21 (the request is refused) after 1 day(s) paused from 2026-03-24: the answer is due by 2026-05-21 (was 2026-03-24); the one-month date, the limit for a refusal, is now 2026-03-24."},
	{events.Replied{Answer: "Firefox."}, "The requester answered: Firefox."},
	{events.Completed{Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure},
		Results: []events.RightResult{{Kind: dsr.KindAccess, Result: dsr.ResultFull}, {Kind: dsr.KindErasure, Result: dsr.ResultRefused, Ground: dsr.GroundArt17_3}}},
		"Request answered: Access: complied with; Erasure: refused (An exception of Article 17(3) applies to the erasure)."},
	{events.Completed{Kinds: []dsr.Kind{dsr.KindAccess}, Results: []events.RightResult{{Kind: dsr.KindAccess, Result: dsr.ResultPartial, Ground: dsr.GroundExcessive}},
		AccessItems: true, Files: []events.File{{Kind: dsr.KindAccess, Name: "a.csv", Size: 3}, {Kind: dsr.KindAccess, Name: "b.csv", Size: 4}},
		FilesUntil: time.Date(2026, 4, 1, 23, 30, 0, 0, time.UTC)},
		"Request answered: Access: complied with in part (The request is manifestly excessive, in particular repetitive (Art. 12(5))). The information of Article 15 given item by item. 2 file(s) to download until 1 April 2026."},
	{events.Completed{Kinds: []dsr.Kind{dsr.KindAccess, dsr.KindErasure}}, "Request answered: Access, Erasure."},
	{events.Refused{Ground: dsr.GroundIdentity, Reasons: "No proof."},
		"Request refused. Ground: Your identity could not be confirmed (Art. 12(6) and 11(2)). Reasons: No proof."},
	{events.RefusalLate{Due: d1}, "Refused after 24 March 2026, the one-month date of Article 12(4), with the acknowledgement that it is late; counted late."},
	{events.RestrictionLifting{On: deadline.NewDate(2026, 4, 15), Reasons: "Checked."},
		"The restriction of processing (Art. 18) will be lifted on 15 April 2026; the requester is informed before it (Art. 18(3)). Reasons: Checked."},
	{events.RecipientsTold{Recipients: []events.Recipient{{Provider: "Google", ToldOn: d1}, {Provider: "Meta", NotTold: dsr.NotToldImpossible, Reason: "No contact."}}},
		"Recipients (Art. 19): Google: told on 24 March 2026; Meta: not told: it proved impossible (No contact.)."},
	{events.RecipientsTold{Later: true, Recipients: []events.Recipient{{Provider: "Google", ToldOn: d1}}},
		"Recipient told after the answer (Art. 19): Google, on 24 March 2026."},
	{events.ConsentRecorded{Receipt: "CW-123", Webhook: true}, "Consent withdrawal recorded as CW-123, dated when the requester asked; the site is told through its webhook."},
	{events.ConsentRecorded{Receipt: "CW-123"}, "Consent withdrawal recorded as CW-123, dated when the requester asked; the site has no webhook."},
	{events.Assigned{UserID: 4, Name: "Bob"}, "Assigned to Bob."},
	{events.Assigned{UserID: 4, Name: "Bob", Claimed: true}, "Claimed by Bob."},
	{events.IdentifierChecked{Cookie: "_ga", Value: "GA1.2.3", Belongs: true, Reason: "Login records."},
		"Identifier _ga=GA1.2.3 belongs to the requester: Login records."},
	{events.IdentifierChecked{Cookie: "_ga", Value: "GA1.2.3", Reason: "No match."}, "Identifier _ga=GA1.2.3 does not belong to the requester: No match."},
	{events.Note{Text: "Called back."}, "Called back."},
	{events.LetterFailed{Subject: "Your request", Reason: "550 no such user"}, "The letter “Your request” could not be delivered: 550 no such user"},
	{events.LetterPossiblySent{Subject: "Your request"},
		"The letter “Your request” was possibly sent: the sending stopped before the mail server confirmed it. An admin checks and decides in the delivery log."},
	{events.LetterResent{Subject: "Your request", By: "Ann"}, "Ann sent the letter “Your request” again."},
	{events.LetterConfirmed{Subject: "Your request", By: "Ann"}, "Ann marked the letter “Your request” as sent: it had reached the mail server."},
	{events.Reminder{Due: d1, Left: 7, To: []string{"Ann", "Bob"}}, "Reminder sent: the answer is due by 2026-03-24 (7 working days left). To: Ann, Bob."},
	{events.Reminder{Late: true, Due: d1, Left: 2}, "Reminder sent: the answer is due by 2026-03-24 (2 working days left)."},
	{events.Escalation{Due: d1, To: []string{"Carol"}}, "Escalated to the managers: the answer was due by 2026-03-24. To: Carol."},
	{events.RecordDeleted{Reference: "DSR-2016-000042", Closed: d1, Years: 10},
		"Record of case DSR-2016-000042 deleted: it closed on 24 March 2026 and the controller keeps the record of a case 10 years. Its events stay in the audit chain."},
	{events.WithdrawalsErased{Count: 3, Days: 1095},
		"Personal data of 3 consent withdrawal(s) made on the consent page more than 1095 days ago erased: the visitors' e-mail addresses, the identifiers and the confirmation letters; the receipts are kept."},
	{events.PersonalDataErased{Closed: d1, Days: 1095},
		"Personal data erased: the case closed on 24 March 2026 and the controller keeps the personal data of answered requests 1095 days after they close. The e-mail address, name, texts, identifiers, letters and files are gone; the record of the case is kept."},
	{events.PersonalDataErased{Closed: d1, Days: 30, Unconfirmed: true},
		"Personal data erased: the case closed on 24 March 2026 and the controller keeps the personal data of unconfirmed requests 30 days after they close. The e-mail address, name, texts, identifiers, letters and files are gone; the record of the case is kept."},
	// Written since legal holds (migration 00036); no older sentence.
	{events.HoldPlaced{Reason: "Claim announced by the requester's lawyer."},
		"Legal hold placed: the personal data is kept beyond the retention period until the hold is lifted. Reason: Claim announced by the requester's lawyer."},
	{events.HoldLifted{Reason: "Claim settled."}, "Legal hold lifted: the retention period applies again. Reason: Claim settled."},
	// Admins' actions (events/admin.go): no case, no older sentence.
	{events.UserInvited{UserID: 7, Name: "Ann Smith", Email: "ann@example.org", Role: "staff", Controllers: []string{"esomus"}},
		"Invited Ann Smith <ann@example.org> as staff of esomus; invitation letter queued."},
	{events.UserAdded{UserID: 7, Name: "Ann Smith", Email: "ann@example.org", Role: "admin"},
		"Account of Ann Smith <ann@example.org> added as admin, with a password, from the command line."},
	{events.UserChanged{UserID: 7, Name: "Ann Smith", RoleFrom: "staff", RoleTo: "manager", ControllersFrom: []string{"esomus"},
		ControllersTo: []string{"bmid", "esomus"}, ActiveFrom: true, ActiveTo: false},
		"Account of Ann Smith: role staff → manager; organisations esomus → bmid, esomus; deactivated (every session ended, password links revoked)."},
	{events.UserChanged{UserID: 7, Name: "Ann Smith", RoleFrom: "staff", RoleTo: "staff", ActiveTo: true},
		"Account of Ann Smith: reactivated."},
	{events.UserSessionsEnded{UserID: 7, Name: "Ann Smith"}, "Every session of Ann Smith ended."},
	{events.ControllerAdded{Slug: "esomus", Name: "ESOMUS"}, "Organisation ESOMUS (esomus) added."},
	{events.ControllerChanged{Changed: []string{"name", "retention of answered requests"}, KeepAnsweredFrom: 1095, KeepAnsweredTo: 730},
		"Organisation's settings changed: name, retention of answered requests. Personal data of answered requests kept 730 days after they close (was 1095)."},
	{events.ControllerChanged{Changed: []string{"retention of unconfirmed requests"}, KeepUnconfirmedFrom: 30, KeepUnconfirmedTo: 60},
		"Organisation's settings changed: retention of unconfirmed requests. Personal data of unconfirmed requests kept 60 days after they expire (was 30)."},
	{events.ControllerChanged{Changed: []string{"retention of the records"}, KeepRecord: true, KeepRecordFrom: 10},
		"Organisation's settings changed: retention of the records. Records of cases kept for good (was deleted 10 years after they close)."},
	{events.LogoChanged{ContentType: "image/png", Width: 120, Height: 40, Size: 2048, SHA256: "ab12"}, "Logo set: image/png, 120×40, 2048 bytes."},
	{events.LogoRemoved{}, "Logo removed."},
	{events.SiteAdded{Site: "shop", Name: "Shop", Domains: []string{"shop.example", "www.shop.example"}},
		"Site Shop (shop) added: shop.example www.shop.example."},
	{events.SiteChanged{Site: "shop", Changed: []string{"name", "domains"}}, "Site shop changed: name, domains."},
	{events.SiteRetired{Site: "shop"}, "Site shop retired: off the public pages, no new request or consent withdrawal."},
	{events.SiteRestored{Site: "shop"}, "Site shop restored to the public pages."},
	{events.CookieAdded{Site: "shop", Cookie: "_ga"}, "Cookie _ga added to the catalogue of shop."},
	{events.CookieChanged{Site: "shop", Cookie: "_ga4", Was: "_ga", Changed: []string{"name", "purpose"}},
		"Cookie _ga (now _ga4) of shop changed: name, purpose."},
	{events.CookieChanged{Site: "shop", Cookie: "_ga", Changed: []string{"lifetime"}}, "Cookie _ga of shop changed: lifetime."},
	{events.CookieRetired{Site: "shop", Cookie: "_ga"}, "Cookie _ga of shop retired from the live catalogue."},
	{events.CookieRestored{Site: "shop", Cookie: "_ga"}, "Cookie _ga of shop restored to the live catalogue."},
	{events.CatalogueImported{Site: "shop", Cookies: 5, Added: 2, Changed: 1, Restored: 0, Retired: 1, Providers: 2},
		"Catalogue of shop imported: 5 cookies; 2 added, 1 changed, 0 restored, 1 retired. Where 2 provider(s) process the data recorded."},
	{events.ProviderSaved{Site: "shop", Provider: "Google", Country: "US", Safeguard: "dpf"}, "Provider Google of shop recorded: US, dpf."},
	{events.SiteSecretAdded{Site: "shop", KeyID: "k1abc"}, "Signing secret k1abc added to shop."},
	{events.SiteSecretRetired{Site: "shop", KeyID: "k1abc"}, "Signing secret k1abc of shop retired: links signed with it are refused."},
	{events.APIKeyCreated{Site: "shop", Prefix: "abcd", Label: "CRM"}, "API key abcd (“CRM”) created for shop."},
	{events.APIKeyRevoked{Site: "shop", Prefix: "abcd"}, "API key abcd of shop revoked."},
	{events.WebhookSet{Site: "shop", Host: "hooks.example"}, "Webhook of shop set to a URL on hooks.example, with a new secret."},
	{events.WebhookSet{Site: "shop", Host: "hooks.example", Rotated: true}, "Webhook secret of shop replaced (URL on hooks.example unchanged)."},
	{events.WebhookRemoved{Site: "shop"}, "Webhook of shop removed, with its secret."},
	{events.LetterWordingSaved{Letter: "acknowledgement", Language: "fr", Saved: []string{"ack.intro"}, Reset: []string{"ack.outro"}},
		"Wording of the letter acknowledgement (fr): saved ack.intro; back to the shipped wording ack.outro."},
	{events.TransparencySwitched{Published: true}, "Disclosure page published."},
	{events.TransparencySwitched{}, "Disclosure page withdrawn."},
}

// English says each type as its writer did before details existed.
func TestEnglishIsTheHistoricalSentence(t *testing.T) {
	for _, h := range historical {
		if got := events.English(h.d); got != h.want {
			t.Errorf("%s:\n got %q\nwant %q", h.d.Type(), got, h.want)
		}
		p := reflect.New(reflect.TypeOf(h.d))
		p.Elem().Set(reflect.ValueOf(h.d))
		if got := events.English(p.Interface().(events.Detail)); got != h.want {
			t.Errorf("%s: a pointer says %q", h.d.Type(), got)
		}
	}
}

// Every registered type is covered above, and comes back from its JSON as it went in.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range historical {
		seen[h.d.Type()] = true
		raw, err := events.Encode(h.d)
		if err != nil {
			t.Fatal(err)
		}
		back, err := events.Decode(h.d.Type(), raw)
		if err != nil {
			t.Fatalf("%s: %v", h.d.Type(), err)
		}
		if !reflect.DeepEqual(back, h.d) {
			t.Errorf("%s: %s came back as %#v, want %#v", h.d.Type(), raw, back, h.d)
		}
		if events.IsLegacy(raw) {
			t.Errorf("%s: %s is legacy", h.d.Type(), raw)
		}
		legacy, err := events.EncodeLegacy(h.d)
		if err != nil || !events.IsLegacy(legacy) {
			t.Fatalf("%s: legacy %s, %v", h.d.Type(), legacy, err)
		}
		if back, err := events.Decode(h.d.Type(), legacy); err != nil || !reflect.DeepEqual(back, h.d) {
			t.Errorf("%s: legacy %s came back as %#v, %v", h.d.Type(), legacy, back, err)
		}
	}
	for _, typ := range events.Types() {
		if !seen[typ] {
			t.Errorf("type %s has no case in the table", typ)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	if _, err := events.Decode("no_such_type", "{}"); err == nil {
		t.Error("an unknown type decoded")
	}
	if _, err := events.Decode("filed", "not json"); err == nil {
		t.Error("bad JSON decoded")
	}
	if _, err := events.Decode("reminder_late", `{"due":"2026-03-24","left":2}`); err == nil {
		t.Error("an early reminder decoded as a late one")
	}
	if _, err := events.Encode(nil); err == nil {
		t.Error("no detail encoded")
	}
}

// The personal fields are the ones phase B will hash through a digest.
func TestPersonalFields(t *testing.T) {
	for _, c := range []struct {
		d    events.Detail
		want []string
	}{
		{events.InfoRequested{}, []string{"question"}},
		{events.Completed{}, []string{"files.name"}},
		{events.RecipientsTold{}, []string{"recipients.reason"}},
		{events.IdentifierChecked{}, []string{"value", "reason"}},
		{events.Reminder{}, []string{"to"}},
		{events.HoldPlaced{}, []string{"reason"}},
		{events.HoldLifted{}, []string{"reason"}},
		{events.Verified{}, nil},
		{events.UserInvited{}, []string{"name", "email"}},
		{events.UserChanged{}, []string{"name"}},
		{events.APIKeyCreated{}, nil},
		{events.Filed{}, nil},
	} {
		d, want := c.d, c.want
		if got := events.Personal(d); !slices.Equal(got, want) {
			t.Errorf("%s: personal %v, want %v", d.Type(), got, want)
		}
	}
}

// Redact leaves no personal value in the detail, keeps the rest, and leaves its argument alone;
// Public is stable under itself and keeps a legacy mark.
func TestRedactAndPublic(t *testing.T) {
	for _, h := range historical {
		d := h.d
		before, err := events.Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		r := events.Redact(d)
		if r.Type() != d.Type() {
			t.Fatalf("%s: redacted type %s", d.Type(), r.Type())
		}
		if after, _ := events.Encode(d); after != before {
			t.Errorf("%s: Redact changed its argument: %s", d.Type(), after)
		}
		pub := events.Public(d.Type(), before)
		for _, secret := range []string{"Many systems", "e-mail of 3 March", "Which browser", "Firefox", "a.csv", "No proof", "Checked.",
			"No contact", "Bob", "GA1.2.3", "Ann Smith", "ann@example.org", "Login records", "No match", "Called back", "550 no such", "Ann", "Carol"} {
			if strings.Contains(pub, secret) {
				t.Errorf("%s: public part %s still says %q", d.Type(), pub, secret)
			}
		}
		if again := events.Public(d.Type(), pub); again != pub {
			t.Errorf("%s: Public not stable: %s then %s", d.Type(), pub, again)
		}
		if len(events.Personal(d)) == 0 && pub != before {
			t.Errorf("%s: no personal field, yet public %s differs from %s", d.Type(), pub, before)
		}
		legacy, _ := events.EncodeLegacy(d)
		if lp := events.Public(d.Type(), legacy); !events.IsLegacy(lp) {
			t.Errorf("%s: public part of a legacy detail lost its mark: %s", d.Type(), lp)
		}
	}
	c := events.Completed{Kinds: []dsr.Kind{dsr.KindAccess}, Files: []events.File{{Kind: dsr.KindAccess, Name: "a.csv", Size: 3}}}
	got := events.Public(c.Type(), mustEncode(t, c))
	if want := `{"kinds":["access"],"files":[{"kind":"access","name":"","size":3}]}`; got != want {
		t.Errorf("public part of a completion %s, want %s", got, want)
	}
	if events.Public("note", "") != "" || events.Public("note", "{not json") != "" || events.Public("nosuchtype", "{}") != "" {
		t.Error("Public of no detail, an unreadable one or an unknown type is not empty")
	}
}

func mustEncode(t *testing.T, d events.Detail) string {
	t.Helper()
	s, err := events.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
