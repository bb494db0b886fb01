package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"rightsdesk/views"
)

// audit checks the whole event chain each time the page is opened: it reads every event, which
// is why it is an admin page and not part of a dashboard.
func (h *Handler) audit(c echo.Context) error {
	r, err := h.store.VerifyAudit(c.Request().Context())
	if err != nil {
		return err
	}
	if !r.OK {
		// The seq only: the problem names a case, and logs carry no case data.
		h.log.Warn("audit chain broken", "seq", r.BrokenSeq, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	return render(c, http.StatusOK, views.Audit(h.page(c, "Audit trail"), r))
}
