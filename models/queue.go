package models

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// ActiveStatuses are the statuses of cases that still need work: the queue's default.
var ActiveStatuses = []dsr.Status{dsr.StatusOpen, dsr.StatusInProgress, dsr.StatusAwaitingRequester}

// QueueFilter selects and orders the staff queue. Controllers is the caller's scope and is always
// applied: no filter can widen it.
type QueueFilter struct {
	Controllers []int64
	// Statuses keeps cases in these statuses. Empty: ActiveStatuses, except for a search, which
	// looks at every status (a reference, an address or a cookie value names cases of the past
	// as well as open ones; staff looking one up must find it, closed or not).
	Statuses     []dsr.Status
	Kind         dsr.Kind
	ControllerID int64
	SiteID       int64
	AssigneeID   int64 // a user's cases
	Unassigned   bool
	Band         deadline.Band
	Today        deadline.Date // in the controllers' time zone; bands are computed from it
	ReceivedFrom deadline.Date
	ReceivedTo   deadline.Date
	AnsweredFrom deadline.Date
	AnsweredTo   deadline.Date
	Timely       string // "on_time" or "late": answered cases that met their date, or did not
	Extended     bool   // extended under Art. 12(3)
	// Provenance keeps cases with an identifier of that provenance ("browser", "signed", "typed"),
	// or "unverified": a typed identifier staff have not decided on yet.
	Provenance string
	Search     string // a reference, an e-mail address, or a cookie identifier value
	ByReceived bool   // newest first; default: most urgent (earliest answer due) first
	After      Cursor // the last row of the previous page
	Limit      int
}

// Cursor is a position in the queue's order (keyset pagination: each page is an index range
// scan, as fast on page 1000 as on page 1).
type Cursor struct {
	Due      deadline.Date
	Received time.Time
	ID       int64
}

// IsZero reports whether c is the start of the queue.
func (c Cursor) IsZero() bool { return c.ID == 0 }

// Encode writes the cursor for a URL.
func (c Cursor) Encode(byReceived bool) string {
	if c.ID == 0 {
		return ""
	}
	if byReceived {
		return strconv.FormatInt(c.Received.UnixMicro(), 10) + "." + strconv.FormatInt(c.ID, 10)
	}
	return c.Due.String() + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor written by Encode; a malformed one is the start of the queue.
func ParseCursor(s string, byReceived bool) Cursor {
	key, idText, ok := strings.Cut(s, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return Cursor{}
	}
	if byReceived {
		us, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return Cursor{}
		}
		return Cursor{Received: time.UnixMicro(us).UTC(), ID: id}
	}
	d, err := deadline.ParseDate(key)
	if err != nil {
		return Cursor{}
	}
	return Cursor{Due: d, ID: id}
}

// QueuePage is one page of the queue.
type QueuePage struct {
	Cases []Case // with Kinds, Site and Assignee
	Next  Cursor // zero when this is the last page
}

// Queue returns a page of the queue.
func (s *Store) Queue(ctx context.Context, f QueueFilter) (QueuePage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q, err := s.queueWhere(ctx, f)
	if err != nil {
		return QueuePage{}, err
	}
	if f.ByReceived {
		if !f.After.IsZero() {
			q = q.Where("(cases.received_at, cases.id) < (?, ?)", f.After.Received, f.After.ID)
		}
		q = q.Order("cases.received_at DESC, cases.id DESC")
	} else {
		if !f.After.IsZero() {
			q = q.Where("(cases.answer_due_on, cases.id) > (?, ?)", f.After.Due, f.After.ID)
		}
		q = q.Order("cases.answer_due_on, cases.id")
	}
	var cs []Case
	err = q.Preload("Kinds").Preload("Site").Preload("Assignee").Preload("Identifiers").Limit(f.Limit + 1).Find(&cs).Error
	if err != nil {
		return QueuePage{}, fmt.Errorf("queue: %w", err)
	}
	page := QueuePage{Cases: cs}
	if len(cs) > f.Limit {
		page.Cases = cs[:f.Limit]
		last := page.Cases[f.Limit-1]
		page.Next = Cursor{Due: last.AnswerDueOn, Received: last.ReceivedAt, ID: last.ID}
	}
	return page, nil
}

