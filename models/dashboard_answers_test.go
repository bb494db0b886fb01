package models_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// TestDashboardAnswersMatchCases compares the answers of the dashboard's period, and each person's
// answers this month, with the same figures worked out here from the cases themselves, for random
// cases and every kind of filter: some answers rolled up (answer_stats), some not yet, some given
// to cases that were still active when the rollup ran. An answer is never changed once given
// (completed and refused are end states), so there is no re-answer to test.
func TestDashboardAnswersMatchCases(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		seed := time.Now().UnixNano()
		t.Logf("seed %d", seed)
		r := rand.New(rand.NewPCG(uint64(seed), 15))
		today := deadline.NewDate(2026, 11, 23)
		now := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

		var ctrls []models.Controller
		var sites []models.Site
		var users []models.User
		for i, tz := range []string{"Europe/Brussels", "America/New_York"} {
			c := models.Controller{Slug: fmt.Sprintf("ctrl-%d", i), Name: fmt.Sprintf("Controller %d", i), Country: "BE", TimeZone: tz, LeadAuthority: "BE", DefaultLanguage: "fr"}
			if err := st.SaveController(ctx, &c); err != nil {
				t.Fatal(err)
			}
			ctrls = append(ctrls, c)
			for j := range 2 {
				s := models.Site{ControllerID: c.ID, Slug: fmt.Sprintf("s%d%d", i, j), Name: "Site", Domain: fmt.Sprintf("s%d%d.example", i, j)}
				if err := st.SaveSite(ctx, &s); err != nil {
					t.Fatal(err)
				}
				sites = append(sites, s)
			}
		}
		for i := range 3 {
			u := models.User{Email: fmt.Sprintf("u%d@example.org", i), Name: "U", Role: models.RoleStaff, PasswordHash: "!", Active: true}
			if err := st.SaveUser(ctx, &u, []int64{ctrls[0].ID, ctrls[1].ID}); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}

		// answer closes c at a random moment after its receipt, before now.
		answer := func(c *models.Case) {
			t.Helper()
			span := now.Sub(c.ReceivedAt)
			at := c.ReceivedAt.Add(time.Duration(r.Int64N(int64(min(span, 100*24*time.Hour)))))
			ch := models.CaseChange{Status: dsr.StatusCompleted, At: at, Closed: true, Answered: true, AnswerResult: string(dsr.ResultFull)}
			switch r.IntN(6) {
			case 0:
				ch.Status, ch.AnswerResult = dsr.StatusRefused, string(dsr.ResultRefused)
			case 1:
				ch.AnswerResult = string(dsr.ResultPartial)
			}
			if err := st.UpdateCase(ctx, c, ch); err != nil {
				t.Fatal(err)
			}
			c.Version++
		}
		n := 0
		file := func() *models.Case {
			t.Helper()
			n++
			site := sites[r.IntN(len(sites))]
			ctrl := ctrls[0]
			if site.ControllerID == ctrls[1].ID {
				ctrl = ctrls[1]
			}
			at := now.Add(-time.Duration(r.Int64N(int64(200 * 24 * time.Hour))))
			on := deadline.ReceiptDate(at, ctrl.Location())
			c := models.Case{Reference: fmt.Sprintf("DSR-2026-%06d", n), ControllerID: ctrl.ID, SiteID: site.ID, Status: dsr.StatusInProgress,
				Email: "p@example.org", Name: "Person", Language: "fr", Country: "BE", ReceivedAt: at, ReceivedOn: on, DueOn: on.AddMonths(1),
				TargetOn: on.AddDays(20), AnswerDueOn: on.AddMonths(1), VerifyExpiresAt: at, Version: 1, Controller: &ctrl}
			if r.IntN(5) == 0 {
				c.ExtendedDueOn = on.AddMonths(3)
				c.AnswerDueOn = c.ExtendedDueOn
			}
			if r.IntN(5) > 0 {
				c.AssigneeID = &users[r.IntN(len(users))].ID
			}
			for _, k := range dsr.Kinds {
				if r.IntN(4) == 0 || (len(c.Kinds) == 0 && k == dsr.KindObjection) {
					c.Kinds = append(c.Kinds, models.CaseKind{Kind: k})
				}
			}
			switch r.IntN(10) {
			case 0:
				c.Status = dsr.StatusOpen
			case 1:
				c.Status = dsr.StatusWithdrawn
			case 2:
				c.Status = dsr.StatusExpired
			}
			if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.CreateCase(ctx, &c) }); err != nil {
				t.Fatal(err)
			}
			return &c
		}
		// Filed and answered before the rollup, or filed before and answered after it, or both after.
		var later []*models.Case
		for range 150 {
			c := file()
			switch {
			case c.Status != dsr.StatusInProgress:
			case r.IntN(3) == 0:
				later = append(later, c)
			case r.IntN(6) > 0:
				answer(c)
			}
		}
		if _, err := st.RollUp(ctx); err != nil {
			t.Fatal(err)
		}
		for _, c := range later {
			answer(c)
		}
		for range 60 {
			if c := file(); c.Status == dsr.StatusInProgress && r.IntN(4) > 0 {
				answer(c)
			}
		}

		filters := map[string]models.StatsFilter{}
		both := []int64{ctrls[0].ID, ctrls[1].ID}
		for _, back := range []int{0, 6, 29, 89} {
			for _, day := range []deadline.Date{today, deadline.NewDate(2026, 11, 30), deadline.NewDate(2026, 10, 1), deadline.NewDate(2026, 9, 14)} {
				base := models.StatsFilter{Controllers: both, Today: day, Since: day.AddDays(-back)}
				name := fmt.Sprintf("%s-%dd", day, back+1)
				filters[name] = base
				f := base
				f.ControllerID = ctrls[1].ID
				filters[name+" controller"] = f
				f = base
				f.Controllers = both[:1]
				filters[name+" scope"] = f
				f = base
				f.SiteID = sites[r.IntN(len(sites))].ID
				filters[name+" site"] = f
				for _, k := range dsr.Kinds {
					f = base
					f.Kind = k
					filters[name+" "+string(k)] = f
				}
				f = base
				f.Kind, f.SiteID, f.Controllers = dsr.KindErasure, sites[0].ID, both[:1]
				filters[name+" erasure site scope"] = f
			}
		}
		for _, stage := range []string{"some rolled up", "all rolled up"} {
			if stage == "all rolled up" {
				if _, err := st.RollUp(ctx); err != nil {
					t.Fatal(err)
				}
			}
			var cs []answerRow
			err := models.GormForTest(st).Table("cases").Select("controller_id, site_id, kind_mask, status, answered_on, answer_due_on, days_taken, " +
				"extended_due_on IS NOT NULL AS extended, assignee_id, answer_result, stats_rolled").Scan(&cs).Error
			if err != nil {
				t.Fatal(err)
			}
			live, rolled := 0, 0
			for _, c := range cs {
				if c.AnsweredOn != nil {
					if c.StatsRolled {
						rolled++
					} else {
						live++
					}
				}
			}
			if stage == "some rolled up" {
				if live == 0 || rolled == 0 {
					t.Fatalf("%s: %d answers rolled up and %d not: want some of each", stage, rolled, live)
				}
				// Migration 31 fills the rollups with the answers already rolled up, as RollUp did.
				before := answerRollups(t, st)
				p := testdb.Goose(t, st, st.Dialect())
				if _, err := p.DownTo(ctx, 30); err != nil {
					t.Fatal(err)
				}
				if _, err := p.UpTo(ctx, 31); err != nil {
					t.Fatal(err)
				}
				if after := answerRollups(t, st); !slices.Equal(before, after) {
					t.Errorf("migration 31 filled answer_stats and answer_stats_days with\n%v\nRollUp with\n%v", after, before)
				}
			}
			for name, f := range filters {
				d, err := st.Dashboard(ctx, f)
				if err != nil {
					t.Fatalf("%s, %s: %v", stage, name, err)
				}
				want, wantMonth := answersOf(cs, f)
				got := d.Period
				if got.Days == nil {
					got.Days = models.Histogram{}
				}
				if got.Answered != want.Answered || got.OnTime != want.OnTime || got.Late != want.Late || got.Extended != want.Extended ||
					got.Refused != want.Refused || got.Partial != want.Partial || !maps.Equal(got.Days, want.Days) {
					t.Errorf("%s, %s: period %+v, want %+v", stage, name, got, want)
				}
				gotMonth := map[int64]int64{}
				for _, w := range d.Workload {
					if w.AnsweredThisMonth != 0 {
						gotMonth[w.AssigneeID] = w.AnsweredThisMonth
					}
				}
				if !maps.Equal(gotMonth, wantMonth) {
					t.Errorf("%s, %s: answered this month %v, want %v", stage, name, gotMonth, wantMonth)
				}
			}
		}
	})
}

