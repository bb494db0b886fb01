package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"rightsdesk/mailer"
)

// QueueLetter writes a letter to the outbox. Inside InTx it commits with the change that caused it.
func (s *Store) QueueLetter(ctx context.Context, l *Letter) error {
	if l.Status == "" {
		l.Status = LetterQueued
	}
	if l.NextAttemptAt.IsZero() {
		l.NextAttemptAt = l.CreatedAt
	}
	if err := s.conn(ctx).Create(l).Error; err != nil {
		return fmt.Errorf("insert letter: %w", err)
	}
	return nil
}

// ClaimLetters leases up to limit queued letters that are due. The lease is taken with a
// conditional update per row, so of several workers (or replicas) racing for a letter exactly one
// wins it; a worker that dies leaves a lease that simply runs out.
func (s *Store) ClaimLetters(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Letter, error) {
	now = now.UTC()
	due := func(db *gorm.DB) *gorm.DB {
		return db.Where("status = ? AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)", LetterQueued, now, now)
	}
	var ids []int64
	if err := due(s.conn(ctx).Model(&Letter{})).Order("next_attempt_at, id").Limit(limit).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	var claimed []Letter
	for _, id := range ids {
		res := due(s.conn(ctx).Model(&Letter{}).Where("id = ?", id)).
			Updates(map[string]any{"lease_until": now.Add(lease), "attempts": gorm.Expr("attempts + 1")})
		if res.Error != nil {
			return claimed, res.Error
		}
		if res.RowsAffected != 1 {
			continue // another worker won it
		}
		var l Letter
		if err := s.conn(ctx).First(&l, id).Error; err != nil {
			return claimed, err
		}
		claimed = append(claimed, l)
	}
	return claimed, nil
}

// MarkLetterSent records that the SMTP server accepted the letter.
func (s *Store) MarkLetterSent(ctx context.Context, id int64, at time.Time) error {
	return s.conn(ctx).Model(&Letter{}).Where("id = ?", id).Updates(map[string]any{
		"status": LetterSent, "sent_at": at.UTC(), "lease_until": nil, "last_error": "",
	}).Error
}

// RetryLetter records a temporary failure and when to try again.
func (s *Store) RetryLetter(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ?", id, LetterQueued).Updates(map[string]any{
		"next_attempt_at": next.UTC(), "lease_until": nil, "last_error": truncate(reason, 1000),
	}).Error
}

// FailLetter records a permanent failure: the letter is not retried automatically.
func (s *Store) FailLetter(ctx context.Context, id int64, at time.Time, reason string) error {
	return s.conn(ctx).Model(&Letter{}).Where("id = ? AND status = ?", id, LetterQueued).Updates(map[string]any{
		"status": LetterFailed, "failed_at": at.UTC(), "lease_until": nil, "last_error": truncate(reason, 1000),
	}).Error
}

// LetterFilter selects letters for the admin mailbox.
type LetterFilter struct {
	Status string // "" for all
	Limit  int
	Before int64 // keyset: only letters with a smaller id
}

// Letters returns letters newest first.
func (s *Store) Letters(ctx context.Context, f LetterFilter) ([]Letter, error) {
	q := s.conn(ctx).Omit("text_body", "html_body").Order("id DESC")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
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

// Outbox adapts the store to the mailer's dispatcher.
type Outbox struct{ Store *Store }

var _ mailer.Outbox = Outbox{}

// Claim implements mailer.Outbox.
func (o Outbox) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]mailer.Pending, error) {
	ls, err := o.Store.ClaimLetters(ctx, now, limit, lease)
	out := make([]mailer.Pending, 0, len(ls))
	for _, l := range ls {
		out = append(out, mailer.Pending{ID: l.ID, Attempts: l.Attempts - 1, Message: l.Message()})
	}
	return out, err
}

// Sent implements mailer.Outbox.
func (o Outbox) Sent(ctx context.Context, id int64, at time.Time) error {
	return o.Store.MarkLetterSent(ctx, id, at)
}

// Retry implements mailer.Outbox.
func (o Outbox) Retry(ctx context.Context, id int64, next time.Time, reason string) error {
	return o.Store.RetryLetter(ctx, id, next, reason)
}

// Failed implements mailer.Outbox.
func (o Outbox) Failed(ctx context.Context, id int64, at time.Time, reason string) error {
	return o.Store.FailLetter(ctx, id, at, reason)
}

// Message is the letter as the mailer sends it.
func (l Letter) Message() mailer.Message {
	return mailer.Message{
		MessageID: l.MessageID,
		From:      l.Sender,
		To:        l.Recipient,
		ToName:    l.RecipientName,
		Subject:   l.Subject,
		Text:      l.TextBody,
		HTML:      l.HTMLBody,
		Date:      l.CreatedAt,
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
