package models_test

import (
	"context"
	"testing"
	"time"

	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// An event without a case — an admin's action on an organisation, or on the whole portal — is
// sealed into the same chain, its organisation hashed; the audit log lists it in its
// organisation's scope, and the portal's own only to admins (System); moving it to another
// organisation breaks the chain.
func TestEventsWithoutACase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		caseID := newCase(t, st, "DSR-2026-000001")
		other := newCase(t, st, "DSR-2026-000002")
		var ctrl, otherCtrl int64
		db := models.GormForTest(st)
		if err := db.Raw(`SELECT controller_id FROM cases WHERE id = ?`, caseID).Scan(&ctrl).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Raw(`SELECT controller_id FROM cases WHERE id = ?`, other).Scan(&otherCtrl).Error; err != nil {
			t.Fatal(err)
		}
		appendEvent(t, st, caseID, 1)
		for _, e := range []models.Event{
			{ControllerID: ctrl, At: time.Now(), ActorType: models.ActorStaff},
			{At: time.Now(), ActorType: models.ActorStaff},
		} {
			if err := st.InTx(ctx, func(tx *models.Tx) error {
				return tx.AppendEvent(ctx, &e, events.Note{Text: "An admin's action."})
			}); err != nil {
				t.Fatal(err)
			}
		}
		sealN(t, st, 3)
		if r := verify(t, st); !r.OK || r.Events != 3 {
			t.Fatalf("chain with events without a case: %+v", r)
		}
		var nulls int64
		if err := db.Raw(`SELECT count(*) FROM events WHERE case_id IS NULL`).Scan(&nulls).Error; err != nil || nulls != 2 {
			t.Errorf("%d events without a case stored as NULL (%v)", nulls, err)
		}

		for _, c := range []struct {
			f    models.AuditFilter
			want int
		}{
			{models.AuditFilter{Controllers: []int64{ctrl}}, 2},
			{models.AuditFilter{Controllers: []int64{ctrl}, System: true}, 3},
			{models.AuditFilter{Controllers: []int64{otherCtrl}, System: true}, 1},
			{models.AuditFilter{Controllers: []int64{ctrl, otherCtrl}, ControllerID: otherCtrl, System: true}, 0},
			{models.AuditFilter{Controllers: []int64{ctrl}, Reference: "DSR-2026-000001"}, 1},
		} {
			page, err := st.AuditLog(ctx, c.f)
			if err != nil || len(page.Entries) != c.want {
				t.Errorf("%+v: %d entries, want %d (%v)", c.f, len(page.Entries), c.want, err)
			}
		}

		if err := db.Exec(`UPDATE events SET controller_id = ? WHERE controller_id = ?`, otherCtrl, ctrl).Error; err != nil {
			t.Fatal(err)
		}
		if r := verify(t, st); r.OK || r.BrokenSeq != 2 {
			t.Errorf("an admin's event moved to another organisation: %+v", r)
		}
	})
}
