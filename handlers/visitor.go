package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/deadline"
	"rightsdesk/views"
)

func (h *Handler) verifyPage(c echo.Context) error {
	tok := c.Param("token")
	cs, err := h.cases.PendingVerification(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.VerifyConfirm(h.page(c, "Confirm your request"), cs, tok))
}

func (h *Handler) verify(c echo.Context) error {
	if !allow(h.limits.verify, c.RealIP()) {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	statusToken, err := h.cases.Verify(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/r/"+statusToken)
}

func (h *Handler) status(c echo.Context) error {
	tok := c.Param("token")
	sp, err := h.cases.Status(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	v := views.StatusPageView{Token: tok, Data: sp, Withdrawn: c.QueryParam("withdrawn") == "1",
		Today: deadline.Today(time.Now(), sp.Case.Controller.Location())}
	return render(c, http.StatusOK, views.Status(h.page(c, "Request "+sp.Case.Reference), v))
}

func (h *Handler) withdrawPage(c echo.Context) error {
	tok := c.Param("token")
	sp, err := h.cases.Status(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	if sp.Case.Status.Closed() {
		return c.Redirect(http.StatusSeeOther, "/r/"+tok)
	}
	v := views.StatusPageView{Token: tok, Data: sp}
	return render(c, http.StatusOK, views.WithdrawConfirm(h.page(c, "Withdraw request "+sp.Case.Reference), v))
}

func (h *Handler) withdraw(c echo.Context) error {
	if !allow(h.limits.verify, c.RealIP()) {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	tok := c.Param("token")
	if err := h.cases.Withdraw(c.Request().Context(), tok); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/r/"+tok+"?withdrawn=1")
}
