package deadline

import (
	"database/sql"
	"database/sql/driver"
	"encoding"
	"encoding/json"
	"testing"
	"time"
)

var (
	_ sql.Scanner              = (*Date)(nil)
	_ driver.Valuer            = Date{}
	_ encoding.TextMarshaler   = Date{}
	_ encoding.TextUnmarshaler = (*Date)(nil)
)

// d parses a YYYY-MM-DD literal in tests.
func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestDayNumbersMatchPackageTime(t *testing.T) {
	// Every day from 1600 to 2400: day number, weekday and round trip agree with package time.
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	for tm := start; tm.Year() < 2401; tm = tm.AddDate(0, 0, 1) {
		want := Date{tm.Year(), tm.Month(), tm.Day()}
		n := int(tm.Unix() / 86400)
		if got := want.days(); got != n {
			t.Fatalf("%v.days() = %d, want %d", want, got, n)
		}
		if got := fromDays(n); got != want {
			t.Fatalf("fromDays(%d) = %v, want %v", n, got, want)
		}
		if got := want.Weekday(); got != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", want, got, tm.Weekday())
		}
	}
}

func TestNewDateNormalisesLikeTimeDate(t *testing.T) {
	for _, y := range []int{1999, 2000, 2024, 2026} {
		for m := -14; m <= 27; m++ {
			for day := -40; day <= 70; day++ {
				ty, tm, td := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC).Date()
				if got, want := NewDate(y, time.Month(m), day), (Date{ty, tm, td}); got != want {
					t.Fatalf("NewDate(%d, %d, %d) = %v, want %v", y, m, day, got, want)
				}
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-01-31": {2026, time.January, 31},
		"2024-02-29": {2024, time.February, 29},
		"2000-02-29": {2000, time.February, 29},
		"9999-12-31": {9999, time.December, 31},
		"0001-01-01": {1, time.January, 1},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("ParseDate(%q).String() = %q", s, got.String())
		}
	}
	bad := []string{
		"", "2026-02-30", "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
		"2026-1-01", "2026-01-1", " 2026-01-01", "2026-01-01 ", "2026-01-01x", "2026-01-01T00:00:00Z",
		"2026/01/01", "+026-01-01", "-026-01-01", "2026-01-0a", "2026-+1-01", "20260101", "26-01-01",
		"２０２６-01-01", "2026-01-32",
	}
	for _, s := range bad {
		if got, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", s, got)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		d    Date
		want string
	}{
		{Date{}, ""},
		{Date{2026, time.March, 5}, "2026-03-05"},
		{Date{2026, time.February, 30}, "2026-03-02"}, // normalised
		{Date{987, time.December, 1}, "0987-12-01"},
		{Date{12026, time.January, 1}, "12026-01-01"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2028-01-29", 1, "2028-02-29"},
		{"2026-01-28", 1, "2026-02-28"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-03-30", 1, "2026-04-30"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-10-31", 3, "2027-01-31"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2026-01-31", -1, "2025-12-31"},
		{"2026-03-31", -1, "2026-02-28"},
		{"2026-05-31", 12, "2027-05-31"},
		{"2028-02-29", 12, "2029-02-28"},
		{"2026-05-31", -13, "2025-04-30"},
		{"2026-05-31", 0, "2026-05-31"},
	}
	for _, tt := range tests {
		if got := d(tt.from).AddMonths(tt.n); got != d(tt.want) {
			t.Errorf("%s.AddMonths(%d) = %v, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestAddMonthsProperty(t *testing.T) {
	for r := d("2020-01-01"); r.Before(d("2041-01-01")); r = r.AddDays(1) {
		for _, n := range []int{-1, 1, 2, 3, 12} {
			got := r.AddMonths(n)
			wantY, wantM := r.Year, int(r.Month)+n
			for wantM > 12 {
				wantY, wantM = wantY+1, wantM-12
			}
			for wantM < 1 {
				wantY, wantM = wantY-1, wantM+12
			}
			last := time.Date(wantY, time.Month(wantM)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			if got.Year != wantY || int(got.Month) != wantM || got.Day != min(r.Day, last) {
				t.Fatalf("%v.AddMonths(%d) = %v, want %d-%02d-%02d", r, n, got, wantY, wantM, min(r.Day, last))
			}
		}
	}
}

func TestCompare(t *testing.T) {
	a, b := d("2026-01-31"), d("2026-02-01")
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare")
	}
	if !a.Before(b) || a.After(b) || !b.After(a) || b.Before(a) || a.Before(a) || a.After(a) {
		t.Error("Before/After")
	}
	if (Date{2026, time.January, 32}).Compare(b) != 0 {
		t.Error("Compare must normalise")
	}
	if got := d("2026-02-28").AddDays(1); got != d("2026-03-01") {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := d("2026-03-01").AddDays(-366); got != d("2025-02-28") {
		t.Errorf("AddDays(-366) = %v", got)
	}
}

func TestDaysBetweenAcrossDST(t *testing.T) {
	loc := DefaultLocation
	tests := []struct {
		from, to string
		days     int
		hours    float64 // wall-clock hours between the two midnights in Brussels
	}{
		{"2026-03-28", "2026-03-29", 1, 24},
		{"2026-03-29", "2026-03-30", 1, 23}, // spring forward
		{"2026-10-25", "2026-10-26", 1, 25}, // fall back
		{"2026-03-01", "2026-04-01", 31, 31*24 - 1},
		{"2026-10-01", "2026-11-01", 31, 31*24 + 1},
		{"2026-04-01", "2026-03-01", -31, -(31*24 - 1)},
		{"2020-01-01", "2041-01-01", 7671, 7671 * 24},
	}
	for _, tt := range tests {
		from, to := d(tt.from), d(tt.to)
		if got := DaysBetween(from, to); got != tt.days {
			t.Errorf("DaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.days)
		}
		if h := to.Time(loc).Sub(from.Time(loc)).Hours(); h != tt.hours {
			t.Errorf("%s→%s is %v h in Brussels, want %v", tt.from, tt.to, h, tt.hours)
		}
	}
}

func TestTime(t *testing.T) {
	got := d("2026-03-29").Time(DefaultLocation)
	if want := time.Date(2026, 3, 29, 0, 0, 0, 0, DefaultLocation); !got.Equal(want) || got.Location() != DefaultLocation {
		t.Errorf("Time = %v, want %v", got, want)
	}
	if got := d("2026-03-29").Time(nil); !got.Equal(time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time(nil) = %v", got)
	}
}

func TestScanValue(t *testing.T) {
	plusOne := time.FixedZone("+01", 3600)
	tests := []struct {
		src  any
		want Date
	}{
		{nil, Date{}},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), d("2026-01-02")},
		// Its own date, not converted: 00:30 on the 2nd at +01:00 is the 1st in UTC.
		{time.Date(2026, 1, 2, 0, 30, 0, 0, plusOne), d("2026-01-02")},
		{"2026-01-02", d("2026-01-02")},
		{[]byte("2026-01-02"), d("2026-01-02")},
		{"2026-01-02 00:00:00+00:00", d("2026-01-02")},
		{[]byte("2026-01-02 00:00:00+00:00"), d("2026-01-02")},
		{"2026-01-02T00:00:00Z", d("2026-01-02")},
		{[]byte("2026-01-02T00:00:00Z"), d("2026-01-02")},
	}
	for _, tt := range tests {
		got := Date{2000, 1, 1} // Scan must overwrite
		if err := got.Scan(tt.src); err != nil || got != tt.want {
			t.Errorf("Scan(%#v) = %v, %v; want %v", tt.src, got, err, tt.want)
		}
		// Round trip through Value.
		v, err := got.Value()
		if err != nil {
			t.Fatal(err)
		}
		if got.IsZero() != (v == nil) {
			t.Errorf("Value of %v = %#v", got, v)
		}
		var back Date
		if err := back.Scan(v); err != nil || back != got {
			t.Errorf("Scan(Value(%v)) = %v, %v", got, back, err)
		}
	}
	if v, _ := d("2026-01-02").Value(); v != "2026-01-02" {
		t.Errorf("Value = %#v, want the string 2026-01-02", v)
	}
	for _, src := range []any{"", "2026-02-30", "2026-01-02x", "2026-01-02X00:00", "02/01/2026", []byte("nope"), int64(20260102), 3.5, true} {
		var got Date
		if err := got.Scan(src); err == nil {
			t.Errorf("Scan(%#v) = %v, want an error", src, got)
		}
	}
}

func TestText(t *testing.T) {
	type doc struct {
		Due  Date `json:"due"`
		Zero Date `json:"zero"`
	}
	b, err := json.Marshal(doc{Due: d("2026-03-02")})
	if err != nil || string(b) != `{"due":"2026-03-02","zero":""}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var back doc
	if err := json.Unmarshal(b, &back); err != nil || back.Due != d("2026-03-02") || !back.Zero.IsZero() {
		t.Fatalf("json.Unmarshal = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-02-30"}`), &back); err == nil {
		t.Error("UnmarshalText accepted 2026-02-30")
	}
	if err := json.Unmarshal([]byte(`{"due":"2026-03-02T00:00:00Z"}`), &back); err == nil {
		t.Error("UnmarshalText accepted a time part")
	}
}
