// Package loadgen fills a migrated PostgreSQL database with a large, realistic set of cases, fast,
// so that the plans and timings of the queries that matter (the staff queue) can be checked at
// production scale (STYLE.md, practice 5).
//
// Cases writes, through the store, the demo catalogue (two controllers) with extra sites and a
// cookie table for each, and a team of staff users; then, through PostgreSQL COPY on pgx
// connections of its own (not through GORM), the cases with their kinds and cookie identifiers.
// It writes no events, letters, outcomes or files: the queue reads none of them, so timelines
// and the audit chain stay empty. It is meant for a database nothing else writes to meanwhile.
package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"rightsdesk/deadline"
	"rightsdesk/demo"
	"rightsdesk/dsr"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

// Options shape the load; the zero value is the realistic default.
type Options struct {
	// Now is the load's present: receipt dates end there, and a case's status is what it would be
	// then. Zero: time.Now().
	Now time.Time
	// Years of receipt dates, weighted toward recent months. Zero: 3.
	Years int
	// StaffUsers is the size of the team. Zero: 10. The first user sees only the first controller,
	// the second only the second one, the others both.
	StaffUsers int
	// SitesPerController, counting the demo site. Zero: 3.
	SitesPerController int
	// Workers is the number of COPY connections run at once. Zero: 2.
	Workers int
	// Logf receives progress lines; nil: silent.
	Logf func(format string, args ...any)
}

// Summary says what Cases wrote, and gives values a benchmark can filter and search on.
type Summary struct {
	Cases, Kinds, Identifiers int64
	FirstID, LastID           int64
	ByStatus                  map[dsr.Status]int64
	Active                    int64 // open, in_progress or awaiting_requester: the queue's default
	Overdue                   int64 // active with answer_due_on before Now's date
	Extended                  int64
	Assigned                  int64
	Controllers               []int64
	Sites                     []SiteRef
	Staff                     []StaffRef
	// Known are cases whose reference, e-mail and first identifier value a search can look for:
	// some active, some closed.
	Known []Known
	// How long each step took.
	Setup, Copy, Analyze, Total time.Duration
}

// SiteRef is a site the cases were filed on.
type SiteRef struct {
	ID, ControllerID int64
	Slug             string
	Cases            int64
}

// StaffRef is a staff user cases are assigned to.
type StaffRef struct {
	ID          int64
	Email       string
	Controllers []int64
	Assigned    int64 // cases assigned to the user
}

// Known is a case written by Cases, with the values a search finds it by.
type Known struct {
	ID                   int64
	Reference            string
	Email                string
	Identifier           string // value of its first cookie identifier
	Status               dsr.Status
	ControllerID, SiteID int64
}

const (
	day       = 24 * time.Hour
	verifyTTL = 14 * day // cases.VerifyTTL
	knownEach = 25       // known cases of each kind (active, closed)
)

