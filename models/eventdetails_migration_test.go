package models_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/locale"
	"rightsdesk/models"
	"rightsdesk/views"
)

// timelineSentences are the public events of the golden timeline (views/testdata) as the binary
// of schema 33 wrote them: its sentences, in that order.
var timelineSentences = [][2]string{
	{"filed", "Request filed (Access, Erasure); e-mail confirmation sent."},
	{"verified", "E-mail address confirmed; the request is open. Acknowledgement queued."},
	{"extended", "Deadline extended under Art. 12(3) from 2026-04-02 to 2026-06-02. Reasons: Veel systemen.. Extension notice to the requester queued (owed by 2026-04-02)."},
	{"info_requested", "Information requested from the requester: Welke browser?"},
	{"info_requested", "Information requested from the requester (identity, Art. 12(6)), to answer by 2026-03-24: Uw klantnummer?\nEn uw adres."},
	{"clock_paused", "Clock paused on 2026-03-10 until the requester answers the identity question (Art. 12(6)); the answer was due by 2026-06-02."},
	{"clock_resumed", "Clock resumed on 2026-03-11 (the requester answered) after 1 day(s) paused from 2026-03-10: the answer is due by 2026-06-03 (was 2026-06-02); the one-month date, the limit for a refusal, is now 2026-04-03."},
	{"clock_resumed", "Clock resumed on 2026-04-25 (the request is withdrawn) after 46 day(s) paused from 2026-03-10: the answer is due by 2026-05-21 (was 2026-04-05)."},
	{"replied", "The requester answered: Firefox."},
	{"completed", "Request answered: Access: complied with; Erasure: refused (An exception of Article 17(3) applies to the erasure)."},
	{"completed", "Request answered: Access: complied with; Erasure: complied with. The information of Article 15 given item by item. 2 file(s) to download until 1 April 2026."},
	{"completed", "Request answered: Access: complied with in part (The request is manifestly excessive, in particular repetitive (Art. 12(5))); Erasure: complied with. 1 file(s) to download until 1 April 2026."},
	{"refused", "Request refused. Ground: Your identity could not be confirmed (Art. 12(6) and 11(2)). Reasons: Geen bewijs."},
	{"restriction_lifting", "The restriction of processing (Art. 18) will be lifted on 15 April 2026; the requester is informed before it (Art. 18(3)). Reasons: La vérification est terminée.\nMerci."},
	{"withdrawn", "The requester withdrew the request. Confirmation queued."},
	{"withdrawn", "Closed as withdrawn at the requester's request: e-mail of 3 March"},
	{"expired", "The e-mail address was not confirmed within 14 days; the request expired."},
	{"clock_resumed", "Clock resumed, in a wording no migration reads."},
}

// olderSentences are sentences of older wordings (git log -p cases/) and of the staff's events,
// with whether the migration reads them and whether their detail is legacy (English says them
// otherwise now).
var olderSentences = []struct {
	typ, msg     string
	read, legacy bool
}{
	{"verified", "E-mail address confirmed; the request is open. Acknowledgement sent.", true, true},
	{"withdrawn", "The requester withdrew the request. Confirmation sent.", true, true},
	{"completed", "Request answered: Access, Erasure. 2 file(s) to download until 3 January 2026.", true, false},
	{"completed", "Request answered: Access, Erasure.", true, false},
	{"expired", "Closed as expired by staff: the e-mail address was never confirmed.", true, false},
	{"assigned", "Claimed by Ann Smith.", true, false},
	{"identifier_checked", "Identifier _ga=GA1.2.3 does not belong to the requester: No match.", true, false},
	{"note", "Called back; no answer.", true, false},
	{"recipients_told", "Recipients (Art. 19): Google: told on 24 March 2026; Meta: not told: it proved impossible (No contact.).", true, false},
	{"refusal_late", "Refused after 2 April 2026, the one-month date of Article 12(4), with the acknowledgement that it is late; counted late.", true, false},
	{"letter_failed", "The letter “Your request” could not be delivered: 550 no such user", true, false},
	{"reminder_late", "Reminder sent: the answer is due by 2026-03-24 (2 working days left). To: Ann Smith, Bob.", true, false},
	{"escalation", "Escalated to the managers: the answer was due by 2026-03-24.", true, false},
	{"consent_recorded", "Consent withdrawal recorded as CW-1, dated when the requester asked; the site has no webhook.", true, false},
	{"extended", "Deadline extended, in a wording no migration reads.", false, false},
}

