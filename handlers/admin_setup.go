package handlers

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/net/publicsuffix"

	"rightsdesk/events"
	"rightsdesk/models"
	"rightsdesk/setup"
	"rightsdesk/views"
)

// Setting up: admins add and edit organisations (controllers) with their logo, and their sites,
// which they retire and restore. The checks are package setup's, which the CLI runs too.

// logoRoute takes an image (at most setup.MaxLogoBytes, refused with a message beside the field)
// in a form; the body limit only stops what is far too large to be one.
const (
	logoRoute     = "/admin/controllers/:controller/logo"
	logoBodyLimit = "1M"
)

// setupErrors returns the field errors err carries, if it is setup.Errors.
func setupErrors(err error) (setup.Errors, bool) {
	var fe setup.Errors
	ok := errors.As(err, &fe)
	return fe, ok
}

// adminController reads :controller, with its sites; one that does not exist is a 404.
func (h *Handler) adminController(c echo.Context) (models.Controller, error) {
	slug := c.Param("controller")
	cs, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return models.Controller{}, err
	}
	for _, ctl := range cs {
		if ctl.Slug == slug {
			return ctl, nil
		}
	}
	return models.Controller{}, models.ErrNotFound
}

func (h *Handler) adminControllers(c echo.Context) error {
	cs, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.ControllersPage(h.page(c, "Organisations"), cs))
}

// controllerForm reads the organisation form.
func controllerForm(c echo.Context) (setup.Controller, error) {
	form, err := c.FormParams()
	if err != nil {
		return setup.Controller{}, echo.NewHTTPError(http.StatusBadRequest)
	}
	return setup.Controller{
		Slug: form.Get(setup.FieldSlug), Name: form.Get(setup.FieldName), Address: form.Get(setup.FieldAddress),
		CompanyNumber: form.Get(setup.FieldCompanyNumber), ContactEmail: form.Get(setup.FieldContactEmail),
		Phone: form.Get(setup.FieldPhone), Country: form.Get(setup.FieldCountry), TimeZone: form.Get(setup.FieldTimeZone),
		Language: form.Get(setup.FieldLanguage), PrivacyURL: form.Get(setup.FieldPrivacyURL), ContactURL: form.Get(setup.FieldContactURL),
		TargetDays: form.Get(setup.FieldTargetDays), Transparency: form.Get(setup.FieldTransparency) != "",
		IdentityPause: form.Get(setup.FieldIdentityPause) != "", KeepAnsweredDays: form.Get(setup.FieldKeepAnswered),
		KeepUnconfirmedDays: form.Get(setup.FieldKeepUnconfirmed), KeepRecordYears: form.Get(setup.FieldKeepRecord),
	}, nil
}

func (h *Handler) renderController(c echo.Context, status int, v views.ControllerFormView) error {
	title := "Add an organisation"
	if !v.Creating {
		title = v.Controller.Name
	}
	noStore(c)
	return render(c, status, views.ControllerFormPage(h.page(c, title), v))
}

func (h *Handler) newControllerPage(c echo.Context) error {
	return h.renderController(c, http.StatusOK, views.ControllerFormView{Creating: true, Form: setup.Defaults()})
}

func (h *Handler) addController(c echo.Context) error {
	in, err := controllerForm(c)
	if err != nil {
		return err
	}
	ctl, err := setup.AddController(c.Request().Context(), h.store, by(c), in)
	if fe, ok := setupErrors(err); ok {
		return h.renderController(c, http.StatusUnprocessableEntity, views.ControllerFormView{Creating: true, Form: in, Errors: fe})
	}
	if err != nil {
		return err
	}
	h.log.Info("controller added", "user_id", currentUser(c).ID, "controller_id", ctl.ID)
	h.flash(c, "Added "+ctl.Name+". Next: add its site.")
	return c.Redirect(http.StatusSeeOther, "/admin/controllers/"+ctl.Slug)
}

func (h *Handler) controllerPage(c echo.Context) error {
	ctl, err := h.adminController(c)
	if err != nil {
		return err
	}
	return h.renderController(c, http.StatusOK, views.ControllerFormView{Controller: ctl, Form: setup.Of(ctl)})
}

func (h *Handler) updateController(c echo.Context) error {
	ctl, err := h.adminController(c)
	if err != nil {
		return err
	}
	in, err := controllerForm(c)
	if err != nil {
		return err
	}
	_, err = setup.EditController(c.Request().Context(), h.store, by(c), ctl, in)
	if fe, ok := setupErrors(err); ok {
		in.Slug = ctl.Slug
		return h.renderController(c, http.StatusUnprocessableEntity, views.ControllerFormView{Controller: ctl, Form: in, Errors: fe})
	}
	if err != nil {
		return err
	}
	h.log.Info("controller changed", "user_id", currentUser(c).ID, "controller_id", ctl.ID)
	h.flash(c, "Saved.")
	return c.Redirect(http.StatusSeeOther, "/admin/controllers/"+ctl.Slug)
}

