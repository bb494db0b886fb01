package access_test

import (
	"strings"
	"testing"

	"rightsdesk/access"
	"rightsdesk/locale"
)

func esomus(lang string) access.Facts {
	return access.Facts{
		Lang: lang, Site: "ESOMUS", LeadAuthority: "BE", Residence: "FR",
		Cookies: []access.Cookie{
			{Name: "PHPSESSID", Provider: "ESOMUS", Category: "necessary", Purpose: "Keeps the session.", Lifetime: "Session"},
			{Name: "_ga", Provider: "Google", Third: true, Category: "analytics", Purpose: "Counts visits.", Lifetime: "2 years"},
			{Name: "_fbp", Provider: "Meta", Third: true, Category: "marketing", Purpose: "Advertising.", Lifetime: "3 months"},
			{Name: "itsme", Provider: "itsme", Third: true, Category: "functional", Purpose: "Login.", Lifetime: "1 hour"},
		},
		Providers: []access.Provider{
			{Name: "Google", Country: "US", Safeguard: access.SafeguardDPF},
			{Name: "itsme", Country: "BE"},
		},
	}
}

// The draft says every item, names what the catalogue records, and marks what it does not (Meta's
// country) so that it cannot be sent as it is.
func TestPrefill(t *testing.T) {
	d := access.Prefill(esomus("en"))
	for _, k := range access.Keys {
		if strings.TrimSpace(d[k]) == "" {
			t.Errorf("%s: empty", k)
		}
	}
	for k, want := range map[access.Key][]string{
		access.Purposes:   {"- _ga (Analytics): Counts visits.", "- PHPSESSID (Strictly necessary): Keeps the session."},
		access.Categories: {"- Analytics: _ga", "- Marketing: _fbp"},
		access.Recipients: {"- Google (United States)", "- Meta (" + access.Placeholder + ")", "- itsme (Belgium)"},
		access.Retention:  {"- _ga: 2 years", "- PHPSESSID: Session"},
		access.Complaint:  {"Belgian Data Protection Authority", "Commission Nationale de l'Informatique et des Libertés"},
		access.Source:     {"third parties named as recipients"},
		access.Automated:  {"Art. 22"},
		access.Transfers:  {"- Google (United States): the EU–US Data Privacy Framework", "- Meta: " + access.Placeholder},
	} {
		for _, w := range want {
			if !strings.Contains(d[k], w) {
				t.Errorf("%s: no %q in\n%s", k, w, d[k])
			}
		}
	}
	if strings.Contains(d[access.Transfers], "itsme") || strings.Contains(d[access.Recipients], "- ESOMUS") {
		t.Errorf("an EEA provider listed as a transfer, or the site as its own recipient:\n%s\n%s", d[access.Transfers], d[access.Recipients])
	}
	if _, errs := access.Check(d); errs[access.Recipients.Field()] == "" || errs[access.Transfers.Field()] == "" || errs[access.Purposes.Field()] != "" {
		t.Errorf("a draft with placeholders: %v", errs)
	}
}

// Recorded in full, the draft is ready to send; without third parties it says so.
func TestPrefillComplete(t *testing.T) {
	f := esomus("fr")
	f.Providers = append(f.Providers, access.Provider{Name: "Meta", Country: "IE"})
	d := access.Prefill(f)
	items, errs := access.Check(d)
	if errs != nil || len(items) != len(access.Keys) {
		t.Fatalf("%v %d", errs, len(items))
	}
	if !strings.Contains(d[access.Transfers], "- Google (États-Unis)\u00a0: le cadre de protection des données UE–États-Unis") {
		t.Errorf("French transfers:\n%s", d[access.Transfers])
	}
	if !strings.Contains(d[access.Recipients], "- Meta (Irlande)") {
		t.Errorf("French recipients:\n%s", d[access.Recipients])
	}
	f.Cookies = f.Cookies[:1]
	d = access.Prefill(f)
	if !strings.Contains(d[access.Recipients], "Aucun tiers") || !strings.Contains(d[access.Transfers], "ne sont pas transférées") {
		t.Errorf("first party only:\n%s\n%s", d[access.Recipients], d[access.Transfers])
	}
	for _, lang := range locale.Languages {
		d := access.Prefill(access.Facts{Lang: lang, Site: "X", LeadAuthority: "BE", Residence: "BE"})
		if strings.Contains(strings.Join(values(d), ""), "[") && !strings.Contains(strings.Join(values(d), ""), access.Placeholder) {
			t.Errorf("%s: a message failed to render: %v", lang, d)
		}
		for _, k := range access.Keys {
			if h := access.Heading(lang, k); strings.HasPrefix(h, "[") || !strings.Contains(h, "15") {
				t.Errorf("%s %s: heading %q", lang, k, h)
			}
		}
	}
}

