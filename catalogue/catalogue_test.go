package catalogue_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"rightsdesk/catalogue"
	"rightsdesk/demo"
	"rightsdesk/lifetime"
	"rightsdesk/models"
)

// seedSites returns each demo site's cookie table as rows, as demo.LoadCatalogue stores it.
func seedSites(t *testing.T) map[string][]catalogue.Row { return seedSitesF(t) }

func seedSitesF(t testing.TB) map[string][]catalogue.Row {
	t.Helper()
	seed, err := demo.LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]catalogue.Row{}
	for _, c := range seed.Controllers {
		for _, s := range c.Sites {
			var rows []catalogue.Row
			for _, k := range s.Cookies {
				lt, err := demo.SeedLifetime(s.Slug, k.Lifetime)
				if err != nil {
					t.Fatal(err)
				}
				rows = append(rows, catalogue.Row{Name: k.Name, Provider: k.Provider, Party: k.Party, Category: k.Category,
					Purpose: k.Purpose, PurposeLanguage: s.PolicyLanguage, Lifetime: lt, Identifying: k.Identifying, Unnamed: k.Unnamed})
			}
			out[s.Slug] = rows
		}
	}
	if len(out) != 2 || len(out["esomus"]) != 7 || len(out["itsme"]) != 20 {
		t.Fatalf("the seeds changed: %d sites", len(out))
	}
	return out
}

// lt is a lifetime as Parse reads it.
func lt(s string) lifetime.Lifetime {
	l, err := lifetime.Parse(s)
	if err != nil {
		panic(err)
	}
	return l
}

// sameRows compares rows ignoring the lines they were read from.
func sameRows(t *testing.T, what string, got, want []catalogue.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !got[i].Same(want[i]) {
			t.Errorf("%s: row %d\n got %+v\nwant %+v", what, i+1, got[i], want[i])
		}
	}
}

func roundTrip(t *testing.T, what string, rows []catalogue.Row) {
	t.Helper()
	var csvBuf, jsonBuf bytes.Buffer
	if err := catalogue.WriteCSV(&csvBuf, rows); err != nil {
		t.Fatal(err)
	}
	got, errs := catalogue.ParseCSV(bytes.NewReader(csvBuf.Bytes()))
	if errs != nil {
		t.Fatalf("%s: the CSV export does not parse:\n%v\n%s", what, errs, csvBuf.String())
	}
	sameRows(t, what+" via CSV", got, rows)
	if err := catalogue.WriteJSON(&jsonBuf, rows); err != nil {
		t.Fatal(err)
	}
	got, errs = catalogue.ParseJSON(bytes.NewReader(jsonBuf.Bytes()))
	if errs != nil {
		t.Fatalf("%s: the JSON export does not parse:\n%v\n%s", what, errs, jsonBuf.String())
	}
	sameRows(t, what+" via JSON", got, rows)
	// Detect tells the two apart.
	if got, _ := catalogue.Parse(bytes.NewReader(jsonBuf.Bytes()), ""); len(got) != len(rows) {
		t.Errorf("%s: the JSON export is not detected as JSON", what)
	}
	if got, _ := catalogue.Parse(bytes.NewReader(csvBuf.Bytes()), ""); len(got) != len(rows) {
		t.Errorf("%s: the CSV export is not detected as CSV", what)
	}
}

func TestSeedTablesRoundTripWithoutLoss(t *testing.T) {
	for slug, rows := range seedSites(t) {
		roundTrip(t, slug, rows)

		// A catalogue stored from the seed and compared with its own export: nothing to do.
		cookies := catalogue.Cookies(rows)
		for i := range cookies {
			cookies[i].ID = int64(i + 1)
		}
		var buf bytes.Buffer
		exported := make([]catalogue.Row, len(cookies))
		for i, c := range cookies {
			exported[i] = catalogue.FromCookie(c)
		}
		_ = catalogue.WriteCSV(&buf, exported)
		again, errs := catalogue.ParseCSV(&buf)
		if errs != nil {
			t.Fatal(errs)
		}
		if p := catalogue.Diff(cookies, again); !p.NoChange() || len(p.Unchanged) != len(rows) {
			t.Errorf("%s: re-importing the export would change %+v", slug, p)
		}
	}
}

