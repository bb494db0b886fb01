package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/consent"
	"rightsdesk/dsr"
	"rightsdesk/internal/testdb"
	"rightsdesk/jobs"
	"rightsdesk/models"
)

// receiver is a site's webhook endpoint that is down (503) until told otherwise.
type receiver struct {
	up    atomic.Bool
	mu    sync.Mutex
	calls []call
}

type call struct {
	status              int
	signature, delivery string
	body                []byte
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	status := http.StatusServiceUnavailable
	if r.up.Load() {
		status = http.StatusNoContent
	}
	r.mu.Lock()
	r.calls = append(r.calls, call{status, req.Header.Get(consent.HeaderSignature), req.Header.Get(consent.HeaderDelivery), body})
	r.mu.Unlock()
	w.WriteHeader(status)
}

func (r *receiver) snapshot() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]call(nil), r.calls...)
}

// A withdrawal is pushed to the site's webhook, signed; while the site is down the call is
// retried, and once it is up the call is delivered and never made again.
func TestWebhookIsSignedRetriedAndDeliveredOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		rcv := &receiver{}
		srv := httptest.NewServer(rcv)
		defer srv.Close()

		const secret = "whsec-test-0123456789"
		site, w := withdrawWithWebhook(t, st, srv.URL+"/hooks/consent", secret, true)
		waitFor(t, "three refused calls", 20*time.Second, func() bool { return len(rcv.snapshot()) >= 3 })
		ds, err := st.WebhookDeliveries(ctx, site.ID, 10)
		if err != nil || len(ds) != 1 || ds[0].State != models.WebhookPending || ds[0].LastStatus != 503 || ds[0].Attempts < 2 {
			t.Fatalf("while the site is down: %+v %v", ds, err)
		}
		rcv.up.Store(true)
		waitFor(t, "delivery", 20*time.Second, func() bool {
			d, _ := st.WebhookDeliveryByID(ctx, ds[0].ID)
			return d.State == models.WebhookDelivered
		})
		time.Sleep(500 * time.Millisecond) // any further call would show now
		calls := rcv.snapshot()
		if last := calls[len(calls)-1]; last.status != http.StatusNoContent {
			t.Fatalf("the last call was answered %d", last.status)
		}
		if calls[len(calls)-2].status == http.StatusNoContent {
			t.Errorf("a call was made after the site acknowledged one")
		}
		for i, c := range calls {
			if err := consent.Verify(secret, c.signature, c.body, time.Now(), 5*time.Minute); err != nil {
				t.Errorf("call %d: %v", i, err)
			}
			if err := consent.Verify("another-site-secret", c.signature, c.body, time.Now(), 5*time.Minute); !errors.Is(err, consent.ErrSignatureMismatch) {
				t.Errorf("call %d verifies under another secret: %v", i, err)
			}
			if string(c.body) != string(calls[0].body) || c.delivery != calls[0].delivery {
				t.Errorf("call %d differs from the first: the site could not recognise a retry", i)
			}
		}
		var ev consent.Event
		if err := json.Unmarshal(calls[0].body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type != consent.EventWithdrawn || ev.Site != "esomus" || ev.Receipt != w.Receipt || ev.Scope != "categories" ||
			len(ev.Categories) != 1 || ev.Categories[0] != "analytics" || len(ev.Identifiers) != 1 ||
			ev.Identifiers[0] != (consent.Identifier{Cookie: "STCK_ID", Value: "9f2c41d0", Provenance: "browser"}) {
			t.Errorf("event %+v", ev)
		}
		tampered := append([]byte(nil), calls[0].body...)
		tampered[len(tampered)-2] ^= 1
		if err := consent.Verify(secret, calls[0].signature, tampered, time.Now(), 5*time.Minute); !errors.Is(err, consent.ErrSignatureMismatch) {
			t.Errorf("a tampered body verifies: %v", err)
		}
	})
}

// A site without a webhook gets no delivery; a typed identifier cannot withdraw on its own; the
// confirmation letter is queued with the withdrawal when the visitor gives an address.
func TestWithdrawalWithoutWebhook(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		ctrl := models.Controller{Slug: "c", Name: "C", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE", DefaultLanguage: "en"}
		if err := st.SaveController(ctx, &ctrl); err != nil {
			t.Fatal(err)
		}
		site := models.Site{ControllerID: ctrl.ID, Slug: "s", Name: "S", Domain: "s.example"}
		if err := st.SaveSite(ctx, &site); err != nil {
			t.Fatal(err)
		}
		site.Controller = &ctrl
		svc := service(st)
		if _, err := svc.WithdrawConsent(ctx, cases.Withdrawal{Site: site, Scope: models.ScopeAll, Categories: consent.Withdrawable, Language: "en",
			Identifiers: []dsr.Identifier{{CookieName: "UID", Value: "someone-elses", Provenance: dsr.ProvenanceTyped}}}); err == nil {
			t.Fatal("a typed identifier withdrew consent")
		}
		w, err := svc.WithdrawConsent(ctx, cases.Withdrawal{Site: site, Scope: models.ScopeAll, Categories: consent.Withdrawable,
			Language: "en", Email: "visitor@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if ds, _ := st.WebhookDeliveries(ctx, site.ID, 10); len(ds) != 0 {
			t.Errorf("deliveries without a webhook: %+v", ds)
		}
		ls, err := st.Letters(ctx, models.LetterFilter{})
		if err != nil || len(ls) != 1 || ls[0].WithdrawalID == nil || *ls[0].WithdrawalID != w.ID || ls[0].Recipient != "visitor@example.org" {
			t.Fatalf("letters %+v %v", ls, err)
		}
		got, err := st.WithdrawalByReceipt(ctx, site.ID, w.Receipt)
		if err != nil || got.Scope != "all" || got.Categories != "preference,functional,analytics,marketing" {
			t.Errorf("stored %+v %v", got, err)
		}
	})
}

