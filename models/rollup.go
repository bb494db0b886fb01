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

// TableName keeps GORM from pluralising the rollup's name.
func (CaseStat) TableName() string { return "case_stats" }

// TableName keeps GORM from pluralising the rollup's name.
func (CaseStatDays) TableName() string { return "case_stats_days" }

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
		stats, days := rollupRows(facts, kinds)
		if err := tx.upsertStats(ctx, stats, days); err != nil {
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

// rollupRows sums closed cases into rollup rows: one per (controller, month, site) for the cases
// as a whole and one per kind, and the same with the days each answer took.
func rollupRows(facts []Fact, kinds map[int64][]dsr.Kind) ([]CaseStat, []CaseStatDays) {
	type key struct {
		ctrl, site int64
		month      deadline.Date
		kind       string
	}
	type dkey struct {
		key
		days int
	}
	stats := map[key]*CaseStat{}
	days := map[dkey]int64{}
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
			if f.Answered() && f.DaysTaken != nil {
				days[dkey{kk, *f.DaysTaken}]++
			}
		}
	}
	out := make([]CaseStat, 0, len(stats))
	for _, st := range stats {
		out = append(out, *st)
	}
	outDays := make([]CaseStatDays, 0, len(days))
	for k, n := range days {
		outDays = append(outDays, CaseStatDays{ControllerID: k.ctrl, SiteID: k.site, Month: k.month, Kind: k.kind, Days: k.days, Answered: n})
	}
	return out, outDays
}

// upsertStats adds the rows to the rollups: a new key is inserted, an existing one incremented.
func (s *Store) upsertStats(ctx context.Context, stats []CaseStat, days []CaseStatDays) error {
	add := func(cols ...string) clause.Set {
		set := make(clause.Set, len(cols))
		for i, c := range cols {
			set[i] = clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr("? + excluded."+c, clause.Column{Table: clause.CurrentTable, Name: c})}
		}
		return set
	}
	pk := []clause.Column{{Name: "controller_id"}, {Name: "month"}, {Name: "site_id"}, {Name: "kind"}}
	if len(stats) > 0 {
		err := s.conn(ctx).Clauses(clause.OnConflict{Columns: pk, DoUpdates: add("received", "on_time", "late", "extended", "refused", "partial", "withdrawn")}).
			CreateInBatches(stats, 500).Error
		if err != nil {
			return fmt.Errorf("rollup: case_stats: %w", err)
		}
	}
	if len(days) > 0 {
		err := s.conn(ctx).Clauses(clause.OnConflict{Columns: append(pk, clause.Column{Name: "days"}), DoUpdates: add("answered")}).
			CreateInBatches(days, 500).Error
		if err != nil {
			return fmt.Errorf("rollup: case_stats_days: %w", err)
		}
	}
	return nil
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
