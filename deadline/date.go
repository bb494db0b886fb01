package deadline

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Date is a calendar day with no time zone. The zero Date means "no date".
//
// Dates are compared and counted through a day number (days since 1970-01-01)
// computed with integer arithmetic, so nothing depends on a time zone or on
// daylight-saving changes, and the hot path of Due does not touch package time.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalised like time.Date: 2026-02-30 becomes 2026-03-02.
func NewDate(y int, m time.Month, d int) Date {
	return fromDays(daysFromCivil(y, m, d))
}

// ParseDate parses a strict YYYY-MM-DD date: exactly ten characters, a real day of a real month.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("invalid date %q: want YYYY-MM-DD", s)
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, fmt.Errorf("invalid date %q: no such day", s)
	}
	return Date{y, time.Month(m), d}, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// String returns the date as YYYY-MM-DD, or "" for the zero Date (so that a
// missing date prints as nothing in templates and CSV).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	d = d.norm()
	if d.Year < 0 || d.Year > 9999 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	var b [10]byte
	put := func(i, n, w int) {
		for j := i + w - 1; j >= i; j-- {
			b[j] = byte('0' + n%10)
			n /= 10
		}
	}
	put(0, d.Year, 4)
	b[4] = '-'
	put(5, int(d.Month), 2)
	b[7] = '-'
	put(8, d.Day, 2)
	return string(b[:])
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns d plus n calendar days (n may be negative).
func (d Date) AddDays(n int) Date { return fromDays(d.days() + n) }

// AddMonths adds n months the way Regulation 1182/71 Art. 3(2)(c) counts them:
// the same day of the target month, or that month's last day when the target
// month is shorter. It never shifts off a weekend or holiday; Calendar does that.
// Unlike time.AddDate, 31 January + 1 month is 28/29 February, not 2/3 March.
func (d Date) AddMonths(n int) Date {
	d = d.norm()
	m := int(d.Month) - 1 + n
	y := d.Year + floorDiv(m, 12)
	mon := time.Month(m - floorDiv(m, 12)*12 + 1)
	day := min(d.Day, daysIn(y, mon))
	return Date{y, mon, day}
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(d.days()+int(time.Thursday), 7))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	a, b := d.days(), o.days()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.days() < o.days() }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.days() > o.days() }

// Time returns midnight at the start of d in loc (UTC when loc is nil). Where a
// DST change skips midnight, time.Date's normalisation applies.
func (d Date) Time(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// DaysBetween returns to − from in calendar days. It counts days, not 24-hour
// periods, so a DST change in between cannot make it off by one.
func DaysBetween(from, to Date) int { return to.days() - from.days() }

// Value implements driver.Valuer: "YYYY-MM-DD", or NULL for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner. It accepts NULL, a time.Time (its own
// year, month and day are kept as stored, with no zone conversion: PostgreSQL
// DATE arrives as UTC midnight), and a string or []byte holding YYYY-MM-DD,
// optionally followed by a time part ("2026-01-02 00:00:00+00:00",
// "2026-01-02T00:00:00Z"), as SQLite drivers return.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		y, m, day := v.Date()
		*d = Date{y, m, day}
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("deadline: cannot scan %T into Date", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		s = s[:10]
	}
	p, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("deadline: scan: %w", err)
	}
	*d = p
	return nil
}

// MarshalText implements encoding.TextMarshaler; the zero Date is empty.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseDate's strict
// format; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

var errYearRange = errors.New("year out of range 0001–9999")

// norm returns d normalised (month 1–12, day within the month).
func (d Date) norm() Date {
	if d.Month >= time.January && d.Month <= time.December && d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month) {
		return d
	}
	return NewDate(d.Year, d.Month, d.Day)
}

// next returns the day after d, which must be normalised.
func (d Date) next() Date {
	switch {
	case d.Day < daysIn(d.Year, d.Month):
		d.Day++
	case d.Month < time.December:
		d.Month, d.Day = d.Month+1, 1
	default:
		d = Date{d.Year + 1, time.January, 1}
	}
	return d
}

// days returns the day number of d, days since 1970-01-01; out-of-range
// months and days roll over as in time.Date.
func (d Date) days() int { return daysFromCivil(d.Year, d.Month, d.Day) }

// daysFromCivil and fromDays are Howard Hinnant's algorithms
// (https://howardhinnant.github.io/date_algorithms.html), proleptic Gregorian.
func daysFromCivil(y int, mon time.Month, d int) int {
	m := int(mon)
	if m < 1 || m > 12 {
		y += floorDiv(m-1, 12)
		m = floorMod(m-1, 12) + 1
	}
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1 // linear in d, so any day overflow rolls over
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func fromDays(z int) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{y, time.Month(m), d}
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// daysIn returns the number of days in month m (1–12) of year y.
func daysIn(y int, m time.Month) int {
	if m == time.February && isLeap(y) {
		return 29
	}
	return monthDays[m]
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }
