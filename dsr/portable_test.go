package dsr

import "testing"

func TestCheckPortable(t *testing.T) {
	tests := []struct {
		name, data string
		want       PortableFormat // "" when refused
	}{
		{"data.json", `{"cookies":[{"name":"_ga","value":"GA1.2.3"}]}`, FormatJSON},
		{"DATA.JSON", `[1,2]`, FormatJSON},
		{"data.csv", "name,value\n_ga,GA1.2.3\n", FormatCSV},
		{"bom.csv", "\uFEFFname;value\n", FormatCSV},
		{"data.xml", `<?xml version="1.0"?><data><cookie name="_ga"/></data>`, FormatXML},
		{"data.pdf", "%PDF-1.7", ""},
		{"data", `{}`, ""},
		{"data.json.exe", `{}`, ""},
		{"broken.json", `{"a":`, ""},
		{"ragged.csv", "a,b\n1,2,3\n", ""},
		{"quote.csv", "a,\"b\n", ""},
		{"empty.csv", "", ""},
		{"two-roots.xml", `<a/><b/>`, ""},
		{"broken.xml", `<a><b></a>`, ""},
		{"latin1.csv", "nom\ncaf\xe9\n", ""},
	}
	for _, tt := range tests {
		got, why := CheckPortable(tt.name, []byte(tt.data))
		if got != tt.want {
			t.Errorf("%s: format %q (%s), want %q", tt.name, got, why, tt.want)
		}
		if (got == "") != (why != "") {
			t.Errorf("%s: a refusal must say why, an acceptance nothing: %q", tt.name, why)
		}
	}
}
