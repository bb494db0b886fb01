package models

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rightsdesk/events"
)

// The audit chain: every event carries the hash of the one before it, over all cases, in the order
// of seq; audit_head holds the last seq and hash. Changing, removing, inserting or reordering an
// event breaks the chain at that point, and VerifyAudit says where. It detects tampering; it
// cannot stop someone who rewrites the whole chain and the head, unless the head hash is also
// kept somewhere else (a printout, a ticket, a log shipped off the machine).
//
// Events enter the chain in two steps, the way transparency logs integrate queued leaves.
// AppendEvent writes an event unsealed (seq NULL) in the caller's transaction and touches no
// shared row, so writers never queue behind each other. SealEvents, run about every second by one
// periodic job, takes the committed unsealed events by id, gives them the next seqs and hashes
// after the head and moves the head, all in one transaction: the head's lock is the only lock, and
// only sealers take it. An event committed late (a lower id, committed after higher ids were
// sealed) simply gets a later seq, so seq order is not id order, and neither is the order of `at`.
//
// What this costs in tamper evidence: until it is sealed (about a second), an event is not
// covered, and a row inserted into events with seq NULL by someone with write access to the
// database is indistinguishable from one AppendEvent wrote: the next sealer seals it as genuine.
// (Before, such a row was reported, since every genuine event was chained as it was written.)
// Nothing in the row can tell the two apart, so this is documented rather than guarded: the chain
// protects what was sealed, and VerifyAudit reports the events still waiting, failing when one
// waits more than SealWithin, which a stopped sealer or a stream of forged rows would show.

// auditBatch is how many events VerifyAudit reads at a time, so memory stays flat on any size.
const auditBatch = 5000

// EventHash returns the hash an event carries (format v2): the lowercase hex SHA-256 of this
// encoding, which an auditor can recompute in a few lines of any language. Each item is a
// netstring — its length in bytes in decimal, ':', the bytes, ',' — so no two different events
// encode the same. In order:
//
//	"rightsdesk.event.v2"       the format's name
//	seq                         decimal
//	case_id                     decimal, 0 for an event without a case (an admin's action)
//	controller_id               decimal: the organisation of an event without a case, else 0
//	at                          UTC, RFC 3339 with exactly nine fractional digits: 2026-01-31T23:30:00.123456000Z
//	actor_type                  requester, staff or system
//	actor_user_id               decimal, 0 when no user
//	type                        the event type
//	from_status                 may be empty
//	to_status                   may be empty
//	public detail               the detail without its personal fields (events.Public); as stored once erased
//	personal_digest             PersonalDigest of the event's salt, message and detail
//	public                      "true" or "false"
//	prev_hash                   the previous event's hash, empty for seq 1
//
// The message and the personal fields of the detail are covered by the digest, not directly, so
// that they can be erased (Tx.EraseCase) with the salt, leaving a hash that still verifies: what an
// erased event still says (dates, rights, results, grounds) stays covered, and what it said of a
// person can no longer be read, nor confirmed by guessing, since the salt is gone too.
//
// For example 19:rightsdesk.event.v2,1:1,1:7,1:0,30:2026-01-31T23:30:00.000000000Z,6:system,… ;
// audit_test.go recomputes complete events with sha256sum. Format v1 (EventHashV1) hashed the
// message itself; migration 38 checked every v1 chain and re-hashed it in v2.
func EventHash(e Event) string { return hashWithPublic(e, publicDetail(e)) }

// hashWithPublic is EventHash with the event's public detail already worked out.
func hashWithPublic(e Event, public string) string {
	b := eventHead(make([]byte, 0, 256+len(public)), "rightsdesk.event.v2", e)
	b = netstring(b, public)
	b = netstring(b, e.PersonalDigest)
	return eventTail(b, e)
}

// EventHashV1 returns the hash of format v1: the fields of v2 with the message in place of the
// public detail and the digest. Only migration 38 uses it, to check a chain before re-hashing it.
func EventHashV1(e Event) string {
	b := eventHead(make([]byte, 0, 256+len(e.Message)), "rightsdesk.event.v1", e)
	b = netstring(b, e.Message)
	return eventTail(b, e)
}

