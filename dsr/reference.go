package dsr

import (
	"fmt"
	"regexp"
	"strconv"
)

// A reference is what a person reads aloud on the phone: DSR-2026-000123. The number counts the
// requests of that year; it has at least six digits and grows a seventh past 999999.
var referencePattern = regexp.MustCompile(`^DSR-(\d{4})-(\d{6,9})$`)

// FormatReference builds the reference of the n-th request of year.
func FormatReference(year int, n int64) string {
	return fmt.Sprintf("DSR-%04d-%06d", year, n)
}

// ParseReference splits a reference into its year and number; ok is false when s is not one.
func ParseReference(s string) (year int, n int64, ok bool) {
	m := referencePattern.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	n, _ = strconv.ParseInt(m[2], 10, 64)
	if n == 0 {
		return 0, 0, false
	}
	return year, n, true
}
