package views

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		max  int64
		want []int64
	}{
		{-3, []int64{0}},
		{0, []int64{0}},
		{1, []int64{0, 1}},
		{3, []int64{0, 1, 2, 3}},
		{4, []int64{0, 1, 2, 3, 4}},
		{5, []int64{0, 2, 4, 6}},
		{7, []int64{0, 2, 4, 6, 8}},
		{8, []int64{0, 2, 4, 6, 8}},
		{9, []int64{0, 5, 10}},
		{10, []int64{0, 5, 10}},
		{11, []int64{0, 5, 10, 15}},
		{100, []int64{0, 50, 100}},
		{101, []int64{0, 50, 100, 150}},
		{1234, []int64{0, 500, 1000, 1500}},
		{45000, []int64{0, 20000, 40000, 60000}},
	} {
		got := NiceTicks(tc.max)
		if !slices.Equal(got, tc.want) {
			t.Errorf("NiceTicks(%d) = %v, want %v", tc.max, got, tc.want)
		}
		if n := len(got); tc.max > 0 && (n < 2 || n > 5 || got[n-1] < tc.max) {
			t.Errorf("NiceTicks(%d) = %v: wrong count or does not reach the max", tc.max, got)
		}
	}
}

// sane fails on a NaN, infinite or negative size, or a coordinate outside the drawing.
func sane(t *testing.T, c BarChart, what string, vs ...float64) {
	t.Helper()
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > max(c.Width, c.Height) {
			t.Errorf("%s: bad value %v", what, v)
		}
	}
}

func TestBarChartWithoutData(t *testing.T) {
	for _, c := range []BarChart{
		NewBarChart([]string{"a", "b"}, []string{"Jan 26", "Feb 26"}, [][]int64{{0, 0}, {0, 0}}),
		NewBarChart([]string{"a"}, nil, nil),
		NewBarChart(nil, []string{"Jan 26"}, nil),
	} {
		if len(c.Bars()) != 0 {
			t.Errorf("bars without data: %+v", c.Bars())
		}
		ticks := c.Ticks()
		if len(ticks) != 1 || ticks[0].Value != 0 {
			t.Errorf("ticks without data: %+v", ticks)
		}
		for _, tk := range ticks {
			sane(t, c, "tick", tk.Y)
		}
		for _, l := range c.Labels() {
			sane(t, c, "label", l.X, l.Y)
		}
		if strings.Contains(c.ViewBox(), "NaN") {
			t.Errorf("viewBox %q", c.ViewBox())
		}
	}
}

func TestBarHeightsAreProportional(t *testing.T) {
	c := NewBarChart([]string{"on time", "late"}, []string{"Jan", "Feb", "Mar"},
		[][]int64{{6, 2}, {3, 0}, {0, 0}})
	if c.Max() != 8 || c.Scale() != 8 {
		t.Fatalf("max %d, scale %d", c.Max(), c.Scale())
	}
	bars := c.Bars()
	if len(bars) != 3 { // zeros draw nothing
		t.Fatalf("bars: %+v", bars)
	}
	plot := c.Baseline() - c.Top
	for _, b := range bars {
		sane(t, c, "bar", b.X, b.Y, b.W, b.H)
		if want := float64(b.Value) / 8 * plot; math.Abs(b.H-want) > 1e-9 {
			t.Errorf("bar %+v: height %v, want %v", b, b.H, want)
		}
	}
	// Stacked: the second series sits on the first, the stack's top is the total.
	if math.Abs(bars[0].Y-(bars[1].Y+bars[1].H)) > 1e-9 {
		t.Errorf("late is not on top of on time: %+v %+v", bars[0], bars[1])
	}
	if math.Abs(bars[1].Y-c.Top) > 1e-9 {
		t.Errorf("the highest stack does not reach the top: %v", bars[1].Y)
	}
	if math.Abs(bars[0].Y+bars[0].H-c.Baseline()) > 1e-9 {
		t.Errorf("the first series does not start at the baseline")
	}
	// Bars of different categories do not overlap and stay in the plot.
	if bars[2].X < bars[0].X+bars[0].W || bars[2].X+bars[2].W > c.PlotRight() {
		t.Errorf("bars overlap or leave the plot: %+v", bars)
	}
	ticks := c.Ticks()
	if ticks[0].Y != c.Baseline() || ticks[len(ticks)-1].Y != c.Top {
		t.Errorf("ticks: %+v", ticks)
	}
	if labels := c.Labels(); len(labels) != 3 || labels[1].Text != "Feb" || labels[0].X >= labels[1].X {
		t.Errorf("labels: %+v", labels)
	}
}

func TestBarChartIgnoresNegativeAndRaggedValues(t *testing.T) {
	c := NewBarChart([]string{"a", "b"}, []string{"x", "y"}, [][]int64{{-5, 3}, {2}})
	if c.Total(0) != 3 || c.Total(1) != 2 {
		t.Errorf("totals %d %d", c.Total(0), c.Total(1))
	}
	for _, b := range c.Bars() {
		sane(t, c, "bar", b.X, b.Y, b.W, b.H)
	}
}

func TestCoord(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 12.345: "12.35", 100: "100", 1.0 / 3: "0.33", math.NaN(): "0"} {
		if got := coord(in); got != want {
			t.Errorf("coord(%v) = %q, want %q", in, got, want)
		}
	}
}
