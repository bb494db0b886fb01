// Package setup holds the rules of setting up an organisation: a controller and its sites as an
// admin types them on the admin pages or gives them to the command line, and its logo. The same
// plain functions check both, so a value the web form refuses is refused by the CLI with the same
// reason.
package setup

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"rightsdesk/authority"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// Limits of what an admin may type.
const (
	MaxName         = 200
	MaxSlug         = 60
	MaxAddressLines = 6
	MaxAddressLine  = 100
	MaxShortField   = 60 // company number, phone
	MaxURL          = 500
	MaxDomains      = 10
	// MaxTargetDays keeps the internal target shorter than the legal month, which is 28 days at
	// its shortest (from 1 February).
	MaxTargetDays = 27
	MinTargetDays = 1
	// How long a controller keeps the personal data of a closed case (KeepAnsweredDays): at
	// least a month, at most about ten years; 1095 days, three years, is the limitation period
	// for a claim. And of an unconfirmed request once it expired (KeepUnconfirmedDays).
	MinKeepAnsweredDays        = 30
	MaxKeepAnsweredDays        = 3653
	DefaultKeepAnsweredDays    = 1095
	MinKeepUnconfirmedDays     = 1
	MaxKeepUnconfirmedDays     = 365
	DefaultKeepUnconfirmedDays = 30
	// How many years after a case closed its record without personal data is deleted too
	// (KeepRecordYears): 0 keeps it for good; longer than the personal data, at most a century.
	MaxKeepRecordYears = 100
)

// DefaultTimeZone is the time zone a controller gets when none is given.
const DefaultTimeZone = "Europe/Brussels"

// Errors maps a field to the message shown beside it. As an error it names only the fields.
type Errors map[string]string

