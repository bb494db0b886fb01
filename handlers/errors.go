package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/views"
)

// errorHandler maps every error to a plain page: a title, a sentence, the request id. Internal
// errors are logged with the request id and never shown. The page is in the request's language
// (English on staff pages).
func (h *Handler) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ctx := c.Request().Context()
	code, title, msg := classify(ctx, err, staffArea(c.Request().URL.Path))
	if code >= 500 {
		h.log.Error("request failed", "route", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		// API clients read JSON, errors included (404 for an unknown route, 500 for ours).
		_ = c.JSON(code, apiError{Error: strings.ToLower(strings.ReplaceAll(http.StatusText(code), " ", "_")), Message: title})
		return
	}
	if rerr := render(c, code, views.ErrorPage(h.basePage(c, title), code, msg)); rerr != nil {
		h.log.Error("rendering the error page failed", "error", rerr)
		_ = c.String(code, title)
	}
}

// classify returns the status of err and its page's title and sentence in ctx's language. Staff
// (in English) are told which action the state refused.
func classify(ctx context.Context, err error, staff bool) (code int, title, msg string) {
	page := func(code int, key string) (int, string, string) {
		return code, views.T(ctx, "error."+key+".title"), views.T(ctx, "error."+key+".text")
	}
	var he *echo.HTTPError
	var te *dsr.TransitionError
	var retired *models.SiteRetiredError
	switch {
	case errors.As(err, &retired):
		return http.StatusGone, views.T(ctx, "error.retired.title"), views.RetiredSiteText(ctx, retired.Site)
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound, views.T(ctx, "error.not_found.title"), views.T(ctx, "error.not_found.link")
	case errors.Is(err, errCSRF):
		return page(http.StatusForbidden, "csrf")
	case staff && errors.Is(err, dsr.ErrTransitionNotAllowed):
		return http.StatusConflict, views.T(ctx, "error.transition.title"),
			"This is not possible in the request's current state: " + err.Error() + "."
	case errors.As(err, &te):
		return http.StatusConflict, views.T(ctx, "error.transition.title"), views.TransitionErrorText(ctx, te.From)
	case errors.Is(err, dsr.ErrTransitionNotAllowed):
		return http.StatusConflict, views.T(ctx, "error.transition.title"), views.T(ctx, "error.transition.generic")
	case errors.Is(err, models.ErrConflict):
		return page(http.StatusConflict, "conflict")
	case errors.Is(err, errNoVersion): // staff pages only, in English
		return http.StatusBadRequest, views.T(ctx, "error.bad_request.title"), err.Error()
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return page(he.Code, "not_found")
		case http.StatusMethodNotAllowed:
			return page(he.Code, "method")
		case http.StatusRequestEntityTooLarge:
			return page(he.Code, "too_large")
		case http.StatusTooManyRequests:
			return page(he.Code, "too_many")
		case http.StatusUnauthorized:
			return page(he.Code, "unauthorized")
		case http.StatusForbidden:
			return page(he.Code, "forbidden")
		}
		if he.Code >= 400 && he.Code < 500 {
			return page(he.Code, "bad_request")
		}
	}
	return page(http.StatusInternalServerError, "internal")
}
