package dsr

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"rightsdesk/authority"
)

// Languages the portal writes to requesters in, in the order the form offers them.
var Languages = []string{"fr", "nl", "en", "de"}

var languageNames = map[string]string{"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch"}

// LanguageName is the name of a language in that language.
func LanguageName(code string) string { return languageNames[code] }

// ValidLanguage reports whether the portal writes in code.
func ValidLanguage(code string) bool { _, ok := languageNames[code]; return ok }

// Provenance says how the portal came to know a cookie identifier, and so how far it can be trusted.
type Provenance string

const (
	ProvenanceBrowser Provenance = "browser" // read from the visitor's own first-party cookie
	ProvenanceSigned  Provenance = "signed"  // carried in a link signed by the site
	ProvenanceTyped   Provenance = "typed"   // pasted by the visitor: unverified until staff decide
)

// Identifier is a cookie value that ties a request to a device.
type Identifier struct {
	CookieName string
	Value      string
	Provenance Provenance
}

// Limits on what a visitor may file. They keep a row readable and a form post small.
const (
	MaxEmail       = 254 // RFC 5321 path limit
	MaxName        = 200
	MaxDetails     = 5000
	MaxField       = 2000 // each rectification field
	MaxIdentifiers = 10
	MaxCookieValue = 256
)

// Filing is what the visitor typed, as strings, before validation.
type Filing struct {
	Kinds              []string
	Email              string
	Name               string
	Language           string
	Country            string
	Details            string
	RectificationWrong string
	RectificationRight string
	ObjectionGrounds   string
	// ObjectionDirectMarketing: the objection is to direct marketing (Art. 21(2)); it needs no
	// grounds.
	ObjectionDirectMarketing bool
	// RecipientsWanted: for a rectification, erasure or restriction, the requester asks to be told
	// who the recipients of their data are (Art. 19).
	RecipientsWanted bool
	// Browser lists identifiers read from the request's cookies; Signed, those of a verified site
	// link; Typed lists the form's typed rows, in order, blank rows included so that errors can
	// point at a row.
	Browser []Identifier
	Signed  []Identifier
	Typed   []Identifier
}

// Request is a filing that passed validation.
type Request struct {
	Kinds              []Kind
	Email              string
	Name               string
	Language           string
	Country            string
	Details            string
	RectificationWrong string
	RectificationRight string
	ObjectionGrounds   string
	// ObjectionDirectMarketing: an objection to direct marketing, which can never be refused
	// (Art. 21(3)).
	ObjectionDirectMarketing bool
	// RecipientsWanted: the requester asks who the recipients told of the rectification, erasure
	// or restriction are (Art. 19); only with one of those rights.
	RecipientsWanted bool
	Identifiers      []Identifier
}

// Errors maps a form field to the message shown beside it, in English: the staff's forms.
type Errors map[string]string

// TypedField is the Problems key of the typed identifier row i.
func TypedField(i int) string { return fmt.Sprintf("typed_%d", i) }

// Validate checks a filing against the rules and the site's identifying cookies. It returns the
// clean request when there is no problem, else a problem per field.
func (f Filing) Validate(identifying map[string]bool) (Request, Problems) {
	errs := Problems{}
	var r Request

	for _, s := range f.Kinds {
		k, ok := ParseKind(s)
		if !ok {
			errs["kinds"] = &Problem{Code: CodeKindUnknown}
			continue
		}
		r.Kinds = append(r.Kinds, k)
	}
	r.Kinds = SortKinds(r.Kinds)
	if len(r.Kinds) == 0 && errs["kinds"] == nil {
		errs["kinds"] = &Problem{Code: CodeKindNone}
	}

	r.Email = strings.TrimSpace(f.Email)
	if r.Email == "" {
		errs["email"] = &Problem{Code: CodeEmailMissing}
	} else if p := CheckEmail(f.Email); p != nil {
		errs["email"] = p
	}
	r.Name = strings.TrimSpace(f.Name)
	if p := CheckLine(f.Name, MaxName); p != nil {
		errs["name"] = p
	}

	r.Language = f.Language
	if !ValidLanguage(f.Language) {
		errs["language"] = &Problem{Code: CodeLanguage}
	}
	r.Country = f.Country
	if !authority.ValidResidence(f.Country) {
		errs["country"] = &Problem{Code: CodeCountry}
	}

	r.Details = strings.TrimSpace(f.Details)
	if p := checkText(f.Details, MaxDetails); p != nil {
		errs["details"] = p
	}
	r.RectificationWrong = strings.TrimSpace(f.RectificationWrong)
	r.RectificationRight = strings.TrimSpace(f.RectificationRight)
	r.ObjectionGrounds = strings.TrimSpace(f.ObjectionGrounds)
	has := func(k Kind) bool {
		for _, x := range r.Kinds {
			if x == k {
				return true
			}
		}
		return false
	}
	required := func(field, value, raw string, max int, need bool, what Code) {
		if p := checkText(raw, max); p != nil {
			errs[field] = p
		} else if need && value == "" {
			errs[field] = &Problem{Code: what}
		}
	}
	required("rectification_wrong", r.RectificationWrong, f.RectificationWrong, MaxField, has(KindRectification),
		CodeRectificationWrong)
	required("rectification_right", r.RectificationRight, f.RectificationRight, MaxField, has(KindRectification),
		CodeRectificationRight)
	r.ObjectionDirectMarketing = f.ObjectionDirectMarketing && has(KindObjection)
	r.RecipientsWanted = f.RecipientsWanted && (has(KindRectification) || has(KindErasure) || has(KindRestriction))
	required("objection_grounds", r.ObjectionGrounds, f.ObjectionGrounds, MaxDetails, has(KindObjection) && !r.ObjectionDirectMarketing,
		CodeObjectionGrounds)

	r.Identifiers = validateIdentifiers(f, identifying, errs)

	if len(errs) > 0 {
		return Request{}, errs
	}
	return r, nil
}

