package retention_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/demo"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/retention"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// figures are what the record of the cases shows — every controller's dashboard, transparency
// page and CSV lines — as text, to compare before and after a purge.
func figures(t *testing.T, st *models.Store, today deadline.Date) string {
	return figuresOf(t, st, today, true)
}

// figuresOf is figures, with the CSV lines or without.
func figuresOf(t *testing.T, st *models.Store, today deadline.Date, csv bool) string {
	t.Helper()
	ctx := context.Background()
	cs, err := st.Controllers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range cs {
		f := models.StatsFilter{Controllers: []int64{c.ID}, Today: today, Since: deadline.NewDate(2026, 1, 1), Months: 60}
		d, err := st.Dashboard(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := st.Transparency(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s\ndashboard %+v\ntransparency %+v\n", c.Slug, d, tr)
		if !csv {
			continue
		}
		err = st.EachCaseLine(ctx, f, deadline.Date{}, deadline.Date{}, func(l models.CaseLine) error {
			days := -1
			if l.DaysTaken != nil {
				days = *l.DaysTaken
			}
			l.DaysTaken = nil
			fmt.Fprintf(&b, "csv %+v %d days %s\n", l, days, l.OnTime())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func total(lines []retention.Line) (l retention.Line) {
	for _, x := range lines {
		l.Answered += x.Answered
		l.Unconfirmed += x.Unconfirmed
		l.Held += x.Held
		l.Skipped += x.Skipped
		l.Withdrawals += x.Withdrawals
		l.WithdrawalsWaiting += x.WithdrawalsWaiting
		l.Records += x.Records
		l.RecordsHeld += x.RecordsHeld
	}
	return l
}

// demoCfg is the case service's configuration of the demo's letters.
var demoCfg = cases.Config{BaseURL: "http://demo.test", MailFrom: "Rightsdesk <no-reply@demo.test>", Secret: []byte("demo-test-secret-0123")}

// loadDemo loads the demo data as of a fixed day, which it returns.
func loadDemo(t *testing.T, st *models.Store) time.Time {
	t.Helper()
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	if _, err := demo.Load(context.Background(), st, demoCfg, now); err != nil {
		t.Fatal(err)
	}
	return now
}

type person struct {
	ID          int64
	Status      dsr.Status
	Email, Name string
}

// The demo's closed cases — completed, refused, withdrawn, expired — are purged once their
// controller's retention has passed, except the one on a legal hold: their personal data is gone
// from the case, its identifiers, letters, files and events; the dashboard, the transparency
// figures and the CSV lines are unchanged; the audit chain verifies; a second run purges nothing.
func TestPurge(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		now := loadDemo(t, st)
		db := models.GormForTest(st)
		var closed []person
		if err := db.Raw(`SELECT id, status, email, name FROM cases WHERE status IN ('completed', 'refused', 'withdrawn', 'expired') ORDER BY id`).
			Scan(&closed).Error; err != nil || len(closed) != 4 {
			t.Fatalf("closed demo cases: %v, %v", closed, err)
		}
		// Letters may still be queued in the demo (no mail worker here): as if sent.
		if err := db.Exec(`UPDATE letters SET status = 'sent', sent_at = ? WHERE status = 'queued'`, now).Error; err != nil {
			t.Fatal(err)
		}
		var held person
		for _, c := range closed {
			if c.Status == dsr.StatusRefused {
				held = c
			}
		}
		if err := db.Exec(`UPDATE cases SET held_at = ?, hold_reason = 'Claim announced by the requester''s lawyer.' WHERE id = ?`, now, held.ID).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := st.SealEvents(ctx); err != nil {
			t.Fatal(err)
		}
		today := deadline.NewDate(2031, 1, 1)
		before := figures(t, st, today)
		if !strings.Contains(before, "AnswerResult:refused") || !strings.Contains(before, "Complied:1") || !strings.Contains(before, "Withdrawn:1") {
			t.Fatalf("the figures do not show the closed cases:\n%s", before)
		}

		// Nothing is due today; the unconfirmed request is two months on; the answered ones in three years.
		for _, c := range []struct {
			at                            time.Time
			answered, unconfirmed, onHold int64
		}{{now, 0, 0, 0}, {now.AddDate(0, 2, 0), 0, 1, 0}, {now.AddDate(3, 2, 0), 2, 1, 1}} {
			lines, err := retention.Report(ctx, st, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := total(lines); got.Answered != c.answered || got.Unconfirmed != c.unconfirmed || got.Held != c.onHold || len(lines) != 2 {
				t.Errorf("report at %s: %+v", c.at.Format(time.DateOnly), lines)
			}
		}

		later := now.AddDate(3, 2, 0)
		lines, err := retention.Run(ctx, st, later, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if got := total(lines); got.Answered != 2 || got.Unconfirmed != 1 || got.Held != 1 || got.Skipped != 0 {
			t.Errorf("run: %+v", lines)
		}
		again, err := retention.Run(ctx, st, later.Add(time.Hour), quiet)
		if err != nil || total(again) != (retention.Line{Held: 1}) {
			t.Errorf("second run: %+v, %v", again, err)
		}

		for _, c := range closed {
			var left struct{ Case, Identifiers, Letters, Files, Events, Erasures int64 }
			q := `SELECT
				(SELECT count(*) FROM cases WHERE id = @id AND (email <> '' OR name <> '' OR details <> '' OR status_token_hash IS NOT NULL OR erased_at IS NULL)) AS "case",
				(SELECT count(*) FROM case_identifiers WHERE case_id = @id AND value <> '') AS identifiers,
				(SELECT count(*) FROM letters WHERE case_id = @id AND (recipient <> '' OR text_body <> '' OR html_body <> '')) AS letters,
				(SELECT count(*) FROM case_files WHERE case_id = @id) AS files,
				(SELECT count(*) FROM events WHERE case_id = @id AND (erased_at IS NULL OR personal_salt <> '') AND type <> 'personal_data_erased') AS events,
				(SELECT count(*) FROM events WHERE case_id = @id AND type = 'personal_data_erased') AS erasures`
			if err := db.Raw(q, map[string]any{"id": c.ID}).Scan(&left).Error; err != nil {
				t.Fatal(err)
			}
			var mentions int64
			like := "%" + c.Email + "%"
			if err := db.Raw(`SELECT (SELECT count(*) FROM events WHERE case_id = ? AND (message LIKE ? OR detail LIKE ?)) +
				(SELECT count(*) FROM letters WHERE case_id = ? AND (text_body LIKE ? OR recipient LIKE ?))`,
				c.ID, like, like, c.ID, like, like).Scan(&mentions).Error; err != nil {
				t.Fatal(err)
			}
			if c.ID == held.ID {
				if left.Case == 0 || left.Letters == 0 || left.Erasures != 0 || mentions == 0 {
					t.Errorf("held case %d was erased: %+v", c.ID, left)
				}
				continue
			}
			if left.Case+left.Identifiers+left.Letters+left.Files+left.Events != 0 || left.Erasures != 1 || mentions != 0 {
				t.Errorf("%s case %d after the purge: %+v, %d mentions of the e-mail", c.Status, c.ID, left, mentions)
			}
		}

		if _, err := st.SealEvents(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := st.VerifyAudit(ctx); err != nil || !r.OK {
			t.Errorf("audit after the purge: %+v, %v", r, err)
		}
		if after := figures(t, st, today); after != before {
			t.Errorf("the record changed:\nbefore %s\nafter  %s", before, after)
		}

		// Ten years on, the records of the erased cases go too, once rolled up; the held case
		// stays whole; the dashboard and disclosure figures stay; the events stay in the chain.
		if _, err := st.RollUp(ctx); err != nil {
			t.Fatal(err)
		}
		rolled := figuresOf(t, st, today, false)
		var eventsBefore int64
		if err := db.Raw(`SELECT count(*) FROM events`).Scan(&eventsBefore).Error; err != nil {
			t.Fatal(err)
		}
		if lines, err := retention.Report(ctx, st, now.AddDate(9, 6, 0)); err != nil || total(lines).Records != 0 {
			t.Errorf("records due before ten years: %+v, %v", lines, err)
		}
		decade := now.AddDate(10, 1, 0)
		if lines, err := retention.Report(ctx, st, decade); err != nil || total(lines).Records != 3 {
			t.Errorf("records due after ten years: %+v, %v", lines, err)
		}
		lines, err = retention.Run(ctx, st, decade, quiet)
		if err != nil || total(lines).Records != 3 || total(lines).Answered+total(lines).Unconfirmed != 0 {
			t.Fatalf("second stage: %+v, %v", lines, err)
		}
		for _, c := range closed {
			var rows, evs int64
			if err := db.Raw(`SELECT (SELECT count(*) FROM cases WHERE id = @id) + (SELECT count(*) FROM case_kinds WHERE case_id = @id) +
				(SELECT count(*) FROM letters WHERE case_id = @id) AS rows`, map[string]any{"id": c.ID}).Scan(&rows).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Raw(`SELECT count(*) FROM events WHERE case_id = ?`, c.ID).Scan(&evs).Error; err != nil {
				t.Fatal(err)
			}
			if held := c.ID == held.ID; held == (rows == 0) || evs == 0 {
				t.Errorf("case %d (%s, held %v) after the second stage: %d rows, %d events", c.ID, c.Status, held, rows, evs)
			}
		}
		var deletions []models.Event
		if err := db.Where("type = 'record_deleted'").Order("id").Find(&deletions).Error; err != nil || len(deletions) != 3 ||
			deletions[0].CaseID != 0 || deletions[0].ControllerID == 0 || !strings.Contains(deletions[0].Message, "Record of case DSR-2026-") {
			t.Errorf("record_deleted events: %+v, %v", deletions, err)
		}
		var eventsAfter int64
		if err := db.Raw(`SELECT count(*) FROM events`).Scan(&eventsAfter).Error; err != nil || eventsAfter != eventsBefore+3 {
			t.Errorf("events: %d before, %d after (%v)", eventsBefore, eventsAfter, err)
		}
		if _, err := st.SealEvents(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := st.VerifyAudit(ctx); err != nil || !r.OK {
			t.Errorf("audit after the second stage: %+v, %v", r, err)
		}
		if after := figuresOf(t, st, today, false); after != rolled {
			t.Errorf("the figures changed with the records:\nbefore %s\nafter  %s", rolled, after)
		}
		if again, err := retention.Run(ctx, st, decade.Add(time.Hour), quiet); err != nil || total(again).Records != 0 {
			t.Errorf("second run of the second stage: %+v, %v", again, err)
		}
	})
}

// EraseCase refuses what must not be erased — an open case, a held one, one erased already, one
// with a letter on its way — and a run skips such a case and counts it; staff cannot add to an
// erased case.
func TestWhatIsNotErased(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		now := loadDemo(t, st)
		db := models.GormForTest(st)
		id := func(status dsr.Status) (c struct {
			ID        int64
			Reference string
		}) {
			t.Helper()
			if err := db.Raw(`SELECT id, reference FROM cases WHERE status = ? ORDER BY id LIMIT 1`, status).Scan(&c).Error; err != nil || c.ID == 0 {
				t.Fatalf("a %s case: %v", status, err)
			}
			return c
		}
		erase := func(caseID int64) error {
			return st.InTx(ctx, func(tx *models.Tx) error {
				_, err := tx.EraseCase(ctx, caseID, now, events.PersonalDataErased{Days: 1})
				return err
			})
		}
		open, completed, refused := id(dsr.StatusInProgress), id(dsr.StatusCompleted), id(dsr.StatusRefused)
		if err := db.Exec(`UPDATE letters SET status = 'sent' WHERE case_id <> ?`, refused.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(`UPDATE letters SET status = 'queued' WHERE case_id = ?`, refused.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := erase(open.ID); !errors.Is(err, models.ErrNotErasable) {
			t.Errorf("an open case: %v", err)
		}
		if err := erase(refused.ID); !errors.Is(err, models.ErrNotErasable) || !strings.Contains(err.Error(), "letter") {
			t.Errorf("a case with a queued letter: %v", err)
		}
		if err := db.Exec(`UPDATE cases SET held_at = ?, hold_reason = 'Dispute.' WHERE id = ?`, now, completed.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := erase(completed.ID); !errors.Is(err, models.ErrNotErasable) || !strings.Contains(err.Error(), "hold") {
			t.Errorf("a held case: %v", err)
		}
		if err := db.Exec(`UPDATE cases SET held_at = NULL, hold_reason = '' WHERE id = ?`, completed.ID).Error; err != nil {
			t.Fatal(err)
		}
		if err := erase(completed.ID); err != nil {
			t.Fatal(err)
		}
		if err := erase(completed.ID); !errors.Is(err, models.ErrNotErasable) {
			t.Errorf("erased twice: %v", err)
		}

		// A run skips the case whose letter is still queued, and says so.
		lines, err := retention.Run(ctx, st, now.AddDate(4, 0, 0), quiet)
		if err != nil {
			t.Fatal(err)
		}
		if got := total(lines); got.Skipped != 1 || got.Answered != 1 || got.Unconfirmed != 1 {
			t.Errorf("run with a queued letter: %+v", lines)
		}

		svc, err := cases.New(st, demoCfg)
		if err != nil {
			t.Fatal(err)
		}
		var staff models.User
		if err := db.Where("role = 'admin'").First(&staff).Error; err != nil {
			t.Fatal(err)
		}
		var ctrl int64
		if err := db.Raw(`SELECT controller_id FROM cases WHERE id = ?`, completed.ID).Scan(&ctrl).Error; err != nil {
			t.Fatal(err)
		}
		a := cases.Actor{UserID: staff.ID, Name: staff.Name, Role: staff.Role, Controllers: []int64{ctrl}}
		err = svc.AddNote(ctx, a, completed.Reference, "Called the requester back.")
		if !errors.Is(err, dsr.ErrRefused) || !strings.Contains(err.Error(), "erased") {
			t.Errorf("a note on an erased case: %v", err)
		}
	})
}

// Consent withdrawals made on the consent page are erased like answered cases — e-mail address,
// identifiers, confirmation letter — once handled; one the privacy team has not handled yet is
// kept and counted; the organisation's event says how many; the chain verifies.
func TestWithdrawalsErased(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		now := loadDemo(t, st)
		db := models.GormForTest(st)
		if err := db.Exec(`UPDATE letters SET status = 'sent'`).Error; err != nil {
			t.Fatal(err)
		}
		site, err := st.SiteBySlug(ctx, "esomus")
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i, handled := range []bool{true, false} {
			w := models.ConsentWithdrawal{Scope: models.ScopeAll, Categories: "analytics", Language: "fr",
				Email: fmt.Sprintf("visitor%d@example.org", i), WithdrawnAt: now,
				Identifiers: []models.ConsentIdentifier{{CookieName: "UID", Value: fmt.Sprintf("u-secret-%d", i), Provenance: dsr.ProvenanceBrowser}}}
			if handled {
				w.HandledAt = &now
			}
			if err := st.InTx(ctx, func(tx *models.Tx) error {
				_, err := tx.RecordWithdrawal(ctx, nil, &w, site, now)
				if err != nil {
					return err
				}
				return tx.QueueLetter(ctx, nil, &models.Letter{WithdrawalID: &w.ID, Kind: "consent_withdrawn", Language: "fr", Sender: "x@demo.test",
					Recipient: w.Email, Subject: "Receipt " + w.Receipt, TextBody: "Dear visitor " + w.Email, Status: models.LetterSent, CreatedAt: now,
					MessageID: "<" + w.Receipt + "@demo.test>"})
			}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, w.ID)
		}
		later := now.AddDate(3, 1, 0)
		lines, err := retention.Report(ctx, st, later)
		if err != nil || total(lines).Withdrawals != 1 || total(lines).WithdrawalsWaiting != 1 {
			t.Fatalf("report: %+v, %v", lines, err)
		}
		if early, _ := retention.Report(ctx, st, now.AddDate(2, 0, 0)); total(early).Withdrawals+total(early).WithdrawalsWaiting != 0 {
			t.Errorf("withdrawals due after two years: %+v", early)
		}
		lines, err = retention.Run(ctx, st, later, quiet)
		if err != nil || total(lines).Withdrawals != 1 || total(lines).WithdrawalsWaiting != 1 {
			t.Fatalf("run: %+v, %v", lines, err)
		}
		for i, id := range ids {
			var left struct{ Personal, Receipts int64 }
			if err := db.Raw(`SELECT
				(SELECT count(*) FROM consent_withdrawals WHERE id = @id AND email <> '') +
				(SELECT count(*) FROM consent_identifiers WHERE withdrawal_id = @id AND value <> '') +
				(SELECT count(*) FROM letters WHERE withdrawal_id = @id AND (recipient <> '' OR text_body <> '')) AS personal,
				(SELECT count(*) FROM consent_withdrawals WHERE id = @id AND receipt <> '') AS receipts`, map[string]any{"id": id}).Scan(&left).Error; err != nil {
				t.Fatal(err)
			}
			if want := int64(3 * i); left.Personal != want || left.Receipts != 1 {
				t.Errorf("withdrawal %d (handled %v): %+v, want %d personal values left and its receipt", id, i == 0, left, want)
			}
		}
		var ev models.Event
		if err := db.Where("type = 'withdrawals_erased'").First(&ev).Error; err != nil || ev.CaseID != 0 || ev.ControllerID != site.ControllerID ||
			!strings.Contains(ev.Message, "1 consent withdrawal(s)") {
			t.Errorf("event: %+v, %v", ev, err)
		}
		if again, err := retention.Run(ctx, st, later, quiet); err != nil || total(again).Withdrawals != 0 {
			t.Errorf("second run: %+v, %v", again, err)
		}
		if _, err := st.SealEvents(ctx); err != nil {
			t.Fatal(err)
		}
		if r, err := st.VerifyAudit(ctx); err != nil || !r.OK {
			t.Errorf("audit: %+v, %v", r, err)
		}
	})
}
