package locale

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		cookie, accept, ctrl, want string
	}{
		{"nl", "fr-BE,fr;q=0.9", "fr", "nl"}, // an explicit choice wins
		{"xx", "de-DE", "fr", "de"},          // an unknown cookie is ignored
		{"", "nl-BE,nl;q=0.9,en;q=0.5", "fr", "nl"},
		{"", "es-ES", "fr", "fr"},        // no language of ours: the controller's
		{"", "", "", "en"},               // nothing at all: English
		{"", "garbage;;q=x", "nl", "nl"}, // a malformed header counts as none
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", CookieName+"="+tc.cookie)
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if got := Choose(r, tc.ctrl); got != tc.want {
			t.Errorf("Choose(cookie %q, accept %q, default %q) = %q, want %q", tc.cookie, tc.accept, tc.ctrl, got, tc.want)
		}
	}
}

func TestCatalog(t *testing.T) {
	c, err := Load(os.DirFS("testdata"), "ok", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckParity(); err != nil {
		t.Fatal(err)
	}
	data := struct{ Name string }{"Ana"}
	if got := c.T("nl", "greet.hello", data); got != "Hallo Ana" {
		t.Errorf("nl greeting = %q", got)
	}
	if _, err := c.Localize("fr", "greet.hello", struct{ Other string }{}); err == nil {
		t.Error("a missing variable rendered without error")
	}
	if _, err := c.Localize("fr", "greet.hello", map[string]any{}); err == nil {
		t.Error("a missing map key rendered without error")
	}
	if got := c.T("de", "nope", nil); got != "[nope]" {
		t.Errorf("unknown id = %q", got)
	}
	if src, ok := c.Source("fr", "greet.bye"); !ok || src != "Au revoir" {
		t.Errorf("source = %q %v", src, ok)
	}
	if _, err := c.Execute("{{.Nme}}", data); err == nil {
		t.Error("an override with a misspelt variable executed")
	}
}

func TestParityGap(t *testing.T) {
	c, err := Load(os.DirFS("testdata"), "gap", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckParity()
	if err == nil || !strings.Contains(err.Error(), `de: missing "greet.bye"`) {
		t.Fatalf("parity error = %v", err)
	}
}

func TestFrenchDe(t *testing.T) {
	for name, want := range map[string]string{
		"ESOMUS": "d’ESOMUS", "Itsme": "d’Itsme", "Émile SA": "d’Émile SA", "Belfius": "de Belfius",
		"Hermès": "de Hermès", "«Acme»": "d’«Acme»", "": "de ", "Yves Rocher": "d’Yves Rocher",
	} {
		if got := FrenchDe(name); got != want {
			t.Errorf("FrenchDe(%q) = %q, want %q", name, got, want)
		}
	}
}
