package letters

import (
	"strings"
	"testing"

	"rightsdesk/authority"
)

// The complaint route names the lead authority with its page in the reader's language, adds the
// requester's own authority only when they live in another EU/EEA country, and always ends with the
// judicial remedy.
func TestComplaintRoute(t *testing.T) {
	be, _ := authority.Lookup("BE")
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
		{"en", "BE", "DE", "en", "Autorité de protection des données (APD) / Gegevensbeschermingsautoriteit (GBA)",
			"https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint", "", "Germany", "Article 79 of the GDPR"},
		// No German page: the default complaint page, with the authority's German name.
		{"de", "BE", authority.OtherCountry, "de", "Datenschutzbehörde (APD/GBA)", be.ComplaintURL, "", "", "Art. 79 DSGVO"},
		{"de", "BE", "", "de", "Datenschutzbehörde (APD/GBA)", be.ComplaintURL, "", "", "Art. 79 DSGVO"},
		// A language the letters are not written in: English.
		{"es", "BE", "BE", "en", "Autorité de protection des données (APD) / Gegevensbeschermingsautoriteit (GBA)",
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
