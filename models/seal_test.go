package models_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// A crash between append and sealing loses nothing: events committed by a process that never
// sealed are sealed by the next process's sealer, once each.
func TestEventsAppendedBeforeACrashAreSealedByTheNextSealer(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			o := testdb.Migrated(t, d)
			first, err := models.Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			caseID := newCase(t, first, "DSR-2026-000001")
			for i := 0; i < 7; i++ {
				if err := first.InTx(ctx, func(tx *models.Tx) error {
					appendEvent(t, tx.Store, caseID, i)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			first.Close() // the process dies before any sealer ran

			next, err := models.Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			defer next.Close()
			if r := verify(t, next); !r.OK || r.Events != 0 || r.Unsealed != 7 {
				t.Fatalf("before sealing: %+v", r)
			}
			sealN(t, next, 7)
			sealN(t, next, 0)
			if r := verify(t, next); !r.OK || r.Events != 7 || r.HeadSeq != 7 || r.Unsealed != 0 {
				t.Fatalf("after sealing: %+v", r)
			}
			checkSeqs(t, next, 7)
		})
	}
}

// Two replicas sealing at once, many times over, never fork the chain: each event gets one seq,
// the seqs run without a gap, and the chain verifies. The replicas are two stores (two connection
// pools; on SQLite two connections to one file).
func TestTwoSealersNeverForkTheChain(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			o := testdb.Migrated(t, d)
			var sts [2]*models.Store
			for i := range sts {
				st, err := models.Open(ctx, o)
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				sts[i] = st
			}
			caseID := newCase(t, sts[0], "DSR-2026-000001")
			const rounds, each = 30, 12
			for round := 0; round < rounds; round++ {
				for i := 0; i < each; i++ {
					appendEvent(t, sts[i%2], caseID, round*each+i)
				}
				var wg sync.WaitGroup
				var got [2]int
				var errs [2]error
				for i, st := range sts {
					wg.Add(1)
					go func() {
						defer wg.Done()
						got[i], errs[i] = st.SealEvents(ctx)
					}()
				}
				wg.Wait()
				for _, err := range errs {
					if err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
				if got[0]+got[1] != each {
					t.Fatalf("round %d: the sealers sealed %d and %d events, want %d in all", round, got[0], got[1], each)
				}
			}
			if r := verify(t, sts[1]); !r.OK || r.Events != rounds*each || r.Unsealed != 0 {
				t.Fatalf("after %d rounds: %+v", rounds, r)
			}
			checkSeqs(t, sts[0], rounds*each)
		})
	}
}

// An event that waits more than a minute to be sealed fails the check, with a plain reason that
// quotes nothing of the event; its age is measured on appended_at, not on the event's instant.
func TestUnsealedEventOlderThanAMinuteFailsTheCheck(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		caseID := newCase(t, st, "DSR-2026-000001")
		appendEvent(t, st, caseID, 0)
		sealN(t, st, 1)

		// An event about the past, appended now: waiting, not late.
		past := models.Event{CaseID: caseID, At: time.Now().Add(-48 * time.Hour), ActorType: models.ActorSystem, Type: "note", Message: secret}
		if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.AppendEvent(ctx, &past, events.Note{Text: past.Message}) }); err != nil {
			t.Fatal(err)
		}
		if r := verify(t, st); !r.OK || r.Unsealed != 1 || r.OldestUnsealed > time.Minute || r.SealLate {
			t.Fatalf("an event about the past, just appended: %+v", r)
		}

		// The sealer stopped two minutes ago.
		db := models.GormForTest(st)
		if err := db.Exec(`UPDATE events SET appended_at = ? WHERE id = ?`, time.Now().UTC().Add(-2*time.Minute), past.ID).Error; err != nil {
			t.Fatal(err)
		}
		appendEvent(t, st, caseID, 2)
		if at, ok, err := st.OldestUnsealed(ctx); err != nil || !ok || time.Since(at) < 2*time.Minute {
			t.Errorf("the oldest unsealed event for the metric: %v %v %v", at, ok, err)
		}
		r := verify(t, st)
		want := fmt.Sprintf("2 event(s) are not sealed into the chain yet, and the oldest (event id %d, case DSR-2026-000001) has waited 2m0s, more than 1m0s", past.ID)
		if r.OK || r.Broken || !r.SealLate || r.BrokenSeq != 0 || r.Unsealed != 2 || r.OldestUnsealed < 2*time.Minute ||
			r.Events != 1 || !strings.HasPrefix(r.Problem, want) {
			t.Fatalf("with an event waiting two minutes: %+v\nwant %q", r, want)
		}
		if strings.Contains(r.Problem, "alice") || strings.Contains(r.Problem, "Alice") {
			t.Errorf("the report quotes personal data: %q", r.Problem)
		}

		// A broken chain is reported first, and late sealing still counted.
		if err := db.Exec(`UPDATE events SET message = 'nothing happened' WHERE seq = 1`).Error; err != nil {
			t.Fatal(err)
		}
		if r := verify(t, st); r.OK || !r.Broken || !r.SealLate || r.BrokenSeq != 1 || !strings.HasPrefix(r.Problem, "event 1 (case DSR-2026-000001) was altered") {
			t.Fatalf("broken and late: %+v", r)
		}
	})
}

