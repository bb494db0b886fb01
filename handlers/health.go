package handlers

import (
	"context"
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
