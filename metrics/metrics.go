// Package metrics exposes the portal to Prometheus: the HTTP requests by route pattern (never the
// URL, which may hold a token) and, read from the database at each scrape, what an operator
// alerts on — open cases by status and deadline band per controller, letters by state, the job
// queue's depth and failures, webhook deliveries, and events not yet sealed in the audit chain.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"rightsdesk/deadline"
	"rightsdesk/models"
)

// Source is what a scrape reads: the store.
type Source interface {
	Controllers(ctx context.Context) ([]models.Controller, error)
	OpenCaseCounts(ctx context.Context, controllerID int64, today deadline.Date) ([]models.OpenCases, error)
	LetterCounts(ctx context.Context) (map[string]int64, error)
	WebhookDeliveryCounts(ctx context.Context) ([]models.StateCount, error)
	JobCounts(ctx context.Context) ([]models.StateCount, error)
	UnsealedEvents(ctx context.Context) (int64, error)
	OldestUnsealed(ctx context.Context) (time.Time, bool, error)
}

// Metrics is the portal's registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// New registers the metrics; src is read at each scrape.
func New(src Source, log *slog.Logger) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rightsdesk_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "rightsdesk_http_request_duration_seconds", Help: "HTTP request latency by route pattern and method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.latency, &state{src: src, log: log, clock: time.Now},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Middleware counts each request under its route pattern; requests that match no route count
// under "unmatched", so that a scan of random paths cannot grow the series.
func (m *Metrics) Middleware(known func(route string) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				c.Error(err) // written now, so that its status is the one counted
			}
			route := c.Path()
			if !known(route) {
				route = "unmatched"
			}
			method := c.Request().Method
			m.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
			m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
			return nil
		}
	}
}

// state reads the database at each scrape.
type state struct {
	src   Source
	log   *slog.Logger
	clock func() time.Time
}

var (
	openCases = prometheus.NewDesc("rightsdesk_cases_open", "Active cases by controller, status and deadline band (on the controller's date).",
		[]string{"controller", "status", "band"}, nil)
	letters = prometheus.NewDesc("rightsdesk_letters", "Letters by state.", []string{"state"}, nil)
	jobs    = prometheus.NewDesc("rightsdesk_jobs", "Jobs of the queue by queue and state (available and retryable: the depth; discarded: failed for good).",
		[]string{"queue", "state"}, nil)
	webhooks = prometheus.NewDesc("rightsdesk_webhook_deliveries", "Webhook deliveries by state.", []string{"state"}, nil)
	unsealed = prometheus.NewDesc("rightsdesk_audit_unsealed_events", "Events not yet sealed in the audit chain.", nil, nil)
	waiting  = prometheus.NewDesc("rightsdesk_audit_oldest_unsealed_seconds", "How long the oldest event not yet sealed has waited; 0 when none waits.", nil, nil)
	scrapeOK = prometheus.NewDesc("rightsdesk_state_scrape_success", "1 when the database answered every query of this scrape.", nil, nil)
)

func (s *state) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{openCases, letters, jobs, webhooks, unsealed, waiting, scrapeOK} {
		ch <- d
	}
}

func (s *state) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok := 1.0
	fail := func(what string, err error) {
		s.log.Error("metrics: read the state", "what", what, "error", err)
		ok = 0
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if ctrls, err := s.src.Controllers(ctx); err != nil {
		fail("controllers", err)
	} else {
		for _, c := range ctrls {
			loc, err := time.LoadLocation(c.TimeZone)
			if err != nil {
				loc = deadline.DefaultLocation
			}
			rows, err := s.src.OpenCaseCounts(ctx, c.ID, deadline.Today(s.clock(), loc))
			if err != nil {
				fail("open cases", err)
				continue
			}
			for _, r := range rows {
				gauge(openCases, float64(r.OnTrack), c.Slug, r.Status, string(deadline.BandOnTrack))
				gauge(openCases, float64(r.DueSoon), c.Slug, r.Status, string(deadline.BandDueSoon))
				gauge(openCases, float64(r.Overdue), c.Slug, r.Status, string(deadline.BandOverdue))
			}
		}
	}
	if counts, err := s.src.LetterCounts(ctx); err != nil {
		fail("letters", err)
	} else {
		for st, n := range counts {
			gauge(letters, float64(n), st)
		}
	}
	if rows, err := s.src.JobCounts(ctx); err != nil {
		fail("jobs", err)
	} else {
		for _, r := range rows {
			gauge(jobs, float64(r.N), r.Group, r.State)
		}
	}
	if rows, err := s.src.WebhookDeliveryCounts(ctx); err != nil {
		fail("webhook deliveries", err)
	} else {
		for _, r := range rows {
			gauge(webhooks, float64(r.N), r.State)
		}
	}
	if n, err := s.src.UnsealedEvents(ctx); err != nil {
		fail("unsealed events", err)
	} else {
		gauge(unsealed, float64(n))
	}
	if at, ok, err := s.src.OldestUnsealed(ctx); err != nil {
		fail("oldest unsealed event", err)
	} else {
		age := 0.0
		if ok {
			age = max(0, s.clock().Sub(at).Seconds())
		}
		gauge(waiting, age)
	}
	gauge(scrapeOK, ok)
}
