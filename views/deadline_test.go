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
