package authority

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
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
		if a.Email == "" && a.ComplaintPage("en") == "" {
			t.Errorf("%s: neither a complaint page nor an e-mail address: a requester has only the website", a.CountryCode)
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
		"de": "https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen",
		"es": "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte", // no page in the language: the default
	}
	for lang, want := range cases {
		if got := be.ComplaintPage(lang); got != want {
			t.Errorf("ComplaintPage(%s) = %s, want %s", lang, got, want)
		}
	}
}

// An authority that publishes no complaint page has none: its website is not passed off as one.
func TestNoComplaintPageIsNone(t *testing.T) {
	bg, _ := Lookup("BG") // the directory lists no complaint page for Bulgaria
	if got := bg.ComplaintPage("en"); got != "" {
		t.Errorf("ComplaintPage = %q, want none", got)
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
		{be.LocalName("en"), "Belgian Data Protection Authority (APD/GBA)"},
		{be.LocalName("es"), be.Name}, // no name in the language: the directory's bilingual one
		{be.PostalAddress("nl"), "Drukpersstraat 35, 1000 Brussel"},
		{be.PostalAddress("fr"), "Rue de la Presse 35, 1000 Bruxelles"},
		{be.PostalAddress("de"), "Rue de la Presse 35, 1000 Brüssel"},
		{be.PostalAddress("en"), "Rue de la Presse 35 / Drukpersstraat 35, 1000 Bruxelles / Brussel"},
		{be.Note("en"), "The APD accepts complaints written in French, Dutch or German."},
		{be.Note("fr"), ""}, // French, Dutch and German readers write in a language the APD accepts
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

// Every entry is held to the reference, field by field (country, name, website, complaint page,
// e-mail): a field differs only where the entry records a correction, and then the reference must
// still say what the correction says it says, so that a change on either side is seen.
func TestDirectoryMatchesTheReference(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "reference", "supervisory-authorities.json"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the reference directory must sit beside the repository:", err)
		}
		t.Skip("reference directory not available:", err)
	}
	var ref []map[string]string
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref) != len(All()) {
		t.Fatalf("reference has %d authorities, directory %d", len(ref), len(All()))
	}
	corrected := 0
	for _, r := range ref {
		code := r["country_code"]
		a, ok := Lookup(code)
		if !ok {
			t.Errorf("%s missing", code)
			continue
		}
		fields := map[string]string{"country": a.Country, "authority": a.Name, "website": a.Website, "complaint_url": a.ComplaintURL, "email": a.Email}
		for field := range r {
			if _, ok := fields[field]; !ok && field != "country_code" {
				t.Errorf("the reference has a field %q the directory does not check", field)
			}
		}
		for field, got := range fields {
			want := r[field]
			c, isCorrected := correction(a, field)
			switch {
			case isCorrected && c.Reference != want:
				t.Errorf("%s %s: the correction replaces %q, but the reference now says %q: check the entry again", code, field, c.Reference, want)
			case isCorrected && got == want:
				t.Errorf("%s %s: a correction that changes nothing (%q)", code, field, got)
			case isCorrected && c.Why == "":
				t.Errorf("%s %s: a correction without its reason", code, field)
			case !isCorrected && got != want:
				t.Errorf("%s %s = %q, the reference says %q (record a correction if it is meant)", code, field, got, want)
			}
		}
		for _, c := range a.Corrections {
			if _, ok := fields[c.Field]; !ok {
				t.Errorf("%s: a correction of an unknown field %q", code, c.Field)
			}
			corrected++
		}
	}
	// The corrections made on purpose (issue 14): the BfDI's name without the compiler's note, the
	// Garante's ordinary e-mail address, the CNPD's name as it writes it.
	if corrected != 3 {
		t.Errorf("%d corrections, want 3: review the new one against the authority's own site", corrected)
	}
}

func correction(a Authority, field string) (Correction, bool) {
	for _, c := range a.Corrections {
		if c.Field == field {
			return c, true
		}
	}
	return Correction{}, false
}

// The entries issue 14 corrected, and the German note on the Länder authorities in every language.
func TestCorrectedEntries(t *testing.T) {
	it, _ := Lookup("IT")
	pt, _ := Lookup("PT")
	de, _ := Lookup("DE")
	if it.Email != "protocollo@gpdp.it" {
		t.Errorf("Garante e-mail %q", it.Email)
	}
	if !strings.HasPrefix(pt.Name, "Comissão Nacional de Proteção de Dados") {
		t.Errorf("Portugal %q", pt.Name)
	}
	if strings.Contains(de.Name, "not listed") {
		t.Errorf("the BfDI's name carries the compiler's note: %q", de.Name)
	}
	if de.SeeAlso != "https://www.datenschutzkonferenz-online.de/datenschutzaufsichtsbehoerden.html" {
		t.Errorf("DSK list %q", de.SeeAlso)
	}
	for lang, land := range map[string]string{"fr": "Land", "nl": "deelstaat", "en": "federal state", "de": "Landes"} {
		if n := de.Note(lang); !strings.Contains(n, land) || !strings.Contains(n, "DSK") {
			t.Errorf("%s: the German note %q", lang, n)
		}
	}
}
