package models_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// The encodings documented on EventHash and PersonalDigest, recomputed outside Go (ns prints a
// netstring: ns(){ printf '%d:%s,' "$(printf '%s' "$1" | wc -c)" "$1"; }):
//
//	{ ns rightsdesk.personal.v1; ns 00112233445566778899aabbccddeeff; ns 'Request filed.'; ns '{"text":"Request filed."}'; } | sha256sum
//	printf '%s' '19:rightsdesk.event.v2,1:1,1:7,1:0,30:2026-01-31T23:30:00.123456000Z,9:requester,1:0,4:note,0:,10:unverified,11:{"text":""},64:9fee49afcc33f3b683c54549d6975f306cfd8755c2b9fd53364dad6dc5773c75,4:true,0:,' | sha256sum
//
// and format v1, which migration 38 checks before re-hashing:
//
//	printf '%s' '19:rightsdesk.event.v1,1:1,1:7,30:2026-01-31T23:30:00.123456000Z,9:requester,1:0,5:filed,0:,10:unverified,14:Request filed.,4:true,0:,' | sha256sum
func TestEventHashIsTheDocumentedEncoding(t *testing.T) {
	at := time.Date(2026, 2, 1, 0, 30, 0, 123456000, time.FixedZone("CET", 3600))
	salt, detail := "00112233445566778899aabbccddeeff", `{"text":"Request filed."}`
	digest := models.PersonalDigest(salt, "Request filed.", detail)
	if want := "9fee49afcc33f3b683c54549d6975f306cfd8755c2b9fd53364dad6dc5773c75"; digest != want {
		t.Errorf("digest %s, want %s", digest, want)
	}
	v2 := models.Event{Seq: 1, CaseID: 7, At: at, ActorType: models.ActorRequester, Type: "note", ToStatus: dsr.StatusUnverified,
		Message: "Request filed.", Detail: detail, PersonalSalt: salt, PersonalDigest: digest, Public: true}
	if got, want := models.EventHash(v2), "b1cf0720be70583ca5a17ccc0b57cfff17c43dfe23e9309eb4ef43e896939dae"; got != want {
		t.Errorf("v2 event: %s, want %s", got, want)
	}
	// Erased, it hashes the same: the public detail as stored, the digest kept.
	now := time.Now()
	erased := v2
	erased.Message, erased.Detail, erased.PersonalSalt, erased.ErasedAt = "", `{"text":""}`, "", &now
	if models.EventHash(erased) != models.EventHash(v2) {
		t.Error("the erased event no longer hashes the same")
	}

	first := models.Event{Seq: 1, CaseID: 7, At: at,
		ActorType: models.ActorRequester, Type: "filed", ToStatus: dsr.StatusUnverified, Message: "Request filed.", Public: true}
	if got, want := models.EventHashV1(first), "80d5bb4522b21075a40c9df660ae46997189f0f19be132514408f401c4b7981f"; got != want {
		t.Errorf("first event: %s, want %s", got, want)
	}
	staff := int64(42)
	second := models.Event{Seq: 2, CaseID: 7, At: time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC), ActorType: models.ActorStaff,
		ActorUserID: &staff, Type: "verified", FromStatus: dsr.StatusUnverified, ToStatus: dsr.StatusOpen,
		Message: "Adresse confirmée ✓.", PrevHash: models.EventHashV1(first)}
	if got, want := models.EventHashV1(second), "93c2fe5d4d7a9b4a45c8a0dc74799a44e0c62ceca6f47afa854201aa2129e530"; got != want {
		t.Errorf("second event: %s, want %s", got, want)
	}

	// Moving bytes from one field to the next changes the hash.
	a, b := first, first
	a.Type, a.Message = "filed", "x,y"
	b.Type, b.Message = "filed,1:x", "y"
	if models.EventHashV1(a) == models.EventHashV1(b) {
		t.Error("two different events hash the same")
	}
	a, b = v2, v2
	a.Type, a.PersonalDigest = "note", "x,y"
	b.Type, b.PersonalDigest = "note,1:x", "y"
	if models.EventHash(a) == models.EventHash(b) {
		t.Error("two different events hash the same")
	}
}

