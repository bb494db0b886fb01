package deadline

import (
	"fmt"
	"time"

	// Embedded zone data, imported here and not only by main: packages are
	// initialised in import-path order where dependencies allow, so
	// "rightsdesk/deadline" would load DefaultLocation before "time/tzdata"
	// registered its data, and fail on a host without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// DefaultLocation is the controller's default time zone, Europe/Brussels, in
// which an instant of submission becomes a date of receipt.
var DefaultLocation = mustLoad("Europe/Brussels")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("deadline: " + err.Error())
	}
	return loc
}

// ReceiptDate returns the date of receipt of a request submitted at instant:
// its calendar date in loc (DefaultLocation when loc is nil). 2026-01-31T23:30:00Z
// is received on 2026-02-01 in Brussels.
func ReceiptDate(instant time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = DefaultLocation
	}
	y, m, d := instant.In(loc).Date()
	return Date{y, m, d}
}

// Today returns the date of now in loc (DefaultLocation when loc is nil).
func Today(now time.Time, loc *time.Location) Date { return ReceiptDate(now, loc) }

// ParseReceived parses the CLI's --received value: a date YYYY-MM-DD, taken as
// the date of receipt as it is, or an RFC 3339 instant, converted to the date
// of receipt in loc (DefaultLocation when loc is nil).
func ParseReceived(s string, loc *time.Location) (Date, error) {
	const want = "want a date YYYY-MM-DD or an RFC 3339 instant such as 2026-01-31T23:30:00Z"
	if len(s) == len("2006-01-02") {
		d, err := ParseDate(s)
		if err != nil {
			return Date{}, fmt.Errorf("%w; %s", err, want)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date of receipt %q: %s", s, want)
	}
	d := ReceiptDate(t, loc)
	if d.Year < 1 || d.Year > 9999 {
		return Date{}, fmt.Errorf("invalid date of receipt %q: %w", s, errYearRange)
	}
	return d, nil
}
