package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Access says who may call a route.
type Access string

const (
	Public  Access = "public"        // anyone
	Holder  Access = "token holder"  // anyone holding the capability token in the URL (verify, status)
	Staff   Access = "staff+"        // logged-in staff, managers and admins
	Manager Access = "manager+"      // logged-in managers and admins
	Admin   Access = "admin"         // logged-in admins
	Ops     Access = "ops (no auth)" // probes; reveal nothing
	SiteKey Access = "site API key"  // a live API key of the site in the path (checked in the handler)
	Metrics Access = "metrics token" // Authorization: Bearer RIGHTSDESK_METRICS_TOKEN (checked in the handler)
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
		// Consent withdrawal: no verification for the browser holding the cookies (Art. 7(3)).
		{http.MethodGet, "/sites/:site/consent", Public, h.consentPage, "withdraw consent per category (?t= a signed link)"},
		{http.MethodPost, "/sites/:site/consent", Public, h.withdrawConsent, "record it, expire the site's first-party cookies; rate-limited per IP"},
		{http.MethodGet, "/sites/:site/consent/done", Public, h.consentDone, "the receipt (from the session)"},
		{http.MethodGet, "/api/v1/sites/:site/consent", SiteKey, h.apiConsent, "withdrawals for ?identifier= (&cookie=); rate-limited per key"},
		{http.MethodGet, "/language", Public, h.language, "the language switch: sets the visitor's choice, back to a local path"},
		{http.MethodGet, "/staff/login", Public, h.loginPage, ""},
		{http.MethodPost, "/staff/login", Public, h.login, "throttled per IP and per account"},
		{http.MethodPost, "/staff/logout", Staff, h.logout, ""},
		// Staff accounts: admin users, invitations, passwords.
		{http.MethodGet, "/admin/users", Admin, h.users, "every account, and the invitation form"},
		{http.MethodPost, "/admin/users", Admin, h.invite, "invite a member of staff: letter with a 7-day single-use link"},
		{http.MethodGet, "/admin/users/:id", Admin, h.user, "an account's role, controllers and state"},
		{http.MethodPost, "/admin/users/:id", Admin, h.updateUser, "change them; never one's own role or state"},
		{http.MethodPost, "/admin/users/:id/logout-everywhere", Admin, h.logoutUserEverywhere, "end every session of the account"},
		{http.MethodGet, "/staff/account", Staff, h.account, "one's own account"},
		{http.MethodPost, "/staff/account", Staff, h.changePassword, "needs the current password; ends the other sessions"},
		{http.MethodPost, "/staff/account/logout-everywhere", Staff, h.logoutEverywhere, "end every session, this one too"},
		{http.MethodGet, "/staff/password/reset", Public, h.resetPage, "ask for a reset link"},
		{http.MethodPost, "/staff/password/reset", Public, h.requestReset, "same answer for any address; rate-limited per IP and per address"},
		{http.MethodGet, "/staff/password/:token", Holder, h.passwordPage, "invitation or reset link; changes nothing"},
		{http.MethodPost, "/staff/password/:token", Holder, h.setPassword, "set the password; the link dies and every session ends"},

		// The staff workspace: queue and case page. Every case route is scoped to the user's
		// controllers: another controller's case is a 404, like one that does not exist.
		{http.MethodGet, "/staff", Staff, h.staffHome, "to the queue"},
		{http.MethodGet, "/staff/cases", Staff, h.queue, "the queue: filters, search, keyset pages"},
		{http.MethodPost, "/staff/cases/bulk", Staff, h.bulk, "assign (staff: to themselves) or expire unconfirmed"},
		{http.MethodGet, "/staff/cases/:ref", Staff, h.caseView, "the case page"},
		{http.MethodPost, "/staff/cases/:ref/claim", Staff, h.claim, "take the case (someone else's: managers)"},
		{http.MethodPost, "/staff/cases/:ref/assign", Staff, h.assign, "managers and admins only (checked in the service)"},
		{http.MethodPost, "/staff/cases/:ref/identifiers/:id", Staff, h.decideIdentifier, "identifier belongs to the requester or not"},
		{http.MethodPost, "/staff/cases/:ref/request-info", Staff, h.requestInfo, "question to the requester, with letter"},
		{http.MethodPost, "/staff/cases/:ref/extend", Staff, h.extend, "Art. 12(3), once, before the due day ends"},
		{http.MethodPost, "/staff/cases/:ref/complete", Staff, h.complete, "answer with outcomes and files; body up to " + answerBodyLimit},
		{http.MethodPost, "/staff/cases/:ref/refuse", Staff, h.refuse, "refusal with ground and reasons"},
		{http.MethodPost, "/staff/cases/:ref/withdraw", Staff, h.closeWithdrawn, "close as withdrawn on the requester's word"},
		{http.MethodPost, "/staff/cases/:ref/notes", Staff, h.addNote, "internal note"},
		{http.MethodPost, "/staff/cases/:ref/recipients", Staff, h.recordRecipient, "Art. 19: a recipient told after the answer; no letter"},
		{http.MethodPost, "/staff/cases/:ref/lift-restriction", Staff, h.liftRestriction, "Art. 18(3): once, on a case whose restriction was complied with; letter before the lifting"},
		{http.MethodPost, "/staff/cases/:ref/expire", Staff, h.expireCase, "close an unconfirmed request"},
		{http.MethodPost, "/staff/cases/:ref/hold", Staff, h.placeHold, "legal hold, with a reason, in any status: the personal data outlives the retention period; internal event"},
		{http.MethodPost, "/staff/cases/:ref/lift-hold", Staff, h.liftHold, "lift the legal hold, with a reason; internal event"},
		{http.MethodGet, "/staff/withdrawals", Staff, h.withdrawalNotices, "consent withdrawals the site was not told of by webhook, per controller"},
		{http.MethodPost, "/staff/withdrawals/:id/handled", Staff, h.markWithdrawalHandled, "the privacy team acted on one (its controller's staff only)"},
		{http.MethodPost, "/r/:token/reply", Holder, h.reply, "the requester answers a question"},
		{http.MethodGet, "/r/:token/files/:id", Holder, h.download, "a file of the answer, until it expires"},
		{http.MethodGet, "/r/:token/copy", Holder, h.caseCopy, "the requester's copy of the case, to keep"},

		// The managers' dashboard, scoped like the queue to the user's controllers.
		{http.MethodGet, "/manager/dashboard", Manager, h.dashboard, "SLA figures: filters in the URL, every number a link to the queue"},
		{http.MethodGet, "/manager/dashboard.csv", Manager, h.dashboardCSV, "the same figures as CSV"},
		{http.MethodGet, "/manager/cases.csv", Manager, h.casesCSV, "one line per case, no personal data beyond the reference; streamed"},
		{http.MethodPost, "/manager/transparency/:id", Manager, h.setTransparency, "publish or withdraw a controller's disclosure page"},
		{http.MethodGet, "/transparency/:controller", Public, h.transparency, "per year and kind: received, complied, refused, median days"},
		{http.MethodGet, "/privacy/:controller", Public, h.privacy, "the portal's privacy notice for requesters (Art. 13): the controller's retention periods in words"},

		// Cookie catalogues: admins add, edit, retire, import and export each site's cookies.
		{http.MethodGet, "/admin/sites", Admin, h.adminSites, "every controller's sites, with their admin pages"},
		{http.MethodGet, "/admin/sites/:site/cookies", Admin, h.adminCatalogue, "the catalogue, live then retired, and the add form"},
		{http.MethodPost, "/admin/sites/:site/cookies", Admin, h.addCookie, "add a cookie; a name the site has (even retired) is refused"},
		{http.MethodGet, "/admin/sites/:site/cookies.csv", Admin, h.exportCatalogueCSV, "the live catalogue as CSV (the import's columns)"},
		{http.MethodGet, "/admin/sites/:site/cookies.json", Admin, h.exportCatalogueJSON, "the live catalogue as JSON (the import's keys)"},
		{http.MethodGet, "/admin/sites/:site/cookies/table.html", Admin, h.exportCookieTable, "the public cookie table as a standalone document (?lang=)"},
		{http.MethodGet, "/admin/sites/:site/cookies/import", Admin, h.importPage, "upload or paste a CSV or JSON file"},
		{http.MethodPost, "/admin/sites/:site/cookies/import", Admin, h.importPreview, "what applying the file changes; saves nothing; body up to " + importBodyLimit},
		{http.MethodPost, "/admin/sites/:site/cookies/import/apply", Admin, h.importApply, "apply in one transaction unless the catalogue changed since the preview"},
		{http.MethodPost, "/admin/sites/:site/providers", Admin, h.saveProvider, "record a third-party provider's country and transfer safeguard (Art. 15(2)); only a provider the live cookies name"},
		{http.MethodGet, "/admin/sites/:site/cookies/:id", Admin, h.editCookiePage, "edit one cookie"},
		{http.MethodPost, "/admin/sites/:site/cookies/:id", Admin, h.updateCookie, ""},
		{http.MethodPost, "/admin/sites/:site/cookies/:id/retire", Admin, h.retireCookie, "out of the live catalogue; kept for the cases naming it"},
		{http.MethodPost, "/admin/sites/:site/cookies/:id/restore", Admin, h.restoreCookie, "back at the end of the catalogue"},

		// A site's integration: signing secrets for its links, API keys, webhook. New secrets and
		// keys are shown once, in the POST's answer, never cached.
		{http.MethodGet, "/admin/sites/:site/integration", Admin, h.integration, "secrets, API keys and webhook of a site"},
		{http.MethodPost, "/admin/sites/:site/integration/secrets", Admin, h.addSiteSecret, "add a signing secret; shown once"},
		{http.MethodPost, "/admin/sites/:site/integration/secrets/:id/retire", Admin, h.retireSiteSecret, "links signed with it are refused from now on"},
		{http.MethodPost, "/admin/sites/:site/integration/keys", Admin, h.createSiteAPIKey, "create an API key; shown once, kept hashed"},
		{http.MethodPost, "/admin/sites/:site/integration/keys/:id/revoke", Admin, h.revokeSiteAPIKey, ""},
		{http.MethodPost, "/admin/sites/:site/integration/webhook", Admin, h.setWebhook, "set the URL (https) with a new secret, shown once"},
		{http.MethodPost, "/admin/sites/:site/integration/webhook/remove", Admin, h.removeWebhook, "no more calls; the secret is dropped"},

		{http.MethodGet, "/admin/mailbox", Admin, h.mailbox, "delivery log: filters by state, letter, case, recipient"},
		{http.MethodGet, "/admin/mailbox/:id", Admin, h.mailboxLetter, ""},
		{http.MethodGet, "/admin/mailbox/:id/html", Admin, h.mailboxLetterHTML, "HTML part, sandboxed"},
		{http.MethodPost, "/admin/mailbox/:id/resend", Admin, h.resendLetter, "send a failed or possibly sent letter again (same Message-ID)"},
		{http.MethodPost, "/admin/mailbox/:id/confirm", Admin, h.confirmLetterSent, "mark a possibly sent letter as sent (nothing more goes out)"},
		// The audit trail: the events of every case (keyset pages, filters) and the check of the chain.
		{http.MethodGet, "/admin/audit", Admin, h.auditLog, "events newest first: filters by controller, case, actor, type, days"},
		{http.MethodGet, "/admin/audit/chain", Admin, h.auditChain, "verify the tamper-evident event chain (reads every event)"},
		// Letter wording per controller: read, preview in each language, override, reset.
		{http.MethodGet, "/admin/letters", Admin, h.adminLetters, "every letter, overrides counted per language (?controller=)"},
		{http.MethodGet, "/admin/letters/:kind", Admin, h.adminLetter, "a letter's messages and its preview (?controller=&lang=)"},
		{http.MethodGet, "/admin/letters/:kind/preview.html", Admin, h.adminLetterPreviewHTML, "the preview's HTML part, sandboxed"},
		{http.MethodPost, "/admin/letters/:kind", Admin, h.saveLetterOverrides, "save every message's wording at once: each checked, all or none saved"},

		// Setting up (issue 13): organisations (controllers) with their logos, their sites (retired
		// ones leave the public pages, their cases stay). The checks are package setup's, as in the CLI.
		{http.MethodGet, "/admin/controllers", Admin, h.adminControllers, "every organisation with its sites"},
		{http.MethodGet, "/admin/controllers/new", Admin, h.newControllerPage, "the form to add one"},
		{http.MethodPost, "/admin/controllers", Admin, h.addController, "add an organisation; refused with the reason beside each field"},
		{http.MethodGet, "/admin/controllers/:controller", Admin, h.controllerPage, "edit it, its logo, its sites"},
		{http.MethodPost, "/admin/controllers/:controller", Admin, h.updateController, "the slug never changes"},
		{http.MethodPost, logoRoute, Admin, h.uploadLogo, "PNG, JPEG or WebP, sniffed and decoded, at most 256 KiB; body up to " + logoBodyLimit},
		{http.MethodPost, "/admin/controllers/:controller/logo/remove", Admin, h.removeLogo, ""},
		{http.MethodGet, "/brand/:controller/logo", Public, h.logo, "the logo, for its pages and letters: sniffed type, nosniff, sandbox, ETag"},
		{http.MethodGet, "/admin/sites/new", Admin, h.newSitePage, "the form to add a site (?controller=)"},
		{http.MethodPost, "/admin/sites", Admin, h.addSite, "add a site to an organisation"},
		{http.MethodGet, "/admin/sites/:site", Admin, h.sitePage, "edit a site; links to its catalogue, import, integration"},
		{http.MethodPost, "/admin/sites/:site", Admin, h.updateSite, "the slug and organisation never change"},
		{http.MethodPost, "/admin/sites/:site/retire", Admin, h.retireSite, "off the public pages: no new request or consent withdrawal"},
		{http.MethodPost, "/admin/sites/:site/restore", Admin, h.restoreSite, "back on the public pages"},

		{http.MethodGet, "/healthz", Ops, h.healthz, "the process runs"},
		{http.MethodGet, "/readyz", Ops, h.readyz, "database reachable and schema current"},
		{http.MethodGet, "/metrics", Metrics, h.metrics, "Prometheus metrics; 404 unless RIGHTSDESK_METRICS_TOKEN is set"},
	}
}

// organisationRoutes show an organisation's work: to someone who works for none yet they show what
// to do instead (requireOrganisation).
var organisationRoutes = map[string]bool{
	"/staff": true, "/staff/cases": true, "/staff/withdrawals": true, "/manager/dashboard": true, "/manager/dashboard.csv": true,
	"/manager/cases.csv": true, "/admin/letters": true, "/admin/letters/:kind": true,
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
		mw := h.guard(r.Access) // body limits per route: bodyLimits
		if organisationRoutes[r.Path] {
			mw = append(mw, h.requireOrganisation)
		}
		e.Add(r.Method, r.Path, r.Handler, mw...)
	}
	e.StaticFS("/static", echo.MustSubFS(staticFS(), "static"))
}
