package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
)

// NextReference takes the next number of year. Call it inside InTx, in the filing's transaction.
//
// On PostgreSQL the number comes from the year's sequence (case_reference_YYYY, created by the
// year's first filing in its transaction; migration 00025), which locks nothing until commit:
// concurrent filings do not queue, replicas never hand out the same number, and a filing that
// rolls back loses its number, so a year's references may have gaps. On SQLite, which has one
// writer, the year's row in reference_counters is incremented; the transaction holds the
// database's write lock until it ends, and a rollback gives the number back.
func (s *Store) NextReference(ctx context.Context, year int) (string, error) {
	db := s.conn(ctx)
	var n int64
	if s.dialect == Postgres {
		if err := db.Raw(`SELECT case_reference_next(?)`, year).Scan(&n).Error; err != nil {
			return "", fmt.Errorf("reference sequence: %w", err)
		}
		if n <= 0 {
			return "", fmt.Errorf("reference sequence for %d gave %d", year, n)
		}
		return dsr.FormatReference(year, n), nil
	}
	// Insert the year's row if it is missing; a concurrent insert is harmless.
	if err := db.Exec(`INSERT INTO reference_counters (year, last_value) VALUES (?, 0) ON CONFLICT (year) DO NOTHING`, year).Error; err != nil {
		return "", fmt.Errorf("reference counter: %w", err)
	}
	err := db.Raw(`UPDATE reference_counters SET last_value = last_value + 1 WHERE year = ? RETURNING last_value`, year).Scan(&n).Error
	if err != nil {
		return "", fmt.Errorf("reference counter: %w", err)
	}
	if n == 0 {
		return "", fmt.Errorf("reference counter for %d did not advance", year)
	}
	return dsr.FormatReference(year, n), nil
}

// CreateCase inserts a case with its kinds and identifiers.
func (s *Tx) CreateCase(ctx context.Context, c *Case) error {
	// Kinds and identifiers are inserted one table at a time so that a failure names its step.
	kinds, ids := c.Kinds, c.Identifiers
	c.Kinds, c.Identifiers = nil, nil
	ks := make([]dsr.Kind, len(kinds))
	for i, k := range kinds {
		ks[i] = k.Kind
	}
	c.KindMask = dsr.KindMask(ks)
	defer func() { c.Kinds, c.Identifiers = kinds, ids }()
	db := s.conn(ctx)
	if err := db.Omit("Site", "Controller").Create(c).Error; err != nil {
		return fmt.Errorf("insert case: %w", err)
	}
	for i := range kinds {
		kinds[i].CaseID = c.ID
	}
	if err := db.Create(&kinds).Error; err != nil {
		return fmt.Errorf("insert case kinds: %w", err)
	}
	if len(ids) > 0 {
		for i := range ids {
			ids[i].CaseID = c.ID
		}
		if err := db.Create(&ids).Error; err != nil {
			return fmt.Errorf("insert case identifiers: %w", err)
		}
	}
	return nil
}

// AppendEvent adds an event to a case's timeline, unsealed: it takes no seq and touches no
// shared row, so appends never wait for each other. SealEvents, run each second by a periodic job,
// later gives it its place in the audit chain (seq, prev_hash, hash); until then timelines show it
// and VerifyAudit counts it as waiting. Call it in the transaction of the change it records: an
// event rolled back with it never existed, and one committed late simply gets a later seq.
//
// d is what the event records: it sets the event's type, its detail and its message
// (events.English), so that the three always agree.
func (s *Tx) AppendEvent(ctx context.Context, e *Event, d events.Detail) error {
	if err := e.SetDetail(d); err != nil {
		return err
	}
	// Both databases keep microseconds: the sealer hashes exactly what is read back.
	e.At = e.At.UTC().Truncate(time.Microsecond)
	appended := time.Now().UTC().Truncate(time.Microsecond)
	e.AppendedAt = &appended
	e.Seq, e.PrevHash, e.Hash, e.ErasedAt = 0, "", "", nil
	saltEvent(e)
	if err := s.conn(ctx).Omit("Seq", "PrevHash", "Hash").Create(e).Error; err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	return nil
}

func (s *Store) caseQuery(ctx context.Context) *gorm.DB {
	return s.conn(ctx).Preload("Kinds").Preload("Identifiers", func(db *gorm.DB) *gorm.DB { return db.Order("id") }).
		Preload("Site").Preload("Controller").Preload("Assignee")
}

// CaseByVerifyToken returns the case whose unused verification token hashes to hash, locked for
// update when called inside InTx.
func (s *Store) CaseByVerifyToken(ctx context.Context, hash string) (Case, error) {
	var c Case
	err := s.forUpdate(s.caseQuery(ctx)).Where("verify_token_hash = ?", hash).First(&c).Error
	return c, notFound(err)
}

// CaseBySpentVerifyToken returns the case whose verification token, already used, hashes to hash.
func (s *Store) CaseBySpentVerifyToken(ctx context.Context, hash string) (Case, error) {
	var c Case
	err := s.caseQuery(ctx).Where("verify_spent_hash = ?", hash).First(&c).Error
	return c, notFound(err)
}

