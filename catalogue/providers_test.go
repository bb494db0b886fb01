package catalogue_test

import (
	"bytes"
	"strings"
	"testing"

	"rightsdesk/access"
	"rightsdesk/catalogue"
)

const placesCSV = "name,provider,party,category,provider_country,transfer_safeguard,transfer_safeguard_text\n" +
	"__cf_bm,cloudflare.com,third,necessary,us,Data Privacy Framework,\n" +
	"_cfruid,cloudflare.com,third,necessary,,,\n" +
	"cf_clearance,cloudflare.com,third,necessary,US,dpf,\n" +
	"__zlcmid,zopim.com,third,functional,,,\n" +
	"x_pix,Partners,third,marketing,US,other,Art. 49(1)(a): explicit consent\n" +
	"eu_id,esomus.com,third,analytics,BE,,\n" +
	"STCK_ID,ESOMUS,first,necessary,,,\n"

func TestImportReadsProvidersPlaces(t *testing.T) {
	rows, errs := catalogue.ParseCSV(strings.NewReader(placesCSV))
	if errs != nil {
		t.Fatal(errs)
	}
	if r := rows[0]; r.Country != "US" || r.Safeguard != access.SafeguardDPF || !r.StatesPlace() {
		t.Errorf("row 1: %+v", r)
	}
	if rows[1].StatesPlace() || rows[3].StatesPlace() || rows[6].StatesPlace() {
		t.Error("an empty row states a place")
	}
	want := []access.Provider{
		{Name: "cloudflare.com", Country: "US", Safeguard: access.SafeguardDPF},
		{Name: "Partners", Country: "US", Safeguard: access.SafeguardOther, Text: "Art. 49(1)(a): explicit consent"},
		{Name: "esomus.com", Country: "BE"},
	}
	got := catalogue.Providers(rows)
	if len(got) != len(want) {
		t.Fatalf("providers: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("provider %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// The same rows as JSON, and the export of either reads back to the same places.
	var js bytes.Buffer
	if err := catalogue.WriteJSON(&js, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"provider_country": "US"`) || !strings.Contains(js.String(), `"transfer_safeguard": "dpf"`) {
		t.Errorf("the JSON export lacks the places:\n%s", js.String())
	}
	again, errs := catalogue.ParseJSON(&js)
	if errs != nil {
		t.Fatal(errs)
	}
	var cs bytes.Buffer
	if err := catalogue.WriteCSV(&cs, rows); err != nil {
		t.Fatal(err)
	}
	if head, _, _ := strings.Cut(cs.String(), "\r\n"); !strings.HasSuffix(head, ",provider_country,transfer_safeguard,transfer_safeguard_text") {
		t.Errorf("CSV header: %s", head)
	}
	fromCSV, errs := catalogue.ParseCSV(&cs)
	if errs != nil {
		t.Fatal(errs)
	}
	for i := range rows {
		for _, r := range []catalogue.Row{again[i], fromCSV[i]} {
			if r.Place() != rows[i].Place() || !r.Same(rows[i]) {
				t.Errorf("row %d: %+v, then %+v", i+1, rows[i], r)
			}
		}
	}
}

func TestImportRefusesBadPlaces(t *testing.T) {
	head := "name,provider,party,category,provider_country,transfer_safeguard,transfer_safeguard_text\n"
	for _, tc := range []struct{ name, csv, want string }{
		{"disagreeing rows", "a,Google,third,analytics,US,dpf,\nb,Google,third,analytics,IE,,\n",
			`line 3, column 5 (provider_country): the provider "Google" is given US, dpf on line 2 and IE here`},
		{"first party", "a,ESOMUS,first,necessary,BE,,\n", "line 2, column 5 (provider_country): only a third-party provider's country"},
		{"no provider", "a,,third,necessary,US,dpf,\n", "line 2, column 5 (provider_country): the provider is missing"},
		{"no such country", "a,X,third,necessary,XX,scc,\n", `line 2, column 5 (provider_country): "XX" is not a country`},
		{"former code", "a,X,third,necessary,UK,scc,\n", `"UK" is not a country`},
		{"unknown safeguard", "a,X,third,necessary,US,trust me,\n", `line 2, column 6 (transfer_safeguard): "trust me" is not a safeguard; use adequacy, dpf, scc, bcr or other`},
		{"safeguard in the EEA", "a,X,third,necessary,FR,scc,\n", "line 2, column 6 (transfer_safeguard): A provider within the EU/EEA receives no transfer"},
		{"no safeguard outside", "a,X,third,necessary,CN,,\n", "line 2, column 6 (transfer_safeguard): Say what safeguard covers the transfer"},
		{"DPF outside the US", "a,X,third,necessary,JP,dpf,\n", "only companies in the United States"},
		{"safeguard without country", "a,X,third,necessary,,scc,\n", "line 2, column 5 (provider_country): Say in which country"},
		{"other without words", "a,X,third,necessary,IN,other,\n", "line 2, column 7 (transfer_safeguard_text): Describe the safeguard"},
		{"NUL", "a,X,third,necessary,U\x00S,dpf,\n", "line 2, column 5 (provider_country): contains a control character (U+0000)"},
		{"too long", "a,X,third,necessary,US,other," + strings.Repeat("w", access.MaxSafeguardText+1) + "\n", "(transfer_safeguard_text): is too long: at most 1000 characters"},
		{"two lines in a country", "a,X,third,necessary,\"U\nS\",dpf,\n", "must be on one line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := catalogue.ParseCSV(strings.NewReader(head + tc.csv))
			if errs == nil {
				t.Fatalf("accepted: %+v", rows)
			}
			if !strings.Contains(errs.Error(), tc.want) {
				t.Errorf("errors:\n%v\nwant %q", errs, tc.want)
			}
		})
	}
	// JSON: the error points at the later row's country.
	js := `[{"name": "a", "provider": "Google", "party": "third", "category": "analytics", "provider_country": "US", "transfer_safeguard": "dpf"},
 {"name": "b", "provider": "Google", "party": "third", "category": "analytics",
  "provider_country": "US", "transfer_safeguard": "scc"}]`
	_, errs := catalogue.ParseJSON(strings.NewReader(js))
	want := `line 3, column 23 (provider_country): the provider "Google" is given US, dpf on line 1 and US, scc here`
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), want) {
		t.Errorf("JSON: %v\nwant %s", errs, want)
	}
	// A key that is not one of the columns is still refused, naming them all.
	_, errs = catalogue.ParseJSON(strings.NewReader(`[{"name": "a", "party": "third", "category": "analytics", "country": "US"}]`))
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "unknown key; the keys are name, provider,") ||
		!strings.Contains(errs[0].Error(), "transfer_safeguard_text") {
		t.Errorf("unknown key: %v", errs)
	}
}

func TestDiffProviders(t *testing.T) {
	rows, errs := catalogue.ParseCSV(strings.NewReader(placesCSV))
	if errs != nil {
		t.Fatal(errs)
	}
	recorded := []access.Provider{
		{Name: "cloudflare.com", Country: "US", Safeguard: access.SafeguardDPF}, // the same: no change
		{Name: "Partners", Country: "US", Safeguard: access.SafeguardSCC},       // changed
		{Name: "zopim.com", Country: "US", Safeguard: access.SafeguardDPF},      // not stated by the file: kept
	}
	ch := catalogue.DiffProviders(recorded, rows)
	if len(ch) != 2 || ch[0].New.Name != "Partners" || ch[0].Old.Safeguard != access.SafeguardSCC ||
		ch[1].New.Name != "esomus.com" || ch[1].Old != (access.Provider{Name: "esomus.com"}) {
		t.Fatalf("changes: %+v", ch)
	}
	// A file that changes only a provider's place is a change to apply.
	cookies := catalogue.Cookies(rows)
	for i := range cookies {
		cookies[i].ID = int64(i + 1)
	}
	p := catalogue.Diff(cookies, rows)
	if !p.NoChange() {
		t.Fatalf("the cookies changed: %+v", p)
	}
	p.Providers = ch
	if p.NoChange() {
		t.Error("a change of providers counts as no change")
	}
	// Without the columns, nothing is stated: recorded providers stay as they are.
	var bare bytes.Buffer
	bare.WriteString("name,provider,party,category\n__cf_bm,cloudflare.com,third,necessary\n")
	plain, errs := catalogue.ParseCSV(&bare)
	if errs != nil {
		t.Fatal(errs)
	}
	if len(catalogue.Providers(plain)) != 0 || len(catalogue.DiffProviders(recorded, plain)) != 0 {
		t.Error("a file without the columns changes providers")
	}
}