// answerRollups returns the rows of answer_stats and answer_stats_days, as text, in order.
func answerRollups(t *testing.T, st *models.Store) []string {
	t.Helper()
	var out []string
	var stats []models.AnswerStat
	var days []models.AnswerStatDays
	db := models.GormForTest(st)
	if err := db.Order("controller_id, kind, answered_on, site_id, assignee_id").Find(&stats).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Order("controller_id, kind, answered_on, site_id, days").Find(&days).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range stats {
		out = append(out, fmt.Sprintf("%+v", r))
	}
	for _, r := range days {
		out = append(out, fmt.Sprintf("%+v", r))
	}
	if len(stats) == 0 || len(days) == 0 {
		t.Fatalf("%d rows in answer_stats, %d in answer_stats_days: want some", len(stats), len(days))
	}
	return out
}

// answerRow is what answersOf reads of a case.
type answerRow struct {
	ControllerID, SiteID int64
	KindMask             int
	Status               dsr.Status
	AnsweredOn           *deadline.Date
	AnswerDueOn          deadline.Date
	DaysTaken            *int
	Extended             bool
	AssigneeID           *int64
	AnswerResult         string
	StatsRolled          bool
}

// answersOf works the period's answers and each person's answers this month out of the cases, as
// the dashboard's figures are defined.
func answersOf(cs []answerRow, f models.StatsFilter) (models.Answers, map[int64]int64) {
	a := models.Answers{Days: models.Histogram{}}
	month := map[int64]int64{}
	for _, c := range cs {
		in := false
		for _, id := range f.Controllers {
			in = in || id == c.ControllerID
		}
		switch {
		case !in, c.AnsweredOn == nil, f.ControllerID != 0 && c.ControllerID != f.ControllerID,
			f.SiteID != 0 && c.SiteID != f.SiteID, f.Kind != "" && c.KindMask&f.Kind.Bit() == 0, c.AnsweredOn.After(f.Today):
			continue
		}
		on := *c.AnsweredOn
		if !on.Before(models.MonthOf(f.Today)) {
			var who int64
			if c.AssigneeID != nil {
				who = *c.AssigneeID
			}
			month[who]++
		}
		if on.Before(f.Since) {
			continue
		}
		a.Answered++
		if on.After(c.AnswerDueOn) {
			a.Late++
		} else {
			a.OnTime++
		}
		if c.Extended {
			a.Extended++
		}
		if c.Status == dsr.StatusRefused {
			a.Refused++
		}
		if c.AnswerResult == string(dsr.ResultPartial) {
			a.Partial++
		}
		a.Days.Add(*c.DaysTaken, 1)
	}
	return a, month
}
