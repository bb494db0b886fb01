package authority

import (
	"encoding/json"
	"os"
	"testing"
)

func TestDirectoryHasAllEEAAuthorities(t *testing.T) {
	if n := len(All()); n != 30 {
		t.Fatalf("directory has %d authorities, want the 30 of the EU/EEA", n)
	}
	for _, a := range All() {
		if a.CountryCode == "" || a.Name == "" || a.Website == "" {
			t.Errorf("incomplete entry: %+v", a)
		}
		if a.ComplaintPage("en") == "" {
			t.Errorf("%s: no complaint page and no website", a.CountryCode)
		}
	}
}

func TestBelgiumComplaintPages(t *testing.T) {
	be, ok := Lookup("BE")
	if !ok {
		t.Fatal("no Belgian authority")
	}
	if be.Email != "contact@apd-gba.be" || be.Address == "" || be.Phone == "" {
		t.Errorf("Belgian contact details incomplete: %+v", be)
	}
	cases := map[string]string{
		"fr": "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte",
		"nl": "https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen",
		"en": "https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint",
		"de": "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte", // no German page: default
	}
	for lang, want := range cases {
		if got := be.ComplaintPage(lang); got != want {
			t.Errorf("ComplaintPage(%s) = %s, want %s", lang, got, want)
		}
	}
}

func TestComplaintPageFallsBackToWebsite(t *testing.T) {
	bg, _ := Lookup("BG") // the directory lists no complaint page for Bulgaria
	if got := bg.ComplaintPage("en"); got != "https://www.cpdp.bg" {
		t.Errorf("ComplaintPage = %q, want the website", got)
	}
}

func TestGuidance(t *testing.T) {
	codes := func(as []Authority) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.CountryCode)
		}
		return out
	}
	tests := []struct {
		lead, residence string
		want            []string
	}{
		{"BE", "BE", []string{"BE"}},
		{"BE", "FR", []string{"BE", "FR"}},
		{"BE", "NO", []string{"BE", "NO"}},
		{"BE", OtherCountry, []string{"BE"}},
		{"BE", "US", []string{"BE"}},
	}
	for _, tt := range tests {
		got := codes(Guidance(tt.lead, tt.residence))
		if len(got) != len(tt.want) {
			t.Errorf("Guidance(%s,%s) = %v, want %v", tt.lead, tt.residence, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("Guidance(%s,%s) = %v, want %v", tt.lead, tt.residence, got, tt.want)
			}
		}
	}
}

func TestValidResidence(t *testing.T) {
	for code, want := range map[string]bool{"BE": true, "IS": true, "LI": true, OtherCountry: true, "US": false, "": false, "be": false} {
		if got := ValidResidence(code); got != want {
			t.Errorf("ValidResidence(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestNamesAndAddressesPerLanguage(t *testing.T) {
	be, _ := Lookup("BE")
	fr, _ := Lookup("FR")
	tests := []struct {
		got, want string
	}{
		{be.LocalName("fr"), "Autorité de protection des données (APD)"},
		{be.LocalName("nl"), "Gegevensbeschermingsautoriteit (GBA)"},
		{be.LocalName("de"), "Datenschutzbehörde (APD/GBA)"},
		{be.LocalName("en"), be.Name}, // no English name published: the directory's bilingual one
		{be.PostalAddress("nl"), "Drukpersstraat 35, 1000 Brussel"},
		{be.PostalAddress("fr"), "Rue de la Presse 35, 1000 Bruxelles"},
		{be.PostalAddress("en"), "Rue de la Presse 35 / Drukpersstraat 35, 1000 Bruxelles / Brussel"},
		{fr.LocalName("nl"), "Commission Nationale de l'Informatique et des Libertés (CNIL)"}, // its own name, without the English gloss
		{fr.LocalName("en"), fr.Name},
		{fr.CountryName("nl"), "Frankrijk"},
		{fr.CountryName("de"), "Frankreich"},
		{be.CountryName("fr"), "Belgique"},
		{be.CountryName("en"), "Belgium"},
		{be.CountryName("??"), "Belgium"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// The directory must stay the reference's directory: same countries, names, pages and e-mails.
func TestDirectoryMatchesTheReference(t *testing.T) {
	raw, err := os.ReadFile("../../shared/reference/supervisory-authorities.json")
	if err != nil {
		t.Skip("reference directory not available:", err)
	}
	var ref []Authority
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref) != len(All()) {
		t.Fatalf("reference has %d authorities, directory %d", len(ref), len(All()))
	}
	for _, r := range ref {
		a, ok := Lookup(r.CountryCode)
		if !ok {
			t.Errorf("%s missing", r.CountryCode)
			continue
		}
		if a.Name != r.Name || a.Website != r.Website || a.ComplaintURL != r.ComplaintURL || a.Email != r.Email || a.Country != r.Country {
			t.Errorf("%s differs from the reference:\n got %+v\nwant %+v", r.CountryCode, a, r)
		}
	}
}