// newCase creates a controller, a site and a case with reference ref, and returns the case's id.
func newCase(t testing.TB, st *models.Store, ref string) int64 {
	t.Helper()
	ctx := context.Background()
	slug := strings.ToLower(ref)
	ctrl := models.Controller{Slug: slug, Name: "Controller " + ref, Country: "BE", TimeZone: "Europe/Brussels",
		LeadAuthority: "BE", DefaultLanguage: "fr"}
	if err := st.SaveController(ctx, &ctrl); err != nil {
		t.Fatal(err)
	}
	site := models.Site{ControllerID: ctrl.ID, Slug: slug, Name: "Site", Domain: slug + ".example"}
	if err := st.SaveSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	day := deadline.NewDate(2026, 1, 15)
	c := models.Case{Reference: ref, ControllerID: ctrl.ID, SiteID: site.ID, Status: dsr.StatusOpen,
		Email: "alice@example.org", Name: "Alice Martin", Language: "fr", Country: "BE",
		ReceivedAt: now, ReceivedOn: day, DueOn: day.AddMonths(1), AnswerDueOn: day.AddMonths(1), TargetOn: day.AddDays(20),
		VerifyExpiresAt: now, Version: 1, Kinds: []models.CaseKind{{Kind: dsr.KindAccess}}}
	if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.CreateCase(ctx, &c) }); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// secret is in every message: no report may quote it.
const secret = "Alice Martin <alice@example.org>"

// appendEvent appends an event, unsealed, and returns it with its id.
func appendEvent(t testing.TB, st *models.Store, caseID int64, i int) models.Event {
	t.Helper()
	e := models.Event{CaseID: caseID, At: time.Now(), ActorType: models.ActorSystem, Type: "note",
		Message: fmt.Sprintf("note %d about %s", i, secret), Public: i%2 == 0}
	if err := st.InTx(context.Background(), func(tx *models.Tx) error {
		return tx.AppendEvent(context.Background(), &e, events.Note{Text: e.Message})
	}); err != nil {
		t.Fatal(err)
	}
	if e.ID == 0 || e.Seq != 0 || e.Hash != "" || e.AppendedAt == nil {
		t.Fatalf("appended: %+v", e)
	}
	return e
}

// sealN runs the sealer and checks how many events it sealed.
func sealN(t testing.TB, st *models.Store, want int) {
	t.Helper()
	if n, err := st.SealEvents(context.Background()); err != nil || n != want {
		t.Fatalf("SealEvents sealed %d, %v; want %d", n, err, want)
	}
}

// sealed returns the sealed events by seq.
func sealed(t testing.TB, st *models.Store) []models.Event {
	t.Helper()
	var es []models.Event
	if err := models.GormForTest(st).Where("seq IS NOT NULL").Order("seq").Find(&es).Error; err != nil {
		t.Fatal(err)
	}
	return es
}

// chain appends 10 events over three cases, seals them (seq k to case DSR-2026-00000(1 + (k-1) mod
// 3)), and returns them by seq.
func chain(t *testing.T, st *models.Store) []models.Event {
	t.Helper()
	ids := []int64{newCase(t, st, "DSR-2026-000001"), newCase(t, st, "DSR-2026-000002"), newCase(t, st, "DSR-2026-000003")}
	for i := 0; i < 10; i++ {
		appendEvent(t, st, ids[i%3], i)
	}
	sealN(t, st, 10)
	return sealed(t, st)
}

func verify(t *testing.T, st *models.Store) models.AuditReport {
	t.Helper()
	r, err := st.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAuditChainLinksEveryEventOverAllCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if r := verify(t, st); !r.OK || r.Events != 0 || r.HeadSeq != 0 || r.HeadHash != "" {
			t.Fatalf("empty chain: %+v", r)
		}
		es := chain(t, st)
		if len(es) != 10 {
			t.Fatalf("%d events sealed", len(es))
		}
		for i, e := range es {
			if e.Seq != int64(i+1) || (i > 0 && e.PrevHash != es[i-1].Hash) || (i == 0 && e.PrevHash != "") || len(e.Hash) != 64 {
				t.Errorf("event %d: seq %d prev %q hash %q", i, e.Seq, e.PrevHash, e.Hash)
			}
		}
		// What was stored reads back identical, so the hash recomputes (the instant included).
		stored, err := st.Timeline(ctx, es[4].CaseID)
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range stored {
			want := es[got.Seq-1]
			if !got.At.Equal(want.At) || got.Hash != want.Hash || models.EventHash(got) != got.Hash {
				t.Errorf("seq %d reads back as %v %s, written %v %s", got.Seq, got.At, got.Hash, want.At, want.Hash)
			}
		}

		// A rolled-back append leaves nothing to seal.
		boom := errors.New("boom")
		err = st.InTx(ctx, func(tx *models.Tx) error {
			appendEvent(t, tx.Store, es[0].CaseID, 99)
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		sealN(t, st, 0)
		appendEvent(t, st, es[0].CaseID, 10)
		// Waiting to be sealed is not a problem.
		if r := verify(t, st); !r.OK || r.Broken || r.Events != 10 || r.Unsealed != 1 || r.OldestUnsealed <= 0 || r.OldestUnsealed > time.Minute {
			t.Errorf("with one event waiting: %+v", r)
		}
		sealN(t, st, 1)
		if es := sealed(t, st); len(es) != 11 || es[10].Seq != 11 || es[10].PrevHash != es[9].Hash || es[10].Message != "note 10 about "+secret {
			t.Errorf("after a rollback: %+v", es[len(es)-1])
		}

		r := verify(t, st)
		if !r.OK || r.Events != 11 || r.HeadSeq != 11 || r.Problem != "" || r.BrokenSeq != 0 || r.Unsealed != 0 || r.OldestUnsealed != 0 ||
			r.CheckedAt.IsZero() || r.Duration <= 0 {
			t.Errorf("report: %+v", r)
		}
	})
}

