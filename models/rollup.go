package models

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// The dashboard's figures count only requests: a case whose e-mail was never confirmed
// (unverified, expired) was never a request anyone had to answer.
var (
	// closedCounted are the end states that count. They never change again, so a case in one of
	// them is added to the rollups once.
	closedCounted = []dsr.Status{dsr.StatusCompleted, dsr.StatusRefused, dsr.StatusWithdrawn}
	// Counted are every status the figures count: the active ones and closedCounted.
	Counted = append(slices.Clone(ActiveStatuses), closedCounted...)
)

// AllKinds is the kind of the rollup rows that count each case once, whatever its kinds.
const AllKinds = ""

// CaseStat is a row of the case_stats rollup: closed cases received in Month (its first day).
type CaseStat struct {
	ControllerID int64         `gorm:"primaryKey"`
	Month        deadline.Date `gorm:"primaryKey"`
	SiteID       int64         `gorm:"primaryKey"`
	Kind         string        `gorm:"primaryKey"` // a dsr.Kind, or AllKinds
	Received     int64
	OnTime       int64
	Late         int64
	Extended     int64
	Refused      int64
	// Partial were answered in part: some right complied with, some refused (Art. 12(4)).
	Partial   int64
	Withdrawn int64
}

// CaseStatDays is a row of the case_stats_days rollup: answered cases that took Days days.
type CaseStatDays struct {
	ControllerID int64         `gorm:"primaryKey"`
	Month        deadline.Date `gorm:"primaryKey"`
	SiteID       int64         `gorm:"primaryKey"`
	Kind         string        `gorm:"primaryKey"`
	Days         int           `gorm:"primaryKey"`
	Answered     int64
}

// AnswerStat is a row of the answer_stats rollup: the answers given on AnsweredOn (the day of the
// answer in the controller's time zone, cases.answered_on) by one assignee (0: nobody).
type AnswerStat struct {
	ControllerID int64         `gorm:"primaryKey"`
	Kind         string        `gorm:"primaryKey"` // a dsr.Kind, or AllKinds
	AnsweredOn   deadline.Date `gorm:"primaryKey"`
	SiteID       int64         `gorm:"primaryKey"`
	AssigneeID   int64         `gorm:"primaryKey"`
	Answered     int64
	OnTime       int64
	Extended     int64
	Refused      int64
	Partial      int64
}

// AnswerStatDays is a row of the answer_stats_days rollup: the answers given on AnsweredOn that
// took Days days.
type AnswerStatDays struct {
	ControllerID int64         `gorm:"primaryKey"`
	Kind         string        `gorm:"primaryKey"`
	AnsweredOn   deadline.Date `gorm:"primaryKey"`
	SiteID       int64         `gorm:"primaryKey"`
	Days         int           `gorm:"primaryKey"`
	Answered     int64
}

// TableName keeps GORM from pluralising the rollup's name.
func (CaseStat) TableName() string { return "case_stats" }

// TableName keeps GORM from pluralising the rollup's name.
func (CaseStatDays) TableName() string { return "case_stats_days" }

// TableName keeps GORM from pluralising the rollup's name.
func (AnswerStat) TableName() string { return "answer_stats" }

// TableName keeps GORM from pluralising the rollup's name.
func (AnswerStatDays) TableName() string { return "answer_stats_days" }

// Fact is what a case contributes to the figures, read from its columns.
type Fact struct {
	ID, ControllerID, SiteID int64
	Status                   dsr.Status
	ReceivedOn, AnswerDueOn  deadline.Date
	AnsweredOn               deadline.Date
	DaysTaken                *int
	Extended                 bool
	AssigneeID               *int64
	AnswerResult             string // a dsr.Result once answered
}

// Answered reports whether the case was answered (completed or refused).
func (f Fact) Answered() bool { return !f.AnsweredOn.IsZero() }

// OnTime reports whether the answer went out by the day it was due (the extended day when there
// was an extension).
func (f Fact) OnTime() bool { return f.Answered() && !f.AnsweredOn.After(f.AnswerDueOn) }

// MonthOf is the first day of d's month: the rollups' key.
func MonthOf(d deadline.Date) deadline.Date {
	return deadline.Date{Year: d.Year, Month: d.Month, Day: 1}
}

