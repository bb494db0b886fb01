package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// readable reports whether s can be text a person typed: valid UTF-8 without control characters
// other than tab, line feed and carriage return (which a text area holds). PostgreSQL refuses
// NUL and invalid UTF-8 outright, so such a value must never reach the store.
func readable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// readableValues reports whether every key and value of v is readable.
func readableValues(v url.Values) bool {
	for k, vs := range v {
		if !readable(k) {
			return false
		}
		for _, s := range vs {
			if !readable(s) {
				return false
			}
		}
	}
	return true
}

// parseForms reads a form body once, under its route's body limit (bodyLimits runs first), so
// that everything after (the CSRF check, refuseUnreadable, the handlers) reads the parsed form: a
// body over the limit is a 413 even when it came without a length, not a missing CSRF token.
func parseForms(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		ct := r.Header.Get(echo.HeaderContentType)
		var err error
		switch {
		case r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead:
		case strings.HasPrefix(ct, echo.MIMEMultipartForm):
			err = r.ParseMultipartForm(multipartMemory)
		case strings.HasPrefix(ct, echo.MIMEApplicationForm):
			err = r.ParseForm()
		}
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		return next(c)
	}
}

// multipartMemory is how much of a multipart form is held in memory; larger files go to
// temporary files, which net/http removes after the request.
const multipartMemory = 32 << 20

// queryForms validate their own query (filters with the reason beside each field), so an
// unreadable value there is answered on the page rather than by refuseUnreadable.
var queryForms = map[string]bool{"/manager/dashboard": true, "/manager/dashboard.csv": true, "/manager/cases.csv": true}

// refuseUnreadable stops a request whose path or query carries invalid UTF-8 or control
// characters before any handler sees it: no such path exists (404) and no link carries such a
// value (400). Form fields are checked by each form's validation, which keeps what was typed.
func refuseUnreadable(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !readable(r.URL.Path) || strings.ContainsAny(r.URL.Path, "\t\n\r") {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		if queryForms[c.Path()] {
			return next(c)
		}
		if query, err := url.ParseQuery(r.URL.RawQuery); err != nil || !readableValues(query) {
			return echo.NewHTTPError(http.StatusBadRequest)
		}
		return next(c)
	}
}
