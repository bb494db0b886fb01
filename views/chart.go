package views

import (
	"math"
	"strconv"
)

// BarChart is the geometry of a stacked bar chart drawn as SVG on the server: one bar per
// category, the series stacked from the bottom in their order, a y axis with round ticks. It
// holds numbers only; the templ component draws them (no script, no inline style).
type BarChart struct {
	Series     []string  // the series' names, bottom of the stack first
	Categories []string  // the labels along the x axis
	Values     [][]int64 // Values[category][series]; negative values count as 0

	// The drawing's size in SVG units and its margins: the plot is what is left inside.
	Width, Height            float64
	Left, Right, Top, Bottom float64
}

// Chart sizes: wide enough for twelve month labels, scaled down by the stylesheet.
const (
	chartWidth  = 640
	chartHeight = 260
)

// NewBarChart lays out values (one row per category, one column per series) on the default size.
func NewBarChart(series, categories []string, values [][]int64) BarChart {
	return BarChart{
		Series: series, Categories: categories, Values: values,
		Width: chartWidth, Height: chartHeight, Left: 48, Right: 8, Top: 12, Bottom: 28,
	}
}

// value is one cell, 0 when missing or negative.
func (c BarChart) value(cat, s int) int64 {
	if cat >= len(c.Values) || s >= len(c.Values[cat]) || c.Values[cat][s] < 0 {
		return 0
	}
	return c.Values[cat][s]
}

// Total is a category's stack: the sum of its series.
func (c BarChart) Total(cat int) int64 {
	var t int64
	for s := range c.Series {
		t += c.value(cat, s)
	}
	return t
}

// Max is the highest stack.
func (c BarChart) Max() int64 {
	var m int64
	for cat := range c.Categories {
		m = max(m, c.Total(cat))
	}
	return m
}

// NiceTicks returns round values from 0 to at least m, 1, 2 or 5 times a power of ten apart,
// with at most four steps: 0 → [0]; 7 → [0 2 4 6 8]; 1234 → [0 500 1000 1500].
func NiceTicks(m int64) []int64 {
	if m <= 0 {
		return []int64{0}
	}
	step := int64(1)
	for p := int64(1); ; p *= 10 {
		found := false
		for _, f := range []int64{1, 2, 5} {
			if s := f * p; (m+s-1)/s <= 4 {
				step, found = s, true
				break
			}
		}
		if found {
			break
		}
	}
	n := (m + step - 1) / step
	ticks := make([]int64, 0, n+1)
	for i := int64(0); i <= n; i++ {
		ticks = append(ticks, i*step)
	}
	return ticks
}

// Scale is the value at the top of the y axis: the last tick (0 when there is no data).
func (c BarChart) Scale() int64 {
	t := NiceTicks(c.Max())
	return t[len(t)-1]
}

// plot is the inner area's size, never negative.
func (c BarChart) plotWidth() float64  { return max(0, c.Width-c.Left-c.Right) }
func (c BarChart) plotHeight() float64 { return max(0, c.Height-c.Top-c.Bottom) }

// Baseline is the y of the x axis.
func (c BarChart) Baseline() float64 { return c.Top + c.plotHeight() }

// PlotRight is the x where the plot ends.
func (c BarChart) PlotRight() float64 { return c.Left + c.plotWidth() }

// y is where value v sits on the y axis.
func (c BarChart) y(v int64) float64 {
	scale := c.Scale()
	if scale == 0 {
		return c.Baseline()
	}
	return c.Baseline() - float64(v)/float64(scale)*c.plotHeight()
}

// Tick is a gridline of the y axis.
type Tick struct {
	Value int64
	Y     float64
	Label string
}

// Ticks are the y axis' gridlines, from 0 up.
func (c BarChart) Ticks() []Tick {
	ticks := NiceTicks(c.Max())
	out := make([]Tick, len(ticks))
	for i, v := range ticks {
		out[i] = Tick{Value: v, Y: c.y(v), Label: strconv.FormatInt(v, 10)}
	}
	return out
}

// slot is the width given to each category.
func (c BarChart) slot() float64 {
	if len(c.Categories) == 0 {
		return 0
	}
	return c.plotWidth() / float64(len(c.Categories))
}

// Bar is one series' part of one category's stack.
type Bar struct {
	Category, Series int
	Value            int64
	X, Y, W, H       float64
}

// Bars are the rectangles of every non-zero value, stacked from the baseline up in series order.
func (c BarChart) Bars() []Bar {
	var out []Bar
	slot := c.slot()
	w := slot * 0.7
	for cat := range c.Categories {
		x := c.Left + float64(cat)*slot + (slot-w)/2
		var below int64
		for s := range c.Series {
			v := c.value(cat, s)
			if v == 0 {
				continue
			}
			top, bottom := c.y(below+v), c.y(below)
			out = append(out, Bar{Category: cat, Series: s, Value: v, X: x, Y: top, W: w, H: max(0, bottom-top)})
			below += v
		}
	}
	return out
}

// Label is a category's label under its bar.
type Label struct {
	X, Y float64
	Text string
}

// Labels are the x axis' labels, centred under each bar.
func (c BarChart) Labels() []Label {
	out := make([]Label, len(c.Categories))
	slot := c.slot()
	for i, t := range c.Categories {
		out[i] = Label{X: c.Left + (float64(i)+0.5)*slot, Y: c.Baseline() + 18, Text: t}
	}
	return out
}

// ViewBox is the SVG's viewBox attribute.
func (c BarChart) ViewBox() string { return "0 0 " + coord(c.Width) + " " + coord(c.Height) }

// coord writes an SVG coordinate: at most two decimals, no exponent.
func coord(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
}
