// Package retention erases the personal data of closed cases once their controller's retention
// period has passed (Art. 5(1)(e) GDPR), and that of the consent withdrawals made on the consent
// page, which are kept like answered cases: the daily job and `rightsdesk retention report|run`
// both come here. A controller keeps a case's personal data AnsweredDays after an answered case —
// completed, refused or withdrawn — closes (default 3 years, the limitation period for a claim),
// and UnconfirmedDays after an unconfirmed request expires (default 30). A case on a legal hold is
// skipped and counted. What an erasure removes and keeps is models.Tx.EraseCase's: the record
// without personal data stays, so the dashboard, transparency page, CSV and audit chain do not
// change.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/events"
	"rightsdesk/models"
)

// batch is how many cases one read of a run takes; each case is erased in its own transaction, so
// a run can stop anywhere and the next one goes on.
const batch = 200

// Cutoffs returns the instants before which a case must have closed for its personal data to be
// due at now: answered cases and unconfirmed ones.
func Cutoffs(r models.RetentionRule, now time.Time) models.DueFilter {
	return models.DueFilter{
		ControllerID: r.ControllerID,
		Answered:     now.Add(-time.Duration(r.AnsweredDays) * 24 * time.Hour),
		Unconfirmed:  now.Add(-time.Duration(r.UnconfirmedDays) * 24 * time.Hour),
	}
}

// Line is what a run did, or a report would do, for one controller.
type Line struct {
	Rule                  models.RetentionRule
	Answered, Unconfirmed int64 // cases due (report) or erased (run)
	Held                  int64 // cases due but on a legal hold: skipped
	Skipped               int64 // run only: due but not erasable now (a letter still on its way)
	// Consent withdrawals made on the consent page, without a case, are kept like answered cases:
	// Withdrawals is how many are due (report) or were erased (run); WithdrawalsWaiting how many
	// are due but not handled yet (the site not told) or have their letter on its way: kept.
	Withdrawals, WithdrawalsWaiting int64
	// The second stage: Records is how many records (what an erasure left) are due (report) or were
	// deleted (run), RecordYears after their case closed; RecordsHeld how many are due but held.
	Records, RecordsHeld int64
}

// recordCutoff is the instant before which a case must have closed for its record to be due, and
// false when the controller keeps records for good.
func recordCutoff(r models.RetentionRule, now time.Time) (time.Time, bool) {
	if r.RecordYears <= 0 {
		return time.Time{}, false
	}
	return now.AddDate(-r.RecordYears, 0, 0), true
}

// Report says, per controller, what a run at now would erase and skip; it changes nothing.
func Report(ctx context.Context, st *models.Store, now time.Time) ([]Line, error) {
	rules, err := st.RetentionRules(ctx)
	if err != nil {
		return nil, err
	}
	lines := make([]Line, len(rules))
	for i, r := range rules {
		f := Cutoffs(r, now)
		l := Line{Rule: r}
		if l.Answered, l.Unconfirmed, err = st.CountDue(ctx, f); err != nil {
			return nil, err
		}
		f.Held = true
		a, u, err := st.CountDue(ctx, f)
		if err != nil {
			return nil, err
		}
		l.Held = a + u
		if l.Withdrawals, l.WithdrawalsWaiting, err = st.CountWithdrawalsDue(ctx, r.ControllerID, f.Answered); err != nil {
			return nil, err
		}
		if before, ok := recordCutoff(r, now); ok {
			if l.Records, l.RecordsHeld, err = st.CountRecordsDue(ctx, r.ControllerID, before); err != nil {
				return nil, err
			}
		}
		lines[i] = l
	}
	return lines, nil
}

// Run erases the personal data of every case due at now, controller by controller, each case in
// its own transaction with its event (events.PersonalDataErased), and returns what it did. A case
// that is not erasable when its transaction looks (held or given a letter meanwhile) is skipped
// and counted; any other error stops the run, after what it already erased.
func Run(ctx context.Context, st *models.Store, now time.Time, log *slog.Logger) ([]Line, error) {
	rules, err := st.RetentionRules(ctx)
	if err != nil {
		return nil, err
	}
	lines := make([]Line, 0, len(rules))
	for _, r := range rules {
		l, err := runRule(ctx, st, r, now, log)
		lines = append(lines, l)
		if err != nil {
			return lines, err
		}
	}
	return lines, nil
}

