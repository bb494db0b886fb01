package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
)

const metricsToken = "metrics-token-0123456789abcdef0123456789"

// scrape fetches /metrics with the token and parses it with Prometheus' own text parser.
func scrape(t *testing.T, p *testapp.Portal) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	res := p.Client(t).Do(req)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("scrape: %d %s", res.StatusCode, res.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("the scrape does not parse: %v", err)
	}
	return families
}

// value returns the value of the series of family name with labels, and whether it exists.
func value(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f, ok := families[name]
	if !ok {
		return 0, false
	}
next:
	for _, m := range f.Metric {
		got := map[string]string{}
		for _, l := range m.Label {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if got[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

// TestMetricsAreScrapedWithTheToken: /metrics answers only to the token; the scrape parses and
// counts requests under their route pattern (never the URL), open cases by controller, status
// and band, letters, jobs and the audit chain.
func TestMetricsAreScrapedWithTheToken(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			p := testapp.Start(t, testapp.Options{Dialect: d, Config: app.Config{MetricsToken: metricsToken}})
			ref, statusToken := fileVerified(t, p, "esomus", "mona@example.org", "uid-mona")
			p.Client(t).Get("/r/" + statusToken)
			p.Client(t).Get("/no/such/page/" + statusToken)

			for _, auth := range []string{"", "Bearer wrong", "Basic " + metricsToken, "Bearer " + metricsToken + "x"} {
				req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
				if auth != "" {
					req.Header.Set("Authorization", auth)
				}
				if res := p.Client(t).Do(req); res.StatusCode != http.StatusUnauthorized || strings.Contains(res.Body, "rightsdesk_") {
					t.Errorf("scrape with %q: %d", auth, res.StatusCode)
				}
			}

			f := scrape(t, p)
			if n, ok := value(f, "rightsdesk_http_requests_total", map[string]string{"route": "/r/:token", "method": "GET", "status": "200"}); !ok || n < 1 {
				t.Errorf("status page requests: %v %v", n, ok)
			}
			if n, ok := value(f, "rightsdesk_http_requests_total", map[string]string{"route": "unmatched", "status": "404"}); !ok || n < 1 {
				t.Errorf("unmatched requests: %v %v", n, ok)
			}
			if n, ok := value(f, "rightsdesk_http_request_duration_seconds", map[string]string{"route": "/r/:token"}); !ok || n < 1 {
				t.Errorf("latency: %v %v", n, ok)
			}
			raw := scrapeText(t, p)
			for _, secret := range []string{statusToken, ref, "mona@example.org"} {
				if strings.Contains(raw, secret) {
					t.Errorf("the scrape carries %q", secret)
				}
			}
			if n, ok := value(f, "rightsdesk_cases_open", map[string]string{"controller": "esomus", "status": "open", "band": "on_track"}); !ok || n != 1 {
				t.Errorf("open cases on track at esomus: %v %v", n, ok)
			}
			if n, ok := value(f, "rightsdesk_cases_open", map[string]string{"controller": "esomus", "band": "overdue"}); !ok || n != 0 {
				t.Errorf("overdue at esomus: %v %v", n, ok)
			}
			if n, ok := value(f, "rightsdesk_letters", map[string]string{"state": "queued"}); !ok || n < 2 {
				t.Errorf("queued letters (verification and acknowledgement): %v %v", n, ok)
			}
			// No worker runs here, so the filing's events wait to be sealed.
			if n, ok := value(f, "rightsdesk_audit_unsealed_events", nil); !ok || n < 2 {
				t.Errorf("unsealed events: %v %v", n, ok)
			}
			if age, ok := value(f, "rightsdesk_audit_oldest_unsealed_seconds", nil); !ok || age < 0 || age > 60 {
				t.Errorf("the oldest unsealed event's wait: %v %v", age, ok)
			}
			if _, err := p.Store.SealEvents(context.Background()); err != nil {
				t.Fatal(err)
			}
			after := scrape(t, p)
			if n, ok := value(after, "rightsdesk_audit_unsealed_events", nil); !ok || n != 0 {
				t.Errorf("unsealed events after sealing: %v %v", n, ok)
			}
			if age, ok := value(after, "rightsdesk_audit_oldest_unsealed_seconds", nil); !ok || age != 0 {
				t.Errorf("wait after sealing: %v %v", age, ok)
			}
			if n, ok := value(f, "rightsdesk_state_scrape_success", nil); !ok || n != 1 {
				t.Errorf("scrape success: %v %v", n, ok)
			}
			if _, ok := f["rightsdesk_jobs"]; !ok {
				t.Error("no job queue figures")
			}
		})
	}
}

func scrapeText(t *testing.T, p *testapp.Portal) string {
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	return p.Client(t).Do(req).Body
}

// TestNoMetricsWithoutAToken: a portal without RIGHTSDESK_METRICS_TOKEN has no /metrics.
func TestNoMetricsWithoutAToken(t *testing.T) {
	p := testapp.Start(t, testapp.Options{})
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	expect(t, p.Client(t).Do(req), http.StatusNotFound)
}