func TestEveryFieldRoundTrips(t *testing.T) {
	rows := seedSites(t)["itsme"]
	rows[0].Purposes = map[string]string{"nl": "Slaat de cookie-toestemming op.", "en": "Stores the consent state.\nSecond line.", "de": "Speichert die Einwilligung."}
	rows[1].OptOutURL = "https://www.cloudflare.com/privacypolicy/?lang=fr#opt-out"
	rows[2].Name = "=HYPERLINK(\"http://evil.example\",\"x\")" // a formula stays text in a spreadsheet
	rows[3].Provider = "'quoted"
	rows[4].Lifetime = lifetime.Lifetime{Text: "-- voir Cloudflare"} // not read, and a formula to a spreadsheet
	rows[5].Purpose = "@sum; \"quotes\", commas; semicolons\ttab-free"
	rows[5].Purpose = strings.ReplaceAll(rows[5].Purpose, "\t", " ")
	roundTrip(t, "every field", rows)

	var buf bytes.Buffer
	_ = catalogue.WriteCSV(&buf, rows)
	if strings.Contains(buf.String(), "\n=HYPERLINK") || !strings.Contains(buf.String(), `"'=HYPERLINK(`) {
		t.Errorf("a formula is exported as it is:\n%s", buf.String())
	}
}

// TestSeedsJSONSiteParses reads a site of demo/seeds.json as it is: {"slug": …, "cookies": [...]}.
// itsme's table gives CookieConsent's lifetime as a bare "365": an import refuses it, saying
// where and what to write; the demo reads it with the site's rule (days), and once the unit is
// written the site imports as the demo loads it.
func TestSeedsJSONSiteParses(t *testing.T) {
	raw, err := os.ReadFile("../demo/seeds.json")
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		Controllers []struct {
			Sites []json.RawMessage `json:"sites"`
		} `json:"controllers"`
	}
	if err := json.Unmarshal(raw, &seed); err != nil {
		t.Fatal(err)
	}
	want := seedSites(t)
	n := 0
	for _, c := range seed.Controllers {
		for _, s := range c.Sites {
			var slug struct{ Slug string }
			_ = json.Unmarshal(s, &slug)
			got, errs := catalogue.ParseJSON(bytes.NewReader(s))
			if slug.Slug == "itsme" {
				want := `line 14, column 27 (lifetime): "365" has no unit: write "365 days" (or minutes, hours, weeks, months, years)`
				if len(errs) != 1 || errs[0].Error() != want {
					t.Fatalf("itsme's bare 365: %v", errs)
				}
				s = bytes.Replace(s, []byte(`"lifetime": "365"`), []byte(`"lifetime": "365 jours"`), 1)
				got, errs = catalogue.ParseJSON(bytes.NewReader(s))
			}
			if errs != nil {
				t.Fatalf("%s: %v", slug.Slug, errs)
			}
			sameRows(t, slug.Slug, got, want[slug.Slug])
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d sites", n)
	}
}