// eventHead appends the format's name and the fields from seq to to_status.
func eventHead(b []byte, format string, e Event) []byte {
	var actor int64
	if e.ActorUserID != nil {
		actor = *e.ActorUserID
	}
	var num [32]byte // scratch for numbers and the instant, so hashing allocates little
	b = netstring(b, format)
	b = netstring(b, strconv.AppendInt(num[:0], e.Seq, 10))
	b = netstring(b, strconv.AppendInt(num[:0], e.CaseID, 10))
	if format != "rightsdesk.event.v1" {
		b = netstring(b, strconv.AppendInt(num[:0], e.ControllerID, 10))
	}
	b = netstring(b, e.At.UTC().AppendFormat(num[:0], "2006-01-02T15:04:05.000000000Z"))
	b = netstring(b, e.ActorType)
	b = netstring(b, strconv.AppendInt(num[:0], actor, 10))
	b = netstring(b, e.Type)
	b = netstring(b, string(e.FromStatus))
	return netstring(b, string(e.ToStatus))
}

// eventTail appends public and prev_hash and returns the hash.
func eventTail(b []byte, e Event) string {
	var num [8]byte
	b = netstring(b, strconv.AppendBool(num[:0], e.Public))
	b = netstring(b, e.PrevHash)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// publicDetail is the detail as the hash covers it: once erased, the detail as stored, which is
// its public part; before, the public part of the detail (events.Public).
func publicDetail(e Event) string {
	if e.ErasedAt != nil {
		return e.Detail
	}
	return events.Public(e.Type, e.Detail)
}

// PersonalDigest is the lowercase hex SHA-256 of the netstrings "rightsdesk.personal.v1", salt
// (as stored, hex), message and detail: what the hash of an event covers of its content besides
// the public detail.
func PersonalDigest(salt, message, detail string) string {
	b := make([]byte, 0, 64+len(salt)+len(message)+len(detail))
	b = netstring(b, "rightsdesk.personal.v1")
	b = netstring(b, salt)
	b = netstring(b, message)
	b = netstring(b, detail)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// newSalt returns 16 random bytes in hex: an event's salt.
func newSalt() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error()) // never returns an error on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// saltEvent gives e a new salt and the digest of its content.
func saltEvent(e *Event) {
	e.PersonalSalt = newSalt()
	e.PersonalDigest = PersonalDigest(e.PersonalSalt, e.Message, e.Detail)
}

// erasedMessage is what an erased event's message becomes: what its public detail says, or
// nothing for an event whose detail cannot be read.
func erasedMessage(typ, public string) string {
	if public == "" {
		return ""
	}
	d, err := events.Decode(typ, public)
	if err != nil {
		return ""
	}
	return events.English(d)
}

// contentHolds reports whether e's content is what its hash covers besides the public detail, and
// names what does not hold. An event not erased: its digest is that of its salt, message and
// detail, and its detail says its message (detailSaysMessage). An erased event has no salt, and its
// message is what its public detail says.
func contentHolds(e Event) (bool, string) {
	d, _ := e.Decoded()
	return contentHoldsDecoded(e, d)
}

// contentHoldsDecoded is contentHolds with e's detail already decoded (nil when it has none or
// it cannot be read).
func contentHoldsDecoded(e Event, d events.Detail) (bool, string) {
	if e.ErasedAt != nil {
		if e.PersonalSalt != "" || e.Message != erasedMessage(e.Type, e.Detail) || events.Public(e.Type, e.Detail) != e.Detail {
			return false, "it is marked erased, but its content is not what an erasure leaves"
		}
		return true, ""
	}
	if e.PersonalSalt == "" && e.PersonalDigest == "" {
		return false, "it has no salt and no personal digest, which Rightsdesk gives every event: it was not written by Rightsdesk"
	}
	if e.PersonalSalt == "" || PersonalDigest(e.PersonalSalt, e.Message, e.Detail) != e.PersonalDigest {
		return false, "its message or detail no longer matches its personal digest, which its hash covers"
	}
	if e.Detail != "" && !events.IsLegacy(e.Detail) && (d == nil || events.English(d) != e.Message) {
		return false, "its detail no longer says its message"
	}
	return true, ""
}

// detailSaysMessage reports whether e's detail, if it has one, says exactly its message
// (events.English). An event with no detail (written before migration 00034 in words the data
// migration could not read) has only its message, which pages then show. A legacy detail (rebuilt
// by that migration from a sentence of an older wording, events.EncodeLegacy) cannot say its
// message; legacyDetailHolds checks it instead.
func detailSaysMessage(e Event) bool {
	if e.Detail == "" || events.IsLegacy(e.Detail) {
		return true
	}
	d, err := events.Decode(e.Type, e.Detail)
	return err == nil && events.English(d) == e.Message
}

// legacyDetailHolds reports whether e's legacy detail is the one the data migration reads from its
// message: so a changed detail cannot pass for legacy. An erased event has no message to read.
func (s *Store) legacyDetailHolds(ctx context.Context, e Event) (bool, error) {
	if e.ErasedAt != nil {
		return true, nil
	}
	d, err := s.legacyDetail(ctx, e)
	if err != nil || d == nil {
		return false, err
	}
	want, err := events.EncodeLegacy(d)
	return err == nil && want == e.Detail, nil
}

// netstring appends f as length:bytes, .
func netstring[T string | []byte](b []byte, f T) []byte {
	b = strconv.AppendInt(b, int64(len(f)), 10)
	b = append(b, ':')
	b = append(b, f...)
	return append(b, ',')
}

type auditHead struct {
	ID   int64
	Seq  int64
	Hash string
}

func (auditHead) TableName() string { return "audit_head" }

// lockAuditHead reads the head, locked until the transaction ends, so that concurrent sealers queue
// for it and each gives the next seqs. On PostgreSQL a row lock; on SQLite, which has one writer,
// a write to the head first, so that the transaction holds the database's write lock (waiting
// for it, with the busy timeout) before it reads anything: a transaction that read first and
// wrote later could fail when another process wrote in between.
func (s *Store) lockAuditHead(ctx context.Context) (auditHead, error) {
	var h auditHead
	if s.dialect == SQLite {
		if err := s.conn(ctx).Exec(`UPDATE audit_head SET seq = seq WHERE id = 1`).Error; err != nil {
			return h, fmt.Errorf("audit head: %w", err)
		}
	}
	if err := s.forUpdate(s.conn(ctx)).Select("id", "seq", "hash").Where("id = 1").Take(&h).Error; err != nil {
		return h, fmt.Errorf("audit head: %w", err)
	}
	return h, nil
}

// moveAuditHead records seq and hash as the head; it must still be at from, as read by lockAuditHead.
func (s *Store) moveAuditHead(ctx context.Context, from, seq int64, hash string) error {
	res := s.conn(ctx).Model(&auditHead{}).Where("id = 1 AND seq = ?", from).
		Updates(map[string]any{"seq": seq, "hash": hash})
	if res.Error != nil {
		return fmt.Errorf("audit head: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("audit head: %w", ErrConflict)
	}
	return nil
}

// sealBatch is how many events one transaction of SealEvents seals.
const sealBatch = 5000

// sealRows is how many events one UPDATE statement of a seal changes (4 parameters each).
const sealRows = 500

// SealWithin is how long an event may wait to be sealed before VerifyAudit reports it as a
// problem. The sealing job runs each second.
const SealWithin = time.Minute

// SealEvents seals the committed unsealed events into the chain, by id, in transactions of up to
// sealBatch events, and returns how many it sealed. Each transaction locks the head, gives the
// events seq head+1…, each one's prev_hash the hash before it and its hash by EventHash, and
// moves the head. Two sealers at once (two replicas, a job and a command) take turns on the
// head's lock; a row is only sealed while its seq is NULL, and the head only moves from the seq
// read under the lock, so the chain never forks: the loser of any race rolls back.
func (s *Store) SealEvents(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.sealOnce(ctx, "id", false)
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

// sealLegacyEvents chains the events written before the chain existed (seq NULL), by (at, id),
// after the current head: a data migration (dataMigrations), run once, in format v1, which was the
// format of its schema (migration 38 re-hashes them in v2). Since migration 00025 events are
// written unsealed and SealEvents seals them by id.
func (s *Store) sealLegacyEvents(ctx context.Context) error {
	for {
		n, err := s.sealOnce(ctx, "at, id", true)
		if err != nil || n < sealBatch {
			return err
		}
	}
}

// sealOnce seals up to sealBatch unsealed events, taken in order, in one transaction: in format
// v1 for the data migration of the schema of that time, else in v2.
func (s *Store) sealOnce(ctx context.Context, order string, v1 bool) (int, error) {
	sealed := 0
	err := s.InTx(ctx, func(tx *Tx) error {
		head, err := tx.lockAuditHead(ctx)
		if err != nil {
			return err
		}
		// Read after the lock: on PostgreSQL each statement sees what was committed before it
		// began, so events sealed by the sealer that held the lock before are not read again.
		cols := []string{"id", "case_id", "at", "actor_type", "actor_user_id", "type", "from_status", "to_status", "public"}
		hash := EventHash
		if v1 {
			cols, hash = append(cols, "message"), EventHashV1
		} else {
			cols = append(cols, "controller_id", "detail", "personal_digest", "erased_at")
		}
		var batch []Event
		err = tx.conn(ctx).Select(cols).Where("seq IS NULL").Order(order).Limit(sealBatch).Find(&batch).Error
		if err != nil {
			return fmt.Errorf("read unsealed events: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		from := head.Seq
		for i := range batch {
			// The instant is hashed as stored (legacy SQLite rows may hold nanoseconds).
			e := &batch[i]
			e.Seq, e.PrevHash = head.Seq+1, head.Hash
			e.Hash = hash(*e)
			head.Seq, head.Hash = e.Seq, e.Hash
		}
		for rows := batch; len(rows) > 0; {
			n := min(len(rows), sealRows)
			if err := tx.sealRows(ctx, rows[:n]); err != nil {
				return err
			}
			rows = rows[n:]
		}
		if err := tx.moveAuditHead(ctx, from, head.Seq, head.Hash); err != nil {
			return err
		}
		sealed = len(batch)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return sealed, nil
}

// sealRows writes the seq and hashes of es in one statement, each only if it is still unsealed;
// if any was sealed meanwhile, the caller's transaction must roll back.
func (s *Store) sealRows(ctx context.Context, es []Event) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		rows[i] = []any{e.ID, e.Seq, e.PrevHash, e.Hash}
	}
	n, err := s.updateEvents(ctx, "id", "events.seq IS NULL", []valueColumn{{"seq", "BIGINT"}, {"prev_hash", "TEXT"}, {"hash", "TEXT"}}, rows)
	if err != nil {
		return fmt.Errorf("seal events: %w", err)
	}
	if n != int64(len(es)) {
		return fmt.Errorf("seal events: %d of %d still unsealed: %w", n, len(es), ErrConflict)
	}
	return nil
}

// valueColumn is a column set by updateEvents, with its SQL type.
type valueColumn struct{ name, typ string }

// updateEvents sets cols of many events in one statement, UPDATE … FROM (VALUES …), which both
// databases run: each row of rows is the value of key (a BIGINT column) then one per column.
// where further limits the rows changed; it returns how many were.
func (s *Store) updateEvents(ctx context.Context, key, where string, cols []valueColumn, rows [][]any) (int64, error) {
	var q strings.Builder
	q.WriteString("UPDATE events SET ")
	for i, c := range cols {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "%s = v.column%d", c.name, i+2)
	}
	q.WriteString(" FROM (VALUES ")
	args := make([]any, 0, len(rows)*(len(cols)+1))
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(CAST(? AS BIGINT)")
		for _, c := range cols {
			q.WriteString(", CAST(? AS " + c.typ + ")")
		}
		q.WriteString(")")
		args = append(args, r...)
	}
	fmt.Fprintf(&q, ") AS v WHERE events.%s = v.column1", key)
	if where != "" {
		q.WriteString(" AND " + where)
	}
	res := s.conn(ctx).Exec(q.String(), args...)
	return res.RowsAffected, res.Error
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Events   int64  // events checked: seq 1 to the head's seq
	HeadSeq  int64  // the head as read when the check began
	HeadHash string // the hash to keep outside the database to detect a rewrite of the whole chain
	OK       bool
	// Broken: the chain itself is broken (changed, removed, inserted or reordered events, or a
	// rewritten head), as opposed to events waiting too long to enter it (SealLate).
	Broken bool
	// Problem is the first problem found, in plain words, with the seq and the case's reference;
	// empty when OK. It never quotes an event's content.
	Problem string
	// BrokenSeq is the seq where the chain breaks; 0 when the problem is not a place in the chain
	// (events waiting too long to be sealed).
	BrokenSeq int64
	// Unsealed counts the events appended but not yet sealed into the chain (seq NULL), and
	// OldestUnsealed is how long the oldest of them has waited (0 when none). Waiting is normal
	// for about a second; longer than SealWithin is a problem (SealLate), as the sealer is not
	// running or cannot keep up.
	Unsealed       int64
	OldestUnsealed time.Duration
	SealLate       bool
	CheckedAt      time.Time
	Duration       time.Duration
	// The chain was re-hashed from format v1 to v2 at RehashedAt (migration 38), after it verified
	// up to event V1Seq, whose v1 hash was V1Hash: a head hash kept outside before the upgrade is
	// compared with that. Zero when the chain began in v2.
	V1Seq      int64
	V1Hash     string
	RehashedAt *time.Time
}

// VerifyAudit checks the whole chain: seq runs 1..head without a gap, each event's prev_hash is the
// hash of the event before it, each hash matches the event's content, each detail says the
// event's message (detailSaysMessage), the head matches the last event, and no event lies past
// the head. It reads the events in batches by seq, so it runs in constant memory and needs no
// long transaction. It also counts the events not yet sealed (seq NULL): they are normal, unless
// one has waited longer than SealWithin, which fails the check.
//
// Events sealed while it runs are not checked: it checks up to the head read at the start, and
// the head moves in the same transaction as the events it seals, so events 1..head are all
// committed and visible by then.
func (s *Store) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return s.verifyChain(ctx, false)
}

// verifyChain is VerifyAudit for a chain of format v2, or of v1 (migration 38's check before it
// re-hashes one).
func (s *Store) verifyChain(ctx context.Context, v1 bool) (AuditReport, error) {
	hash := EventHash
	if v1 {
		hash = EventHashV1
	}
	start := time.Now()
	r := AuditReport{CheckedAt: start.UTC()}

	// The head, the count of events outside the chain and of those waiting to be sealed come from
	// one statement, hence one snapshot.
	var top struct {
		Seq        int64
		Hash       string
		Outside    int64
		Unsealed   int64
		V1Seq      int64
		V1Hash     string
		RehashedAt *time.Time
	}
	rehashed := ", h.v1_seq, h.v1_hash, h.rehashed_at"
	if v1 {
		rehashed = "" // the schema before migration 38
	}
	err := s.conn(ctx).Raw(`SELECT h.seq, h.hash` + rehashed + `,
			(SELECT count(*) FROM events e WHERE e.seq < 1 OR e.seq > h.seq) AS outside,
			(SELECT count(*) FROM events e WHERE e.seq IS NULL) AS unsealed
		FROM audit_head h WHERE h.id = 1`).Scan(&top).Error
	if err != nil {
		return r, fmt.Errorf("audit head: %w", err)
	}
	r.HeadSeq, r.HeadHash, r.Unsealed = top.Seq, top.Hash, top.Unsealed
	r.V1Seq, r.V1Hash, r.RehashedAt = top.V1Seq, top.V1Hash, top.RehashedAt
	// The first problem, worded once the case's reference is known: looking it up while the rows
	// are open would need a second connection, which SQLite and a transaction do not have.
	var (
		problem     func(ref string) string
		problemCase int64
	)
	// The first problem is reported: of the chain's, the one at the lowest seq (legacy details are
	// checked after their batch), before any other.
	fail := func(seq, caseID int64, text func(ref string) string) {
		if problem == nil || seq > 0 && r.BrokenSeq > 0 && seq < r.BrokenSeq {
			problem, problemCase, r.BrokenSeq = text, caseID, seq
		}
	}
	var legacy []Event // of the batch, checked once its rows are closed (legacyDetailHolds reads)

	var prev string          // hash of the last event read
	var last, lastCase int64 // its seq and case
	for last < top.Seq {
		n, err := s.verifyBatch(ctx, last, top.Seq, v1, func(e Event) {
			r.Events++
			before := last // a copy: the wording runs after the loop
			switch want := last + 1; {
			case e.Seq != want:
				fail(want, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event %d is missing: the chain jumps from event %d to event %d, of case %s", want, before, e.Seq, ref)
				})
			case e.PrevHash != prev && before == 0:
				fail(e.Seq, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event 1 (case %s) starts the chain but its prev_hash is not empty", ref)
				})
			case e.PrevHash != prev:
				fail(e.Seq, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event %d (case %s) does not follow event %d: its prev_hash is not that event's hash, so one of the two was altered", e.Seq, ref, before)
				})
			case !v1 && e.ErasedAt == nil:
				// Not erased: the detail is decoded once, for its public part and its sentence.
				public, d := events.PublicOf(e.Type, e.Detail)
				if hashWithPublic(e, public) != e.Hash {
					fail(e.Seq, e.CaseID, func(ref string) string {
						return fmt.Sprintf("event %d (case %s) was altered: its content no longer matches its hash", e.Seq, ref)
					})
				} else if ok, why := contentHoldsDecoded(e, d); !ok {
					fail(e.Seq, e.CaseID, func(ref string) string {
						return fmt.Sprintf("event %d (case %s) was altered: %s", e.Seq, ref, why)
					})
				} else if events.IsLegacy(e.Detail) {
					legacy = append(legacy, e)
				}
			case hash(e) != e.Hash:
				fail(e.Seq, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event %d (case %s) was altered: its content no longer matches its hash", e.Seq, ref)
				})
			case v1 && !detailSaysMessage(e):
				fail(e.Seq, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event %d (case %s) was altered: its detail no longer says its message, which its hash covers", e.Seq, ref)
				})
			default:
				if !v1 {
					if ok, why := contentHolds(e); !ok {
						fail(e.Seq, e.CaseID, func(ref string) string {
							return fmt.Sprintf("event %d (case %s) was altered: %s", e.Seq, ref, why)
						})
						break
					}
				}
				if events.IsLegacy(e.Detail) && e.ErasedAt == nil {
					legacy = append(legacy, e)
				}
			}
			prev, last, lastCase = e.Hash, e.Seq, e.CaseID
		})
		if err != nil {
			return r, err
		}
		for _, e := range legacy {
			ok, err := s.legacyDetailHolds(ctx, e)
			if err != nil {
				return r, err
			}
			if !ok {
				fail(e.Seq, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event %d (case %s) was altered: its detail is marked as read from an older sentence, but its sentence does not say it", e.Seq, ref)
				})
			}
		}
		legacy = legacy[:0]
		if n == 0 {
			break
		}
	}

	switch {
	case last < top.Seq:
		fail(last+1, 0, func(string) string {
			return fmt.Sprintf("the head records %d events but the chain ends at event %d: the last events were deleted", top.Seq, last)
		})
	case prev != top.Hash:
		fail(top.Seq, lastCase, func(ref string) string {
			return fmt.Sprintf("the head's hash does not match event %d (case %s): the last event was altered or the head rewritten", top.Seq, ref)
		})
	}
	if top.Outside > 0 {
		// The first event outside the chain: the lowest seq.
		var o struct {
			Seq    int64
			CaseID int64
		}
		err := s.conn(ctx).Raw(`SELECT seq, COALESCE(case_id, 0) AS case_id FROM events WHERE seq < 1 OR seq > ?
			ORDER BY seq, id LIMIT 1`, top.Seq).Scan(&o).Error
		if err != nil {
			return r, fmt.Errorf("read events outside the chain: %w", err)
		}
		fail(o.Seq, o.CaseID, func(ref string) string {
			return fmt.Sprintf("event %d (case %s) lies outside the chain, which ends at event %d: it was not added through the chain", o.Seq, ref, top.Seq)
		})
	}
	r.Broken = problem != nil
	if top.Unsealed > 0 {
		// The one waiting longest: the lowest id, as the sealer takes them. Its age is measured on
		// appended_at (the appending process's clock), not on the event's own instant, which
		// callers may set in the past; events from before migration 00025 have only `at`.
		var o struct {
			ID         int64
			CaseID     int64
			At         time.Time
			AppendedAt *time.Time
		}
		err := s.conn(ctx).Raw(`SELECT id, COALESCE(case_id, 0) AS case_id, at, appended_at FROM events WHERE seq IS NULL ORDER BY id LIMIT 1`).Scan(&o).Error
		if err != nil {
			return r, fmt.Errorf("read unsealed events: %w", err)
		}
		since := o.At
		if o.AppendedAt != nil {
			since = *o.AppendedAt
		}
		if o.ID != 0 { // else sealed since the count
			r.OldestUnsealed = max(start.Sub(since), 0)
		}
		if r.OldestUnsealed > SealWithin {
			r.SealLate = true
			age := r.OldestUnsealed.Round(time.Second)
			fail(0, o.CaseID, func(ref string) string {
				return fmt.Sprintf("%d event(s) are not sealed into the chain yet, and the oldest (event id %d, case %s) has waited %s, more than %s: "+
					"the sealing job is not running (rightsdesk serve or worker), or rows were added to the events table outside Rightsdesk",
					top.Unsealed, o.ID, ref, age, SealWithin)
			})
		}
	}

	if problem != nil {
		ref, err := s.caseReference(ctx, problemCase)
		if err != nil {
			return r, err
		}
		r.Problem = problem(ref)
	}
	r.OK = problem == nil
	r.Duration = time.Since(start)
	return r, nil
}

