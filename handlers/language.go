package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"rightsdesk/locale"
)

// languageCookieAge is how long a visitor's explicit choice of language is kept.
const languageCookieAge = 365 * 24 * time.Hour

// staffArea reports whether path belongs to the staff side, which is in English only.
func staffArea(path string) bool {
	for _, area := range []string{"/staff", "/admin", "/manager", "/api"} {
		if path == area || strings.HasPrefix(path, area+"/") {
			return true
		}
	}
	return false
}

// withLanguage is the middleware that puts the page language into the request's context, where
// the views read it: English on staff pages; elsewhere the visitor's choice (cookie), else the
// browser's Accept-Language, else English. Pages tied to a controller refine it with
// h.controllerLanguage.
func (h *Handler) withLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		path := c.Request().URL.Path
		lang := locale.Fallback
		if !staffArea(path) {
			lang = locale.Choose(c.Request(), "")
		}
		setLanguage(c, lang)
		if !strings.HasPrefix(path, "/static/") {
			c.Response().Header().Add("Vary", "Accept-Language, Cookie")
		}
		return next(c)
	}
}

// controllerLanguage refines the page language of a page tied to a controller (or a case): the
// visitor's choice, else Accept-Language, else def (the controller's default language, or the
// case's language), else English. It returns the language chosen.
func (h *Handler) controllerLanguage(c echo.Context, def string) string {
	if staffArea(c.Request().URL.Path) {
		return locale.Fallback
	}
	lang := locale.Choose(c.Request(), def)
	setLanguage(c, lang)
	return lang
}

func setLanguage(c echo.Context, lang string) {
	r := c.Request()
	c.SetRequest(r.WithContext(locale.WithLanguage(r.Context(), lang)))
	c.Response().Header().Set("Content-Language", lang)
}

// language is the language switch: GET /language?lang=nl&next=/sites/esomus/cookies sets the
// visitor's choice for a year and goes back to next, a path on this site (anything else goes to
// the start page, so the switch is no open redirect). An unknown language changes nothing.
func (h *Handler) language(c echo.Context) error {
	noStore(c)
	if lang := c.QueryParam("lang"); locale.Supported(lang) {
		c.SetCookie(&http.Cookie{
			Name:     locale.CookieName,
			Value:    lang,
			Path:     "/",
			MaxAge:   int(languageCookieAge / time.Second),
			Expires:  time.Now().Add(languageCookieAge),
			HttpOnly: true,
			Secure:   strings.HasPrefix(h.cfg.BaseURL, "https://"),
			SameSite: http.SameSiteLaxMode,
		})
	}
	return c.Redirect(http.StatusSeeOther, localPath(c.QueryParam("next")))
}

// localPath returns next when it is a path on this site, else "/". It refuses what a browser
// could read as another origin: "//host", "/\host", a scheme, a host, control characters.
func localPath(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// switchPath is where the language switch of the page being rendered brings the visitor back:
// the page itself for a GET, the start page otherwise; none on staff pages.
func switchPath(c echo.Context) string {
	r := c.Request()
	if staffArea(r.URL.Path) {
		return ""
	}
	if r.Method != http.MethodGet {
		return "/"
	}
	// The switch itself is a GET: never come back to it.
	if r.URL.Path == "/language" {
		return "/"
	}
	return localPath(r.URL.RequestURI())
}
