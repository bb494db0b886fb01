package models

import (
	"context"

	"rightsdesk/deadline"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Controllers returns every controller with its sites, by name.
func (s *Store) Controllers(ctx context.Context) ([]Controller, error) {
	var cs []Controller
	err := s.conn(ctx).
		Preload("Sites", func(db *gorm.DB) *gorm.DB { return db.Order("name") }).
		Order("name").Find(&cs).Error
	return cs, err
}

// ControllerByID returns one controller.
func (s *Store) ControllerByID(ctx context.Context, id int64) (Controller, error) {
	var c Controller
	err := s.conn(ctx).First(&c, id).Error
	return c, notFound(err)
}

// SiteBySlug returns a site with its controller.
func (s *Store) SiteBySlug(ctx context.Context, slug string) (Site, error) {
	var site Site
	err := s.conn(ctx).Preload("Controller").Where("slug = ?", slug).First(&site).Error
	return site, notFound(err)
}

// Cookies returns the site's current catalogue in the order of its published policy.
func (s *Store) Cookies(ctx context.Context, siteID int64) ([]Cookie, error) {
	var cs []Cookie
	err := s.conn(ctx).Where("site_id = ? AND retired_at IS NULL", siteID).Order("position, id").Find(&cs).Error
	return cs, err
}

// SaveController creates the controller, or updates the one with the same slug.
func (s *Store) SaveController(ctx context.Context, c *Controller) error {
	if c.InternalTargetDays == 0 {
		c.InternalTargetDays = deadline.DefaultInternalTargetDays
	}
	// The retention periods are the admins' to change: an update (the demo loaded again) keeps
	// theirs, a new controller starts from the columns' defaults.
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "slug"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "address", "country", "company_number", "contact_email",
			"phone", "contact_url", "privacy_url", "time_zone", "lead_authority", "default_language",
			"internal_target_days", "updated_at"}),
	}).Omit("Sites").Create(c).Error
}

// SaveSite creates the site, or updates the one with the same slug.
func (s *Store) SaveSite(ctx context.Context, site *Site) error {
	if site.Languages == "" {
		site.Languages = site.PolicyLanguage
	}
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "slug"}},
		DoUpdates: clause.AssignmentColumns([]string{"controller_id", "name", "domain", "languages", "policy_url", "policy_version",
			"policy_language", "consent_banner", "withdrawal_how", "updated_at"}),
	}).Omit("Controller").Create(site).Error
}

// SaveCookie creates the cookie, or updates the one of that site with the same name.
func (s *Store) SaveCookie(ctx context.Context, c *Cookie) error {
	return s.conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "site_id"}, {Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"position", "provider", "party", "category", "purpose",
			"purpose_language", "purposes", "lifetime_kind", "lifetime_amount", "lifetime_unit", "lifetime_max_amount", "lifetime_max_unit", "lifetime_text", "identifying", "unnamed", "opt_out_url", "retired_at", "updated_at"}),
	}).Create(c).Error
}

// ControllerBySlug returns one controller.
func (s *Store) ControllerBySlug(ctx context.Context, slug string) (Controller, error) {
	var c Controller
	err := s.conn(ctx).Where("slug = ?", slug).First(&c).Error
	return c, notFound(err)
}