func (e Errors) Error() string {
	fields := make([]string, 0, len(e))
	for f := range e {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	return "invalid " + strings.Join(fields, ", ")
}

// Fields of a controller, as the form names them and Errors keys them.
const (
	FieldSlug            = "slug"
	FieldName            = "name"
	FieldAddress         = "address"
	FieldCompanyNumber   = "company_number"
	FieldContactEmail    = "contact_email"
	FieldPhone           = "phone"
	FieldCountry         = "country"
	FieldTimeZone        = "time_zone"
	FieldLanguage        = "default_language"
	FieldPrivacyURL      = "privacy_url"
	FieldContactURL      = "contact_url"
	FieldTargetDays      = "internal_target_days"
	FieldTransparency    = "transparency"
	FieldIdentityPause   = "identity_pause"
	FieldKeepAnswered    = "keep_answered_days"
	FieldKeepUnconfirmed = "keep_unconfirmed_days"
	FieldKeepRecord      = "keep_record_years"
)

// Controller is a controller as typed: every value a string, as a form or flags give it.
type Controller struct {
	Slug, Name, Address, CompanyNumber, ContactEmail, Phone string
	Country, TimeZone, Language, PrivacyURL, ContactURL     string
	TargetDays                                              string
	Transparency                                            bool // the public disclosure page is published
	// IdentityPause: an identity question (Art. 12(6)) pauses the clock until the answer arrives.
	IdentityPause bool
	// KeepAnsweredDays and KeepUnconfirmedDays: how many days the personal data of a closed case,
	// and of an unconfirmed request once expired, is kept. Required: the forms and the command
	// line start from the defaults, so an empty value is a mistake, not "the default".
	KeepAnsweredDays, KeepUnconfirmedDays string
	// KeepRecordYears: how many years after a case closed its record is deleted; "0" never.
	KeepRecordYears string
}

// Of is the form of a stored controller, to edit it.
func Of(c models.Controller) Controller {
	return Controller{
		Slug: c.Slug, Name: c.Name, Address: c.Address, CompanyNumber: c.CompanyNumber, ContactEmail: c.ContactEmail,
		Phone: c.Phone, Country: c.Country, TimeZone: c.TimeZone, Language: c.DefaultLanguage, PrivacyURL: c.PrivacyURL,
		ContactURL: c.ContactURL, TargetDays: strconv.Itoa(c.InternalTargetDays), Transparency: !c.TransparencyOff,
		IdentityPause: c.IdentityPause, KeepAnsweredDays: strconv.Itoa(c.KeepAnsweredDays),
		KeepUnconfirmedDays: strconv.Itoa(c.KeepUnconfirmedDays), KeepRecordYears: strconv.Itoa(c.RecordYears()),
	}
}

// Defaults is the form of a new controller: every field a new organisation starts from.
func Defaults() Controller {
	return Controller{
		Country: "BE", TimeZone: DefaultTimeZone, Language: "fr", TargetDays: strconv.Itoa(deadline.DefaultInternalTargetDays),
		Transparency: true, KeepAnsweredDays: strconv.Itoa(DefaultKeepAnsweredDays),
		KeepUnconfirmedDays: strconv.Itoa(DefaultKeepUnconfirmedDays), KeepRecordYears: strconv.Itoa(models.DefaultKeepRecordYears),
	}
}

// CheckController returns the controller in as it would be stored, or why not, field by field.
// The country drives the holiday calendar and the lead authority, so only a country that both
// know is taken.
func CheckController(in Controller) (models.Controller, Errors) {
	errs := Errors{}
	c := models.Controller{TransparencyOff: !in.Transparency, IdentityPause: in.IdentityPause}
	var msg string
	if c.Slug, msg = CheckSlug(in.Slug); msg != "" {
		errs[FieldSlug] = msg
	}
	if c.Name, msg = required(in.Name, MaxName, "the organisation's legal name"); msg != "" {
		errs[FieldName] = msg
	}
	if c.Address, msg = checkAddress(in.Address); msg != "" {
		errs[FieldAddress] = msg
	}
	if c.CompanyNumber, msg = optional(in.CompanyNumber, MaxShortField); msg != "" {
		errs[FieldCompanyNumber] = msg
	}
	if c.Phone, msg = optional(in.Phone, MaxShortField); msg != "" {
		errs[FieldPhone] = msg
	}
	if email := strings.TrimSpace(in.ContactEmail); email != "" {
		if p := dsr.CheckEmail(in.ContactEmail); p != nil {
			errs[FieldContactEmail] = p.Error()
		}
		c.ContactEmail = strings.ToLower(email)
	}
	if c.Country, msg = CheckCountry(in.Country); msg != "" {
		errs[FieldCountry] = msg
	}
	c.LeadAuthority = c.Country
	if c.TimeZone, msg = CheckTimeZone(in.TimeZone); msg != "" {
		errs[FieldTimeZone] = msg
	}
	if c.DefaultLanguage, msg = checkLanguage(in.Language); msg != "" {
		errs[FieldLanguage] = msg
	}
	if c.PrivacyURL, msg = checkURL(in.PrivacyURL, "https://example.be/privacy"); msg != "" {
		errs[FieldPrivacyURL] = msg
	}
	if c.ContactURL, msg = checkURL(in.ContactURL, "https://example.be/contact"); msg != "" {
		errs[FieldContactURL] = msg
	}
	if c.InternalTargetDays, msg = checkTargetDays(in.TargetDays); msg != "" {
		errs[FieldTargetDays] = msg
	}
	if c.KeepAnsweredDays, msg = checkDays(in.KeepAnsweredDays, MinKeepAnsweredDays, MaxKeepAnsweredDays,
		"how many days the personal data of a closed case is kept", " (1095 is three years, the limitation period for a claim)"); msg != "" {
		errs[FieldKeepAnswered] = msg
	}
	if c.KeepUnconfirmedDays, msg = checkDays(in.KeepUnconfirmedDays, MinKeepUnconfirmedDays, MaxKeepUnconfirmedDays,
		"how many days the personal data of an unconfirmed request is kept once it expired", ""); msg != "" {
		errs[FieldKeepUnconfirmed] = msg
	}
	years, msg := checkDays(in.KeepRecordYears, 0, MaxKeepRecordYears,
		"after how many years a closed case's record without personal data is deleted", " (0 keeps it for good)")
	switch {
	case msg != "":
		errs[FieldKeepRecord] = msg
	case years > 0 && errs[FieldKeepAnswered] == "" && years*365 <= c.KeepAnsweredDays:
		errs[FieldKeepRecord] = fmt.Sprintf("Keep the record longer than the personal data (%d days): more than %d years, or 0 to keep it for good.",
			c.KeepAnsweredDays, c.KeepAnsweredDays/365)
	default:
		c.KeepRecordYears = &years
	}
	if len(errs) > 0 {
		return c, errs
	}
	return c, nil
}

// checkDays takes a required whole number of days from min to max: what says what it counts, note
// anything to add.
func checkDays(raw string, min, max int, what, note string) (int, string) {
	v := strings.TrimSpace(raw)
	want := fmt.Sprintf("Give %s: a whole number from %d to %d%s.", what, min, max, note)
	if v == "" {
		return 0, want
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, fmt.Sprintf("%s is not a whole number from %d to %d. %s", strconvQuote(raw), min, max, want)
	}
	return n, ""
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// reservedSlugs name pages of their own beside /admin/controllers/{slug} and /admin/sites/{slug}.
var reservedSlugs = []string{"new"}

// CheckSlug returns the slug as stored (trimmed), or why it cannot be one: the short name in the
// portal's addresses, lower-case letters, digits and hyphens.
func CheckSlug(raw string) (string, string) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return s, "Give a short name for the addresses, like acme."
	case len(s) > MaxSlug:
		return s, fmt.Sprintf("At most %d characters.", MaxSlug)
	case !slugPattern.MatchString(s):
		return s, "Use lower-case letters a to z, digits and single hyphens inside, like acme-shop."
	case slices.Contains(reservedSlugs, s):
		return s, fmt.Sprintf("%q names a page of the portal; choose another.", s)
	}
	return s, ""
}

