package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"rightsdesk/dsr"
	"rightsdesk/events"
)

// Erasure of a case's personal data at the end of its retention period (issue 17, package
// retention decides which cases are due). What goes: the requester's e-mail address and name, every
// text they or staff typed (the request, rectification, objection, extension reasons, Art. 15 items,
// reasons of outcomes, recipients and liftings), the identifiers' values, the letters' recipients
// and bodies, the answer's files, the e-mail and identifiers of a consent withdrawal recorded for
// the case, the status and verification links, and the personal parts of every event (Tx.eraseEvents).
// What stays is the accountability record: reference, controller, site, rights, status, dates,
// outcomes and grounds, the letters' kinds, subjects and delivery states, and the events' types,
// public details and digests — so the dashboard, the transparency page, the CSV export and the
// audit chain are unchanged.

// ErrNotErasable is returned by EraseCase for a case that is open, on a legal hold, already erased,
// or has a letter not yet delivered or given up.
var ErrNotErasable = errors.New("the case's personal data cannot be erased now")

// Erasure is what EraseCase did.
type Erasure struct {
	Events, Letters, Files, Identifiers int64
}

// erasableCase is what EraseCase reads of the case, locked.
type erasableCase struct {
	ID       int64
	Status   dsr.Status
	ClosedAt *time.Time
	HeldAt   *time.Time
	ErasedAt *time.Time
}

// EraseCase erases the personal data of case id at the instant at and appends the event d, which
// says why, after it; it returns ErrNotErasable when the case is not closed, is held or already
// erased, or still has a letter on its way.
func (s *Tx) EraseCase(ctx context.Context, id int64, at time.Time, d events.PersonalDataErased) (Erasure, error) {
	var r Erasure
	var c erasableCase
	err := s.forUpdate(s.conn(ctx).Table("cases")).Select("id", "status", "closed_at", "held_at", "erased_at").
		Where("id = ?", id).Take(&c).Error
	if err != nil {
		return r, notFound(err)
	}
	switch {
	case !c.Status.Closed() || c.ClosedAt == nil:
		return r, fmt.Errorf("%w: it is not closed", ErrNotErasable)
	case c.HeldAt != nil:
		return r, fmt.Errorf("%w: it is on a legal hold", ErrNotErasable)
	case c.ErasedAt != nil:
		return r, fmt.Errorf("%w: it was erased on %s", ErrNotErasable, c.ErasedAt.UTC().Format(time.DateOnly))
	}
	var pending int64
	if err := s.conn(ctx).Table("letters").Where("case_id = ? AND status IN ?", id, []string{LetterQueued, LetterPossiblySent}).
		Count(&pending).Error; err != nil {
		return r, fmt.Errorf("erase: letters: %w", err)
	}
	if pending > 0 {
		return r, fmt.Errorf("%w: %d letter(s) not yet delivered or given up", ErrNotErasable, pending)
	}
	at = at.UTC().Truncate(time.Microsecond)

	exec := func(what, sql string, args ...any) (int64, error) {
		res := s.conn(ctx).Exec(sql, args...)
		if res.Error != nil {
			return 0, fmt.Errorf("erase %s: %w", what, res.Error)
		}
		return res.RowsAffected, nil
	}
	steps := []struct {
		what, sql string
		n         *int64
	}{
		{"the case", `UPDATE cases SET email = '', name = '', details = '', rectification_wrong = '', rectification_right = '',
			objection_grounds = '', extension_reason = '', verify_token_hash = NULL, verify_spent_hash = NULL,
			status_token_hash = NULL, status_nonce = '', erased_at = ?, version = version + 1, updated_at = ? WHERE id = ?`, nil},
		{"identifiers", `UPDATE case_identifiers SET value = '', verified_reason = '' WHERE case_id = ?`, &r.Identifiers},
		// The items' texts say what was held about the person; that they were given item by item
		// stays in the answer's event.
		{"Art. 15 items", `DELETE FROM case_access_items WHERE case_id = ?`, nil},
		{"outcomes", `UPDATE case_outcomes SET reasons = '' WHERE case_id = ?`, nil},
		{"recipients", `UPDATE case_recipients_told SET reason = '' WHERE case_id = ?`, nil},
		{"liftings", `UPDATE case_restriction_liftings SET reasons = '' WHERE case_id = ?`, nil},
		{"files", `DELETE FROM case_files WHERE case_id = ?`, &r.Files},
		{"letters", `UPDATE letters SET recipient = '', recipient_name = '', text_body = '', html_body = '', last_error = '' WHERE case_id = ?`, &r.Letters},
		{"consent identifiers", `UPDATE consent_identifiers SET value = '' WHERE withdrawal_id IN (SELECT id FROM consent_withdrawals WHERE case_id = ?)`, nil},
		{"consent withdrawals", `UPDATE consent_withdrawals SET email = '' WHERE case_id = ?`, nil},
	}
	for i, st := range steps {
		args := []any{id}
		if i == 0 {
			args = []any{at, at, id}
		}
		n, err := exec(st.what, st.sql, args...)
		if err != nil {
			return r, err
		}
		if st.n != nil {
			*st.n = n
		}
	}
	if r.Events, err = s.eraseEvents(ctx, id, at); err != nil {
		return r, err
	}
	e := Event{CaseID: id, At: at, ActorType: ActorSystem, FromStatus: c.Status, ToStatus: c.Status}
	return r, s.AppendEvent(ctx, &e, d)
}