// The honest limit of sealing after the fact: a row slipped into events without a seq is sealed
// like an appended event. Since format v2 one without a salt and digest is reported once sealed;
// one whose writer computed them as Rightsdesk does is indistinguishable from a genuine event
// (README, audit section). Timelines show both meanwhile.
func TestARowInsertedWithoutSeqIsSealedLikeAnyOther(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		es := chain(t, st)
		db := models.GormForTest(st)
		salt := "00112233445566778899aabbccddeeff"
		detail := `{"text":"` + secret + `"}`
		if err := db.Exec(`INSERT INTO events (case_id, at, actor_type, type, message, detail, personal_salt, personal_digest, public)
			VALUES (?, ?, 'system', 'note', ?, ?, ?, ?, true)`,
			es[4].CaseID, time.Now().UTC(), secret, detail, salt, models.PersonalDigest(salt, secret, detail)).Error; err != nil {
			t.Fatal(err)
		}
		if tl, err := st.Timeline(context.Background(), es[4].CaseID); err != nil || len(tl) != 4 {
			t.Fatalf("timeline with an unsealed event: %d events, %v", len(tl), err)
		}
		if r := verify(t, st); !r.OK || r.Unsealed != 1 {
			t.Fatalf("with a row waiting: %+v", r)
		}
		sealN(t, st, 1)
		if r := verify(t, st); !r.OK || r.Events != 11 || r.Unsealed != 0 {
			t.Fatalf("after sealing it: %+v", r)
		}

		if err := db.Exec(`INSERT INTO events (case_id, at, actor_type, type, message, public) VALUES (?, ?, 'system', 'note', ?, true)`,
			es[4].CaseID, time.Now().UTC(), secret).Error; err != nil {
			t.Fatal(err)
		}
		sealN(t, st, 1)
		if r := verify(t, st); r.OK || r.BrokenSeq != 12 || !strings.Contains(r.Problem, "it was not written by Rightsdesk") {
			t.Fatalf("after sealing a row without a digest: %+v", r)
		}
	})
}

// The audit log lists events waiting to be sealed (seq 0) among the sealed ones, by (at, id), and
// pages through them without repeating or skipping one.
func TestAuditLogShowsEventsWaitingToBeSealed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		caseID := newCase(t, st, "DSR-2026-000001")
		var c models.Case
		if err := models.GormForTest(st).First(&c, caseID).Error; err != nil {
			t.Fatal(err)
		}
		at := time.Now().UTC().Truncate(time.Second)
		var ids []int64
		for i := 0; i < 7; i++ {
			e := models.Event{CaseID: caseID, At: at.Add(time.Duration(i/2) * time.Second), ActorType: models.ActorSystem, Type: "note"}
			if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.AppendEvent(ctx, &e, events.Note{Text: e.Message}) }); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, e.ID)
			if i == 3 {
				sealN(t, st, 4)
			}
		}
		var got []models.AuditEntry
		f := models.AuditFilter{Controllers: []int64{c.ControllerID}, Limit: 3}
		for {
			page, err := st.AuditLog(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page.Entries...)
			if page.Next.IsZero() {
				break
			}
			f.After = models.ParseAuditCursor(page.Next.Encode())
		}
		if len(got) != 7 {
			t.Fatalf("%d entries, want 7", len(got))
		}
		for i, e := range got {
			want := ids[6-i]
			wantSeq := int64(0)
			if want <= ids[3] {
				wantSeq = int64(4 - (i - 3))
			}
			if e.ID != want || e.Seq != wantSeq {
				t.Errorf("entry %d: id %d seq %d, want id %d seq %d", i, e.ID, e.Seq, want, wantSeq)
			}
		}
	})
}
