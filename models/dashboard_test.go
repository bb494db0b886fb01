package models_test

import (
	"context"
	"math"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// figureWorld is a hand-built set of cases whose figures a reader can work out (see the comments
// in TestDashboardFigures): controller A in Brussels with sites A1 and A2, controller B elsewhere.
type figureWorld struct {
	a, b     models.Controller
	a1, a2   models.Site
	b1       models.Site
	u1, u2   models.User
	today    deadline.Date
	brussels *time.Location
}

func buildFigureWorld(t *testing.T, st *models.Store) figureWorld {
	t.Helper()
	ctx := context.Background()
	w := figureWorld{today: deadline.NewDate(2026, 11, 23)}
	w.brussels, _ = time.LoadLocation("Europe/Brussels")
	w.a = models.Controller{Slug: "ctrl-a", Name: "Controller A", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE", DefaultLanguage: "fr"}
	w.b = models.Controller{Slug: "ctrl-b", Name: "Controller B", Country: "PT", TimeZone: "Europe/Lisbon", LeadAuthority: "PT", DefaultLanguage: "en"}
	for _, c := range []*models.Controller{&w.a, &w.b} {
		if err := st.SaveController(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct {
		site *models.Site
		ctrl int64
		slug string
	}{{&w.a1, w.a.ID, "a1"}, {&w.a2, w.a.ID, "a2"}, {&w.b1, w.b.ID, "b1"}} {
		*s.site = models.Site{ControllerID: s.ctrl, Slug: s.slug, Name: "Site " + s.slug, Domain: s.slug + ".example"}
		if err := st.SaveSite(ctx, s.site); err != nil {
			t.Fatal(err)
		}
	}
	for i, u := range []*models.User{&w.u1, &w.u2} {
		*u = models.User{Email: []string{"u1@example.org", "u2@example.org"}[i], Name: []string{"U1", "U2"}[i], Role: models.RoleStaff, PasswordHash: "!", Active: true}
		if err := st.SaveUser(ctx, u, []int64{w.a.ID}); err != nil {
			t.Fatal(err)
		}
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	mk := func(ref string, ctrl models.Controller, site models.Site, received string, status dsr.Status, kinds []dsr.Kind,
		assignee *models.User, extendedTo deadline.Date, answered string) {
		t.Helper()
		recvAt := at(received)
		on := deadline.ReceiptDate(recvAt, ctrl.Location()) // as the service files it
		c := models.Case{Reference: ref, ControllerID: ctrl.ID, SiteID: site.ID, Status: status, Email: ref + "@example.org",
			Name: "Person", Language: "fr", Country: "BE", ReceivedAt: recvAt, ReceivedOn: on, DueOn: on.AddMonths(1),
			TargetOn: on.AddDays(20), AnswerDueOn: on.AddMonths(1), VerifyExpiresAt: recvAt, Version: 1}
		if !extendedTo.IsZero() {
			c.ExtendedDueOn, c.AnswerDueOn = extendedTo, extendedTo
		}
		if assignee != nil {
			c.AssigneeID = &assignee.ID
		}
		for _, k := range kinds {
			c.Kinds = append(c.Kinds, models.CaseKind{Kind: k})
		}
		if answered != "" {
			c.Status = dsr.StatusInProgress
		}
		if err := st.InTx(ctx, func(tx *models.Tx) error { return tx.CreateCase(ctx, &c) }); err != nil {
			t.Fatal(err)
		}
		if answered != "" {
			c.Controller = &ctrl
			err := st.UpdateCase(ctx, &c, models.CaseChange{Status: status, At: at(answered), Closed: true, Answered: true})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	k := func(ks ...dsr.Kind) []dsr.Kind { return ks }
	none := deadline.Date{}
	acc, era, obj := dsr.KindAccess, dsr.KindErasure, dsr.KindObjection
	// c1: October, on time (15 days), answered before the period.
	mk("DSR-2026-000001", w.a, w.a1, "2026-10-05T08:00:00Z", dsr.StatusCompleted, k(acc), &w.u1, none, "2026-10-20T10:00:00Z")
	// c2: October, late (due 10 November, answered the 12th: 33 days).
	mk("DSR-2026-000002", w.a, w.a1, "2026-10-10T08:00:00Z", dsr.StatusCompleted, k(era, obj), &w.u2, none, "2026-11-12T09:00:00Z")
	// c3: September, extended to 1 December, answered 20 November: on time, 80 days.
	mk("DSR-2026-000003", w.a, w.a2, "2026-09-01T08:00:00Z", dsr.StatusCompleted, k(acc), &w.u1, deadline.NewDate(2026, 12, 1), "2026-11-20T09:00:00Z")
	// c4: November, refused on the 10th: on time, 8 days.
	mk("DSR-2026-000004", w.a, w.a1, "2026-11-02T08:00:00Z", dsr.StatusRefused, k(era), &w.u1, none, "2026-11-10T09:00:00Z")
	// c5: due 5 November, answered at 23:30 UTC that day, which is 00:30 on the 6th in Brussels:
	// late, 32 days. In UTC it would look on time.
	mk("DSR-2026-000005", w.a, w.a1, "2026-10-05T08:00:00Z", dsr.StatusCompleted, k(acc), &w.u2, none, "2026-11-05T23:30:00Z")
	// c6: open, due 20 December: on track, unassigned.
	mk("DSR-2026-000006", w.a, w.a2, "2026-11-20T08:00:00Z", dsr.StatusOpen, k(dsr.KindRectification), nil, none, "")
	// c7: in progress, due 15 November: overdue.
	mk("DSR-2026-000007", w.a, w.a1, "2026-10-15T08:00:00Z", dsr.StatusInProgress, k(acc), &w.u1, none, "")
	// c8: waiting for the requester, due 25 November: due soon.
	mk("DSR-2026-000008", w.a, w.a2, "2026-10-25T08:00:00Z", dsr.StatusAwaitingRequester, k(era), &w.u1, none, "")
	// c9: November, withdrawn.
	mk("DSR-2026-000009", w.a, w.a1, "2026-11-03T08:00:00Z", dsr.StatusWithdrawn, k(acc), nil, none, "")
	// c10, c11: never confirmed: not requests, never counted.
	mk("DSR-2026-000010", w.a, w.a1, "2026-11-03T08:00:00Z", dsr.StatusExpired, k(acc), nil, none, "")
	mk("DSR-2026-000011", w.a, w.a1, "2026-11-22T08:00:00Z", dsr.StatusUnverified, k(acc), nil, none, "")
	// c12: filed at 23:30 UTC on 31 October, which is 1 November in Brussels: a November case.
	mk("DSR-2026-000012", w.a, w.a2, "2026-10-31T23:30:00Z", dsr.StatusInProgress, k(dsr.KindPortability), nil, none, "")
	// Controller B: an answered case and an overdue one, never in A's figures.
	mk("DSR-2026-000013", w.b, w.b1, "2026-11-01T08:00:00Z", dsr.StatusCompleted, k(acc), nil, none, "2026-11-02T08:00:00Z")
	mk("DSR-2026-000014", w.b, w.b1, "2026-10-01T08:00:00Z", dsr.StatusOpen, k(acc), nil, none, "")
	return w
}

func TestDashboardFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		w := buildFigureWorld(t, st)
		f := models.StatsFilter{Controllers: []int64{w.a.ID}, Today: w.today, Since: w.today.AddDays(-29), Months: 12}

		// The same figures whether the closed cases are read live or from the rollups.
		for _, stage := range []string{"live", "rolled up", "rolled up twice"} {
			if stage != "live" {
				n, err := st.RollUp(ctx)
				if err != nil {
					t.Fatal(err)
				}
				// 6 closed cases of A and 1 of B the first time; none after.
				if want := map[string]int{"rolled up": 7, "rolled up twice": 0}[stage]; n != want {
					t.Fatalf("%s: RollUp added %d cases, want %d", stage, n, want)
				}
			}
			d, err := st.Dashboard(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(stage, func(t *testing.T) { checkFigures(t, w, d) })
		}

		// A kind: erasure is c2 (late), c4 (refused, on time) and c8 (open, due soon).
		fk := f
		fk.Kind = dsr.KindErasure
		d, err := st.Dashboard(ctx, fk)
		if err != nil {
			t.Fatal(err)
		}
		if d.Open != 1 || d.DueSoon != 1 || d.Overdue != 0 || d.Period.Answered != 2 || d.Period.OnTime != 1 || d.Period.Refused != 1 {
			t.Errorf("erasure: %+v", d)
		}
		if len(d.Kinds) != 1 || d.Kinds[0].Kind != dsr.KindErasure || d.Kinds[0].Received != 3 {
			t.Errorf("erasure: kinds %+v", d.Kinds)
		}
		// A site: A2 holds c3, c6, c8 and c12.
		fs := f
		fs.SiteID = w.a2.ID
		if d, err = st.Dashboard(ctx, fs); err != nil {
			t.Fatal(err)
		}
		if d.Open != 3 || d.DueSoon != 1 || d.Overdue != 0 || d.Period.Answered != 1 || len(d.Sites) != 1 || d.Sites[0].Received != 4 {
			t.Errorf("site A2: open %d due soon %d overdue %d answered %d sites %+v", d.Open, d.DueSoon, d.Overdue, d.Period.Answered, d.Sites)
		}

		// Scope: A's manager asking for B gets nothing of B; B's figures are B's only.
		fb := f
		fb.ControllerID = w.b.ID
		if d, err = st.Dashboard(ctx, fb); err != nil {
			t.Fatal(err)
		}
		if d.Open != 0 || d.Period.Answered != 0 || len(d.Sites) != 0 || len(d.Workload) != 0 || total(d.Months) != 0 {
			t.Errorf("A's scope filtered to B shows figures: %+v", d)
		}
		fb = models.StatsFilter{Controllers: []int64{w.b.ID}, Today: w.today, Since: w.today.AddDays(-29)}
		if d, err = st.Dashboard(ctx, fb); err != nil {
			t.Fatal(err)
		}
		if d.Open != 1 || d.Overdue != 1 || d.Period.Answered != 1 || total(d.Months) != 2 {
			t.Errorf("B: open %d overdue %d answered %d received %d", d.Open, d.Overdue, d.Period.Answered, total(d.Months))
		}
		if _, err := st.Dashboard(ctx, models.StatsFilter{Today: w.today}); err == nil {
			t.Error("a dashboard without a scope answered")
		}
	})
}

func total(ts []models.Tally) (n int64) {
	for _, t := range ts {
		n += t.Received
	}
	return n
}

func checkFigures(t *testing.T, w figureWorld, d models.Dashboard) {
	t.Helper()
	// Now: open c6, c7, c8, c12; due soon (by 30 November) c8; overdue c7.
	if d.Open != 4 || d.DueSoon != 1 || d.Overdue != 1 {
		t.Errorf("open %d, due soon %d, overdue %d; want 4, 1, 1", d.Open, d.DueSoon, d.Overdue)
	}
	// Answered from 25 October: c2 (late), c3 (on time, extended), c4 (refused, on time), c5 (late);
	// days 33, 80, 8, 32: median (32+33)/2, 90th percentile 33 + 0.7 × (80 − 33).
	p := d.Period
	if p.Answered != 4 || p.OnTime != 2 || p.Late != 2 || p.Extended != 1 || p.Refused != 1 {
		t.Errorf("period %+v; want answered 4, on time 2, late 2, extended 1, refused 1", p)
	}
	if m, ok := p.Days.Median(); !ok || m != 32.5 {
		t.Errorf("median %v, want 32.5", m)
	}
	if v, ok := p.Days.Percentile(90); !ok || math.Abs(v-65.9) > 1e-9 {
		t.Errorf("p90 %v, want 65.9", v)
	}
	if p.OnTimeShare() != 50 {
		t.Errorf("on time %v %%, want 50", p.OnTimeShare())
	}
	// The series: December 2025 to November 2026.
	if len(d.Months) != 12 || d.Months[0].Month != deadline.NewDate(2025, 12, 1) || d.Months[11].Month != deadline.NewDate(2026, 11, 1) {
		t.Fatalf("months %v", d.Months)
	}
	want := map[time.Month]models.Tally{
		9:  {Received: 1, OnTime: 1, Extended: 1},                       // c3
		10: {Received: 5, OnTime: 1, Late: 2, Open: 2},                  // c1, c2, c5, c7, c8
		11: {Received: 4, OnTime: 1, Open: 2, Withdrawn: 1, Refused: 1}, // c4, c6, c9, c12
	}
	for _, m := range d.Months {
		exp := want[m.Month.Month]
		exp.Month = m.Month
		if m.Month.Year == 2025 {
			exp = models.Tally{Month: m.Month}
		}
		if m != exp {
			t.Errorf("%s: %+v, want %+v", m.Month, m, exp)
		}
	}
	kinds := map[dsr.Kind]models.Tally{}
	for _, k := range d.Kinds {
		kinds[k.Kind] = k
	}
	for k, exp := range map[dsr.Kind]models.Tally{
		dsr.KindAccess:        {Received: 5, OnTime: 2, Late: 1, Open: 1, Withdrawn: 1, Extended: 1}, // c1 c3 c5 c7 c9
		dsr.KindErasure:       {Received: 3, OnTime: 1, Late: 1, Open: 1, Refused: 1},                // c2 c4 c8
		dsr.KindObjection:     {Received: 1, Late: 1},                                                // c2
		dsr.KindRectification: {Received: 1, Open: 1},                                                // c6
		dsr.KindPortability:   {Received: 1, Open: 1},                                                // c12
	} {
		exp.Kind = k
		if kinds[k] != exp {
			t.Errorf("kind %s: %+v, want %+v", k, kinds[k], exp)
		}
	}
	if len(d.Kinds) != 5 {
		t.Errorf("%d kinds, want 5: %+v", len(d.Kinds), d.Kinds)
	}
	if len(d.Sites) != 2 || d.Sites[0].SiteID != w.a1.ID || d.Sites[0].Received != 6 || d.Sites[1].Received != 4 {
		t.Errorf("sites %+v; want A1 6, A2 4", d.Sites)
	}
	// Workload: U1 has c7 (overdue) and c8 (due soon) and answered c3 and c4 this month; U2
	// answered c2 and c5; c6 and c12 are nobody's.
	wl := map[int64]models.Workload{}
	for _, x := range d.Workload {
		wl[x.AssigneeID] = x
	}
	for id, exp := range map[int64]models.Workload{
		w.u1.ID: {AssigneeID: w.u1.ID, Open: 2, DueSoon: 1, Overdue: 1, AnsweredThisMonth: 2},
		w.u2.ID: {AssigneeID: w.u2.ID, AnsweredThisMonth: 2},
		0:       {Open: 2},
	} {
		if wl[id] != exp {
			t.Errorf("workload of %d: %+v, want %+v", id, wl[id], exp)
		}
	}
	if len(d.Workload) != 3 {
		t.Errorf("workload %+v", d.Workload)
	}
}

func TestTransparencyAndExport(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		w := buildFigureWorld(t, st)
		for _, stage := range []string{"live", "rolled up"} {
			if stage == "rolled up" {
				if _, err := st.RollUp(ctx); err != nil {
					t.Fatal(err)
				}
			}
			figs, err := st.Transparency(ctx, w.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			got := map[dsr.Kind]models.YearFigures{}
			for _, f := range figs {
				if f.Year != 2026 {
					t.Errorf("%s: year %d", stage, f.Year)
				}
				got[f.Kind] = f
			}
			// 2026: ten requests (c10, c11 never confirmed); complied c1 c2 c3 c5; refused c4;
			// withdrawn c9; open c6 c7 c8 c12; days 15, 33, 80, 8, 32: median 32.
			all := got[models.AllKinds]
			if all.Received != 10 || all.Complied != 4 || all.Refused != 1 || all.Withdrawn != 1 || all.Open != 4 {
				t.Errorf("%s: all kinds %+v", stage, all)
			}
			if m, _ := all.Days.Median(); m != 32 {
				t.Errorf("%s: median %v, want 32", stage, m)
			}
			// Access: c1 c3 c5 answered (15, 80, 32 days), c7 open, c9 withdrawn.
			acc := got[dsr.KindAccess]
			if m, _ := acc.Days.Median(); acc.Received != 5 || acc.Complied != 3 || acc.Open != 1 || acc.Withdrawn != 1 || m != 32 {
				t.Errorf("%s: access %+v", stage, acc)
			}
			if len(figs) == 0 || figs[0].Kind != models.AllKinds {
				t.Errorf("%s: the first row is not all kinds: %+v", stage, figs)
			}
		}

		var lines []models.CaseLine
		f := models.StatsFilter{Controllers: []int64{w.a.ID}, Today: w.today}
		err := st.EachCaseLine(ctx, f, deadline.Date{}, deadline.Date{}, func(l models.CaseLine) error {
			lines = append(lines, l)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 10 {
			t.Fatalf("%d lines, want A's 10 requests", len(lines))
		}
		c5 := lines[4]
		rec := models.CaseLineRecord(c5)
		want := []string{"DSR-2026-000005", "ctrl-a", "a1", "access", "2026-10-05", "2026-11-05", "", "2026-11-06", "completed", "", "32", "no"}
		if len(rec) != len(models.CaseLineHeader) {
			t.Fatalf("record %v has not the header's %d columns", rec, len(models.CaseLineHeader))
		}
		for i := range want {
			if rec[i] != want[i] {
				t.Errorf("c5 column %s = %q, want %q", models.CaseLineHeader[i], rec[i], want[i])
			}
		}
		if rec := models.CaseLineRecord(lines[1]); rec[3] != "erasure objection" || rec[11] != "no" {
			t.Errorf("c2: %v", rec)
		}
		// From/to and a kind narrow it.
		lines = nil
		f.Kind = dsr.KindErasure
		err = st.EachCaseLine(ctx, f, deadline.NewDate(2026, 11, 1), deadline.NewDate(2026, 11, 30), func(l models.CaseLine) error {
			lines = append(lines, l)
			return nil
		})
		if err != nil || len(lines) != 1 || lines[0].Reference != "DSR-2026-000004" {
			t.Errorf("November erasure: %v %+v", err, lines)
		}
	})
}