// eraseEvents erases the personal parts of the case's events: the detail becomes its public part
// (events.Public), the message what that part says, the salt goes; the digest stays, and with it
// the hash, sealed or not. It returns how many it erased.
func (s *Tx) eraseEvents(ctx context.Context, caseID int64, at time.Time) (int64, error) {
	var es []Event
	if err := s.conn(ctx).Select("id", "type", "detail").Where("case_id = ? AND erased_at IS NULL", caseID).
		Order("id").Find(&es).Error; err != nil {
		return 0, fmt.Errorf("erase events: %w", err)
	}
	cols := []valueColumn{{"message", "TEXT"}, {"detail", "TEXT"}, {"personal_salt", "TEXT"}}
	var total int64
	for rest := es; len(rest) > 0; {
		n := min(len(rest), rehashBatch)
		rows, ids := make([][]any, n), make([]int64, n)
		for i, e := range rest[:n] {
			public := events.Public(e.Type, e.Detail)
			rows[i], ids[i] = []any{e.ID, erasedMessage(e.Type, public), public, ""}, e.ID
		}
		if _, err := s.updateEvents(ctx, "id", "events.erased_at IS NULL", cols, rows); err != nil {
			return 0, fmt.Errorf("erase events: %w", err)
		}
		res := s.conn(ctx).Exec(`UPDATE events SET erased_at = ? WHERE id IN ? AND erased_at IS NULL`, at, ids)
		if res.Error != nil {
			return 0, fmt.Errorf("erase events: %w", res.Error)
		}
		if res.RowsAffected != int64(n) {
			return 0, fmt.Errorf("erase events: %d of %d still to erase: %w", res.RowsAffected, n, ErrConflict)
		}
		total += res.RowsAffected
		rest = rest[n:]
	}
	return total, nil
}

// RetentionRule is a controller's retention settings (controllers.keep_answered_days and
// keep_unconfirmed_days): how many days after a case closes its personal data is kept.
type RetentionRule struct {
	ControllerID    int64
	Controller      string // its name
	AnsweredDays    int    // completed, refused, withdrawn
	UnconfirmedDays int    // expired without the e-mail address ever confirmed
	TimeZone        string // the controller's, in which a closing day is said
	RecordYears     int    // after which the record left by the erasure is deleted too; 0 never
}

// RetentionRules returns every controller's rule, by name.
func (s *Store) RetentionRules(ctx context.Context) ([]RetentionRule, error) {
	var rs []RetentionRule
	err := s.conn(ctx).Raw(`SELECT id AS controller_id, name AS controller, keep_answered_days AS answered_days,
		keep_unconfirmed_days AS unconfirmed_days, time_zone, keep_record_years AS record_years FROM controllers ORDER BY name, id`).Scan(&rs).Error
	if err != nil {
		return nil, fmt.Errorf("retention rules: %w", err)
	}
	return rs, nil
}

// DueCase is a case whose personal data is due for erasure.
type DueCase struct {
	ID          int64
	Reference   string
	Status      dsr.Status
	ClosedAt    time.Time
	Unconfirmed bool // closed unconfirmed (expired), under the rule's UnconfirmedDays
}

// DueFilter selects the closed, not yet erased cases of a controller closed before a cutoff: an
// answered one (completed, refused, withdrawn) before Answered, an unconfirmed one (expired)
// before Unconfirmed. Held selects the ones on a legal hold instead of the others.
type DueFilter struct {
	ControllerID          int64
	Answered, Unconfirmed time.Time
	Held                  bool
}

func (s *Store) dueQuery(ctx context.Context, f DueFilter) *gorm.DB {
	q := s.conn(ctx).Table("cases").Where("controller_id = ? AND erased_at IS NULL AND closed_at IS NOT NULL", f.ControllerID).
		Where("(status IN ? AND closed_at < ?) OR (status = ? AND closed_at < ?)",
			[]dsr.Status{dsr.StatusCompleted, dsr.StatusRefused, dsr.StatusWithdrawn}, f.Answered.UTC(), dsr.StatusExpired, f.Unconfirmed.UTC())
	if f.Held {
		return q.Where("held_at IS NOT NULL")
	}
	return q.Where("held_at IS NULL")
}

