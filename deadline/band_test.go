package deadline

import "testing"

func TestBand(t *testing.T) {
	due := d("2026-03-02")
	tests := []struct {
		today   string
		left    int
		overdue int
		band    Band
		label   string
	}{
		{"2026-01-31", 30, 0, BandOnTrack, "On track"},
		{"2026-02-22", 8, 0, BandOnTrack, "On track"},
		{"2026-02-23", 7, 0, BandDueSoon, "Due soon"},
		{"2026-03-01", 1, 0, BandDueSoon, "Due soon"},
		{"2026-03-02", 0, 0, BandDueSoon, "Due soon"}, // the due day itself
		{"2026-03-03", -1, 1, BandOverdue, "Overdue"},
		{"2026-04-02", -31, 31, BandOverdue, "Overdue"},
	}
	for _, tt := range tests {
		today := d(tt.today)
		if got := DaysLeft(due, today); got != tt.left {
			t.Errorf("DaysLeft(%v, %s) = %d, want %d", due, tt.today, got, tt.left)
		}
		if got := DaysOverdue(due, today); got != tt.overdue {
			t.Errorf("DaysOverdue(%v, %s) = %d, want %d", due, tt.today, got, tt.overdue)
		}
		b := BandFor(due, today)
		if b != tt.band || b.Label() != tt.label {
			t.Errorf("BandFor(%v, %s) = %q %q, want %q %q", due, tt.today, b, b.Label(), tt.band, tt.label)
		}
	}
	if BandOnTrack != "on_track" || BandDueSoon != "due_soon" || BandOverdue != "overdue" {
		t.Error("band values are stored: do not change them")
	}
	if Band("weird").Label() != "weird" {
		t.Error("unknown band label")
	}
}

// Days left count calendar days in Brussels, not 24-hour periods.
func TestBandAcrossDST(t *testing.T) {
	due := d("2026-03-30")
	now := d("2026-03-29").Time(DefaultLocation).Add(23*60*60*1e9 - 1) // 23:59:59.999 on the 29th (23-hour day)
	today := Today(now, DefaultLocation)
	if today != d("2026-03-29") || DaysLeft(due, today) != 1 {
		t.Errorf("today %v, days left %d", today, DaysLeft(due, today))
	}
}

func TestWorkingDaysLeft(t *testing.T) {
	be, err := For("BE")
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		today, due string
		want       int
	}{
		{"2026-03-02", "2026-03-02", 0}, // due today
		{"2026-03-05", "2026-03-02", 0}, // overdue
		{"2026-03-06", "2026-03-09", 1}, // Friday → Monday: the weekend does not count
		{"2026-03-02", "2026-03-11", 7}, // Monday → next Wednesday
		{"2026-03-31", "2026-04-07", 4}, // Easter Monday 6 April 2026 is a Belgian holiday
		{"2026-12-23", "2027-01-04", 6}, // Christmas and New Year's Day are holidays
	} {
		if got := be.WorkingDaysLeft(d(tc.today), d(tc.due)); got != tc.want {
			t.Errorf("WorkingDaysLeft(%s, %s) = %d, want %d", tc.today, tc.due, got, tc.want)
		}
	}
}
