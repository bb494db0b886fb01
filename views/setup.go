package views

import (
	"context"
	"fmt"

	"github.com/a-h/templ"

	"rightsdesk/authority"
	"rightsdesk/locale"
	"rightsdesk/models"
	"rightsdesk/setup"
)

// Brand is a controller as its public pages show it at the top: its name, and its logo when it has one.
type Brand struct {
	Name    string
	LogoURL string // a path on the portal; empty without a logo
}

// BrandOf is the brand of controller c.
func BrandOf(c models.Controller) *Brand {
	return &Brand{Name: c.Name, LogoURL: LogoPath(c)}
}

// LogoPath is the public address of the controller's current logo, "" when it has none.
func LogoPath(c models.Controller) string { return c.LogoPath() }

// ControllerFormView is the page that adds a controller, or edits one with its logo and sites.
type ControllerFormView struct {
	Creating   bool
	Controller models.Controller // the stored controller (editing)
	Form       setup.Controller
	Errors     map[string]string
	LogoError  string
}

// SiteFormView is the page that adds a site to a controller, or edits one.
type SiteFormView struct {
	Creating    bool
	Controller  models.Controller   // the site's controller (editing), or the one chosen (adding)
	Controllers []models.Controller // adding: every controller, to choose from
	ChosenID    int64
	Site        models.Site // the stored site (editing)
	Form        setup.Site
	Errors      map[string]string
	Cookies     int // live cookies in its catalogue (editing)
}

// NoOrganisationView is what a member of staff without any controller sees instead of the queue.
type NoOrganisationView struct {
	Admin  bool          // an admin, who can add the first organisation
	Admins []models.User // whom a member of staff asks
}

// CountryOption is a country a controller may be in.
type CountryOption struct{ Code, Name string }

// ControllerCountries are the countries a controller may be in, by code, named in English.
func ControllerCountries() []CountryOption {
	var out []CountryOption
	for _, code := range setup.Countries() {
		a, _ := authority.Lookup(code)
		out = append(out, CountryOption{Code: code, Name: a.CountryName("en")})
	}
	return out
}

// timeZones are offered as suggestions; any IANA name is taken.
var timeZones = []string{"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Bratislava", "Europe/Brussels",
	"Europe/Bucharest", "Europe/Budapest", "Europe/Copenhagen", "Europe/Dublin", "Europe/Helsinki", "Europe/Lisbon",
	"Europe/Ljubljana", "Europe/Luxembourg", "Europe/Madrid", "Europe/Malta", "Europe/Nicosia", "Europe/Oslo", "Europe/Paris",
	"Europe/Prague", "Europe/Riga", "Europe/Rome", "Europe/Sofia", "Europe/Stockholm", "Europe/Tallinn", "Europe/Vienna",
	"Europe/Vilnius", "Europe/Warsaw", "Europe/Zagreb", "Atlantic/Reykjavik"}

func languageOptionName(l string) string { return locale.Names[l] + " (" + l + ")" }

func controllerPath(c models.Controller, rest string) templ.SafeURL {
	return templ.SafeURL("/admin/controllers/" + c.Slug + rest)
}

func sitePath(s models.Site, rest string) templ.SafeURL {
	return templ.SafeURL("/admin/sites/" + s.Slug + rest)
}

func siteState(s models.Site) string {
	if s.Retired() {
		return "retired " + instantText(*s.RetiredAt)
	}
	return "live"
}

func countText(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

var controllerFieldOrder = []string{setup.FieldName, setup.FieldSlug, setup.FieldAddress, setup.FieldCompanyNumber,
	setup.FieldContactEmail, setup.FieldPhone, setup.FieldCountry, setup.FieldTimeZone, setup.FieldLanguage,
	setup.FieldPrivacyURL, setup.FieldContactURL, setup.FieldTargetDays, setup.FieldKeepAnswered, setup.FieldKeepUnconfirmed, setup.FieldKeepRecord}

var siteFieldOrder = []string{setup.FieldController, setup.FieldSiteName, setup.FieldSlug, setup.FieldDomains,
	setup.FieldLanguages, setup.FieldPolicyLanguage, setup.FieldPolicyURL, setup.FieldPolicyVersion, setup.FieldWithdrawalHow}

// RetiredSiteText says, in the page's language, that site takes no new request and whom to write to.
func RetiredSiteText(ctx context.Context, site models.Site) string {
	data := map[string]any{"Site": site.Name}
	text := Tf(ctx, "error.retired.text", data)
	if site.Controller == nil {
		return text
	}
	data["Controller"], data["Email"] = site.Controller.Name, site.Controller.ContactEmail
	if site.Controller.ContactEmail == "" {
		return text + " " + Tf(ctx, "error.retired.contact_none", data)
	}
	return text + " " + Tf(ctx, "error.retired.contact", data)
}
