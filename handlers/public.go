package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"rightsdesk/models"
	"rightsdesk/views"
)

func (h *Handler) home(c echo.Context) error {
	all, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return err
	}
	// Visitors see the live sites only, and the organisations that have one.
	var cs []models.Controller
	for _, ctl := range all {
		if ctl.Sites = ctl.LiveSites(); len(ctl.Sites) > 0 {
			cs = append(cs, ctl)
		}
	}
	return render(c, http.StatusOK, views.Home(h.page(c, views.T(c.Request().Context(), "home.title")), cs))
}

func (h *Handler) cookies(c echo.Context) error {
	site, cookies, err := h.siteWithCookies(c, c.Param("site"))
	if err != nil {
		return err
	}
	h.controllerLanguage(c, site.DefaultLanguage())
	title := views.Tf(c.Request().Context(), "cookies.heading", map[string]any{"Site": site.Name})
	p := h.page(c, title)
	p.Brand = views.BrandOf(*site.Controller)
	return render(c, http.StatusOK, views.Cookies(p, site, views.GroupCookies(cookies)))
}

// siteWithCookies loads a site of the public pages by slug with its controller and current
// catalogue. A retired site is a *models.SiteRetiredError, in its controller's language: it takes
// no new request or consent withdrawal.
func (h *Handler) siteWithCookies(c echo.Context, slug string) (models.Site, []models.Cookie, error) {
	ctx := c.Request().Context()
	if slug == "" || len(slug) > 100 || !readable(slug) {
		return models.Site{}, nil, models.ErrNotFound
	}
	site, cookies, err := h.store.SiteWithCookies(ctx, slug)
	if err != nil {
		return models.Site{}, nil, err
	}
	if site.Retired() {
		h.controllerLanguage(c, site.DefaultLanguage())
		return site, nil, &models.SiteRetiredError{Site: site}
	}
	return site, cookies, nil
}
