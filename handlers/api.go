package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"rightsdesk/consent"
	"rightsdesk/models"
)

// The JSON API for sites. Each site has its own keys (admins create them on the site's
// integration page); a key opens only its own site's records. Answers are JSON, errors too, with a
// stable "error" code and a "message" for the developer.

// apiError is the body of every refused API call.
type apiError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func apiFail(c echo.Context, status int, code, msg string) error {
	return c.JSON(status, apiError{Error: code, Message: msg})
}

// ConsentAnswer is what GET /api/v1/sites/{site}/consent returns.
type ConsentAnswer struct {
	Site       string `json:"site"`
	Cookie     string `json:"cookie,omitempty"`
	Identifier string `json:"identifier"`
	// Withdrawn maps each category whose consent was withdrawn for the identifier to the time of the
	// latest withdrawal covering it. A consent the site recorded after that time supersedes it.
	Withdrawn   map[string]time.Time `json:"withdrawn"`
	Withdrawals []consent.Event      `json:"withdrawals"`
}

// bearerToken reads the credentials of "Authorization: Bearer <token>". The scheme is
// case-insensitive (RFC 9110 §11.1), so "bearer" and "BEARER" are accepted too.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// apiSite authenticates the call: a live key of the site named in the path, within its rate.
func (h *Handler) apiSite(c echo.Context) (models.Site, bool, error) {
	ctx := c.Request().Context()
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	plain, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
	if !ok {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="rightsdesk"`)
		return models.Site{}, false, apiFail(c, http.StatusUnauthorized, "unauthorized", "Send the site's API key as: Authorization: Bearer <key>.")
	}
	key, err := h.store.SiteAPIKeyFor(ctx, plain)
	if errors.Is(err, models.ErrNotFound) {
		// Keys are 256 random bits, so guessing is hopeless; the limit keeps a misconfigured client
		// from hammering the database.
		if !allow(h.limits.apiAuth, c.RealIP()) {
			c.Response().Header().Set("Retry-After", "60")
			return models.Site{}, false, apiFail(c, http.StatusTooManyRequests, "rate_limited", "Too many refused keys from this address; wait a minute.")
		}
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="rightsdesk", error="invalid_token"`)
		return models.Site{}, false, apiFail(c, http.StatusUnauthorized, "unauthorized", "This API key is unknown or revoked.")
	}
	if err != nil {
		return models.Site{}, false, err
	}
	site, err := h.store.SiteBySlug(ctx, c.Param("site"))
	if err != nil && !errors.Is(err, models.ErrNotFound) {
		return models.Site{}, false, err
	}
	if err != nil || site.ID != key.SiteID {
		// Another site's records, or a site that does not exist: the same answer, so that a key
		// learns nothing beyond its own site.
		return models.Site{}, false, apiFail(c, http.StatusForbidden, "forbidden", "This API key does not open this site.")
	}
	if !allow(h.limits.api, strconv.FormatInt(key.ID, 10)) {
		c.Response().Header().Set("Retry-After", "1")
		return models.Site{}, false, apiFail(c, http.StatusTooManyRequests, "rate_limited", "Too many requests with this key; slow down.")
	}
	if err := h.store.MarkSiteAPIKeyUsed(ctx, key.ID, time.Now()); err != nil {
		h.log.Warn("api: could not record key use", "key_id", key.ID, "error", err.Error())
	}
	return site, true, nil
}

// apiConsent answers whether consent was withdrawn for an identifier of the site, per category,
// with the withdrawals behind the answer (newest first).
func (h *Handler) apiConsent(c echo.Context) error {
	site, ok, err := h.apiSite(c)
	if !ok || err != nil {
		return err
	}
	q := c.QueryParams()
	value, cookie := q.Get("identifier"), q.Get("cookie")
	if msg := apiIdentifierProblem(value, cookie); msg != "" {
		return apiFail(c, http.StatusBadRequest, "bad_request", msg)
	}
	ws, err := h.store.WithdrawalsFor(c.Request().Context(), site.ID, cookie, value)
	if err != nil {
		return err
	}
	a := ConsentAnswer{Site: site.Slug, Cookie: cookie, Identifier: value, Withdrawn: map[string]time.Time{}, Withdrawals: []consent.Event{}}
	for _, w := range ws {
		a.Withdrawals = append(a.Withdrawals, consent.EventOf(w))
		for _, cat := range w.CategoryList() {
			if at, seen := a.Withdrawn[cat]; !seen || w.WithdrawnAt.After(at) {
				a.Withdrawn[cat] = w.WithdrawnAt.UTC()
			}
		}
	}
	return c.JSON(http.StatusOK, a)
}

// apiIdentifierProblem says what is wrong with the query, or "".
func apiIdentifierProblem(value, cookie string) string {
	switch {
	case value == "":
		return "Give the cookie value to look up: ?identifier=<value> (and optionally &cookie=<name>)."
	case len(value) > 256 || len(cookie) > 200:
		return "The identifier is at most 256 characters, the cookie name 200."
	case !utf8.ValidString(value) || !utf8.ValidString(cookie):
		return "The identifier and the cookie name must be valid UTF-8."
	}
	for _, r := range value + cookie {
		if r < 0x20 || r == 0x7f {
			return "The identifier and the cookie name must not contain control characters."
		}
	}
	return ""
}
