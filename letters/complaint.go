package letters

import "rightsdesk/authority"

// Complaint is where a requester may take a complaint about how a request was handled (Art. 12(4),
// 77, 79), in one language: the controller's lead authority, the requester's own authority when
// they live in another EU/EEA country, and the judicial remedy. The letters print it in their
// guidance block and the status page shows it, both from ComplaintRoute, so the two never differ.
type Complaint struct {
	Lang     string
	Heading  string   // "How to lodge a complaint"
	Intro    string   // the right to complain to a supervisory authority (Art. 77)
	Lead     *Contact // the controller's lead authority; nil when the directory has none for its country
	Own      *Contact // the requester's own authority; nil unless they live in another EU/EEA country
	Judicial string   // the right to a judicial remedy (Art. 79)
}

// Contact is an authority as a requester reads it in one language.
type Contact struct {
	Code         string // the authority's country (ISO 3166-1 alpha-2)
	Name         string // its own name in the language where it publishes one ("Gegevensbeschermingsautoriteit (GBA)")
	Country      string // its country named in the language ("België")
	ComplaintURL string // its complaint page in the language, else its default complaint page; empty when it publishes none
	LinkText     string // the text of a link to ComplaintURL, which makes sense on its own; empty without one
	Email        string
	Website      string // shown when there is no complaint page, or no e-mail address beside it
	Address      string // the postal address as written in the language, may be empty
	Phone        string
	Note         string // what the reader should know before complaining there, in the language, may be empty
	SeeAlso      string // the page the note points to, may be empty
}

// Authorities are the authorities of the route, the lead authority first.
func (c Complaint) Authorities() []Contact {
	var out []Contact
	for _, a := range []*Contact{c.Lead, c.Own} {
		if a != nil {
			out = append(out, *a)
		}
	}
	return out
}

// ComplaintRoute is the complaint route, in lang (a language the letters are not written in falls
// back to English), of a requester residing in residence (an ISO code, authority.OtherCountry or
// empty when unknown) about a controller whose lead authority is that of leadCountry. Its
// sentences are the letters' shipped wording.
func ComplaintRoute(lang, leadCountry, residence string) Complaint {
	lang = Language(lang)
	c := Complaint{
		Lang:     lang,
		Heading:  vocabIn(lang, "guidance.heading", nil),
		Intro:    vocabIn(lang, "guidance.intro", nil),
		Judicial: vocabIn(lang, "guidance.judicial", nil),
	}
	if a, ok := authority.Lookup(leadCountry); ok {
		c.Lead = contactIn(lang, a)
	}
	if residence != leadCountry {
		if a, ok := authority.Lookup(residence); ok {
			c.Own = contactIn(lang, a)
		}
	}
	return c
}

func contactIn(lang string, a authority.Authority) *Contact {
	c := &Contact{
		Code:         a.CountryCode,
		Name:         a.LocalName(lang),
		Country:      a.CountryName(lang),
		ComplaintURL: a.ComplaintPage(lang),
		Email:        a.Email,
		Address:      a.PostalAddress(lang),
		Phone:        a.Phone,
	}
	if c.ComplaintURL != "" {
		c.LinkText = vocabIn(lang, "format.complaint_link", map[string]any{"Name": c.Name})
	}
	// The website is shown as a website: where the authority publishes no complaint page, and
	// where it has one but no address to write to, as a way in beside the form.
	if a.Website != "" && a.Website != c.ComplaintURL && (c.ComplaintURL == "" || a.Email == "") {
		c.Website = a.Website
	}
	if c.Note = a.Note(lang); c.Note != "" {
		c.SeeAlso = a.SeeAlso
	}
	return c
}

// vocabIn renders a shipped message that needs none of a letter's variables. Every id used here
// exists in every language (the catalogue's parity test), so an error is a bug the tests catch.
func vocabIn(lang, id string, data any) string {
	s, err := catalog.Localize(lang, id, data)
	if err != nil {
		return "[" + id + "]"
	}
	return s
}
