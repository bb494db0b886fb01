package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Setting up: controllers and their sites as admins add and edit them, sites retired and restored,
// and each controller's logo.

// ErrSiteRetired is returned when a retired site is asked to take a new request or a consent
// withdrawal. Its existing cases go on.
var ErrSiteRetired = errors.New("the site is retired")

// ControllerLogo is a controller's logo: a raster image the portal decoded before keeping it.
type ControllerLogo struct {
	ControllerID  int64 `gorm:"primaryKey;autoIncrement:false"`
	ContentType   string
	Data          []byte
	SHA256        string `gorm:"column:sha256"`
	Width, Height int
	UpdatedAt     time.Time
}

// LogoPath is the portal path of the controller's current logo, "" when it has none. The hash in
// the query names the version, so a new logo is fetched at once despite caches.
func (c Controller) LogoPath() string {
	if c.LogoSHA256 == "" {
		return ""
	}
	return "/brand/" + c.Slug + "/logo?v=" + c.LogoSHA256[:min(16, len(c.LogoSHA256))]
}

// DomainList is the site's main domain followed by its other domains.
func (s Site) DomainList() []string {
	out := []string{s.Domain}
	for _, d := range strings.Split(s.OtherDomains, "\n") {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// LanguageList is the languages the site is published in, in order; its policy's language when
// none is recorded.
func (s Site) LanguageList() []string {
	var out []string
	for _, l := range strings.Split(s.Languages, ",") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 && s.PolicyLanguage != "" {
		out = []string{s.PolicyLanguage}
	}
	return out
}

// DefaultLanguage is the language of the site's public pages for a visitor who asks for none of
// the four: its controller's default language when the site is published in it, else the site's
// first language.
func (s Site) DefaultLanguage() string {
	langs := s.LanguageList()
	if s.Controller != nil && (len(langs) == 0 || slices.Contains(langs, s.Controller.DefaultLanguage)) {
		return s.Controller.DefaultLanguage
	}
	if len(langs) > 0 {
		return langs[0]
	}
	return ""
}

// Retired reports whether the site left the public pages.
func (s Site) Retired() bool { return s.RetiredAt != nil }

// LiveSites are the controller's sites that are not retired.
func (c Controller) LiveSites() []Site {
	var out []Site
	for _, s := range c.Sites {
		if !s.Retired() {
			out = append(out, s)
		}
	}
	return out
}

// controllerColumns are what an admin edits of a controller; the slug is fixed at creation (it is
// in links already handed out) and the logo has its own methods.
var controllerColumns = []string{"name", "address", "country", "company_number", "contact_email", "phone",
	"contact_url", "privacy_url", "time_zone", "lead_authority", "default_language", "internal_target_days",
	"transparency_off", "identity_pause", "keep_answered_days", "keep_unconfirmed_days", "keep_record_years", "updated_at"}

// CreateController adds a controller; a slug that is taken is ErrDuplicate.
func (s *Store) CreateController(ctx context.Context, c *Controller) error {
	if err := s.conn(ctx).Omit("Sites").Create(c).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return fmt.Errorf("controller %w", ErrDuplicate)
		}
		return err
	}
	return nil
}

// UpdateController saves what an admin edits of controller c.ID.
func (s *Store) UpdateController(ctx context.Context, c Controller) error {
	return oneRow(s.conn(ctx).Model(&Controller{ID: c.ID}).Select(controllerColumns).Updates(&c))
}

// oneRow is the outcome of an update of one row by its id: ErrNotFound when there is no such row.
func oneRow(res *gorm.DB) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// SetControllerLogo replaces the controller's logo.
func (s *Store) SetControllerLogo(ctx context.Context, l ControllerLogo) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.setLogoHash(ctx, l.ControllerID, l.SHA256, l.UpdatedAt); err != nil {
			return err
		}
		return tx.conn(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "controller_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"content_type", "data", "sha256", "width", "height", "updated_at"}),
		}).Create(&l).Error
	})
}

// RemoveControllerLogo takes the controller's logo away; its pages and next letters show its name only.
func (s *Store) RemoveControllerLogo(ctx context.Context, controllerID int64, now time.Time) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.setLogoHash(ctx, controllerID, "", now); err != nil {
			return err
		}
		return tx.conn(ctx).Where("controller_id = ?", controllerID).Delete(&ControllerLogo{}).Error
	})
}

func (s *Store) setLogoHash(ctx context.Context, controllerID int64, hash string, at time.Time) error {
	return oneRow(s.conn(ctx).Model(&Controller{}).Where("id = ?", controllerID).
		Updates(map[string]any{"logo_sha256": hash, "updated_at": at}))
}

// LogoOf returns the logo of the controller with that slug; none is ErrNotFound.
func (s *Store) LogoOf(ctx context.Context, slug string) (ControllerLogo, error) {
	var l ControllerLogo
	err := s.conn(ctx).Where("controller_id = (SELECT id FROM controllers WHERE slug = ?)", slug).First(&l).Error
	return l, notFound(err)
}

// siteColumns are what an admin edits of a site; its slug and controller are fixed at creation.
var siteColumns = []string{"name", "domain", "other_domains", "languages", "policy_url", "policy_version",
	"policy_language", "consent_banner", "withdrawal_how", "updated_at"}

// CreateSite adds a site; a slug that is taken is ErrDuplicate.
func (s *Store) CreateSite(ctx context.Context, site *Site) error {
	if err := s.conn(ctx).Omit("Controller").Create(site).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return fmt.Errorf("site %w", ErrDuplicate)
		}
		return err
	}
	return nil
}

// UpdateSite saves what an admin edits of site.ID.
func (s *Store) UpdateSite(ctx context.Context, site Site) error {
	return oneRow(s.conn(ctx).Model(&Site{ID: site.ID}).Select(siteColumns).Updates(&site))
}

// RetireSite takes the site off the public pages (at is nil: puts it back).
func (s *Store) RetireSite(ctx context.Context, siteID int64, at *time.Time) error {
	return oneRow(s.conn(ctx).Model(&Site{}).Where("id = ?", siteID).
		Updates(map[string]any{"retired_at": at, "updated_at": time.Now().UTC()}))
}

// Admins returns the active admins, by name: whom staff without an organisation ask.
func (s *Store) Admins(ctx context.Context) ([]User, error) {
	var us []User
	err := s.conn(ctx).Where("role = ? AND active = ?", RoleAdmin, true).Order("name, id").Find(&us).Error
	return us, err
}

// CountUsers returns how many staff accounts exist: none on a first run.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&User{}).Count(&n).Error
	return n, err
}

// SiteRetiredError says which site is retired, so that the page refusing a request can name the
// site and its controller. It is ErrSiteRetired.
type SiteRetiredError struct{ Site Site }

func (e *SiteRetiredError) Error() string { return "site " + e.Site.Slug + " is retired" }

// Unwrap makes it ErrSiteRetired.
func (e *SiteRetiredError) Unwrap() error { return ErrSiteRetired }