func required(raw string, max int, what string) (string, string) {
	if strings.TrimSpace(raw) == "" {
		return "", "Give " + what + "."
	}
	return optional(raw, max)
}

func optional(raw string, max int) (string, string) {
	if p := dsr.CheckLine(raw, max); p != nil {
		return raw, p.Error()
	}
	return strings.TrimSpace(raw), ""
}

// checkAddress takes a postal address of a few lines (CRLF as a browser sends it, or LF).
func checkAddress(raw string) (string, string) {
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\r", "\n")
	var lines []string
	for _, l := range strings.Split(raw, "\n") {
		if p := dsr.CheckLine(l, MaxAddressLine); p != nil {
			msg := p.Error()
			return raw, "A line of the address: " + strings.ToLower(msg[:1]) + msg[1:]
		}
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > MaxAddressLines {
		return raw, fmt.Sprintf("At most %d lines.", MaxAddressLines)
	}
	return strings.Join(lines, "\n"), ""
}

// CheckCountry returns the ISO 3166-1 alpha-2 code raw names, or why it cannot be a controller's
// country: it must have a holiday calendar (deadline) and a supervisory authority (authority).
func CheckCountry(raw string) (string, string) {
	code := strings.ToUpper(strings.TrimSpace(raw))
	if code == "" {
		return code, "Choose the country: its public holidays count for the deadlines, and its data-protection authority is the lead one."
	}
	_, calErr := deadline.For(code)
	a, hasAuthority := authority.Lookup(code)
	switch {
	case calErr == nil && hasAuthority:
		return code, ""
	case hasAuthority:
		return code, fmt.Sprintf("Rightsdesk has no public-holiday calendar for %s (%s), so it cannot compute the legal deadlines there. Countries it knows: %s.",
			a.Country, code, strings.Join(Countries(), " "))
	}
	return code, fmt.Sprintf("%s is not an EU or EEA country code Rightsdesk knows. Countries it knows: %s.", strconvQuote(raw), strings.Join(Countries(), " "))
}

// Countries are the codes CheckCountry takes, sorted.
func Countries() []string {
	var out []string
	for _, code := range deadline.Countries() {
		if _, ok := authority.Lookup(code); ok {
			out = append(out, code)
		}
	}
	return out
}

var zonePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$`)

// CheckTimeZone returns the IANA time zone raw names, or why it is not one.
func CheckTimeZone(raw string) (string, string) {
	z := strings.TrimSpace(raw)
	if z == "" {
		return z, "Give the time zone, like Europe/Brussels."
	}
	if len(z) > 64 || !zonePattern.MatchString(z) || z == "Local" {
		return z, fmt.Sprintf("%s is not an IANA time zone name; give one like Europe/Brussels.", strconvQuote(raw))
	}
	if _, err := time.LoadLocation(z); err != nil {
		return z, fmt.Sprintf("%s is not an IANA time zone name; give one like Europe/Brussels.", strconvQuote(raw))
	}
	return z, ""
}

func checkLanguage(raw string) (string, string) {
	l := strings.ToLower(strings.TrimSpace(raw))
	if !locale.Supported(l) {
		return l, "Choose French (fr), Dutch (nl), English (en) or German (de)."
	}
	return l, ""
}

// checkURL takes an optional absolute http or https address.
func checkURL(raw, example string) (string, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", ""
	}
	if utf8.RuneCountInString(v) > MaxURL {
		return v, fmt.Sprintf("The address is too long: at most %d characters.", MaxURL)
	}
	u, err := url.Parse(v)
	switch {
	case !utf8.ValidString(v) || strings.ContainsAny(v, " \t\r\n\"<>\\`") || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return v, "The address contains spaces or characters an address cannot hold."
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Opaque != "":
		return v, "Give an absolute address starting with https://, like " + example + "."
	case u.User != nil:
		return v, "The address must not carry a user name or password."
	}
	return v, ""
}