func values(m map[access.Key]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestCheck(t *testing.T) {
	full := map[access.Key]string{}
	for _, k := range access.Keys {
		full[k] = "  About " + string(k) + ".  "
	}
	items, errs := access.Check(full)
	if errs != nil || len(items) != len(access.Keys) || items[0].Key != access.Purposes || items[0].Text != "About purposes." {
		t.Fatalf("%v %+v", errs, items)
	}
	for name, tc := range map[string]struct {
		text string
		want string
	}{
		"empty":       {"  ", "Article 15(1)(g)"},
		"placeholder": {"Provider: " + access.Placeholder, "Complete the part"},
		"invalid":     {"a\xffb", "invalid UTF-8"},
		"control":     {"a\x00b", "control characters"},
		"too long":    {strings.Repeat("x", access.MaxItem+1), "too long"},
	} {
		in := map[access.Key]string{}
		for k, v := range full {
			in[k] = v
		}
		in[access.Source] = tc.text
		items, errs := access.Check(in)
		if items != nil || !strings.Contains(errs[access.Source.Field()], tc.want) || len(errs) != 1 {
			t.Errorf("%s: %v", name, errs)
		}
	}
	if _, errs := access.Check(nil); len(errs) != len(access.Keys) {
		t.Errorf("nothing: %v", errs)
	}
}

func TestCheckProvider(t *testing.T) {
	for _, tc := range []struct {
		p     access.Provider
		field string
	}{
		{access.Provider{Country: "us", Safeguard: "dpf"}, ""},
		{access.Provider{Country: "BE"}, ""},
		{access.Provider{}, ""},
		{access.Provider{Country: "CH", Safeguard: "adequacy"}, ""},
		{access.Provider{Country: "IN", Safeguard: "other", Text: "Art. 49(1)(a): explicit consent"}, ""},
		{access.Provider{Country: "XX"}, access.CountryField},
		{access.Provider{Country: "UK"}, access.CountryField}, // GB is the code
		{access.Provider{Country: "<script>"}, access.CountryField},
		{access.Provider{Safeguard: "scc"}, access.CountryField},
		{access.Provider{Country: "IE", Safeguard: "scc"}, access.SafeguardField},
		{access.Provider{Country: "US"}, access.SafeguardField},
		{access.Provider{Country: "IN", Safeguard: "dpf"}, access.SafeguardField},
		{access.Provider{Country: "US", Safeguard: "trust me"}, access.SafeguardField},
		{access.Provider{Country: "IN", Safeguard: "other"}, access.SafeguardTextField},
		{access.Provider{Country: "US", Safeguard: "scc", Text: "a\xffb"}, access.SafeguardTextField},
		{access.Provider{Country: "US", Safeguard: "scc", Text: strings.Repeat("x", access.MaxSafeguardText+1)}, access.SafeguardTextField},
	} {
		p, errs := access.CheckProvider(tc.p)
		switch {
		case tc.field == "" && errs != nil:
			t.Errorf("%+v: %v", tc.p, errs)
		case tc.field != "" && errs[tc.field] == "":
			t.Errorf("%+v: want an error on %s, got %v", tc.p, tc.field, errs)
		case tc.field == "" && p.Country != strings.ToUpper(tc.p.Country):
			t.Errorf("%+v: country %q", tc.p, p.Country)
		}
	}
	if n := len(access.Countries); n < 240 || access.Countries[0] != "AF" && access.Countries[0] != "AX" {
		t.Errorf("%d countries, first %s", n, access.Countries[0])
	}
	if got := access.CountryName("de", "US"); got != "Vereinigte Staaten" {
		t.Errorf("US in German: %q", got)
	}
}
