package deadline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/cy"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/ee"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fi"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/hu"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/is"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lu"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/mt"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/pt"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
)

// DefaultCountry is the controller country used when none is configured.
const DefaultCountry = "BE"

// ErrUnknownCountry is returned by For for a country with no holiday calendar.
var ErrUnknownCountry = errors.New("deadline: unknown country")

// sources maps ISO 3166-1 alpha-2 codes to the national list (the package's
// Holidays variable) of github.com/rickar/cal/v2. Regional lists (de.HolidaysBY
// and the like) are deliberately not used: a deadline runs on the days that are
// holidays in the whole Member State.
//
// Every EU and EEA state is covered except Liechtenstein (LI), for which
// rickar/cal has no package. Greece is "GR" (ISO), not the EU's "EL".
//
// Belgium: be.Holidays gives exactly the ten statutory days, 1 May included
// (the package comment says "first Monday in May" but the rule it uses is
// aa.WorkersDay, 1 May); the tests pin every date from 2025 to 2035.
var sources = map[string][]*cal.Holiday{
	"AT": at.Holidays, "BE": be.Holidays, "BG": bg.Holidays, "CY": cy.Holidays,
	"CZ": cz.Holidays, "DE": de.Holidays, "DK": dk.Holidays, "EE": ee.Holidays,
	"ES": es.Holidays, "FI": fi.Holidays, "FR": fr.Holidays, "GR": gr.Holidays,
	"HR": hr.Holidays, "HU": hu.Holidays, "IE": ie.Holidays, "IS": is.Holidays,
	"IT": it.Holidays, "LT": lt.Holidays, "LU": lu.Holidays, "LV": lv.Holidays,
	"MT": mt.Holidays, "NL": nl.Holidays, "NO": no.Holidays, "PL": pl.Holidays,
	"PT": pt.Holidays, "RO": ro.Holidays, "SE": se.Holidays, "SI": si.Holidays,
	"SK": sk.Holidays,
}

// noSubstitutes lists the countries whose holidays never move to a working
// day when they fall on a weekend. For them the library's "observed" dates,
// should it ever define any, are ignored. Elsewhere (Bulgaria, Latvia) the
// library's substitute days are statutory days off and count as holidays.
var noSubstitutes = map[string]bool{"BE": true}

// counts reports whether a holiday of the library's list is a public holiday
// for deadlines. ObservanceOther marks customary days off that no statute makes
// holidays (Christmas Eve in Finland, Sweden and Iceland, Midsummer Eve and New
// Year's Eve in Sweden, ...), so they are left out. ObservanceUnknown is kept:
// some lists leave the type unset on real public holidays (all of Ireland's,
// King's Day in the Netherlands, 2 January in Slovenia).
func counts(h *cal.Holiday) bool {
	return h.Type == cal.ObservancePublic || h.Type == cal.ObservanceUnknown
}

var calendars = func() map[string]*Calendar {
	m := make(map[string]*Calendar, len(sources))
	for code, list := range sources {
		m[code] = newCalendar(code, list)
	}
	return m
}()

func newCalendar(code string, list []*cal.Holiday) *Calendar {
	return &Calendar{country: code, list: list, substitutes: !noSubstitutes[code]}
}

// For returns the working-day calendar of a country given as an ISO 3166-1
// alpha-2 code ("BE"; lower case is accepted). Calendars are shared: one per country.
func For(country string) (*Calendar, error) {
	c, ok := calendars[strings.ToUpper(country)]
	if !ok {
		return nil, fmt.Errorf("%w %q (supported: %s)", ErrUnknownCountry, country, strings.Join(Countries(), " "))
	}
	return c, nil
}

