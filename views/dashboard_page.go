package views

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"rightsdesk/deadline"
	"rightsdesk/models"
)

// What the dashboard's page shows, in words and shapes: the helpers of dashboard.templ.

// MonthSeries are the monthly chart's series, bottom of each bar first: what became of the
// requests received in the month. A bar's height is the month's requests received.
var MonthSeries = []string{"Answered on time", "Answered late", "Still open", "Withdrawn"}

// MonthLabel is a month's short name on the chart and in the table: "Jan 26".
func MonthLabel(d deadline.Date) string { return d.Time(time.UTC).Format("Jan 06") }

// MonthsChart draws the monthly series as stacked bars, in the order of MonthSeries.
func (v DashboardView) MonthsChart() BarChart {
	ms := v.Figures.Months
	labels := make([]string, len(ms))
	values := make([][]int64, len(ms))
	for i, t := range ms {
		labels[i] = MonthLabel(t.Month)
		values[i] = []int64{t.OnTime, t.Late, t.Open, t.Withdrawn}
	}
	return NewBarChart(MonthSeries, labels, values)
}

// SumTallies adds up tallies: the series as a whole.
func SumTallies(ts []models.Tally) models.Tally {
	var s models.Tally
	for _, t := range ts {
		s.Add(t)
	}
	return s
}

// MonthsSummary says what the monthly chart shows, for its description.
func (v DashboardView) MonthsSummary() string {
	ms := v.Figures.Months
	if len(ms) == 0 {
		return "No months to show."
	}
	sum := SumTallies(ms)
	busiest := ms[0]
	for _, t := range ms {
		if t.Received > busiest.Received {
			busiest = t
		}
	}
	return fmt.Sprintf("Requests received per month from %s to %s: %d in all, the most in %s (%d). "+
		"Of them, %d answered on time, %d answered late, %d still open and %d withdrawn. "+
		"The table below gives every month's numbers.",
		MonthLabel(ms[0].Month), MonthLabel(ms[len(ms)-1].Month), sum.Received, MonthLabel(busiest.Month), busiest.Received,
		sum.OnTime, sum.Late, sum.Open, sum.Withdrawn)
}

// OnTimeText is a tally's share answered on time, or "–" when none was answered.
func OnTimeText(t models.Tally) string {
	if t.OnTime+t.Late == 0 {
		return "–"
	}
	return Percent(t.OnTimeShare())
}

// DaysText is a number of days with its unit: "12 days", "1 day", "–".
func DaysText(v float64, ok bool) string {
	s := Days(v, ok)
	switch {
	case !ok:
		return s
	case v == 1:
		return s + " day"
	}
	return s + " days"
}

// fieldAria links a field to its error, when it has one.
func fieldAria(field string, errs map[string]string) templ.Attributes {
	if errs[field] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-describedby": field + "-error", "aria-invalid": "true"}
}

// count writes a number for the page.
func count(n int64) string { return strconv.FormatInt(n, 10) }

// headline is a headline figure's link text: "Overdue now: 12".
func headline(label string, n int64) string { return label + ": " + count(n) }

// shareText is n as a share of of: "93.5 %", or "–" when of is 0.
func shareText(n, of int64) string {
	if of == 0 {
		return "–"
	}
	return Percent(100 * float64(n) / float64(of))
}

// answersText is "of 12 answers", "of 1 answer".
func answersText(n int64) string {
	if n == 1 {
		return "of 1 answer"
	}
	return "of " + count(n) + " answers"
}

// monthName is a month in full, for the tables: "January 2026".
func monthName(d deadline.Date) string { return d.Time(time.UTC).Format("January 2006") }

// chartFill is the fill of series s of chart id: its pattern (colour and texture).
func chartFill(id string, s int) string { return "url(#" + id + "-s" + strconv.Itoa(s%4) + ")" }

// transparencyPath is a controller's public disclosure page.
func transparencyPath(c models.Controller) string { return "/transparency/" + url.PathEscape(c.Slug) }
