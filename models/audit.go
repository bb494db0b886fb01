package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// The audit chain: every event carries the hash of the one before it, over all cases, in the order
// of seq; audit_head holds the last seq and hash. Changing, removing, inserting or reordering an
// event breaks the chain at that point, and VerifyAudit says where. It detects tampering; it
// cannot stop someone who rewrites the whole chain and the head, unless the head hash is also
// kept somewhere else (a printout, a ticket, a log shipped off the machine).

// auditBatch is how many events VerifyAudit reads at a time, so memory stays flat on any size.
const auditBatch = 5000

// auditChainVersion is the migration that added the chain; Migrate seals older events after it.
const auditChainVersion = 3

// EventHash returns the hash an event carries: the lowercase hex SHA-256 of this encoding, which
// an auditor can recompute in a few lines of any language. Each item is a netstring — its length
// in bytes in decimal, ':', the bytes, ',' — so no two different events encode the same. In order:
//
//	"rightsdesk.event.v1"       the format's name
//	seq                         decimal
//	case_id                     decimal
//	at                          UTC, RFC 3339 with exactly nine fractional digits: 2026-01-31T23:30:00.123456000Z
//	actor_type                  requester, staff or system
//	actor_user_id               decimal, 0 when no user
//	type                        the event type
//	from_status                 may be empty
//	to_status                   may be empty
//	message                     UTF-8 as stored
//	public                      "true" or "false"
//	prev_hash                   the previous event's hash, empty for seq 1
//
// For example 19:rightsdesk.event.v1,1:1,1:7,30:2026-01-31T23:30:00.000000000Z,6:system,… ;
// audit_test.go recomputes two complete events with sha256sum.
func EventHash(e Event) string {
	var actor int64
	if e.ActorUserID != nil {
		actor = *e.ActorUserID
	}
	var num [32]byte // scratch for numbers and the instant, so hashing allocates little
	b := make([]byte, 0, 256+len(e.Message))
	b = netstring(b, "rightsdesk.event.v1")
	b = netstring(b, strconv.AppendInt(num[:0], e.Seq, 10))
	b = netstring(b, strconv.AppendInt(num[:0], e.CaseID, 10))
	b = netstring(b, e.At.UTC().AppendFormat(num[:0], "2006-01-02T15:04:05.000000000Z"))
	b = netstring(b, e.ActorType)
	b = netstring(b, strconv.AppendInt(num[:0], actor, 10))
	b = netstring(b, e.Type)
	b = netstring(b, string(e.FromStatus))
	b = netstring(b, string(e.ToStatus))
	b = netstring(b, e.Message)
	b = netstring(b, strconv.AppendBool(num[:0], e.Public))
	b = netstring(b, e.PrevHash)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
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

// lockAuditHead reads the head, locked until the transaction ends (a row lock on PostgreSQL; SQLite
// has one writer), so that concurrent appends queue for it and each gets the next seq.
func (s *Store) lockAuditHead(ctx context.Context) (auditHead, error) {
	var h auditHead
	if err := s.forUpdate(s.conn(ctx)).Where("id = 1").Take(&h).Error; err != nil {
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

// sealLegacyEvents chains the events written before the chain existed (seq NULL), by (at, id),
// after the current head, in one transaction. Migrate calls it once, right after the migration
// that added the chain. Later an event without seq is a problem VerifyAudit reports, never
// something to seal: otherwise a row slipped into the table would be sealed as genuine.
func (s *Store) sealLegacyEvents(ctx context.Context) error {
	return s.InTx(ctx, func(tx *Store) error {
		head, err := tx.lockAuditHead(ctx)
		if err != nil {
			return err
		}
		from := head.Seq
		for {
			var batch []Event
			err := tx.conn(ctx).Select("id", "case_id", "at", "actor_type", "actor_user_id", "type",
				"from_status", "to_status", "message", "public").
				Where("seq IS NULL").Order("at, id").Limit(auditBatch).Find(&batch).Error
			if err != nil {
				return fmt.Errorf("read unsealed events: %w", err)
			}
			if len(batch) == 0 {
				break
			}
			for _, e := range batch {
				// The instant is hashed as stored (legacy SQLite rows may hold nanoseconds).
				e.Seq, e.PrevHash = head.Seq+1, head.Hash
				e.Hash = EventHash(e)
				res := tx.conn(ctx).Model(&Event{}).Where("id = ? AND seq IS NULL", e.ID).
					Updates(map[string]any{"seq": e.Seq, "prev_hash": e.PrevHash, "hash": e.Hash})
				if res.Error != nil {
					return fmt.Errorf("seal event: %w", res.Error)
				}
				head.Seq, head.Hash = e.Seq, e.Hash
			}
		}
		if head.Seq == from {
			return nil
		}
		return tx.moveAuditHead(ctx, from, head.Seq, head.Hash)
	})
}

// AuditReport is the outcome of VerifyAudit.
type AuditReport struct {
	Events   int64  // events checked: seq 1 to the head's seq
	HeadSeq  int64  // the head as read when the check began
	HeadHash string // the hash to keep outside the database to detect a rewrite of the whole chain
	OK       bool
	// Problem is the first problem found, in plain words, with the seq and the case's reference;
	// empty when OK. It never quotes an event's content.
	Problem string
	// BrokenSeq is the seq where the chain breaks; 0 for an event that has no seq at all.
	BrokenSeq int64
	CheckedAt time.Time
	Duration  time.Duration
}

// VerifyAudit checks the whole chain: seq runs 1..head without a gap, each event's prev_hash is the
// hash of the event before it, each hash matches the event's content, the head matches the last
// event, and no event lies outside the chain (without seq, or past the head). It reads the events
// in batches by seq, so it runs in constant memory and needs no long transaction.
//
// Events appended while it runs are not checked: it checks up to the head read at the start, and
// the head moves in the same transaction as the event it points to, so events 1..head are all
// committed and visible by then.
func (s *Store) VerifyAudit(ctx context.Context) (AuditReport, error) {
	start := time.Now()
	r := AuditReport{CheckedAt: start.UTC()}

	// The head and the count of events outside the chain come from one statement, hence one snapshot.
	var top struct {
		Seq     int64
		Hash    string
		Outside int64
	}
	err := s.conn(ctx).Raw(`SELECT h.seq, h.hash,
			(SELECT count(*) FROM events e WHERE e.seq IS NULL OR e.seq < 1 OR e.seq > h.seq) AS outside
		FROM audit_head h WHERE h.id = 1`).Scan(&top).Error
	if err != nil {
		return r, fmt.Errorf("audit head: %w", err)
	}
	r.HeadSeq, r.HeadHash = top.Seq, top.Hash

	// The first problem, worded once the case's reference is known: looking it up while the rows
	// are open would need a second connection, which SQLite and a transaction do not have.
	var (
		problem     func(ref string) string
		problemCase int64
	)
	fail := func(seq, caseID int64, text func(ref string) string) {
		if problem == nil {
			problem, problemCase, r.BrokenSeq = text, caseID, seq
		}
	}

	var prev string          // hash of the last event read
	var last, lastCase int64 // its seq and case
	for last < top.Seq {
		n, err := s.verifyBatch(ctx, last, top.Seq, func(e Event) {
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
			case EventHash(e) != e.Hash:
				fail(e.Seq, e.CaseID, func(ref string) string {
					return fmt.Sprintf("event %d (case %s) was altered: its content no longer matches its hash", e.Seq, ref)
				})
			}
			prev, last, lastCase = e.Hash, e.Seq, e.CaseID
		})
		if err != nil {
			return r, err
		}
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
		// The first event outside the chain: one without seq first, else the lowest seq.
		var o struct {
			ID     int64
			Seq    *int64
			CaseID int64
		}
		err := s.conn(ctx).Raw(`SELECT id, seq, case_id FROM events WHERE seq IS NULL OR seq < 1 OR seq > ?
			ORDER BY seq IS NULL DESC, seq, id LIMIT 1`, top.Seq).Scan(&o).Error
		if err != nil {
			return r, fmt.Errorf("read events outside the chain: %w", err)
		}
		if o.Seq != nil {
			fail(*o.Seq, o.CaseID, func(ref string) string {
				return fmt.Sprintf("event %d (case %s) lies outside the chain, which ends at event %d: it was not added through the chain", *o.Seq, ref, top.Seq)
			})
		} else {
			fail(0, o.CaseID, func(ref string) string {
				return fmt.Sprintf("%d event(s) have no seq, so the chain does not cover them; the first is event id %d (case %s)", top.Outside, o.ID, ref)
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

// caseReference names a case in a report: its reference carries no personal data.
func (s *Store) caseReference(ctx context.Context, id int64) (string, error) {
	var refs []string
	if id != 0 {
		if err := s.conn(ctx).Model(&Case{}).Where("id = ?", id).Pluck("reference", &refs).Error; err != nil {
			return "", fmt.Errorf("case reference: %w", err)
		}
	}
	if len(refs) == 0 {
		return "unknown", nil
	}
	return refs[0], nil
}

// verifyBatch calls fn for each event with after < seq <= upTo, up to auditBatch of them, in seq
// order, and returns how many it read.
func (s *Store) verifyBatch(ctx context.Context, after, upTo int64, fn func(Event)) (int, error) {
	rows, err := s.conn(ctx).Raw(`SELECT seq, case_id, at, actor_type, actor_user_id, type, from_status,
			to_status, message, public, prev_hash, hash
		FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`, after, upTo, auditBatch).Rows()
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
		if err := rows.Scan(&e.Seq, &e.CaseID, &e.At, &e.ActorType, &actor, &e.Type, &e.FromStatus,
			&e.ToStatus, &e.Message, &e.Public, &e.PrevHash, &e.Hash); err != nil {
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
