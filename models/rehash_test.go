package models_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// v1Chain writes, at schema 37, a case and n events sealed in format v1 (as the binary of that
// schema sealed them) and one event waiting for the sealer, and returns the head's hash.
func v1Chain(t *testing.T, st *models.Store, n int) string {
	t.Helper()
	db := models.GormForTest(st)
	exec := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	exec(`INSERT INTO controllers (slug, name, created_at, updated_at) VALUES ('c', 'ESOMUS', ?, ?)`, at, at)
	exec(`INSERT INTO sites (controller_id, slug, name, domain, created_at, updated_at) SELECT id, 's', 'S', 's.example', ?, ? FROM controllers`, at, at)
	exec(`INSERT INTO cases (reference, controller_id, site_id, status, email, language, country, received_at,
			received_on, due_on, target_on, answer_due_on, verify_expires_at, created_at, updated_at)
		SELECT 'DSR-2026-000042', controller_id, id, 'open', 'a@example.org', 'nl', 'BE', ?, '2026-03-02', '2026-04-02',
			'2026-03-22', '2026-04-02', ?, ?, ? FROM sites`, at, at, at, at)
	var caseID int64
	if err := db.Raw(`SELECT id FROM cases`).Scan(&caseID).Error; err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i := 1; i <= n+1; i++ {
		d := events.Note{Text: fmt.Sprintf("Called %s back, %d.", secret, i)}
		raw, err := events.Encode(d)
		if err != nil {
			t.Fatal(err)
		}
		e := models.Event{CaseID: caseID, At: at.Add(time.Duration(i) * time.Minute), ActorType: models.ActorSystem,
			Type: d.Type(), Message: events.English(d), Detail: raw}
		if i > n { // waiting for the sealer
			exec(`INSERT INTO events (case_id, at, actor_type, type, message, detail, public, appended_at) VALUES (?, ?, ?, ?, ?, ?, false, ?)`,
				e.CaseID, e.At, e.ActorType, e.Type, e.Message, e.Detail, e.At)
			break
		}
		e.Seq, e.PrevHash = int64(i), prev
		e.Hash = models.EventHashV1(e)
		prev = e.Hash
		exec(`INSERT INTO events (case_id, at, actor_type, type, message, detail, public, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, false, ?, ?, ?)`,
			e.CaseID, e.At, e.ActorType, e.Type, e.Message, e.Detail, e.Seq, e.PrevHash, e.Hash)
	}
	exec(`UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, n, prev)
	return prev
}

// Migration 38 checks a chain of format v1 and re-hashes it in v2: it verifies, every event has
// its salt and digest, the messages are unchanged, and the head keeps the v1 head it checked.
func TestMigrationRehashesTheChain(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 37)
			v1Head := v1Chain(t, st, 7)
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			db := models.GormForTest(st)
			var head struct {
				Seq        int64
				Hash       string
				V1Seq      int64
				V1Hash     string
				RehashedAt *time.Time
			}
			if err := db.Raw(`SELECT seq, hash, v1_seq, v1_hash, rehashed_at FROM audit_head`).Scan(&head).Error; err != nil {
				t.Fatal(err)
			}
			if head.Seq != 7 || head.V1Seq != 7 || head.V1Hash != v1Head || head.Hash == v1Head || head.RehashedAt == nil {
				t.Errorf("head after the migration: %+v", head)
			}
			var es []models.Event
			if err := db.Order("id").Find(&es).Error; err != nil {
				t.Fatal(err)
			}
			salts := map[string]bool{}
			for _, e := range es {
				if len(e.PersonalSalt) != 32 || salts[e.PersonalSalt] || e.PersonalDigest != models.PersonalDigest(e.PersonalSalt, e.Message, e.Detail) {
					t.Errorf("event %d: salt %q digest %q", e.ID, e.PersonalSalt, e.PersonalDigest)
				}
				salts[e.PersonalSalt] = true
			}
			if es[6].Hash != head.Hash || es[7].Seq != 0 {
				t.Errorf("last sealed %s, head %s; waiting event seq %d", es[6].Hash, head.Hash, es[7].Seq)
			}
			if n, err := st.SealEvents(ctx); err != nil || n != 1 {
				t.Fatalf("sealed %d, %v", n, err)
			}
			if r, err := st.VerifyAudit(ctx); err != nil || !r.OK || r.Events != 8 {
				t.Errorf("audit after the migration: %+v, %v", r, err)
			}
		})
	}
}

// A chain that does not verify in v1 is not re-hashed, which would make the tampering verify: the
// migration fails, says where, and changes nothing.
func TestMigrationRefusesToRehashABrokenChain(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 37)
			v1Head := v1Chain(t, st, 5)
			db := models.GormForTest(st)
			if err := db.Exec(`UPDATE events SET message = 'Nothing happened.', detail = '{"text":"Nothing happened."}' WHERE seq = 3`).Error; err != nil {
				t.Fatal(err)
			}
			_, err := st.Migrate(ctx)
			if !errors.Is(err, models.ErrChainBroken) || !strings.Contains(err.Error(), "event 3 (case DSR-2026-000042) was altered") {
				t.Fatalf("migrate: %v", err)
			}
			if current, _, err := st.SchemaVersion(ctx); err != nil || current != 37 {
				t.Errorf("schema at %d (%v), want 37", current, err)
			}
			var hash, salts string
			if err := db.Raw(`SELECT hash FROM audit_head`).Scan(&hash).Error; err != nil || hash != v1Head {
				t.Errorf("head %s (%v), want %s", hash, err, v1Head)
			}
			if err := db.Raw(`SELECT COALESCE(max(personal_salt), '') FROM events`).Scan(&salts).Error; err != nil || salts != "" {
				t.Errorf("salts written: %q (%v)", salts, err)
			}
		})
	}
}
