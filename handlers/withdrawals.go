package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/models"
	"rightsdesk/views"
)

// The privacy team's notices: a consent withdrawal whose site has no webhook (or whose call failed
// for good) was told to nobody but the team, so it waits here, per controller, until one of its
// staff marks it handled. The receipt promised the visitor exactly that.

func (h *Handler) withdrawalNotices(c echo.Context) error {
	a, _, err := h.actor(c)
	if err != nil {
		return err
	}
	notices, err := h.store.WithdrawalNotices(c.Request().Context(), a.Controllers)
	if err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.WithdrawalNoticesPage(h.page(c, "Consent withdrawals to act on"), notices))
}

func (h *Handler) markWithdrawalHandled(c echo.Context) error {
	a, _, err := h.actor(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	err = h.store.MarkWithdrawalHandled(c.Request().Context(), a.Controllers, id, a.UserID, time.Now())
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	h.flash(c, "Marked as handled.")
	return c.Redirect(http.StatusSeeOther, "/staff/withdrawals")
}
