package models

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Scheduler inserts the job that follows a write inside the write's transaction, so that the row
// and its job commit or vanish together: the sending of a letter (resend counts the admin's
// resends, so that each gets a job of its own) and the call that tells a site of a withdrawal.
// Package jobs provides the job queue's; the services get it when they are made. A nil Scheduler
// schedules nothing: letters and deliveries stay waiting rows (tests of the store alone).
type Scheduler interface {
	ScheduleLetter(ctx context.Context, tx *sql.Tx, letterID int64, resend int) error
	ScheduleWebhook(ctx context.Context, tx *sql.Tx, deliveryID int64) error
}

// SQLDB is the connection pool, for the job queue that shares it.
func (s *Store) SQLDB() (*sql.DB, error) { return s.db.DB() }

// QueueLetter writes a letter to the outbox and schedules its job with jobs in the transaction of
// the change that caused it.
func (s *Tx) QueueLetter(ctx context.Context, jobs Scheduler, l *Letter) error {
	if l.Status == "" {
		l.Status = LetterQueued
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = time.Now().UTC()
	}
	if l.NextAttemptAt.IsZero() {
		l.NextAttemptAt = l.CreatedAt
	}
	if err := s.conn(ctx).Create(l).Error; err != nil {
		return fmt.Errorf("insert letter: %w", err)
	}
	return s.scheduleLetter(ctx, jobs, l.ID, l.Resends)
}

func (s *Tx) scheduleLetter(ctx context.Context, jobs Scheduler, id int64, resend int) error {
	if jobs == nil {
		return nil
	}
	if err := jobs.ScheduleLetter(ctx, s.sql, id, resend); err != nil {
		return fmt.Errorf("enqueue letter %d: %w", id, err)
	}
	return nil
}

// StartSending marks a queued letter just before its message goes to the SMTP server. It reports
// whether this call marked it: false when the letter is no longer queued or is already marked —
// an earlier attempt handed it over and did not record how that ended.
func (s *Store) StartSending(ctx context.Context, id int64, at time.Time) (bool, error) {
	res := s.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ? AND send_started_at IS NULL", id, LetterQueued).
		Update("send_started_at", at.UTC())
	return res.RowsAffected == 1, res.Error
}

// MarkLetterSent records that the SMTP server accepted the letter and clears the mark. It changes
// a queued letter, or one possibly sent (an attempt that outlived its job and then heard the
// server's yes: that answer settles it).
func (s *Store) MarkLetterSent(ctx context.Context, id int64, at time.Time) error {
	return s.conn(ctx).Model(&Letter{}).Where("id = ? AND status IN ?", id, []string{LetterQueued, LetterPossiblySent}).
		Updates(map[string]any{"status": LetterSent, "sent_at": at.UTC(), "last_error": "", "send_started_at": nil}).Error
}

// NoteLetterAttempt records a failed attempt that will be retried, with the server's answer, and
// clears the mark: the letter was certainly not accepted, so the retry may send it.
func (s *Store) NoteLetterAttempt(ctx context.Context, id int64, attempts int, next time.Time, reason string) error {
	return s.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ?", id, LetterQueued).Updates(map[string]any{
		"attempts": attempts, "next_attempt_at": next.UTC(), "last_error": truncate(reason, 1000), "send_started_at": nil,
	}).Error
}

// FailLetter records a permanent failure: the letter is not retried unless an admin resends it.
// It reports whether this call failed it (false: it was not queued any more).
func (s *Store) FailLetter(ctx context.Context, id int64, attempts int, at time.Time, reason string) (bool, error) {
	res := s.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ?", id, LetterQueued).Updates(map[string]any{
		"status": LetterFailed, "failed_at": at.UTC(), "attempts": attempts, "last_error": truncate(reason, 1000),
		"send_started_at": nil,
	})
	return res.RowsAffected == 1, res.Error
}

// MarkLetterPossiblySent records that the letter may have reached the server: it is not sent
// again until an admin decides. The mark stays, as the moment the letter was handed over. It
// reports whether this call changed the letter (false: it was not queued any more).
func (s *Store) MarkLetterPossiblySent(ctx context.Context, id int64, attempts int, reason string) (bool, error) {
	res := s.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ?", id, LetterQueued).Updates(map[string]any{
		"status": LetterPossiblySent, "attempts": attempts,
		"last_error": truncate(reason, 1000),
	})
	return res.RowsAffected == 1, res.Error
}

// MarkLetterNotified records that staff were told that the letter failed.
func (s *Store) MarkLetterNotified(ctx context.Context, id int64, at time.Time) error {
	return s.conn(ctx).Model(&Letter{}).Where("id = ?", id).Update("notified_at", at.UTC()).Error
}

