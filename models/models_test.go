package models_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// columns lists table -> sorted column names, read from the database's own catalogue.
func columns(t *testing.T, st *models.Store) map[string][]string {
	t.Helper()
	db := models.GormForTest(st)
	out := map[string][]string{}
	var rows []struct{ Table, Column string }
	var err error
	if st.Dialect() == models.Postgres {
		err = db.Raw(`SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`).Scan(&rows).Error
	} else {
		err = db.Raw(`SELECT m.name AS "table", p.name AS "column" FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT IN ('goose_db_version', 'sqlite_sequence')`).Scan(&rows).Error
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		out[r.Table] = append(out[r.Table], r.Column)
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func TestBothDialectsEndWithTheSameSchema(t *testing.T) {
	sq := columns(t, testdb.Open(t, models.SQLite))
	pg := columns(t, testdb.Open(t, models.Postgres))
	if len(sq) < 10 {
		t.Fatalf("SQLite has only %d tables: %v", len(sq), sq)
	}
	for table, cols := range pg {
		if strings.HasPrefix(table, "river_") {
			continue // River's own schema, copied per driver, differs between dialects by design
		}
		if strings.Join(sq[table], ",") != strings.Join(cols, ",") {
			t.Errorf("table %s:\n postgres %v\n sqlite   %v", table, cols, sq[table])
		}
	}
	for table := range sq {
		if _, ok := pg[table]; !ok && !strings.HasPrefix(table, "river_") {
			t.Errorf("table %s exists only in SQLite", table)
		}
	}
}

func TestSchemaIsCurrentAfterMigrate(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if err := st.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
		applied, err := st.Migrate(ctx) // a second run applies nothing
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate: %v, %v", applied, err)
		}
	})
}

func TestSchemaCheckRefusesAnUnmigratedDatabase(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			st, err := models.Open(context.Background(), testdb.Options(t, d))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.CheckSchema(context.Background()); !errors.Is(err, models.ErrSchemaNotCurrent) {
				t.Fatalf("CheckSchema on an empty database = %v, want ErrSchemaNotCurrent", err)
			}
		})
	}
}