func runRule(ctx context.Context, st *models.Store, r models.RetentionRule, now time.Time, log *slog.Logger) (Line, error) {
	l := Line{Rule: r}
	f := Cutoffs(r, now)
	err := eachDue(ctx, &l, log, func(limit int) ([]models.DueCase, error) { return st.CasesDue(ctx, f, limit) },
		func(c models.DueCase) error {
			days := r.AnsweredDays
			if c.Unconfirmed {
				days = r.UnconfirmedDays
			}
			d := events.PersonalDataErased{Closed: closingDay(c.ClosedAt, r.TimeZone), Days: days, Unconfirmed: c.Unconfirmed}
			err := st.InTx(ctx, func(tx *models.Tx) error {
				_, err := tx.EraseCase(ctx, c.ID, now, d)
				return err
			})
			switch {
			case err != nil:
				return err
			case c.Unconfirmed:
				l.Unconfirmed++
			default:
				l.Answered++
			}
			return nil
		})
	if err != nil {
		return l, err
	}
	f.Held = true
	a, u, err := st.CountDue(ctx, f)
	if err != nil {
		return l, err
	}
	l.Held = a + u
	if n := l.Answered + l.Unconfirmed; n > 0 {
		log.Info("retention: personal data of closed cases erased", "controller_id", r.ControllerID, "answered", l.Answered,
			"unconfirmed", l.Unconfirmed, "held", l.Held, "skipped", l.Skipped)
	}
	for {
		var n int64
		err := st.InTx(ctx, func(tx *models.Tx) error {
			var err error
			n, err = tx.EraseWithdrawals(ctx, r.ControllerID, f.Answered, now, batch, events.WithdrawalsErased{Days: r.AnsweredDays})
			return err
		})
		if err != nil {
			return l, fmt.Errorf("erase consent withdrawals: %w", err)
		}
		l.Withdrawals += n
		if n < batch {
			break
		}
	}
	if _, l.WithdrawalsWaiting, err = st.CountWithdrawalsDue(ctx, r.ControllerID, f.Answered); err != nil {
		return l, err
	}
	if l.Withdrawals > 0 {
		log.Info("retention: personal data of consent withdrawals erased", "controller_id", r.ControllerID,
			"count", l.Withdrawals, "waiting", l.WithdrawalsWaiting)
	}
	return l, deleteRecords(ctx, st, r, now, &l, log)
}

// deleteRecords is the second stage for one controller: the records due, each in its own
// transaction with its event; one that cannot go now (held since it was read) is counted skipped.
func deleteRecords(ctx context.Context, st *models.Store, r models.RetentionRule, now time.Time, l *Line, log *slog.Logger) error {
	before, ok := recordCutoff(r, now)
	if !ok {
		return nil
	}
	err := eachDue(ctx, l, log, func(limit int) ([]models.DueCase, error) { return st.RecordsDue(ctx, r.ControllerID, before, limit) },
		func(c models.DueCase) error {
			d := events.RecordDeleted{Closed: closingDay(c.ClosedAt, r.TimeZone), Years: r.RecordYears}
			if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.DeleteRecord(ctx, c.ID, now, d) }); err != nil {
				return err
			}
			l.Records++
			return nil
		})
	if err != nil {
		return err
	}
	_, held, err := st.CountRecordsDue(ctx, r.ControllerID, before)
	l.RecordsHeld = held
	if l.Records > 0 {
		log.Info("retention: records of closed cases deleted", "controller_id", r.ControllerID, "count", l.Records, "held", held)
	}
	return err
}

// closingDay is the day a case closed at t in the controller's time zone (UTC if it has none known).
func closingDay(t time.Time, tz string) deadline.Date {
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		loc = time.UTC
	}
	t = t.In(loc)
	return deadline.NewDate(t.Year(), t.Month(), t.Day())
}

// eachDue calls do for every case due, as due reads them (up to a limit, the longest closed
// first), until none is left. A case do finds not erasable now (models.ErrNotErasable: held or
// given a letter since it was read) is skipped for the rest of the run and counted in l.Skipped;
// any other error stops the run, after what it already did.
func eachDue(ctx context.Context, l *Line, log *slog.Logger, due func(limit int) ([]models.DueCase, error), do func(models.DueCase) error) error {
	skip := map[int64]bool{}
	for {
		cs, err := due(batch + len(skip))
		if err != nil {
			return err
		}
		progress := false
		for _, c := range cs {
			if skip[c.ID] {
				continue
			}
			progress = true
			switch err := do(c); {
			case errors.Is(err, models.ErrNotErasable):
				skip[c.ID] = true
				l.Skipped++
				log.Info("retention: case kept", "case", c.Reference, "why", err.Error())
			case err != nil:
				return fmt.Errorf("case %s: %w", c.Reference, err)
			}
		}
		if !progress || ctx.Err() != nil {
			return ctx.Err()
		}
	}
}
