package views

import (
	"testing"

	"rightsdesk/deadline"
)

func TestDueText(t *testing.T) {
	today := deadline.NewDate(2026, 3, 10)
	for due, want := range map[deadline.Date]string{
		deadline.NewDate(2026, 4, 7):  "28 days left",
		deadline.NewDate(2026, 3, 11): "1 day left",
		today:                         "due today",
		deadline.NewDate(2026, 3, 9):  "overdue by 1 day",
		deadline.NewDate(2026, 2, 28): "overdue by 10 days",
	} {
		if got := DueText(due, today); got != want {
			t.Errorf("DueText(%s) = %q, want %q", due, got, want)
		}
	}
}

// TestBandText: the band and the days, each said once ("Overdue by 9 days", never "Overdue:
// overdue by 9 days").
func TestBandText(t *testing.T) {
	today := deadline.NewDate(2026, 3, 10)
	for due, want := range map[deadline.Date]string{
		deadline.NewDate(2026, 4, 7):  "On track: 28 days left",
		deadline.NewDate(2026, 3, 17): "Due soon: 7 days left",
		deadline.NewDate(2026, 3, 11): "Due soon: 1 day left",
		today:                         "Due today",
		deadline.NewDate(2026, 3, 9):  "Overdue by 1 day",
		deadline.NewDate(2026, 3, 1):  "Overdue by 9 days",
	} {
		if got := BandText(due, today); got != want {
			t.Errorf("BandText(%s) = %q, want %q", due, got, want)
		}
	}
}
