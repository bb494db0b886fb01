package views

import (
	"fmt"
	"strings"

	"rightsdesk/deadline"
)

// DueText says how a due date stands today: "12 days left", "due today", "overdue by 3 days".
func DueText(due, today deadline.Date) string {
	switch left := deadline.DaysLeft(due, today); {
	case left > 1:
		return fmt.Sprintf("%d days left", left)
	case left == 1:
		return "1 day left"
	case left == 0:
		return "due today"
	case left == -1:
		return "overdue by 1 day"
	default:
		return fmt.Sprintf("overdue by %d days", -left)
	}
}

func bandClass(due, today deadline.Date) string {
	return "band band-" + string(deadline.BandFor(due, today))
}

// BandText says the band and the days in one phrase, each once: "Overdue by 9 days", "Due today",
// "Due soon: 3 days left", "On track: 20 days left".
func BandText(due, today deadline.Date) string {
	b := deadline.BandFor(due, today)
	switch left := deadline.DaysLeft(due, today); {
	case b == deadline.BandOverdue, left == 0:
		t := DueText(due, today)
		return strings.ToUpper(t[:1]) + t[1:]
	}
	return b.Label() + ": " + DueText(due, today)
}

// PausedText says that a case's clock is paused for an identity question (Art. 12(6)) and since
// when, in place of its band: a paused case is not running late.
func PausedText(since, today deadline.Date) string {
	if n := deadline.PausedDays(since, today); n > 0 {
		return "Clock paused (Art. 12(6)) for " + pausedDaysText(n)
	}
	return "Clock paused (Art. 12(6)) since today"
}

func pausedDaysText(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
