package letters

import (
	"strings"
	"testing"

	"rightsdesk/authority"
	"rightsdesk/locale"
)

// The complaint route names the lead authority with its page in the reader's language, adds the
// requester's own authority only when they live in another EU/EEA country, and always ends with the
// judicial remedy.
func TestComplaintRoute(t *testing.T) {
	tests := []struct {
		lang, lead, residence string
		wantLang              string
		leadName, leadURL     string
		own                   string // the own authority's name, "" for none
		ownCountry            string
		judicial              string
	}{
		{"fr", "BE", "BE", "fr", "Autorité de protection des données (APD)",
			"https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte", "", "", "article 79 du RGPD"},
		{"nl", "BE", "FR", "nl", "Gegevensbeschermingsautoriteit (GBA)",
			"https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen",
			"Commission Nationale de l'Informatique et des Libertés (CNIL)", "Frankrijk", "artikel 79 AVG"},
		{"en", "BE", "DE", "en", "Belgian Data Protection Authority (APD/GBA)",
			"https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint", "", "Germany", "Article 79 of the GDPR"},
		// The German page, with the authority's German name.
		{"de", "BE", authority.OtherCountry, "de", "Datenschutzbehörde (APD/GBA)", "https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen", "", "", "Art. 79 DSGVO"},
		{"de", "BE", "", "de", "Datenschutzbehörde (APD/GBA)", "https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen", "", "", "Art. 79 DSGVO"},
		// A language the letters are not written in: English.
		{"es", "BE", "BE", "en", "Belgian Data Protection Authority (APD/GBA)",
			"https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint", "", "", "Article 79 of the GDPR"},
		// A controller led elsewhere, its requester in Belgium: the CNIL first, then the APD/GBA.
		{"fr", "FR", "BE", "fr", "Commission Nationale de l'Informatique et des Libertés (CNIL)", "https://www.cnil.fr/fr/plaintes",
			"Autorité de protection des données (APD)", "Belgique", "article 79 du RGPD"},
	}
	for _, tt := range tests {
		c := ComplaintRoute(tt.lang, tt.lead, tt.residence)
		name := tt.lang + "/" + tt.lead + "/" + tt.residence
		if c.Lang != tt.wantLang {
			t.Errorf("%s: language %q, want %q", name, c.Lang, tt.wantLang)
		}
		if c.Lead == nil {
			t.Fatalf("%s: no lead authority", name)
		}
		if c.Lead.Name != tt.leadName || c.Lead.ComplaintURL != tt.leadURL {
			t.Errorf("%s: lead %q at %q, want %q at %q", name, c.Lead.Name, c.Lead.ComplaintURL, tt.leadName, tt.leadURL)
		}
		if !strings.Contains(c.Lead.LinkText, c.Lead.Name) {
			t.Errorf("%s: the link text %q does not name the authority", name, c.Lead.LinkText)
		}
		switch {
		case tt.ownCountry == "" && c.Own != nil:
			t.Errorf("%s: an own authority %q where none is due", name, c.Own.Name)
		case tt.ownCountry != "" && c.Own == nil:
			t.Errorf("%s: no own authority", name)
		case c.Own != nil:
			if c.Own.Country != tt.ownCountry || (tt.own != "" && c.Own.Name != tt.own) {
				t.Errorf("%s: own authority %q (%s), want %q (%s)", name, c.Own.Name, c.Own.Country, tt.own, tt.ownCountry)
			}
			if c.Own.ComplaintURL == "" {
				t.Errorf("%s: the own authority has no page to complain on", name)
			}
		}
		if got := len(c.Authorities()); got != 1+map[bool]int{true: 1}[c.Own != nil] {
			t.Errorf("%s: %d authorities", name, got)
		}
		if !strings.Contains(c.Judicial, tt.judicial) || c.Heading == "" || !strings.Contains(c.Intro, "77") {
			t.Errorf("%s: heading %q, intro %q, judicial %q", name, c.Heading, c.Intro, c.Judicial)
		}
	}
}

// An unknown lead country leaves no lead authority, never a blank entry; the requester's own
// authority and the judicial remedy remain.
func TestComplaintRouteWithoutLeadAuthority(t *testing.T) {
	c := ComplaintRoute("en", "", "FR")
	if c.Lead != nil || c.Own == nil || len(c.Authorities()) != 1 || c.Judicial == "" {
		t.Errorf("route %+v", c)
	}
}

