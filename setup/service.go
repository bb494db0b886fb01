package setup

import (
	"context"
	"errors"
	"time"

	"rightsdesk/events"
	"rightsdesk/models"
)

// Store is what adding and editing an organisation needs of the database: one transaction, in
// which the change and its event in the audit chain commit together.
type Store interface {
	InTx(ctx context.Context, fn func(tx *models.Tx) error) error
}

// AddController checks in and adds the controller, with its event (controller_added) by by. Bad
// input, a slug taken included, is Errors and writes nothing.
func AddController(ctx context.Context, st Store, by models.By, in Controller) (models.Controller, error) {
	c, errs := CheckController(in)
	if errs != nil {
		return c, errs
	}
	taken := Errors{FieldSlug: "Another organisation has this short name; choose another."}
	err := st.InTx(ctx, func(tx *models.Tx) error {
		if _, err := tx.ControllerBySlug(ctx, c.Slug); err == nil {
			return taken
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if err := tx.CreateController(ctx, &c); errors.Is(err, models.ErrDuplicate) { // added meanwhile
			return taken
		} else if err != nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, by, c.ID, time.Now(), events.ControllerAdded{Slug: c.Slug, Name: c.Name})
	})
	return c, err
}

// EditController checks in and saves it over the controller stored as old; the slug stays. What
// changed is recorded (controller_changed); saving it unchanged records nothing.
func EditController(ctx context.Context, st Store, by models.By, old models.Controller, in Controller) (models.Controller, error) {
	in.Slug = old.Slug
	c, errs := CheckController(in)
	if errs != nil {
		return c, errs
	}
	c.ID, c.LogoSHA256 = old.ID, old.LogoSHA256
	d := ControllerChanges(old, c)
	return c, st.InTx(ctx, func(tx *models.Tx) error {
		if err := tx.UpdateController(ctx, c); err != nil {
			return err
		}
		if len(d.Changed) == 0 {
			return nil
		}
		return tx.AppendAdminEvent(ctx, by, c.ID, time.Now(), d)
	})
}

// ControllerChanges names the settings that differ between old and c, with the retention periods'
// values when they change.
func ControllerChanges(old, c models.Controller) events.ControllerChanged {
	var d events.ControllerChanged
	for _, f := range []struct {
		name string
		diff bool
	}{
		{"name", old.Name != c.Name}, {"address", old.Address != c.Address}, {"country", old.Country != c.Country},
		{"company number", old.CompanyNumber != c.CompanyNumber}, {"contact e-mail", old.ContactEmail != c.ContactEmail},
		{"phone", old.Phone != c.Phone}, {"contact page", old.ContactURL != c.ContactURL},
		{"privacy notice", old.PrivacyURL != c.PrivacyURL}, {"time zone", old.TimeZone != c.TimeZone},
		{"lead authority", old.LeadAuthority != c.LeadAuthority}, {"language", old.DefaultLanguage != c.DefaultLanguage},
		{"internal target", old.InternalTargetDays != c.InternalTargetDays},
		{"disclosure page", old.TransparencyOff != c.TransparencyOff}, {"identity pause", old.IdentityPause != c.IdentityPause},
		{"retention of answered requests", old.KeepAnsweredDays != c.KeepAnsweredDays},
		{"retention of unconfirmed requests", old.KeepUnconfirmedDays != c.KeepUnconfirmedDays},
		{"retention of the records", old.RecordYears() != c.RecordYears()},
	} {
		if f.diff {
			d.Changed = append(d.Changed, f.name)
		}
	}
	if old.KeepAnsweredDays != c.KeepAnsweredDays {
		d.KeepAnsweredFrom, d.KeepAnsweredTo = old.KeepAnsweredDays, c.KeepAnsweredDays
	}
	if old.KeepUnconfirmedDays != c.KeepUnconfirmedDays {
		d.KeepUnconfirmedFrom, d.KeepUnconfirmedTo = old.KeepUnconfirmedDays, c.KeepUnconfirmedDays
	}
	if old.RecordYears() != c.RecordYears() {
		d.KeepRecord, d.KeepRecordFrom, d.KeepRecordTo = true, old.RecordYears(), c.RecordYears()
	}
	return d
}

// AddSite checks in and adds it as a site of controller, with its event (site_added). Bad input,
// a slug taken included, is Errors and writes nothing.
func AddSite(ctx context.Context, st Store, by models.By, controller models.Controller, in Site) (models.Site, error) {
	s, errs := CheckSite(in)
	if errs != nil {
		return s, errs
	}
	s.ControllerID = controller.ID
	taken := Errors{FieldSlug: "Another site has this short name; choose another."}
	err := st.InTx(ctx, func(tx *models.Tx) error {
		if _, err := tx.SiteBySlug(ctx, s.Slug); err == nil {
			return taken
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if err := tx.CreateSite(ctx, &s); errors.Is(err, models.ErrDuplicate) { // added meanwhile
			return taken
		} else if err != nil {
			return err
		}
		return tx.AppendAdminEvent(ctx, by, controller.ID, time.Now(), events.SiteAdded{Site: s.Slug, Name: s.Name, Domains: s.DomainList()})
	})
	if err != nil {
		return s, err
	}
	s.Controller = &controller
	return s, nil
}

// EditSite checks in and saves it over the site stored as old; its slug and controller stay. What
// changed is recorded (site_changed); saving it unchanged records nothing.
func EditSite(ctx context.Context, st Store, by models.By, old models.Site, in Site) (models.Site, error) {
	in.Slug = old.Slug
	s, errs := CheckSite(in)
	if errs != nil {
		return s, errs
	}
	s.ID, s.ControllerID, s.Controller, s.RetiredAt = old.ID, old.ControllerID, old.Controller, old.RetiredAt
	var changed []string
	for _, f := range []struct {
		name string
		diff bool
	}{
		{"name", old.Name != s.Name}, {"domains", old.Domain != s.Domain || old.OtherDomains != s.OtherDomains},
		{"languages", old.Languages != s.Languages}, {"cookie policy", old.PolicyURL != s.PolicyURL},
		{"policy date", old.PolicyVersion != s.PolicyVersion}, {"policy language", old.PolicyLanguage != s.PolicyLanguage},
		{"consent banner", old.ConsentBanner != s.ConsentBanner}, {"how to withdraw", old.WithdrawalHow != s.WithdrawalHow},
	} {
		if f.diff {
			changed = append(changed, f.name)
		}
	}
	return s, st.InTx(ctx, func(tx *models.Tx) error {
		if err := tx.UpdateSite(ctx, s); err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		return tx.AppendAdminEvent(ctx, by, s.ControllerID, time.Now(), events.SiteChanged{Site: s.Slug, Changed: changed})
	})
}