// withdrawWithWebhook runs the queue (webhooks to private addresses allowed or not) and records a
// withdrawal at a site whose webhook is url.
func withdrawWithWebhook(t *testing.T, st *models.Store, url, secret string, allowPrivate bool) (models.Site, models.ConsentWithdrawal) {
	t.Helper()
	ctx := context.Background()
	site := siteWithWebhook(t, st, url, secret)
	q, err := jobs.New(st, service(st), jobs.Options{PollInterval: 20 * time.Millisecond, Backoff: fastBackoff, SweepEvery: time.Hour,
		WebhookAllowPrivate: allowPrivate})
	if err != nil {
		t.Fatal(err)
	}
	run(t, q)
	w, err := service(st).WithdrawConsent(ctx, cases.Withdrawal{
		Site: site, Scope: models.ScopeCategories, Categories: []string{"analytics"}, Language: "fr",
		Identifiers: []dsr.Identifier{{CookieName: "STCK_ID", Value: "9f2c41d0", Provenance: dsr.ProvenanceBrowser}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return site, w
}

// siteWithWebhook saves ESOMUS and its site, whose webhook is url signed with secret.
func siteWithWebhook(t *testing.T, st *models.Store, url, secret string) models.Site {
	t.Helper()
	ctx := context.Background()
	ctrl := models.Controller{Slug: "esomus", Name: "ESOMUS", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE", DefaultLanguage: "fr"}
	if err := st.SaveController(ctx, &ctrl); err != nil {
		t.Fatal(err)
	}
	site := models.Site{ControllerID: ctrl.ID, Slug: "esomus", Name: "ESOMUS", Domain: "esomus.com", WebhookURL: url, WebhookSecret: secret}
	if err := st.SaveSite(ctx, &site); err != nil {
		t.Fatal(err)
	}
	site.Controller = &ctrl
	return site
}

// A webhook that points at the portal's own machine (or any private address) is never called:
// the delivery records why in a few words, not the dial error.
func TestWebhookNeverReachesPrivateAddresses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		rcv := &receiver{}
		rcv.up.Store(true)
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		port := srv.URL[strings.LastIndex(srv.URL, ":"):]
		site, _ := withdrawWithWebhook(t, st, "http://localhost"+port+"/hooks/consent", "whsec-test-0123456789", false)
		var ds []models.WebhookDelivery
		waitFor(t, "two refused attempts", 20*time.Second, func() bool {
			ds, _ = st.WebhookDeliveries(ctx, site.ID, 10)
			return len(ds) == 1 && ds[0].Attempts >= 2
		})
		if ds[0].State != models.WebhookPending || ds[0].LastError != "refused: private address" || ds[0].LastStatus != 0 {
			t.Errorf("delivery %+v", ds[0])
		}
		if calls := rcv.snapshot(); len(calls) != 0 {
			t.Errorf("the private address was called %d times", len(calls))
		}
	})
}

// The retention job deletes from the delivery log the calls that ended before the retention
// period (delivered, or failed for good), and keeps the pending ones however old, and the recent.
func TestRetentionPrunesTheWebhookLog(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		site := siteWithWebhook(t, st, "https://esomus.com/hooks/consent", "whsec-test-0123456789")
		now := time.Now()
		long, lately := now.AddDate(0, 0, -40), now.AddDate(0, 0, -10)
		deliveries := map[string]int64{}
		for _, d := range []struct {
			name  string
			at    time.Time
			ended string
		}{{"old delivered", long, models.WebhookDelivered}, {"old failed", long, models.WebhookFailed},
			{"old pending", long, ""}, {"recent delivered", lately, models.WebhookDelivered}, {"recent failed", lately, models.WebhookFailed}} {
			err := st.InTx(ctx, func(tx *models.Tx) error {
				w := models.ConsentWithdrawal{Scope: models.ScopeAll, Categories: "analytics", Language: "fr", WithdrawnAt: d.at}
				del, err := tx.RecordWithdrawal(ctx, nil, &w, site, d.at) // no job: the call is recorded, not made
				if err != nil {
					return err
				}
				deliveries[d.name] = del.ID
				if d.ended == "" {
					return nil
				}
				return tx.NoteWebhookAttempt(ctx, del.ID, 1, 204, "", d.ended == models.WebhookDelivered, true, d.at)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		q, err := jobs.New(st, service(st), jobs.Options{PollInterval: 20 * time.Millisecond, SweepEvery: time.Hour,
			KeepWebhookLog: 30 * 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		run(t, q) // the retention job runs on start
		gone := func(name string) bool {
			_, err := st.WebhookDeliveryByID(ctx, deliveries[name])
			return errors.Is(err, models.ErrNotFound)
		}
		waitFor(t, "the old ended calls pruned", 20*time.Second, func() bool { return gone("old delivered") && gone("old failed") })
		for _, kept := range []string{"old pending", "recent delivered", "recent failed"} {
			if gone(kept) {
				t.Errorf("the %s call was pruned", kept)
			}
		}
		if n, err := st.PruneWebhookDeliveries(ctx, now.AddDate(0, 0, -30)); err != nil || n != 0 {
			t.Errorf("a second run pruned %d (%v)", n, err)
		}
	})
}
