package views

import (
	"context"
	"time"

	"rightsdesk/consent"
	"rightsdesk/dsr"
	"rightsdesk/models"
)

// ConsentCategory is a category the visitor may withdraw, with the site's cookies in it.
type ConsentCategory struct {
	Code    string
	Cookies []string
}

// ConsentForm is the public withdrawal page: the categories the site's catalogue has, the
// identifiers proven for this browser, and what was chosen and typed.
type ConsentForm struct {
	Site        models.Site
	Categories  []ConsentCategory
	Identifiers []dsr.Identifier // read from this browser or vouched for by the site's link
	Token       string           // the site's signed link, carried to the post
	LinkRefusal *dsr.Problem     // why the site's link was refused, when it was
	All         bool
	Chosen      []string
	Email       string
	Errors      dsr.Errors // field → the message shown, in the page's language
	Notice      string
}

// ConsentCategories lists the withdrawable categories the catalogue has cookies in.
func ConsentCategories(catalogue []models.Cookie) []ConsentCategory {
	var out []ConsentCategory
	for _, code := range consent.Present(catalogue) {
		cc := ConsentCategory{Code: code}
		for _, k := range catalogue {
			if k.Category == code {
				cc.Cookies = append(cc.Cookies, k.Name)
			}
		}
		out = append(out, cc)
	}
	return out
}

func (f ConsentForm) chosen(code string) bool {
	for _, c := range f.Chosen {
		if c == code {
			return true
		}
	}
	return false
}

// ConsentDone is the receipt shown once the withdrawal is recorded.
type ConsentDone struct {
	Site        models.Site
	Receipt     string
	At          time.Time
	Categories  []string
	Cleared     []string
	Identifiers []dsr.Identifier
	Remaining   []string // the site's own withdrawn cookies the portal could not remove
	OptOuts     []consent.OptOut
	Email       string
	Webhook     string     // the state of the call that tells the site; "" without a webhook
	Delivered   *time.Time // when the site acknowledged it
	Say         consent.Wording
}

// consentProvenance says how the portal knows an identifier, in the visitor's words.
func consentProvenance(ctx context.Context, p dsr.Provenance, site string) string {
	if p == dsr.ProvenanceSigned {
		return Tf(ctx, "consent.from_site", map[string]any{"Site": site})
	}
	return T(ctx, "consent.from_browser")
}
