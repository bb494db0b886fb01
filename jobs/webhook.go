package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/riverqueue/river"

	"rightsdesk/consent"
	"rightsdesk/egress"
	"rightsdesk/models"
)

// WebhookArgs is the job that tells a site of one consent withdrawal.
type WebhookArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (WebhookArgs) Kind() string { return "consent_webhook" }

// InsertOpts: one job per delivery.
func (WebhookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	store  *models.Store
	client *http.Client
	opts   Options
}

// Timeout bounds one call; the HTTP client's own timeout is shorter. Like every job's, it is at
// most RescueAfter.
func (w *webhookWorker) Timeout(*river.Job[WebhookArgs]) time.Duration {
	return min(time.Minute, w.opts.RescueAfter)
}

// NextRetry spaces the calls out with our backoff: a site that is down for an hour is not hammered
// and is still told within minutes of coming back.
func (w *webhookWorker) NextRetry(job *river.Job[WebhookArgs]) time.Time {
	return w.opts.Now().Add(w.opts.Backoff(job.Attempt))
}

// Work calls the site's webhook with the withdrawal, signed with the site's webhook secret. Any 2xx
// answer acknowledges it; anything else (an error status, a timeout, a refused connection, a
// redirect) is retried until the attempts run out, when the delivery is marked failed for the admin.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	d, err := w.store.WebhookDeliveryByID(ctx, job.Args.DeliveryID)
	if errors.Is(err, models.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if d.State != models.WebhookPending {
		return nil // acknowledged or given up by an earlier run
	}
	site, err := w.store.SiteByID(ctx, d.SiteID)
	if err != nil {
		return err
	}
	wd, err := w.store.WithdrawalByID(ctx, d.WithdrawalID)
	if err != nil {
		return err
	}
	final := job.Attempt >= job.MaxAttempts
	record := func(status int, errText string, delivered, final bool) error {
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return w.store.NoteWebhookAttempt(bctx, d.ID, job.Attempt, status, errText, delivered, final, w.opts.Now())
	}
	// The site's current settings: an admin who fixes a wrong URL or rotates the secret while calls
	// fail gets the pending ones delivered to the new address with the new secret.
	if site.WebhookURL == "" {
		if err := record(0, "the site no longer has a webhook", false, true); err != nil {
			return err
		}
		return river.JobCancel(errors.New("webhook removed"))
	}
	body, err := consent.WebhookBody(wd, site.Slug, d.ID)
	if err != nil {
		return river.JobCancel(err)
	}
	secret, err := w.store.WebhookSecret(site)
	if err != nil { // RIGHTSDESK_SECRET changed without RIGHTSDESK_SECRET_PREVIOUS: the admin sets a new webhook
		w.opts.Logger.Error("webhook: the secret does not open", "site_id", site.ID, "error", err)
		if rerr := record(0, "the webhook secret cannot be read: set the webhook again", false, final); rerr != nil {
			return rerr
		}
		return err
	}
	status, callErr := w.call(ctx, site.WebhookURL, secret, d.ID, body)
	log := w.opts.Logger.With("delivery_id", d.ID, "site_id", site.ID, "attempt", job.Attempt)
	if callErr == nil {
		log.Info("webhook: delivered", "status", status)
		return record(status, "", true, false)
	}
	// The admin's page shows why in a few words (egress.Describe), never the dial error, which
	// would tell an admin what answers at each address and port of the portal's network.
	log.Warn("webhook: not acknowledged", "status", status, "error", callErr.Error(), "final", final)
	if err := record(status, egress.Describe(status, callErr), false, final); err != nil {
		return err
	}
	return callErr
}

// call posts body to the site's webhook and reports the status and why it is not an acknowledgement.
func (w *webhookWorker) call(ctx context.Context, url, secret string, deliveryID int64, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Rightsdesk-Webhook/1")
	req.Header.Set(consent.HeaderDelivery, fmt.Sprint(deliveryID))
	req.Header.Set(consent.HeaderSignature, consent.Sign(secret, w.opts.Now(), body))
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook call: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("webhook answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