func TestPolicyTablesInOtherLanguagesAndSeparators(t *testing.T) {
	fr := "\uFEFFNom du Cookie;Fournisseur;Partie;Catégorie;Description de l’objectif;Expiration;Identifiant\r\n" +
		"CookieConsent;www.itsme-id.com;Première partie;Nécessaire;\"Stocke l’état; du consentement.\";365 jours;non\r\n" +
		"__zlcmid;zopim.com;tiers;Fonctionnel;Zopim définit ce cookie.;1 An;oui\r\n" +
		";;;;;;\r\n"
	rows, errs := catalogue.ParseCSV(strings.NewReader(fr))
	if errs != nil {
		t.Fatal(errs)
	}
	want := []catalogue.Row{
		{Name: "CookieConsent", Provider: "www.itsme-id.com", Party: "first", Category: "necessary", Purpose: "Stocke l’état; du consentement.", Lifetime: lt("365 jours")},
		{Name: "__zlcmid", Provider: "zopim.com", Party: "third", Category: "functional", Purpose: "Zopim définit ce cookie.", Lifetime: lt("1 An"), Identifying: true},
	}
	sameRows(t, "French, semicolons", rows, want)
	if rows[1].Line != 3 {
		t.Errorf("the second cookie is on line %d, want 3", rows[1].Line)
	}

	nl := "Naam\tAanbieder\tPartij\tCategorie\tDoel\tDuur\tpurpose_language\n" +
		"UID\tESOMUS\teerste partij\tStatistieken\tTelt pagina's.\tPersistant\tnl\n"
	rows, errs = catalogue.ParseCSV(strings.NewReader(nl))
	if errs != nil {
		t.Fatal(errs)
	}
	sameRows(t, "Dutch, tabs", rows, []catalogue.Row{{Name: "UID", Provider: "ESOMUS", Party: "first", Category: "analytics",
		Purpose: "Telt pagina's.", PurposeLanguage: "nl", Lifetime: lt("Persistant")}})

	de := "Kategorie,Name,Partei,Zweck,Laufzeit,Anbieter,purpose_en,Identifying\n" +
		"Werbung,_fbp,Drittanbieter,\"Zeile eins\nZeile zwei\",3 Monate,facebook.com,Ads,Ja\n"
	rows, errs = catalogue.ParseCSV(strings.NewReader(de))
	if errs != nil {
		t.Fatal(errs)
	}
	sameRows(t, "German, columns in another order", rows, []catalogue.Row{{Name: "_fbp", Provider: "facebook.com", Party: "third",
		Category: "marketing", Purpose: "Zeile eins\nZeile zwei", Lifetime: lt("3 Monate"), Identifying: true, Purposes: map[string]string{"en": "Ads"}}})
}