// uploadLogo takes the controller's logo: a raster image checked by its content (setup.CheckLogo).
func (h *Handler) uploadLogo(c echo.Context) error {
	ctl, err := h.adminController(c)
	if err != nil {
		return err
	}
	refuse := func(msg string) error {
		return h.renderController(c, http.StatusUnprocessableEntity, views.ControllerFormView{Controller: ctl, Form: setup.Of(ctl), LogoError: msg})
	}
	fh, err := c.FormFile("logo")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) {
			return refuse("Choose an image file.")
		}
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	if fh.Size > setup.MaxLogoBytes {
		return refuse(setup.LogoTooLarge(fh.Size))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, setup.MaxLogoBytes+1))
	if err != nil {
		return err
	}
	logo, msg := setup.CheckLogo(data)
	if msg != "" {
		return refuse(msg)
	}
	err = h.audited(c, ctl.ID, func(tx *models.Tx) (events.Detail, error) {
		return events.LogoChanged{ContentType: logo.ContentType, Width: logo.Width, Height: logo.Height, Size: len(logo.Data), SHA256: logo.SHA256},
			tx.SetControllerLogo(c.Request().Context(), models.ControllerLogo{
				ControllerID: ctl.ID, ContentType: logo.ContentType, Data: logo.Data, SHA256: logo.SHA256,
				Width: logo.Width, Height: logo.Height, UpdatedAt: time.Now().UTC(),
			})
	})
	if err != nil {
		return err
	}
	h.log.Info("controller logo set", "user_id", currentUser(c).ID, "controller_id", ctl.ID, "bytes", len(logo.Data))
	h.flash(c, fmt.Sprintf("The logo is saved (%d × %d pixels). Its pages show it now, and its next letters.", logo.Width, logo.Height))
	return c.Redirect(http.StatusSeeOther, "/admin/controllers/"+ctl.Slug+"#logo")
}

func (h *Handler) removeLogo(c echo.Context) error {
	ctl, err := h.adminController(c)
	if err != nil {
		return err
	}
	err = h.audited(c, ctl.ID, func(tx *models.Tx) (events.Detail, error) {
		if err := tx.RemoveControllerLogo(c.Request().Context(), ctl.ID, time.Now().UTC()); err != nil || ctl.LogoSHA256 == "" {
			return nil, err // no logo: nothing removed, no event
		}
		return events.LogoRemoved{}, nil
	})
	if err != nil {
		return err
	}
	h.log.Info("controller logo removed", "user_id", currentUser(c).ID, "controller_id", ctl.ID)
	h.flash(c, "The logo is removed: its pages and next letters show its name only.")
	return c.Redirect(http.StatusSeeOther, "/admin/controllers/"+ctl.Slug+"#logo")
}

// logo serves a controller's logo to anyone: its public pages and its letters show it. The type is
// the one sniffed when it was uploaded; nothing in the file can run (nosniff, a sandbox and no
// sources), and its hash is the validator.
func (h *Handler) logo(c echo.Context) error {
	slug := c.Param("controller")
	if slug == "" || len(slug) > setup.MaxSlug {
		return models.ErrNotFound
	}
	l, err := h.store.LogoOf(c.Request().Context(), slug)
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	etag := `"` + l.SHA256 + `"`
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "public, max-age=86400")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Content-Disposition", "inline")
	hd.Set("Last-Modified", l.UpdatedAt.UTC().Format(http.TimeFormat))
	if match := c.Request().Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, l.ContentType, l.Data)
}

// etagMatches reports whether an If-None-Match header names etag (or is *).
func etagMatches(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimPrefix(strings.TrimSpace(v), "W/")
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

// siteForm reads the site form.
func siteForm(c echo.Context) (setup.Site, string, error) {
	form, err := c.FormParams()
	if err != nil {
		return setup.Site{}, "", echo.NewHTTPError(http.StatusBadRequest)
	}
	return setup.Site{
		Slug: form.Get(setup.FieldSlug), Name: form.Get(setup.FieldSiteName), Domains: form.Get(setup.FieldDomains),
		Languages: form[setup.FieldLanguages], PolicyURL: form.Get(setup.FieldPolicyURL),
		PolicyVersion: form.Get(setup.FieldPolicyVersion), PolicyLanguage: form.Get(setup.FieldPolicyLanguage),
		ConsentBanner: form.Get(setup.FieldConsentBanner) != "", WithdrawalHow: form.Get(setup.FieldWithdrawalHow),
	}, form.Get(setup.FieldController), nil
}

func (h *Handler) renderSite(c echo.Context, status int, v views.SiteFormView) error {
	title := "Add a site"
	if !v.Creating {
		title = v.Site.Name
		cookies, err := h.store.Cookies(c.Request().Context(), v.Site.ID)
		if err != nil {
			return err
		}
		v.Cookies = len(cookies)
	} else {
		cs, err := h.store.Controllers(c.Request().Context())
		if err != nil {
			return err
		}
		v.Controllers = cs
	}
	noStore(c)
	return render(c, status, views.SiteFormPage(h.page(c, title), v))
}

// newSitePage is the form to add a site; ?controller= chooses the organisation. Without any
// organisation it says to add one first.
func (h *Handler) newSitePage(c echo.Context) error {
	cs, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		h.flash(c, "Add the organisation first: a site belongs to one.")
		return c.Redirect(http.StatusSeeOther, "/admin/controllers/new")
	}
	v := views.SiteFormView{Creating: true, Controller: cs[0], ChosenID: cs[0].ID}
	for _, ctl := range cs {
		if ctl.Slug == c.QueryParam("controller") {
			v.Controller, v.ChosenID = ctl, ctl.ID
		}
	}
	v.Form.Languages = []string{v.Controller.DefaultLanguage}
	return h.renderSite(c, http.StatusOK, v)
}

