// Package catalogue reads and writes a site's cookie catalogue as files in the shape of the
// published policy tables (CSV or JSON), validates every row, and says what importing a file
// would change. Pure functions: the store (models) saves what the admin confirms.
package catalogue

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"rightsdesk/access"
	"rightsdesk/lifetime"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// Limits of an import. A real policy lists tens of cookies; these keep a hostile file cheap.
const (
	MaxFileSize   = 1 << 20
	MaxRows       = 1000
	MaxName       = 200
	MaxProvider   = 200
	MaxLifetime   = 100
	MaxPurpose    = 2000
	MaxURL        = 2000
	maxErrorsKept = 50
)

// Field keys: the CSV headers and JSON keys that export writes and import reads.
const (
	FieldName            = "name"
	FieldProvider        = "provider"
	FieldParty           = "party"
	FieldCategory        = "category"
	FieldPurpose         = "purpose"
	FieldPurposeLanguage = "purpose_language"
	FieldLifetime        = "lifetime"
	FieldIdentifying     = "identifying"
	FieldOptOutURL       = "opt_out_url"
	// FieldUnnamed marks a row for cookies a policy describes without naming them (a partner's
	// targeting cookies, social networks' pixels): the name says what they are, and the portal
	// never tries to expire them.
	FieldUnnamed = "unnamed"
)

// The admin form states a lifetime field by field (FieldLifetime is then its published text);
// files give it as text, which lifetime.Parse reads. Not in Fields: no export writes them.
const (
	FieldLifetimeKind   = "lifetime_kind"
	FieldLifetimeAmount = "lifetime_amount"
	FieldLifetimeUnit   = "lifetime_unit"
)

// Where a third-party provider processes the data, optional in a file (issue 14): its country
// (ISO 3166 two-letter code) and, outside the EU/EEA, the safeguard of the transfer, with words
// for "other". They describe the provider, not the cookie: every row of a provider that states them
// states the same, and an import saves them per provider (access.CheckProvider's rules). A file
// without them, or a row leaving them empty, leaves what is recorded of the provider alone.
const (
	FieldProviderCountry       = "provider_country"
	FieldTransferSafeguard     = "transfer_safeguard"
	FieldTransferSafeguardText = "transfer_safeguard_text"
)

// ProviderFields are the provider's keys, in the order of an export.
var ProviderFields = []string{FieldProviderCountry, FieldTransferSafeguard, FieldTransferSafeguardText}

// PurposeField is the key of the purpose translated into lang: purpose_fr, purpose_nl…
func PurposeField(lang string) string { return "purpose_" + lang }

// Fields are every key, in the order of an export.
var Fields = func() []string {
	f := []string{FieldName, FieldProvider, FieldParty, FieldCategory, FieldPurpose, FieldPurposeLanguage}
	for _, l := range locale.Languages {
		f = append(f, PurposeField(l))
	}
	return append(f, FieldLifetime, FieldIdentifying, FieldOptOutURL, FieldUnnamed)
}()

// Columns are every key a file may hold and an export writes: the cookie's Fields, then the
// provider's.
var Columns = append(slices.Clip(Fields), ProviderFields...)

// Required are the fields every row must have.
var Required = []string{FieldName, FieldParty, FieldCategory}

// Row is one cookie of a catalogue file.
type Row struct {
	Line            int // where the row starts in its file; 0 when it came from elsewhere
	Name            string
	Provider        string
	Party           string // "first" or "third"
	Category        string // one of models.Categories
	Purpose         string // as published
	PurposeLanguage string // the language Purpose is written in; empty: the site's policy language
	Purposes        map[string]string
	Lifetime        lifetime.Lifetime
	Identifying     bool
	OptOutURL       string
	Unnamed         bool
	// The provider's place as the row states it (ProviderFields), cleaned by access.CheckProvider;
	// all empty when the row states nothing. Not part of the cookie: Same and Diff ignore them.
	Country       string
	Safeguard     access.Safeguard
	SafeguardText string
}

// StatesPlace reports whether the row states where its provider processes the data.
func (r Row) StatesPlace() bool {
	return r.Country != "" || r.Safeguard != "" || r.SafeguardText != ""
}

// Place is the provider's place as the row states it.
func (r Row) Place() access.Provider {
	return access.Provider{Name: r.Provider, Country: r.Country, Safeguard: r.Safeguard, Text: r.SafeguardText}
}