func TestMalformedFilesAreRefusedWithLineAndColumn(t *testing.T) {
	const head = "name,provider,party,category,purpose,lifetime\n"
	big := head + strings.Repeat("x", catalogue.MaxFileSize)
	var many strings.Builder
	many.WriteString(head)
	for i := range catalogue.MaxRows + 1 {
		many.WriteString("c" + strconv.Itoa(i) + ",p,first,necessary,x,1 an\n")
	}
	for _, tc := range []struct {
		name, format, input string
		want                []string
	}{
		{"unknown category", "csv", head + "UID,ESOMUS,first,necessary,x,1\nU2,ESOMUS,first,necessary,x,1\nSTCK,ESOMUS,first,Analytik-ish,x,1\n",
			[]string{`line 4, column 4 (category): "Analytik-ish" is not a category; use necessary, preference, functional, analytics or marketing`}},
		{"localised header named in the error", "csv", "Nom;Fournisseur;Partie;Catégorie\nUID;ESOMUS;quatrième;Nécessaire\n",
			[]string{`line 2, column 3 (Partie): "quatrième" is not a party; use first or third`}},
		{"missing name and party", "csv", head + ",ESOMUS,,necessary,x,1\n",
			[]string{"line 2, column 1 (name): the name is missing", "line 2, column 3 (party): the party is missing; use first or third"}},
		{"duplicate names name both lines", "csv", head + "UID,a,first,necessary,x,1\nU2,a,first,necessary,x,1\nUID,b,first,necessary,x,1\n",
			[]string{`line 4, column 1 (name): "UID" is already on line 2; each cookie appears once`}},
		{"unknown and missing columns", "csv", "name,colour,party\n",
			[]string{"line 1, column 2 (colour): unknown column; the columns are name, provider, party, category, purpose, purpose_language, purpose_fr, purpose_nl, purpose_en, purpose_de, lifetime, identifying, opt_out_url",
				"line 1: no column for category (or categorie, catégorie, kategorie)"}},
		{"a column twice", "csv", "name,nom,party,category\n",
			[]string{`line 1, column 2 (nom): this is the name column again (column 1 is "name")`}},
		{"wrong cell count", "csv", head + "UID,ESOMUS,first\n", []string{"line 2: 3 cells, but the header names 6 columns"}},
		{"unclosed quote", "csv", head + "UID,ESOMUS,first,necessary,\"never closed,1\n", []string{`line 2: a quoted cell that starts on this line is not closed`}},
		{"bare quote", "csv", head + "UID,ES\"OMUS,first,necessary,x,1\n", []string{`line 2, column 7: a " appears inside a cell that is not quoted`}},
		{"multi-line cell keeps lines right", "csv", head + "UID,ESOMUS,first,necessary,\"one\ntwo\",1\nU2,ESOMUS,first,bad,x,1\n",
			[]string{`line 4, column 4 (category): "bad" is not a category`}},
		{"a lifetime without its unit", "csv", head + "UID,ESOMUS,first,necessary,x,365\nU2,ESOMUS,first,necessary,x,0 jours\n",
			[]string{`line 2, column 6 (lifetime): "365" has no unit: write "365 days"`,
				`line 3, column 6 (lifetime): "0 jours" is not a lifetime: the amount must be between 1 and 99999`}},
		{"name on two lines", "csv", head + "\"U\nID\",ESOMUS,first,necessary,x,1\n", []string{"line 2, column 1 (name): must be on one line"}},
		{"invalid UTF-8 (Windows-1252)", "csv", head + "UID,ESOMUS,first,n\xe9cessaire,x,1\n",
			[]string{"line 2, column 19: byte 0xE9 is not valid UTF-8 text; save the file as UTF-8"}},
		{"UTF-16", "csv", "\xff\xfen\x00a\x00", []string{"line 1: the file is UTF-16 text"}},
		{"control character", "csv", head + "UID,ESO\x07MUS,first,necessary,x,1\n", []string{"line 2, column 2 (provider): contains a control character (U+0007); remove it"}},
		{"bidi override", "csv", head + "UID,ESOMUS,first,necessary,x\u202e,1\n", []string{"line 2, column 5 (purpose): contains an invisible direction"}},
		{"name too long", "csv", head + strings.Repeat("n", 201) + ",ESOMUS,first,necessary,x,1\n", []string{"line 2, column 1 (name): is too long: at most 200 characters (it has 201)"}},
		{"purpose too long", "csv", head + "UID,ESOMUS,first,necessary," + strings.Repeat("é", 2001) + ",1\n", []string{"line 2, column 5 (purpose): is too long: at most 2000 characters (it has 2001)"}},
		{"opt-out not http", "csv", "name,party,category,opt_out_url\nx,third,marketing,javascript:alert(1)\n", []string{"line 2, column 4 (opt_out_url): the opt-out page must be an absolute http or https address"}},
		{"opt-out with credentials", "csv", "name,party,category,opt_out_url\nx,third,marketing,https://u:p@example.com/\n", []string{"line 2, column 4 (opt_out_url): the opt-out address must not carry a user name or password"}},
		{"opt-out on a first-party cookie", "csv", "name,party,category,opt_out_url\nx,first,marketing,https://example.com/\n", []string{"line 2, column 4 (opt_out_url): only third-party cookies have an opt-out page"}},
		{"unknown language", "csv", "name,party,category,purpose_language\nx,first,marketing,es\n", []string{`line 2, column 4 (purpose_language): "es" is not a language of the portal; use fr, nl, en or de`}},
		{"boolean", "csv", "name,party,category,identifying\nx,first,marketing,maybe\n", []string{`line 2, column 4 (identifying): "maybe" is neither yes nor no`}},
		{"header only", "csv", head, []string{"line 2: no cookie"}},
		{"empty", "csv", "  \n", []string{"the file is empty"}},
		{"too big", "csv", big, []string{"the file is larger than 1024 KiB"}},
		{"too many rows", "csv", many.String(), []string{"line 1002: more than 1000 cookies"}},

		{"JSON unknown key", "json", "[\n  {\"name\": \"UID\", \"party\": \"first\", \"category\": \"necessary\",\n   \"colour\": \"red\"}\n]",
			[]string{"line 3, column 4 (colour): unknown key; the keys are name, provider, party"}},
		{"JSON bad category", "json", "[\n{\"name\": \"UID\", \"party\": \"first\", \"category\": \"Analytik-ish\"}\n]",
			[]string{`line 2, column 47 (category): "Analytik-ish" is not a category`}},
		{"JSON missing name points at the object", "json", "[\n  {\"party\": \"first\", \"category\": \"necessary\"}]",
			[]string{"line 2, column 3 (name): the name is missing"}},
		{"JSON duplicate", "json", "[{\"name\": \"UID\", \"party\": \"first\", \"category\": \"necessary\"},\n{\"name\": \"UID\", \"party\": \"third\", \"category\": \"necessary\"}]",
			[]string{`line 2, column 10 (name): "UID" is already on line 1`}},
		{"JSON key twice", "json", `[{"name": "UID", "name": "U2", "party": "first", "category": "necessary"}]`,
			[]string{"line 1, column 18 (name): this key appears twice in the cookie"}},
		{"JSON nested value", "json", "[{\"name\": [\"UID\"], \"party\": \"first\", \"category\": \"necessary\"}]",
			[]string{"line 1, column 11 (name): must be text, not a list or an object"}},
		{"JSON bool as text", "json", `[{"name": true, "party": "first", "category": "necessary"}]`,
			[]string{"line 1, column 11 (name): must be text, not true"}},
		{"JSON syntax", "json", "[\n{\"name\": \"UID\" \"party\": \"first\"}]", []string{"line 2, column 16: not valid JSON: invalid character '\"' after object key:value pair"}},
		{"JSON truncated", "json", "[{\"name\": \"UID\"", []string{"line 1, column 16: the JSON ends too early"}},
		{"JSON trailing data", "json", `[{"name": "UID", "party": "first", "category": "necessary"}] []`, []string{"line 1, column 62: something follows the catalogue"}},
		{"JSON not a list", "json", `"cookies"`, []string{`line 1, column 1: the file must be a list of cookies`}},
		{"JSON unknown site key", "json", `{"cookies": [], "owner": "me"}`, []string{`line 1, column 17 (owner): unknown key; beside "cookies", a site has only`}},
		{"JSON empty", "json", `{"cookies": []}`, []string{"line 1: no cookie: the list is empty"}},
		{"JSON escaped control character", "json", `[{"name": "U\u0000ID", "party": "first", "category": "necessary"}]`,
			[]string{"line 1, column 11 (name): contains a control character (U+0000)"}},
		{"JSON invalid UTF-8", "json", "[{\"name\": \"U\xffID\"}]", []string{"line 1, column 13: byte 0xFF is not valid UTF-8 text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, errs := catalogue.Parse(strings.NewReader(tc.input), tc.format)
			if rows != nil {
				t.Errorf("rows returned with errors: %d", len(rows))
			}
			got := errs.Error()
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("errors lack %q; got:\n%s", w, got)
				}
			}
		})
	}
}

func TestErrorsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,party,category\n")
	for range 500 {
		b.WriteString("x,fourth,nothing\n")
	}
	_, errs := catalogue.ParseCSV(strings.NewReader(b.String()))
	if len(errs) > 60 || !strings.Contains(errs.Error(), "more problems follow") {
		t.Fatalf("%d errors kept", len(errs))
	}
}

func TestDiffSaysWhatAnImportChanges(t *testing.T) {
	now := time.Now()
	current := []models.Cookie{
		{ID: 1, Position: 1, Name: "A", Provider: "p", Party: "first", Category: "necessary", Purpose: "a", PurposeLanguage: "fr"},
		{ID: 2, Position: 2, Name: "B", Provider: "p", Party: "first", Category: "analytics", Purpose: "b", PurposeLanguage: "fr"},
		{ID: 3, Position: 3, Name: "C", Provider: "p", Party: "third", Category: "marketing", Purpose: "c", PurposeLanguage: "fr"},
		{ID: 4, Position: 4, Name: "Old", Provider: "p", Party: "first", Category: "necessary", Purpose: "o", PurposeLanguage: "fr", RetiredAt: &now},
	}
	rows := []catalogue.Row{
		catalogue.FromCookie(current[0]),
		{Name: "B", Provider: "p", Party: "first", Category: "marketing", Purpose: "b", PurposeLanguage: "fr", Identifying: true,
			Purposes: map[string]string{"en": "bee"}},
		catalogue.FromCookie(current[3]),
		{Name: "New", Party: "third", Category: "marketing", PurposeLanguage: "fr"},
	}
	p := catalogue.Diff(current, rows)
	if len(p.Unchanged) != 1 || p.Unchanged[0].Name != "A" {
		t.Errorf("unchanged: %+v", p.Unchanged)
	}
	if len(p.Added) != 1 || p.Added[0].Name != "New" {
		t.Errorf("added: %+v", p.Added)
	}
	if len(p.Restored) != 1 || p.Restored[0].CookieID != 4 || len(p.Restored[0].Fields) != 0 {
		t.Errorf("restored: %+v", p.Restored)
	}
	if len(p.Retired) != 1 || p.Retired[0].Name != "C" {
		t.Errorf("retired: %+v", p.Retired)
	}
	want := []catalogue.FieldChange{{"category", "analytics", "marketing"}, {"purpose_en", "", "bee"}, {"identifying", "no", "yes"}}
	if len(p.Changed) != 1 || p.Changed[0].CookieID != 2 || !reflect.DeepEqual(p.Changed[0].Fields, want) {
		t.Errorf("changed: %+v", p.Changed)
	}
	if p.Reordered || p.NoChange() {
		t.Errorf("reordered %v, no change %v", p.Reordered, p.NoChange())
	}
	if p.Fingerprint != models.CatalogueFingerprint(current) || p.Fingerprint == models.CatalogueFingerprint(current[:3]) {
		t.Error("the fingerprint does not identify the catalogue")
	}

	swapped := []catalogue.Row{catalogue.FromCookie(current[1]), catalogue.FromCookie(current[0]), catalogue.FromCookie(current[2])}
	if p := catalogue.Diff(current, swapped); !p.Reordered || len(p.Unchanged) != 3 || p.NoChange() {
		t.Errorf("a new order is not seen: %+v", p)
	}
	same := []catalogue.Row{catalogue.FromCookie(current[0]), catalogue.FromCookie(current[1]), catalogue.FromCookie(current[2])}
	if p := catalogue.Diff(current, same); !p.NoChange() {
		t.Errorf("the same catalogue is a change: %+v", p)
	}
}

