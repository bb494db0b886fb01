package views

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"rightsdesk/access"
	"rightsdesk/catalogue"
	"rightsdesk/lifetime"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// CookieForm is the add or edit form of one cookie: what was typed by field key (catalogue's
// keys), and the refusal beside each field.
type CookieForm struct {
	ID     int64 // 0: a new cookie
	Values map[string]string
	Errors map[string]string
	Notice string // a refusal that belongs to no field
}

// CookieFormOf fills a form with a stored cookie. The lifetime is shown field by field, with its
// published text as stored.
func CookieFormOf(c models.Cookie) CookieForm {
	r := catalogue.FromCookie(c)
	v := map[string]string{}
	for _, f := range catalogue.Fields {
		v[f] = r.Value(f)
	}
	v[catalogue.FieldLifetime] = c.Lifetime.Text
	v[catalogue.FieldLifetimeKind] = string(c.Lifetime.Kind)
	v[catalogue.FieldLifetimeUnit] = string(c.Lifetime.Unit)
	v[catalogue.FieldLifetimeAmount] = ""
	if c.Lifetime.Amount > 0 {
		v[catalogue.FieldLifetimeAmount] = fmt.Sprint(c.Lifetime.Amount)
	}
	return CookieForm{ID: c.ID, Values: v}
}

// CatalogueView is a site's catalogue for its admins.
type CatalogueView struct {
	Site    models.Site
	Live    []models.Cookie
	Retired []models.Cookie
	Add     CookieForm
	// Providers are the third-party providers of the live cookies, each with its form.
	Providers []ProviderRow
}

// ProviderRow is one third-party provider on the catalogue page: where it processes the data as
// recorded, or as typed into a refused form with the reasons by field (access's field keys).
type ProviderRow struct {
	Index                    int // in the list: the form's element ids
	Name                     string
	Country, Safeguard, Text string
	Recorded                 bool // a country is recorded
	Errors                   map[string]string
}

// provFieldID is the id of a field of the i-th provider's form.
func provFieldID(i int, field string) string { return fmt.Sprintf("provider-%d-%s", i, field) }

func provFieldAria(r ProviderRow, field string) templ.Attributes {
	if r.Errors[field] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": provFieldID(r.Index, field) + "-error"}
}

var provFieldLabels = map[string]string{access.CountryField: "Country", access.SafeguardField: "Transfer safeguard",
	access.SafeguardTextField: "Further words"}

// provFormErrors are a refused provider form's errors by element id, for the summary.
func provFormErrors(rows []ProviderRow) (map[string]string, []string) {
	out := map[string]string{}
	var order []string
	for _, r := range rows {
		for _, f := range []string{access.CountryField, access.SafeguardField, access.SafeguardTextField} {
			id := provFieldID(r.Index, f)
			order = append(order, id)
			if msg := r.Errors[f]; msg != "" {
				out[id] = r.Name + ", " + strings.ToLower(provFieldLabels[f]) + ": " + msg
			}
		}
	}
	return out, order
}

// safeguardLabels name the safeguards on the admin pages.
var safeguardLabels = map[access.Safeguard]string{
	access.SafeguardAdequacy: "Adequacy decision (Art. 45)",
	access.SafeguardDPF:      "EU–US Data Privacy Framework",
	access.SafeguardSCC:      "Standard contractual clauses (Art. 46(2)(c))",
	access.SafeguardBCR:      "Binding corporate rules (Art. 47)",
	access.SafeguardOther:    "Other (describe)",
}

// SafeguardLabel names a safeguard in English.
func SafeguardLabel(s access.Safeguard) string {
	if l, ok := safeguardLabels[s]; ok {
		return l
	}
	return string(s)
}

// ProviderPlace says in English where a provider processes the data: "United States, EU–US Data
// Privacy Framework"; "not recorded" without a country.
func ProviderPlace(p access.Provider) string {
	if p.Country == "" {
		return "not recorded"
	}
	s := access.CountryName("en", p.Country)
	switch {
	case p.Safeguard != "":
		s += ", " + SafeguardLabel(p.Safeguard)
	case !p.Transfer():
		s += ", within the EU/EEA"
	}
	if p.Text != "" {
		s += " (" + p.Text + ")"
	}
	return s
}

// provShown is a value typed into a select that is none of its options, shown back: valid
// text without control characters.
func provShown(v string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return -1
		}
		return r
	}, clean(v))
}

// provMissing counts the providers with no country recorded.
func provMissing(rows []ProviderRow) int {
	n := 0
	for _, r := range rows {
		if !r.Recorded {
			n++
		}
	}
	return n
}

func countryOptionName(code string) string { return access.CountryName("en", code) + " (" + code + ")" }

// ImportView is the import page: the form, and after a POST either the file's errors or what
// applying it would change.
type ImportView struct {
	Site    models.Site
	Format  string // "", "csv" or "json"
	Content string // what was pasted or uploaded, kept for the next step
	Errors  []string
	Notice  string
	Preview *catalogue.Preview
}