// CasesDue returns up to limit cases of f, the longest closed first.
func (s *Store) CasesDue(ctx context.Context, f DueFilter, limit int) ([]DueCase, error) {
	var cs []DueCase
	err := s.dueQuery(ctx, f).Select("id", "reference", "status", "closed_at", "status = 'expired' AS unconfirmed").
		Order("closed_at, id").Limit(limit).Scan(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("cases due for erasure: %w", err)
	}
	return cs, nil
}

// CountDue counts the cases of f, answered and unconfirmed.
func (s *Store) CountDue(ctx context.Context, f DueFilter) (answered, unconfirmed int64, err error) {
	var n struct{ Answered, Unconfirmed int64 }
	err = s.dueQuery(ctx, f).Select(`COALESCE(SUM(CASE WHEN status = 'expired' THEN 0 ELSE 1 END), 0) AS answered,
		COALESCE(SUM(CASE WHEN status = 'expired' THEN 1 ELSE 0 END), 0) AS unconfirmed`).Scan(&n).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count cases due for erasure: %w", err)
	}
	return n.Answered, n.Unconfirmed, nil
}

// withdrawalsDue selects the consent withdrawals of controllerID's sites made before `before` on
// the consent page (no case: a case's withdrawal goes with its case), not yet erased.
func (s *Store) withdrawalsDue(ctx context.Context, controllerID int64, before time.Time) *gorm.DB {
	return s.conn(ctx).Table("consent_withdrawals w").Joins("JOIN sites s ON s.id = w.site_id").
		Where("s.controller_id = ? AND w.case_id IS NULL AND w.erased_at IS NULL AND w.withdrawn_at < ?", controllerID, before.UTC())
}

// waitingWithdrawal: not handled yet (the site not told, by its webhook or the privacy team), or
// its confirmation letter still on its way. Such a withdrawal is kept until it is done.
const waitingWithdrawal = `(w.handled_at IS NULL OR EXISTS (SELECT 1 FROM letters l WHERE l.withdrawal_id = w.id AND l.status IN ('queued', 'possibly_sent')))`

// CountWithdrawalsDue counts the withdrawals of controllerID made before `before` on the consent
// page and not erased yet: those an erasure would take, and those it must keep waiting.
func (s *Store) CountWithdrawalsDue(ctx context.Context, controllerID int64, before time.Time) (due, waiting int64, err error) {
	var n struct{ Due, Waiting int64 }
	err = s.withdrawalsDue(ctx, controllerID, before).Select(`COALESCE(SUM(CASE WHEN ` + waitingWithdrawal + ` THEN 0 ELSE 1 END), 0) AS due,
		COALESCE(SUM(CASE WHEN ` + waitingWithdrawal + ` THEN 1 ELSE 0 END), 0) AS waiting`).Scan(&n).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count withdrawals due for erasure: %w", err)
	}
	return n.Due, n.Waiting, nil
}

