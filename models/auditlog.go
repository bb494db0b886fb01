package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"rightsdesk/dsr"
)

// The audit log as admins read it: every event of every case, newest first, in keyset pages,
// filtered by controller, case, actor, type and time. The order is (at, id) descending, which an
// index serves for the whole log and for a time range; the actor and type filters have their own
// (actor_user_id, at, id) and (type, at, id) indexes, and a case's events come through
// events_case (migrations 00016 and 00025). Not seq: an event waits about a second before the
// sealer gives it one, and the log shows it meanwhile.

// AuditFilter selects events. Controllers is the caller's scope and is always applied: an event
// is in it by its case's organisation or, for an admin's action, its own. System adds the admins'
// actions on the whole portal (accounts, for one), which belong to no organisation.
type AuditFilter struct {
	Controllers  []int64
	System       bool
	ControllerID int64
	Reference    string // a case's reference, exactly
	ActorUserID  int64  // a member of staff
	ActorType    string // ActorRequester, ActorSystem or ActorStaff
	Type         string // an event type
	From, Until  time.Time
	After        AuditCursor // the last row of the previous page
	Limit        int
}

// AuditCursor is a position in the log's order.
type AuditCursor struct {
	At time.Time
	ID int64 // the event's id
}

// IsZero reports whether c is the start of the log.
func (c AuditCursor) IsZero() bool { return c.ID == 0 }

// Encode writes the cursor for a URL: microseconds since 1970 and the event's id.
func (c AuditCursor) Encode() string {
	if c.ID == 0 {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseAuditCursor reads a cursor written by Encode; a malformed one is the start of the log.
func ParseAuditCursor(s string) AuditCursor {
	at, id, ok := strings.Cut(s, ".")
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return AuditCursor{}
	}
	return AuditCursor{At: time.UnixMicro(us).UTC(), ID: n}
}

// AuditEntry is one event of the log with the names it needs: who (the member of staff's name),
// what, when and the case.
type AuditEntry struct {
	ID             int64
	Seq            int64 // 0 while the event waits to be sealed into the chain
	At             time.Time
	ActorType      string
	ActorUserID    *int64
	ActorName      string // the member of staff's name, empty for the requester and the system
	Type           string
	FromStatus     dsr.Status
	ToStatus       dsr.Status
	Message        string
	Public         bool
	ErasedAt       *time.Time // its personal parts were erased (retention): Message says what is left
	Reference      string
	ControllerName string
}

// AuditPage is one page of the log.
type AuditPage struct {
	Entries []AuditEntry
	Next    AuditCursor // zero on the last page
}

// AuditLog returns a page of events, newest first.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) (AuditPage, error) {
	if len(f.Controllers) == 0 {
		return AuditPage{}, nil // no scope, no events: never an unscoped query
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	// An event's organisation: its case's, or its own for an admin's action without a case.
	const scope = "COALESCE(c.controller_id, e.controller_id)"
	q := s.conn(ctx).Table("events AS e").
		Select(`e.id, COALESCE(e.seq, 0) AS seq, e.at, e.actor_type, e.actor_user_id, u.name AS actor_name, e.type, e.from_status, e.to_status,
			e.message, e.public, e.erased_at, COALESCE(c.reference, '') AS reference, COALESCE(ctl.name, '') AS controller_name`).
		Joins("LEFT JOIN cases c ON c.id = e.case_id").
		Joins("LEFT JOIN controllers ctl ON ctl.id = " + scope).
		Joins("LEFT JOIN users u ON u.id = e.actor_user_id")
	if f.System {
		q = q.Where(scope+" IN ? OR (e.case_id IS NULL AND e.controller_id IS NULL)", f.Controllers)
	} else {
		q = q.Where(scope+" IN ?", f.Controllers)
	}
	if f.ControllerID != 0 {
		q = q.Where(scope+" = ?", f.ControllerID)
	}
	if f.Reference != "" {
		q = q.Where("c.reference = ?", f.Reference)
	}
	if f.ActorUserID != 0 {
		q = q.Where("e.actor_user_id = ?", f.ActorUserID)
	}
	if f.ActorType != "" {
		q = q.Where("e.actor_type = ?", f.ActorType)
	}
	if f.Type != "" {
		q = q.Where("e.type = ?", f.Type)
	}
	if !f.From.IsZero() {
		q = q.Where("e.at >= ?", f.From.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("e.at < ?", f.Until.UTC())
	}
	if !f.After.IsZero() {
		q = q.Where("(e.at, e.id) < (?, ?)", f.After.At.UTC(), f.After.ID)
	}
	var rows []AuditEntry
	if err := q.Order("e.at DESC, e.id DESC").Limit(f.Limit + 1).Scan(&rows).Error; err != nil {
		return AuditPage{}, fmt.Errorf("audit log: %w", err)
	}
	page := AuditPage{Entries: rows}
	if len(rows) > f.Limit {
		page.Entries = rows[:f.Limit]
		last := page.Entries[f.Limit-1]
		page.Next = AuditCursor{At: last.At, ID: last.ID}
	}
	return page, nil
}

// AuditHead returns the last event's seq and hash as recorded, without checking the chain.
func (s *Store) AuditHead(ctx context.Context) (int64, string, error) {
	var h auditHead
	if err := s.conn(ctx).Where("id = 1").Take(&h).Error; err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return h.Seq, h.Hash, nil
}

// UsersByName returns every account, active or not, by name: the actors of the log.
func (s *Store) UsersByName(ctx context.Context) ([]User, error) {
	var us []User
	err := s.conn(ctx).Order("name, id").Find(&us).Error
	return us, err
}
