package deadline

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/be"
)

func mustFor(t testing.TB, country string) *Calendar {
	t.Helper()
	c, err := For(country)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The worked examples of shared/reference/LEGAL.md (Belgian calendar).
func TestWorkedExamples(t *testing.T) {
	be := mustFor(t, "BE")
	tests := []struct{ received, due, extended string }{
		{"2026-01-31", "2026-03-02", "2026-04-30"},
		{"2026-03-05", "2026-04-07", "2026-06-05"},
		{"2025-03-31", "2025-04-30", "2025-06-30"},
		{"2026-10-11", "2026-11-12", "2027-01-11"},
		{"2025-10-01", "2025-11-03", "2026-01-02"},
		{"2028-01-31", "2028-02-29", "2028-05-02"},
	}
	for _, tt := range tests {
		if got := be.Due(d(tt.received)); got != d(tt.due) {
			t.Errorf("Due(%s) = %v, want %s", tt.received, got, tt.due)
		}
		if got := be.ExtendedDue(d(tt.received)); got != d(tt.extended) {
			t.Errorf("ExtendedDue(%s) = %v, want %s", tt.received, got, tt.extended)
		}
	}
}

// Easter Sundays written by hand (checked against the Gauss algorithm, which
// rickar/cal does not use).
var easter = map[int]string{
	2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16",
	2029: "2029-04-01", 2030: "2030-04-21", 2031: "2031-04-13", 2032: "2032-03-28",
	2033: "2033-04-17", 2034: "2034-04-09", 2035: "2035-03-25",
}

// belgianHolidays builds Belgium's ten statutory holidays of a year with package time only.
func belgianHolidays(t *testing.T, y int) map[Date]bool {
	t.Helper()
	e, err := time.Parse(time.DateOnly, easter[y])
	if err != nil || e.Weekday() != time.Sunday {
		t.Fatalf("hand-written Easter %d = %q is not a Sunday", y, easter[y])
	}
	set := map[Date]bool{}
	add := func(tm time.Time) { set[Date{tm.Year(), tm.Month(), tm.Day()}] = true }
	for _, md := range [][2]int{{1, 1}, {5, 1}, {7, 21}, {8, 15}, {11, 1}, {11, 11}, {12, 25}} {
		add(time.Date(y, time.Month(md[0]), md[1], 0, 0, 0, 0, time.UTC))
	}
	for _, off := range []int{1, 39, 50} { // Easter Monday, Ascension, Whit Monday
		add(e.AddDate(0, 0, off))
	}
	if len(set) != 10 {
		t.Fatalf("%d: %d distinct holidays by hand", y, len(set))
	}
	return set
}

// nextWorkingDay is an independent oracle built on package time.
func nextWorkingDay(day Date, hol map[Date]bool) Date {
	tm := time.Date(day.Year, day.Month, day.Day, 12, 0, 0, 0, time.UTC)
	for {
		cur := Date{tm.Year(), tm.Month(), tm.Day()}
		if wd := tm.Weekday(); wd != time.Saturday && wd != time.Sunday && !hol[cur] {
			return cur
		}
		tm = tm.AddDate(0, 0, 1)
	}
}

func TestBelgiumHasExactlyTheTenStatutoryHolidays(t *testing.T) {
	bec := mustFor(t, "BE")
	for y := 2025; y <= 2035; y++ {
		want := belgianHolidays(t, y)
		got := bec.Holidays(y)
		if len(got) != 10 {
			t.Errorf("%d: %d holidays, want 10: %v", y, len(got), got)
		}
		for _, h := range got {
			if !want[h.Date] {
				t.Errorf("%d: unexpected holiday %v %q", y, h.Date, h.Name)
			}
		}
		for day := range want {
			if ok, name := bec.IsHoliday(day); !ok || name == "" {
				t.Errorf("%v is not a holiday", day)
			}
		}
		// And nothing else in the year is one.
		for day := NewDate(y, 1, 1); day.Year == y; day = day.AddDays(1) {
			if ok, _ := bec.IsHoliday(day); ok != want[day] {
				t.Errorf("IsHoliday(%v) = %v", day, ok)
			}
		}
	}
	if ok, name := bec.IsHoliday(d("2026-05-01")); !ok || name != "Dag van de Arbeid" {
		t.Errorf("1 May 2026 = %v %q; rickar's comment says first Monday in May (4 May)", ok, name)
	}
	if ok, _ := bec.IsHoliday(d("2026-05-04")); ok {
		t.Error("4 May 2026 (first Monday in May) is not a Belgian holiday")
	}
}

func TestBelgiumHasNoSubstituteDays(t *testing.T) {
	for _, h := range be.Holidays {
		if h.Observed != nil {
			t.Errorf("be.%s has substitute rules %v; they must not count", h.Name, h.Observed)
		}
	}
	// Should a future be.Holidays gain substitute rules, they are ignored.
	withSubstitute := []*cal.Holiday{aa.NewYear.Clone(&cal.Holiday{Observed: []cal.AltDay{{Day: time.Sunday, Offset: 1}}})}
	if ok, _ := newCalendar("BE", withSubstitute).IsHoliday(d("2023-01-02")); ok {
		t.Error("a substitute day counts in Belgium")
	}
	if ok, _ := newCalendar("BG", withSubstitute).IsHoliday(d("2023-01-02")); !ok {
		t.Error("a substitute day does not count in Bulgaria")
	}
	bec := mustFor(t, "BE")
	// Holidays on a weekend do not move: the Monday after is a working day.
	for _, s := range []string{"2026-08-17", "2026-11-02", "2027-08-16", "2027-12-27", "2028-01-03", "2033-01-03"} {
		if !bec.IsWorkingDay(d(s)) {
			t.Errorf("%s should be a working day", s)
		}
	}
}

// Every Belgian holiday of 2025–2035 as the plain one-month date of some receipt.
func TestBelgianHolidayAsLastDay(t *testing.T) {
	bec := mustFor(t, "BE")
	hol := map[Date]bool{}
	for y := 2024; y <= 2036; y++ {
		if easter[y] == "" {
			continue
		}
		for day := range belgianHolidays(t, y) {
			hol[day] = true
		}
	}
	checked := 0
	for y := 2025; y <= 2035; y++ {
		for _, h := range bec.Holidays(y) {
			n := 0
			for r := h.Date.AddDays(-32); r.Before(h.Date); r = r.AddDays(1) {
				if r.AddMonths(1) != h.Date {
					continue
				}
				n++
				want := nextWorkingDay(h.Date, hol)
				if want == h.Date {
					t.Fatalf("oracle: %v is a holiday", h.Date)
				}
				if got := bec.Due(r); got != want {
					t.Errorf("Due(%v) = %v, want %v (%v is %s)", r, got, want, h.Date, h.Name)
				}
			}
			if n == 0 {
				// Only a day past the previous month's length is out of reach
				// (29 March 2027, Easter Monday: February has 28 days).
				prev := h.Date.AddMonths(-1)
				if h.Date.Day <= daysIn(prev.Year, prev.Month) {
					t.Errorf("no receipt lands on %v", h.Date)
				}
				t.Logf("no one-month period ends on %v (%s)", h.Date, h.Name)
			}
			if got, want := bec.NextWorkingDay(h.Date), nextWorkingDay(h.Date, hol); got != want {
				t.Errorf("NextWorkingDay(%v) = %v, want %v", h.Date, got, want)
			}
			checked++
		}
	}
	if checked != 110 {
		t.Errorf("checked %d holidays, want 110", checked)
	}
}

func TestFebruaryMonthEnds(t *testing.T) {
	bec := mustFor(t, "BE")
	tests := []struct{ received, due string }{
		{"2025-01-28", "2025-02-28"}, // Friday
		{"2025-01-31", "2025-02-28"},
		{"2026-01-28", "2026-03-02"}, // 28 Feb 2026 is a Saturday
		{"2026-01-29", "2026-03-02"},
		{"2026-01-30", "2026-03-02"},
		{"2026-01-31", "2026-03-02"},
		{"2027-01-31", "2027-03-01"}, // Sunday
		{"2024-01-28", "2024-02-28"}, // leap year, Wednesday
		{"2024-01-29", "2024-02-29"},
		{"2024-01-31", "2024-02-29"},
		{"2028-01-28", "2028-02-28"},
		{"2028-01-29", "2028-02-29"},
		{"2028-01-30", "2028-02-29"},
		{"2032-01-31", "2032-03-01"}, // 29 Feb 2032 is a Sunday
		{"2100-01-31", "2100-03-01"}, // 2100 is not a leap year; 28 Feb is a Sunday
	}
	for _, tt := range tests {
		if got := bec.Due(d(tt.received)); got != d(tt.due) {
			t.Errorf("Due(%s) = %v, want %s", tt.received, got, tt.due)
		}
	}
}

func TestWeekendsAndHolidayRuns(t *testing.T) {
	bec := mustFor(t, "BE")
	tests := []struct{ received, due, why string }{
		{"2026-06-11", "2026-07-13", "Saturday"},
		{"2026-06-12", "2026-07-13", "Sunday"},
		{"2026-06-10", "2026-07-10", "Friday stays"},
		{"2026-04-01", "2026-05-04", "1 May Friday, then the weekend"},
		{"2026-11-25", "2026-12-28", "Christmas Friday, then the weekend"},
		{"2026-03-04", "2026-04-07", "Saturday, Easter Sunday, Easter Monday"},
		{"2026-04-14", "2026-05-15", "Ascension Thursday"},
		{"2026-04-23", "2026-05-26", "Saturday, Sunday, Whit Monday"},
		{"2022-11-30", "2022-12-30", "Friday"},
		{"2022-12-01", "2023-01-02", "1 January 2023 Sunday: across the year end"},
		{"2021-12-01", "2022-01-03", "1 January 2022 Saturday"},
	}
	for _, tt := range tests {
		if got := bec.Due(d(tt.received)); got != d(tt.due) {
			t.Errorf("Due(%s) = %v, want %s (%s)", tt.received, got, tt.due, tt.why)
		}
	}
	if got := bec.NextWorkingDay(d("2022-12-31")); got != d("2023-01-02") {
		t.Errorf("NextWorkingDay(2022-12-31) = %v", got)
	}
	if got := bec.NextWorkingDay(d("2026-12-31")); got != d("2026-12-31") {
		t.Errorf("NextWorkingDay(2026-12-31) = %v", got)
	}
}

func TestOtherCountries(t *testing.T) {
	tests := []struct {
		country, day string
		holiday      bool
		why          string
	}{
		{"NL", "2026-04-27", true, "Koningsdag, type unset in rickar"},
		{"NL", "2026-05-05", true, "Bevrijdingsdag"},
		{"NL", "2026-05-01", false, "no Labour Day in the Netherlands"},
		{"IE", "2026-03-17", true, "every Irish holiday has its type unset"},
		{"FR", "2026-05-08", true, "Victoire 1945"},
		{"DE", "2026-01-06", false, "Epiphany is regional in Germany"},
		{"DE", "2026-10-03", true, "German Unity Day"},
		{"SE", "2026-12-24", false, "Christmas Eve is ObservanceOther"},
		{"SE", "2026-06-19", false, "Midsummer Eve is ObservanceOther"},
		{"FI", "2026-12-24", false, "Christmas Eve is ObservanceOther"},
		{"IS", "2026-12-31", false, "New Year's Eve is ObservanceOther"},
		{"BG", "2026-05-25", true, "substitute for 24 May on a Sunday"},
		{"BG", "2026-12-28", true, "substitute for 26 December on a Saturday"},
		{"LV", "2026-05-04", true, "Independence Restoration Day"},
		{"LV", "2025-05-05", true, "substitute for 4 May 2025, a Sunday"},
		{"DK", "2026-05-01", false, "not a Danish public holiday"},
		{"DK", "2023-05-05", true, "Great Prayer Day, abolished after 2023"},
		{"DK", "2024-04-26", false, "Great Prayer Day, abolished after 2023"},
	}
	for _, tt := range tests {
		ok, name := mustFor(t, tt.country).IsHoliday(d(tt.day))
		if ok != tt.holiday {
			t.Errorf("%s IsHoliday(%s) = %v %q, want %v (%s)", tt.country, tt.day, ok, name, tt.holiday, tt.why)
		}
	}
	if got := mustFor(t, "NL").Due(d("2026-03-27")); got != d("2026-04-28") {
		t.Errorf("NL Due(2026-03-27) = %v, want 2026-04-28 (27 April Koningsdag)", got)
	}
	if got := mustFor(t, "BE").Due(d("2026-03-27")); got != d("2026-04-27") {
		t.Errorf("BE Due(2026-03-27) = %v, want 2026-04-27", got)
	}
}

var euEEA = []string{
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
	"LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", // EU27
	"IS", "LI", "NO", // EEA
}

func TestCountries(t *testing.T) {
	got := Countries()
	var want []string
	for _, c := range euEEA {
		if c != "LI" {
			want = append(want, c)
		}
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Countries() = %v, want %v", got, want)
	}
	for _, c := range got {
		cal, err := For(c)
		if err != nil || cal.Country() != c {
			t.Errorf("For(%q) = %v, %v", c, cal, err)
		}
	}
	if c, err := For("be"); err != nil || c.Country() != "BE" {
		t.Errorf(`For("be") = %v, %v`, c, err)
	}
	a, _ := For("BE")
	b, _ := For("BE")
	if a != b {
		t.Error("For does not share calendars")
	}
	for _, c := range []string{"", "XX", "LI", "EL", "GB", "CH", "BEL", " BE", "US"} {
		if _, err := For(c); !errors.Is(err, ErrUnknownCountry) {
			t.Errorf("For(%q) error = %v, want ErrUnknownCountry", c, err)
		}
	}
}

func TestHolidaysWellFormed(t *testing.T) {
	for _, code := range Countries() {
		c := mustFor(t, code)
		for y := 2000; y <= 2050; y++ {
			hs := c.Holidays(y)
			if len(hs) < 8 || len(hs) > 20 {
				t.Errorf("%s %d: %d holidays", code, y, len(hs))
			}
			for i, h := range hs {
				if h.Date.Year != y || h.Name == "" {
					t.Errorf("%s %d: bad holiday %+v", code, y, h)
				}
				if i > 0 && !hs[i-1].Date.Before(h.Date) {
					t.Errorf("%s %d: not sorted or duplicate at %v", code, y, h.Date)
				}
				if ok, name := c.IsHoliday(h.Date); !ok || name != h.Name {
					t.Errorf("%s IsHoliday(%v) = %v %q, want %q", code, h.Date, ok, name, h.Name)
				}
			}
		}
		// Holidays returns a copy.
		hs := c.Holidays(2026)
		hs[0].Name = "changed"
		if c.Holidays(2026)[0].Name == "changed" {
			t.Errorf("%s: Holidays exposes its cache", code)
		}
	}
}

func TestYearsOutsideTheCache(t *testing.T) {
	bec := mustFor(t, "BE")
	for _, y := range []int{minYear - 1, maxYear + 1, 1583, 3000} {
		if ok, _ := bec.IsHoliday(NewDate(y, 12, 25)); !ok {
			t.Errorf("25 Dec %d is not a holiday", y)
		}
		if n := len(bec.Holidays(y)); n != 10 {
			t.Errorf("%d: %d holidays", y, n)
		}
	}
	// Across the edge of the cached range.
	if got := bec.NextWorkingDay(NewDate(maxYear, 12, 30)); got.Year != maxYear+1 || !bec.IsWorkingDay(got) {
		t.Errorf("NextWorkingDay(%d-12-30) = %v", maxYear, got)
	}
}

// Properties over every receipt day from 2020 to 2040, for every country.
func TestDueProperties(t *testing.T) {
	from, to := d("2020-01-01"), d("2040-12-31")
	for _, code := range Countries() {
		c := mustFor(t, code)
		lo, hi := 1<<30, -1
		var prev Date
		for r := from; !r.After(to); r = r.AddDays(1) {
			due, ext := c.Due(r), c.ExtendedDue(r)
			plain := r.AddMonths(1)
			if !c.IsWorkingDay(due) {
				t.Fatalf("%s Due(%v) = %v, not a working day", code, r, due)
			}
			if due.Before(plain) {
				t.Fatalf("%s Due(%v) = %v, before %v", code, r, due, plain)
			}
			for x := plain; x.Before(due); x = x.AddDays(1) {
				if c.IsWorkingDay(x) {
					t.Fatalf("%s Due(%v) = %v skips working day %v", code, r, due, x)
				}
			}
			n := DaysBetween(r, due)
			lo, hi = min(lo, n), max(hi, n)
			if !prev.IsZero() && due.Before(prev) {
				t.Fatalf("%s: Due(%v) = %v before Due of the day before, %v", code, r, due, prev)
			}
			prev = due
			if !ext.After(due) || !c.IsWorkingDay(ext) || ext != c.NextWorkingDay(r.AddMonths(3)) {
				t.Fatalf("%s ExtendedDue(%v) = %v (due %v)", code, r, ext, due)
			}
			if n := DaysBetween(r, ext); n < 89 || n > 92+7 {
				t.Fatalf("%s ExtendedDue(%v) = %v is %d days", code, r, ext, n)
			}
		}
		// The plain date is 28 to 31 days after receipt. Belgium adds at most
		// 3 (Saturday, Sunday, Easter or Whit Monday): 28..34. Elsewhere runs
		// of five days off occur (Maundy Thursday to Easter Monday in DK, NO,
		// IS; Good Friday to a Tuesday 1 May in BG, CY, RO; to Koningsdag in
		// NL in 2038): at most 36.
		if lo != 28 || hi > 36 || (code == "BE" && hi != 34) {
			t.Errorf("%s: DaysBetween(received, due) in [%d, %d]", code, lo, hi)
		}
		t.Logf("%s: DaysBetween(received, due) in [%d, %d]", code, lo, hi)
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	c := newCalendar("BE", be.Holidays) // fresh, empty cache
	want := mustFor(t, "BE")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := d("2020-01-01").AddDays(g); r.Year < 2031; r = r.AddDays(3) {
				if got, w := c.Due(r), want.Due(r); got != w {
					errs <- fmt.Errorf("Due(%v) = %v, want %v", r, got, w)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDueDoesNotAllocate(t *testing.T) {
	c := mustFor(t, "BE")
	r := d("2026-03-05")
	c.Due(r) // fill the cache
	if n := testing.AllocsPerRun(1000, func() { c.Due(r) }); n != 0 {
		t.Errorf("Due allocates %v times", n)
	}
}

func TestInternalTarget(t *testing.T) {
	tests := []struct {
		received string
		days     int
		want     string
	}{
		{"2026-01-31", 20, "2026-02-20"},
		{"2026-01-31", 0, "2026-02-20"},  // default
		{"2026-01-31", -5, "2026-02-20"}, // default
		{"2026-10-22", 20, "2026-11-11"}, // a holiday, kept: internal target
		{"2026-02-01", 20, "2026-02-21"}, // a Saturday, kept
		{"2026-12-20", 15, "2027-01-04"},
	}
	for _, tt := range tests {
		if got := InternalTarget(d(tt.received), tt.days); got != d(tt.want) {
			t.Errorf("InternalTarget(%s, %d) = %v, want %s", tt.received, tt.days, got, tt.want)
		}
	}
}

func TestSubstituteAcrossYearEnd(t *testing.T) {
	eve := &cal.Holiday{Name: "Eve", Month: time.December, Day: 31, Func: cal.CalcDayOfMonth,
		Observed: []cal.AltDay{{Day: time.Sunday, Offset: 1}}}
	c := newCalendar("LV", []*cal.Holiday{eve})
	// 31 December 2023 is a Sunday: its substitute is 1 January 2024.
	if ok, name := c.IsHoliday(d("2024-01-01")); !ok || name != "Eve (substitute day)" {
		t.Errorf("IsHoliday(2024-01-01) = %v %q", ok, name)
	}
	if got := c.Holidays(2024); len(got) != 2 || got[0].Date != d("2024-01-01") || got[1].Date != d("2024-12-31") {
		t.Errorf("Holidays(2024) = %v", got)
	}
}
