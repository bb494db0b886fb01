// Package testapp starts the whole portal for HTTP and browser tests: a fresh migrated database of
// the chosen dialect with the seed catalogue and the demo admin, the real handlers on an
// httptest server, and optionally the background workers with an SMTP server.
package testapp

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/publicsuffix"

	"rightsdesk/app"
	"rightsdesk/demo"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/password"
)

// Portal is a running portal.
type Portal struct {
	URL   string
	App   *app.App
	Store *models.Store
	DB    models.Options // where its database is, for a second process (the CLI) on the same one
	srv   *httptest.Server
}

// Options change the portal a test starts.
type Options struct {
	Dialect string     // models.SQLite (default) or models.Postgres
	Config  app.Config // merged over the defaults (DatabaseURL, DataDir and BaseURL are set here)
	Workers bool       // run the job queue (letters, reminders, sweeps) in the background
	// Empty starts from an empty database, as a fresh install: no controller, no site, no account.
	Empty bool
}

// Start runs a portal until the test ends.
func Start(t testing.TB, o Options) *Portal {
	t.Helper()
	if o.Dialect == "" {
		o.Dialect = models.SQLite
	}
	srv := httptest.NewUnstartedServer(nil)
	cfg := o.Config
	dbo := testdb.Migrated(t, o.Dialect)
	cfg.DatabaseURL, cfg.DataDir = dbo.DatabaseURL, dbo.DataDir
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	if cfg.MailFrom == "" {
		cfg.MailFrom = app.DefaultMailFrom
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 100 * time.Millisecond
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("start portal on %s: %v", o.Dialect, err)
	}
	if !o.Empty {
		seed(t, ctx, a.Store)
	}
	srv.Config.Handler = a.Handler()
	srv.Start()
	done := make(chan struct{})
	if o.Workers {
		go func() { a.RunWorkers(ctx); close(done) }()
	} else {
		close(done)
	}
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-done
		a.Close()
	})
	return &Portal{URL: srv.URL, App: a, Store: a.Store, DB: dbo, srv: srv}
}

// seed writes the seed catalogue, the admin and a member of staff of both seed controllers.
func seed(t testing.TB, ctx context.Context, st *models.Store) {
	t.Helper()
	_, ids, err := demo.LoadCatalogue(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	admin := models.User{Email: AdminEmail, Name: "Ada Admin", Role: models.RoleAdmin, PasswordHash: adminHash(), Active: true}
	if err := st.CreateUser(ctx, &admin, ids); err != nil {
		t.Fatal(err)
	}
	staff := models.User{Email: StaffEmail, Name: "Sam Staff", Role: models.RoleStaff, PasswordHash: staffHash(), Active: true}
	if err := st.CreateUser(ctx, &staff, ids); err != nil {
		t.Fatal(err)
	}
}

// Accounts every test portal has.
const (
	AdminEmail    = "ada@portal.test"
	AdminPassword = "admin-test-password-1"
	StaffEmail    = "sam@portal.test"
	StaffPassword = "staff-test-password-1"
)

// The accounts' password hashes, computed once per test process: argon2id is deliberately slow,
// and more so under the race detector.
var (
	adminHash = sync.OnceValue(func() string { h, _ := password.Hash(AdminPassword); return h })
	staffHash = sync.OnceValue(func() string { h, _ := password.Hash(StaffPassword); return h })
)

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// Client is a browser-like HTTP client: it keeps cookies and does not follow redirects, so tests
// see each 303.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	// Header is added to every request (e.g. X-Forwarded-For, to come from another address).
	Header http.Header
}

// Client returns a new client with an empty cookie jar.
func (p *Portal) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: p.URL, HTTP: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}}
}

// ClientAt returns a new client that reaches the portal under another host name, as when it runs
// on a site's own domain (privacy.esomus.com): every connection goes to the test server, and the
// cookie jar keeps cookies per that host name, domain cookies included.
func (p *Portal) ClientAt(t testing.TB, host string) *Client {
	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	addr := p.srv.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	dial := (&net.Dialer{Timeout: 5 * time.Second}).DialContext
	return &Client{t: t, base: "http://" + net.JoinHostPort(host, port), HTTP: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dial(ctx, network, addr)
		}},
	}}
}

// Response is a response with its body read.
type Response struct {
	*http.Response
	Body string
}

// Do sends a request.
func (c *Client) Do(req *http.Request) Response {
	c.t.Helper()
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return Response{Response: res, Body: string(b)}
}

// Get fetches path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.abs(path), nil)
	return c.Do(req)
}

// Post sends form values to path as a browser form would.
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// SetCookie stores a cookie for the portal's host, as if the site had set it.
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.base)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// SetDomainCookie stores a cookie for domain and its subdomains, as a site on that domain sets it.
func (c *Client) SetDomainCookie(domain, name, value string) {
	u, _ := url.Parse(c.base)
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/", Domain: domain}})
}

// Base is the address the client reaches the portal at.
func (c *Client) Base() string { return c.base }

func (c *Client) abs(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return c.base + path
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// CSRF returns the CSRF token of the first form in body.
func CSRF(t testing.TB, body string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", body)
	}
	return m[1]
}

// Login logs the client in.
func (c *Client) Login(email, pw string) Response {
	c.t.Helper()
	page := c.Get("/staff/login")
	return c.Post("/staff/login", url.Values{"_csrf": {CSRF(c.t, page.Body)}, "email": {email}, "password": {pw}})
}
