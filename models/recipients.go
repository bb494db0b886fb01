package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// CaseRecipientTold records, for an answer carrying out a rectification, erasure or restriction,
// whether one recipient of the data was told of it (Art. 19): on ToldOn, or not (NotTold) for
// Reason.
type CaseRecipientTold struct {
	CaseID     int64  `gorm:"primaryKey;autoIncrement:false"`
	Provider   string `gorm:"primaryKey"`
	ToldOn     deadline.Date
	NotTold    dsr.NotTold
	Reason     string
	RecordedBy *int64
	RecordedAt time.Time
}

func (CaseRecipientTold) TableName() string { return "case_recipients_told" }

// Told reports whether the recipient was told.
func (r CaseRecipientTold) Told() bool { return r.NotTold == "" }

// RestrictionLifting is the notice that the restriction a requester obtained will be lifted on
// LiftsOn, given before it (Art. 18(3)); once per case.
type RestrictionLifting struct {
	CaseID     int64 `gorm:"primaryKey;autoIncrement:false"`
	LiftsOn    deadline.Date
	Reasons    string
	NotifiedBy *int64
	NotifiedAt time.Time
}

func (RestrictionLifting) TableName() string { return "case_restriction_liftings" }

// CookieRecipients returns the recipients of the data a site's cookies collect: the distinct
// third-party providers of its live cookies, by name.
func (s *Store) CookieRecipients(ctx context.Context, siteID int64) ([]string, error) {
	var ps []string
	err := s.conn(ctx).Model(&Cookie{}).
		Where("site_id = ? AND party = ? AND retired_at IS NULL AND provider <> ''", siteID, "third").
		Distinct("provider").Order("provider").Pluck("provider", &ps).Error
	if err != nil {
		return nil, fmt.Errorf("cookie recipients: %w", err)
	}
	return ps, nil
}

// SaveRecipientsTold stores the recipients told of a case's answer.
func (s *Store) SaveRecipientsTold(ctx context.Context, rows []CaseRecipientTold) error {
	if len(rows) == 0 {
		return nil
	}
	if err := s.conn(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("insert recipients told: %w", err)
	}
	return nil
}

// SaveRecipientTold records one recipient told after the answer: a new line, or the line that
// said it was not told.
func (s *Store) SaveRecipientTold(ctx context.Context, r CaseRecipientTold) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "case_id"}, {Name: "provider"}},
		DoUpdates: clause.AssignmentColumns([]string{"told_on", "not_told", "reason", "recorded_by", "recorded_at"}),
	}).Create(&r).Error
	if err != nil {
		return fmt.Errorf("save recipient told: %w", err)
	}
	return nil
}

// RecipientsTold returns what was recorded of a case's recipients, by provider.
func (s *Store) RecipientsTold(ctx context.Context, caseID int64) ([]CaseRecipientTold, error) {
	var rs []CaseRecipientTold
	err := s.conn(ctx).Where("case_id = ?", caseID).Order("provider").Find(&rs).Error
	return rs, err
}

// AddRestrictionLifting records the notice of lifting a case's restriction. A second notice for
// the same case is refused by the table's key.
func (s *Store) AddRestrictionLifting(ctx context.Context, l *RestrictionLifting) error {
	if err := s.conn(ctx).Create(l).Error; err != nil {
		return fmt.Errorf("insert restriction lifting: %w", err)
	}
	return nil
}

// RestrictionLiftingOf returns the notice of lifting a case's restriction, or ErrNotFound.
func (s *Store) RestrictionLiftingOf(ctx context.Context, caseID int64) (RestrictionLifting, error) {
	var l RestrictionLifting
	err := s.conn(ctx).Where("case_id = ?", caseID).First(&l).Error
	return l, notFound(err)
}
