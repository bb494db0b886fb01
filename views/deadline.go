package views

import (
	"fmt"

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

func bandLabel(due, today deadline.Date) string { return deadline.BandFor(due, today).Label() }
