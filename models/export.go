package models

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// CaseLine is one case in the audit export: no personal data beyond the reference.
type CaseLine struct {
	Reference     string
	Controller    string // slug
	Site          string // slug
	Kinds         []dsr.Kind
	Status        dsr.Status
	RefusalGround string
	AnswerResult  string // full, partial or refused once answered
	ReceivedOn    deadline.Date
	DueOn         deadline.Date
	ExtendedDueOn deadline.Date
	AnsweredOn    deadline.Date
	DaysTaken     *int
	AnswerDueOn   deadline.Date
}

// OnTime says whether the answer met its date: "yes", "no", or "" when there is no answer yet.
func (l CaseLine) OnTime() string {
	switch {
	case l.AnsweredOn.IsZero():
		return ""
	case l.AnsweredOn.After(l.AnswerDueOn):
		return "no"
	}
	return "yes"
}

// EachCaseLine calls fn with every counted case the filter selects, oldest first, reading them
// from the database as it goes: the export of a million cases holds one row at a time.
func (s *Store) EachCaseLine(ctx context.Context, f StatsFilter, from, to deadline.Date, fn func(CaseLine) error) error {
	if len(f.Controllers) == 0 {
		return ErrNotFound
	}
	q := f.withKind(f.scoped(s.conn(ctx).Table("cases"), "cases")).
		Joins("JOIN controllers ctl ON ctl.id = cases.controller_id").
		Joins("JOIN sites st ON st.id = cases.site_id").
		Where("cases.status IN ?", Counted).
		Select(`cases.reference, ctl.slug, st.slug, cases.kind_mask, cases.status, cases.refusal_ground, cases.received_on, cases.due_on, cases.extended_due_on,
			cases.answered_on, cases.days_taken, cases.answer_due_on, cases.answer_result`).
		Order("cases.id")
	if !from.IsZero() {
		q = q.Where("cases.received_on >= ?", from)
	}
	if !to.IsZero() {
		q = q.Where("cases.received_on <= ?", to)
	}
	rows, err := q.Rows()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l CaseLine
		var mask int
		var days sql.NullInt64
		err := rows.Scan(&l.Reference, &l.Controller, &l.Site, &mask, &l.Status, &l.RefusalGround, &l.ReceivedOn,
			&l.DueOn, &l.ExtendedDueOn, &l.AnsweredOn, &days, &l.AnswerDueOn, &l.AnswerResult)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		l.Kinds = dsr.KindsOf(mask)
		if days.Valid {
			d := int(days.Int64)
			l.DaysTaken = &d
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CaseLineHeader is the header of the audit export.
var CaseLineHeader = []string{"reference", "controller", "site", "kinds", "received", "due", "extended_to",
	"answered", "outcome", "refusal_ground", "days_taken", "on_time", "answer"}

// CaseLineRecord is l as a CSV record under CaseLineHeader. Outcome is the case's status: an
// answer ("completed"), a refusal, a withdrawal, or still open; answer, the answer as a whole:
// full, partial (some right refused, another complied with) or refused.
func CaseLineRecord(l CaseLine) []string {
	kinds := make([]string, len(l.Kinds))
	for i, k := range l.Kinds {
		kinds[i] = string(k)
	}
	days := ""
	if l.DaysTaken != nil {
		days = strconv.Itoa(*l.DaysTaken)
	}
	return []string{l.Reference, l.Controller, l.Site, strings.Join(kinds, " "), l.ReceivedOn.String(), l.DueOn.String(),
		l.ExtendedDueOn.String(), l.AnsweredOn.String(), string(l.Status), l.RefusalGround, days, l.OnTime(), l.AnswerResult}
}