// The letters print the route: a letter to a resident of Germany names the BfDI's page, one to a
// resident of Belgium names no second authority.
func TestLettersPrintTheComplaintRoute(t *testing.T) {
	d := Sample(Refused, "en")
	d.Residence = "DE"
	r, err := Render(Refused, d)
	if err != nil {
		t.Fatal(err)
	}
	de := ComplaintRoute("en", "BE", "DE").Own
	if !strings.Contains(r.Text, de.Name) || !strings.Contains(r.HTML, `href="`+de.ComplaintURL+`"`) || strings.Contains(r.Text, "CNIL") {
		t.Errorf("the refusal to a resident of Germany:\n%s", r.Text)
	}
	d.Residence = "BE"
	r, err = Render(Refused, d)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(r.Text, "\n* "); n != 1 {
		t.Errorf("a resident of Belgium is given %d authorities:\n%s", n, r.Text)
	}
}

// An authority that publishes no complaint page is shown with its website, labelled as a website in
// the letter's language, never as a complaint form.
func TestAuthorityWithoutComplaintPageShowsItsWebsite(t *testing.T) {
	website := map[string]string{"fr": "Site web\u00a0:", "nl": "Website:", "en": "Website:", "de": "Website:"}
	form := map[string]string{"fr": "Formulaire de plainte", "nl": "Klachtenformulier", "en": "Complaint form", "de": "Beschwerdeformular"}
	for _, lang := range locale.Languages {
		c := ComplaintRoute(lang, "BE", "BG").Own
		if c == nil || c.ComplaintURL != "" || c.LinkText != "" || c.Website != "https://www.cpdp.bg" || c.Email != "kzld@cpdp.bg" {
			t.Fatalf("%s: Bulgaria's contact %+v", lang, c)
		}
		d := Sample(Refused, lang)
		d.Residence = "BG"
		r, err := Render(Refused, d)
		if err != nil {
			t.Fatal(err)
		}
		block := r.Text[strings.LastIndex(r.Text, "\n* "):]
		block = block[:strings.Index(block, "\n\n")]
		if !strings.Contains(block, website[lang]+" https://www.cpdp.bg") || strings.Contains(block, form[lang]) {
			t.Errorf("%s: Bulgaria's entry in the letter:\n%s", lang, block)
		}
		item := r.HTML[strings.LastIndex(r.HTML, "<li"):]
		item = item[:strings.Index(item, "</li>")]
		if !strings.Contains(visibleText(item), website[lang]+" https://www.cpdp.bg") || strings.Contains(item, "–") {
			t.Errorf("%s: Bulgaria's entry in the HTML part:\n%s", lang, item)
		}
	}
}

// A requester living in Germany is told, in the letter's language, that complaints about companies
// go to the authority of a Land, with the DSK's list; the APD's languages are said in English only,
// where the reader might otherwise write in a language the APD does not take.
func TestAuthorityNotes(t *testing.T) {
	const dsk = "https://www.datenschutzkonferenz-online.de/datenschutzaufsichtsbehoerden.html"
	land := map[string]string{"fr": "du Land où l’entreprise a son siège", "nl": "deelstaat (Land) waar het bedrijf zijn zetel heeft",
		"en": "federal state (Land) where the company has its seat", "de": "des Landes zuständig, in dem das Unternehmen seinen Sitz hat"}
	for _, lang := range locale.Languages {
		d := Sample(Refused, lang)
		d.Residence = "DE"
		r, err := Render(Refused, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, land[lang]) || !strings.Contains(r.Text, "\n  "+dsk+"\n") {
			t.Errorf("%s: the letter to a resident of Germany lacks the note on the Länder:\n%s", lang, r.Text)
		}
		if !strings.Contains(visibleText(r.HTML), land[lang]) || !strings.Contains(r.HTML, `<a href="`+dsk+`"`) {
			t.Errorf("%s: the HTML part lacks the note on the Länder", lang)
		}
		apd := "The APD accepts complaints written in French, Dutch or German."
		if got := strings.Contains(r.Text, apd); got != (lang == "en") {
			t.Errorf("%s: the APD's languages said: %v", lang, got)
		}
		d.Residence = "BE"
		if r, _ = Render(Refused, d); strings.Contains(r.Text, dsk) {
			t.Errorf("%s: the note on the Länder in a letter to a resident of Belgium", lang)
		}
	}
}
