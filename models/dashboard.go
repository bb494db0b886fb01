package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"gorm.io/gorm"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// StatsFilter selects the cases behind the dashboard's figures. Controllers is the caller's scope
// and is always applied: no filter can widen it.
type StatsFilter struct {
	Controllers  []int64
	ControllerID int64
	SiteID       int64
	Kind         dsr.Kind
	Today        deadline.Date
	// Since starts the period: cases answered from it to Today make the headline's answer figures.
	Since deadline.Date
	// Months of the series, ending with Today's month. Zero: 12.
	Months int
}

// FirstMonth is the first month of the series.
func (f StatsFilter) FirstMonth() deadline.Date {
	n := f.Months
	if n <= 0 {
		n = 12
	}
	return MonthOf(f.Today).AddMonths(1 - n)
}

// Dashboard holds the figures of the managers' dashboard.
type Dashboard struct {
	// Open, DueSoon (due within deadline.DueSoonDays days, today included) and Overdue: active
	// cases now, whenever they were received. Paused: those whose clock is paused for an identity
	// question (Art. 12(6)); they are neither due soon nor overdue while it is.
	Open, DueSoon, Overdue, Paused int64
	Period                         Answers // cases answered from Since to Today
	Months                         []Tally // the series, oldest month first, by month of receipt
	Kinds                          []Tally // the series' months summed per kind (a case counts under each of its kinds)
	Sites                          []Tally // the series' months summed per site
	Workload                       []Workload
}

// Answers sums answered cases.
type Answers struct {
	Answered, OnTime, Late, Extended, Refused int64
	Partial                                   int64     // answered in part: some right refused, some complied with
	Days                                      Histogram // days from receipt to answer
}

// OnTimeShare is the share of answers that went out on time, in percent; 0 when none did.
func (a Answers) OnTimeShare() float64 { return share(a.OnTime, a.Answered) }

// Tally counts requests received together (in a month, for a kind, on a site): how many came in,
// how many were answered on time or late, withdrawn, or are still open.
type Tally struct {
	Month                                                      deadline.Date
	Kind                                                       dsr.Kind
	SiteID                                                     int64
	Received, OnTime, Late, Open, Withdrawn, Extended, Refused int64
	Partial                                                    int64
}

func (t *Tally) addStat(s CaseStat) {
	t.Add(Tally{Received: s.Received, OnTime: s.OnTime, Late: s.Late, Extended: s.Extended, Refused: s.Refused, Partial: s.Partial, Withdrawn: s.Withdrawn})
}

// Add adds o's counts to t's.
func (t *Tally) Add(o Tally) {
	t.Received += o.Received
	t.OnTime += o.OnTime
	t.Late += o.Late
	t.Open += o.Open
	t.Withdrawn += o.Withdrawn
	t.Extended += o.Extended
	t.Refused += o.Refused
	t.Partial += o.Partial
}

// OnTimeShare is the share of the answered ones answered on time, in percent.
func (t Tally) OnTimeShare() float64 { return share(t.OnTime, t.OnTime+t.Late) }

