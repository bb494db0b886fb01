package models

import (
	"math"
	"sort"
)

// Histogram counts whole numbers of days: the exact distribution of answer times, small however
// many cases it sums, so medians and percentiles come out exact from the rollups.
type Histogram map[int]int64

// Add counts n cases that took days.
func (h *Histogram) Add(days int, n int64) {
	if n == 0 {
		return
	}
	if *h == nil {
		*h = Histogram{}
	}
	(*h)[days] += n
}

// N is the number of cases counted.
func (h Histogram) N() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Percentile returns the p-th percentile (0 ≤ p ≤ 100) with linear interpolation between the
// closest ranks — PostgreSQL's percentile_cont, a spreadsheet's PERCENTILE.INC — so the median of
// 2, 4, 6 and 8 days is 5. ok is false when the histogram is empty.
func (h Histogram) Percentile(p float64) (v float64, ok bool) {
	n := h.N()
	if n == 0 || math.IsNaN(p) {
		return 0, false
	}
	p = min(max(p, 0), 100)
	days := make([]int, 0, len(h))
	for d, c := range h {
		if c > 0 {
			days = append(days, d)
		}
	}
	sort.Ints(days)
	rank := p / 100 * float64(n-1) // 0-based position in the sorted list of cases
	lo := int64(math.Floor(rank))
	frac := rank - float64(lo)
	at := func(i int64) int { // the value of the i-th case in order
		for _, d := range days {
			if i < h[d] {
				return d
			}
			i -= h[d]
		}
		return days[len(days)-1]
	}
	a := float64(at(lo))
	if frac == 0 {
		return a, true
	}
	return a + frac*(float64(at(lo+1))-a), true
}

// Median is the 50th percentile.
func (h Histogram) Median() (float64, bool) { return h.Percentile(50) }