// caseReference names a case in a report: its reference carries no personal data. An event
// without a case (an admin's action) has "none"; a case whose record was deleted, "deleted".
func (s *Store) caseReference(ctx context.Context, id int64) (string, error) {
	if id == 0 {
		return "none", nil
	}
	var refs []string
	if id != 0 {
		if err := s.conn(ctx).Model(&Case{}).Where("id = ?", id).Pluck("reference", &refs).Error; err != nil {
			return "", fmt.Errorf("case reference: %w", err)
		}
	}
	if len(refs) == 0 {
		return "deleted", nil
	}
	return refs[0], nil
}

// verifyBatch calls fn for each event with after < seq <= upTo, up to auditBatch of them, in seq
// order, and returns how many it read; v1 reads the columns of format v1 only.
func (s *Store) verifyBatch(ctx context.Context, after, upTo int64, v1 bool, fn func(Event)) (int, error) {
	cols := "seq, case_id, at, actor_type, actor_user_id, type, from_status, to_status, message, detail, public, prev_hash, hash"
	if !v1 {
		cols = "seq, COALESCE(case_id, 0), at, actor_type, actor_user_id, type, from_status, to_status, message, detail, public, prev_hash, hash" +
			", COALESCE(controller_id, 0), personal_salt, personal_digest, erased_at"
	}
	rows, err := s.conn(ctx).Raw(`SELECT `+cols+` FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
		after, upTo, auditBatch).Rows()
	if err != nil {
		return 0, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			e     Event
			actor sql.NullInt64
		)
		dest := []any{&e.Seq, &e.CaseID, &e.At, &e.ActorType, &actor, &e.Type, &e.FromStatus,
			&e.ToStatus, &e.Message, &e.Detail, &e.Public, &e.PrevHash, &e.Hash}
		if !v1 {
			dest = append(dest, &e.ControllerID, &e.PersonalSalt, &e.PersonalDigest, &e.ErasedAt)
		}
		if err := rows.Scan(dest...); err != nil {
			return n, fmt.Errorf("read events: %w", err)
		}
		if actor.Valid {
			e.ActorUserID = &actor.Int64
		}
		fn(e)
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("read events: %w", err)
	}
	return n, nil
}
