package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/catalogue"
	"rightsdesk/events"
	"rightsdesk/locale"
	"rightsdesk/models"
	"rightsdesk/views"
)

// Cookie catalogues: admins keep each site's catalogue by hand (add, edit, retire, restore) or by
// importing a file in the shape of the policy tables (catalogue), which is previewed first and
// applied only if the catalogue is still the one previewed. Exports are the import's own format,
// and the public table per language for the site's policy.

// adminSite reads :site; a site that does not exist is a 404.
func (h *Handler) adminSite(c echo.Context) (models.Site, error) {
	slug := c.Param("site")
	if slug == "" || len(slug) > 100 {
		return models.Site{}, models.ErrNotFound
	}
	return h.store.SiteBySlug(c.Request().Context(), slug)
}

func cookieIDParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, models.ErrNotFound
	}
	return id, nil
}

func catalogueURL(site models.Site) string { return "/admin/sites/" + site.Slug + "/cookies" }

func (h *Handler) adminSites(c echo.Context) error {
	cs, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.SitesPage(h.page(c, "Sites"), cs))
}

func (h *Handler) adminCatalogue(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	return h.renderCatalogue(c, http.StatusOK, site, h.emptyCookieForm(site))
}

// emptyCookieForm is the add form as the page first shows it.
func (h *Handler) emptyCookieForm(site models.Site) views.CookieForm {
	return views.CookieForm{Values: map[string]string{
		catalogue.FieldParty: "first", catalogue.FieldCategory: models.CategoryNecessary,
		catalogue.FieldPurposeLanguage: site.PolicyLanguage,
	}}
}

func (h *Handler) renderCatalogue(c echo.Context, status int, site models.Site, add views.CookieForm) error {
	return h.renderCatalogueWith(c, status, site, add, nil)
}

// renderCatalogueWith shows the catalogue page; provider, when not nil, is a provider's form
// refused, shown with what was typed.
func (h *Handler) renderCatalogueWith(c echo.Context, status int, site models.Site, add views.CookieForm, provider *views.ProviderRow) error {
	all, err := h.store.AllCookies(c.Request().Context(), site.ID)
	if err != nil {
		return err
	}
	providers, err := h.providerRows(c, site, provider)
	if err != nil {
		return err
	}
	v := views.CatalogueView{Site: site, Add: add, Providers: providers}
	for _, ck := range all {
		if ck.RetiredAt == nil {
			v.Live = append(v.Live, ck)
		} else {
			v.Retired = append(v.Retired, ck)
		}
	}
	noStore(c)
	return render(c, status, views.CataloguePage(h.page(c, "Cookies of "+site.Name), v))
}

// cookieForm reads the add or edit form: every field of the catalogue by its key, and validates it
// as an import would.
func cookieForm(c echo.Context, site models.Site) (models.Cookie, views.CookieForm, error) {
	form, err := c.FormParams()
	if err != nil {
		return models.Cookie{}, views.CookieForm{}, echo.NewHTTPError(http.StatusBadRequest)
	}
	raw := map[string]string{}
	for _, f := range catalogue.Fields {
		raw[f] = form.Get(f)
	}
	if raw[catalogue.FieldIdentifying] == "" { // an unticked box sends nothing
		raw[catalogue.FieldIdentifying] = "no"
	}
	// The form states the lifetime field by field (its unit list is always sent; no kind chosen
	// is "not stated"); a client that sends only the text has it read as an import reads it.
	if form.Has(catalogue.FieldLifetimeUnit) || form.Has(catalogue.FieldLifetimeKind) {
		for _, f := range []string{catalogue.FieldLifetimeKind, catalogue.FieldLifetimeAmount, catalogue.FieldLifetimeUnit} {
			raw[f] = form.Get(f)
		}
	}
	row, errs := catalogue.Build(raw)
	ck := row.Cookie()
	ck.SiteID = site.ID
	if ck.PurposeLanguage == "" {
		ck.PurposeLanguage = site.PolicyLanguage
	}
	return ck, views.CookieForm{Values: raw, Errors: errs}, nil
}

