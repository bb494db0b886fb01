package handlers

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/access"
	"rightsdesk/events"
	"rightsdesk/models"
	"rightsdesk/views"
)

// Providers (issue 14): on a site's catalogue page, admins record where each third-party provider
// of its live cookies processes the data and, outside the EU/EEA, the safeguard of the transfer,
// which answers to access requests tell the requester (Art. 15(2)). The checks are
// access.CheckProvider's, as an import's.

// providerRows are the site's providers as the page shows them; failed, when not nil, replaces
// the row of its provider with what was typed and why it was refused.
func (h *Handler) providerRows(c echo.Context, site models.Site, failed *views.ProviderRow) ([]views.ProviderRow, error) {
	ps, err := h.store.SiteProviders(c.Request().Context(), site.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]views.ProviderRow, len(ps))
	for i, p := range ps {
		rows[i] = views.ProviderRow{Index: i, Name: p.Name, Country: p.Country, Safeguard: string(p.Safeguard), Text: p.SafeguardText,
			Recorded: p.Country != ""}
		if failed != nil && failed.Name == p.Name {
			f := *failed
			f.Index, f.Recorded = i, rows[i].Recorded
			rows[i] = f
		}
	}
	return rows, nil
}

func (h *Handler) saveProvider(c echo.Context) error {
	site, err := h.adminSite(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	ctx := c.Request().Context()
	name := form.Get("provider")
	names, err := h.store.CookieRecipients(ctx, site.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(names, name) {
		return models.ErrNotFound // no live third-party cookie of the site names it
	}
	typed := views.ProviderRow{Name: name, Country: form.Get(access.CountryField), Safeguard: form.Get(access.SafeguardField),
		Text: form.Get(access.SafeguardTextField)}
	p, errs := access.CheckProvider(access.Provider{Name: name, Country: typed.Country, Safeguard: access.Safeguard(typed.Safeguard), Text: typed.Text})
	if errs != nil {
		typed.Errors = errs
		return h.renderCatalogueWith(c, http.StatusUnprocessableEntity, site, h.emptyCookieForm(site), &typed)
	}
	row := models.Provider{SiteID: site.ID, Name: p.Name, Country: p.Country, Safeguard: p.Safeguard, SafeguardText: p.Text, UpdatedAt: time.Now()}
	err = h.audited(c, site.ControllerID, func(tx *models.Tx) (events.Detail, error) {
		return events.ProviderSaved{Site: site.Slug, Provider: p.Name, Country: p.Country, Safeguard: string(p.Safeguard)},
			tx.SaveSiteProvider(ctx, &row)
	})
	if err != nil {
		return err // a cookie retired meanwhile: ErrNotFound
	}
	h.log.Info("provider recorded", "user_id", currentUser(c).ID, "site_id", site.ID, "provider", p.Name,
		"country", p.Country, "safeguard", string(p.Safeguard))
	h.flash(c, "Saved where "+p.Name+" processes the data: "+views.ProviderPlace(p)+".")
	return c.Redirect(http.StatusSeeOther, catalogueURL(site)+"#providers")
}