func TestBuildChecksAFormsFields(t *testing.T) {
	r, errs := catalogue.Build(map[string]string{"name": "  UID ", "party": "Third party", "category": "Marketing",
		"opt_out_url": "https://example.com/opt-out", "purpose_nl": " Doel ", "identifying": "true"})
	if errs != nil || r.Name != "UID" || r.Party != "third" || r.Category != "marketing" || r.Purposes["nl"] != "Doel" || !r.Identifying {
		t.Fatalf("%+v %v", r, errs)
	}
	_, errs = catalogue.Build(map[string]string{"name": "<script>\x00", "party": "first", "category": "x", "purpose_language": "xx"})
	for _, f := range []string{"name", "category", "purpose_language"} {
		if errs[f] == "" {
			t.Errorf("no error for %s: %v", f, errs)
		}
	}
}

// TestExportWritesLifetimesThatReadBack: an export writes each lifetime as published where that
// reads back as itself ("1 Heure"), else in words of the policy's language (itsme's bare "365",
// which the demo's rule reads as days, goes out as "365 jours"), and the file imports unchanged.
func TestExportWritesLifetimesThatReadBack(t *testing.T) {
	rows := seedSites(t)["itsme"]
	var buf bytes.Buffer
	if err := catalogue.WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\r\nCookieConsent,", ",365 jours,no,", ",1 Heure,", ",Jamais,", ",7 Jours,"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("the export lacks %q:\n%s", want, buf.String())
		}
	}
	again, errs := catalogue.ParseCSV(&buf)
	if errs != nil {
		t.Fatal(errs)
	}
	if !again[0].Lifetime.Same(lifetime.NewDuration(365, lifetime.Day)) {
		t.Errorf("CookieConsent reads back as %+v", again[0].Lifetime)
	}
}

