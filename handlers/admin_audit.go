package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/views"
)

// auditLog lists the events of every case, newest first, filtered and paged by keyset. It reads
// one page through an index whatever the size of the log; the chain is checked on its own page.
func (h *Handler) auditLog(c echo.Context) error {
	ctx := c.Request().Context()
	ids, err := h.store.ControllerIDs(ctx) // admins only (the route's guard): every controller
	if err != nil {
		return err
	}
	q := views.AuditQuery{
		Controller: c.QueryParam("controller"), Case: c.QueryParam("case"), Actor: c.QueryParam("actor"),
		Type: c.QueryParam("type"), From: c.QueryParam("from"), To: c.QueryParam("to"),
	}
	f, q, errs := auditFilter(q, ids, deadline.DefaultLocation)
	f.After = models.ParseAuditCursor(c.QueryParam("after"))
	v := views.AuditLogView{Query: q, Errors: errs, First: f.After.IsZero()}
	if len(errs) == 0 {
		page, err := h.store.AuditLog(ctx, f)
		if err != nil {
			return err
		}
		v.Entries = page.Entries
		if !page.Next.IsZero() {
			v.NextURL = q.URL(page.Next.Encode()) + "#events"
		}
	}
	if v.Controllers, err = h.store.ControllersIn(ctx, ids); err != nil {
		return err
	}
	if v.Users, err = h.store.UsersByName(ctx); err != nil {
		return err
	}
	if v.HeadSeq, v.HeadHash, err = h.store.AuditHead(ctx); err != nil {
		return err
	}
	if v.Unsealed, err = h.store.UnsealedEvents(ctx); err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.AuditLog(h.page(c, "Audit trail"), v))
}

// auditFilter turns the URL's filter into the store's, within scope. Choices that are not on
// the form (a controller outside scope, an unknown actor or type) are dropped from the query shown
// back; what someone typed that does not parse (a reference, a date) is kept, with the reason.
func auditFilter(q views.AuditQuery, scope []int64, loc *time.Location) (models.AuditFilter, views.AuditQuery, map[string]string) {
	f := models.AuditFilter{Controllers: scope, System: true, Limit: 50} // admins only: their actions on the whole portal too
	errs := map[string]string{}
	if id, err := strconv.ParseInt(q.Controller, 10, 64); err == nil && slices.Contains(scope, id) {
		f.ControllerID = id
	} else {
		q.Controller = ""
	}
	if len(q.Case) > 32 {
		q.Case = q.Case[:32]
	}
	if ref := strings.ToUpper(strings.TrimSpace(q.Case)); ref != "" {
		if _, _, ok := dsr.ParseReference(ref); ok {
			f.Reference, q.Case = ref, ref
		} else {
			errs["case"] = "A case reference looks like DSR-2026-000123."
		}
	}
	switch q.Actor {
	case "":
	case models.ActorRequester, models.ActorSystem, models.ActorStaff:
		f.ActorType = q.Actor
	default:
		if id, err := strconv.ParseInt(q.Actor, 10, 64); err == nil && id > 0 {
			f.ActorUserID = id
		} else {
			q.Actor = ""
		}
	}
	if views.EventTypeLabel(q.Type) != q.Type {
		f.Type = q.Type
	} else {
		q.Type = ""
	}
	var from, to deadline.Date
	if q.From != "" {
		d, err := deadline.ParseDate(q.From)
		if err != nil {
			errs["from"] = "Give the first day as a date, like 2026-11-23."
		}
		from, f.From = d, d.Time(loc)
	}
	if q.To != "" {
		d, err := deadline.ParseDate(q.To)
		if err != nil {
			errs["to"] = "Give the last day as a date, like 2026-11-30."
		}
		to, f.Until = d, d.AddDays(1).Time(loc)
	}
	if errs["from"] == "" && errs["to"] == "" && !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs["to"] = "The last day is before the first one."
	}
	if len(errs) == 0 {
		errs = nil
	}
	return f, q, errs
}

// auditChain checks the whole event chain each time the page is opened: it reads every event,
// which is why it is an admin page of its own and not part of a dashboard or the log.
func (h *Handler) auditChain(c echo.Context) error {
	r, err := h.store.VerifyAudit(c.Request().Context())
	if err != nil {
		return err
	}
	switch {
	case r.Broken:
		// The seq only: the problem names a case, and logs carry no case data.
		h.log.Warn("audit chain broken", "seq", r.BrokenSeq, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	case !r.OK:
		h.log.Warn("audit chain: events wait too long to be sealed", "unsealed", r.Unsealed, "oldest", r.OldestUnsealed.Round(time.Second),
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	noStore(c)
	return render(c, http.StatusOK, views.Audit(h.page(c, "Check of the audit chain"), r))
}
