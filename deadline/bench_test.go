package deadline

import (
	"testing"
	"time"
)

// receipts is every day from 2020 to 2040, so that the benchmarks see month
// ends, weekends and holidays in their real proportions.
var receipts = func() []Date {
	var rs []Date
	for r := NewDate(2020, time.January, 1); r.Year <= 2040; r = r.AddDays(1) {
		rs = append(rs, r)
	}
	return rs
}()

var sink Date

func BenchmarkDue(b *testing.B) {
	c, _ := For("BE")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sink = c.Due(receipts[i])
		if i++; i == len(receipts) {
			i = 0
		}
	}
}

// BenchmarkDue1M computes one million due dates per iteration.
func BenchmarkDue1M(b *testing.B) {
	c, _ := For("BE")
	b.ReportAllocs()
	for b.Loop() {
		for i := range 1_000_000 {
			sink = c.Due(receipts[i%len(receipts)])
		}
	}
}

func BenchmarkExtendedDue(b *testing.B) {
	c, _ := For("BE")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sink = c.ExtendedDue(receipts[i])
		if i++; i == len(receipts) {
			i = 0
		}
	}
}