func TestSchemaCheckRefusesANewerSchema(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		db := models.GormForTest(st)
		if err := db.Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, true)`).Error; err != nil {
			t.Fatal(err)
		}
		if err := st.CheckSchema(context.Background()); !errors.Is(err, models.ErrSchemaNotCurrent) {
			t.Errorf("CheckSchema = %v, want ErrSchemaNotCurrent", err)
		}
		if _, err := st.Migrate(context.Background()); !errors.Is(err, models.ErrSchemaNotCurrent) {
			t.Errorf("Migrate on a newer schema = %v, want a refusal", err)
		}
	})
}

func TestReferencesAreUniqueUnderConcurrency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		const workers, each = 8, 10
		var mu sync.Mutex
		seen := map[string]bool{}
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					var ref string
					err := st.InTx(ctx, func(tx *models.Tx) error {
						var err error
						ref, err = tx.NextReference(ctx, 2026)
						return err
					})
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					if seen[ref] {
						errs <- fmt.Errorf("reference %s handed out twice", ref)
					}
					seen[ref] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != workers*each || !seen["DSR-2026-000001"] || !seen[fmt.Sprintf("DSR-2026-%06d", workers*each)] {
			t.Errorf("references not gapless 1..%d: %d distinct", workers*each, len(seen))
		}
	})
}

// A filing that rolls back after taking its reference: on SQLite the counter row gives the number
// back; on PostgreSQL the sequence does not (nothing waits for the filing to end), so the year's
// numbers have a gap. (The year's first filing creates the sequence in its transaction: were that
// one to roll back, the sequence would go with it and the year would still start at 1.)
func TestRolledBackReference(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		if err := st.InTx(ctx, func(tx *models.Tx) error {
			ref, err := tx.NextReference(ctx, 2027)
			if err == nil && ref != "DSR-2027-000001" {
				err = fmt.Errorf("first reference %s", ref)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := st.InTx(ctx, func(tx *models.Tx) error {
			if _, err := tx.NextReference(ctx, 2027); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		var ref string
		if err := st.InTx(ctx, func(tx *models.Tx) error {
			var err error
			ref, err = tx.NextReference(ctx, 2027)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		want := "DSR-2027-000002"
		if st.Dialect() == models.Postgres {
			want = "DSR-2027-000003"
		}
		if ref != want {
			t.Errorf("after a rollback the next reference is %s, want %s", ref, want)
		}
	})
}

// References given before migration 00025 are never given again: each year continues after its
// counter and after its highest reference, whichever is higher, on both databases; a year not yet
// used starts at 1.
func TestReferencesContinueAfterExistingOnes(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			st := openAt(t, d, 24)
			db := models.GormForTest(st)
			// As the schema-24 binary left them: 2025's counter is behind a reference (typed in by a
			// tool, say), 2026's counter is ahead of its cases (rolled-back filings), 2024 has a
			// case and no counter.
			now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := db.Exec(sql, args...).Error; err != nil {
					t.Fatal(err)
				}
			}
			// Rows as the schema-24 binary wrote them (the models of today have columns it lacks).
			exec(`INSERT INTO controllers (slug, name, country, time_zone, lead_authority, default_language, created_at, updated_at)
				VALUES ('acme', 'Acme', 'BE', 'Europe/Brussels', 'BE', 'fr', ?, ?)`, now, now)
			exec(`INSERT INTO sites (controller_id, slug, name, domain, created_at, updated_at)
				SELECT id, 'acme', 'Site', 'acme.example', ?, ? FROM controllers WHERE slug = 'acme'`, now, now)
			exec(`INSERT INTO cases (reference, controller_id, site_id, status, email, language, country, received_at,
					received_on, due_on, answer_due_on, target_on, verify_expires_at, created_at, updated_at, version)
				SELECT 'DSR-2026-000003', controller_id, id, 'open', 'a@example.org', 'fr', 'BE', ?, '2026-01-15', '2026-02-16', '2026-02-16',
					'2026-02-04', ?, ?, ?, 1 FROM sites WHERE slug = 'acme'`, now, now, now, now)
			exec(`INSERT INTO reference_counters (year, last_value) VALUES (2025, 10), (2026, 41)`)
			for _, ref := range []string{"DSR-2025-000077", "DSR-2024-000005"} {
				exec(`INSERT INTO cases (reference, controller_id, site_id, status, email, language, country, received_at,
						received_on, due_on, answer_due_on, target_on, verify_expires_at, created_at, updated_at, version)
					SELECT ?, controller_id, site_id, 'open', 'a@example.org', 'fr', 'BE', ?, '2025-11-03', '2025-12-03', '2025-12-03',
						'2025-11-23', ?, ?, ?, 1 FROM cases WHERE reference = 'DSR-2026-000003'`, ref, now, now, now, now)
			}
			if _, err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for year, want := range map[int]string{2024: "DSR-2024-000006", 2025: "DSR-2025-000078", 2026: "DSR-2026-000042", 2027: "DSR-2027-000001"} {
				var ref string
				if err := st.InTx(ctx, func(tx *models.Tx) error {
					var err error
					ref, err = tx.NextReference(ctx, year)
					return err
				}); err != nil || ref != want {
					t.Errorf("next reference of %d: %s, %v; want %s", year, ref, err, want)
				}
			}
		})
	}
}

func queue(t *testing.T, st *models.Store, n int, at time.Time) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		l := models.Letter{Kind: "test", Language: "en", Sender: "a@example.org", Recipient: fmt.Sprintf("r%d@example.org", i),
			Subject: "s", TextBody: "t", HTMLBody: "<p>t</p>", MessageID: fmt.Sprintf("test.%d.%d@example.org", at.UnixNano(), i), CreatedAt: at}
		if err := st.InTx(context.Background(), func(tx *models.Tx) error { return tx.QueueLetter(context.Background(), nil, &l) }); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	return ids
}

func TestOutboxStates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		ids := queue(t, st, 3, now)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(st.MarkLetterSent(ctx, ids[0], now))
		must(st.NoteLetterAttempt(ctx, ids[1], 2, now.Add(time.Hour), "451 try later"))
		if ok, err := st.FailLetter(ctx, ids[2], 1, now, "550 no such mailbox"); err != nil || !ok {
			t.Fatalf("FailLetter = %v, %v", ok, err)
		}
		// A letter that is no longer queued is never changed by a late worker.
		if ok, _ := st.FailLetter(ctx, ids[0], 5, now, "late"); ok {
			t.Error("a sent letter was failed")
		}
		must(st.MarkLetterSent(ctx, ids[2], now))

		sent, _ := st.LetterByID(ctx, ids[0])
		retry, _ := st.LetterByID(ctx, ids[1])
		failed, _ := st.LetterByID(ctx, ids[2])
		if sent.Status != models.LetterSent || sent.SentAt == nil {
			t.Errorf("sent letter: %+v", sent)
		}
		if retry.Status != models.LetterQueued || retry.Attempts != 2 || retry.LastError != "451 try later" || !retry.NextAttemptAt.Equal(now.Add(time.Hour)) {
			t.Errorf("retried letter: status %s attempts %d error %q next %v", retry.Status, retry.Attempts, retry.LastError, retry.NextAttemptAt)
		}
		if failed.Status != models.LetterFailed || failed.FailedAt == nil || failed.LastError != "550 no such mailbox" {
			t.Errorf("failed letter: %+v", failed)
		}
		counts, err := st.LetterCounts(ctx)
		must(err)
		if counts[models.LetterSent] != 1 || counts[models.LetterQueued] != 1 || counts[models.LetterFailed] != 1 {
			t.Errorf("counts = %v", counts)
		}

		// Resend: only a failed letter, back to queued with a new job, same Message-ID.
		var enqueued []string
		jobs := letterJobs(func(ctx context.Context, tx *sql.Tx, id int64, resend int) error {
			enqueued = append(enqueued, fmt.Sprintf("%d/%d", id, resend))
			return nil
		})
		if _, err := resend(st, jobs, ids[0], now); !errors.Is(err, models.ErrConflict) {
			t.Errorf("resending a sent letter: %v", err)
		}
		l, err := resend(st, jobs, ids[2], now)
		must(err)
		if l.Status != models.LetterQueued || l.Resends != 1 || l.MessageID != failed.MessageID || l.FailedAt != nil {
			t.Errorf("resent letter: %+v", l)
		}
		if want := []string{fmt.Sprintf("%d/1", ids[2])}; fmt.Sprint(enqueued) != fmt.Sprint(want) {
			t.Errorf("enqueued %v, want %v", enqueued, want)
		}
	})
}

// letterJobs is a models.Scheduler that hands each letter's job to the function.
type letterJobs func(ctx context.Context, tx *sql.Tx, letterID int64, resend int) error

func (f letterJobs) ScheduleLetter(ctx context.Context, tx *sql.Tx, letterID int64, resend int) error {
	return f(ctx, tx, letterID, resend)
}

func (letterJobs) ScheduleWebhook(context.Context, *sql.Tx, int64) error { return nil }

// resend puts a letter back in the queue in a transaction of its own, as an admin does.
func resend(st *models.Store, jobs models.Scheduler, id int64, at time.Time) (models.Letter, error) {
	var l models.Letter
	err := st.InTx(context.Background(), func(tx *models.Tx) error {
		var err error
		l, err = tx.ResendLetter(context.Background(), jobs, id, at)
		return err
	})
	return l, err
}

// The mark before sending: set once, cleared by a known outcome; a letter found marked becomes
// possibly sent, which only an admin's decision changes (send again, or confirm it arrived).
func TestOutboxSendingMark(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		ids := queue(t, st, 3, now)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		mark := func(id int64) bool {
			t.Helper()
			ok, err := st.StartSending(ctx, id, now)
			must(err)
			return ok
		}
		if !mark(ids[0]) || mark(ids[0]) {
			t.Fatal("a letter is marked once")
		}
		must(st.NoteLetterAttempt(ctx, ids[0], 1, now, "connection refused"))
		if l, _ := st.LetterByID(ctx, ids[0]); l.SendStartedAt != nil || !mark(ids[0]) {
			t.Errorf("a failed attempt clears the mark: %v", l.SendStartedAt)
		}
		must(st.MarkLetterSent(ctx, ids[0], now))
		if l, _ := st.LetterByID(ctx, ids[0]); l.Status != models.LetterSent || l.SendStartedAt != nil || mark(ids[0]) {
			t.Errorf("sent letter: %s, mark %v", l.Status, l.SendStartedAt)
		}

		// Found marked: possibly sent, never again queued by a worker.
		mark(ids[1])
		if ok, err := st.MarkLetterPossiblySent(ctx, ids[1], 1, "worker stopped"); err != nil || !ok {
			t.Fatalf("MarkLetterPossiblySent = %v, %v", ok, err)
		}
		if ok, _ := st.MarkLetterPossiblySent(ctx, ids[0], 1, "late"); ok {
			t.Error("a sent letter became possibly sent")
		}
		if ok, _ := st.FailLetter(ctx, ids[1], 2, now, "late"); ok {
			t.Error("a possibly sent letter was failed by a worker")
		}
		must(st.NoteLetterAttempt(ctx, ids[1], 2, now, "late"))
		if l, _ := st.LetterByID(ctx, ids[1]); l.Status != models.LetterPossiblySent || l.SendStartedAt == nil || l.LastError != "worker stopped" {
			t.Errorf("possibly sent letter: %s, mark %v, %q", l.Status, l.SendStartedAt, l.LastError)
		}
		counts, err := st.LetterCounts(ctx)
		must(err)
		if counts[models.LetterPossiblySent] != 1 {
			t.Errorf("counts = %v", counts)
		}
		if ls, _ := st.Letters(ctx, models.LetterFilter{Status: models.LetterPossiblySent}); len(ls) != 1 || ls[0].ID != ids[1] {
			t.Errorf("filter by possibly sent: %d letters", len(ls))
		}

		// The admin confirms it arrived: sent as of the moment it was handed over.
		l, err := st.ConfirmLetterSent(ctx, ids[1], now.Add(time.Hour))
		must(err)
		if l.Status != models.LetterSent || l.SentAt == nil || !l.SentAt.Equal(now) || l.SendStartedAt != nil {
			t.Errorf("confirmed letter: %s sent %v mark %v", l.Status, l.SentAt, l.SendStartedAt)
		}
		if _, err := st.ConfirmLetterSent(ctx, ids[1], now); !errors.Is(err, models.ErrConflict) {
			t.Errorf("confirming a sent letter: %v", err)
		}
		if _, err := st.ConfirmLetterSent(ctx, ids[2], now); !errors.Is(err, models.ErrConflict) {
			t.Errorf("confirming a queued letter: %v", err)
		}

		// Or sends it again: queued, unmarked, with a job of its own.
		var enqueued int
		jobs := letterJobs(func(context.Context, *sql.Tx, int64, int) error { enqueued++; return nil })
		mark(ids[2])
		_, err = st.MarkLetterPossiblySent(ctx, ids[2], 1, "reply lost")
		must(err)
		l, err = resend(st, jobs, ids[2], now)
		must(err)
		if l.Status != models.LetterQueued || l.SendStartedAt != nil || l.Resends != 1 || enqueued != 1 || !mark(ids[2]) {
			t.Errorf("sent again: %s mark %v resends %d, %d job(s)", l.Status, l.SendStartedAt, l.Resends, enqueued)
		}
	})
}

// A letter and its job commit together: a failing enqueue or a rolled-back change leaves no
// letter, and a letter queued outside a transaction gets one of its own.
func TestLetterAndJobCommitTogether(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		var inTx []bool
		fail := false
		jobs := letterJobs(func(ctx context.Context, tx *sql.Tx, id int64, resend int) error {
			inTx = append(inTx, tx != nil)
			if fail {
				return errors.New("queue down")
			}
			return nil
		})
		letter := func() *models.Letter {
			return &models.Letter{Kind: "test", Sender: "a@example.org", Recipient: "b@example.org", Subject: "s",
				TextBody: "t", MessageID: fmt.Sprintf("m%d@example.org", time.Now().UnixNano())}
		}
		if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, jobs, letter()) }); err != nil {
			t.Fatal(err)
		}
		fail = true
		if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.QueueLetter(ctx, jobs, letter()) }); err == nil {
			t.Fatal("a failing enqueue was not reported")
		}
		fail = false
		boom := errors.New("the change failed")
		err := st.InTx(ctx, func(tx *models.Tx) error {
			if err := tx.QueueLetter(ctx, jobs, letter()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		ls, err := st.Letters(ctx, models.LetterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 1 {
			t.Errorf("%d letters stored, want only the one whose job was enqueued", len(ls))
		}
		if fmt.Sprint(inTx) != "[true true true]" {
			t.Errorf("enqueue calls in a transaction: %v", inTx)
		}
	})
}

func TestSessionStore(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ss := models.SessionStore{Store: st}
		ctx := context.Background()
		if err := ss.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := ss.CommitCtx(ctx, "tok", []byte("data2"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		b, ok, err := ss.FindCtx(ctx, "tok")
		if err != nil || !ok || string(b) != "data2" {
			t.Fatalf("Find = %q %v %v", b, ok, err)
		}
		if err := ss.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := ss.FindCtx(ctx, "old"); ok {
			t.Error("an expired session was found")
		}
		if n, err := ss.DeleteExpiredSessions(ctx, time.Now()); err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v", n, err)
		}
		if err := ss.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := ss.FindCtx(ctx, "tok"); ok {
			t.Error("a deleted session was found")
		}
	})
}

func TestUsers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		u := models.User{Email: " Marie@Example.org ", Name: "Marie", Role: models.RoleStaff, PasswordHash: "x", Active: true}
		if err := st.CreateUser(ctx, &u, nil); err != nil {
			t.Fatal(err)
		}
		got, err := st.UserByEmail(ctx, "MARIE@example.org")
		if err != nil || got.ID != u.ID || got.Email != "marie@example.org" {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		dup := models.User{Email: "marie@example.org", Name: "Other", Role: models.RoleStaff, PasswordHash: "y", Active: true}
		if err := st.CreateUser(ctx, &dup, nil); !errors.Is(err, models.ErrDuplicate) {
			t.Errorf("duplicate e-mail: %v, want ErrDuplicate", err)
		}
		if _, err := st.UserByEmail(ctx, "nobody@example.org"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
	})
}
