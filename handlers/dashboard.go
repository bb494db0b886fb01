package handlers

import (
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/models"
	"rightsdesk/views"
)

// dashboardInput reads the dashboard's filter from the URL, checks it against the caller's
// controllers, and returns the store's filter with the refused values' errors. A refused value is
// kept in the query shown back, beside its error, and not applied.
func (h *Handler) dashboardInput(c echo.Context) (views.DashboardView, cases.Actor, error) {
	a, _, err := h.actor(c)
	if err != nil {
		return views.DashboardView{}, a, err
	}
	ctx := c.Request().Context()
	controllers, err := h.store.ControllersIn(ctx, a.Controllers)
	if err != nil {
		return views.DashboardView{}, a, err
	}
	q := views.DashboardQuery{
		Period: c.QueryParam("period"), Controller: c.QueryParam("controller"),
		Site: c.QueryParam("site"), Kind: c.QueryParam("kind"),
	}
	today := deadline.Today(time.Now(), deadline.DefaultLocation) // as the queue's bands
	f, errs := dashboardFilter(q, a.Controllers, controllers, today)
	return views.DashboardView{Query: q, Filter: f, Controllers: controllers, Errors: errs}, a, nil
}

// dashboardFilter turns the URL's filter into the store's, always within scope.
func dashboardFilter(q views.DashboardQuery, scope []int64, controllers []models.Controller, today deadline.Date) (models.StatsFilter, map[string]string) {
	f := models.StatsFilter{Controllers: scope, Today: today, Months: 12}
	errs := map[string]string{}
	period := 30
	if q.Period != "" {
		if n, err := strconv.Atoi(q.Period); err == nil && slices.Contains(views.Periods, n) {
			period = n
		} else {
			errs["period"] = "Choose a period from the list: the last 30 or 90 days."
		}
	}
	f.Since = today.AddDays(1 - period)
	if q.Controller != "" {
		id, err := strconv.ParseInt(q.Controller, 10, 64)
		if err == nil && slices.Contains(scope, id) {
			f.ControllerID = id
		} else {
			errs["controller"] = "Choose one of your organisations."
		}
	}
	if q.Site != "" {
		id, err := strconv.ParseInt(q.Site, 10, 64)
		if ctrl, ok := siteController(controllers, id); err == nil && ok && (f.ControllerID == 0 || f.ControllerID == ctrl) {
			f.SiteID = id
		} else {
			errs["site"] = "Choose a site of the organisation chosen."
		}
	}
	if q.Kind != "" {
		if k, ok := dsr.ParseKind(q.Kind); ok {
			f.Kind = k
		} else {
			errs["kind"] = "Choose a right from the list."
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return f, errs
}

// siteController returns the controller of a site among controllers (the caller's).
func siteController(controllers []models.Controller, site int64) (int64, bool) {
	for _, c := range controllers {
		for _, s := range c.Sites {
			if s.ID == site {
				return c.ID, true
			}
		}
	}
	return 0, false
}

func (h *Handler) dashboard(c echo.Context) error {
	v, a, err := h.dashboardInput(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if v.Figures, err = h.store.Dashboard(ctx, v.Filter); err != nil {
		return err
	}
	if v.Staff, err = h.store.StaffOfAny(ctx, a.Controllers); err != nil {
		return err
	}
	status := http.StatusOK
	if v.Errors != nil {
		status = http.StatusUnprocessableEntity
	}
	return render(c, status, views.Dashboard(h.page(c, "Dashboard"), v))
}

// dashboardCSV writes the dashboard's figures, one per line: what a manager files as proof.
func (h *Handler) dashboardCSV(c echo.Context) error {
	v, a, err := h.dashboardInput(c)
	if err != nil {
		return err
	}
	if v.Errors != nil {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, firstError(v.Errors))
	}
	ctx := c.Request().Context()
	d, err := h.store.Dashboard(ctx, v.Filter)
	if err != nil {
		return err
	}
	if v.Staff, err = h.store.StaffOfAny(ctx, a.Controllers); err != nil {
		return err
	}
	w := startCSV(c, "rightsdesk-dashboard-"+v.Filter.Today.String()+".csv")
	f := v.Filter
	row := func(section, key, metric string, value any) {
		w.Write(safeCells(section, key, metric, fmt.Sprint(value)))
	}
	w.Write([]string{"section", "key", "metric", "value"})
	row("filter", "", "today", f.Today)
	row("filter", "", "period_from", f.Since)
	row("filter", "", "series_from", f.FirstMonth())
	row("filter", "", "controller", orAll(f.ControllerID))
	row("filter", "", "site", orAll(f.SiteID))
	row("filter", "", "kind", orAllKinds(f.Kind))
	row("now", "", "open", d.Open)
	row("now", "", "due_within_7_days", d.DueSoon)
	row("now", "", "overdue", d.Overdue)
	p := d.Period
	row("period", "", "answered", p.Answered)
	row("period", "", "on_time", p.OnTime)
	row("period", "", "late", p.Late)
	row("period", "", "on_time_percent", strconv.FormatFloat(p.OnTimeShare(), 'f', 1, 64))
	med, ok := p.Days.Median()
	row("period", "", "median_days", views.Days(med, ok))
	p90, ok := p.Days.Percentile(90)
	row("period", "", "p90_days", views.Days(p90, ok))
	row("period", "", "extended", p.Extended)
	row("period", "", "refused", p.Refused)
	row("period", "", "partial", p.Partial)
	tally := func(section, key string, t models.Tally) {
		for _, m := range []struct {
			name string
			n    int64
		}{{"received", t.Received}, {"on_time", t.OnTime}, {"late", t.Late}, {"open", t.Open},
			{"withdrawn", t.Withdrawn}, {"extended", t.Extended}, {"refused", t.Refused}, {"partial", t.Partial}} {
			row(section, key, m.name, m.n)
		}
	}
	for _, t := range d.Months {
		tally("month", t.Month.String()[:7], t)
	}
	for _, t := range d.Kinds {
		tally("kind", string(t.Kind), t)
	}
	for _, t := range d.Sites {
		tally("site", v.SiteName(t.SiteID), t)
	}
	for _, wl := range d.Workload {
		name := v.StaffName(wl.AssigneeID)
		row("workload", name, "open", wl.Open)
		row("workload", name, "due_soon", wl.DueSoon)
		row("workload", name, "overdue", wl.Overdue)
		row("workload", name, "answered_this_month", wl.AnsweredThisMonth)
	}
	w.Flush()
	return w.Error()
}

// casesCSV streams the cases behind the figures, one line each, with no personal data beyond
// the reference: it holds one case in memory at a time, whatever the number.
func (h *Handler) casesCSV(c echo.Context) error {
	v, _, err := h.dashboardInput(c)
	if err != nil {
		return err
	}
	if v.Errors != nil {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, firstError(v.Errors))
	}
	var from, to deadline.Date
	for _, p := range []struct {
		name string
		d    *deadline.Date
	}{{"from", &from}, {"to", &to}} {
		if s := c.QueryParam(p.name); s != "" {
			if *p.d, err = deadline.ParseDate(s); err != nil {
				return echo.NewHTTPError(http.StatusUnprocessableEntity, "The "+p.name+" date must be YYYY-MM-DD.")
			}
		}
	}
	w := startCSV(c, "rightsdesk-cases-"+v.Filter.Today.String()+".csv")
	w.Write(models.CaseLineHeader)
	n := 0
	err = h.store.EachCaseLine(c.Request().Context(), v.Filter, from, to, func(l models.CaseLine) error {
		w.Write(safeCells(models.CaseLineRecord(l)...))
		if n++; n%1000 == 0 {
			w.Flush()
			c.Response().Flush()
		}
		return w.Error() // the client went away: stop reading
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err != nil {
		// The status line is gone; the truncated file and the log say it failed.
		slog.Error("cases export stopped", "rows", n, "err", err)
	}
	return nil
}

// startCSV sends the headers of a CSV download.
func startCSV(c echo.Context, name string) *csv.Writer {
	hd := c.Response().Header()
	hd.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	hd.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	noStore(c)
	c.Response().WriteHeader(http.StatusOK)
	return csv.NewWriter(c.Response())
}

// safeCells keeps a spreadsheet from running a cell as a formula (names typed by admins could
// start with "=", "+", "-" or "@").
func safeCells(cells ...string) []string {
	for i, s := range cells {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			cells[i] = "'" + s
		}
	}
	return cells
}

func orAll(id int64) string {
	if id == 0 {
		return "all"
	}
	return strconv.FormatInt(id, 10)
}

func orAllKinds(k dsr.Kind) string {
	if k == "" {
		return "all"
	}
	return string(k)
}

func firstError(errs map[string]string) string {
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return errs[keys[0]]
}

// setTransparency publishes or withdraws a controller's disclosure page.
func (h *Handler) setTransparency(c echo.Context) error {
	a, _, err := h.actor(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || !slices.Contains(a.Controllers, id) {
		return models.ErrNotFound
	}
	var off bool
	switch c.FormValue("published") {
	case "yes":
	case "no":
		off = true
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "published must be yes or no")
	}
	err = h.audited(c, id, func(tx *models.Tx) (events.Detail, error) {
		ctl, err := tx.ControllerByID(c.Request().Context(), id)
		if err != nil {
			return nil, err
		}
		if err := tx.SetTransparency(c.Request().Context(), id, off); err != nil || ctl.TransparencyOff == off {
			return nil, err // already so: no event
		}
		return events.TransparencySwitched{Published: !off}, nil
	})
	if err != nil {
		return err
	}
	slog.Info("transparency page switched", "controller", id, "published", !off, "by_user", a.UserID)
	if off {
		h.flash(c, "The disclosure page is no longer published.")
	} else {
		h.flash(c, "The disclosure page is published.")
	}
	return c.Redirect(http.StatusSeeOther, "/manager/dashboard")
}

// transparency is the public disclosure page of a controller that publishes it.
func (h *Handler) transparency(c echo.Context) error {
	slug := c.Param("controller")
	if slug == "" || len(slug) > 100 {
		return models.ErrNotFound
	}
	ctx := c.Request().Context()
	ctrl, err := h.store.ControllerBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if ctrl.TransparencyOff {
		return models.ErrNotFound // as if there were none: withdrawing it leaves nothing to see
	}
	figures, err := h.store.Transparency(ctx, ctrl.ID)
	if err != nil {
		return err
	}
	h.controllerLanguage(c, ctrl.DefaultLanguage)
	title := views.Tf(c.Request().Context(), "transparency.heading", map[string]any{"Controller": ctrl.Name})
	return render(c, http.StatusOK, views.Transparency(h.page(c, title), views.TransparencyView{Controller: ctrl, Figures: figures}))
}

// privacy is the portal's own privacy notice for the people who file requests with a controller
// (Art. 13 GDPR), in the visitor's language, with the controller's retention periods.
func (h *Handler) privacy(c echo.Context) error {
	slug := c.Param("controller")
	if slug == "" || len(slug) > 100 {
		return models.ErrNotFound
	}
	ctrl, err := h.store.ControllerBySlug(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	h.controllerLanguage(c, ctrl.DefaultLanguage)
	title := views.Tf(c.Request().Context(), "privacy.title", map[string]any{"Controller": ctrl.Name})
	return render(c, http.StatusOK, views.Privacy(h.page(c, title), views.PrivacyView{Controller: ctrl}))
}
