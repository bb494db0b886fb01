package access

import (
	"strings"
	"testing"

	"rightsdesk/locale"
)

// Every language has every message, and French puts a no-break space before its colons.
func TestMessages(t *testing.T) {
	if err := catalog.CheckParity(); err != nil {
		t.Fatal(err)
	}
	for _, id := range catalog.IDs("fr") {
		s, _ := catalog.Source("fr", id)
		if strings.Contains(s, " :") || strings.Contains(s, " ;") {
			t.Errorf("fr %s: a plain space before a colon or semicolon: %q", id, s)
		}
	}
	for _, lang := range locale.Languages {
		for _, s := range Safeguards {
			if l := s.Label(lang); strings.HasPrefix(l, "[") {
				t.Errorf("%s %s: %q", lang, s, l)
			}
		}
	}
}
