package intakebench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"rightsdesk/app"
	"rightsdesk/handlers"
	"rightsdesk/internal/testapp"
	"rightsdesk/models"
)

var (
	round   = flag.Duration("intake.round", 5*time.Second, "length of one load round")
	rounds  = flag.Int("intake.rounds", 2, "rounds per side and client count, alternating bare and portal")
	clients = flag.String("intake.clients", "1,8,32", "client counts to load with")
)

// BenchmarkIntake files requests through the portal's POST /requests on PostgreSQL and through a
// bare baseline — an Echo handler that parses the same form and writes a case, an event and a
// letter in one pgx transaction — alternating rounds of the two on the same database, so that a
// noisy machine affects both alike. It prints req/s and p50/p95/p99 per side and client count, and
// the portal's share of the baseline's throughput. Run by hand: make bench-intake (flags
// -intake.round, -intake.rounds and -intake.clients after -args).
func BenchmarkIntake(b *testing.B) {
	if os.Getenv("RIGHTSDESK_BENCH_INTAKE") == "" {
		b.Skip("a minute of load: run by hand with make bench-intake")
	}
	if b.N > 1 {
		b.Skip("one pass is the measurement: run with -benchtime 1x")
	}
	ctx := context.Background()
	p := testapp.Start(b, testapp.Options{Dialect: models.Postgres, Config: app.Config{
		Handlers: handlers.Config{FilingRate: rate.Inf, FilingBurst: 1 << 20},
	}})
	bare := startBare(b, p.DB.DatabaseURL)
	schema := startSchema(b, p.DB.DatabaseURL)

	var counts []int
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			b.Fatalf("intake.clients: %q", s)
		}
		counts = append(counts, n)
	}
	fmt.Printf("intake on PostgreSQL, %d rounds of %s per side, alternating (GOMAXPROCS %s)\n", *rounds, *round, os.Getenv("GOMAXPROCS"))
	fmt.Printf("%-8s %7s %10s %9s %9s %9s %9s\n", "side", "clients", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	for _, n := range counts {
		var sides [3]result
		for r := 0; r < *rounds; r++ {
			sides[0].add(load(b, n, *round, bare.URL, bareSession))
			sides[1].add(load(b, n, *round, p.URL, portalSession))
			sides[2].add(load(b, n, *round, schema.URL, bareSession))
		}
		for i, name := range []string{"bare", "portal", "schema"} {
			s := sides[i]
			fmt.Printf("%-8s %7d %10.0f %9.1f %9.1f %9.1f %9d\n", name, n, s.rate(), s.pct(50), s.pct(95), s.pct(99), s.errors)
			b.ReportMetric(s.rate(), fmt.Sprintf("%s-req/s-%dc", name, n))
			b.ReportMetric(s.pct(99), fmt.Sprintf("%s-p99-ms-%dc", name, n))
		}
		ratio := sides[1].rate() / sides[0].rate()
		fmt.Printf("%-8s %7d %9.0f%%\n", "ratio", n, 100*ratio)
		b.ReportMetric(100*ratio, fmt.Sprintf("portal-%%-of-bare-%dc", n))
		schemaRatio := sides[2].rate() / sides[0].rate()
		fmt.Printf("%-8s %7d %9.0f%%   (the portal's own rows and indexes, written bare)\n", "schema", n, 100*schemaRatio)
		fmt.Printf("%-8s %7d %9.0f%%   (the portal's share of what its schema allows)\n", "portal", n, 100*sides[1].rate()/sides[2].rate())
		b.ReportMetric(100*schemaRatio, fmt.Sprintf("schema-%%-of-bare-%dc", n))
	}

	cases, err := p.Store.CountCases(ctx)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("cases filed through the portal: %d; RSS of the benchmark process (portal and load): %s\n", cases, rss())
}

// result gathers the rounds of one side and client count.
type result struct {
	done    int64
	elapsed time.Duration
	errors  int64
	lat     []time.Duration
}

func (r *result) add(o result) {
	r.done += o.done
	r.elapsed += o.elapsed
	r.errors += o.errors
	r.lat = append(r.lat, o.lat...)
}

func (r result) rate() float64 { return float64(r.done) / r.elapsed.Seconds() }

func (r result) pct(p int) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	l := slices.Clone(r.lat)
	slices.Sort(l)
	return float64(l[min(len(l)-1, len(l)*p/100)].Microseconds()) / 1000
}

