package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"rightsdesk/models"
	"rightsdesk/views"
)

func (h *Handler) home(c echo.Context) error {
	cs, err := h.store.Controllers(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Home(h.page(c, views.T(c.Request().Context(), "home.title")), cs))
}

func (h *Handler) cookies(c echo.Context) error {
	site, cookies, err := h.siteWithCookies(c, c.Param("site"))
	if err != nil {
		return err
	}
	h.controllerLanguage(c, site.Controller.DefaultLanguage)
	title := views.Tf(c.Request().Context(), "cookies.heading", map[string]any{"Site": site.Name})
	return render(c, http.StatusOK, views.Cookies(h.page(c, title), site, views.GroupCookies(cookies)))
}

// siteWithCookies loads a site by slug with its controller and current catalogue.
func (h *Handler) siteWithCookies(c echo.Context, slug string) (models.Site, []models.Cookie, error) {
	ctx := c.Request().Context()
	if slug == "" || len(slug) > 100 {
		return models.Site{}, nil, models.ErrNotFound
	}
	site, err := h.store.SiteBySlug(ctx, slug)
	if err != nil {
		return models.Site{}, nil, err
	}
	cookies, err := h.store.Cookies(ctx, site.ID)
	return site, cookies, err
}