func catSitePath(slug string, rest string) templ.SafeURL {
	return templ.SafeURL("/admin/sites/" + url.PathEscape(slug) + rest)
}

func catCookiePath(slug string, id int64, rest string) templ.SafeURL {
	return catSitePath(slug, fmt.Sprintf("/cookies/%d%s", id, rest))
}

func catTablePath(slug, lang string) templ.SafeURL {
	return catSitePath(slug, "/cookies/table.html?"+url.Values{"lang": {lang}}.Encode())
}

func catYesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// cookieFieldLabels name the fields on the admin pages.
var cookieFieldLabels = map[string]string{
	catalogue.FieldName: "Name", catalogue.FieldProvider: "Provider", catalogue.FieldParty: "Party",
	catalogue.FieldCategory: "Category", catalogue.FieldPurpose: "Purpose as published",
	catalogue.FieldPurposeLanguage: "Language of the published purpose", catalogue.FieldLifetime: "Lifetime",
	catalogue.FieldIdentifying: "Identifies a device or person", catalogue.FieldOptOutURL: "Opt-out page (third-party providers)",
	catalogue.FieldUnnamed:      "Name not published",
	catalogue.FieldLifetimeKind: "Lifetime", catalogue.FieldLifetimeAmount: "Amount", catalogue.FieldLifetimeUnit: "Unit",
	"purpose_fr": "Purpose in French", "purpose_nl": "Purpose in Dutch", "purpose_en": "Purpose in English", "purpose_de": "Purpose in German",
}

// FieldLabel names a catalogue field in English.
func FieldLabel(f string) string {
	if l, ok := cookieFieldLabels[f]; ok {
		return l
	}
	return f
}

func catFieldID(f string) string { return "cookie-" + f }

func catFormErrors(f CookieForm) map[string]string {
	out := map[string]string{}
	for k, v := range f.Errors {
		out[catFieldID(k)] = FieldLabel(k) + ": " + v
	}
	return out
}

// catErrorOrder is the order of the form's fields, the lifetime's where the form shows them.
func catErrorOrder() []string {
	var out []string
	for _, f := range catalogue.Fields {
		if f == catalogue.FieldLifetime {
			out = append(out, catFieldID(catalogue.FieldLifetimeKind), catFieldID(catalogue.FieldLifetimeAmount),
				catFieldID(catalogue.FieldLifetimeUnit))
		}
		out = append(out, catFieldID(f))
	}
	return out
}

// catLifetimeKindID is the id of the i-th choice of kind; the first is the one an error links to.
func catLifetimeKindID(i int) string {
	if i == 0 {
		return catFieldID(catalogue.FieldLifetimeKind)
	}
	return fmt.Sprintf("%s-%d", catFieldID(catalogue.FieldLifetimeKind), i)
}

var catLifetimeKindLabels = map[lifetime.Kind]string{
	lifetime.Session:    "Session: gone when the browser closes",
	lifetime.Persistent: "Persistent: kept with no stated end (\"Persistant\", \"Jamais\")",
	lifetime.Duration:   "A duration:",
	lifetime.NotStated:  "Not stated, or in other terms: the published text below is read where it can be (1 Heure, 13 mois), else quoted as it is",
}

func catLifetimeKindLabel(k lifetime.Kind) string { return catLifetimeKindLabels[k] }

// catUnitLabel names a unit in English, in the plural: "days".
func catUnitLabel(u lifetime.Unit) string {
	name := lifetime.NewDuration(2, u).Format("en")
	_, plural, _ := strings.Cut(name, "\u00a0")
	return plural
}

// catPublishedDiffers reports whether a stated lifetime's published text says it in other words
// than the English the admin pages write ("1 Heure" beside "1 hour"), worth showing beside it.
func catPublishedDiffers(c models.Cookie) bool {
	t := strings.Join(strings.Fields(c.Lifetime.Text), " ")
	return t != "" && t != strings.Join(strings.Fields(c.Lifetime.Format("en")), " ")
}

func catLifetimeTextDescribedBy(f CookieForm) string {
	id := catFieldID(catalogue.FieldLifetime)
	if f.Errors[catalogue.FieldLifetime] != "" {
		return id + "-hint " + id + "-error"
	}
	return id + "-hint"
}

func catFieldAria(f CookieForm, key string) templ.Attributes {
	if f.Errors[key] == "" {
		return templ.Attributes{}
	}
	return templ.Attributes{"aria-invalid": "true", "aria-describedby": catFieldID(key) + "-error"}
}

func catPurposeFields() []string {
	out := []string{}
	for _, l := range locale.Languages {
		out = append(out, catalogue.PurposeField(l))
	}
	return out
}

func catChangeCount(p *catalogue.Preview) string {
	return fmt.Sprintf("%d added, %d changed, %d retired, %d restored, %d unchanged",
		len(p.Added), len(p.Changed), len(p.Retired), len(p.Restored), len(p.Unchanged))
}
