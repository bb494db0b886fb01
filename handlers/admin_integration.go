package handlers

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"rightsdesk/dsr"
	"rightsdesk/egress"
	"rightsdesk/events"
	"rightsdesk/models"
	"rightsdesk/views"
)

// A site's integration with the portal: the secrets that sign the links it hands its visitors
// (sitetoken), the API keys it reads withdrawals with, and the webhook it is told of them by.
// A new secret or key is shown once, in the answer to the POST that made it: it is never put in
// a URL, the session or a log, and the page is not cached. Reloading that answer would make
// another one, which the browser asks about first; the list then shows both and the admin retires
// the one not copied.

// maxWebhookURL bounds a webhook URL, like a browser's practical URL limit.
const maxWebhookURL = 2000

func (h *Handler) integration(c echo.Context) error {
	site, err := h.store.SiteBySlug(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	v := views.IntegrationView{Site: site, WebhookURL: site.WebhookURL}
	return h.renderIntegration(c, http.StatusOK, v)
}

// renderIntegration fills in the lists and renders the page, never cached: it may show a secret.
func (h *Handler) renderIntegration(c echo.Context, status int, v views.IntegrationView) error {
	ctx := c.Request().Context()
	var err error
	if v.Secrets, err = h.store.SiteSecrets(ctx, v.Site.ID); err != nil {
		return err
	}
	if v.Keys, err = h.store.SiteAPIKeys(ctx, v.Site.ID); err != nil {
		return err
	}
	if v.Deliveries, err = h.store.WebhookDeliveries(ctx, v.Site.ID, 20); err != nil {
		return err
	}
	noStore(c)
	return render(c, status, views.IntegrationPage(h.page(c, "Integration: "+v.Site.Name), v))
}

func (h *Handler) addSiteSecret(c echo.Context) error {
	site, err := h.store.SiteBySlug(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	var sec models.SiteSecret
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		sec, err = tx.CreateSiteSecret(c.Request().Context(), site.ID, time.Now())
		return events.SiteSecretAdded{Site: site.Slug, KeyID: sec.KeyID}, err
	})
	if err != nil {
		return err
	}
	v := views.IntegrationView{Site: site, WebhookURL: site.WebhookURL,
		Reveal: &views.Reveal{What: views.RevealSecret, Name: sec.KeyID, Value: sec.Secret}}
	return h.renderIntegration(c, http.StatusOK, v)
}

func (h *Handler) retireSiteSecret(c echo.Context) error {
	return h.integrationAction(c, func(site models.Site, id int64) (string, error) {
		ctx := c.Request().Context()
		return "The secret is retired: links signed with it are refused from now on.",
			h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
				secs, err := tx.SiteSecrets(ctx, site.ID)
				if err != nil {
					return nil, err
				}
				i := slices.IndexFunc(secs, func(s models.SiteSecret) bool { return s.ID == id })
				if i < 0 {
					return nil, models.ErrNotFound
				}
				if err := tx.RetireSiteSecret(ctx, site.ID, id, time.Now()); err != nil || secs[i].RetiredAt != nil {
					return nil, err // retired already: no event
				}
				return events.SiteSecretRetired{Site: site.Slug, KeyID: secs[i].KeyID}, nil
			})
	})
}

func (h *Handler) createSiteAPIKey(c echo.Context) error {
	ctx := c.Request().Context()
	site, err := h.store.SiteBySlug(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	label := c.FormValue("label")
	v := views.IntegrationView{Site: site, WebhookURL: site.WebhookURL}
	if p := dsr.CheckLine(label, 200); p != nil {
		v.LabelValue, v.LabelError = label, p.Error()
		return h.renderIntegration(c, http.StatusUnprocessableEntity, v)
	}
	var plain string
	var k models.SiteAPIKey
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		plain, k, err = tx.CreateSiteAPIKey(ctx, site.ID, label, time.Now())
		return events.APIKeyCreated{Site: site.Slug, Prefix: k.Prefix, Label: k.Label}, err
	})
	if err != nil {
		return err
	}
	v.Reveal = &views.Reveal{What: views.RevealAPIKey, Name: k.Prefix, Value: plain}
	return h.renderIntegration(c, http.StatusOK, v)
}