// CaseByStatusToken returns the case whose status-page token hashes to hash, locked for update when
// called inside InTx.
func (s *Store) CaseByStatusToken(ctx context.Context, hash string) (Case, error) {
	var c Case
	err := s.forUpdate(s.caseQuery(ctx)).Where("status_token_hash = ?", hash).First(&c).Error
	return c, notFound(err)
}

// CaseByReference returns a case by its reference, whatever its controller: for tests and the
// system itself. Staff code uses CaseByReferenceFor.
func (s *Store) CaseByReference(ctx context.Context, ref string) (Case, error) {
	var c Case
	err := s.caseQuery(ctx).Where("reference = ?", ref).First(&c).Error
	return c, notFound(err)
}

// CaseByReferenceFor returns a case of one of the given controllers, locked for update when called
// inside InTx. A case of another controller is ErrNotFound, exactly like one that does not exist.
func (s *Store) CaseByReferenceFor(ctx context.Context, ref string, controllers []int64) (Case, error) {
	var c Case
	if len(controllers) == 0 {
		return c, ErrNotFound
	}
	err := s.forUpdate(s.caseQuery(ctx)).Where("reference = ? AND controller_id IN ?", ref, controllers).First(&c).Error
	return c, notFound(err)
}

// CaseChange is what a transition writes to a case.
type CaseChange struct {
	Status          dsr.Status
	At              time.Time
	VerifiedAt      *time.Time
	ClearVerify     bool    // the verification token has been used, or has expired
	VerifySpentHash *string // the hash of the verification token just used
	StatusTokenHash *string // a new status-page token
	StatusNonce     string  // with the deployment's secret, derives that token again
	Closed          bool
	// An Art. 12(3) extension.
	ExtendedDueOn   deadline.Date
	ExtensionReason string
	ExtendedBy      *int64
	// Assignment: when SetAssignee, the case goes to Assignee (nil: to nobody).
	SetAssignee bool
	Assignee    *int64
	// Answered marks the moment the case was completed or refused.
	Answered      bool
	AnswerResult  string // dsr.Result of the answer as a whole
	RefusalGround string
	// InfoReplyBy: the requester is asked to answer by this date (zero: unchanged).
	InfoReplyBy deadline.Date
	// PauseOn pauses the clock from that day (zero: unchanged); Resumed ends the pause with the
	// dates it moved.
	PauseOn deadline.Date
	Resumed *deadline.Moved
	// RefusedLate: a right was refused after the one-month date of Art. 12(4) on an extended
	// case; the answer was due that day, so it counts late wherever "on time" is read.
	RefusedLate bool
	// SetHold places a legal hold, for HoldReason, by HeldBy at At; with HoldReason "" it lifts
	// the hold.
	SetHold    bool
	HoldReason string
	HeldBy     *int64
}

