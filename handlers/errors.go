package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"rightsdesk/dsr"
	"rightsdesk/models"
	"rightsdesk/views"
)

// errorHandler maps every error to a plain page: a title, a sentence, the request id. Internal
// errors are logged with the request id and never shown.
func (h *Handler) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, title, msg := classify(err)
	if code >= 500 {
		h.log.Error("request failed", "route", c.Path(), "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	if rerr := render(c, code, views.ErrorPage(h.basePage(c, title), code, msg)); rerr != nil {
		h.log.Error("rendering the error page failed", "error", rerr)
		_ = c.String(code, title)
	}
}

func classify(err error) (code int, title, msg string) {
	var he *echo.HTTPError
	switch {
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound, "Not found",
			"There is nothing at this address. A link from one of our e-mails may have expired or been used already."
	case errors.Is(err, errCSRF):
		return http.StatusForbidden, "Form expired",
			"This form expired or did not come from this site, so nothing was done. Go back, reload the page and send it again."
	case errors.Is(err, dsr.ErrTransitionNotAllowed):
		return http.StatusConflict, "Not possible now", "This is not possible in the request's current state: " + err.Error() + "."
	case errors.Is(err, models.ErrConflict):
		return http.StatusConflict, "Changed meanwhile",
			"This request changed while you were looking at it, so nothing was done. Reload the page and try again."
	case errors.As(err, &he):
		switch he.Code {
		case http.StatusNotFound:
			return he.Code, "Not found", "There is nothing at this address."
		case http.StatusMethodNotAllowed:
			return he.Code, "Not allowed", "This page cannot be used that way."
		case http.StatusRequestEntityTooLarge:
			return he.Code, "Too large", "What you sent is larger than this site accepts, so nothing was saved. Shorten it and try again."
		case http.StatusTooManyRequests:
			return he.Code, "Too many attempts", "Too many attempts from your network in a short time. Wait a minute, then try again."
		case http.StatusUnauthorized:
			return he.Code, "Log in first", "This page is for staff: log in first."
		case http.StatusForbidden:
			return he.Code, "Not allowed", "Your account may not open this page."
		}
		if he.Code >= 400 && he.Code < 500 {
			return he.Code, "Bad request", "The request could not be understood, so nothing was done."
		}
	}
	return http.StatusInternalServerError, "Something went wrong",
		"Something went wrong on our side and nothing was saved. Try again in a moment."
}
