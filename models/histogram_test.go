package models_test

import (
	"testing"

	"rightsdesk/models"
)

func TestHistogramPercentiles(t *testing.T) {
	h := func(days ...int) models.Histogram {
		var x models.Histogram
		for _, d := range days {
			x.Add(d, 1)
		}
		return x
	}
	for _, c := range []struct {
		name string
		h    models.Histogram
		p    float64
		want float64
	}{
		{"median of an even count: between the middle two", h(2, 4, 6, 8), 50, 5},
		{"median of an odd count", h(9, 2, 5), 50, 5},
		{"p90 interpolates: 33 + 0.7 × (80 − 33)", h(8, 32, 33, 80), 90, 65.9},
		{"p0 is the least", h(3, 1, 2), 0, 1},
		{"p100 is the most", h(3, 1, 2), 100, 3},
		{"one case", h(12), 90, 12},
		{"repeated values", h(1, 1, 1, 10), 50, 1},
		{"out of range is clamped", h(1, 2), 150, 2},
	} {
		got, ok := c.h.Percentile(c.p)
		if !ok || got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("%s: %v (%v), want %v", c.name, got, ok, c.want)
		}
	}
	var empty models.Histogram
	if _, ok := empty.Median(); ok {
		t.Error("an empty histogram has a median")
	}
	var big models.Histogram
	big.Add(3, 1_000_000)
	big.Add(40, 1)
	if m, _ := big.Median(); m != 3 || big.N() != 1_000_001 {
		t.Errorf("median of a million 3s and one 40: %v", m)
	}
	big.Add(5, 0) // adding nothing adds no value
	if len(big) != 2 {
		t.Errorf("Add(_, 0) added a value: %v", big)
	}
}