// EraseWithdrawals erases, at the instant at, the personal data of up to limit consent withdrawals
// of CountWithdrawalsDue's first kind — the visitor's e-mail address, the identifiers' values, the
// confirmation letter's recipient and body — keeping the receipt, site, categories and dates as
// the record that consent was withdrawn, and appends the organisation's event d if it erased any.
// It returns how many it erased.
func (s *Tx) EraseWithdrawals(ctx context.Context, controllerID int64, before, at time.Time, limit int, d events.WithdrawalsErased) (int64, error) {
	var ids []int64
	if err := s.withdrawalsDue(ctx, controllerID, before).Where("NOT "+waitingWithdrawal).
		Order("w.id").Limit(limit).Pluck("w.id", &ids).Error; err != nil {
		return 0, fmt.Errorf("withdrawals due for erasure: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	at = at.UTC().Truncate(time.Microsecond)
	for _, st := range []struct {
		what, sql string
		args      []any
	}{
		{"identifiers", `UPDATE consent_identifiers SET value = '' WHERE withdrawal_id IN ?`, []any{ids}},
		{"letters", `UPDATE letters SET recipient = '', recipient_name = '', text_body = '', html_body = '', last_error = '' WHERE withdrawal_id IN ?`, []any{ids}},
		{"withdrawals", `UPDATE consent_withdrawals SET email = '', erased_at = ? WHERE id IN ? AND erased_at IS NULL`, []any{at, ids}},
	} {
		if err := s.conn(ctx).Exec(st.sql, st.args...).Error; err != nil {
			return 0, fmt.Errorf("erase withdrawals' %s: %w", st.what, err)
		}
	}
	d.Count = len(ids)
	e := Event{ControllerID: controllerID, At: at, ActorType: ActorSystem}
	return int64(len(ids)), s.AppendEvent(ctx, &e, d)
}

// The second stage: KeepRecordYears after a case closed, the record its erasure left is deleted —
// the case's row and its rights, identifiers, outcomes, items, letters and reminders — once it is
// counted in the dashboard's rollups, so that the figures stay. Its events stay, erased, as links
// of the audit chain; their case_id then names no row. A consent withdrawal recorded for the case
// stays as the site's record, without its case.

// recordsDue selects the erased, not held cases of controllerID closed before `before` whose
// figures are in the rollups (or are never counted: expired requests).
func (s *Store) recordsDue(ctx context.Context, controllerID int64, before time.Time) *gorm.DB {
	return s.conn(ctx).Table("cases").
		Where("controller_id = ? AND erased_at IS NOT NULL AND closed_at < ?", controllerID, before.UTC()).
		Where("(stats_rolled OR status NOT IN ?)", closedCounted)
}

// RecordsDue returns up to limit cases whose record is due for deletion, not held, the longest
// closed first.
func (s *Store) RecordsDue(ctx context.Context, controllerID int64, before time.Time, limit int) ([]DueCase, error) {
	var cs []DueCase
	err := s.recordsDue(ctx, controllerID, before).Where("held_at IS NULL").
		Select("id", "reference", "status", "closed_at").Order("closed_at, id").Limit(limit).Scan(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("records due for deletion: %w", err)
	}
	return cs, nil
}

// CountRecordsDue counts the records due for deletion, and those of them on a legal hold.
func (s *Store) CountRecordsDue(ctx context.Context, controllerID int64, before time.Time) (due, held int64, err error) {
	var n struct{ Due, Held int64 }
	err = s.recordsDue(ctx, controllerID, before).Select(`COALESCE(SUM(CASE WHEN held_at IS NULL THEN 1 ELSE 0 END), 0) AS due,
		COALESCE(SUM(CASE WHEN held_at IS NULL THEN 0 ELSE 1 END), 0) AS held`).Scan(&n).Error
	if err != nil {
		return 0, 0, fmt.Errorf("count records due for deletion: %w", err)
	}
	return n.Due, n.Held, nil
}

// DeleteRecord deletes the record of case id, whose personal data was erased, and appends its
// organisation's event d (the reference, which is not personal data, says which); ErrNotErasable
// when the case is held, not erased, or not yet in the rollups.
func (s *Tx) DeleteRecord(ctx context.Context, id int64, at time.Time, d events.RecordDeleted) error {
	var c struct {
		ID           int64
		ControllerID int64
		Reference    string
		Status       dsr.Status
		HeldAt       *time.Time
		ErasedAt     *time.Time
		StatsRolled  bool
	}
	err := s.forUpdate(s.conn(ctx).Table("cases")).Select("id", "controller_id", "reference", "status", "held_at", "erased_at", "stats_rolled").
		Where("id = ?", id).Take(&c).Error
	if err != nil {
		return notFound(err)
	}
	switch {
	case c.ErasedAt == nil:
		return fmt.Errorf("%w: its personal data is not erased", ErrNotErasable)
	case c.HeldAt != nil:
		return fmt.Errorf("%w: it is on a legal hold", ErrNotErasable)
	case !c.StatsRolled && slices.Contains(closedCounted, c.Status):
		return fmt.Errorf("%w: the dashboard's rollups do not count it yet", ErrNotErasable)
	}
	at = at.UTC().Truncate(time.Microsecond)
	for _, table := range []string{"case_kinds", "case_identifiers", "case_outcomes", "case_files", "case_access_items",
		"case_recipients_told", "case_restriction_liftings", "case_reminders", "letters"} {
		if err := s.conn(ctx).Exec(`DELETE FROM `+table+` WHERE case_id = ?`, id).Error; err != nil {
			return fmt.Errorf("delete the record's %s: %w", table, err)
		}
	}
	if err := s.conn(ctx).Exec(`UPDATE consent_withdrawals SET case_id = NULL, erased_at = COALESCE(erased_at, ?) WHERE case_id = ?`, at, id).Error; err != nil {
		return fmt.Errorf("delete the record's withdrawal link: %w", err)
	}
	if err := s.conn(ctx).Exec(`DELETE FROM cases WHERE id = ?`, id).Error; err != nil {
		return fmt.Errorf("delete the record: %w", err)
	}
	d.Reference = c.Reference
	e := Event{ControllerID: c.ControllerID, At: at, ActorType: ActorSystem}
	return s.AppendEvent(ctx, &e, d)
}