// session prepares one client: a cookie jar and the form values it posts (its CSRF token).
type session func(b *testing.B, c *http.Client, base string) url.Values

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// portalSession opens the filing form as a visitor would, for its CSRF token and cookie.
func portalSession(b *testing.B, c *http.Client, base string) url.Values {
	res, err := c.Get(base + "/requests/new?site=esomus")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		b.Fatalf("no CSRF token on the form (%d)", res.StatusCode)
	}
	f := form()
	f.Set("_csrf", string(m[1]))
	return f
}

func bareSession(*testing.B, *http.Client, string) url.Values { return form() }

// form is a realistic filing: two rights, a typed identifier, some details.
func form() url.Values {
	return url.Values{
		"site": {"esomus"}, "kinds": {"access", "erasure"},
		"email": {"alice@example.org"}, "name": {"Alice Martin"}, "language": {"fr"}, "country": {"FR"},
		"details":      {"Please tell me what you hold about me and then erase it."},
		"typed_name_0": {"UID"}, "typed_value_0": {"u-42"},
	}
}

// load posts filings from n clients for d and measures each one; a filing counts when it gets the
// portal's 303 (or the baseline's).
func load(b *testing.B, n int, d time.Duration, base string, open session) result {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		out    result
		errs   atomic.Int64
		stop   = make(chan struct{})
		starts = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		jar := &jarOf{}
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			Transport: &http.Transport{MaxIdleConnsPerHost: 2}}
		f := open(b, c, base)
		body := f.Encode()
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			<-starts
			for {
				select {
				case <-stop:
					mu.Lock()
					out.lat = append(out.lat, lat...)
					mu.Unlock()
					return
				default:
				}
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodPost, base+"/requests", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := c.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					errs.Add(1)
					continue
				}
				lat = append(lat, time.Since(t0))
			}
		}()
	}
	t0 := time.Now()
	close(starts)
	time.Sleep(d)
	close(stop)
	wg.Wait()
	out.elapsed = time.Since(t0)
	out.done = int64(len(out.lat))
	out.errors = errs.Load()
	return out
}

// jarOf keeps the cookies of one client for the one host it talks to.
type jarOf struct {
	mu sync.Mutex
	cs []*http.Cookie
}

func (j *jarOf) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range cs {
		j.cs = slices.DeleteFunc(j.cs, func(o *http.Cookie) bool { return o.Name == c.Name })
		if c.MaxAge >= 0 {
			j.cs = append(j.cs, c)
		}
	}
}

func (j *jarOf) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.cs)
}

// startBare serves the baseline on the portal's database: the same form parsed, and a case, an
// event and a letter written in one transaction, in tables of its own.
func startBare(b *testing.B, databaseURL string) *httptest.Server {
	ctx := context.Background()
	pool := newPool(b, databaseURL)
	_, err := pool.Exec(ctx, `
		CREATE TABLE bare_cases (id BIGSERIAL PRIMARY KEY, site TEXT NOT NULL, kinds TEXT NOT NULL, email TEXT NOT NULL,
			name TEXT NOT NULL, language TEXT NOT NULL, country TEXT NOT NULL, details TEXT NOT NULL, received_at TIMESTAMPTZ NOT NULL);
		CREATE TABLE bare_events (id BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES bare_cases (id), at TIMESTAMPTZ NOT NULL,
			type TEXT NOT NULL, message TEXT NOT NULL);
		CREATE TABLE bare_letters (id BIGSERIAL PRIMARY KEY, case_id BIGINT NOT NULL REFERENCES bare_cases (id), recipient TEXT NOT NULL,
			subject TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)`)
	if err != nil {
		b.Fatal(err)
	}
	return serveBaseline(b, pool, func(ctx context.Context, tx pgx.Tx, f url.Values, now time.Time) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO bare_cases (site, kinds, email, name, language, country, details, received_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, f.Get("site"), strings.Join(f["kinds"], ","), f.Get("email"),
			f.Get("name"), f.Get("language"), f.Get("country"), f.Get("details"), now).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO bare_events (case_id, at, type, message) VALUES ($1, $2, 'filed', 'Request filed.')`, id, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO bare_letters (case_id, recipient, subject, body, status, created_at)
			VALUES ($1, $2, 'Confirm your request', 'Click the link.', 'queued', $3)`, id, f.Get("email"), now)
		return err
	})
}