// Workload is one person's share of the work, or the unassigned cases' (AssigneeID 0).
type Workload struct {
	AssigneeID                                int64
	Open, DueSoon, Overdue, AnsweredThisMonth int64
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// Dashboard computes the figures. Closed cases come from the rollups; the cases not in them yet
// (active ones, and those closed since RollUp last ran) are read live, through the partial indexes
// that hold only them. The three parts (the active cases, the period's answers, the series) read
// different rows and need nothing of each other, so they run at once, each on a connection of
// its own (on SQLite, whose store has one connection, they take turns).
func (s *Store) Dashboard(ctx context.Context, f StatsFilter) (Dashboard, error) {
	if len(f.Controllers) == 0 {
		return Dashboard{}, ErrNotFound // no scope, no figures
	}
	var active, answers, d Dashboard
	parts := []func() error{
		func() error { return s.dashboardActive(ctx, f, &active) },
		func() error { return s.dashboardAnswers(ctx, f, &answers) },
		func() error { return s.dashboardSeries(ctx, f, &d) },
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, part := range parts {
		wg.Go(func() { errs[i] = part() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Dashboard{}, err
	}
	d.Open, d.DueSoon, d.Overdue, d.Paused = active.Open, active.DueSoon, active.Overdue, active.Paused
	d.Period = answers.Period
	d.Workload = active.Workload
	for _, w := range answers.Workload {
		d.workload(&w.AssigneeID).AnsweredThisMonth += w.AnsweredThisMonth
	}
	slices.SortFunc(d.Workload, func(a, b Workload) int { return cmp.Compare(a.AssigneeID, b.AssigneeID) })
	return d, nil
}

// scoped applies the caller's scope and the filters on controller and site to q, on table alias t.
func (f StatsFilter) scoped(q *gorm.DB, t string) *gorm.DB {
	q = q.Where(t+".controller_id IN ?", f.Controllers)
	if f.ControllerID != 0 {
		q = q.Where(t+".controller_id = ?", f.ControllerID)
	}
	if f.SiteID != 0 {
		q = q.Where(t+".site_id = ?", f.SiteID)
	}
	return q
}

// withKind keeps the cases of the filter's kind.
func (f StatsFilter) withKind(q *gorm.DB) *gorm.DB {
	if f.Kind == "" {
		return q
	}
	return q.Where("(cases.kind_mask & ?) <> 0", f.Kind.Bit())
}

// live selects the counted cases not in the rollups, in scope: the partial index cases_live.
func (f StatsFilter) live(db *gorm.DB) *gorm.DB {
	return f.withKind(f.scoped(db.Table("cases"), "cases")).
		Where("NOT cases.stats_rolled AND cases.status IN ?", Counted)
}

// dashboardActive counts the active cases, per assignee: the headline and the workload.
func (s *Store) dashboardActive(ctx context.Context, f StatsFilter, d *Dashboard) error {
	var rows []struct {
		AssigneeID                     *int64
		Open, DueSoon, Overdue, Paused int64
	}
	q := f.live(s.conn(ctx)).Where("cases.status IN ?", ActiveStatuses).
		Select(`cases.assignee_id, COUNT(*) AS open,
			SUM(CASE WHEN cases.paused_on IS NULL AND cases.answer_due_on >= ? AND cases.answer_due_on <= ? THEN 1 ELSE 0 END) AS due_soon,
			SUM(CASE WHEN cases.paused_on IS NULL AND cases.answer_due_on < ? THEN 1 ELSE 0 END) AS overdue,
			SUM(CASE WHEN cases.paused_on IS NOT NULL THEN 1 ELSE 0 END) AS paused`,
			f.Today, f.Today.AddDays(deadline.DueSoonDays), f.Today).
		Group("cases.assignee_id")
	if err := q.Scan(&rows).Error; err != nil {
		return fmt.Errorf("dashboard: active: %w", err)
	}
	for _, r := range rows {
		d.Open += r.Open
		d.DueSoon += r.DueSoon
		d.Overdue += r.Overdue
		d.Paused += r.Paused
		d.workload(r.AssigneeID).Open += r.Open
		d.workload(r.AssigneeID).DueSoon += r.DueSoon
		d.workload(r.AssigneeID).Overdue += r.Overdue
	}
	return nil
}

func (d *Dashboard) workload(assignee *int64) *Workload {
	id := int64(0)
	if assignee != nil {
		id = *assignee
	}
	for i := range d.Workload {
		if d.Workload[i].AssigneeID == id {
			return &d.Workload[i]
		}
	}
	d.Workload = append(d.Workload, Workload{AssigneeID: id})
	return &d.Workload[len(d.Workload)-1]
}

// dashboardAnswers sums the answers given from the period's start (or the month's, when earlier)
// to today: the headline, and each person's answers this month. The answers rolled up come from
// answer_stats (the counts, per assignee) and answer_stats_days (the days they took), the others
// from the cases through cases_answered_live; one statement reads the three, so that a RollUp
// committing meanwhile can neither hide an answer nor count it twice.
func (s *Store) dashboardAnswers(ctx context.Context, f StatsFilter, d *Dashboard) error {
	from := f.Since
	month := MonthOf(f.Today)
	if month.Before(from) {
		from = month
	}
	// src, the first column, tells the three parts apart.
	const (
		rolledCounts = 0 // sums of answer_stats
		rolledDays   = 1 // sums of answer_stats_days: DaysTaken and N only
		live         = 2 // a group of cases not rolled up yet
	)
	var rows []struct {
		Src                 int
		AssigneeID          *int64
		DaysTaken           int
		InPeriod, ThisMonth bool
		N, OnTime, Extended int64
		Refused, Partial    int64
	}
	db := s.conn(ctx)
	counts := f.scoped(db.Table("answer_stats"), "answer_stats").
		Where("answer_stats.kind = ? AND answer_stats.answered_on >= ? AND answer_stats.answered_on <= ?", string(f.Kind), from, f.Today).
		Select(`0 AS src, answer_stats.assignee_id, 0 AS days_taken,
			answer_stats.answered_on >= ? AS in_period, answer_stats.answered_on >= ? AS this_month,
			SUM(answer_stats.answered) AS n, SUM(answer_stats.on_time) AS on_time, SUM(answer_stats.extended) AS extended,
			SUM(answer_stats.refused) AS refused, SUM(answer_stats.partial) AS partial`, f.Since, month).
		Group("answer_stats.assignee_id, in_period, this_month")
	days := f.scoped(db.Table("answer_stats_days"), "answer_stats_days").
		Where("answer_stats_days.kind = ? AND answer_stats_days.answered_on >= ? AND answer_stats_days.answered_on <= ?", string(f.Kind), f.Since, f.Today).
		Select(`1 AS src, 0 AS assignee_id, answer_stats_days.days AS days_taken, 1 = 1 AS in_period, 1 = 0 AS this_month,
			SUM(answer_stats_days.answered) AS n, 0 AS on_time, 0 AS extended, 0 AS refused, 0 AS partial`).
		Group("answer_stats_days.days")
	cases := f.withKind(f.scoped(db.Table("cases"), "cases")).
		Where("NOT cases.stats_rolled AND cases.answered_on >= ? AND cases.answered_on <= ?", from, f.Today).
		Select(`2 AS src, cases.assignee_id, cases.days_taken,
			cases.answered_on >= ? AS in_period, cases.answered_on >= ? AS this_month, COUNT(*) AS n,
			SUM(CASE WHEN cases.answered_on <= cases.answer_due_on THEN 1 ELSE 0 END) AS on_time,
			SUM(CASE WHEN cases.extended_due_on IS NOT NULL THEN 1 ELSE 0 END) AS extended,
			SUM(CASE WHEN cases.status = ? THEN 1 ELSE 0 END) AS refused,
			SUM(CASE WHEN cases.answer_result = ? THEN 1 ELSE 0 END) AS partial`,
			f.Since, month, dsr.StatusRefused, dsr.ResultPartial).
		Group("cases.assignee_id, cases.days_taken, in_period, this_month")
	err := db.Raw("SELECT * FROM (?) AS c UNION ALL SELECT * FROM (?) AS d UNION ALL SELECT * FROM (?) AS l", counts, days, cases).Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("dashboard: answers: %w", err)
	}
	p := &d.Period
	for _, r := range rows {
		if r.Src == rolledDays {
			p.Days.Add(r.DaysTaken, r.N)
			continue
		}
		if r.ThisMonth {
			d.workload(r.AssigneeID).AnsweredThisMonth += r.N
		}
		if !r.InPeriod {
			continue
		}
		p.Answered += r.N
		p.OnTime += r.OnTime
		p.Late += r.N - r.OnTime
		p.Extended += r.Extended
		p.Refused += r.Refused
		p.Partial += r.Partial
		if r.Src == live {
			p.Days.Add(r.DaysTaken, r.N)
		}
	}
	return nil
}

// liveTally is a group of the cases not yet in the rollups.
type liveTally struct {
	Month                                                      deadline.Date
	SiteID                                                     int64
	Kind                                                       string
	KindMask                                                   int
	Received, OnTime, Late, Open, Withdrawn, Extended, Refused int64
	Partial                                                    int64
}

// dashboardSeries builds the monthly series and its sums per kind and per site.
func (s *Store) dashboardSeries(ctx context.Context, f StatsFilter, d *Dashboard) error {
	first := f.FirstMonth()
	kind := string(f.Kind) // the rows of the filter's kind, or those counting each case once
	var stats []CaseStat
	q := f.scoped(s.conn(ctx).Model(&CaseStat{}), "case_stats").Where("month >= ? AND month <= ?", first, f.Today).
		Select(`month, site_id, kind, SUM(received) AS received, SUM(on_time) AS on_time, SUM(late) AS late,
			SUM(extended) AS extended, SUM(refused) AS refused, SUM(partial) AS partial, SUM(withdrawn) AS withdrawn`).
		Group("month, site_id, kind")
	if err := q.Scan(&stats).Error; err != nil {
		return fmt.Errorf("dashboard: rollup: %w", err)
	}
	live, err := s.liveTallies(ctx, f, first)
	if err != nil {
		return err
	}
	for _, l := range live {
		stats = append(stats, CaseStat{Month: l.Month, SiteID: l.SiteID, Kind: l.Kind, Received: l.Received, OnTime: l.OnTime,
			Late: l.Late, Extended: l.Extended, Refused: l.Refused, Partial: l.Partial, Withdrawn: l.Withdrawn})
	}
	months := map[deadline.Date]*Tally{}
	for m := first; !m.After(f.Today); m = m.AddMonths(1) {
		months[m] = &Tally{Month: m}
	}
	kinds := map[string]*Tally{}
	sites := map[int64]*Tally{}
	for _, st := range stats {
		if st.Kind != AllKinds && (f.Kind == "" || st.Kind == kind) {
			t := kinds[st.Kind]
			if t == nil {
				t = &Tally{Kind: dsr.Kind(st.Kind)}
				kinds[st.Kind] = t
			}
			t.addStat(st)
		}
		if st.Kind != kind {
			continue
		}
		if t := months[st.Month]; t != nil {
			t.addStat(st)
		}
		t := sites[st.SiteID]
		if t == nil {
			t = &Tally{SiteID: st.SiteID}
			sites[st.SiteID] = t
		}
		t.addStat(st)
	}
	// The rollups hold no active case: the open ones are all live.
	for _, l := range live {
		if l.Open == 0 {
			continue
		}
		if l.Kind != AllKinds && (f.Kind == "" || l.Kind == kind) {
			kinds[l.Kind].Open += l.Open
		}
		if l.Kind == kind {
			if t := months[l.Month]; t != nil {
				t.Open += l.Open
			}
			sites[l.SiteID].Open += l.Open
		}
	}
	for m := first; !m.After(f.Today); m = m.AddMonths(1) {
		d.Months = append(d.Months, *months[m])
	}
	for _, k := range dsr.Kinds {
		if t := kinds[string(k)]; t != nil {
			d.Kinds = append(d.Kinds, *t)
		}
	}
	for _, t := range sites {
		d.Sites = append(d.Sites, *t)
	}
	slices.SortFunc(d.Sites, func(a, b Tally) int { return cmp.Compare(a.SiteID, b.SiteID) })
	return nil
}

// liveTallies groups the counted cases received from first that are not in the rollups, by month
// of receipt and site, as a whole (Kind AllKinds) and per kind.
func (s *Store) liveTallies(ctx context.Context, f StatsFilter, first deadline.Date) ([]liveTally, error) {
	month := "date_trunc('month', cases.received_on)::date"
	if s.dialect == SQLite {
		month = "strftime('%Y-%m-01', cases.received_on)"
	}
	var rows []liveTally
	err := f.live(s.conn(ctx)).Where("cases.received_on >= ? AND cases.received_on <= ?", first, f.Today).
		Select(month+` AS month, cases.site_id, cases.kind_mask, COUNT(*) AS received,
			SUM(CASE WHEN cases.status IN ? THEN 1 ELSE 0 END) AS open,
			SUM(CASE WHEN cases.answered_on <= cases.answer_due_on THEN 1 ELSE 0 END) AS on_time,
			SUM(CASE WHEN cases.answered_on > cases.answer_due_on THEN 1 ELSE 0 END) AS late,
			SUM(CASE WHEN cases.status = ? THEN 1 ELSE 0 END) AS withdrawn,
			SUM(CASE WHEN cases.status = ? THEN 1 ELSE 0 END) AS refused,
			SUM(CASE WHEN cases.answer_result = ? THEN 1 ELSE 0 END) AS partial,
			SUM(CASE WHEN cases.extended_due_on IS NOT NULL THEN 1 ELSE 0 END) AS extended`,
			ActiveStatuses, dsr.StatusWithdrawn, dsr.StatusRefused, dsr.ResultPartial).
		Group("1, cases.site_id, cases.kind_mask").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("dashboard: live: %w", err)
	}
	// Each group counts as a whole and under each of its kinds.
	out := make([]liveTally, 0, 3*len(rows))
	for _, r := range rows {
		out = append(out, r)
		for _, k := range dsr.KindsOf(r.KindMask) {
			r.Kind = string(k)
			out = append(out, r)
		}
	}
	return out, nil
}