// Same reports whether r and o describe the same cookie, wherever they were read from.
func (r Row) Same(o Row) bool {
	r.Line, o.Line = 0, 0
	return len(diffFields(r, o)) == 0
}

// Value returns the row's field key as text, as an export writes it.
func (r Row) Value(key string) string {
	switch key {
	case FieldName:
		return r.Name
	case FieldProvider:
		return r.Provider
	case FieldParty:
		return r.Party
	case FieldCategory:
		return r.Category
	case FieldPurpose:
		return r.Purpose
	case FieldPurposeLanguage:
		return r.PurposeLanguage
	case FieldLifetime:
		return r.LifetimeText()
	case FieldIdentifying:
		if r.Identifying {
			return "yes"
		}
		return "no"
	case FieldOptOutURL:
		return r.OptOutURL
	case FieldUnnamed:
		if r.Unnamed {
			return "yes"
		}
		return "no"
	case FieldProviderCountry:
		return r.Country
	case FieldTransferSafeguard:
		return string(r.Safeguard)
	case FieldTransferSafeguardText:
		return r.SafeguardText
	}
	if lang, ok := strings.CutPrefix(key, "purpose_"); ok {
		return r.Purposes[lang]
	}
	return ""
}

// LifetimeText is the lifetime as an export writes it, text that lifetime.Parse reads back to the
// same lifetime: the published text where it reads so, else the lifetime in words of the
// purpose's language ("365 jours" for itsme's bare "365", which a rule says are days).
func (r Row) LifetimeText() string {
	lang := r.PurposeLanguage
	if !locale.Supported(lang) {
		lang = locale.Fallback
	}
	return r.Lifetime.Written(lang)
}

// FromCookie is a stored cookie as a row.
func FromCookie(c models.Cookie) Row {
	r := Row{
		Name: c.Name, Provider: c.Provider, Party: c.Party, Category: c.Category, Purpose: c.Purpose,
		PurposeLanguage: c.PurposeLanguage, Lifetime: c.Lifetime, Identifying: c.Identifying, OptOutURL: c.OptOutURL,
		Unnamed: c.Unnamed,
	}
	for lang, t := range c.Purposes {
		if t != "" {
			if r.Purposes == nil {
				r.Purposes = map[string]string{}
			}
			r.Purposes[lang] = t
		}
	}
	return r
}

// FromCookies are stored cookies as rows, in their order.
func FromCookies(cs []models.Cookie) []Row {
	rows := make([]Row, len(cs))
	for i, c := range cs {
		rows[i] = FromCookie(c)
	}
	return rows
}

// WithPlaces gives each third-party row the place recorded of its provider, as an export writes
// it: every row of a provider states the same.
func WithPlaces(rows []Row, providers []access.Provider) []Row {
	byName := make(map[string]access.Provider, len(providers))
	for _, p := range providers {
		byName[p.Name] = p
	}
	for i, r := range rows {
		if p, ok := byName[r.Provider]; ok && r.Party == "third" && r.Provider != "" {
			rows[i].Country, rows[i].Safeguard, rows[i].SafeguardText = p.Country, p.Safeguard, p.Text
		}
	}
	return rows
}

// Cookie is the row as a cookie of a catalogue, without site, id or position.
func (r Row) Cookie() models.Cookie {
	c := models.Cookie{
		Name: r.Name, Provider: r.Provider, Party: r.Party, Category: r.Category, Purpose: r.Purpose,
		PurposeLanguage: r.PurposeLanguage, Lifetime: r.Lifetime, Identifying: r.Identifying, OptOutURL: r.OptOutURL,
		Unnamed: r.Unnamed, Purposes: models.Translations{},
	}
	for lang, t := range r.Purposes {
		c.Purposes[lang] = t
	}
	return c
}

// Cookies are rows as cookies, positioned in their order.
func Cookies(rows []Row) []models.Cookie {
	out := make([]models.Cookie, len(rows))
	for i, r := range rows {
		out[i] = r.Cookie()
		out[i].Position = i + 1
	}
	return out
}

