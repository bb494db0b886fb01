package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
)

// TestFilingWritesNoSession: an anonymous filing keeps what the "check your e-mail" page shows in
// a sealed cookie, not in a session row; the cookie holds no readable e-mail address, and one that
// was altered, or comes from another portal's key, shows nothing.
func TestFilingWritesNoSession(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		before, err := p.Store.CountSessions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		c := p.Client(t)
		res := c.Post("/requests", filing(testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body)))
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: %d", res.StatusCode)
		}
		var sealed string
		for _, ck := range res.Cookies() {
			if ck.Name == "rightsdesk_filed" {
				sealed = ck.Value
				if !ck.HttpOnly || ck.Path != "/" || ck.MaxAge <= 0 {
					t.Errorf("cookie: %+v", ck)
				}
			}
		}
		if sealed == "" || strings.Contains(sealed, "alice") {
			t.Fatalf("sealed cookie %q", sealed)
		}
		expect(t, c.Get("/requests/filed"), 200, "DSR-", "alice@example.org")
		if after, _ := p.Store.CountSessions(ctx); after != before {
			t.Errorf("an anonymous filing wrote %d session row(s)", after-before)
		}

		// Altered: one character of the sealed value changed.
		forged := p.Client(t)
		b := []byte(sealed)
		b[len(b)/2] ^= 1
		if b[len(b)/2] == '-' || b[len(b)/2] == '_' {
			b[len(b)/2] = 'A'
		}
		forged.Header = http.Header{}
		forged.Header.Set("Cookie", "rightsdesk_filed="+string(b))
		if res := forged.Get("/requests/filed"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Errorf("altered cookie: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		// A fresh visitor has none.
		if res := p.Client(t).Get("/requests/filed"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("no cookie: %d", res.StatusCode)
		}
	})
}