// ResendLetter puts a failed or possibly sent letter back in the queue with a job of its own; it
// keeps its Message-ID, so a receiver that has it already sees the same letter. ErrConflict: the
// letter is in another state (returned with it).
func (tx *Tx) ResendLetter(ctx context.Context, jobs Scheduler, id int64, at time.Time) (Letter, error) {
	var l Letter
	res := tx.conn(ctx).Model(&Letter{}).Where("id = ? AND status IN ?", id, []string{LetterFailed, LetterPossiblySent}).Updates(map[string]any{
		"status": LetterQueued, "resends": gorm.Expr("resends + 1"), "attempts": 0,
		"failed_at": nil, "notified_at": nil, "next_attempt_at": at.UTC(), "send_started_at": nil,
	})
	if res.Error != nil {
		return l, res.Error
	}
	if err := tx.conn(ctx).Omit("text_body", "html_body").First(&l, id).Error; err != nil {
		return l, notFound(err)
	}
	if res.RowsAffected != 1 {
		return l, ErrConflict
	}
	return l, tx.scheduleLetter(ctx, jobs, l.ID, l.Resends)
}

// ConfirmLetterSent records an admin's finding that a possibly sent letter did arrive: it is
// sent, as of the moment it was handed to the server, and never goes out again. ErrConflict: the
// letter is in another state (returned with it).
func (s *Store) ConfirmLetterSent(ctx context.Context, id int64, at time.Time) (Letter, error) {
	var l Letter
	err := s.InTx(ctx, func(tx *Tx) error {
		res := tx.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ?", id, LetterPossiblySent).Updates(map[string]any{
			"status": LetterSent, "sent_at": gorm.Expr("COALESCE(send_started_at, ?)", at.UTC()), "send_started_at": nil,
		})
		if res.Error != nil {
			return res.Error
		}
		if err := tx.conn(ctx).Omit("text_body", "html_body").First(&l, id).Error; err != nil {
			return notFound(err)
		}
		if res.RowsAffected != 1 {
			return ErrConflict
		}
		return nil
	})
	return l, err
}

// QueuedLetters returns the ids and resend counts of letters still queued since before until,
// oldest first: the job queue's safety net re-enqueues them (a unique job makes that a no-op for
// letters whose job exists).
func (s *Store) QueuedLetters(ctx context.Context, until time.Time, limit int) ([]Letter, error) {
	var ls []Letter
	err := s.conn(ctx).Select("id", "resends").Where("status = ? AND next_attempt_at < ?", LetterQueued, until.UTC()).
		Order("id").Limit(limit).Find(&ls).Error
	return ls, err
}

// LetterFilter selects letters for the delivery log.
type LetterFilter struct {
	Status    string // "" for all
	Kind      string // "" for all
	Reference string // a case reference: only its letters
	Recipient string // an exact address, case-insensitive
	Limit     int
	Before    int64 // keyset: only letters with a smaller id
}

// Letters returns letters newest first.
func (s *Store) Letters(ctx context.Context, f LetterFilter) ([]Letter, error) {
	q := s.conn(ctx).Omit("text_body", "html_body").Order("id DESC")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Reference != "" {
		q = q.Where("case_id IN (?)", s.conn(ctx).Model(&Case{}).Select("id").Where("reference = ?", f.Reference))
	}
	if f.Recipient != "" {
		q = q.Where("lower(recipient) = ?", strings.ToLower(f.Recipient))
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var ls []Letter
	err := q.Limit(f.Limit).Find(&ls).Error
	return ls, err
}

// LetterByID returns one letter with its bodies.
func (s *Store) LetterByID(ctx context.Context, id int64) (Letter, error) {
	var l Letter
	err := s.conn(ctx).First(&l, id).Error
	return l, notFound(err)
}

// CaseLetters returns the letters of a case, oldest first.
func (s *Store) CaseLetters(ctx context.Context, caseID int64) ([]Letter, error) {
	var ls []Letter
	err := s.conn(ctx).Omit("text_body", "html_body").Where("case_id = ?", caseID).Order("id").Find(&ls).Error
	return ls, err
}

// CaseLetterTexts returns the letters of a case with their plain-text bodies, oldest first: the
// requester's copy of the case.
func (s *Store) CaseLetterTexts(ctx context.Context, caseID int64) ([]Letter, error) {
	var ls []Letter
	err := s.conn(ctx).Omit("html_body").Where("case_id = ?", caseID).Order("id").Find(&ls).Error
	return ls, err
}

// LetterCounts returns how many letters are in each state.
func (s *Store) LetterCounts(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		Status string
		N      int64
	}
	err := s.conn(ctx).Model(&Letter{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
