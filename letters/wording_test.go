package letters

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rightsdesk/authority"
	"rightsdesk/deadline"
	"rightsdesk/locale"
)

// The reminder to staff never suggests that asking the requester buys time: it says that a question
// leaves the due date where it is, and offers an extension only while one is still possible.
func TestReminderSaysAQuestionDoesNotMoveTheDueDate(t *testing.T) {
	stays := map[string]string{
		"fr": "une question ne reporte pas cette échéance",
		"nl": "een vraag verschuift deze termijn niet",
		"en": "a question does not move this date",
		"de": "Eine Rückfrage verschiebt diese Frist nicht",
	}
	extend := map[string]string{"fr": "prolongez le délai", "nl": "verleng dan", "en": "extend the deadline", "de": "verlängern Sie die Frist"}
	again := map[string]string{"fr": "ne peut plus l’être", "nl": "niet nog eens worden verlengd", "en": "cannot be extended again", "de": "nicht erneut verlängert"}
	for _, lang := range locale.Languages {
		d := Sample(Reminder, lang)
		r, err := Render(Reminder, d)
		if err != nil {
			t.Fatal(err)
		}
		due := newPage(Reminder, d, nil).vars["AnswerDueOn"].(string)
		if !strings.Contains(r.Text, stays[lang]) || !strings.Contains(r.Text, extend[lang]) || strings.Contains(r.Text, again[lang]) ||
			strings.Count(r.Text, due) < 3 {
			t.Errorf("%s reminder:\n%s", lang, r.Text)
		}
		if !strings.Contains(visibleText(r.HTML), stays[lang]) {
			t.Errorf("%s reminder, HTML part lacks %q", lang, stays[lang])
		}
		d.ExtendedDueOn = deadline.NewDate(2026, 5, 4)
		r, err = Render(Reminder, d)
		if err != nil {
			t.Fatal(err)
		}
		extended := newPage(Reminder, d, nil).vars["AnswerDueOn"].(string)
		if !strings.Contains(r.Text, stays[lang]) || strings.Contains(r.Text, extend[lang]) || !strings.Contains(r.Text, again[lang]) ||
			!strings.Contains(r.Text, extended) || !strings.Contains(visibleText(r.HTML), again[lang]) {
			t.Errorf("%s reminder of an extended case:\n%s", lang, r.Text)
		}
	}
}

// Golden files of the complaint guidance for a requester of every EU/EEA country, per language: each
// of the 30 authorities as a letter prints it, for review against the reference. Run go test
// ./letters -update after changing authorities.json, and read the diff.
func TestGoldenAuthorities(t *testing.T) {
	for _, lang := range locale.Languages {
		var b strings.Builder
		for _, a := range authority.All() {
			d := Sample(Refused, lang)
			d.Residence = a.CountryCode
			r, err := Render(Refused, d)
			if err != nil {
				t.Fatal(err)
			}
			// The last entry of the guidance is the requester's own authority, or the lead one
			// for a resident of the lead's country.
			block := r.Text[strings.LastIndex(r.Text, "\n* ")+1:]
			block = block[:strings.Index(block, "\n\n")+1]
			b.WriteString(a.CountryCode + "\n" + block + "\n")
		}
		path := filepath.Join("testdata", "golden", "authorities."+lang+".txt")
		if *update {
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./letters -update)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s differs from the golden file; if the change is intended, run go test ./letters -update\n--- got ---\n%s", path, b.String())
		}
	}
}
