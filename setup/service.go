package setup

import (
	"context"
	"errors"

	"rightsdesk/models"
)

// Store is what adding and editing an organisation needs of the database.
type Store interface {
	ControllerBySlug(ctx context.Context, slug string) (models.Controller, error)
	SiteBySlug(ctx context.Context, slug string) (models.Site, error)
	CreateController(ctx context.Context, c *models.Controller) error
	UpdateController(ctx context.Context, c models.Controller) error
	CreateSite(ctx context.Context, s *models.Site) error
	UpdateSite(ctx context.Context, s models.Site) error
}

// AddController checks in and adds the controller. Bad input, a slug taken included, is Errors.
func AddController(ctx context.Context, st Store, in Controller) (models.Controller, error) {
	c, errs := CheckController(in)
	if errs != nil {
		return c, errs
	}
	taken := Errors{FieldSlug: "Another organisation has this short name; choose another."}
	if _, err := st.ControllerBySlug(ctx, c.Slug); err == nil {
		return c, taken
	} else if !errors.Is(err, models.ErrNotFound) {
		return c, err
	}
	if err := st.CreateController(ctx, &c); errors.Is(err, models.ErrDuplicate) { // added meanwhile
		return c, taken
	} else if err != nil {
		return c, err
	}
	return c, nil
}

// EditController checks in and saves it over the controller stored as old; the slug stays.
func EditController(ctx context.Context, st Store, old models.Controller, in Controller) (models.Controller, error) {
	in.Slug = old.Slug
	c, errs := CheckController(in)
	if errs != nil {
		return c, errs
	}
	c.ID, c.LogoSHA256 = old.ID, old.LogoSHA256
	return c, st.UpdateController(ctx, c)
}

// AddSite checks in and adds it as a site of controller. Bad input, a slug taken included, is Errors.
func AddSite(ctx context.Context, st Store, controller models.Controller, in Site) (models.Site, error) {
	s, errs := CheckSite(in)
	if errs != nil {
		return s, errs
	}
	s.ControllerID = controller.ID
	taken := Errors{FieldSlug: "Another site has this short name; choose another."}
	if _, err := st.SiteBySlug(ctx, s.Slug); err == nil {
		return s, taken
	} else if !errors.Is(err, models.ErrNotFound) {
		return s, err
	}
	if err := st.CreateSite(ctx, &s); errors.Is(err, models.ErrDuplicate) { // added meanwhile
		return s, taken
	} else if err != nil {
		return s, err
	}
	s.Controller = &controller
	return s, nil
}

// EditSite checks in and saves it over the site stored as old; its slug and controller stay.
func EditSite(ctx context.Context, st Store, old models.Site, in Site) (models.Site, error) {
	in.Slug = old.Slug
	s, errs := CheckSite(in)
	if errs != nil {
		return s, errs
	}
	s.ID, s.ControllerID, s.Controller, s.RetiredAt = old.ID, old.ControllerID, old.Controller, old.RetiredAt
	return s, st.UpdateSite(ctx, s)
}
