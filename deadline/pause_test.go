package deadline

import "testing"

func TestPausedDays(t *testing.T) {
	d := func(s string) Date {
		t.Helper()
		x, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-03-10", "2026-03-10", 0}, // answered the day it was asked
		{"2026-03-10", "2026-03-15", 5}, // the day of the answer counts as paused
		{"2026-02-25", "2026-03-02", 5}, // across the end of February
		{"2026-12-30", "2027-01-04", 5}, // across the year
		{"2026-03-10", "2026-03-09", 0}, // a clock set back never shortens the period
	} {
		if got := PausedDays(d(tc.from), d(tc.to)); got != tc.want {
			t.Errorf("PausedDays(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
		}
	}
}

func TestUnpause(t *testing.T) {
	be, err := For("BE")
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) Date {
		t.Helper()
		x, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, tc := range []struct {
		name             string
		received         string
		extended         bool
		target           string
		before, days     int
		due, ext, newTgt string
		total            int
	}{
		{name: "no day paused: the dates of Due and ExtendedDue", received: "2026-03-05", extended: true, target: "2026-03-25",
			due: "2026-04-07", ext: "2026-06-05", newTgt: "2026-03-25"},
		{name: "a plain move by the days paused", received: "2026-03-11", target: "2026-03-31", days: 5,
			due: "2026-04-16", newTgt: "2026-04-05"},
		// Received 31 January: one month is 28 February 2026, a Saturday, so the case was due on
		// Monday 2 March. Five days paused run from 28 February (5 March, a Thursday), not from
		// the Monday: the weekend already gave the controller its days.
		{name: "counted from the date before the weekend rule", received: "2026-01-31", days: 5,
			due: "2026-03-05"},
		// 15 April + 10 days = 25 April, a Saturday → Monday 27 April.
		{name: "a new date on a weekend moves to the next working day", received: "2026-03-15", days: 10,
			due: "2026-04-27"},
		{name: "a new date on a holiday moves too", received: "2026-10-01", days: 10,
			due: "2026-11-12"}, // 1 Nov + 10 = 11 Nov (Armistice) → 12 Nov
		{name: "a second pause adds to the first", received: "2026-03-11", extended: true, before: 5, days: 3,
			due: "2026-04-20", ext: "2026-06-19", total: 8}, // 11 Apr + 8 = 19 Apr (Sunday) → 20 Apr; 11 Jun + 8
		{name: "extended: three months from receipt plus the pause", received: "2026-01-31", extended: true, days: 1,
			due: "2026-03-02", ext: "2026-05-04"}, // 30 Apr + 1 = 1 May (holiday) → Sat, Sun → Monday 4 May
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tgt Date
			if tc.target != "" {
				tgt = d(tc.target)
			}
			m := be.Unpause(d(tc.received), tc.extended, tgt, tc.before, tc.days)
			if m.Due != d(tc.due) {
				t.Errorf("due = %s, want %s", m.Due, tc.due)
			}
			if tc.ext == "" && !m.ExtendedDue.IsZero() {
				t.Errorf("extended due = %s for a case not extended", m.ExtendedDue)
			}
			if tc.ext != "" && m.ExtendedDue != d(tc.ext) {
				t.Errorf("extended due = %s, want %s", m.ExtendedDue, tc.ext)
			}
			if tc.newTgt != "" && m.Target != d(tc.newTgt) {
				t.Errorf("target = %s, want %s", m.Target, tc.newTgt)
			}
			want := tc.total
			if want == 0 {
				want = tc.before + tc.days
			}
			if m.PausedDays != want {
				t.Errorf("paused days = %d, want %d", m.PausedDays, want)
			}
		})
	}
	// With no day paused, the dates are exactly those of Due and ExtendedDue: a pause never
	// shortens a period.
	for r := d("2026-01-01"); r.Before(d("2027-01-01")); r = r.AddDays(1) {
		m := be.Unpause(r, true, Date{}, 0, 0)
		if m.Due != be.Due(r) || m.ExtendedDue != be.ExtendedDue(r) {
			t.Fatalf("%s: unpaused %s/%s, want %s/%s", r, m.Due, m.ExtendedDue, be.Due(r), be.ExtendedDue(r))
		}
		if m1 := be.Unpause(r, true, Date{}, 0, 1); m1.Due.Before(m.Due) || m1.ExtendedDue.Before(m.ExtendedDue) {
			t.Fatalf("%s: a day paused moved the date back", r)
		}
	}
}