// add counts the closed case f in st.
func (st *CaseStat) add(f Fact) {
	st.Received++
	switch {
	case f.Status == dsr.StatusWithdrawn:
		st.Withdrawn++
	case f.OnTime():
		st.OnTime++
	case f.Answered():
		st.Late++
	}
	if f.Extended {
		st.Extended++
	}
	if f.Status == dsr.StatusRefused {
		st.Refused++
	}
	if f.AnswerResult == string(dsr.ResultPartial) {
		st.Partial++
	}
}

// rollupBatch is how many closed cases one RollUp transaction adds.
const rollupBatch = 5000

// RollUp adds closed cases not yet counted to the rollups, in batches of a few thousand, each
// batch one transaction that also marks its cases, so a case is counted exactly once however
// many workers run it at once. It returns how many cases it added.
func (s *Store) RollUp(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.rollUpBatch(ctx, rollupBatch)
		total += n
		if err != nil || n < rollupBatch {
			return total, err
		}
	}
}

func (s *Store) rollUpBatch(ctx context.Context, limit int) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *Tx) error {
		// No order: any batch will do, and the partial index cases_live yields one without sorting.
		q := tx.conn(ctx).Model(&Case{}).Where("status IN ? AND NOT stats_rolled", closedCounted).Limit(limit)
		if tx.dialect == Postgres {
			// Another worker's batch is skipped, not waited for: it is being counted.
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var facts []Fact
		if err := q.Select(factColumns).Scan(&facts).Error; err != nil {
			return fmt.Errorf("rollup: %w", err)
		}
		if len(facts) == 0 {
			return nil
		}
		ids := make([]int64, len(facts))
		for i, f := range facts {
			ids[i] = f.ID
		}
		kinds, err := tx.kindsOf(ctx, ids)
		if err != nil {
			return err
		}
		if err := tx.upsertStats(ctx, rollupRows(facts, kinds)); err != nil {
			return err
		}
		res := tx.conn(ctx).Model(&Case{}).Where("id IN ? AND NOT stats_rolled", ids).UpdateColumn("stats_rolled", true) // not a change staff made: updated_at stays
		if res.Error != nil {
			return fmt.Errorf("rollup: mark: %w", res.Error)
		}
		if res.RowsAffected != int64(len(ids)) {
			return fmt.Errorf("rollup: %d of %d cases were counted meanwhile", int64(len(ids))-res.RowsAffected, len(ids))
		}
		n = len(facts)
		return nil
	})
	return n, err
}

const factColumns = "id, controller_id, site_id, status, received_on, answer_due_on, answered_on, days_taken, " +
	"extended_due_on IS NOT NULL AS extended, assignee_id, answer_result"

// kindsOf returns the kinds of the cases ids.
func (s *Store) kindsOf(ctx context.Context, ids []int64) (map[int64][]dsr.Kind, error) {
	var rows []CaseKind
	if err := s.conn(ctx).Where("case_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("rollup: kinds: %w", err)
	}
	m := make(map[int64][]dsr.Kind, len(ids))
	for _, r := range rows {
		m[r.CaseID] = append(m[r.CaseID], r.Kind)
	}
	return m, nil
}

// rollup is what a batch of closed cases adds to the rollups.
type rollup struct {
	stats      []CaseStat
	days       []CaseStatDays
	answers    []AnswerStat
	answerDays []AnswerStatDays
}

