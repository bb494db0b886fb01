package catalogue_test

import (
	"bytes"
	"testing"

	"rightsdesk/catalogue"
)

func addSeeds(f *testing.F, json bool) {
	f.Helper()
	for _, rows := range seedSitesF(f) {
		var buf bytes.Buffer
		if json {
			_ = catalogue.WriteJSON(&buf, rows)
		} else {
			_ = catalogue.WriteCSV(&buf, rows)
		}
		f.Add(buf.Bytes())
	}
}

// reparse checks that rows parsed from a file survive an export in both formats.
func reparse(t *testing.T, rows []catalogue.Row) {
	for _, json := range []bool{false, true} {
		var buf bytes.Buffer
		var err error
		if json {
			err = catalogue.WriteJSON(&buf, rows)
		} else {
			err = catalogue.WriteCSV(&buf, rows)
		}
		if err != nil {
			t.Fatal(err)
		}
		var again []catalogue.Row
		var errs catalogue.Errors
		if json {
			again, errs = catalogue.ParseJSON(&buf)
		} else {
			again, errs = catalogue.ParseCSV(&buf)
		}
		if errs != nil {
			t.Fatalf("the export (json %v) of parsed rows does not parse: %v", json, errs)
		}
		if len(again) != len(rows) {
			t.Fatalf("json %v: %d rows, then %d", json, len(rows), len(again))
		}
		for i := range rows {
			if !again[i].Same(rows[i]) || again[i].Place() != rows[i].Place() {
				t.Fatalf("json %v: row %d changed:\n%+v\n%+v", json, i, rows[i], again[i])
			}
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	addSeeds(f, false)
	f.Add([]byte("Nom;Fournisseur;Partie;Catégorie\n\"a\"\"b\";x;tiers;Analytique\n"))
	f.Add([]byte("name,party,category,opt_out_url\n'=1,third,marketing,https://x.example/\n"))
	f.Add([]byte(placesCSV))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, errs := catalogue.ParseCSV(bytes.NewReader(data))
		if errs != nil {
			_ = errs.Error()
			return
		}
		reparse(t, rows)
	})
}

func FuzzParseJSON(f *testing.F) {
	addSeeds(f, true)
	f.Add([]byte(`[{"name": "a", "party": "tiers", "category": "Analytique", "identifying": true, "lifetime": 365}]`))
	f.Add([]byte(`{"slug": "x", "policy_language": "nl", "cookies": [{"name": "a", "party": "first", "category": "necessary"}]}`))
	f.Add([]byte(`[{"name": "a", "provider": "P", "party": "third", "category": "marketing", "provider_country": "us", "transfer_safeguard": "other", "transfer_safeguard_text": "=Art. 49"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, errs := catalogue.ParseJSON(bytes.NewReader(data))
		if errs != nil {
			_ = errs.Error()
			return
		}
		reparse(t, rows)
	})
}