func (h *Handler) addSite(c echo.Context) error {
	ctx := c.Request().Context()
	in, slug, err := siteForm(c)
	if err != nil {
		return err
	}
	v := views.SiteFormView{Creating: true, Form: in}
	ctl, err := h.store.ControllerBySlug(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		_, fe := setup.CheckSite(in)
		if fe == nil {
			fe = setup.Errors{}
		}
		fe[setup.FieldController] = "Choose one of the organisations listed."
		v.Errors = fe
		return h.renderSite(c, http.StatusUnprocessableEntity, v)
	} else if err != nil {
		return err
	}
	v.Controller, v.ChosenID = ctl, ctl.ID
	site, err := setup.AddSite(ctx, h.store, by(c), ctl, in)
	if fe, ok := setupErrors(err); ok {
		v.Errors = fe
		return h.renderSite(c, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	h.log.Info("site added", "user_id", currentUser(c).ID, "site_id", site.ID)
	h.flash(c, "Added the site "+site.Name+". Next: import its cookie catalogue.")
	return c.Redirect(http.StatusSeeOther, "/admin/sites/"+site.Slug)
}

func (h *Handler) sitePage(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	return h.renderSite(c, http.StatusOK, views.SiteFormView{Site: site, Controller: *site.Controller, Form: setup.SiteOf(site)})
}

func (h *Handler) updateSite(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	in, _, err := siteForm(c)
	if err != nil {
		return err
	}
	_, err = setup.EditSite(c.Request().Context(), h.store, by(c), site, in)
	if fe, ok := setupErrors(err); ok {
		in.Slug = site.Slug
		return h.renderSite(c, http.StatusUnprocessableEntity, views.SiteFormView{Site: site, Controller: *site.Controller, Form: in, Errors: fe})
	}
	if err != nil {
		return err
	}
	h.log.Info("site changed", "user_id", currentUser(c).ID, "site_id", site.ID)
	h.flash(c, "Saved.")
	return c.Redirect(http.StatusSeeOther, "/admin/sites/"+site.Slug)
}

func (h *Handler) retireSite(c echo.Context) error  { return h.setSiteRetired(c, true) }
func (h *Handler) restoreSite(c echo.Context) error { return h.setSiteRetired(c, false) }

func (h *Handler) setSiteRetired(c echo.Context, retire bool) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	var at *time.Time
	msg := "Restored: the site is back on the public pages and takes requests again."
	if retire {
		now := time.Now().UTC()
		at = &now
		msg = "Retired: the site is off the public pages and takes no new request or consent withdrawal. Its cases go on."
	}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		if err := tx.RetireSite(c.Request().Context(), site.ID, at); err != nil || (site.RetiredAt != nil) == retire {
			return nil, err // already so: no event
		}
		if retire {
			return events.SiteRetired{Site: site.Slug}, nil
		}
		return events.SiteRestored{Site: site.Slug}, nil
	})
	if err != nil {
		return err
	}
	h.log.Info("site retired or restored", "user_id", currentUser(c).ID, "site_id", site.ID, "retired", retire)
	h.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, "/admin/sites/"+site.Slug)
}

// domainOf is the domain of site that host (the portal's, as the browser asked for it) belongs to,
// so that consent withdrawal expires cookies set for any of the site's domains; its main domain
// when host is under none.
func domainOf(site models.Site, host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range site.DomainList() {
		root, err := publicsuffix.EffectiveTLDPlusOne(d)
		if err == nil && (host == root || strings.HasSuffix(host, "."+root)) {
			return d
		}
	}
	return site.Domain
}

// requireOrganisation stands before the pages that show an organisation's work (the queue, the
// dashboard, the letters): someone who works for none yet sees what to do instead of an empty 404.
// An admin is shown how to set up the first organisation; anyone else whom to ask.
func (h *Handler) requireOrganisation(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, ok := c.Get(userContextKey).(models.User)
		if !ok {
			return next(c) // the role guard answers first
		}
		a, _, err := h.actor(c)
		if err != nil {
			return err
		}
		if len(a.Controllers) > 0 {
			return next(c)
		}
		v := views.NoOrganisationView{Admin: u.Role == models.RoleAdmin}
		title := "Set up your first organisation"
		if !v.Admin {
			title = "No organisation yet"
			if v.Admins, err = h.store.Admins(c.Request().Context()); err != nil {
				return err
			}
		}
		noStore(c)
		return render(c, http.StatusOK, views.NoOrganisation(h.page(c, title), v))
	}
}