// UpdateCase applies ch to the case at the version it was read at. It returns ErrConflict when the
// case changed meanwhile, so a second writer never silently overwrites the first.
func (s *Store) UpdateCase(ctx context.Context, c *Case, ch CaseChange) error {
	set := map[string]any{
		"status":     ch.Status,
		"version":    c.Version + 1,
		"updated_at": ch.At,
	}
	if ch.VerifiedAt != nil {
		set["verified_at"] = *ch.VerifiedAt
	}
	if ch.ClearVerify {
		set["verify_token_hash"] = nil
	}
	if ch.VerifySpentHash != nil {
		set["verify_spent_hash"] = *ch.VerifySpentHash
	}
	if ch.StatusTokenHash != nil {
		set["status_token_hash"] = *ch.StatusTokenHash
		set["status_nonce"] = ch.StatusNonce
	}
	if ch.Closed {
		set["closed_at"] = ch.At
	}
	if ch.SetAssignee {
		set["assignee_id"] = ch.Assignee
	}
	if ch.Answered {
		on, days := AnswerDay(*c, ch.At)
		set["answered_at"] = ch.At
		set["answered_on"] = on
		set["days_taken"] = days
		set["refusal_ground"] = ch.RefusalGround
		set["answer_result"] = ch.AnswerResult
		if ch.RefusedLate {
			set["answer_due_on"] = c.DueOn
		}
	}
	if !ch.ExtendedDueOn.IsZero() {
		set["extended_due_on"] = ch.ExtendedDueOn
		set["extension_reason"] = ch.ExtensionReason
		set["extended_at"] = ch.At
		set["extended_by"] = ch.ExtendedBy
		set["answer_due_on"] = ch.ExtendedDueOn
	}
	if !ch.InfoReplyBy.IsZero() {
		set["info_reply_by"] = ch.InfoReplyBy
	}
	if !ch.PauseOn.IsZero() {
		set["paused_on"] = ch.PauseOn
	}
	if m := ch.Resumed; m != nil {
		set["paused_on"] = nil
		set["paused_days"] = m.PausedDays
		set["due_on"] = m.Due
		set["answer_due_on"] = m.Due
		if !m.ExtendedDue.IsZero() {
			set["extended_due_on"] = m.ExtendedDue
			set["answer_due_on"] = m.ExtendedDue
		}
		if !m.Target.IsZero() {
			set["target_on"] = m.Target
		}
	}
	var heldAt *time.Time
	if ch.SetHold {
		heldBy := ch.HeldBy
		if ch.HoldReason != "" {
			at := ch.At
			heldAt = &at
		} else {
			heldBy = nil
		}
		set["hold_reason"], set["held_at"], set["held_by"] = ch.HoldReason, heldAt, heldBy
		ch.HeldBy = heldBy
	}
	res := s.conn(ctx).Model(&Case{}).Where("id = ? AND version = ?", c.ID, c.Version).Updates(set)
	if res.Error != nil {
		return fmt.Errorf("update case: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrConflict
	}
	c.Status, c.Version, c.UpdatedAt = ch.Status, c.Version+1, ch.At
	if ch.VerifiedAt != nil {
		c.VerifiedAt = ch.VerifiedAt
	}
	if ch.ClearVerify {
		c.VerifyTokenHash = nil
	}
	if ch.VerifySpentHash != nil {
		c.VerifySpentHash = ch.VerifySpentHash
	}
	if ch.StatusTokenHash != nil {
		c.StatusTokenHash, c.StatusNonce = ch.StatusTokenHash, ch.StatusNonce
	}
	if ch.Closed {
		at := ch.At
		c.ClosedAt = &at
	}
	if ch.SetAssignee {
		c.AssigneeID = ch.Assignee
	}
	if ch.Answered {
		at := ch.At
		on, days := AnswerDay(*c, at)
		c.AnsweredAt, c.AnsweredOn, c.DaysTaken, c.RefusalGround = &at, on, &days, ch.RefusalGround
		c.AnswerResult = ch.AnswerResult
		if ch.RefusedLate {
			c.AnswerDueOn = c.DueOn
		}
	}
	if !ch.InfoReplyBy.IsZero() {
		c.InfoReplyBy = ch.InfoReplyBy
	}
	if !ch.PauseOn.IsZero() {
		c.PausedOn = ch.PauseOn
	}
	if m := ch.Resumed; m != nil {
		c.PausedOn, c.PausedDays, c.DueOn, c.AnswerDueOn = deadline.Date{}, m.PausedDays, m.Due, m.Due
		if !m.ExtendedDue.IsZero() {
			c.ExtendedDueOn, c.AnswerDueOn = m.ExtendedDue, m.ExtendedDue
		}
		if !m.Target.IsZero() {
			c.TargetOn = m.Target
		}
	}
	if !ch.ExtendedDueOn.IsZero() {
		at := ch.At
		c.ExtendedDueOn, c.ExtensionReason, c.ExtendedAt, c.ExtendedBy = ch.ExtendedDueOn, ch.ExtensionReason, &at, ch.ExtendedBy
		c.AnswerDueOn = ch.ExtendedDueOn
	}
	if ch.SetHold {
		c.HoldReason, c.HeldAt, c.HeldBy = ch.HoldReason, heldAt, ch.HeldBy
	}
	return nil
}

// AnswerDay is the day a case answered at "at" was answered, in its controller's time zone, and
// the calendar days from receipt to it. The receipt day is counted in the same zone, so a case
// answered the day it came in took 0 days.
func AnswerDay(c Case, at time.Time) (deadline.Date, int) {
	loc := deadline.DefaultLocation
	if c.Controller != nil {
		loc = c.Controller.Location()
	}
	on := deadline.ReceiptDate(at, loc)
	return on, deadline.DaysBetween(c.ReceivedOn, on)
}

// PublicTimeline returns the events of a case that the requester may see, oldest first.
func (s *Store) PublicTimeline(ctx context.Context, caseID int64) ([]Event, error) {
	var es []Event
	err := s.conn(ctx).Where("case_id = ? AND public = ?", caseID, true).Order("at, id").Find(&es).Error
	return es, err
}

// Timeline returns every event of a case, oldest first.
func (s *Store) Timeline(ctx context.Context, caseID int64) ([]Event, error) {
	var es []Event
	err := s.conn(ctx).Where("case_id = ?", caseID).Order("at, id").Find(&es).Error
	return es, err
}

// UnverifiedExpiredBefore returns up to limit ids of unverified cases whose verification link
// expired before now.
func (s *Store) UnverifiedExpiredBefore(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&Case{}).
		Where("status = ? AND verify_expires_at < ?", dsr.StatusUnverified, now).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// CaseByID returns a case, locked for update when called inside InTx.
func (s *Store) CaseByID(ctx context.Context, id int64) (Case, error) {
	var c Case
	err := s.forUpdate(s.caseQuery(ctx)).Where("id = ?", id).First(&c).Error
	return c, notFound(err)
}

// CountCases returns how many cases exist; tests and the demo loader use it.
func (s *Store) CountCases(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&Case{}).Count(&n).Error
	return n, err
}