// Cases loads n cases into the migrated PostgreSQL database at databaseURL. The same n, seed and
// Options.Now give the same cases.
func Cases(ctx context.Context, databaseURL string, n int, seed int64, opts Options) (Summary, error) {
	start := time.Now()
	opts = opts.withDefaults()
	logf := opts.Logf
	var sum Summary
	if n <= 0 {
		return sum, errors.New("loadgen: n must be positive")
	}
	st, err := models.Open(ctx, models.Options{DatabaseURL: databaseURL})
	if err != nil {
		return sum, err
	}
	defer st.Close()
	if st.Dialect() != models.Postgres {
		return sum, errors.New("loadgen: PostgreSQL only (it loads with COPY)")
	}
	w, err := prepare(ctx, st, opts)
	if err != nil {
		return sum, err
	}
	for _, c := range w.controllers {
		sum.Controllers = append(sum.Controllers, c.id)
	}
	for _, s := range w.sites {
		sum.Sites = append(sum.Sites, SiteRef{ID: s.id, ControllerID: w.controllers[s.controller].id, Slug: s.slug})
	}
	sum.Staff = slices.Clone(w.staff)

	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return sum, fmt.Errorf("loadgen: connect: %w", err)
	}
	defer conn.Close(context.Background())
	var maxID int64
	if err := conn.QueryRow(ctx, `SELECT COALESCE(max(id), 0) FROM cases`).Scan(&maxID); err != nil {
		return sum, fmt.Errorf("loadgen: %w", err)
	}
	counters := map[int]int64{}
	rows, err := conn.Query(ctx, `SELECT year, last_value FROM reference_counters`)
	if err != nil {
		return sum, fmt.Errorf("loadgen: %w", err)
	}
	for rows.Next() {
		var y int
		var v int64
		if err := rows.Scan(&y, &v); err != nil {
			return sum, err
		}
		counters[y] = v
	}
	if err := rows.Err(); err != nil {
		return sum, err
	}
	// Since migration 00025 filings take their numbers from a sequence per year and leave the
	// counters alone: continue after the highest reference of each year as well.
	rows, err = conn.Query(ctx, `SELECT substr(reference, 5, 4)::int, max(substr(reference, 10)::bigint) FROM cases
		WHERE reference ~ '^DSR-[0-9]{4}-[0-9]{6,9}$' GROUP BY 1`)
	if err != nil {
		return sum, fmt.Errorf("loadgen: %w", err)
	}
	for rows.Next() {
		var y int
		var v int64
		if err := rows.Scan(&y, &v); err != nil {
			return sum, err
		}
		counters[y] = max(counters[y], v)
	}
	if err := rows.Err(); err != nil {
		return sum, err
	}

	g := &gen{w: w, seed: uint64(seed), now: opts.Now, firstID: maxID + 1}
	g.plan(n, opts.Years, counters)
	sum.Setup = time.Since(start)
	logf("loadgen: planned %d cases (ids %d–%d) in %s", n, g.firstID, g.firstID+int64(n)-1, sum.Setup.Round(time.Millisecond))

	copyStart := time.Now()
	if err := g.copyAll(ctx, databaseURL, opts.Workers, logf); err != nil {
		return sum, err
	}
	sum.Copy = time.Since(copyStart)

	if _, err := conn.Exec(ctx, `SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))`); err != nil {
		return sum, fmt.Errorf("loadgen: cases sequence: %w", err)
	}
	for y, v := range counters {
		_, err := conn.Exec(ctx, `INSERT INTO reference_counters (year, last_value) VALUES ($1, $2)
			ON CONFLICT (year) DO UPDATE SET last_value = GREATEST(reference_counters.last_value, EXCLUDED.last_value)`, y, v)
		if err != nil {
			return sum, fmt.Errorf("loadgen: reference counter %d: %w", y, err)
		}
		// The year's sequence (created if missing, which takes a number: gaps are allowed) moves
		// past the last reference written.
		var taken int64
		err = conn.QueryRow(ctx, `SELECT case_reference_next($1)`, y).Scan(&taken)
		if err == nil {
			_, err = conn.Exec(ctx, `SELECT setval(('case_reference_' || $1::int)::regclass, $2)`, y, max(v, taken))
		}
		if err != nil {
			return sum, fmt.Errorf("loadgen: reference sequence %d: %w", y, err)
		}
	}
	// VACUUM as well as ANALYZE: it sets the visibility map and the hint bits that autovacuum would
	// set on a live database, so that index-only scans and first reads behave as they will there.
	analyzeStart := time.Now()
	for _, t := range []string{"cases", "case_kinds", "case_identifiers", "users", "user_controllers", "controllers", "sites", "cookies", "reference_counters"} {
		if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) `+t); err != nil {
			return sum, fmt.Errorf("loadgen: vacuum analyze %s: %w", t, err)
		}
	}
	sum.Analyze = time.Since(analyzeStart)
	logf("loadgen: vacuum analyze in %s", sum.Analyze.Round(time.Millisecond))

	g.summarise(&sum)
	sum.Total = time.Since(start)
	return sum, nil
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC().Truncate(time.Microsecond)
	if o.Years <= 0 {
		o.Years = 3
	}
	if o.StaffUsers <= 0 {
		o.StaffUsers = 10
	}
	if o.SitesPerController <= 0 {
		o.SitesPerController = 3
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	return o
}

// world is what cases are filed against.
type world struct {
	controllers []controller
	sites       []site
	staff       []StaffRef
}

type controller struct {
	id     int64
	loc    *time.Location
	cal    *deadline.Calendar
	target int     // internal target days
	weight float64 // share of the cases
	sites  []int   // indexes into world.sites
	staff  []int   // indexes into world.staff
}

type site struct {
	id         int64
	slug       string
	controller int
	weight     float64 // share of its controller's cases
	cookies    []cookieRef
}

type cookieRef struct {
	id   int64
	name string
}

// prepare writes the catalogue and the staff through the store, and reads back what cases need.
func prepare(ctx context.Context, st *models.Store, opts Options) (*world, error) {
	if _, _, err := demo.LoadCatalogue(ctx, st); err != nil {
		return nil, fmt.Errorf("loadgen: catalogue: %w", err)
	}
	seed, err := demo.LoadSeed()
	if err != nil {
		return nil, err
	}
	w := &world{}
	// The first controller files about two cases in three.
	shares := []float64{0.65, 0.35}
	for ci, sc := range seed.Controllers {
		c, err := st.ControllerBySlug(ctx, sc.Slug)
		if err != nil {
			return nil, fmt.Errorf("loadgen: controller %s: %w", sc.Slug, err)
		}
		cal, err := deadline.For(c.Country)
		if err != nil {
			return nil, fmt.Errorf("loadgen: controller %s: %w", sc.Slug, err)
		}
		share := 1.0 / float64(len(seed.Controllers))
		if len(seed.Controllers) == len(shares) {
			share = shares[ci]
		}
		w.controllers = append(w.controllers, controller{id: c.ID, loc: c.Location(), cal: cal, target: c.InternalTargetDays, weight: share})
		var slugs []string
		for _, s := range sc.Sites {
			slugs = append(slugs, s.Slug)
		}
		for i := len(sc.Sites); i < opts.SitesPerController; i++ {
			s := models.Site{
				ControllerID: c.ID, Slug: fmt.Sprintf("%s-loadgen-%d", sc.Slug, i+1), Name: fmt.Sprintf("%s (site %d)", c.Name, i+1),
				Domain: fmt.Sprintf("site%d.%s.example.org", i+1, sc.Slug), PolicyLanguage: c.DefaultLanguage,
			}
			if err := st.SaveSite(ctx, &s); err != nil {
				return nil, fmt.Errorf("loadgen: site: %w", err)
			}
			for j, ck := range []models.Cookie{
				{Name: "visitor_id", Provider: s.Domain, Party: "first", Category: models.CategoryAnalytics,
					Purpose: "Distinguishes visitors.", Lifetime: lifetime.Lifetime{Kind: lifetime.Duration, Amount: 13, Unit: lifetime.Month, Text: "13 months"}, Identifying: true},
				{Name: "session", Provider: s.Domain, Party: "first", Category: models.CategoryNecessary,
					Purpose: "Keeps the session.", Lifetime: lifetime.Lifetime{Kind: lifetime.Session, Text: "Session"}},
			} {
				ck.SiteID, ck.Position, ck.PurposeLanguage = s.ID, j+1, "en"
				if err := st.SaveCookie(ctx, &ck); err != nil {
					return nil, fmt.Errorf("loadgen: cookie: %w", err)
				}
			}
			slugs = append(slugs, s.Slug)
		}
		// Sites' shares of their controller's cases: 60 %, 25 %, 15 %… (halving after the first).
		weights := make([]float64, len(slugs))
		rest := 1.0
		for i := range weights {
			switch {
			case i == len(weights)-1:
				weights[i] = rest
			case i == 0:
				weights[i] = 0.6 * rest
			default:
				weights[i] = 0.625 * rest
			}
			rest -= weights[i]
		}
		for i, slug := range slugs {
			s, err := st.SiteBySlug(ctx, slug)
			if err != nil {
				return nil, fmt.Errorf("loadgen: site %s: %w", slug, err)
			}
			cookies, err := st.Cookies(ctx, s.ID)
			if err != nil {
				return nil, err
			}
			ws := site{id: s.ID, slug: s.Slug, controller: ci, weight: weights[i]}
			for _, ck := range cookies {
				if ck.Identifying {
					ws.cookies = append(ws.cookies, cookieRef{ck.ID, ck.Name})
				}
			}
			if len(ws.cookies) == 0 && len(cookies) > 0 {
				ws.cookies = append(ws.cookies, cookieRef{cookies[0].ID, cookies[0].Name})
			}
			w.controllers[ci].sites = append(w.controllers[ci].sites, len(w.sites))
			w.sites = append(w.sites, ws)
		}
	}
	for k := range opts.StaffUsers {
		var ids []int64
		var idx []int
		switch {
		case k < len(w.controllers) && len(w.controllers) > 1:
			ids, idx = []int64{w.controllers[k].id}, []int{k}
		default:
			for ci, c := range w.controllers {
				ids, idx = append(ids, c.id), append(idx, ci)
			}
		}
		role := models.RoleStaff
		if k == len(w.controllers) {
			role = models.RoleManager
		}
		u := models.User{
			Email: fmt.Sprintf("staff%02d@loadgen.example.org", k+1), Name: fmt.Sprintf("Staff %02d", k+1),
			Role: role, PasswordHash: "!", Active: true, // "!" is no hash: nobody logs in as them
		}
		if err := st.SaveUser(ctx, &u, ids); err != nil {
			return nil, fmt.Errorf("loadgen: staff user: %w", err)
		}
		for _, ci := range idx {
			w.controllers[ci].staff = append(w.controllers[ci].staff, len(w.staff))
		}
		w.staff = append(w.staff, StaffRef{ID: u.ID, Email: u.Email, Controllers: ids})
	}
	for _, c := range w.controllers {
		if len(c.sites) == 0 || len(c.staff) == 0 {
			return nil, fmt.Errorf("loadgen: controller %d has no site or no staff", c.id)
		}
	}
	return w, nil
}

// row is the plan of one case: what the queue filters and sorts on. The rest (times of
// verification and closing, texts, identifier values) derives from rnd when the row is written.
type row struct {
	at       int64  // receipt, Unix microseconds
	rnd      uint64 // seeds the details
	ref      int32  // number of the reference within its year
	email    int32
	site     uint8 // index into world.sites
	status   uint8 // index into dsr.Statuses
	kinds    uint8 // bit i: dsr.Kinds[i]
	idents   uint8 // number of cookie identifiers
	assignee int8  // index into world.staff; -1: nobody
	extended bool
}

type gen struct {
	w       *world
	seed    uint64
	now     time.Time
	firstID int64
	rows    []row
}

var (
	statusIndex = func() map[dsr.Status]uint8 {
		m := map[dsr.Status]uint8{}
		for i, s := range dsr.Statuses {
			m[s] = uint8(i)
		}
		return m
	}()
	kindWeights = []float64{35, 6, 30, 3, 4, 10, 12} // in the order of dsr.Kinds: access, rectification, erasure…
)

func pick(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// plan draws every case's receipt, site, status, assignee, kinds and identifiers, in receipt order,
// and numbers the references from counters (which it advances).
func (g *gen) plan(n, years int, counters map[int]int64) {
	r := rand.New(rand.NewPCG(g.seed, 0x5eed_1a0d))
	nowUS := g.now.UnixMicro()
	// Receipt ages follow an exponential of mean 1.5 years cut at the span: the volume grows, so
	// recent months hold more cases than old ones (the last month about 6 % of all).
	const tau = 1.5 * 365.25 * 24 * 3600 * 1e6 // µs
	span := float64(years) * 365.25 * 24 * 3600 * 1e6
	cut := 1 - math.Exp(-span/tau)
	ats := make([]int64, n)
	for i := range ats {
		age := -tau * math.Log(1-r.Float64()*cut)
		ats[i] = nowUS - int64(age) - 60_000_000 // at least a minute old
	}
	slices.Sort(ats)

	ctrlWeights := make([]float64, len(g.w.controllers))
	for i, c := range g.w.controllers {
		ctrlWeights[i] = c.weight
	}
	siteWeights := make([][]float64, len(g.w.controllers))
	for i, c := range g.w.controllers {
		for _, s := range c.sites {
			siteWeights[i] = append(siteWeights[i], g.w.sites[s].weight)
		}
	}
	people := int32(max(1, n*3/4)) // some people file more than one request
	g.rows = make([]row, n)
	for i, at := range ats {
		ci := pick(r, ctrlWeights)
		c := &g.w.controllers[ci]
		rw := row{at: at, rnd: r.Uint64(), email: r.Int32N(people), assignee: -1}
		rw.site = uint8(c.sites[pick(r, siteWeights[ci])])
		// Receipt year, for the reference.
		year := time.UnixMicro(at).In(c.loc).Year()
		counters[year]++
		rw.ref = int32(counters[year])

		age := float64(nowUS-at) / float64(day.Microseconds()) // days
		var status dsr.Status
		switch {
		case age < 14 && r.Float64() < 0.05+0.35*max(0, 1-age):
			status = dsr.StatusUnverified // most people confirm within the day; some never do
		case age >= 15 && r.Float64() < 0.08:
			status = dsr.StatusExpired
		default:
			window := 30.0
			if age >= 10 && r.Float64() < 0.03 {
				rw.extended, window = true, 91
			}
			// Handled within the month, mostly; a few stragglers stay open long past it.
			if r.Float64() < 0.92*max(0, 1-age/(window*1.25))+0.001 {
				weights := []float64{25, 50, 25}
				if age < 2 {
					weights = []float64{70, 25, 5}
				}
				status = models.ActiveStatuses[pick(r, weights)]
			} else {
				status = []dsr.Status{dsr.StatusCompleted, dsr.StatusRefused, dsr.StatusWithdrawn}[pick(r, []float64{87.5, 6.25, 6.25})]
			}
		}
		rw.status = statusIndex[status]
		assign := 0.0
		switch status {
		case dsr.StatusInProgress, dsr.StatusAwaitingRequester:
			assign = 1
		case dsr.StatusCompleted, dsr.StatusRefused:
			assign = 0.95
		case dsr.StatusWithdrawn:
			assign = 0.4
		case dsr.StatusOpen:
			assign = 0.3
		}
		if rw.extended || r.Float64() < assign {
			rw.assignee = int8(c.staff[r.IntN(len(c.staff))])
		}
		nk := 1 + pick(r, []float64{60, 30, 10})
		for bits.OnesCount8(rw.kinds) < nk {
			rw.kinds |= 1 << pick(r, kindWeights)
		}
		rw.idents = uint8(pick(r, []float64{35, 45, 20}))
		if len(g.w.sites[rw.site].cookies) == 0 {
			rw.idents = 0
		}
		g.rows[i] = rw
	}
}

// splitmix is a tiny generator for the details of one row, seeded by the row's rnd.
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (s *splitmix) float() float64 { return float64(s.next()>>11) / (1 << 53) }

func (s *splitmix) intn(n int) int { return int(s.next() % uint64(n)) }

func (s *splitmix) hex(words int) string {
	var b strings.Builder
	for range words {
		fmt.Fprintf(&b, "%016x", s.next())
	}
	return b.String()
}

func (g *gen) id(i int) int64 { return g.firstID + int64(i) }

func (g *gen) controllerOf(rw row) *controller {
	return &g.w.controllers[g.w.sites[rw.site].controller]
}

func (g *gen) reference(rw row) string {
	return dsr.FormatReference(time.UnixMicro(rw.at).In(g.controllerOf(rw).loc).Year(), int64(rw.ref))
}

func email(rw row) string { return fmt.Sprintf("person%06d@example.org", rw.email) }

// identifier returns the value of the j-th identifier of case id: random hex, derived from the
// seed so that a summary can name it without keeping it.
func (g *gen) identifier(id int64, j int) string {
	s := splitmix(g.seed ^ uint64(id)*0x9e3779b97f4a7c15 ^ uint64(j+1)*0xd1b54a32d192ed03)
	return s.hex(2)
}

func (g *gen) answerDue(rw row) (received, due, extended deadline.Date) {
	c := g.controllerOf(rw)
	received = deadline.ReceiptDate(time.UnixMicro(rw.at), c.loc)
	due = c.cal.Due(received)
	if rw.extended {
		extended = c.cal.ExtendedDue(received)
	}
	return received, due, extended
}

func pgDate(d deadline.Date) any {
	if d.IsZero() {
		return nil
	}
	return pgtype.Date{Time: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), Valid: true}
}

func orNil[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

var caseColumns = []string{
	"id", "reference", "controller_id", "site_id", "status", "email", "name", "language", "country", "details",
	"rectification_wrong", "rectification_right", "objection_grounds",
	"received_at", "received_on", "due_on", "target_on", "extended_due_on", "extension_reason", "extended_at", "extended_by",
	"answer_due_on", "assignee_id", "refusal_ground", "answered_at", "answered_on", "days_taken", "kind_mask", "status_nonce",
	"verify_token_hash", "verify_expires_at", "verified_at", "status_token_hash", "closed_at",
	"version", "created_at", "updated_at",
}

// caseValues returns the COPY row of case i.
func (g *gen) caseValues(i int, vals []any) []any {
	rw := g.rows[i]
	id := g.id(i)
	c := g.controllerOf(rw)
	s := splitmix(rw.rnd)
	status := dsr.Statuses[rw.status]
	at := time.UnixMicro(rw.at).UTC()
	received, due, extendedDue := g.answerDue(rw)
	answerDue := due
	if rw.extended {
		answerDue = extendedDue
	}
	clamp := func(t time.Time) time.Time { // nothing happens after now
		if t.After(g.now) {
			return g.now.Add(-time.Second)
		}
		return t
	}
	micro := func(d float64) time.Duration { return time.Duration(d).Truncate(time.Microsecond) }

	var verifiedAt, closedAt, answeredAt, extendedAt time.Time
	var verifyHash string
	verifyExpires := at.Add(verifyTTL)
	switch status {
	case dsr.StatusUnverified:
		verifyHash = s.hex(4)
	case dsr.StatusExpired:
		closedAt = clamp(verifyExpires.Add(micro(s.float() * float64(time.Hour))))
	default:
		// Confirmed within minutes, mostly; within hours for some.
		verifiedAt = clamp(at.Add(time.Minute + micro(math.Pow(s.float(), 3)*float64(6*time.Hour))))
	}
	var extendedBy, assignee any
	if rw.assignee >= 0 {
		assignee = g.w.staff[rw.assignee].ID
	}
	reason := ""
	if rw.extended {
		// Extended between the tenth day and the month's end, and before now.
		lo, hi := at.Add(10*day), at.Add(28*day)
		extendedAt = clamp(lo.Add(micro(s.float() * float64(hi.Sub(lo)))))
		if extendedAt.Before(verifiedAt) {
			extendedAt = verifiedAt.Add(time.Minute)
		}
		extendedBy = assignee
		reason = "The request covers several systems whose data takes longer to gather."
	}
	switch status {
	case dsr.StatusCompleted, dsr.StatusRefused:
		// Answered before the due date, mostly; a few late.
		deadlineAt := answerDue.Time(c.loc).Add(18 * time.Hour)
		span := deadlineAt.Sub(verifiedAt)
		t := verifiedAt.Add(micro(math.Pow(s.float(), 1.5) * float64(span)))
		if s.float() < 0.04 {
			t = deadlineAt.Add(micro(s.float() * float64(20*day)))
		}
		closedAt = clamp(t)
		answeredAt = closedAt
	case dsr.StatusWithdrawn:
		closedAt = clamp(verifiedAt.Add(micro(s.float() * float64(15*day))))
	}
	var answeredOn deadline.Date
	var daysTaken any
	if !answeredAt.IsZero() {
		answeredOn = deadline.ReceiptDate(answeredAt, c.loc)
		daysTaken = deadline.DaysBetween(received, answeredOn)
	}
	updated := at
	for _, t := range []time.Time{verifiedAt, extendedAt, closedAt} {
		if t.After(updated) {
			updated = t
		}
	}

	kinds := g.kinds(rw)
	has := func(k dsr.Kind) bool { return slices.Contains(kinds, k) }
	var details, wrong, right, grounds, refusal string
	if s.float() < 0.4 {
		details = "Please include the data collected through the site's cookies."
	}
	if has(dsr.KindRectification) {
		wrong, right = "My postal address is out of date.", "Rue de la Loi 16, 1000 Bruxelles"
	}
	if has(dsr.KindObjection) {
		grounds = "I object to being profiled for marketing."
	}
	if status == dsr.StatusRefused {
		choices := []dsr.RefusalGround{dsr.GroundUnfounded, dsr.GroundExcessive, dsr.GroundIdentity, dsr.GroundOther}
		if has(dsr.KindErasure) {
			choices = append(choices, dsr.GroundArt17_3)
		}
		refusal = string(choices[s.intn(len(choices))])
	}
	language := []string{"fr", "nl", "en"}[pickS(&s, []float64{55, 35, 10})]
	country := []string{"BE", "FR", "NL", "LU"}[pickS(&s, []float64{88, 5, 5, 2})]

	return append(vals[:0],
		id, g.reference(rw), c.id, g.w.sites[rw.site].id, string(status), email(rw),
		fmt.Sprintf("Person %06d", rw.email), language, country, details,
		wrong, right, grounds,
		at, pgDate(received), pgDate(due), pgDate(deadline.InternalTarget(received, c.target)), pgDate(extendedDue), reason,
		orNil(extendedAt), extendedBy,
		pgDate(answerDue), assignee, refusal, orNil(answeredAt), pgDate(answeredOn), daysTaken, int(rw.kinds), "",
		orNil(verifyHash), verifyExpires, orNil(verifiedAt), nil, orNil(closedAt),
		1, at, updated,
	)
}

func pickS(s *splitmix, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := s.float() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (g *gen) kinds(rw row) []dsr.Kind {
	var ks []dsr.Kind
	for i, k := range dsr.Kinds {
		if rw.kinds&(1<<i) != 0 {
			ks = append(ks, k)
		}
	}
	return ks
}

// copyAll writes the cases, then their kinds and identifiers, in contiguous id ranges, one range
// per connection, the ranges at once.
func (g *gen) copyAll(ctx context.Context, databaseURL string, workers int, logf func(string, ...any)) error {
	n := len(g.rows)
	workers = max(1, min(workers, n/1000+1))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for k := range workers {
		lo, hi := n*k/workers, n*(k+1)/workers
		wg.Go(func() {
			if err := g.copyRange(ctx, databaseURL, lo, hi, k, logf); err != nil {
				errs[k] = err
				cancel()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (g *gen) copyRange(ctx context.Context, databaseURL string, lo, hi, worker int, logf func(string, ...any)) error {
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return fmt.Errorf("loadgen: connect: %w", err)
	}
	defer conn.Close(context.Background())
	// Nothing is lost if the server crashes mid-load but the load itself.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = off`); err != nil {
		return err
	}
	start := time.Now()
	vals := make([]any, 0, len(caseColumns))
	i := lo - 1
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"cases"}, caseColumns, pgx.CopyFromFunc(func() ([]any, error) {
		if i++; i >= hi {
			return nil, nil
		}
		vals = g.caseValues(i, vals)
		return vals, nil
	}))
	if err != nil {
		return fmt.Errorf("loadgen: copy cases: %w", err)
	}
	logf("loadgen: worker %d: %d cases in %s", worker, n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	i, pending := lo, []dsr.Kind(nil)
	n, err = conn.CopyFrom(ctx, pgx.Identifier{"case_kinds"}, []string{"case_id", "kind"}, pgx.CopyFromFunc(func() ([]any, error) {
		for len(pending) == 0 {
			if i >= hi {
				return nil, nil
			}
			pending = g.kinds(g.rows[i])
			i++
		}
		k := pending[0]
		pending = pending[1:]
		return []any{g.id(i - 1), string(k)}, nil
	}))
	if err != nil {
		return fmt.Errorf("loadgen: copy case_kinds: %w", err)
	}
	logf("loadgen: worker %d: %d case kinds in %s", worker, n, time.Since(start).Round(time.Millisecond))

	start = time.Now()
	i, j := lo, 0
	provenances := []dsr.Provenance{dsr.ProvenanceBrowser, dsr.ProvenanceSigned, dsr.ProvenanceTyped}
	n, err = conn.CopyFrom(ctx, pgx.Identifier{"case_identifiers"},
		[]string{"case_id", "cookie_id", "cookie_name", "value", "provenance", "created_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for i < hi && j >= int(g.rows[i].idents) {
				i, j = i+1, 0
			}
			if i >= hi {
				return nil, nil
			}
			rw, id := g.rows[i], g.id(i)
			cookies := g.w.sites[rw.site].cookies
			s := splitmix(rw.rnd ^ uint64(j+1)*0xa0761d6478bd642f)
			ck := cookies[s.intn(len(cookies))]
			prov := provenances[pickS(&s, []float64{60, 10, 30})]
			v := []any{id, ck.id, ck.name, g.identifier(id, j), string(prov), time.UnixMicro(rw.at).UTC()}
			j++
			return v, nil
		}))
	if err != nil {
		return fmt.Errorf("loadgen: copy case_identifiers: %w", err)
	}
	logf("loadgen: worker %d: %d case identifiers in %s", worker, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// summarise counts what was written and picks the known cases.
func (g *gen) summarise(sum *Summary) {
	sum.ByStatus = map[dsr.Status]int64{}
	siteCases := map[int64]int64{}
	assigned := map[int64]int64{}
	today := deadline.Today(g.now, deadline.DefaultLocation)
	for _, rw := range g.rows {
		status := dsr.Statuses[rw.status]
		sum.ByStatus[status]++
		sum.Cases++
		sum.Kinds += int64(bits.OnesCount8(rw.kinds))
		sum.Identifiers += int64(rw.idents)
		siteCases[g.w.sites[rw.site].id]++
		active := slices.Contains(models.ActiveStatuses, status)
		if active {
			sum.Active++
			_, due, ext := g.answerDue(rw)
			if rw.extended {
				due = ext
			}
			if due.Before(today) {
				sum.Overdue++
			}
		}
		if rw.extended {
			sum.Extended++
		}
		if rw.assignee >= 0 {
			sum.Assigned++
			assigned[g.w.staff[rw.assignee].ID]++
		}
	}
	for i := range sum.Sites {
		sum.Sites[i].Cases = siteCases[sum.Sites[i].ID]
	}
	for i := range sum.Staff {
		sum.Staff[i].Assigned = assigned[sum.Staff[i].ID]
	}
	sum.FirstID, sum.LastID = g.firstID, g.id(len(g.rows)-1)

	// Known cases: spread over the load, some active and some closed, each with an identifier.
	r := rand.New(rand.NewPCG(g.seed, 0x6b6e_6f77))
	var active, closed int
	for _, i := range r.Perm(len(g.rows)) {
		if active >= knownEach && closed >= knownEach {
			break
		}
		rw := g.rows[i]
		status := dsr.Statuses[rw.status]
		if rw.idents == 0 || status == dsr.StatusUnverified {
			continue
		}
		isActive := slices.Contains(models.ActiveStatuses, status)
		if isActive && active >= knownEach || !isActive && closed >= knownEach {
			continue
		}
		if isActive {
			active++
		} else {
			closed++
		}
		id := g.id(i)
		sum.Known = append(sum.Known, Known{
			ID: id, Reference: g.reference(rw), Email: email(rw), Identifier: g.identifier(id, 0), Status: status,
			ControllerID: g.controllerOf(rw).id, SiteID: g.w.sites[rw.site].id,
		})
	}
	sort.Slice(sum.Known, func(a, b int) bool { return sum.Known[a].ID < sum.Known[b].ID })
}

// Describe reads back the summary of a database loaded earlier (for a benchmark that keeps its
// database between runs): counts, sites, the staff users Cases creates, and known cases. The
// durations are zero, and the known cases are not those Cases returned, but alike.
func Describe(ctx context.Context, databaseURL string) (Summary, error) {
	sum := Summary{ByStatus: map[dsr.Status]int64{}}
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return sum, fmt.Errorf("loadgen: connect: %w", err)
	}
	defer conn.Close(context.Background())
	today := deadline.Today(time.Now(), deadline.DefaultLocation)
	active := []string{}
	for _, s := range models.ActiveStatuses {
		active = append(active, string(s))
	}
	query := func(sql string, args []any, scan func(pgx.Rows) error) error {
		rows, err := conn.Query(ctx, sql, args...)
		if err != nil {
			return fmt.Errorf("loadgen: describe: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	err = query(`SELECT status, count(*), count(*) FILTER (WHERE answer_due_on < $1),
			count(*) FILTER (WHERE extended_due_on IS NOT NULL), count(*) FILTER (WHERE assignee_id IS NOT NULL),
			min(id), max(id)
		FROM cases GROUP BY status`, []any{pgDate(today)}, func(r pgx.Rows) error {
		var status string
		var n, overdue, extended, assigned, lo, hi int64
		if err := r.Scan(&status, &n, &overdue, &extended, &assigned, &lo, &hi); err != nil {
			return err
		}
		sum.ByStatus[dsr.Status(status)] = n
		sum.Cases += n
		if slices.Contains(active, status) {
			sum.Active += n
			sum.Overdue += overdue
		}
		sum.Extended += extended
		sum.Assigned += assigned
		if sum.FirstID == 0 || lo < sum.FirstID {
			sum.FirstID = lo
		}
		sum.LastID = max(sum.LastID, hi)
		return nil
	})
	if err != nil {
		return sum, err
	}
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM case_kinds), (SELECT count(*) FROM case_identifiers)`).
		Scan(&sum.Kinds, &sum.Identifiers); err != nil {
		return sum, fmt.Errorf("loadgen: describe: %w", err)
	}
	err = query(`SELECT id FROM controllers ORDER BY id`, nil, func(r pgx.Rows) error {
		var id int64
		err := r.Scan(&id)
		sum.Controllers = append(sum.Controllers, id)
		return err
	})
	if err != nil {
		return sum, err
	}
	err = query(`SELECT s.id, s.controller_id, s.slug, COALESCE(n.cases, 0)
		FROM sites s LEFT JOIN (SELECT site_id, count(*) AS cases FROM cases GROUP BY site_id) n ON n.site_id = s.id
		ORDER BY s.id`, nil, func(r pgx.Rows) error {
		var s SiteRef
		err := r.Scan(&s.ID, &s.ControllerID, &s.Slug, &s.Cases)
		sum.Sites = append(sum.Sites, s)
		return err
	})
	if err != nil {
		return sum, err
	}
	err = query(`SELECT u.id, u.email, array_agg(uc.controller_id ORDER BY uc.controller_id),
			(SELECT count(*) FROM cases c WHERE c.assignee_id = u.id)
		FROM users u JOIN user_controllers uc ON uc.user_id = u.id
		WHERE u.email LIKE '%@loadgen.example.org' GROUP BY u.id, u.email ORDER BY u.email`, nil, func(r pgx.Rows) error {
		var u StaffRef
		err := r.Scan(&u.ID, &u.Email, &u.Controllers, &u.Assigned)
		sum.Staff = append(sum.Staff, u)
		return err
	})
	if err != nil {
		return sum, err
	}
	for _, statuses := range [][]string{active, {string(dsr.StatusCompleted)}} {
		err = query(`SELECT c.id, c.reference, c.email, c.status, c.controller_id, c.site_id, i.value
			FROM cases c JOIN LATERAL (SELECT value FROM case_identifiers i WHERE i.case_id = c.id ORDER BY i.id LIMIT 1) i ON true
			WHERE c.status = ANY($1) AND c.id % 97 = 0 ORDER BY c.id LIMIT $2`, []any{statuses, knownEach}, func(r pgx.Rows) error {
			var k Known
			var status string
			err := r.Scan(&k.ID, &k.Reference, &k.Email, &status, &k.ControllerID, &k.SiteID, &k.Identifier)
			k.Status = dsr.Status(status)
			sum.Known = append(sum.Known, k)
			return err
		})
		if err != nil {
			return sum, err
		}
	}
	return sum, nil
}
