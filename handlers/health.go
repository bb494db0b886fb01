package handlers

import (
	"context"
	"crypto/subtle"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz answers while the process runs.
func (h *Handler) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz answers 200 when the database is reachable and its schema is the one this binary knows.
func (h *Handler) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := h.store.Ping(ctx); err != nil {
		h.log.Warn("not ready: database unreachable", "error", err)
		return c.String(http.StatusServiceUnavailable, "database unreachable\n")
	}
	if err := h.store.CheckSchema(ctx); err != nil {
		h.log.Warn("not ready", "error", err)
		return c.String(http.StatusServiceUnavailable, "database schema not current\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

// metrics serves Prometheus' scrape to the holder of the metrics token; without a token set the
// route does not exist.
func (h *Handler) metrics(c echo.Context) error {
	if h.cfg.Metrics == nil || h.cfg.MetricsToken == "" {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	got, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(h.cfg.MetricsToken)) != 1 {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="rightsdesk metrics"`)
		return c.String(http.StatusUnauthorized, "metrics: send the token as Authorization: Bearer <RIGHTSDESK_METRICS_TOKEN>\n")
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	h.cfg.Metrics.Handler().ServeHTTP(c.Response(), c.Request())
	return nil
}
