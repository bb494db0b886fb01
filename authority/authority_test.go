package authority

import "testing"

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
