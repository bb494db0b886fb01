package models

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// receiptAlphabet is Crockford's base32: no I, L, O or U, so a receipt read aloud is unambiguous.
const receiptAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReceipt returns a fresh withdrawal receipt, like CW-7KD2-M4QX (40 random bits).
func NewReceipt() string {
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = receiptAlphabet[b[i]&31]
	}
	return "CW-" + string(b[:4]) + "-" + string(b[4:])
}

// RecordWithdrawal writes a withdrawal with its identifiers and, when the site has a webhook, the
// delivery that tells the site, with its job scheduled by jobs, in the transaction of the
// confirmation letter, so that the visitor is told only what is committed.
func (s *Tx) RecordWithdrawal(ctx context.Context, jobs Scheduler, w *ConsentWithdrawal, site Site, now time.Time) (*WebhookDelivery, error) {
	if w.Receipt == "" {
		w.Receipt = NewReceipt()
	}
	w.SiteID = site.ID
	w.WithdrawnAt = w.WithdrawnAt.UTC()
	for i := range w.Identifiers {
		w.Identifiers[i].SiteID = site.ID
	}
	if err := s.conn(ctx).Create(w).Error; err != nil {
		return nil, fmt.Errorf("insert withdrawal: %w", err)
	}
	if site.WebhookURL == "" {
		return nil, nil
	}
	d := &WebhookDelivery{SiteID: site.ID, WithdrawalID: w.ID, URL: site.WebhookURL, State: WebhookPending, CreatedAt: now.UTC()}
	if err := s.conn(ctx).Create(d).Error; err != nil {
		return nil, fmt.Errorf("insert webhook delivery: %w", err)
	}
	if jobs != nil {
		if err := jobs.ScheduleWebhook(ctx, s.sql, d.ID); err != nil {
			return nil, fmt.Errorf("enqueue webhook %d: %w", d.ID, err)
		}
	}
	return d, nil
}

// WithdrawalByReceipt returns one withdrawal of a site with its identifiers.
func (s *Store) WithdrawalByReceipt(ctx context.Context, siteID int64, receipt string) (ConsentWithdrawal, error) {
	var w ConsentWithdrawal
	err := s.conn(ctx).Preload("Identifiers", orderByID).Where("site_id = ? AND receipt = ?", siteID, receipt).First(&w).Error
	return w, notFound(err)
}

// WithdrawalByID returns one withdrawal with its identifiers.
func (s *Store) WithdrawalByID(ctx context.Context, id int64) (ConsentWithdrawal, error) {
	var w ConsentWithdrawal
	err := s.conn(ctx).Preload("Identifiers", orderByID).First(&w, id).Error
	return w, notFound(err)
}

// MaxWithdrawalsAnswered bounds how many withdrawals one API answer lists (the newest).
const MaxWithdrawalsAnswered = 100

// WithdrawalsFor returns the site's withdrawals that name the identifier value (of the cookie
// cookieName, when given), newest first, each with all its identifiers.
func (s *Store) WithdrawalsFor(ctx context.Context, siteID int64, cookieName, value string) ([]ConsentWithdrawal, error) {
	q := s.conn(ctx).Model(&ConsentIdentifier{}).Select("withdrawal_id").Where("site_id = ? AND value = ?", siteID, value)
	if cookieName != "" {
		q = q.Where("cookie_name = ?", cookieName)
	}
	var ws []ConsentWithdrawal
	err := s.conn(ctx).Preload("Identifiers", orderByID).
		Where("site_id = ? AND id IN (?)", siteID, q).
		Order("withdrawn_at DESC, id DESC").Limit(MaxWithdrawalsAnswered).Find(&ws).Error
	return ws, err
}

// CategoryList splits the stored categories.
func (w ConsentWithdrawal) CategoryList() []string {
	if w.Categories == "" {
		return nil
	}
	return strings.Split(w.Categories, ",")
}

// WebhookDeliveryByID returns one delivery.
func (s *Store) WebhookDeliveryByID(ctx context.Context, id int64) (WebhookDelivery, error) {
	var d WebhookDelivery
	err := s.conn(ctx).First(&d, id).Error
	return d, notFound(err)
}

// WebhookDeliveryOf returns the call that tells the site of a withdrawal; ErrNotFound when the
// site had no webhook.
func (s *Store) WebhookDeliveryOf(ctx context.Context, withdrawalID int64) (WebhookDelivery, error) {
	var d WebhookDelivery
	err := s.conn(ctx).Where("withdrawal_id = ?", withdrawalID).Order("id DESC").First(&d).Error
	return d, notFound(err)
}

// WebhookDeliveries returns a site's latest deliveries, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, siteID int64, limit int) ([]WebhookDelivery, error) {
	var ds []WebhookDelivery
	err := s.conn(ctx).Where("site_id = ?", siteID).Order("id DESC").Limit(limit).Find(&ds).Error
	return ds, err
}