// Countries returns the supported country codes, sorted. See sources for the
// EU/EEA states not covered.
func Countries() []string {
	codes := make([]string, 0, len(calendars))
	for code := range calendars {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	return codes
}

// Holiday is one public holiday.
type Holiday struct {
	Date Date
	Name string // in the country's language, as the library names it
}

// Calendar is one country's working-day calendar. It is safe for concurrent use.
type Calendar struct {
	country     string
	list        []*cal.Holiday
	substitutes bool
	// years caches each year's holidays for minYear..maxYear, filled lazily and
	// lock-free; other years are computed on every call.
	years [maxYear - minYear + 1]atomic.Pointer[yearSet]
}

const (
	minYear = 1900
	maxYear = 2299
)

// yearSet is one year's holidays: a bit per day of the year for the hot path
// and the sorted list for names.
type yearSet struct {
	jan1 int // day number of 1 January
	bits [6]uint64
	list []Holiday // sorted, one entry per date
}

func (ys *yearSet) has(n int) bool {
	i := n - ys.jan1
	return ys.bits[i>>6]&(1<<(i&63)) != 0
}

// Country returns the calendar's ISO 3166-1 alpha-2 code.
func (c *Calendar) Country() string { return c.country }

func (c *Calendar) year(y int) *yearSet {
	if y >= minYear && y <= maxYear {
		if ys := c.years[y-minYear].Load(); ys != nil {
			return ys
		}
	}
	return c.fill(y)
}

func (c *Calendar) fill(y int) *yearSet {
	if y < minYear || y > maxYear {
		return c.build(y)
	}
	p := &c.years[y-minYear]
	p.CompareAndSwap(nil, c.build(y)) // a racing builder computed the same set
	return p.Load()
}

func (c *Calendar) build(y int) *yearSet {
	ys := &yearSet{jan1: daysFromCivil(y, time.January, 1)}
	add := func(t time.Time, name string) {
		if t.IsZero() {
			return
		}
		ty, tm, td := t.Date()
		if ty != y {
			return
		}
		d := Date{ty, tm, td}
		i := d.days() - ys.jan1
		if ys.bits[i>>6]&(1<<(i&63)) != 0 {
			// Two holidays on one day (Whit Monday and Children's Day in Romania).
			j := slices.IndexFunc(ys.list, func(h Holiday) bool { return h.Date == d })
			if !strings.Contains(ys.list[j].Name, name) {
				ys.list[j].Name += " / " + name
			}
			return
		}
		ys.bits[i>>6] |= 1 << (i & 63)
		ys.list = append(ys.list, Holiday{d, name})
	}
	// A substitute day can fall in another year than its holiday (31 December
	// on a Sunday observed on 1 January), so the neighbouring years are computed too.
	for _, yy := range []int{y - 1, y, y + 1} {
		for _, h := range c.list {
			if !counts(h) {
				continue
			}
			act, obs := h.Calc(yy)
			add(act, h.Name)
			if c.substitutes && !obs.Equal(act) {
				add(obs, h.Name+" (substitute day)")
			}
		}
	}
	slices.SortFunc(ys.list, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return ys
}

// IsHoliday reports whether d is a public holiday, and its name.
func (c *Calendar) IsHoliday(d Date) (bool, string) {
	d = d.norm()
	ys := c.year(d.Year)
	if !ys.has(d.days()) {
		return false, ""
	}
	i, _ := slices.BinarySearchFunc(ys.list, d, func(h Holiday, d Date) int { return h.Date.Compare(d) })
	return true, ys.list[i].Name
}

// IsWorkingDay reports whether d is neither a Saturday, a Sunday nor a public holiday.
func (c *Calendar) IsWorkingDay(d Date) bool {
	d = d.norm()
	n := d.days()
	return !weekend(n) && !c.year(d.Year).has(n)
}

// NextWorkingDay returns d when it is a working day, else the first working day after it.
func (c *Calendar) NextWorkingDay(d Date) Date {
	d = d.norm()
	n := d.days()
	wd := time.Weekday(floorMod(n+int(time.Thursday), 7))
	ys := c.year(d.Year)
	for wd == time.Saturday || wd == time.Sunday || ys.has(n) {
		d, n, wd = d.next(), n+1, (wd+1)%7
		if d.Month == time.January && d.Day == 1 {
			ys = c.year(d.Year)
		}
	}
	return d
}

func weekend(n int) bool {
	wd := time.Weekday(floorMod(n+int(time.Thursday), 7))
	return wd == time.Saturday || wd == time.Sunday
}

// Holidays returns the public holidays of a year, sorted by date.
func (c *Calendar) Holidays(year int) []Holiday {
	return slices.Clone(c.year(year).list)
}

// Due returns the one-month deadline of Art. 12(3) GDPR for a request received
// on received: the same date next month, or that month's last day, moved to the
// next working day (Regulation 1182/71 Art. 3(2)(c) and 3(4)). The day of
// receipt does not count, which the "same date next month" rule already reflects.
func (c *Calendar) Due(received Date) Date {
	return c.NextWorkingDay(received.AddMonths(1))
}

// ExtendedDue returns the deadline after an Art. 12(3) extension: three months
// counted from receipt, then moved to a working day — not two months chained
// onto an already-moved one-month deadline.
func (c *Calendar) ExtendedDue(received Date) Date {
	return c.NextWorkingDay(received.AddMonths(3))
}

// DefaultInternalTargetDays is the default internal SLA target, in calendar days.
const DefaultInternalTargetDays = 20

// InternalTarget returns the internal SLA target: received plus days calendar
// days (DefaultInternalTargetDays when days <= 0). It is not moved off weekends
// or holidays on purpose: it is the controller's own goal, not a legal period,
// and being early is the point; a target on a Sunday simply means "by Friday".
func InternalTarget(received Date, days int) Date {
	if days <= 0 {
		days = DefaultInternalTargetDays
	}
	return received.AddDays(days)
}

// WorkingDaysLeft counts the working days after today up to and including due: 0 when the answer
// is due today (or was due before), 1 when due is the next working day. Reminders are given in
// these days, since weekends and holidays are not days on which staff can answer.
func (c *Calendar) WorkingDaysLeft(today, due Date) int {
	n := 0
	for d := today.AddDays(1); !d.After(due); d = d.AddDays(1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}
