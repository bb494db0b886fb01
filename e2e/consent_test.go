package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rightsdesk/app"
	"rightsdesk/consent"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
)

// site is ESOMUS's web site for the test: its home page sets the identifying cookies and links to
// the portal's consent page, /sent shows which cookies the browser still sends, and /hook is its
// webhook endpoint.
type site struct {
	portal string
	mu     sync.Mutex
	hooks  []hookCall
}

type hookCall struct {
	signature string
	body      []byte
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/":
		// Set for the whole domain, as a site does whose privacy portal runs on a subdomain.
		for name, v := range map[string]string{"STCK_ID": "stck-e2e-51", "UID": "uid-e2e-7", "U2": "u2-e2e-3", "site_session": "keep-me"} {
			http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", Domain: "esomus.com", MaxAge: 3600})
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>ESOMUS</title><h1>ESOMUS</h1>
<a id="manage" href="%s/sites/esomus/consent">Manage or withdraw my cookie consent</a>`, s.portal)
	case "/sent":
		var names []string
		for _, c := range r.Cookies() {
			names = append(names, c.Name)
		}
		sort.Strings(names)
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>Sent</title><pre id="sent">[%s]</pre>`, strings.Join(names, " "))
	case "/hook":
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.hooks = append(s.hooks, hookCall{r.Header.Get(consent.HeaderSignature), body})
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func (s *site) calls() []hookCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hookCall(nil), s.hooks...)
}

// TestWithdrawingConsentRemovesTheCookies: a visitor on the site follows its link to the portal,
// which recognises the browser by the site's own cookies; the visitor withdraws analytics consent,
// the site's analytics cookies are gone from the browser, and the site is told by its webhook.
func TestWithdrawingConsentRemovesTheCookies(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Config: app.Config{WebhookAllowPrivate: true}})
			// The site runs on www.esomus.com and the portal on privacy.esomus.com, both resolved
			// to this machine by the browser: the portal stands on the site's registrable domain,
			// the only place where it can expire the site's cookies (consent.CanExpire).
			_, portalPort, _ := net.SplitHostPort(strings.TrimPrefix(p.URL, "http://"))
			s := &site{portal: "http://privacy.esomus.com:" + portalPort}
			srv := httptest.NewServer(s)
			defer srv.Close()
			_, sitePort, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
			siteURL := "http://www.esomus.com:" + sitePort
			ctx := context.Background()
			esomus, err := p.Store.SiteBySlug(ctx, "esomus")
			if err != nil {
				t.Fatal(err)
			}
			secret, err := p.Store.SetWebhook(ctx, esomus.ID, srv.URL+"/hook")
			if err != nil {
				t.Fatal(err)
			}
			b := browser(t, chromedp.Flag("host-resolver-rules", "MAP *.esomus.com 127.0.0.1"))

			step(t, b, "visit the site, then check the cookies it set",
				chromedp.Navigate(siteURL+"/"),
				chromedp.WaitVisible(chromedp.ID("manage")),
				chromedp.Navigate(siteURL+"/sent"),
				chromedp.WaitVisible(chromedp.ID("sent")),
			)
			if sent := get(t, b, "cookies sent", chromedp.Text(chromedp.ID("sent"))); sent != "[STCK_ID U2 UID site_session]" {
				t.Fatalf("the site's cookies: %s", sent)
			}
			step(t, b, "follow the site's link to the portal",
				chromedp.Navigate(siteURL+"/"),
				chromedp.WaitVisible(chromedp.ID("manage")),
				submit(chromedp.ID("manage")),
				chromedp.WaitVisible(chromedp.ID("category-analytics")),
			)
			known := get(t, b, "identifiers", chromedp.Text(chromedp.CSS("ul.identifiers")))
			for _, want := range []string{"STCK_ID", "stck-e2e-51", "UID", "uid-e2e-7", "U2"} {
				if !strings.Contains(known, want) {
					t.Errorf("the portal does not show %s among the browser's identifiers: %q", want, known)
				}
			}
			shot(t, b, "consent-form")
			step(t, b, "withdraw analytics consent",
				chromedp.Click(chromedp.ID("category-analytics")),
				submit(chromedp.CSS(`main form button[type=submit]`)),
				chromedp.WaitVisible(chromedp.ID("receipt")),
			)
			receipt := get(t, b, "receipt", chromedp.Text(chromedp.ID("receipt")))
			if !strings.HasPrefix(receipt, "CW-") {
				t.Fatalf("receipt %q", receipt)
			}
			shot(t, b, "consent-done")
			step(t, b, "back on the site",
				chromedp.Navigate(siteURL+"/sent"),
				chromedp.WaitVisible(chromedp.ID("sent")),
			)
			sent := get(t, b, "cookies sent after", chromedp.Text(chromedp.ID("sent")))
			for _, gone := range []string{"STCK_ID", "UID", "U2"} {
				if strings.Contains(sent, gone) {
					t.Errorf("after the withdrawal the browser still sends %s: %s", gone, sent)
				}
			}
			if !strings.Contains(sent, "site_session") {
				t.Errorf("the withdrawal removed the site's necessary cookie too: %s", sent)
			}

			// The site hears of it through its webhook, signed with its secret.
			deadline := time.Now().Add(20 * time.Second)
			for len(s.calls()) == 0 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			calls := s.calls()
			if len(calls) != 1 {
				t.Fatalf("webhook calls: %d", len(calls))
			}
			if err := consent.Verify(secret, calls[0].signature, calls[0].body, time.Now(), 5*time.Minute); err != nil {
				t.Errorf("webhook signature: %v", err)
			}
			for _, want := range []string{receipt, `"categories":["analytics"]`, `"value":"stck-e2e-51"`, `"provenance":"browser"`} {
				if !strings.Contains(string(calls[0].body), want) {
					t.Errorf("webhook body lacks %s: %s", want, calls[0].body)
				}
			}
		})
	}
}
