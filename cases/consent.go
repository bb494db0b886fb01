package cases

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"

	"rightsdesk/consent"
	"rightsdesk/dsr"
	"rightsdesk/letters"
	"rightsdesk/models"
)

// Withdrawal is a visitor's withdrawal of consent on the public page, as the handler checked it.
type Withdrawal struct {
	Site       models.Site // with its controller
	Catalogue  []models.Cookie
	Scope      string
	Categories []string
	// Identifiers are those the visitor proved: read from the browser's own cookies or vouched for
	// by the site's signed link. A typed value proves nothing about whose device it is, so it
	// cannot withdraw on its own (it goes through a request that staff verify).
	Identifiers []dsr.Identifier
	Cleared     []string // the site's cookies the response expires in this browser
	// Remaining are the site's own withdrawn cookies the portal could not expire (consent.Remaining):
	// the receipt says how to remove them instead.
	Remaining []string
	Email     string // where to confirm; empty: no letter
	Language  string
}

// errTypedWithdrawal guards the rule above against a handler that forgets it.
var errTypedWithdrawal = errors.New("cases: a typed identifier cannot withdraw consent on its own")

// WithdrawConsent records the withdrawal against the identifiers and the site, tells the site
// through its webhook (a job, retried until acknowledged) and queues the confirmation letter when
// the visitor gave an address — all in one transaction, before the visitor is told.
func (s *Service) WithdrawConsent(ctx context.Context, w Withdrawal) (models.ConsentWithdrawal, error) {
	if w.Site.Retired() {
		return models.ConsentWithdrawal{}, &models.SiteRetiredError{Site: w.Site}
	}
	now := s.clock()
	rec := models.ConsentWithdrawal{
		Scope: w.Scope, Categories: strings.Join(w.Categories, ","), Language: letters.Language(w.Language),
		Email: w.Email, WithdrawnAt: now,
	}
	for _, id := range w.Identifiers {
		if id.Provenance != dsr.ProvenanceBrowser && id.Provenance != dsr.ProvenanceSigned {
			return models.ConsentWithdrawal{}, errTypedWithdrawal
		}
		rec.Identifiers = append(rec.Identifiers, models.ConsentIdentifier{CookieName: id.CookieName, Value: id.Value, Provenance: id.Provenance})
	}
	err := s.store.InTx(ctx, func(tx *models.Tx) error {
		d, err := tx.RecordWithdrawal(ctx, s.cfg.Jobs, &rec, w.Site, now)
		if err != nil {
			return err
		}
		if w.Email == "" {
			return nil
		}
		webhook := ""
		if d != nil {
			webhook = d.State
		}
		return s.queueWithdrawalLetter(ctx, tx, rec, w, webhook)
	})
	return rec, err
}

// recordCaseWithdrawal records the consent withdrawal a request asked for, once staff comply
// with it: dated when the requester asked (the case's receipt, Art. 7(3) takes effect then), for
// every category, against the case's identifiers that staff did not reject, and told to the site
// through its webhook like a browser's withdrawal. Staff answered it, so the privacy team has
// nothing left to be told of: it is recorded as handled.
func recordCaseWithdrawal(ctx context.Context, tx *models.Tx, jobs models.Scheduler, c *models.Case, a Actor, now time.Time) (models.ConsentWithdrawal, *models.WebhookDelivery, error) {
	scope, categories, _ := consent.Scope(true, nil)
	caseID, by, at := c.ID, a.UserID, now.UTC()
	rec := models.ConsentWithdrawal{
		Scope: scope, Categories: strings.Join(categories, ","), Language: letters.Language(c.Language),
		WithdrawnAt: c.ReceivedAt, CaseID: &caseID, HandledAt: &at, HandledBy: &by,
	}
	for _, id := range c.Identifiers {
		if id.Verified != nil && !*id.Verified {
			continue
		}
		rec.Identifiers = append(rec.Identifiers, models.ConsentIdentifier{CookieName: id.CookieName, Value: id.Value, Provenance: id.Provenance})
	}
	d, err := tx.RecordWithdrawal(ctx, jobs, &rec, *c.Site, now)
	return rec, d, err
}

// queueWithdrawalLetter writes the confirmation: webhook is the state of the call that tells the
// site ("" without a webhook), so that the letter says only who has been told.
func (s *Service) queueWithdrawalLetter(ctx context.Context, tx *models.Tx, rec models.ConsentWithdrawal, w Withdrawal, webhook string) error {
	ctrl := w.Site.Controller
	d := letters.Data{
		Reference:     rec.Receipt,
		Language:      rec.Language,
		Controller:    s.partyOf(*ctrl),
		SiteName:      w.Site.Name,
		SiteDomain:    w.Site.Domain,
		At:            rec.WithdrawnAt.In(ctrl.Location()),
		Categories:    w.Categories,
		Cleared:       w.Cleared,
		Remaining:     w.Remaining,
		Webhook:       webhook,
		Banner:        w.Site.ConsentBanner,
		WithdrawalHow: w.Site.WithdrawalHow,
		LeadAuthority: ctrl.LeadAuthority,
	}
	for _, id := range rec.Identifiers {
		d.Identifiers = append(d.Identifiers, id.CookieName+": "+id.Value)
	}
	for _, o := range consent.OptOuts(w.Catalogue, w.Categories) {
		d.OptOuts = append(d.OptOuts, letters.OptOut{Provider: o.Provider, URL: o.URL, Cookies: o.Cookies})
	}
	r, err := s.render(ctx, tx, ctrl.ID, letters.ConsentWithdrawn, d)
	if err != nil {
		return err
	}
	sender := mail.Address{Name: ctrl.Name + " (Rightsdesk)", Address: s.fromAddress()}
	id := rec.ID
	now := s.clock()
	return tx.QueueLetter(ctx, s.cfg.Jobs, &models.Letter{
		WithdrawalID:  &id,
		Kind:          string(letters.ConsentWithdrawn),
		Language:      r.Language,
		Sender:        sender.String(),
		Recipient:     w.Email,
		Subject:       r.Subject,
		TextBody:      r.Text,
		HTMLBody:      r.HTML,
		MessageID:     messageID(letters.ConsentWithdrawn, s.fromAddress()),
		CreatedAt:     now,
		NextAttemptAt: now,
	})
}
