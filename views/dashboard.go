package views

import (
	"fmt"
	"net/url"
	"strconv"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/models"
)

// Periods are the dashboard's choices of period, in days, for the answers in the headline. They
// are read live from the cases answered in them (an index-only scan); a year of answers is ~450,000
// rows at a million cases, too slow for the page, and the year is in the monthly series anyway.
var Periods = []int{30, 90}

// DashboardQuery is the dashboard's filter as it travels in the URL.
type DashboardQuery struct {
	Period     string // days: one of Periods
	Controller string // a controller id
	Site       string // a site id
	Kind       string
}

// Values encodes the query, leaving out empty parameters.
func (q DashboardQuery) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"period": q.Period, "controller": q.Controller, "site": q.Site, "kind": q.Kind} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func (q DashboardQuery) url(path string) string {
	if v := q.Values(); len(v) > 0 {
		return path + "?" + v.Encode()
	}
	return path
}

// URL is the dashboard with this filter.
func (q DashboardQuery) URL() string { return q.url("/manager/dashboard") }

// CSVURL is the dashboard's figures as CSV.
func (q DashboardQuery) CSVURL() string { return q.url("/manager/dashboard.csv") }

// CasesCSVURL is the per-case export of the cases behind the figures.
func (q DashboardQuery) CasesCSVURL() string { return q.url("/manager/cases.csv") }

// DashboardView is the managers' dashboard.
type DashboardView struct {
	Query   DashboardQuery
	Filter  models.StatsFilter // as applied: the scope, today, the period's first day
	Figures models.Dashboard
	// The caller's controllers with their sites (for the filters, the site names and the
	// transparency switches), and the people cases are assigned to (for the workload's names).
	Controllers []models.Controller
	Staff       []models.User
	Errors      map[string]string // a filter value that was refused, by parameter: shown beside it
}

// PeriodDays is the period in days.
func (v DashboardView) PeriodDays() int {
	return deadline.DaysBetween(v.Filter.Since, v.Filter.Today) + 1
}

// SiteName names a site of the caller's controllers.
func (v DashboardView) SiteName(id int64) string {
	for _, c := range v.Controllers {
		for _, s := range c.Sites {
			if s.ID == id {
				return s.Name
			}
		}
	}
	return fmt.Sprintf("Site %d", id)
}

// StaffName names the person of a workload row; 0 is nobody.
func (v DashboardView) StaffName(id int64) string {
	if id == 0 {
		return "Unassigned"
	}
	for _, u := range v.Staff {
		if u.ID == id {
			return u.Name
		}
	}
	return fmt.Sprintf("User %d", id)
}

// queue is the queue filtered to the dashboard's controller, site and kind.
func (v DashboardView) queue() QueueQuery {
	q := QueueQuery{Kind: string(v.Filter.Kind)}
	switch {
	case v.Filter.SiteID != 0:
		q.Site = strconv.FormatInt(v.Filter.SiteID, 10)
	case v.Filter.ControllerID != 0:
		q.Site = "c" + strconv.FormatInt(v.Filter.ControllerID, 10)
	}
	return q
}

// Every number of the dashboard links to the queue filtered to the cases it counts.

// OpenURL lists the active cases (band: "", deadline.BandDueSoon or deadline.BandOverdue).
func (v DashboardView) OpenURL(band deadline.Band) string {
	q := v.queue()
	q.Band = string(band)
	return q.URL("")
}

// AnsweredURL lists the cases answered in the period; timely is "", "on_time" or "late"; status
// narrows to refusals; extended to extended cases.
func (v DashboardView) AnsweredURL(timely string, status dsr.Status, extended bool) string {
	q := v.queue()
	q.Status, q.AnsweredFrom, q.AnsweredTo, q.Timely = "answered", v.Filter.Since.String(), v.Filter.Today.String(), timely
	if status != "" {
		q.Status = string(status)
	}
	if extended {
		q.Extended = "yes"
	}
	return q.URL("")
}

// The columns of a Tally, for MonthURL, KindURL and SiteURL.
const (
	ColReceived  = "received"
	ColOnTime    = "on_time"
	ColLate      = "late"
	ColOpen      = "open"
	ColWithdrawn = "withdrawn"
)

// column narrows q to the cases of one column of a Tally.
func column(q QueueQuery, col string) QueueQuery {
	switch col {
	case ColReceived:
		q.Status = "requests"
	case ColOnTime, ColLate:
		q.Status, q.Timely = "answered", col
	case ColOpen:
		q.Status = ""
	case ColWithdrawn:
		q.Status = string(dsr.StatusWithdrawn)
	}
	return q
}

// MonthURL lists the cases received in the month of t counted in column col.
func (v DashboardView) MonthURL(t models.Tally, col string) string {
	q := column(v.queue(), col)
	q.From, q.To = t.Month.String(), t.Month.AddMonths(1).AddDays(-1).String()
	return q.URL("")
}

// seriesRange limits q to the series' months.
func (v DashboardView) seriesRange(q QueueQuery) QueueQuery {
	q.From, q.To = v.Filter.FirstMonth().String(), v.Filter.Today.String()
	return q
}

// KindURL lists the cases of a kind, received in the series' months, counted in column col.
func (v DashboardView) KindURL(t models.Tally, col string) string {
	q := v.seriesRange(column(v.queue(), col))
	q.Kind = string(t.Kind)
	return q.URL("")
}

// SiteURL lists the cases of a site, received in the series' months, counted in column col.
func (v DashboardView) SiteURL(t models.Tally, col string) string {
	q := v.seriesRange(column(v.queue(), col))
	q.Site = strconv.FormatInt(t.SiteID, 10)
	return q.URL("")
}

// WorkloadURL lists a person's cases (0: the unassigned ones): col is ColOpen with a band, or
// "answered" for this month's answers.
func (v DashboardView) WorkloadURL(w models.Workload, col string, band deadline.Band) string {
	q := v.queue()
	q.Assignee = "unassigned"
	if w.AssigneeID != 0 {
		q.Assignee = strconv.FormatInt(w.AssigneeID, 10)
	}
	if col == "answered" {
		q.Status, q.AnsweredFrom, q.AnsweredTo = "answered", models.MonthOf(v.Filter.Today).String(), v.Filter.Today.String()
	} else {
		q.Band = string(band)
	}
	return q.URL("")
}

// Days formats a number of days from a histogram: "12", "12.5", or "–" when there is none.
func Days(v float64, ok bool) string {
	if !ok {
		return "–"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Percent formats a share: "93.5 %".
func Percent(p float64) string { return strconv.FormatFloat(p, 'f', 1, 64) + " %" }
