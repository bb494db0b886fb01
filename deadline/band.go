package deadline

// DueSoonDays is how many days before the due date a case counts as due soon.
const DueSoonDays = 7

// Band is where a case stands against its due date.
type Band string

// The bands, as stored and as used in URLs and CSS classes.
const (
	BandOnTrack Band = "on_track"
	BandDueSoon Band = "due_soon"
	BandOverdue Band = "overdue"
)

// DaysLeft returns due − today in calendar days: 0 on the due day itself,
// negative once it has passed.
func DaysLeft(due, today Date) int { return DaysBetween(today, due) }

// DaysOverdue returns how many days today is past due, 0 when it is not.
func DaysOverdue(due, today Date) int { return max(0, -DaysLeft(due, today)) }

// BandFor returns the band of a case due on due, seen on today. The due day
// itself is still due soon: the period ends at the end of that day.
func BandFor(due, today Date) Band {
	switch left := DaysLeft(due, today); {
	case left < 0:
		return BandOverdue
	case left <= DueSoonDays:
		return BandDueSoon
	}
	return BandOnTrack
}

// Label returns the band's English label for people.
func (b Band) Label() string {
	switch b {
	case BandOnTrack:
		return "On track"
	case BandDueSoon:
		return "Due soon"
	case BandOverdue:
		return "Overdue"
	}
	return string(b)
}