// WithLanguage gives the rows whose purpose names no language the site's policy language, as the
// seeds do: a policy table does not say which language it is written in.
func WithLanguage(rows []Row, lang string) []Row {
	for i := range rows {
		if rows[i].PurposeLanguage == "" {
			rows[i].PurposeLanguage = lang
		}
	}
	return rows
}

// Build makes a row of raw values by field key (missing keys are empty), as a file or a form
// gives them. Each value is trimmed and checked; problems come back by field key, in English.
func Build(raw map[string]string) (Row, map[string]string) {
	errs := map[string]string{}
	var r Row
	txt := func(key string, max int, multiline bool) string {
		v, msg := text(raw[key], max, multiline)
		if msg != "" {
			errs[key] = msg
		}
		return v
	}
	r.Name = txt(FieldName, MaxName, false)
	if r.Name == "" && errs[FieldName] == "" {
		errs[FieldName] = "the name is missing"
	}
	r.Provider = txt(FieldProvider, MaxProvider, false)
	if _, byField := raw[FieldLifetimeKind]; byField {
		r.Lifetime = buildLifetime(raw, errs)
	} else if t := txt(FieldLifetime, MaxLifetime, false); errs[FieldLifetime] == "" {
		l, err := lifetime.Parse(t)
		if err != nil {
			errs[FieldLifetime] = err.Error()
		}
		r.Lifetime = l
	}
	r.Purpose = txt(FieldPurpose, MaxPurpose, true)
	for _, l := range locale.Languages {
		if t := txt(PurposeField(l), MaxPurpose, true); t != "" {
			if r.Purposes == nil {
				r.Purposes = map[string]string{}
			}
			r.Purposes[l] = t
		}
	}

	if v, msg := text(raw[FieldParty], 60, false); msg != "" {
		errs[FieldParty] = msg
	} else if v == "" {
		errs[FieldParty] = "the party is missing; use first or third"
	} else if p, ok := parties[norm(v)]; ok {
		r.Party = p
	} else {
		errs[FieldParty] = shown(v) + " is not a party; use first or third"
	}

	if v, msg := text(raw[FieldCategory], 60, false); msg != "" {
		errs[FieldCategory] = msg
	} else if v == "" {
		errs[FieldCategory] = "the category is missing; use " + categoryList
	} else if c, ok := categories[norm(v)]; ok {
		r.Category = c
	} else {
		errs[FieldCategory] = shown(v) + " is not a category; use " + categoryList
	}

	if v, msg := text(raw[FieldIdentifying], 20, false); msg != "" {
		errs[FieldIdentifying] = msg
	} else if b, ok := booleans[norm(v)]; ok {
		r.Identifying = b
	} else {
		errs[FieldIdentifying] = shown(v) + " is neither yes nor no; use yes or no (true/false, oui/non, ja/nee, ja/nein)"
	}

	if v, msg := text(raw[FieldUnnamed], 20, false); msg != "" {
		errs[FieldUnnamed] = msg
	} else if b, ok := booleans[norm(v)]; ok {
		r.Unnamed = b
	} else {
		errs[FieldUnnamed] = shown(v) + " is neither yes nor no; use yes for cookies the policy describes without naming them"
	}

	if v, msg := text(raw[FieldPurposeLanguage], 10, false); msg != "" {
		errs[FieldPurposeLanguage] = msg
	} else if v = strings.ToLower(v); v != "" && !locale.Supported(v) {
		errs[FieldPurposeLanguage] = shown(v) + " is not a language of the portal; use " + languageList
	} else {
		r.PurposeLanguage = v
	}

	if v, msg := text(raw[FieldOptOutURL], MaxURL, false); msg != "" {
		errs[FieldOptOutURL] = msg
	} else if v != "" {
		if msg := checkURL(v); msg != "" {
			errs[FieldOptOutURL] = msg
		} else if r.Party == "first" {
			errs[FieldOptOutURL] = "only third-party cookies have an opt-out page: the portal clears first-party cookies itself; leave it empty or make the party third"
		} else {
			r.OptOutURL = v
		}
	}
	buildPlace(raw, &r, errs)
	if len(errs) == 0 {
		errs = nil
	}
	return r, errs
}