// Events written by the binary of schema 33 get their details from the data migration 00035: the
// requester's timeline read from them is the golden one, in every language; older wordings are
// read too, marked legacy where English says them otherwise now; what no rule reads keeps no
// detail and shows its message. The chain verifies after the migration.
func TestMigrationGivesEventsTheirDetails(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 33)
			db := models.GormForTest(st)
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
			exec(`INSERT INTO controllers (slug, name, created_at, updated_at) VALUES ('c', 'ESOMUS', ?, ?)`, at, at)
			exec(`INSERT INTO sites (controller_id, slug, name, domain, created_at, updated_at)
				SELECT id, 's', 'S', 's.example', ?, ? FROM controllers`, at, at)
			exec(`INSERT INTO cases (reference, controller_id, site_id, status, email, language, country, received_at,
					received_on, due_on, target_on, answer_due_on, verify_expires_at, refusal_ground, created_at, updated_at)
				SELECT 'DSR-2026-000042', controller_id, id, 'refused', 'a@example.org', 'nl', 'BE', ?, '2026-03-02', '2026-04-02',
					'2026-03-22', '2026-04-02', ?, 'identity_not_confirmed', ?, ?
				FROM sites`, at, at, at, at)
			exec(`INSERT INTO case_kinds (case_id, kind) SELECT id, 'access' FROM cases`)
			exec(`INSERT INTO case_kinds (case_id, kind) SELECT id, 'erasure' FROM cases`)
			for i, name := range []string{"data.csv", "mails.zip"} {
				exec(`INSERT INTO case_files (case_id, kind, name, content_type, size_bytes, sha256, data, created_at, expires_at)
					SELECT id, 'access', ?, 'text/csv', ?, '', ?, ?, ? FROM cases`, name, 3+i, []byte("abc"), at, at.Add(30*24*time.Hour))
			}
			insert := func(typ, msg string, public bool) {
				actor := models.ActorSystem
				if public {
					actor = models.ActorRequester
				}
				exec(`INSERT INTO events (case_id, at, actor_type, type, message, public, appended_at)
					SELECT id, ?, ?, ?, ?, ?, ? FROM cases`, at, actor, typ, msg, public, at)
			}
			for _, s := range timelineSentences {
				insert(s[0], s[1], true)
			}
			for _, s := range olderSentences {
				insert(s.typ, s.msg, false)
			}

			if _, err := st.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
			var es []models.Event
			if err := db.Order("id").Find(&es).Error; err != nil {
				t.Fatal(err)
			}
			if len(es) != len(timelineSentences)+len(olderSentences) {
				t.Fatalf("%d events", len(es))
			}
			for i, e := range es[:len(timelineSentences)] {
				unread := i == len(timelineSentences)-1
				if (e.Detail == "") != unread || events.IsLegacy(e.Detail) {
					t.Errorf("%s %q: detail %s", e.Type, e.Message, e.Detail)
				}
			}
			for i, s := range olderSentences {
				e := es[len(timelineSentences)+i]
				if (e.Detail != "") != s.read || events.IsLegacy(e.Detail) != s.legacy {
					t.Errorf("%s %q: detail %s", e.Type, e.Message, e.Detail)
				}
				if det, ok := e.Decoded(); s.read && !s.legacy && (!ok || events.English(det) != e.Message) {
					t.Errorf("%s: the detail says %v, not %q", e.Type, det, e.Message)
				}
			}
			if det, ok := es[10].Decoded(); !ok || det.(events.Completed).Files[1].Name != "mails.zip" || det.(events.Completed).Files[1].Size != 4 {
				t.Errorf("the answer's files: %+v", det)
			}

			// The status page's timeline, from the details, is the golden one.
			var c models.Case
			if err := db.Preload("Controller").Preload("Kinds").First(&c).Error; err != nil {
				t.Fatal(err)
			}
			for _, lang := range locale.Languages {
				lctx := locale.WithLanguage(ctx, lang)
				var b strings.Builder
				for _, e := range es[:len(timelineSentences)] {
					got := views.TimelineText(lctx, c, e)
					fmt.Fprintf(&b, "%s [%s] %q\n", e.Type, got.Lang, got.Text)
				}
				want, err := os.ReadFile(filepath.Join("..", "views", "testdata", "timeline."+lang+".golden"))
				if err != nil {
					t.Fatal(err)
				}
				if b.String() != string(want) {
					t.Errorf("%s: the migrated timeline differs from the golden one:\n%s", lang, b.String())
				}
			}

			if _, err := st.SealEvents(ctx); err != nil {
				t.Fatal(err)
			}
			if r, err := st.VerifyAudit(ctx); err != nil || !r.OK {
				t.Errorf("audit after the migration: %+v, %v", r, err)
			}
			if again, err := st.Migrate(ctx); err != nil || len(again) != 0 {
				t.Errorf("a second migrate applied %v (%v)", again, err)
			}

			// A changed detail cannot pass for legacy: a legacy detail must be the one the migration
			// reads from the event's sentence, which the hash covers.
			if err := db.Order("id").Find(&es).Error; err != nil { // sealed now: with their seq
				t.Fatal(err)
			}
			var legacy, current models.Event
			for _, e := range es {
				switch {
				case events.IsLegacy(e.Detail) && legacy.ID == 0:
					legacy = e
				case e.Type == "info_requested" && !events.IsLegacy(e.Detail) && e.Detail != "" && current.ID == 0:
					current = e
				}
			}
			if legacy.ID == 0 || current.ID == 0 {
				t.Fatal("the test needs a legacy detail and a current question")
			}
			forged, err := events.EncodeLegacy(events.InfoRequested{Question: "Send us a copy of your passport."})
			if err != nil {
				t.Fatal(err)
			}
			for _, tamper := range []struct {
				e      models.Event
				detail string
			}{{current, forged}, {legacy, strings.Replace(legacy.Detail, `"legacy":true`, `"legacy":true,"x":1`, 1)}} {
				if err := db.Exec(`UPDATE events SET detail = ? WHERE id = ?`, tamper.detail, tamper.e.ID).Error; err != nil {
					t.Fatal(err)
				}
				r, err := st.VerifyAudit(ctx)
				if err != nil || r.OK || r.BrokenSeq != tamper.e.Seq {
					t.Errorf("a forged legacy detail on %s (seq %d): %+v, %v", tamper.e.Type, tamper.e.Seq, r, err)
				}
				if err := db.Exec(`UPDATE events SET detail = ? WHERE id = ?`, tamper.e.Detail, tamper.e.ID).Error; err != nil {
					t.Fatal(err)
				}
			}
			if r, err := st.VerifyAudit(ctx); err != nil || !r.OK {
				t.Errorf("audit once restored: %+v, %v", r, err)
			}
		})
	}
}
