package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/labstack/echo/v4"
)

// TestCookiesOnHTTPSCarryTheHostPrefix: on https the visitor's CSRF cookie and the session cookie
// are __Host- cookies (Secure, Path=/, no Domain), which no sibling subdomain can set.
func TestCookiesOnHTTPSCarryTheHostPrefix(t *testing.T) {
	for base, prefix := range map[string]string{"https://rights.example.be": "__Host-", "http://127.0.0.1:8080": ""} {
		h := New(nil, nil, nil, memstore.New(), Config{BaseURL: base}, nil)
		e := echo.New()
		rec := httptest.NewRecorder()
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/requests/new", nil), rec)
		if err := h.csrf(func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })(c); err != nil {
			t.Fatal(err)
		}
		cookie := rec.Header().Get("Set-Cookie")
		if !strings.HasPrefix(cookie, prefix+visitorCookieName+"=") || strings.Contains(cookie, "Domain=") ||
			!strings.Contains(cookie, "Path=/") || strings.Contains(cookie, "Secure") != (prefix != "") || !strings.Contains(cookie, "HttpOnly") {
			t.Errorf("%s: visitor cookie %q", base, cookie)
		}
		if got := h.sessions.Cookie.Name; got != prefix+"rightsdesk_session" {
			t.Errorf("%s: session cookie %q", base, got)
		}
	}
}