// buildPlace reads the provider's country and transfer safeguard of a row, when it states them:
// only a named third-party provider has them, by the rules of access.CheckProvider.
func buildPlace(raw map[string]string, r *Row, errs map[string]string) {
	country, cmsg := text(raw[FieldProviderCountry], 60, false)
	sg, smsg := text(raw[FieldTransferSafeguard], 60, false)
	words, tmsg := text(raw[FieldTransferSafeguardText], access.MaxSafeguardText, true)
	for key, msg := range map[string]string{FieldProviderCountry: cmsg, FieldTransferSafeguard: smsg, FieldTransferSafeguardText: tmsg} {
		if msg != "" {
			errs[key] = msg
		}
	}
	if cmsg != "" || smsg != "" || tmsg != "" || (country == "" && sg == "" && words == "") {
		return
	}
	switch {
	case errs[FieldParty] != "" || errs[FieldProvider] != "":
		return // said already: the row's provider is not known
	case r.Party == "first":
		errs[FieldProviderCountry] = "only a third-party provider's country and safeguard are recorded: the first party is the site itself; leave them empty or make the party third"
		return
	case r.Provider == "":
		errs[FieldProviderCountry] = "the provider is missing: name the provider whose country and safeguard these are"
		return
	}
	p := access.Provider{Name: r.Provider, Country: strings.ToUpper(country), Text: words}
	if sg != "" {
		s, ok := safeguards[norm(sg)]
		if !ok {
			errs[FieldTransferSafeguard] = shown(sg) + " is not a safeguard; use " + safeguardList
			return
		}
		p.Safeguard = s
	}
	if p.Country != "" && !access.ValidCountry(p.Country) {
		errs[FieldProviderCountry] = shown(country) + " is not a country; use its ISO 3166 two-letter code, such as US, BE or IE"
		return
	}
	p, fe := access.CheckProvider(p)
	for from, to := range map[string]string{access.CountryField: FieldProviderCountry, access.SafeguardField: FieldTransferSafeguard,
		access.SafeguardTextField: FieldTransferSafeguardText} {
		if msg := fe[from]; msg != "" {
			errs[to] = msg
		}
	}
	if len(fe) == 0 {
		r.Country, r.Safeguard, r.SafeguardText = p.Country, p.Safeguard, p.Text
	}
}

// buildLifetime reads a lifetime stated field by field, as the admin form gives it: the kind, for a
// duration its amount and unit, and the published text, kept beside them. A published text that
// reads as another lifetime than the one stated is refused: the page would contradict itself.
// Left "not stated", a published text that reads as a lifetime ("1 Heure") is read, as an import
// reads it.
func buildLifetime(raw map[string]string, errs map[string]string) lifetime.Lifetime {
	text, msg := text(raw[FieldLifetime], MaxLifetime, false)
	if msg != "" {
		errs[FieldLifetime] = msg
	}
	l := lifetime.Lifetime{Text: text}
	switch k := lifetime.Kind(strings.TrimSpace(raw[FieldLifetimeKind])); k {
	case lifetime.NotStated:
		if strings.TrimSpace(raw[FieldLifetimeAmount]) != "" && strings.TrimSpace(raw[FieldLifetimeUnit]) != "" {
			errs[FieldLifetimeKind] = "an amount and a unit are given, but the lifetime is marked not stated: choose a duration, or clear them"
		}
	case lifetime.Session, lifetime.Persistent:
		l.Kind = k // an amount or unit left from a duration no longer applies
	case lifetime.Duration:
		l.Kind = k
		amount := strings.TrimSpace(raw[FieldLifetimeAmount])
		n, err := strconv.Atoi(amount)
		switch {
		case amount == "":
			errs[FieldLifetimeAmount] = "give the duration's amount, a whole number like 13"
		case err != nil || n < 1 || n > lifetime.MaxAmount:
			errs[FieldLifetimeAmount] = fmt.Sprintf("%s is not an amount; give a whole number from 1 to %d", shown(amount), lifetime.MaxAmount)
		default:
			l.Amount = n
		}
		u := lifetime.Unit(strings.TrimSpace(raw[FieldLifetimeUnit]))
		if !slices.Contains(lifetime.Units, u) {
			errs[FieldLifetimeUnit] = "choose the unit of the duration: minutes, hours, days, weeks, months or years"
		} else {
			l.Unit = u
		}
	default:
		errs[FieldLifetimeKind] = "choose session, persistent, a duration, or not stated"
	}
	if errs[FieldLifetimeKind] != "" || errs[FieldLifetimeAmount] != "" || errs[FieldLifetimeUnit] != "" {
		return lifetime.Lifetime{Text: text}
	}
	if p, err := lifetime.Parse(text); l.Kind == lifetime.NotStated && errs[FieldLifetime] == "" {
		if err != nil {
			errs[FieldLifetime] = err.Error() + "; or state the lifetime above"
		}
		return p
	}
	// A published range ("1 jour à 5 ans") whose shortest end is the duration stated is kept whole.
	if p, err := lifetime.Parse(text); err == nil && p.Range() && l.Kind == lifetime.Duration && p.Amount == l.Amount && p.Unit == l.Unit {
		l.UpTo, l.UpToUnit = p.UpTo, p.UpToUnit
	}
	if p, err := lifetime.Parse(text); err == nil && l.Stated() && p.Stated() && !p.Same(l) {
		errs[FieldLifetime] = fmt.Sprintf("the published text %s says %s, not %s: correct it, or empty it to show only the lifetime stated above",
			shown(text), p.Format("en"), l.Format("en"))
	}
	return l
}

