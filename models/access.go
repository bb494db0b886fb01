package models

import (
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"rightsdesk/access"
)

// Provider is what the catalogue records of one third-party provider of a site's cookies: where it
// processes the data and, outside the EU/EEA, the safeguard of the transfer (Art. 15(2)).
type Provider struct {
	SiteID        int64  `gorm:"primaryKey;autoIncrement:false"`
	Name          string `gorm:"primaryKey"`
	Country       string
	Safeguard     access.Safeguard
	SafeguardText string
	UpdatedAt     time.Time
}

// Plain is the provider as the access rules know it.
func (p Provider) Plain() access.Provider {
	return access.Provider{Name: p.Name, Country: p.Country, Safeguard: p.Safeguard, Text: p.SafeguardText}
}

// SiteProviders returns the third-party providers of a site's live cookies, by name, with what
// is recorded of each: a provider named by a cookie but not yet recorded comes with no country.
func (s *Store) SiteProviders(ctx context.Context, siteID int64) ([]Provider, error) {
	names, err := s.CookieRecipients(ctx, siteID)
	if err != nil {
		return nil, err
	}
	var rows []Provider
	if err := s.conn(ctx).Where("site_id = ?", siteID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	out := make([]Provider, len(names))
	for i, n := range names {
		out[i] = Provider{SiteID: siteID, Name: n}
		if j := slices.IndexFunc(rows, func(r Provider) bool { return r.Name == n }); j >= 0 {
			out[i] = rows[j]
		}
	}
	return out, nil
}

// SaveProvider records where a provider of a site processes the data, replacing what was.
func (s *Store) SaveProvider(ctx context.Context, p *Provider) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "site_id"}, {Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"country", "safeguard", "safeguard_text", "updated_at"}),
	}).Create(p).Error
	if err != nil {
		return fmt.Errorf("save provider: %w", err)
	}
	return nil
}

// CaseAccessItem is the answer to one item of Art. 15 in a case's access answer.
type CaseAccessItem struct {
	CaseID int64      `gorm:"primaryKey;autoIncrement:false"`
	Item   access.Key `gorm:"primaryKey"`
	Text   string
}

func (CaseAccessItem) TableName() string { return "case_access_items" }

// SaveAccessItems stores the Art. 15 items of case caseID's answer.
func (s *Store) SaveAccessItems(ctx context.Context, caseID int64, items []access.Item) error {
	if len(items) == 0 {
		return nil
	}
	rows := make([]CaseAccessItem, len(items))
	for i, it := range items {
		rows[i] = CaseAccessItem{CaseID: caseID, Item: it.Key, Text: it.Text}
	}
	if err := s.conn(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("insert access items: %w", err)
	}
	return nil
}

// AccessItems returns the Art. 15 items of case caseID's answer in the order of the article;
// none when the answer gave no access.
func (s *Store) AccessItems(ctx context.Context, caseID int64) ([]access.Item, error) {
	var rows []CaseAccessItem
	if err := s.conn(ctx).Where("case_id = ?", caseID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("access items: %w", err)
	}
	out := make([]access.Item, 0, len(rows))
	for _, k := range access.Keys {
		if j := slices.IndexFunc(rows, func(r CaseAccessItem) bool { return r.Item == k }); j >= 0 {
			out = append(out, access.Item{Key: k, Text: rows[j].Text})
		}
	}
	return out, nil
}
