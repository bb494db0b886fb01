package deadline

// The GDPR itself has no pause: Art. 12(3) gives one month from receipt (three when extended).
// Art. 12(6) lets a controller with reasonable doubts about the requester's identity ask for the
// information needed to confirm it, and some authorities (the Berlin authority, in an Art. 60
// procedure) accept that the month does not run while the controller waits for that answer. The
// EDPB (Guidelines 01/2022) asks that such a question be proportionate and come without undue
// delay. A pause is therefore the controller's choice (off by default), only for identity
// questions, and only ever lengthens the period by the days actually spent waiting.

// PausedDays counts the calendar days a clock paused on from stayed paused until to, the day the
// answer arrived (or the case closed): 0 when both are the same day. The day the pause began
// counts as run, the day it ended as paused, so that a question asked on the 10th and answered on
// the 15th gives the requester's period back 5 days.
func PausedDays(from, to Date) int { return max(0, DaysBetween(from, to)) }

// Moved is what the end of a pause does to a case's dates.
type Moved struct {
	Due         Date // the one-month date, also the limit for a refusal or an extension notice
	ExtendedDue Date // zero unless the case was extended
	Target      Date // the controller's internal target
	PausedDays  int  // every pause so far, this one included
}

// Unpause returns the dates of a request received on received once a pause of days calendar days
// ends, after earlier pauses of before days in all. The periods are counted again from receipt,
// as Due and ExtendedDue count them, with the paused days added before the weekend and holiday
// rule (Regulation 1182/71 Art. 3(4)) applies: the requester loses no day to a due date that had
// been moved off a weekend, and the new date is itself a working day. The internal target, the
// controller's own goal, simply moves by the days paused.
func (c *Calendar) Unpause(received Date, extended bool, target Date, before, days int) Moved {
	days = max(0, days)
	total := max(0, before) + days
	m := Moved{
		Due:        c.NextWorkingDay(received.AddMonths(1).AddDays(total)),
		PausedDays: total,
	}
	if extended {
		m.ExtendedDue = c.NextWorkingDay(received.AddMonths(3).AddDays(total))
	}
	if !target.IsZero() {
		m.Target = target.AddDays(days)
	}
	return m
}
