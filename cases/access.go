package cases

import (
	"context"

	"rightsdesk/access"
	"rightsdesk/models"
)

// AccessDraft drafts the Art. 15 items of case c's answer from its site's catalogue, in the
// requester's language: the form offers it for staff to check and complete.
func (s *Service) AccessDraft(ctx context.Context, c models.Case) (map[access.Key]string, error) {
	cookies, err := s.store.Cookies(ctx, c.SiteID)
	if err != nil {
		return nil, err
	}
	providers, err := s.store.SiteProviders(ctx, c.SiteID)
	if err != nil {
		return nil, err
	}
	f := access.Facts{Lang: c.Language, Residence: c.Country}
	if c.Site != nil {
		f.Site = c.Site.Name
	}
	if c.Controller != nil {
		f.LeadAuthority = c.Controller.LeadAuthority
	}
	for _, ck := range cookies {
		purpose, _ := ck.PurposeIn(c.Language)
		f.Cookies = append(f.Cookies, access.Cookie{
			Name: ck.Name, Provider: ck.Provider, Third: !ck.FirstParty(), Category: ck.Category,
			Purpose: purpose, Lifetime: ck.Lifetime.Format(c.Language),
		})
	}
	for _, p := range providers {
		f.Providers = append(f.Providers, p.Plain())
	}
	return access.Prefill(f), nil
}

// AccessDraftOf is AccessDraft of the case with reference ref.
func (s *Service) AccessDraftOf(ctx context.Context, ref string) (map[access.Key]string, error) {
	c, err := s.store.CaseByReference(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.AccessDraft(ctx, c)
}