func checkTargetDays(raw string) (int, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return deadline.DefaultInternalTargetDays, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < MinTargetDays || n > MaxTargetDays {
		return 0, fmt.Sprintf("Give a number of calendar days from %d to %d: the internal target must come before the legal deadline of one month (28 days at the shortest).",
			MinTargetDays, MaxTargetDays)
	}
	return n, ""
}

// strconvQuote quotes what was typed for a message, cut when long and made valid text.
func strconvQuote(v string) string {
	v = strings.ToValidUTF8(strings.TrimSpace(v), "\uFFFD")
	if utf8.RuneCountInString(v) > 40 {
		v = string([]rune(v)[:40]) + "…"
	}
	return strconv.Quote(v)
}

// Fields of a site.
const (
	FieldController     = "controller"
	FieldSiteName       = "name"
	FieldDomains        = "domains"
	FieldLanguages      = "languages"
	FieldPolicyURL      = "policy_url"
	FieldPolicyVersion  = "policy_version"
	FieldPolicyLanguage = "policy_language"
	FieldConsentBanner  = "consent_banner"
	FieldWithdrawalHow  = "withdrawal_how"
)

// Site is a site as typed.
type Site struct {
	Slug, Name     string
	Domains        string   // one per line (or separated by commas or spaces), the main one first
	Languages      []string // the languages the site is published in
	PolicyURL      string
	PolicyVersion  string // YYYY-MM-DD, or empty
	PolicyLanguage string // the language its cookie policy is written in; empty: the first of Languages
	// ConsentBanner: the site has a cookie banner where a visitor gives consent again; only then
	// do withdrawal receipts point to it.
	ConsentBanner bool
	// WithdrawalHow is how to withdraw or give consent again, as the controller states it
	// (a few lines, shown on receipts as written); empty: none stated.
	WithdrawalHow string
}

// MaxWithdrawalHow bounds the controller's statement of how to withdraw or give consent again.
const MaxWithdrawalHow = 2000

// SiteOf is the form of a stored site, to edit it.
func SiteOf(s models.Site) Site {
	return Site{
		Slug: s.Slug, Name: s.Name, Domains: strings.Join(s.DomainList(), "\n"), Languages: s.LanguageList(),
		PolicyURL: s.PolicyURL, PolicyVersion: s.PolicyVersion.String(), PolicyLanguage: s.PolicyLanguage,
		ConsentBanner: s.ConsentBanner, WithdrawalHow: s.WithdrawalHow,
	}
}