// rewrite returns note e saying text, with the digest and hash recomputed as someone who knows
// the format and the salt would.
func rewrite(e models.Event, text string) models.Event {
	e.Message, e.Detail = text, `{"text":"`+text+`"}`
	e.PersonalDigest = models.PersonalDigest(e.PersonalSalt, e.Message, e.Detail)
	e.Hash = models.EventHash(e)
	return e
}

func TestAuditFindsEachKindOfTampering(t *testing.T) {
	exec := func(t *testing.T, st *models.Store, sql string, args ...any) {
		t.Helper()
		if err := models.GormForTest(st).Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		tamper  func(t *testing.T, st *models.Store, es []models.Event)
		seq     int64
		problem string
	}{
		{"message changed", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET message = 'nothing happened' WHERE seq = 5`)
		}, 5, "event 5 (case DSR-2026-000002) was altered"},
		{"detail changed", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET detail = '{"text":"nothing happened"}' WHERE seq = 5`)
		}, 5, "event 5 (case DSR-2026-000002) was altered: its message or detail no longer matches its personal digest"},
		{"message, detail and digest changed", func(t *testing.T, st *models.Store, es []models.Event) {
			e := rewrite(es[4], "nothing happened")
			exec(t, st, `UPDATE events SET message = ?, detail = ?, personal_digest = ? WHERE seq = 5`, e.Message, e.Detail, e.PersonalDigest)
		}, 5, "event 5 (case DSR-2026-000002) was altered: its content no longer matches its hash"},
		{"detail of another type", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET detail = 'not json' WHERE seq = 7`)
		}, 7, "event 7 (case DSR-2026-000001) was altered: its content no longer matches its hash"},
		{"salt removed", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET personal_salt = '' WHERE seq = 3`)
		}, 3, "event 3 (case DSR-2026-000003) was altered: its message or detail no longer matches its personal digest"},
		{"marked erased, not erased", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET erased_at = ? WHERE seq = 4`, time.Now().UTC())
		}, 4, "event 4 (case DSR-2026-000001) was altered: its content no longer matches its hash"},
		{"public flipped", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET public = NOT public WHERE seq = 5`)
		}, 5, "event 5 (case DSR-2026-000002) was altered"},
		{"moved to another case", func(t *testing.T, st *models.Store, es []models.Event) {
			exec(t, st, `UPDATE events SET case_id = ? WHERE seq = 5`, es[0].CaseID)
		}, 5, "event 5 (case DSR-2026-000001) was altered"},
		{"chain given an earlier start", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET prev_hash = ? WHERE seq = 1`, strings.Repeat("0", 64))
		}, 1, "event 1 (case DSR-2026-000001) starts the chain but its prev_hash is not empty"},
		{"event deleted in the middle", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `DELETE FROM events WHERE seq = 5`)
		}, 5, "event 5 is missing: the chain jumps from event 4 to event 6"},
		{"last event deleted", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `DELETE FROM events WHERE seq = 10`)
		}, 10, "the head records 10 events but the chain ends at event 9"},
		{"two events swapped", func(t *testing.T, st *models.Store, _ []models.Event) {
			exec(t, st, `UPDATE events SET seq = -1 WHERE seq = 5`)
			exec(t, st, `UPDATE events SET seq = 5 WHERE seq = 6`)
			exec(t, st, `UPDATE events SET seq = 6 WHERE seq = -1`)
		}, 5, "event 5 (case DSR-2026-000003) does not follow event 4"},
		{"edited and its hash recomputed", func(t *testing.T, st *models.Store, es []models.Event) {
			e := rewrite(es[4], "nothing happened")
			exec(t, st, `UPDATE events SET message = ?, detail = ?, personal_digest = ?, hash = ? WHERE seq = 5`, e.Message, e.Detail, e.PersonalDigest, e.Hash)
		}, 6, "event 6 (case DSR-2026-000003) does not follow event 5"},
		{"last event edited and its hash recomputed", func(t *testing.T, st *models.Store, es []models.Event) {
			e := rewrite(es[9], "nothing happened")
			exec(t, st, `UPDATE events SET message = ?, detail = ?, personal_digest = ?, hash = ? WHERE seq = 10`, e.Message, e.Detail, e.PersonalDigest, e.Hash)
		}, 10, "the head's hash does not match event 10 (case DSR-2026-000001)"},
		{"event chained past the head", func(t *testing.T, st *models.Store, es []models.Event) {
			e := models.Event{Seq: 11, CaseID: es[4].CaseID, At: time.Now().UTC().Truncate(time.Microsecond),
				ActorType: models.ActorSystem, Type: "note", Message: secret, PrevHash: es[9].Hash}
			e.Hash = models.EventHash(e)
			if err := models.GormForTest(st).Create(&e).Error; err != nil {
				t.Fatal(err)
			}
		}, 11, "event 11 (case DSR-2026-000002) lies outside the chain, which ends at event 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each on its own databases
			testdb.Each(t, func(t *testing.T, st *models.Store) {
				es := chain(t, st)
				if r := verify(t, st); !r.OK {
					t.Fatalf("before tampering: %+v", r)
				}
				tt.tamper(t, st, es)
				r := verify(t, st)
				if r.OK || !r.Broken || r.BrokenSeq != tt.seq || !strings.HasPrefix(r.Problem, tt.problem) {
					t.Errorf("got OK=%v BrokenSeq=%d Problem=%q\nwant BrokenSeq=%d Problem=%q…", r.OK, r.BrokenSeq, r.Problem, tt.seq, tt.problem)
				}
				if strings.Contains(r.Problem, "alice") || strings.Contains(r.Problem, "Alice") {
					t.Errorf("the report quotes personal data: %q", r.Problem)
				}
			})
		})
	}
}

// TestAuditChainStaysIntactUnderConcurrency: 8 writers append for a while, a sealer runs beside
// them and checks run meanwhile; every event is sealed exactly once, seq 1..N without a gap.
func TestAuditChainStaysIntactUnderConcurrency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		ids := []int64{newCase(t, st, "DSR-2026-000001"), newCase(t, st, "DSR-2026-000002")}
		const workers, each = 8, 20
		var wg sync.WaitGroup
		errs := make(chan error, workers+2)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					err := st.InTx(ctx, func(tx *models.Tx) error {
						return tx.AppendEvent(ctx, &models.Event{CaseID: ids[w%2], At: time.Now(), ActorType: models.ActorSystem},
							events.Note{Text: fmt.Sprintf("worker %d event %d", w, i)})
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		// A sealer and a check run meanwhile; the check sees an intact prefix of the chain every time.
		done := make(chan struct{})
		checked := make(chan int)
		go func() {
			n := 0
			defer func() { checked <- n }()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := st.SealEvents(ctx); err != nil {
					errs <- fmt.Errorf("seal during appends: %v", err)
					return
				}
				r, err := st.VerifyAudit(ctx)
				if err != nil || !r.OK {
					errs <- fmt.Errorf("check during appends: %+v, %v", r, err)
					return
				}
				n++
			}
		}()
		wg.Wait()
		close(done)
		t.Logf("%d seals and checks ran during the appends", <-checked)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if _, err := st.SealEvents(ctx); err != nil {
			t.Fatal(err)
		}
		r := verify(t, st)
		if !r.OK || r.Events != workers*each || r.HeadSeq != workers*each || r.Unsealed != 0 {
			t.Fatalf("after %d concurrent appends: %+v", workers*each, r)
		}
		checkSeqs(t, st, workers*each)
	})
}

// checkSeqs checks that every event is sealed, with seq 1..n, each once.
func checkSeqs(t *testing.T, st *models.Store, n int) {
	t.Helper()
	var seqs []*int64
	if err := models.GormForTest(st).Model(&models.Event{}).Order("seq").Pluck("seq", &seqs).Error; err != nil {
		t.Fatal(err)
	}
	if len(seqs) != n {
		t.Fatalf("%d events, want %d", len(seqs), n)
	}
	for i, s := range seqs {
		if s == nil || *s != int64(i+1) {
			t.Fatalf("seq %d of %d is %v: not 1..%d", i+1, n, s, n)
		}
	}
}

// A database at schema 2 holds events from before the chain; migrating seals them, oldest first.
func TestMigrationSealsEarlierEvents(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 2)
			db := models.GormForTest(st)

			// Rows as the schema-2 binary wrote them.
			now := time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC)
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			exec(`INSERT INTO controllers (slug, name, created_at, updated_at) VALUES ('c', 'C', ?, ?)`, now, now)
			exec(`INSERT INTO sites (controller_id, slug, name, domain, created_at, updated_at)
				SELECT id, 's', 'S', 's.example', ?, ? FROM controllers`, now, now)
			exec(`INSERT INTO cases (reference, controller_id, site_id, status, email, language, country, received_at,
					received_on, due_on, target_on, verify_expires_at, created_at, updated_at)
				SELECT 'DSR-2025-000001', controller_id, id, 'open', 'a@example.org', 'fr', 'BE', ?, '2025-11-03', '2025-12-03',
					'2025-11-23', ?, ?, ?
				FROM sites`, now, now, now, now)
			// Inserted out of time order: the chain follows (at, id).
			for _, m := range []struct {
				minutes int
				msg     string
			}{{2, "third"}, {0, "first"}, {1, "second"}, {2, "fourth"}} {
				exec(`INSERT INTO events (case_id, at, actor_type, type, message, public)
					SELECT id, ?, 'system', 'note', ?, true FROM cases`, now.Add(time.Duration(m.minutes)*time.Minute), m.msg)
			}

			applied, err := st.Migrate(ctx)
			if err != nil || !slices.Contains(applied, 3) {
				t.Fatalf("migrate: %v, %v", applied, err)
			}
			r := verify(t, st)
			if !r.OK || r.Events != 4 || r.HeadSeq != 4 {
				t.Fatalf("after sealing: %+v", r)
			}
			var msgs []string
			if err := db.Model(&models.Event{}).Order("seq").Pluck("message", &msgs).Error; err != nil {
				t.Fatal(err)
			}
			if strings.Join(msgs, ",") != "first,second,third,fourth" {
				t.Errorf("sealed in the order %v", msgs)
			}

			// New events continue the chain after the sealed ones.
			var caseID int64
			if err := db.Raw(`SELECT id FROM cases`).Scan(&caseID).Error; err != nil {
				t.Fatal(err)
			}
			appendEvent(t, st, caseID, 1)
			sealN(t, st, 1)
			if e := sealed(t, st)[4]; e.Seq != 5 || e.PrevHash != r.HeadHash {
				t.Errorf("first new event: seq %d prev %s, head was %s", e.Seq, e.PrevHash, r.HeadHash)
			}
			if r := verify(t, st); !r.OK || r.Events != 5 {
				t.Errorf("after a new event: %+v", r)
			}
		})
	}
}

// BenchmarkVerifyAudit checks a chain of 100,000 events, loaded in bulk, on each dialect.
func BenchmarkVerifyAudit(b *testing.B) {
	const n = 100_000
	for _, d := range testdb.Dialects {
		st := testdb.Open(b, d)
		caseID := newCase(b, st, "DSR-2026-000001")
		db := models.GormForTest(st)
		start := time.Now().UTC().Truncate(time.Microsecond)
		batch := make([]models.Event, 0, 1000)
		prev := ""
		for i := 1; i <= n; i++ {
			e := models.Event{Seq: int64(i), CaseID: caseID, At: start.Add(time.Duration(i) * time.Millisecond),
				ActorType: models.ActorSystem, Type: "note", FromStatus: dsr.StatusOpen, ToStatus: dsr.StatusOpen,
				Message: fmt.Sprintf("Bulk event %d, a message of a typical length for a timeline entry.", i), Public: i%3 == 0, PrevHash: prev}
			e.Detail = `{"text":"` + e.Message + `"}`
			e.PersonalSalt = fmt.Sprintf("%032x", i)
			e.PersonalDigest = models.PersonalDigest(e.PersonalSalt, e.Message, e.Detail)
			e.Hash = models.EventHash(e)
			prev = e.Hash
			if batch = append(batch, e); len(batch) == cap(batch) || i == n {
				if err := db.CreateInBatches(batch, 250).Error; err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		if err := db.Exec(`UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, n, prev).Error; err != nil {
			b.Fatal(err)
		}
		b.Run(d, func(b *testing.B) {
			for range b.N {
				r, err := st.VerifyAudit(context.Background())
				if err != nil || !r.OK || r.Events != n {
					b.Fatalf("%+v, %v", r, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n)*1000, "ns/event")
		})
	}
}