// TestBuildStatesALifetimeFieldByField: the form's way, kind, amount and unit beside the
// published text; and a file's way, the text alone.
func TestBuildStatesALifetimeFieldByField(t *testing.T) {
	base := map[string]string{"name": "UID", "party": "first", "category": "analytics"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, c := range []struct {
		name string
		raw  map[string]string
		want lifetime.Lifetime
		errs []string // fields refused
	}{
		{"text read as an import reads it", with("lifetime", "13 mois"), lifetime.Lifetime{Kind: lifetime.Duration, Amount: 13, Unit: lifetime.Month, Text: "13 mois"}, nil},
		{"text, bare number", with("lifetime", "365"), lifetime.Lifetime{Text: "365"}, []string{"lifetime"}},
		{"no lifetime at all", with(), lifetime.Lifetime{}, nil},
		{"session, a stale amount ignored", with("lifetime_kind", "session", "lifetime_amount", "3", "lifetime_unit", "day"), lifetime.Lifetime{Kind: lifetime.Session}, nil},
		{"persistent with its words", with("lifetime_kind", "persistent", "lifetime", "Jamais"), lifetime.Lifetime{Kind: lifetime.Persistent, Text: "Jamais"}, nil},
		{"duration", with("lifetime_kind", "duration", "lifetime_amount", " 2 ", "lifetime_unit", "year", "lifetime", "2 jaar"),
			lifetime.Lifetime{Kind: lifetime.Duration, Amount: 2, Unit: lifetime.Year, Text: "2 jaar"}, nil},
		{"duration stated, a bare published number", with("lifetime_kind", "duration", "lifetime_amount", "365", "lifetime_unit", "day", "lifetime", "365"),
			lifetime.Lifetime{Kind: lifetime.Duration, Amount: 365, Unit: lifetime.Day, Text: "365"}, nil},
		{"duration stated, words not read", with("lifetime_kind", "duration", "lifetime_amount", "1", "lifetime_unit", "year", "lifetime", "un an environ"),
			lifetime.Lifetime{Kind: lifetime.Duration, Amount: 1, Unit: lifetime.Year, Text: "un an environ"}, nil},
		{"not stated, words kept", with("lifetime_kind", "", "lifetime", "Voir Google"), lifetime.Lifetime{Text: "Voir Google"}, nil},
		{"not stated, words read", with("lifetime_kind", "", "lifetime", "1 Heure"), lifetime.Lifetime{Kind: lifetime.Duration, Amount: 1, Unit: lifetime.Hour, Text: "1 Heure"}, nil},
		{"duration, amount 0", with("lifetime_kind", "duration", "lifetime_amount", "0", "lifetime_unit", "day"), lifetime.Lifetime{}, []string{"lifetime_amount"}},
		{"duration, amount too big", with("lifetime_kind", "duration", "lifetime_amount", "100000", "lifetime_unit", "day"), lifetime.Lifetime{}, []string{"lifetime_amount"}},
		{"duration, no unit", with("lifetime_kind", "duration", "lifetime_amount", "3", "lifetime_unit", ""), lifetime.Lifetime{}, []string{"lifetime_unit"}},
		{"duration, unknown unit", with("lifetime_kind", "duration", "lifetime_amount", "3", "lifetime_unit", "fortnight"), lifetime.Lifetime{}, []string{"lifetime_unit"}},
		{"unknown kind", with("lifetime_kind", "forever"), lifetime.Lifetime{}, []string{"lifetime_kind"}},
		{"text says another lifetime", with("lifetime_kind", "session", "lifetime", "1 An"), lifetime.Lifetime{Kind: lifetime.Session, Text: "1 An"}, []string{"lifetime"}},
		{"not stated, bare number", with("lifetime_kind", "", "lifetime", "365"), lifetime.Lifetime{Text: "365"}, []string{"lifetime"}},
		{"not stated, a duration typed", with("lifetime_kind", "", "lifetime_amount", "6", "lifetime_unit", "month"), lifetime.Lifetime{}, []string{"lifetime_kind"}},
	} {
		r, errs := catalogue.Build(c.raw)
		var got []string
		for _, f := range []string{"lifetime", "lifetime_kind", "lifetime_amount", "lifetime_unit"} {
			if errs[f] != "" {
				got = append(got, f)
			}
		}
		if !reflect.DeepEqual(got, c.errs) || len(errs) != len(got) {
			t.Errorf("%s: errors %v, want on %v", c.name, errs, c.errs)
		}
		if c.errs == nil && r.Lifetime != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, r.Lifetime, c.want)
		}
	}
}