// CheckSite returns the site in as it would be stored (without its controller), or why not.
func CheckSite(in Site) (models.Site, Errors) {
	errs := Errors{}
	var s models.Site
	var msg string
	if s.Slug, msg = CheckSlug(in.Slug); msg != "" {
		errs[FieldSlug] = msg
	}
	if s.Name, msg = required(in.Name, MaxName, "the site's name as visitors know it"); msg != "" {
		errs[FieldSiteName] = msg
	}
	domains, msg := CheckDomains(in.Domains)
	if msg != "" {
		errs[FieldDomains] = msg
	} else {
		s.Domain, s.OtherDomains = domains[0], strings.Join(domains[1:], "\n")
	}
	var langs []string
	for _, l := range in.Languages {
		l = strings.ToLower(strings.TrimSpace(l))
		if !locale.Supported(l) {
			errs[FieldLanguages] = "Choose among French, Dutch, English and German."
			break
		}
		if !slices.Contains(langs, l) {
			langs = append(langs, l)
		}
	}
	if len(langs) == 0 && errs[FieldLanguages] == "" {
		errs[FieldLanguages] = "Choose at least one language the site is published in."
	}
	s.Languages = strings.Join(langs, ",")
	s.PolicyLanguage = strings.ToLower(strings.TrimSpace(in.PolicyLanguage))
	switch {
	case s.PolicyLanguage == "" && len(langs) > 0:
		s.PolicyLanguage = langs[0]
	case s.PolicyLanguage != "" && !locale.Supported(s.PolicyLanguage):
		errs[FieldPolicyLanguage] = "Choose French, Dutch, English or German."
	case s.PolicyLanguage != "" && len(langs) > 0 && !slices.Contains(langs, s.PolicyLanguage):
		errs[FieldPolicyLanguage] = "The policy's language must be one of the site's languages ticked above."
	}
	if s.PolicyURL, msg = checkURL(in.PolicyURL, "https://example.be/cookies"); msg != "" {
		errs[FieldPolicyURL] = msg
	}
	if v := strings.TrimSpace(in.PolicyVersion); v != "" {
		d, err := deadline.ParseDate(v)
		switch {
		case err != nil:
			errs[FieldPolicyVersion] = "Give the date of the policy as YYYY-MM-DD, like 2024-10-01, or leave it empty."
		case d.Year < 1990 || d.Year > 2100:
			errs[FieldPolicyVersion] = "Give the date of the published policy, like 2024-10-01."
		}
		s.PolicyVersion = d
	}
	s.ConsentBanner = in.ConsentBanner
	if s.WithdrawalHow, msg = checkStatement(in.WithdrawalHow, MaxWithdrawalHow); msg != "" {
		errs[FieldWithdrawalHow] = msg
	}
	if len(errs) > 0 {
		return s, errs
	}
	return s, nil
}

// checkStatement takes a few lines of text as a browser sends them (CRLF) or as typed (LF):
// valid UTF-8, no control characters, at most max characters; surrounding blank lines dropped.
func checkStatement(raw string, max int) (string, string) {
	raw = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\r", "\n"))
	if n := utf8.RuneCountInString(raw); n > max {
		return raw, fmt.Sprintf("This is too long: at most %d characters (you typed %d).", max, n)
	}
	for _, l := range strings.Split(raw, "\n") {
		if p := dsr.CheckLine(l, max); p != nil {
			return raw, p.Error()
		}
	}
	return raw, ""
}

// CheckDomains reads a list of host names (one per line, or separated by commas or spaces), the
// main one first, and returns them in their ASCII form, or why one is not a domain.
func CheckDomains(raw string) ([]string, string) {
	if !utf8.ValidString(raw) {
		return nil, "This contains bytes that are not valid text (invalid UTF-8)."
	}
	var out []string
	for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		d, msg := checkDomain(f)
		if msg != "" {
			return nil, msg
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	switch {
	case len(out) == 0:
		return nil, "Give the site's domain, like www.example.be."
	case len(out) > MaxDomains:
		return nil, fmt.Sprintf("At most %d domains.", MaxDomains)
	}
	return out, ""
}

func checkDomain(raw string) (string, string) {
	bad := func() (string, string) {
		return "", fmt.Sprintf("%s is not a domain: give the host name only, like www.example.be (no https://, path or port).", strconvQuote(raw))
	}
	if strings.Contains(raw, "/") || strings.Contains(raw, ":") || strings.Contains(raw, "@") {
		return bad()
	}
	d, err := idna.Lookup.ToASCII(strings.TrimSuffix(strings.ToLower(raw), "."))
	if err != nil || len(d) > 253 || !strings.Contains(d, ".") || net.ParseIP(d) != nil {
		return bad()
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return bad()
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return bad()
			}
		}
	}
	if suffix, _ := publicsuffix.PublicSuffix(d); suffix == d {
		return "", fmt.Sprintf("%s is a public suffix, not a site's domain; give the site's own, like www.example.be.", strconvQuote(raw))
	}
	return d, ""
}
