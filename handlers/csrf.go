package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"rightsdesk/models"
)

// Forms carry a token bound to who is asking, so that a token is worth nothing with anyone
// else's cookies:
//   - for a logged-in user, to a secret kept in the server-side session (a new one at each login,
//     gone at logout);
//   - for a visitor, to a random value in a cookie the portal signed, under the __Host- prefix on
//     https so that no sibling subdomain can set it.
//
// The token is read from the form body or the X-CSRF-Token header, never the query string. No
// library binds a token to our scs session (Echo's and gorilla's are double-submit cookies, which
// a cookie set from a sibling subdomain defeats), so this is ours; it is small.
const (
	csrfField         = "_csrf"
	csrfHeader        = "X-CSRF-Token"
	sessionCSRFKey    = "csrf_secret"
	visitorCookieName = "rightsdesk_visitor"
)

// cookieName puts the __Host- prefix on a cookie's name when the portal runs on https: the
// browser then accepts it only with Secure, Path=/ and no Domain, which a subdomain cannot set.
func (h *Handler) cookieName(name string) string {
	if h.secure() {
		return "__Host-" + name
	}
	return name
}

func (h *Handler) secure() bool { return strings.HasPrefix(h.cfg.BaseURL, "https://") }

// mac is the HMAC of the parts under the portal's CSRF key.
func (h *Handler) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, h.csrfKey)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrf puts the asker's token in the context for the forms, and refuses a state-changing request
// that does not carry it. It runs after the session and the user are loaded.
func (h *Handler) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if skipCSRF(c.Path()) {
			return next(c)
		}
		binding := h.csrfBinding(c)
		want := base64.RawURLEncoding.EncodeToString(h.mac("csrf", binding))
		c.Set(csrfContextKey, want)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		got := c.Request().Header.Get(csrfHeader)
		if got == "" {
			got = formToken(c.Request())
		}
		if !hmac.Equal([]byte(got), []byte(want)) {
			return errCSRF
		}
		return next(c)
	}
}

// skipCSRF: the API authenticates with a key in a header, never a cookie, so no forged form can
// use it; static files and probes change nothing.
func skipCSRF(path string) bool {
	return strings.HasPrefix(path, "/static") || strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz"
}

// formToken reads the token from the parsed body only (parseForms parsed it): r.FormValue would
// also read the query string, where a token leaks into logs and Referer headers.
func formToken(r *http.Request) string {
	if r.MultipartForm != nil {
		if v := r.MultipartForm.Value[csrfField]; len(v) > 0 {
			return v[0]
		}
	}
	return r.PostForm.Get(csrfField)
}

// csrfBinding returns what the token is bound to: the session's secret for a logged-in user, the
// visitor cookie otherwise (set now when missing or not signed by the portal).
func (h *Handler) csrfBinding(c echo.Context) string {
	ctx := c.Request().Context()
	if _, ok := c.Get(userContextKey).(models.User); ok {
		secret := h.sessions.GetString(ctx, sessionCSRFKey)
		if secret == "" { // a session from before the secret existed
			secret = random()
			h.sessions.Put(ctx, sessionCSRFKey, secret)
		}
		return "session\x00" + secret
	}
	if ck, err := c.Cookie(h.cookieName(visitorCookieName)); err == nil {
		if id, sig, ok := strings.Cut(ck.Value, "."); ok && hmac.Equal([]byte(sig), []byte(h.visitorSig(id))) {
			return "visitor\x00" + id
		}
	}
	id := random()
	c.SetCookie(&http.Cookie{
		Name: h.cookieName(visitorCookieName), Value: id + "." + h.visitorSig(id), Path: "/",
		HttpOnly: true, Secure: h.secure(), SameSite: http.SameSiteLaxMode, MaxAge: 7 * 24 * 3600, // a form may stay open a while
	})
	return "visitor\x00" + id
}

func (h *Handler) visitorSig(id string) string {
	return base64.RawURLEncoding.EncodeToString(h.mac("visitor", id))
}