// newPool is a pgx pool on the database, closed at the end.
func newPool(b *testing.B, databaseURL string) *pgxpool.Pool {
	pool, err := pgxpool.New(context.Background(), databaseURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// serveBaseline serves POST /requests as a baseline does: the form parsed, write run in one
// transaction, 303 once committed.
func serveBaseline(b *testing.B, pool *pgxpool.Pool, write func(ctx context.Context, tx pgx.Tx, f url.Values, now time.Time) error) *httptest.Server {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.POST("/requests", func(c echo.Context) error {
		f, err := c.FormParams()
		if err != nil || f.Get("email") == "" {
			return c.NoContent(http.StatusBadRequest)
		}
		ctx := c.Request().Context()
		tx, err := pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := write(ctx, tx, f, time.Now()); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/requests/filed")
	})
	srv := httptest.NewServer(e)
	b.Cleanup(srv.Close)
	return srv
}

// startSchema serves a second baseline that writes, with pgx and no more, the rows a filing of
// the portal writes, into the portal's own tables with their indexes: the case (reference from
// the year's sequence), its two rights and typed identifier, the unsealed event and the
// verification letter (a fixed body of the portal's letter's size; no job, so no worker sends
// it). It tells how much of the gap to the bare baseline is the schema's — 17 indexes on cases,
// 7 on events, 6 on letters, kept for the queue, the search, the dashboard and the audit trail —
// and how much the portal's own work.
func startSchema(b *testing.B, databaseURL string) *httptest.Server {
	pool := newPool(b, databaseURL)
	var siteID, controllerID, cookieID int64
	err := pool.QueryRow(context.Background(), `SELECT s.id, s.controller_id, c.id FROM sites s JOIN cookies c ON c.site_id = s.id
		WHERE s.slug = 'esomus' AND c.name = 'UID'`).Scan(&siteID, &controllerID, &cookieID)
	if err != nil {
		b.Fatal(err)
	}
	textBody, htmlBody := strings.Repeat("Confirmez votre demande. ", 80), strings.Repeat("<p>Confirmez votre demande.</p>", 130)
	var seq atomic.Int64
	return serveBaseline(b, pool, func(ctx context.Context, tx pgx.Tx, f url.Values, now time.Time) error {
		n := seq.Add(1)
		var ref int64
		if err := tx.QueryRow(ctx, `SELECT case_reference_next($1)`, now.Year()).Scan(&ref); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO cases (reference, controller_id, site_id, status, email, name, language, country,
			details, received_at, received_on, due_on, answer_due_on, target_on, verify_token_hash, verify_expires_at, kind_mask,
			created_at, updated_at) VALUES ($1, $2, $3, 'unverified', $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, 3, $9, $9)
			RETURNING id`,
			fmt.Sprintf("DSR-%d-%06d", now.Year(), ref), controllerID, siteID, f.Get("email"), f.Get("name"), f.Get("language"),
			f.Get("country"), f.Get("details"), now, now, now.AddDate(0, 1, 0), now.AddDate(0, 0, 20),
			fmt.Sprintf("schema-%d-%d", now.UnixNano(), n), now.Add(72*time.Hour)).Scan(&id)
		if err != nil {
			return err
		}
		for _, k := range f["kinds"] {
			if _, err := tx.Exec(ctx, `INSERT INTO case_kinds (case_id, kind) VALUES ($1, $2)`, id, k); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_identifiers (case_id, cookie_id, cookie_name, value, provenance, created_at)
			VALUES ($1, $2, $3, $4, 'typed', $5)`, id, cookieID, f.Get("typed_name_0"), f.Get("typed_value_0"), now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO events (case_id, at, actor_type, type, to_status, message, public, appended_at)
			VALUES ($1, $2, 'requester', 'filed', 'unverified', 'Request filed (access, erasure); e-mail confirmation sent.', true, $2)`,
			id, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO letters (case_id, kind, language, sender, recipient, subject, text_body, html_body,
			message_id, status, next_attempt_at, created_at) VALUES ($1, 'verification', 'fr', 'dpo@portal.test', $2,
			'Confirmez votre demande', $3, $4, $5, 'queued', $6, $6)`,
			id, f.Get("email"), textBody, htmlBody, fmt.Sprintf("schema.%d.%d@portal.test", now.UnixNano(), n), now)
		return err
	})
}

// rss is the resident memory of this process, from /proc.
func rss() string {
	buf, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(buf), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmRSS:"))
		}
	}
	return "unknown"
}