// QueueCount counts the cases the filter selects, up to max: above it, it returns max+1, so a
// page can say "more than max" without counting a million rows.
func (s *Store) QueueCount(ctx context.Context, f QueueFilter, max int) (int64, error) {
	q, err := s.queueWhere(ctx, f)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.conn(ctx).Table("(?) AS sel", q.Select("cases.id").Limit(max+1)).Count(&n).Error
	return n, err
}

func (s *Store) queueWhere(ctx context.Context, f QueueFilter) (*gorm.DB, error) {
	if len(f.Controllers) == 0 {
		return nil, ErrNotFound // no scope, no cases: never an unscoped query
	}
	q := s.conn(ctx).Model(&Case{}).Where("cases.controller_id IN ?", f.Controllers)
	search := strings.TrimSpace(f.Search)
	switch {
	case len(f.Statuses) > 0:
		q = q.Where("cases.status IN ?", f.Statuses)
	case search == "":
		q = q.Where("cases.status IN ?", ActiveStatuses)
	}
	if f.ControllerID != 0 {
		q = q.Where("cases.controller_id = ?", f.ControllerID)
	}
	if f.SiteID != 0 {
		q = q.Where("cases.site_id = ?", f.SiteID)
	}
	if f.Kind != "" {
		q = q.Where("EXISTS (SELECT 1 FROM case_kinds k WHERE k.case_id = cases.id AND k.kind = ?)", f.Kind)
	}
	switch {
	case f.Unassigned:
		q = q.Where("cases.assignee_id IS NULL")
	case f.AssigneeID != 0:
		q = q.Where("cases.assignee_id = ?", f.AssigneeID)
	}
	switch f.Band {
	// A case whose clock is paused (Art. 12(6)) is not running late: it is on track until the
	// answer arrives and its dates move.
	case deadline.BandOverdue:
		q = q.Where("cases.answer_due_on < ? AND cases.paused_on IS NULL", f.Today)
	case deadline.BandDueSoon:
		q = q.Where("cases.answer_due_on >= ? AND cases.answer_due_on <= ? AND cases.paused_on IS NULL", f.Today, f.Today.AddDays(deadline.DueSoonDays))
	case deadline.BandOnTrack:
		q = q.Where("(cases.answer_due_on > ? OR cases.paused_on IS NOT NULL)", f.Today.AddDays(deadline.DueSoonDays))
	}
	if !f.ReceivedFrom.IsZero() {
		q = q.Where("cases.received_on >= ?", f.ReceivedFrom)
	}
	if !f.ReceivedTo.IsZero() {
		q = q.Where("cases.received_on <= ?", f.ReceivedTo)
	}
	if !f.AnsweredFrom.IsZero() {
		q = q.Where("cases.answered_on >= ?", f.AnsweredFrom)
	}
	if !f.AnsweredTo.IsZero() {
		q = q.Where("cases.answered_on <= ?", f.AnsweredTo)
	}
	switch f.Timely {
	case "on_time":
		q = q.Where("cases.answered_on <= cases.answer_due_on")
	case "late":
		q = q.Where("cases.answered_on > cases.answer_due_on")
	}
	if f.Extended {
		q = q.Where("cases.extended_due_on IS NOT NULL")
	}
	switch f.Provenance {
	case "browser", "signed", "typed":
		q = q.Where("EXISTS (SELECT 1 FROM case_identifiers i WHERE i.case_id = cases.id AND i.provenance = ?)", f.Provenance)
	case "unverified":
		q = q.Where("EXISTS (SELECT 1 FROM case_identifiers i WHERE i.case_id = cases.id AND i.provenance = 'typed' AND i.verified IS NULL)")
	}
	if search != "" {
		switch {
		case strings.HasPrefix(strings.ToUpper(search), "DSR-"):
			q = q.Where("cases.reference = ?", strings.ToUpper(search))
		case strings.Contains(search, "@"):
			q = q.Where("lower(cases.email) = ?", strings.ToLower(search))
		default:
			q = q.Where("EXISTS (SELECT 1 FROM case_identifiers i WHERE i.case_id = cases.id AND i.value = ?)", search)
		}
	}
	return q, nil
}