// duplicateName says where the name a form gave is already used.
func (h *Handler) duplicateName(c echo.Context, site models.Site, name string) string {
	all, _ := h.store.AllCookies(c.Request().Context(), site.ID)
	for _, ck := range all {
		if ck.Name == name && ck.RetiredAt != nil {
			return "this catalogue already has a retired cookie with this name: restore it from the retired cookies instead"
		}
	}
	return "this catalogue already has a cookie with this name; each name appears once"
}

func (h *Handler) addCookie(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	ck, form, err := cookieForm(c, site)
	if err != nil {
		return err
	}
	if form.Errors != nil {
		return h.renderCatalogue(c, http.StatusUnprocessableEntity, site, form)
	}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		return events.CookieAdded{Site: site.Slug, Cookie: ck.Name}, tx.AddCookie(c.Request().Context(), &ck)
	})
	if errors.Is(err, models.ErrDuplicate) {
		form.Errors = map[string]string{catalogue.FieldName: h.duplicateName(c, site, ck.Name)}
		return h.renderCatalogue(c, http.StatusUnprocessableEntity, site, form)
	} else if err != nil {
		return err
	}
	h.log.Info("cookie added", "user_id", currentUser(c).ID, "site_id", site.ID, "cookie_id", ck.ID)
	h.flash(c, "Added the cookie "+ck.Name+".")
	return c.Redirect(http.StatusSeeOther, catalogueURL(site))
}

func (h *Handler) editCookiePage(c echo.Context) error {
	site, ck, err := h.siteCookie(c)
	if err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.CookiePage(h.page(c, "Cookie "+ck.Name), site, ck, views.CookieFormOf(ck)))
}

func (h *Handler) siteCookie(c echo.Context) (models.Site, models.Cookie, error) {
	site, err := h.adminSite(c)
	if err != nil {
		return site, models.Cookie{}, err
	}
	id, err := cookieIDParam(c)
	if err != nil {
		return site, models.Cookie{}, err
	}
	ck, err := h.store.CookieByID(c.Request().Context(), site.ID, id)
	return site, ck, err
}

func (h *Handler) updateCookie(c echo.Context) error {
	site, stored, err := h.siteCookie(c)
	if err != nil {
		return err
	}
	ck, form, err := cookieForm(c, site)
	if err != nil {
		return err
	}
	form.ID, ck.ID = stored.ID, stored.ID
	refuse := func() error {
		noStore(c)
		return render(c, http.StatusUnprocessableEntity, views.CookiePage(h.page(c, "Cookie "+stored.Name), site, stored, form))
	}
	if form.Errors != nil {
		return refuse()
	}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		if err := tx.UpdateCookie(c.Request().Context(), ck); err != nil {
			return nil, err
		}
		changed := catalogue.ChangedFields(stored, ck)
		if len(changed) == 0 {
			return nil, nil // saved unchanged: no event
		}
		d := events.CookieChanged{Site: site.Slug, Cookie: ck.Name, Changed: changed}
		if stored.Name != ck.Name {
			d.Was = stored.Name
		}
		return d, nil
	})
	if errors.Is(err, models.ErrDuplicate) {
		form.Errors = map[string]string{catalogue.FieldName: h.duplicateName(c, site, ck.Name)}
		return refuse()
	} else if err != nil {
		return err
	}
	h.log.Info("cookie changed", "user_id", currentUser(c).ID, "site_id", site.ID, "cookie_id", ck.ID)
	h.flash(c, "Saved the cookie "+ck.Name+".")
	return c.Redirect(http.StatusSeeOther, catalogueURL(site))
}

