package models

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The data migration 38: the chain of format v1 (EventHashV1, which hashed each event's message)
// checked, then re-hashed in format v2 (EventHash), which hashes a salted digest of the message and
// detail instead, so that their personal parts can be erased. Every event gets its salt and digest,
// sealed or not; the sealed ones, in seq order, their new prev_hash and hash; the head its new
// hash, keeping the v1 head it checked (v1_seq, v1_hash, rehashed_at) for anyone who kept the v1
// head hash outside the database.
//
// A chain that does not verify in v1 is not re-hashed — that would make its tampering verify — and
// the migration fails with the problem: find out what happened before upgrading.

// ErrChainBroken is returned by the re-hashing migration when the v1 chain does not verify.
var ErrChainBroken = errors.New("the audit chain does not verify")

// rehashBatch is how many events one statement of the migration changes (5 parameters each).
const rehashBatch = 500

func (s *Store) rehashChain(ctx context.Context) error {
	r, err := s.verifyChain(ctx, true)
	if err != nil {
		return err
	}
	if r.Broken {
		return fmt.Errorf("%w in format v1, so it is not re-hashed in format v2 (nothing was changed): %s; "+
			"`rightsdesk audit verify` of the previous version reports the same: find out what happened before upgrading", ErrChainBroken, r.Problem)
	}
	head, err := s.lockAuditHead(ctx)
	if err != nil {
		return err
	}
	if head.Seq != r.HeadSeq {
		return fmt.Errorf("audit head moved during the check (%d, then %d): stop every older Rightsdesk process, then migrate", r.HeadSeq, head.Seq)
	}
	cols := []valueColumn{{"personal_salt", "TEXT"}, {"personal_digest", "TEXT"}, {"prev_hash", "TEXT"}, {"hash", "TEXT"}}
	var prev string
	for last := int64(0); last < head.Seq; {
		var batch []Event
		if _, err := s.verifyBatch(ctx, last, min(last+rehashBatch, head.Seq), false, func(e Event) { batch = append(batch, e) }); err != nil {
			return err
		}
		if len(batch) == 0 {
			return fmt.Errorf("rehash: no event after seq %d of %d", last, head.Seq)
		}
		rows := make([][]any, len(batch))
		for i := range batch {
			e := &batch[i]
			saltEvent(e)
			e.PrevHash = prev
			e.Hash = EventHash(*e)
			prev, last = e.Hash, e.Seq
			rows[i] = []any{e.Seq, e.PersonalSalt, e.PersonalDigest, e.PrevHash, e.Hash}
		}
		if _, err := s.updateEvents(ctx, "seq", "", cols, rows); err != nil {
			return fmt.Errorf("rehash events: %w", err)
		}
	}
	if err := s.saltUnsealed(ctx); err != nil {
		return err
	}
	if head.Seq == 0 {
		return nil // an empty chain begins in v2: nothing to record
	}
	res := s.conn(ctx).Exec(`UPDATE audit_head SET hash = ?, v1_seq = seq, v1_hash = hash, rehashed_at = ? WHERE id = 1 AND seq = ?`,
		prev, time.Now().UTC(), head.Seq)
	if res.Error != nil || res.RowsAffected != 1 {
		return fmt.Errorf("audit head: %v (%d rows)", res.Error, res.RowsAffected)
	}
	return nil
}

// saltUnsealed gives the events waiting for the sealer their salt and digest.
func (s *Store) saltUnsealed(ctx context.Context) error {
	cols := []valueColumn{{"personal_salt", "TEXT"}, {"personal_digest", "TEXT"}}
	for {
		var batch []Event
		err := s.conn(ctx).Select("id", "message", "detail").Where("seq IS NULL AND personal_salt = ''").
			Order("id").Limit(rehashBatch).Find(&batch).Error
		if err != nil {
			return fmt.Errorf("read unsealed events: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		rows := make([][]any, len(batch))
		for i := range batch {
			saltEvent(&batch[i])
			rows[i] = []any{batch[i].ID, batch[i].PersonalSalt, batch[i].PersonalDigest}
		}
		if _, err := s.updateEvents(ctx, "id", "", cols, rows); err != nil {
			return fmt.Errorf("salt events: %w", err)
		}
	}
}