// text trims v and checks it: valid UTF-8, no control or bidirectional-override characters, one
// line unless multiline (CRLF and CR become LF), at most max characters.
func text(v string, max int, multiline bool) (string, string) {
	if !utf8.ValidString(v) {
		return "", "contains bytes that are not valid text (invalid UTF-8); save the file as UTF-8"
	}
	v = strings.TrimSpace(v)
	if multiline {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
	}
	for _, r := range v {
		switch {
		case r == '\n' && multiline:
		case r == '\n' || r == '\r':
			return "", "must be on one line"
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return "", fmt.Sprintf("contains a control character (U+%04X); remove it", r)
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029:
			return "", fmt.Sprintf("contains an invisible direction or separator character (U+%04X); remove it", r)
		}
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", fmt.Sprintf("is too long: at most %d characters (it has %d)", max, n)
	}
	return v, ""
}

func checkURL(v string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "":
		return "the opt-out page must be an absolute http or https address, like https://example.com/opt-out"
	case u.User != nil:
		return "the opt-out address must not carry a user name or password"
	case strings.ContainsAny(v, " \"<>\\`"):
		return "the opt-out address contains spaces or characters an address cannot hold"
	}
	return ""
}

// shown quotes a value for a message: escaped, and cut when long.
func shown(v string) string {
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	return strconv.Quote(v)
}

// norm makes a value or heading comparable to the aliases: lower case, typographic apostrophes
// straightened, runs of spaces, hyphens and underscores as one space.
func norm(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	v = strings.NewReplacer("’", "'", "‘", "'").Replace(v)
	v = strings.TrimRight(v, ": *")
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '-' || r == '_' || r == '\u00a0' }), " ")
}

var categoryList = strings.Join(models.Categories[:len(models.Categories)-1], ", ") + " or " + models.Categories[len(models.Categories)-1]

var safeguardList = func() string {
	s := make([]string, len(access.Safeguards))
	for i, g := range access.Safeguards {
		s[i] = string(g)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1] + " (empty within the EU/EEA)"
}()

var languageList = strings.Join(locale.Languages[:len(locale.Languages)-1], ", ") + " or " + locale.Languages[len(locale.Languages)-1]

// aliases turns "canonical: alias, alias" lists into a lookup by normalised alias.
func aliases(lists map[string][]string) map[string]string {
	out := map[string]string{}
	for canonical, as := range lists {
		out[norm(canonical)] = canonical
		for _, a := range as {
			out[norm(a)] = canonical
		}
	}
	return out
}