// rollupRows sums closed cases into rollup rows: one per (controller, month of receipt, site) for
// the cases as a whole and one per kind, and the same with the days each answer took; and the
// answers by the same keys with the day of the answer instead of the month of receipt, per
// assignee and per days taken.
func rollupRows(facts []Fact, kinds map[int64][]dsr.Kind) rollup {
	type key struct {
		ctrl, site int64
		month      deadline.Date
		kind       string
	}
	type dkey struct {
		key
		days int
	}
	type akey struct {
		key            // month: the day of the answer
		assignee int64 // 0: nobody
	}
	stats := map[key]*CaseStat{}
	days := map[dkey]int64{}
	answers := map[akey]*AnswerStat{}
	answerDays := map[dkey]int64{}
	for _, f := range facts {
		ks := []string{AllKinds}
		for _, k := range kinds[f.ID] {
			ks = append(ks, string(k))
		}
		for _, k := range ks {
			kk := key{f.ControllerID, f.SiteID, MonthOf(f.ReceivedOn), k}
			st := stats[kk]
			if st == nil {
				st = &CaseStat{ControllerID: kk.ctrl, SiteID: kk.site, Month: kk.month, Kind: k}
				stats[kk] = st
			}
			st.add(f)
			if !f.Answered() {
				continue
			}
			if f.DaysTaken != nil {
				days[dkey{kk, *f.DaysTaken}]++
			}
			ak := akey{key{f.ControllerID, f.SiteID, f.AnsweredOn, k}, 0}
			if f.AssigneeID != nil {
				ak.assignee = *f.AssigneeID
			}
			a := answers[ak]
			if a == nil {
				a = &AnswerStat{ControllerID: ak.ctrl, SiteID: ak.site, AnsweredOn: ak.month, Kind: k, AssigneeID: ak.assignee}
				answers[ak] = a
			}
			a.add(f)
			if f.DaysTaken != nil {
				answerDays[dkey{ak.key, *f.DaysTaken}]++
			}
		}
	}
	var r rollup
	for _, st := range stats {
		r.stats = append(r.stats, *st)
	}
	for k, n := range days {
		r.days = append(r.days, CaseStatDays{ControllerID: k.ctrl, SiteID: k.site, Month: k.month, Kind: k.kind, Days: k.days, Answered: n})
	}
	for _, a := range answers {
		r.answers = append(r.answers, *a)
	}
	for k, n := range answerDays {
		r.answerDays = append(r.answerDays, AnswerStatDays{ControllerID: k.ctrl, SiteID: k.site, AnsweredOn: k.month, Kind: k.kind, Days: k.days, Answered: n})
	}
	return r
}

// add counts the answered case f in a.
func (a *AnswerStat) add(f Fact) {
	a.Answered++
	if f.OnTime() {
		a.OnTime++
	}
	if f.Extended {
		a.Extended++
	}
	if f.Status == dsr.StatusRefused {
		a.Refused++
	}
	if f.AnswerResult == string(dsr.ResultPartial) {
		a.Partial++
	}
}

// upsertStats adds the rows to the rollups: a new key is inserted, an existing one incremented.
func (s *Store) upsertStats(ctx context.Context, r rollup) error {
	add := func(cols ...string) clause.Set {
		set := make(clause.Set, len(cols))
		for i, c := range cols {
			set[i] = clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr("? + excluded."+c, clause.Column{Table: clause.CurrentTable, Name: c})}
		}
		return set
	}
	cols := func(names ...string) []clause.Column {
		out := make([]clause.Column, len(names))
		for i, n := range names {
			out[i] = clause.Column{Name: n}
		}
		return out
	}
	upsert := func(table string, rows any, n int, key []clause.Column, counts ...string) error {
		if n == 0 {
			return nil
		}
		err := s.conn(ctx).Clauses(clause.OnConflict{Columns: key, DoUpdates: add(counts...)}).CreateInBatches(rows, 500).Error
		if err != nil {
			return fmt.Errorf("rollup: %s: %w", table, err)
		}
		return nil
	}
	if err := upsert("case_stats", r.stats, len(r.stats), cols("controller_id", "month", "site_id", "kind"),
		"received", "on_time", "late", "extended", "refused", "partial", "withdrawn"); err != nil {
		return err
	}
	if err := upsert("case_stats_days", r.days, len(r.days), cols("controller_id", "month", "site_id", "kind", "days"), "answered"); err != nil {
		return err
	}
	if err := upsert("answer_stats", r.answers, len(r.answers), cols("controller_id", "kind", "answered_on", "site_id", "assignee_id"),
		"answered", "on_time", "extended", "refused", "partial"); err != nil {
		return err
	}
	return upsert("answer_stats_days", r.answerDays, len(r.answerDays), cols("controller_id", "kind", "answered_on", "site_id", "days"), "answered")
}

// backfillAnswered fills answered_on and days_taken of cases answered before migration 12, in
// each controller's time zone: a data migration (dataMigrations), run once.
func (s *Store) backfillAnswered(ctx context.Context) error {
	for {
		var cs []Case
		err := s.conn(ctx).Preload("Controller").
			Where("answered_at IS NOT NULL AND answered_on IS NULL").Order("id").Limit(1000).Find(&cs).Error
		if err != nil || len(cs) == 0 {
			return err
		}
		err = s.InTx(ctx, func(tx *Tx) error {
			for _, c := range cs {
				on, days := AnswerDay(c, *c.AnsweredAt)
				err := tx.conn(ctx).Model(&Case{}).Where("id = ?", c.ID).
					UpdateColumns(map[string]any{"answered_on": on, "days_taken": days}).Error
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("backfill answered_on: %w", err)
		}
	}
}
