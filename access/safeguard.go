package access

import (
	"sort"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"rightsdesk/authority"
	"rightsdesk/dsr"
)

// Safeguard is what makes a transfer of data outside the EU/EEA lawful (Chapter V), as the
// requester is told of it (Art. 15(2)).
type Safeguard string

const (
	// SafeguardAdequacy: the country has an adequacy decision of the Commission (Art. 45).
	SafeguardAdequacy Safeguard = "adequacy"
	// SafeguardDPF: a US company certified under the EU–US Data Privacy Framework, which the
	// adequacy decision of 10 July 2023 covers.
	SafeguardDPF Safeguard = "dpf"
	// SafeguardSCC: the Commission's standard contractual clauses (Art. 46(2)(c)).
	SafeguardSCC Safeguard = "scc"
	// SafeguardBCR: binding corporate rules (Art. 47).
	SafeguardBCR Safeguard = "bcr"
	// SafeguardOther: stated in words (Text), such as a derogation of Art. 49.
	SafeguardOther Safeguard = "other"
)

// Safeguards lists every safeguard in the order a form offers them.
var Safeguards = []Safeguard{SafeguardAdequacy, SafeguardDPF, SafeguardSCC, SafeguardBCR, SafeguardOther}

// Known reports whether s is one of Safeguards.
func (s Safeguard) Known() bool {
	for _, k := range Safeguards {
		if s == k {
			return true
		}
	}
	return false
}

// Label is the safeguard in lang, as a letter names it.
func (s Safeguard) Label(lang string) string {
	id := string(s)
	if s == SafeguardOther {
		id = "described" // "other" is a reserved word of go-i18n
	}
	return catalog.T(speak(lang), "safeguard."+id, nil)
}

// Provider is a recipient of the data, a third-party provider of a site's cookies, with where it
// processes the data: Country (ISO 3166-1 alpha-2, "" when not recorded) and, outside the EU/EEA,
// the safeguard of the transfer, with Text for further words (where to obtain a copy, the
// derogation relied on).
type Provider struct {
	Name      string
	Country   string
	Safeguard Safeguard
	Text      string
}

// Transfer reports whether the provider is known to process the data outside the EU/EEA.
func (p Provider) Transfer() bool { return p.Country != "" && !authority.IsEEA(p.Country) }

// MaxSafeguardText bounds the words on a safeguard.
const MaxSafeguardText = 1000

// Form fields of a provider (and the Errors keys).
const (
	CountryField       = "country"
	SafeguardField     = "safeguard"
	SafeguardTextField = "safeguard_text"
)

// CheckProvider checks what an admin records of a provider and returns it cleaned: a country
// that exists; within the EU/EEA no safeguard (there is no transfer); outside it a safeguard,
// the Data Privacy Framework only for the United States, and words for "other".
func CheckProvider(p Provider) (Provider, dsr.Errors) {
	errs := dsr.Errors{}
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	p.Safeguard = Safeguard(strings.TrimSpace(string(p.Safeguard)))
	p.Text = strings.TrimSpace(p.Text)
	if p.Country != "" && !ValidCountry(p.Country) {
		errs[CountryField] = "Choose the country from the list (an ISO 3166 two-letter code)."
	}
	switch {
	case p.Safeguard != "" && !p.Safeguard.Known():
		errs[SafeguardField] = "Choose a safeguard from the list."
	case p.Country == "" && p.Safeguard != "":
		errs[CountryField] = "Say in which country the provider processes the data: a safeguard is for a transfer outside the EU/EEA."
	case p.Country != "" && authority.IsEEA(p.Country) && p.Safeguard != "":
		errs[SafeguardField] = "A provider within the EU/EEA receives no transfer: leave the safeguard empty."
	case p.Country != "" && !authority.IsEEA(p.Country) && p.Safeguard == "":
		errs[SafeguardField] = "Say what safeguard covers the transfer outside the EU/EEA (Chapter V GDPR): the requester is told of it (Art. 15(2))."
	case p.Safeguard == SafeguardDPF && p.Country != "US":
		errs[SafeguardField] = "The EU–US Data Privacy Framework covers only companies in the United States."
	}
	if msg := dsr.CheckLongText(p.Text, MaxSafeguardText, ""); msg != "" {
		errs[SafeguardTextField] = msg
	} else if p.Safeguard == SafeguardOther && p.Text == "" {
		errs[SafeguardTextField] = "Describe the safeguard or the derogation the transfer relies on."
	}
	if len(errs) > 0 {
		return p, errs
	}
	return p, nil
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 code of a country.
func ValidCountry(code string) bool {
	if len(code) != 2 || strings.ToUpper(code) != code {
		return false
	}
	r, err := language.ParseRegion(code)
	// Canonical: not a former code (UK, YU) that a parser maps to another country.
	return err == nil && r.IsCountry() && r.String() == code && r.Canonicalize() == r &&
		display.Regions(language.English).Name(r) != ""
}

// CountryName is the country of code in lang: "États-Unis" for US in French.
func CountryName(lang, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(speak(lang))).Name(r); n != "" {
		return n
	}
	return code
}

// Countries are the codes a form offers, in alphabetical order of their English names.
var Countries = func() []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string([]rune{a, b}); ValidCountry(c) {
				out = append(out, c)
			}
		}
	}
	en := display.Regions(language.English)
	sort.Slice(out, func(i, j int) bool {
		return en.Name(language.MustParseRegion(out[i])) < en.Name(language.MustParseRegion(out[j]))
	})
	return out
}()