// The values policies use in French, Dutch, English and German, where they are unambiguous.
var (
	categories = aliases(map[string][]string{
		models.CategoryNecessary: {"strictly necessary", "essential", "required", "nécessaire", "nécessaires", "strictement nécessaire",
			"strictement nécessaires", "essentiel", "essentiels", "noodzakelijk", "noodzakelijke", "strikt noodzakelijk",
			"notwendig", "notwendige", "erforderlich", "unbedingt erforderlich", "technisch notwendig"},
		models.CategoryPreference: {"preferences", "préférence", "préférences", "voorkeur", "voorkeuren", "präferenz", "präferenzen"},
		models.CategoryFunctional: {"functionality", "fonctionnel", "fonctionnels", "fonctionnelle", "fonctionnelles", "functioneel",
			"functionele", "funktional", "funktionell", "funktionale"},
		models.CategoryAnalytics: {"analytic", "analytical", "statistics", "statistic", "performance", "analytique", "analytiques",
			"statistique", "statistiques", "analytisch", "analytische", "statistiek", "statistieken", "statistik", "analyse"},
		models.CategoryMarketing: {"advertising", "targeting", "publicité", "publicitaire", "publicitaires", "ciblage",
			"reclame", "advertentie", "werbung"},
	})
	parties = aliases(map[string][]string{
		"first": {"first party", "1st party", "1st", "1", "première partie", "premiere partie", "propriétaire", "eerste partij",
			"eigen", "erstanbieter", "erste partei", "eigene"},
		"third": {"third party", "3rd party", "3rd", "3", "tiers", "tierce partie", "tierce", "derde", "derde partij",
			"drittanbieter", "dritte partei", "dritte"},
	})
	safeguards = func() map[string]access.Safeguard {
		out := map[string]access.Safeguard{}
		for k, v := range aliases(map[string][]string{
			string(access.SafeguardAdequacy): {"adequacy decision", "art. 45", "décision d'adéquation", "adequaatheidsbesluit", "angemessenheitsbeschluss"},
			string(access.SafeguardDPF):      {"data privacy framework", "eu us data privacy framework", "eu-us dpf"},
			string(access.SafeguardSCC):      {"standard contractual clauses", "sccs", "clauses contractuelles types", "modelcontractbepalingen", "standardvertragsklauseln"},
			string(access.SafeguardBCR):      {"binding corporate rules", "bcrs", "règles d'entreprise contraignantes"},
			string(access.SafeguardOther):    {"autre", "andere"},
		}) {
			out[k] = access.Safeguard(v)
		}
		return out
	}()
	booleans = func() map[string]bool {
		out := map[string]bool{"": false}
		for _, v := range []string{"yes", "true", "y", "1", "oui", "ja", "wahr"} {
			out[v] = true
		}
		for _, v := range []string{"no", "false", "n", "0", "non", "nee", "nein", "falsch"} {
			out[v] = false
		}
		return out
	}()
	// headers maps the column headings of policy tables to field keys.
	headers = func() map[string]string {
		h := aliases(map[string][]string{
			FieldName:     {"cookie name", "nom", "nom du cookie", "naam", "naam van de cookie", "cookienaam", "name des cookies"},
			FieldProvider: {"fournisseur", "aanbieder", "leverancier", "anbieter", "domain", "domaine", "domein"},
			FieldParty:    {"partie", "partij", "partei"},
			FieldCategory: {"catégorie", "categorie", "kategorie"},
			FieldPurpose: {"objectif", "objectif d'utilisation", "finalité", "description", "description de l'objectif",
				"doel", "beschrijving", "zweck", "beschreibung"},
			FieldPurposeLanguage: {"langue", "taal", "sprache", "language"},
			FieldLifetime: {"durée", "duur", "laufzeit", "expiration", "expiry", "duration", "durée de conservation",
				"bewaartermijn", "speicherdauer"},
			FieldIdentifying:     {"identifiant", "identificerend", "identifizierend"},
			FieldOptOutURL:       {"opt out", "opt out page", "opt out url"},
			FieldUnnamed:         {"name not published", "nom non publié", "naam niet bekendgemaakt", "name nicht veröffentlicht"},
			FieldProviderCountry: {"country", "pays", "pays du fournisseur", "land", "land van de aanbieder"},
			FieldTransferSafeguard: {"safeguard", "transfer safeguard", "garantie", "garantie du transfert", "waarborg",
				"garantie der übermittlung"},
			FieldTransferSafeguardText: {"safeguard text"},
		})
		for _, l := range locale.Languages {
			h[norm(PurposeField(l))] = PurposeField(l)
		}
		return h
	}()
)

// headerNames lists the headings a field is found by, for a message about a missing column.
func headerNames(field string) string {
	var names []string
	for alias, f := range headers {
		if f == field && alias != norm(field) {
			names = append(names, alias)
		}
	}
	slices.Sort(names)
	if len(names) > 4 {
		names = names[:4]
	}
	return field + " (or " + strings.Join(names, ", ") + ")"
}
