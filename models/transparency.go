package models

import (
	"context"
	"fmt"
	"slices"

	"rightsdesk/dsr"
)

// YearFigures are a controller's requests of one year of receipt, for one kind or (Kind "") all.
type YearFigures struct {
	Year     int
	Kind     dsr.Kind
	Received int64
	// Complied were answered in whole or in part, Partial of them in part (a right refused, another
	// complied with); Refused were refused (Art. 12(4)). A case answered in part counts so under
	// each of its rights.
	Complied, Partial, Refused, Withdrawn, Open int64
	Days                                        Histogram
}

// Transparency returns the figures of the public disclosure page: per year of receipt (newest
// first) and kind, from the rollups and the cases not in them yet.
func (s *Store) Transparency(ctx context.Context, controllerID int64) ([]YearFigures, error) {
	year := "CAST(extract(year FROM %s) AS INTEGER)"
	if s.dialect == SQLite {
		year = "CAST(strftime('%%Y', %s) AS INTEGER)"
	}
	figures := map[[2]any]*YearFigures{}
	at := func(y int, k string) *YearFigures {
		key := [2]any{y, k}
		if figures[key] == nil {
			figures[key] = &YearFigures{Year: y, Kind: dsr.Kind(k)}
		}
		return figures[key]
	}

	// The rollups: closed cases.
	var stats []struct {
		Year                                       int
		Kind                                       string
		Received, OnTime, Late, Refused, Withdrawn int64
		Partial                                    int64
	}
	err := s.conn(ctx).Model(&CaseStat{}).Where("controller_id = ?", controllerID).
		Select(fmt.Sprintf(year, "month") + ` AS year, kind, SUM(received) AS received, SUM(on_time) AS on_time,
			SUM(late) AS late, SUM(refused) AS refused, SUM(partial) AS partial, SUM(withdrawn) AS withdrawn`).
		Group("1, kind").Scan(&stats).Error
	if err != nil {
		return nil, fmt.Errorf("transparency: %w", err)
	}
	for _, r := range stats {
		f := at(r.Year, r.Kind)
		f.Received += r.Received
		f.Complied += r.OnTime + r.Late - r.Refused // answered, less the refusals
		f.Refused += r.Refused
		f.Partial += r.Partial
		f.Withdrawn += r.Withdrawn
	}
	var days []struct {
		Year, Days int
		Kind       string
		Answered   int64
	}
	err = s.conn(ctx).Model(&CaseStatDays{}).Where("controller_id = ?", controllerID).
		Select(fmt.Sprintf(year, "month") + " AS year, kind, days, SUM(answered) AS answered").
		Group("1, kind, days").Scan(&days).Error
	if err != nil {
		return nil, fmt.Errorf("transparency: days: %w", err)
	}
	for _, r := range days {
		at(r.Year, r.Kind).Days.Add(r.Days, r.Answered)
	}

	// The cases not in the rollups, as a whole and per kind.
	var live []struct {
		Year, Days, KindMask int
		Status               dsr.Status
		AnswerResult         string
		N                    int64
	}
	f := StatsFilter{Controllers: []int64{controllerID}}
	err = f.live(s.conn(ctx)).
		Select(fmt.Sprintf(year, "cases.received_on") + " AS year, cases.status, COALESCE(cases.days_taken, -1) AS days, cases.kind_mask, cases.answer_result, COUNT(*) AS n").
		Group("1, cases.status, 3, cases.kind_mask, cases.answer_result").Scan(&live).Error
	if err != nil {
		return nil, fmt.Errorf("transparency: live: %w", err)
	}
	for _, r := range live {
		for _, k := range append([]dsr.Kind{AllKinds}, dsr.KindsOf(r.KindMask)...) {
			y := at(r.Year, string(k))
			addLive(y, r.Status, r.Days, r.N)
			if r.AnswerResult == string(dsr.ResultPartial) {
				y.Partial += r.N
			}
		}
	}

	out := make([]YearFigures, 0, len(figures))
	for _, f := range figures {
		out = append(out, *f)
	}
	order := map[dsr.Kind]int{AllKinds: -1}
	for i, k := range dsr.Kinds {
		order[k] = i
	}
	slices.SortFunc(out, func(a, b YearFigures) int {
		if a.Year != b.Year {
			return b.Year - a.Year
		}
		return order[a.Kind] - order[b.Kind]
	})
	return out, nil
}

// addLive counts n cases not in the rollups, in status, that took days (-1: not answered).
func addLive(f *YearFigures, status dsr.Status, days int, n int64) {
	f.Received += n
	switch status {
	case dsr.StatusCompleted:
		f.Complied += n
	case dsr.StatusRefused:
		f.Refused += n
	case dsr.StatusWithdrawn:
		f.Withdrawn += n
	default:
		f.Open += n
	}
	if days >= 0 {
		f.Days.Add(days, n)
	}
}