func (h *Handler) retireCookie(c echo.Context) error {
	site, ck, err := h.siteCookie(c)
	if err != nil {
		return err
	}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		if err := tx.RetireCookie(c.Request().Context(), site.ID, ck.ID, time.Now()); err != nil || ck.RetiredAt != nil {
			return nil, err // retired already: no event
		}
		return events.CookieRetired{Site: site.Slug, Cookie: ck.Name}, nil
	})
	if err != nil {
		return err
	}
	h.log.Info("cookie retired", "user_id", currentUser(c).ID, "site_id", site.ID, "cookie_id", ck.ID)
	h.flash(c, "Retired the cookie "+ck.Name+"; the requests that name it keep it.")
	return c.Redirect(http.StatusSeeOther, catalogueURL(site))
}

func (h *Handler) restoreCookie(c echo.Context) error {
	site, ck, err := h.siteCookie(c)
	if err != nil {
		return err
	}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		if err := tx.RestoreCookie(c.Request().Context(), site.ID, ck.ID); err != nil || ck.RetiredAt == nil {
			return nil, err // live already: no event
		}
		return events.CookieRestored{Site: site.Slug, Cookie: ck.Name}, nil
	})
	if err != nil {
		return err
	}
	h.log.Info("cookie restored", "user_id", currentUser(c).ID, "site_id", site.ID, "cookie_id", ck.ID)
	h.flash(c, "Restored the cookie "+ck.Name+", at the end of the catalogue.")
	return c.Redirect(http.StatusSeeOther, catalogueURL(site))
}

func (h *Handler) importPage(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	noStore(c)
	return render(c, http.StatusOK, views.ImportPage(h.page(c, "Import cookies of "+site.Name), views.ImportView{Site: site}))
}

// importForm reads the file (uploaded, else pasted) and its format, and parses it. v holds what
// the page shows again; rows is nil when the file is refused, with the reasons in v.Errors.
func importForm(c echo.Context, site models.Site) (v views.ImportView, rows []catalogue.Row, err error) {
	v = views.ImportView{Site: site, Format: c.FormValue("format"), Content: c.FormValue("content")}
	if v.Format != "" && v.Format != "csv" && v.Format != "json" {
		v.Format = ""
		v.Errors = []string{"Choose CSV, JSON or Detect as the format."}
		return v, nil, nil
	}
	if fh, ferr := c.FormFile("file"); ferr == nil && fh.Size > 0 {
		f, err := fh.Open()
		if err != nil {
			return v, nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, catalogue.MaxFileSize+1))
		if err != nil {
			return v, nil, err
		}
		v.Content = string(data)
	}
	if strings.TrimSpace(v.Content) == "" {
		v.Errors = []string{"Choose a file or paste its text."}
		return v, nil, nil
	}
	rows, errs := catalogue.Parse(strings.NewReader(v.Content), v.Format)
	if errs != nil {
		for _, e := range errs {
			v.Errors = append(v.Errors, e.Error())
		}
		if len(v.Content) > catalogue.MaxFileSize {
			v.Content = "" // not sent back: the page would be as large as the refused file
		}
		return v, nil, nil
	}
	return v, catalogue.WithLanguage(rows, site.PolicyLanguage), nil
}

func (h *Handler) importPreview(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	v, rows, err := importForm(c, site)
	if err != nil {
		return err
	}
	return h.renderImport(c, site, v, rows, http.StatusOK)
}

// renderImport shows the file's errors (422) or its preview against the current catalogue.
func (h *Handler) renderImport(c echo.Context, site models.Site, v views.ImportView, rows []catalogue.Row, status int) error {
	noStore(c)
	page := h.page(c, "Import cookies of "+site.Name)
	if rows == nil {
		return render(c, http.StatusUnprocessableEntity, views.ImportPage(page, v))
	}
	all, err := h.store.AllCookies(c.Request().Context(), site.ID)
	if err != nil {
		return err
	}
	p := catalogue.Diff(all, rows)
	if p.Providers, err = h.providerChanges(c, site, rows); err != nil {
		return err
	}
	v.Preview = &p
	return render(c, status, views.ImportPage(page, v))
}