func validateIdentifiers(f Filing, identifying map[string]bool, errs Problems) []Identifier {
	var out []Identifier
	seen := map[string]bool{}
	add := func(id Identifier) {
		key := id.CookieName + "\x00" + id.Value
		if !seen[key] {
			seen[key] = true
			out = append(out, id)
		}
	}
	for _, id := range f.Browser {
		if !identifying[id.CookieName] {
			errs["identifiers"] = &Problem{Code: CodeBrowserNotIdentifying, Args: map[string]any{"Cookie": id.CookieName}}
			continue
		}
		if p := checkCookieValue(id.Value); p != nil {
			errs["identifiers"] = &Problem{Code: CodeBrowserValue, Args: map[string]any{"Cookie": id.CookieName}, Cause: p}
			continue
		}
		add(Identifier{CookieName: id.CookieName, Value: id.Value, Provenance: ProvenanceBrowser})
	}
	for _, id := range f.Signed {
		if !identifying[id.CookieName] {
			errs["identifiers"] = &Problem{Code: CodeSignedNotIdentifying, Args: map[string]any{"Cookie": id.CookieName}}
			continue
		}
		if p := checkCookieValue(id.Value); p != nil {
			errs["identifiers"] = &Problem{Code: CodeSignedValue, Args: map[string]any{"Cookie": id.CookieName}, Cause: p}
			continue
		}
		add(Identifier{CookieName: id.CookieName, Value: id.Value, Provenance: ProvenanceSigned})
	}
	for i, id := range f.Typed {
		name, value := strings.TrimSpace(id.CookieName), strings.TrimSpace(id.Value)
		switch {
		case name == "" && value == "":
			continue // a blank row
		case name == "":
			errs[TypedField(i)] = &Problem{Code: CodeTypedNoName}
		case !identifying[name]:
			errs[TypedField(i)] = &Problem{Code: CodeTypedNotIdentifying}
		case value == "":
			errs[TypedField(i)] = &Problem{Code: CodeTypedNoValue}
		default:
			if p := checkCookieValue(value); p != nil {
				errs[TypedField(i)] = p
				continue
			}
			add(Identifier{CookieName: name, Value: value, Provenance: ProvenanceTyped})
		}
	}
	if len(out) > MaxIdentifiers {
		errs["identifiers"] = &Problem{Code: CodeTooMany, Args: map[string]any{"Max": MaxIdentifiers}}
	}
	return out
}

// CheckEmail returns why raw is not an address we can write to, or nil: one bare address on one
// line (a line break would let it inject mail headers), with a full domain.
func CheckEmail(raw string) *Problem {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return &Problem{Code: CodeEmailEmpty}
	case !utf8.ValidString(raw):
		return &Problem{Code: CodeEmailUTF8}
	case strings.ContainsAny(raw, "\r\n"):
		return &Problem{Code: CodeEmailLine}
	case utf8.RuneCountInString(s) > MaxEmail:
		return &Problem{Code: CodeEmailLong, Args: map[string]any{"Max": MaxEmail}}
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return &Problem{Code: CodeEmailForm}
	}
	at := strings.LastIndexByte(s, '@')
	if domain := s[at+1:]; !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return &Problem{Code: CodeEmailDomain}
	}
	return nil
}

// CheckLine returns why s cannot be a one-line field (a name that may end up in a mail header), or nil.
func CheckLine(s string, max int) *Problem {
	if strings.ContainsAny(s, "\r\n\u2028\u2029") {
		return &Problem{Code: CodeSingleLine}
	}
	if strings.ContainsRune(s, '\t') {
		return &Problem{Code: CodeControl}
	}
	return checkText(s, max)
}

// checkText returns why s cannot be stored as free text, or nil. Line breaks and tabs are allowed;
// other control characters are not.
func checkText(s string, max int) *Problem {
	if !utf8.ValidString(s) {
		return &Problem{Code: CodeUTF8}
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(s)); n > max {
		return &Problem{Code: CodeTooLong, Args: map[string]any{"Max": max, "N": n}}
	}
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return &Problem{Code: CodeControl}
		}
	}
	return nil
}

// ValidCookieValue reports whether v may be stored as a cookie identifier's value.
func ValidCookieValue(v string) bool { return checkCookieValue(v) == nil }

// checkCookieValue applies RFC 6265's cookie-octet rule and our length limit.
func checkCookieValue(v string) *Problem {
	if v == "" {
		return &Problem{Code: CodeValueEmpty}
	}
	if len(v) > MaxCookieValue {
		return &Problem{Code: CodeValueLong, Args: map[string]any{"Max": MaxCookieValue}}
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\' {
			return &Problem{Code: CodeValueChars}
		}
	}
	return nil
}