// NoteWebhookAttempt records the outcome of one call: delivered when the site acknowledged it,
// failed for good when final, else still pending. A delivered or failed delivery never changes.
func (s *Store) NoteWebhookAttempt(ctx context.Context, id int64, attempt, status int, errText string, delivered, final bool, at time.Time) error {
	set := map[string]any{"attempts": attempt, "last_status": status, "last_error": truncate(errText, 1000)}
	switch {
	case delivered:
		set["state"], set["delivered_at"] = WebhookDelivered, at.UTC()
	case final:
		set["state"] = WebhookFailed
	}
	if err := s.conn(ctx).Model(&WebhookDelivery{}).Where("id = ? AND state = ?", id, WebhookPending).Updates(set).Error; err != nil || !delivered {
		return err
	}
	// The site acknowledged it: nothing waits for the privacy team (handled_by stays empty: the
	// site's systems handled it).
	return s.conn(ctx).Model(&ConsentWithdrawal{}).
		Where("handled_at IS NULL AND id IN (?)", s.conn(ctx).Model(&WebhookDelivery{}).Select("withdrawal_id").Where("id = ?", id)).
		Update("handled_at", at.UTC()).Error
}

// PruneWebhookDeliveries deletes the calls that ended — delivered or failed for good — before
// the given time, in batches, and returns how many went. A pending call is never pruned: its job
// still runs. What the site was told stays on the withdrawal (handled_at) after its call goes.
func (s *Store) PruneWebhookDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		ended := s.conn(ctx).Model(&WebhookDelivery{}).Select("id").
			Where("state IN ? AND COALESCE(delivered_at, created_at) < ?", []string{WebhookDelivered, WebhookFailed}, before.UTC()).
			Limit(pruneBatch)
		res := s.conn(ctx).Where("id IN (?)", ended).Delete(&WebhookDelivery{})
		total += res.RowsAffected
		if res.Error != nil || res.RowsAffected < pruneBatch {
			return total, res.Error
		}
	}
}

// pruneBatch bounds one DELETE of a pruning run, so that it holds its locks briefly.
const pruneBatch = 1000

func orderByID(db *gorm.DB) *gorm.DB { return db.Order("id") }

// SiteByID returns a site with its controller.
func (s *Store) SiteByID(ctx context.Context, id int64) (Site, error) {
	var site Site
	err := s.conn(ctx).Preload("Controller").First(&site, id).Error
	return site, notFound(err)
}

// WithdrawalNotice is a withdrawal the controller's privacy team must act on: the site was not
// told by a webhook (it has none, or the call failed for good), so the team tells it.
type WithdrawalNotice struct {
	ConsentWithdrawal
	SiteName       string
	SiteDomain     string
	ControllerID   int64
	ControllerName string
	Webhook        string // "" (no webhook) or WebhookFailed
}

// MaxWithdrawalNotices bounds the notices one page lists (the newest).
const MaxWithdrawalNotices = 200

// unhandled selects the withdrawals of the controllers' sites not yet marked handled whose site
// was not told by a webhook.
func (s *Store) unhandled(ctx context.Context, controllers []int64) *gorm.DB {
	return s.conn(ctx).Table("consent_withdrawals w").
		Joins("JOIN sites s ON s.id = w.site_id").
		Joins("LEFT JOIN webhook_deliveries d ON d.withdrawal_id = w.id").
		Where("w.handled_at IS NULL AND s.controller_id IN ?", controllers).
		Where("(d.id IS NULL OR d.state = ?)", WebhookFailed)
}

// WithdrawalNotices returns the controllers' withdrawals waiting for their privacy team, newest
// first, each with its identifiers.
func (s *Store) WithdrawalNotices(ctx context.Context, controllers []int64) ([]WithdrawalNotice, error) {
	if len(controllers) == 0 {
		return nil, nil
	}
	var rows []WithdrawalNotice
	err := s.unhandled(ctx, controllers).
		Joins("JOIN controllers c ON c.id = s.controller_id").
		Select("w.*, s.name AS site_name, s.domain AS site_domain, c.id AS controller_id, c.name AS controller_name, COALESCE(d.state, '') AS webhook").
		Order("w.withdrawn_at DESC, w.id DESC").Limit(MaxWithdrawalNotices).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return rows, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var idents []ConsentIdentifier
	if err := s.conn(ctx).Where("withdrawal_id IN ?", ids).Order("id").Find(&idents).Error; err != nil {
		return nil, err
	}
	for _, id := range idents {
		for i := range rows {
			if rows[i].ID == id.WithdrawalID {
				rows[i].Identifiers = append(rows[i].Identifiers, id)
			}
		}
	}
	return rows, nil
}

// CountWithdrawalNotices counts the controllers' withdrawals waiting for their privacy team.
func (s *Store) CountWithdrawalNotices(ctx context.Context, controllers []int64) (int, error) {
	if len(controllers) == 0 {
		return 0, nil
	}
	var n int64
	err := s.unhandled(ctx, controllers).Count(&n).Error
	return int(n), err
}

// MarkWithdrawalHandled records that a member of the privacy team acted on a withdrawal of one of
// the controllers' sites. Marking it again changes nothing; another controller's is ErrNotFound.
func (s *Store) MarkWithdrawalHandled(ctx context.Context, controllers []int64, id, userID int64, at time.Time) error {
	if len(controllers) == 0 {
		return ErrNotFound
	}
	mine := s.conn(ctx).Model(&Site{}).Select("id").Where("controller_id IN ?", controllers)
	var n int64
	if err := s.conn(ctx).Model(&ConsentWithdrawal{}).Where("id = ? AND site_id IN (?)", id, mine).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return s.conn(ctx).Model(&ConsentWithdrawal{}).Where("id = ? AND handled_at IS NULL", id).
		Updates(map[string]any{"handled_at": at.UTC(), "handled_by": userID}).Error
}