func (h *Handler) revokeSiteAPIKey(c echo.Context) error {
	return h.integrationAction(c, func(site models.Site, id int64) (string, error) {
		ctx := c.Request().Context()
		return "The API key is revoked: it opens nothing from now on.",
			h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
				keys, err := tx.SiteAPIKeys(ctx, site.ID)
				if err != nil {
					return nil, err
				}
				i := slices.IndexFunc(keys, func(k models.SiteAPIKey) bool { return k.ID == id })
				if i < 0 {
					return nil, models.ErrNotFound
				}
				if err := tx.RevokeSiteAPIKey(ctx, site.ID, id, time.Now()); err != nil || keys[i].RevokedAt != nil {
					return nil, err // revoked already: no event
				}
				return events.APIKeyRevoked{Site: site.Slug, Prefix: keys[i].Prefix, Label: keys[i].Label}, nil
			})
	})
}

// setWebhook sets the URL with a new secret; saving the same URL again rotates the secret.
func (h *Handler) setWebhook(c echo.Context) error {
	ctx := c.Request().Context()
	site, err := h.store.SiteBySlug(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	raw := c.FormValue("url")
	v := views.IntegrationView{Site: site, WebhookURL: raw}
	if msg := checkWebhookURL(raw, h.cfg.WebhookAllowPrivate); msg != "" {
		v.WebhookError = msg
		return h.renderIntegration(c, http.StatusUnprocessableEntity, v)
	}
	var secret string
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		secret, err = tx.SetWebhook(ctx, site.ID, raw)
		return events.WebhookSet{Site: site.Slug, Host: webhookHost(raw), Rotated: raw == site.WebhookURL}, err
	})
	if err != nil {
		return err
	}
	site.WebhookURL, site.WebhookSecret = raw, secret
	v.Site = site
	v.Reveal = &views.Reveal{What: views.RevealWebhook, Name: raw, Value: secret}
	return h.renderIntegration(c, http.StatusOK, v)
}

func (h *Handler) removeWebhook(c echo.Context) error {
	ctx := c.Request().Context()
	site, err := h.store.SiteBySlug(ctx, c.Param("site"))
	if err != nil {
		return err
	}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		if _, err := tx.SetWebhook(ctx, site.ID, ""); err != nil || site.WebhookURL == "" {
			return nil, err // no webhook: nothing removed, no event
		}
		return events.WebhookRemoved{Site: site.Slug}, nil
	})
	if err != nil {
		return err
	}
	h.flash(c, "The webhook is removed: the site is no longer called when a visitor withdraws consent.")
	return c.Redirect(http.StatusSeeOther, integrationPath(site))
}

// integrationAction runs do on the site and the row id of the path, then goes back to the page.
func (h *Handler) integrationAction(c echo.Context, do func(site models.Site, id int64) (string, error)) error {
	site, err := h.store.SiteBySlug(c.Request().Context(), c.Param("site"))
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return models.ErrNotFound
	}
	msg, err := do(site, id)
	if err != nil {
		return err
	}
	h.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, integrationPath(site))
}

// webhookHost is the host of a webhook URL, which its event records: the path and query may
// carry a token of the site's own.
func webhookHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func integrationPath(site models.Site) string {
	return "/admin/sites/" + url.PathEscape(site.Slug) + "/integration"
}

const (
	notHTTPS = "Use an https:// URL (http:// only for localhost or 127.0.0.1 on a portal set up for development)."
	private  = "This address is on the portal's own machine or a private network (loopback, private, link-local " +
		"or cloud metadata): a webhook must reach the site over the internet. The portal refuses such " +
		"addresses also when a name resolves to one."
)

// checkWebhookURL returns why raw cannot be a webhook URL, or "". The portal calls it from the
// server, so it must be an absolute https URL on a public address; with allowPrivate (development,
// RIGHTSDESK_WEBHOOK_ALLOW_PRIVATE) also http on the loopback and private addresses. A name is
// checked again after it is resolved, at each call (egress.Client).
func checkWebhookURL(raw string, allowPrivate bool) string {
	switch {
	case raw == "":
		return "Give the URL the portal should call, or remove the webhook."
	case len(raw) > maxWebhookURL:
		return fmt.Sprintf("The URL is too long: at most %d characters.", maxWebhookURL)
	case !utf8.ValidString(raw):
		return "The URL contains bytes that are not valid text."
	case strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return "The URL must be one line, without spaces or control characters."
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Opaque != "" || u.Host == "" {
		return "Give an absolute URL, like https://example.com/rightsdesk/webhook."
	}
	if u.User != nil {
		return "The URL must not contain a user name or password: the site checks the webhook's signature instead."
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "The URL must not contain a #fragment."
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost")
	ip, err := netip.ParseAddr(host)
	if err == nil {
		loopback = ip.Unmap().IsLoopback()
	}
	switch {
	case u.Scheme == "http" && allowPrivate && loopback:
	case u.Scheme != "https":
		return notHTTPS
	case allowPrivate:
	case loopback, err == nil && egress.Forbidden(ip):
		return private
	}
	return ""
}
