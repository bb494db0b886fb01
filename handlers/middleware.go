package handlers

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"rightsdesk/models"
	"rightsdesk/views"
)

const (
	csrfContextKey = "csrf"
	userContextKey = "user"
	sessionUserKey = "user_id"
)

// contentSecurityPolicy allows no inline script or style and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// MaxBody bounds every request body: the largest form (filing) is far below it. The answer to a
// request, which carries files, has its own limit.
const MaxBody = "64K"

const (
	answerRoute     = "/staff/cases/:ref/complete"
	answerBodyLimit = "26M" // cases.MaxFilesSize and the form around it
)

// importRoutes take a cookie catalogue file (at most catalogue.MaxFileSize) and the form around it.
var importRoutes = map[string]bool{"/admin/sites/:site/cookies/import": true, "/admin/sites/:site/cookies/import/apply": true}

const importBodyLimit = "2M"

var errCSRF = errors.New("csrf token missing or invalid")

func staticFS() fs.FS { return views.Static }

func (h *Handler) useMiddleware(e *echo.Echo) {
	e.Use(middleware.Recover())
	e.Use(middleware.RequestID())
	if h.cfg.Metrics != nil {
		known := map[string]bool{"/static*": true}
		for _, r := range h.Routes() {
			known[r.Path] = true
		}
		e.Use(h.cfg.Metrics.Middleware(func(route string) bool { return known[route] }))
	}
	e.Use(h.withLanguage) // first, so that every page, error pages included, knows its language
	e.Use(middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		// The route pattern, never the URI: URIs carry capability tokens. No IPs, no addresses.
		LogMethod: true, LogRoutePath: true, LogStatus: true, LogLatency: true, LogRequestID: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			h.log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("route", v.RoutePath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID))
			return nil
		},
	}))
	e.Use(bodyLimits(), parseForms)
	e.Use(refuseUnreadable)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0", // the legacy auditor causes more harm than good; the CSP protects
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            h.hstsMaxAge(),
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "no-referrer",
	}))
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			hd := c.Response().Header()
			hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
			hd.Set("Cross-Origin-Opener-Policy", "same-origin")
			hd.Set("X-Robots-Tag", "noindex, nofollow")
			return next(c)
		}
	})
	e.Use(refuseCrossSite)
	e.Use(echo.WrapMiddleware(h.sessions.LoadAndSave))
	// Render errors inside the session middleware, so an error page goes through the same writer
	// (and session commit) as a normal page.
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := next(c); err != nil {
				c.Error(err)
			}
			return nil
		}
	})
	e.Use(h.loadUser, h.csrf)
}

// bodyLimits bounds every request body by its route's limit. It runs before the CSRF check, which
// reads the form: a limit set on the route alone would come after the body was read.
func bodyLimits() echo.MiddlewareFunc {
	general := middleware.BodyLimit(MaxBody)
	larger := map[string]echo.MiddlewareFunc{
		answerRoute: middleware.BodyLimit(answerBodyLimit),
		logoRoute:   middleware.BodyLimit(logoBodyLimit),
	}
	for r := range importRoutes {
		larger[r] = middleware.BodyLimit(importBodyLimit)
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		limited := map[string]echo.HandlerFunc{}
		for r, mw := range larger {
			limited[r] = mw(next)
		}
		general := general(next)
		return func(c echo.Context) error {
			if h, ok := limited[c.Path()]; ok {
				return h(c)
			}
			return general(c)
		}
	}
}

func (h *Handler) hstsMaxAge() int {
	if strings.HasPrefix(h.cfg.BaseURL, "https://") {
		return 365 * 24 * 3600
	}
	return 0
}

// refuseCrossSite rejects state-changing requests that a browser marks as coming from another site.
func refuseCrossSite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
			return errCSRF
		}
		return next(c)
	}
}

// loadUser puts the logged-in user, if any, in the context. A deactivated user is logged out, as is
// a session opened before the user's epoch was raised (password changed, logged out everywhere).
func (h *Handler) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := h.sessions.GetInt64(ctx, sessionUserKey)
		if id == 0 {
			return next(c)
		}
		u, err := h.store.UserByID(ctx, id)
		if errors.Is(err, models.ErrNotFound) || (err == nil && (!u.Active || h.sessions.GetInt(ctx, sessionEpochKey) != u.SessionEpoch)) {
			_ = h.sessions.Destroy(ctx)
			return next(c)
		}
		if err != nil {
			return err
		}
		c.Set(userContextKey, u)
		return next(c)
	}
}

// guard returns the middleware that enforces access a.
func (h *Handler) guard(a Access) []echo.MiddlewareFunc {
	switch a {
	case Staff:
		return []echo.MiddlewareFunc{requireRole(models.RoleStaff, models.RoleManager, models.RoleAdmin)}
	case Manager:
		return []echo.MiddlewareFunc{requireRole(models.RoleManager, models.RoleAdmin)}
	case Admin:
		return []echo.MiddlewareFunc{requireRole(models.RoleAdmin)}
	case Holder:
		return []echo.MiddlewareFunc{func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error { noStore(c); return next(c) }
		}}
	}
	return nil
}

// requireRole lets through users with one of roles; others are sent to the login page (GET) or
// refused.
func requireRole(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			noStore(c)
			u, ok := c.Get(userContextKey).(models.User)
			if !ok {
				if c.Request().Method == http.MethodGet {
					return c.Redirect(http.StatusSeeOther, "/staff/login")
				}
				return echo.NewHTTPError(http.StatusUnauthorized)
			}
			for _, r := range roles {
				if u.Role == r {
					return next(c)
				}
			}
			return echo.NewHTTPError(http.StatusForbidden)
		}
	}
}
