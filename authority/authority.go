// Package authority is the directory of the EU/EEA data-protection authorities and the complaint
// guidance every answer must carry. The data is authorities.json, copied from
// shared/reference/supervisory-authorities.json (datenanfragen.de, 2026-07) with the Belgian
// authority's postal address, phone, per-language complaint pages and per-language names (the
// French, Dutch and German names LEGAL.md gives) added. Letters read everything they show about an
// authority from here, so a correction is a change of data, not of wording.
package authority

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Authority is one supervisory authority.
type Authority struct {
	CountryCode   string            `json:"country_code"`
	Country       string            `json:"country"`
	Name          string            `json:"authority"`
	Website       string            `json:"website"`
	ComplaintURL  string            `json:"complaint_url"`
	Email         string            `json:"email"`
	Address       string            `json:"address"`
	Phone         string            `json:"phone"`
	ComplaintURLs map[string]string `json:"complaint_urls"`
	Names         map[string]string `json:"names"`     // the authority's own name in a language, where it has one
	Addresses     map[string]string `json:"addresses"` // the postal address as written in a language
	Notes         map[string]string `json:"notes"`     // what a requester reading that language should know before complaining
	SeeAlso       string            `json:"see_also"`  // the page a note points to (the list of Germany's Länder authorities)
	Corrections   []Correction      `json:"corrections"`
}

// Correction records a field where the directory departs from the reference on purpose: the
// reference's value and why it is not used.
type Correction struct {
	Field     string `json:"field"` // the JSON name of the field: "authority", "email"…
	Reference string `json:"reference"`
	Why       string `json:"why"`
}

// Note is what a requester reading lang should know before complaining to the authority ("The APD
// accepts complaints written in French, Dutch or German."), empty when there is nothing.
func (a Authority) Note(lang string) string { return a.Notes[lang] }

// LocalName is the authority's name in lang when it publishes one (the Belgian authority is the
// APD in French and the GBA in Dutch), else the directory's name.
func (a Authority) LocalName(lang string) string {
	if n := a.Names[lang]; n != "" {
		return n
	}
	return a.Name
}

// PostalAddress is the address as written in lang (a Brussels street has a French and a Dutch
// name), else the directory's address, which may be empty.
func (a Authority) PostalAddress(lang string) string {
	if s := a.Addresses[lang]; s != "" {
		return s
	}
	return a.Address
}

// CountryName is the authority's country in lang ("Frankrijk", "Allemagne"), from CLDR through
// x/text, so the directory need not carry 30 names in four languages.
func (a Authority) CountryName(lang string) string {
	tag, err := language.Parse(lang)
	region, rerr := language.ParseRegion(a.CountryCode)
	if err != nil || rerr != nil {
		return a.Country
	}
	if n := display.Regions(tag).Name(region); n != "" {
		return n
	}
	return a.Country
}

// ComplaintPage is the page where a complaint is lodged, in lang when the authority has one,
// else its default complaint page, else empty: some authorities publish no complaint page, and
// their website is then shown as a website, not as a complaint page.
func (a Authority) ComplaintPage(lang string) string {
	if u := a.ComplaintURLs[lang]; u != "" {
		return u
	}
	return a.ComplaintURL
}

// OtherCountry is the residence code of a requester living outside the EU/EEA.
const OtherCountry = "OTHER"

//go:embed authorities.json
var raw []byte

var (
	byCode    map[string]Authority
	countries []Authority // sorted by country name
)

func init() {
	var list []Authority
	if err := json.Unmarshal(raw, &list); err != nil {
		panic(fmt.Sprintf("authority: embedded authorities.json: %v", err))
	}
	byCode = make(map[string]Authority, len(list))
	for _, a := range list {
		byCode[a.CountryCode] = a
	}
	countries = list
	sort.Slice(countries, func(i, j int) bool { return countries[i].Country < countries[j].Country })
}

// Lookup returns the authority of an EU/EEA country (ISO 3166-1 alpha-2).
func Lookup(countryCode string) (Authority, bool) {
	a, ok := byCode[countryCode]
	return a, ok
}

// All returns the authorities of every EU/EEA country, sorted by country name.
func All() []Authority { return countries }

// IsEEA reports whether countryCode is an EU/EEA country with an authority in the directory.
func IsEEA(countryCode string) bool {
	_, ok := byCode[countryCode]
	return ok
}

// ValidResidence reports whether code is an accepted country of residence: an EU/EEA code or OtherCountry.
func ValidResidence(code string) bool { return code == OtherCountry || IsEEA(code) }

// Guidance returns the authorities a requester may complain to: the controller's lead authority
// first, then the authority of the requester's own country when they live in another EU/EEA country.
func Guidance(leadCountry, residence string) []Authority {
	var out []Authority
	if a, ok := byCode[leadCountry]; ok {
		out = append(out, a)
	}
	if residence != leadCountry {
		if a, ok := byCode[residence]; ok {
			out = append(out, a)
		}
	}
	return out
}
