package handlers

import (
	"errors"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/models"
	"rightsdesk/views"
)

func (h *Handler) verifyPage(c echo.Context) error {
	tok := c.Param("token")
	cs, err := h.cases.PendingVerification(c.Request().Context(), tok)
	if done := (*cases.AlreadyConfirmedError)(nil); errors.As(err, &done) {
		return h.alreadyConfirmed(c, done.Case)
	}
	if err != nil {
		return err
	}
	h.controllerLanguage(c, cs.Language)
	return render(c, http.StatusOK, views.VerifyConfirm(h.page(c, views.T(c.Request().Context(), "verify.heading")), cs, tok))
}

func (h *Handler) verify(c echo.Context) error {
	if !allow(h.limits.verify, c.RealIP()) {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	statusToken, err := h.cases.Verify(c.Request().Context(), c.Param("token"))
	if done := (*cases.AlreadyConfirmedError)(nil); errors.As(err, &done) {
		return h.alreadyConfirmed(c, done.Case) // pressed twice, or from a second tab
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/r/"+statusToken)
}

// alreadyConfirmed answers a verification link used before: the request is confirmed, and its
// status page's link is in the acknowledgement letter. The link itself opens nothing more.
func (h *Handler) alreadyConfirmed(c echo.Context, cs models.Case) error {
	h.controllerLanguage(c, cs.Language)
	p := h.page(c, views.T(c.Request().Context(), "verify.done_heading"))
	if cs.Controller != nil {
		p.Brand = views.BrandOf(*cs.Controller)
	}
	return render(c, http.StatusOK, views.AlreadyConfirmed(p, cs))
}

func (h *Handler) status(c echo.Context) error {
	return h.statusPage(c, http.StatusOK, "", nil)
}

// statusPage renders the requester's page; reply and replyErr carry a refused answer back.
func (h *Handler) statusPage(c echo.Context, code int, reply string, replyErr *dsr.Problem) error {
	tok := c.Param("token")
	sp, err := h.cases.Status(c.Request().Context(), tok)
	if err != nil {
		return err
	}
	h.controllerLanguage(c, sp.Case.Language)
	now := time.Now()
	v := views.StatusPageView{Token: tok, Data: sp, Withdrawn: c.QueryParam("withdrawn") == "1",
		Replied: c.QueryParam("replied") == "1", Today: deadline.Today(now, sp.Case.Controller.Location()),
		Files: sp.Files, Now: now, Reply: reply, ReplyErr: replyErr}
	for _, e := range sp.Timeline {
		// The last question asked, read from its detail; one without (of before migration 00034,
		// in words the data migration could not read) is quoted as its English message.
		if e.Type != "info_requested" {
			continue
		}
		if q, ok := e.Decoded(); ok {
			v.Question, v.ReplyBy = q.(events.InfoRequested).Question, q.(events.InfoRequested).ReplyBy
		} else {
			v.Question, _ = e.LegacyMessage()
			v.ReplyBy = deadline.Date{}
		}
	}
	p := h.page(c, views.Tf(c.Request().Context(), "status.heading", map[string]any{"Reference": sp.Case.Reference}))
	p.SwitchPath = "/r/" + tok // also after a refused answer (a POST)
	p.Brand = views.BrandOf(*sp.Case.Controller)
	return render(c, code, views.Status(p, v))
}

func (h *Handler) reply(c echo.Context) error {
	if !allow(h.limits.verify, c.RealIP()) {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	tok, answer := c.Param("token"), c.FormValue("answer")
	err := h.cases.Reply(c.Request().Context(), tok, answer)
	var p *dsr.Problem
	if errors.As(err, &p) {
		return h.statusPage(c, http.StatusUnprocessableEntity, answer, p)
	}
	if err != nil {
		h.caseLanguage(c, tok)
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/r/"+tok+"?replied=1")
}

// download sends a file of the answer as an attachment: never rendered by the browser, whatever
// its content, so an uploaded page cannot run in the portal's origin.
func (h *Handler) download(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return models.ErrNotFound
	}
	f, err := h.cases.FileForRequester(c.Request().Context(), c.Param("token"), id)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, "application/octet-stream", f.Data)
}

// caseCopy sends the requester's copy of the case — the request as filed, the answer, the
// timeline and the letters' texts — as a standalone HTML file to keep (and print, or save as
// PDF): an attachment, with no script and nothing loaded from elsewhere.
func (h *Handler) caseCopy(c echo.Context) error {
	ctx := c.Request().Context()
	sp, err := h.cases.Copy(ctx, c.Param("token"))
	if err != nil {
		return err
	}
	h.controllerLanguage(c, sp.Case.Language)
	hd := c.Response().Header()
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": sp.Case.Reference + ".html"}))
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
	hd.Set("Cache-Control", "no-store")
	return render(c, http.StatusOK, views.CaseCopy(views.CaseCopyView{Data: sp, Made: time.Now()}))
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
	h.controllerLanguage(c, sp.Case.Language)
	v := views.StatusPageView{Token: tok, Data: sp}
	title := views.Tf(c.Request().Context(), "withdraw.heading", map[string]any{"Reference": sp.Case.Reference})
	return render(c, http.StatusOK, views.WithdrawConfirm(h.page(c, title), v))
}

func (h *Handler) withdraw(c echo.Context) error {
	if !allow(h.limits.verify, c.RealIP()) {
		return echo.NewHTTPError(http.StatusTooManyRequests)
	}
	tok := c.Param("token")
	if err := h.cases.Withdraw(c.Request().Context(), tok); err != nil {
		h.caseLanguage(c, tok)
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/r/"+tok+"?withdrawn=1")
}

// caseLanguage refines the page language with the case's, for the error page of an action the
// case refused; an unknown token leaves it as it is.
func (h *Handler) caseLanguage(c echo.Context, tok string) {
	if sp, err := h.cases.Status(c.Request().Context(), tok); err == nil {
		h.controllerLanguage(c, sp.Case.Language)
	}
}