func (h *Handler) importApply(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	v, rows, err := importForm(c, site)
	if err != nil || rows == nil {
		if err != nil {
			return err
		}
		return h.renderImport(c, site, v, nil, 0)
	}
	_, err = catalogue.Apply(c.Request().Context(), h.store, by(c), site, c.FormValue("fingerprint"), rows, time.Now())
	if errors.Is(err, models.ErrCatalogueChanged) {
		v.Notice = "The catalogue changed after this preview was made (someone edited or imported meanwhile), so nothing was applied. " +
			"Below is the preview against the catalogue as it is now: check it and apply again."
		return h.renderImport(c, site, v, rows, http.StatusConflict)
	}
	if err != nil {
		return err
	}
	provs := catalogue.Providers(rows)
	h.log.Info("cookie catalogue imported", "user_id", currentUser(c).ID, "site_id", site.ID, "cookies", len(rows), "providers", len(provs))
	msg := fmt.Sprintf("Imported the catalogue: %d cookies, in the file's order.", len(rows))
	if len(provs) > 0 {
		msg += fmt.Sprintf(" Recorded where %d provider(s) process the data.", len(provs))
	}
	h.flash(c, msg)
	return c.Redirect(http.StatusSeeOther, catalogueURL(site))
}

// providerChanges are the providers whose place the rows state otherwise than recorded.
func (h *Handler) providerChanges(c echo.Context, site models.Site, rows []catalogue.Row) ([]catalogue.ProviderChange, error) {
	recorded, err := h.store.SiteProviders(c.Request().Context(), site.ID)
	if err != nil {
		return nil, err
	}
	return catalogue.DiffProviders(models.PlainProviders(recorded), rows), nil
}

// liveRows is the site's live catalogue as rows, in its order, each third-party row with its
// provider's place where one is recorded.
func (h *Handler) liveRows(c echo.Context) (models.Site, []catalogue.Row, error) {
	site, err := h.adminSite(c)
	if err != nil {
		return site, nil, err
	}
	live, err := h.store.Cookies(c.Request().Context(), site.ID)
	if err != nil {
		return site, nil, err
	}
	provs, err := h.store.SiteProviders(c.Request().Context(), site.ID)
	if err != nil {
		return site, nil, err
	}
	rows := catalogue.WithPlaces(catalogue.FromCookies(live), models.PlainProviders(provs))
	return site, rows, nil
}

func attachment(c echo.Context, site models.Site, ext string) {
	name := strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(site.Slug))
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`-cookies.`+ext+`"`)
	noStore(c)
}

func (h *Handler) exportCatalogueCSV(c echo.Context) error {
	site, rows, err := h.liveRows(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := catalogue.WriteCSV(&buf, rows); err != nil {
		return err
	}
	attachment(c, site, "csv")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

func (h *Handler) exportCatalogueJSON(c echo.Context) error {
	site, rows, err := h.liveRows(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := catalogue.WriteJSON(&buf, rows); err != nil {
		return err
	}
	attachment(c, site, "json")
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", buf.Bytes())
}

// exportCookieTable renders the public table in ?lang= as a document of its own.
func (h *Handler) exportCookieTable(c echo.Context) error {
	lang := c.QueryParam("lang")
	if !locale.Supported(lang) {
		return models.ErrNotFound
	}
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	live, err := h.store.Cookies(c.Request().Context(), site.ID)
	if err != nil {
		return err
	}
	buf := new(bytes.Buffer)
	if err := views.CookieTableDocument(site, live).Render(locale.WithLanguage(c.Request().Context(), lang), buf); err != nil {
		return err
	}
	noStore(c)
	return c.HTML(http.StatusOK, buf.String())
}
