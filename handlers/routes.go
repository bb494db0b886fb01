package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Access says who may call a route.
type Access string

const (
	Public Access = "public"        // anyone
	Holder Access = "token holder"  // anyone holding the capability token in the URL (verify, status)
	Staff  Access = "staff+"        // logged-in staff, managers and admins
	Admin  Access = "admin"         // logged-in admins
	Ops    Access = "ops (no auth)" // probes; reveal nothing
)

// Route is one row of the route table.
type Route struct {
	Method  string
	Path    string
	Access  Access
	Handler echo.HandlerFunc
	Note    string
}

// Routes is the route table: reading it answers "who can do what".
func (h *Handler) Routes() []Route {
	return []Route{
		{http.MethodGet, "/", Public, h.home, "controllers, sites, the rights explained"},
		{http.MethodGet, "/sites/:site/cookies", Public, h.cookies, "a site's cookie table"},
		{http.MethodGet, "/requests/new", Public, h.newRequest, "the filing form (?site=)"},
		{http.MethodPost, "/requests", Public, h.fileRequest, "file a request; rate-limited per IP"},
		{http.MethodGet, "/requests/filed", Public, h.filed, "what happens next (from the session)"},
		{http.MethodGet, "/requests/verify/:token", Holder, h.verifyPage, "confirm page; changes nothing"},
		{http.MethodPost, "/requests/verify/:token", Holder, h.verify, "verify the e-mail; rate-limited per IP"},
		{http.MethodGet, "/r/:token", Holder, h.status, "the requester's status page"},
		{http.MethodGet, "/r/:token/withdraw", Holder, h.withdrawPage, "confirm the withdrawal"},
		{http.MethodPost, "/r/:token/withdraw", Holder, h.withdraw, "withdraw the request"},
		{http.MethodGet, "/staff/login", Public, h.loginPage, ""},
		{http.MethodPost, "/staff/login", Public, h.login, "throttled per IP and per account"},
		{http.MethodPost, "/staff/logout", Staff, h.logout, ""},
		// Staff accounts: admin users, invitations, passwords.

		// The staff workspace: queue and case page.

		{http.MethodGet, "/admin/mailbox", Admin, h.mailbox, "outbox and development mailbox"},
		{http.MethodGet, "/admin/mailbox/:id", Admin, h.mailboxLetter, ""},
		{http.MethodGet, "/admin/mailbox/:id/html", Admin, h.mailboxLetterHTML, "HTML part, sandboxed"},
		// The audit chain.

		{http.MethodGet, "/healthz", Ops, h.healthz, "the process runs"},
		{http.MethodGet, "/readyz", Ops, h.readyz, "database reachable and schema current"},
	}
}

// Register installs the middleware and every route of the table on e.
func (h *Handler) Register(e *echo.Echo) {
	e.HTTPErrorHandler = h.errorHandler
	if h.cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	h.useMiddleware(e)
	for _, r := range h.Routes() {
		e.Add(r.Method, r.Path, r.Handler, h.guard(r.Access)...)
	}
	e.StaticFS("/static", echo.MustSubFS(staticFS(), "static"))
}
