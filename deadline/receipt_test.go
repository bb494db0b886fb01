package deadline

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultLocation(t *testing.T) {
	if DefaultLocation == nil || DefaultLocation.String() != "Europe/Brussels" {
		t.Fatalf("DefaultLocation = %v", DefaultLocation)
	}
}

func TestReceiptDate(t *testing.T) {
	tests := []struct{ instant, want string }{
		// The time-zone edge of LEGAL.md.
		{"2026-01-31T23:30:00Z", "2026-02-01"},
		{"2026-01-31T22:59:59Z", "2026-01-31"},
		{"2026-01-31T23:00:00Z", "2026-02-01"},
		{"2026-07-31T21:59:59Z", "2026-07-31"},
		{"2026-07-31T22:00:00Z", "2026-08-01"},
		// 29 March 2026: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
		{"2026-03-28T22:59:59Z", "2026-03-28"},
		{"2026-03-28T23:00:00Z", "2026-03-29"}, // 00:00 CET
		{"2026-03-29T00:59:59Z", "2026-03-29"}, // 01:59:59 CET
		{"2026-03-29T01:00:00Z", "2026-03-29"}, // 03:00 CEST
		{"2026-03-29T02:30:00+02:00", "2026-03-29"},
		{"2026-03-29T21:59:59Z", "2026-03-29"}, // 23:59:59 CEST
		{"2026-03-29T22:00:00Z", "2026-03-30"},
		// 25 October 2026: 03:00 CEST falls back to 02:00 CET (01:00 UTC).
		{"2026-10-24T21:59:59Z", "2026-10-24"},
		{"2026-10-24T22:00:00Z", "2026-10-25"}, // 00:00 CEST
		{"2026-10-25T00:30:00Z", "2026-10-25"}, // 02:30 CEST
		{"2026-10-25T01:30:00Z", "2026-10-25"}, // 02:30 CET, the second time
		{"2026-10-25T02:30:00+01:00", "2026-10-25"},
		{"2026-10-25T22:59:59Z", "2026-10-25"}, // 23:59:59 CET
		{"2026-10-25T23:00:00Z", "2026-10-26"},
		{"2026-02-01T00:30:00+01:00", "2026-02-01"},
		{"2026-01-31T18:30:00-05:00", "2026-02-01"}, // New York evening, Brussels night
	}
	for _, tt := range tests {
		in, err := time.Parse(time.RFC3339, tt.instant)
		if err != nil {
			t.Fatal(err)
		}
		if got := ReceiptDate(in, DefaultLocation); got != d(tt.want) {
			t.Errorf("ReceiptDate(%s) = %v, want %s", tt.instant, got, tt.want)
		}
		if got := ReceiptDate(in, nil); got != d(tt.want) {
			t.Errorf("ReceiptDate(%s, nil) = %v, want %s", tt.instant, got, tt.want)
		}
		if got, err := ParseReceived(tt.instant, DefaultLocation); err != nil || got != d(tt.want) {
			t.Errorf("ParseReceived(%s) = %v, %v; want %s", tt.instant, got, err, tt.want)
		}
		if got := Today(in, DefaultLocation); got != d(tt.want) {
			t.Errorf("Today(%s) = %v, want %s", tt.instant, got, tt.want)
		}
	}
	in, _ := time.Parse(time.RFC3339, "2026-01-31T23:30:00Z")
	if got := ReceiptDate(in, time.UTC); got != d("2026-01-31") {
		t.Errorf("ReceiptDate in UTC = %v", got)
	}
	if got := mustFor(t, "BE").Due(ReceiptDate(in, DefaultLocation)); got != d("2026-03-02") {
		t.Errorf("Due = %v, want 2026-03-02 (1 March is a Sunday)", got)
	}
}

func TestParseReceived(t *testing.T) {
	good := map[string]string{
		"2026-01-31":                    "2026-01-31",
		"2026-01-31T23:30:00Z":          "2026-02-01",
		"2026-01-31T23:30:00.123456Z":   "2026-02-01",
		"2026-01-31T23:30:00+01:00":     "2026-01-31",
		"2026-02-01T00:00:00+01:00":     "2026-02-01",
		"2026-01-31T23:59:59.999+01:00": "2026-01-31",
	}
	for s, want := range good {
		if got, err := ParseReceived(s, DefaultLocation); err != nil || got != d(want) {
			t.Errorf("ParseReceived(%q) = %v, %v; want %s", s, got, err, want)
		}
	}
	// A date is taken as it is, whatever the zone.
	if got, _ := ParseReceived("2026-01-31", time.FixedZone("x", -12*3600)); got != d("2026-01-31") {
		t.Errorf("date shifted by zone: %v", got)
	}
	bad := []string{
		"", "today", "2026-02-30", "2026-1-31", "31/01/2026", "2026-01-31 ", " 2026-01-31",
		"2026-01-31T23:30:00", "2026-01-31 23:30:00Z", "2026-01-31T23:30Z", "2026-01-31T25:30:00Z",
		"1769902200", "0000-01-01T00:00:00+14:00", "9999-12-31T23:00:00-10:00",
	}
	for _, s := range bad {
		got, err := ParseReceived(s, DefaultLocation)
		if err == nil {
			t.Errorf("ParseReceived(%q) = %v, want an error", s, got)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "YYYY-MM-DD") && !strings.Contains(msg, "year out of range") {
			t.Errorf("ParseReceived(%q) error %q does not say what is expected", s, msg)
		}
	}
}

func FuzzParseReceived(f *testing.F) {
	for _, s := range []string{
		"2026-01-31", "2026-02-30", "2026-01-31T23:30:00Z", "2026-03-29T02:30:00+02:00",
		"2026-10-25T01:30:00.5-00:00", "0000-01-01T00:00:00+14:00", "9999-12-31T23:59:59-23:59",
		"", "x", "2026-01-31T23:30:00", "２０２６-01-31",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseReceived(s, DefaultLocation)
		if err != nil {
			return
		}
		back, err := ParseDate(got.String())
		if err != nil || back != got {
			t.Fatalf("ParseReceived(%q) = %v; re-parsed %v, %v", s, got, back, err)
		}
		if again, err := ParseReceived(got.String(), DefaultLocation); err != nil || again != got {
			t.Fatalf("ParseReceived(%q) = %v; again %v, %v", s, got, again, err)
		}
	})
}
