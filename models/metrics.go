package models

import (
	"context"
	"fmt"
	"time"

	"rightsdesk/deadline"
)

// OpenCases counts a controller's active cases by status and band on today (the controller's
// date): what an operator alerts on. Closed cases are the dashboard's business.
type OpenCases struct {
	Status                    string
	OnTrack, DueSoon, Overdue int64
}

// OpenCaseCounts reads the active cases of controllerID through the partial live index.
func (s *Store) OpenCaseCounts(ctx context.Context, controllerID int64, today deadline.Date) ([]OpenCases, error) {
	var rows []OpenCases
	err := s.conn(ctx).Table("cases").Where("controller_id = ? AND status IN ?", controllerID, ActiveStatuses).
		Select(`status,
			SUM(CASE WHEN answer_due_on > ? THEN 1 ELSE 0 END) AS on_track,
			SUM(CASE WHEN answer_due_on >= ? AND answer_due_on <= ? THEN 1 ELSE 0 END) AS due_soon,
			SUM(CASE WHEN answer_due_on < ? THEN 1 ELSE 0 END) AS overdue`,
			today.AddDays(deadline.DueSoonDays), today, today.AddDays(deadline.DueSoonDays), today).
		Group("status").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("open case counts: %w", err)
	}
	return rows, nil
}

// StateCount is a number of rows in one state.
type StateCount struct {
	Group, State string
	N            int64
}

// WebhookDeliveryCounts counts the webhook deliveries by state.
func (s *Store) WebhookDeliveryCounts(ctx context.Context) ([]StateCount, error) {
	return s.countBy(ctx, "webhook_deliveries", "", "state")
}

// JobCounts counts River's jobs by queue and state: the depth of each queue, and the jobs that
// failed for good (discarded) or wait for a retry (retryable).
func (s *Store) JobCounts(ctx context.Context) ([]StateCount, error) {
	return s.countBy(ctx, "river_job", "queue", "state")
}

// countBy counts table's rows by the state column, and by the group column unless it is "".
func (s *Store) countBy(ctx context.Context, table, group, state string) ([]StateCount, error) {
	var rows []StateCount
	sel, by := "'' AS \"group\", "+state+" AS state, COUNT(*) AS n", state
	if group != "" {
		sel, by = group+" AS \"group\", "+state+" AS state, COUNT(*) AS n", group+", "+state
	}
	if err := s.conn(ctx).Table(table).Select(sel).Group(by).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count %s: %w", table, err)
	}
	return rows, nil
}

// OldestUnsealed returns when the oldest event still waiting to be sealed was appended, and
// whether one waits at all (an event from before appended_at existed counts as appended now).
func (s *Store) OldestUnsealed(ctx context.Context) (time.Time, bool, error) {
	var rows []struct{ AppendedAt *time.Time }
	err := s.conn(ctx).Raw("SELECT appended_at FROM events WHERE seq IS NULL ORDER BY id LIMIT 1").Scan(&rows).Error
	if err != nil {
		return time.Time{}, false, fmt.Errorf("oldest unsealed event: %w", err)
	}
	if len(rows) == 0 {
		return time.Time{}, false, nil
	}
	if rows[0].AppendedAt == nil {
		return time.Now(), true, nil
	}
	return *rows[0].AppendedAt, true, nil
}

// UnsealedEvents counts the events not yet in the tamper-evident chain (seq not assigned).
func (s *Store) UnsealedEvents(ctx context.Context) (int64, error) {
	var n int64
	if err := s.conn(ctx).Table("events").Where("seq IS NULL").Count(&n).Error; err != nil {
		return 0, fmt.Errorf("unsealed events: %w", err)
	}
	return n, nil
}
