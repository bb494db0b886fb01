package letters

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/net/html"

	"rightsdesk/authority"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/locale"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current letters")

// Every id in every language: a key written in one message file only fails here.
func TestEveryMessageExistsInEveryLanguage(t *testing.T) {
	if err := catalog.CheckParity(); err != nil {
		t.Fatal(err)
	}
	if err := variableParity(catalog); err != nil {
		t.Fatal(err)
	}
}

// The checks above catch what they are meant to catch.
func TestParityChecksCatchGaps(t *testing.T) {
	files := func(nl string) fstest.MapFS {
		fs := fstest.MapFS{}
		for _, l := range locale.Languages {
			fs["m/letters."+l+".toml"] = &fstest.MapFile{Data: []byte("[a]\nb = \"{{.Reference}}\"\nc = \"x\"\n")}
		}
		fs["m/letters.nl.toml"] = &fstest.MapFile{Data: []byte(nl)}
		return fs
	}
	c := locale.MustLoad(files("[a]\nb = \"{{.Reference}}\"\n"), "m", nil)
	if err := c.CheckParity(); err == nil || !strings.Contains(err.Error(), `nl: missing "a.c"`) {
		t.Errorf("a key missing in Dutch: %v", err)
	}
	c = locale.MustLoad(files("[a]\nb = \"{{.Referentie}}\"\nc = \"x\"\n"), "m", nil)
	if err := variableParity(c); err == nil || !strings.Contains(err.Error(), "a.b") {
		t.Errorf("a variable renamed in Dutch: %v", err)
	}
}

// variableParity reports every message whose variables differ between languages.
func variableParity(c *locale.Catalog) error {
	var problems []string
	for _, id := range c.IDs(locale.Fallback) {
		var want []string
		for i, lang := range locale.Languages {
			src, _ := c.Source(lang, id)
			got, err := parseWording(src)
			if err != nil {
				problems = append(problems, lang+" "+id+": "+err.Error())
				continue
			}
			slices.Sort(got)
			if i == 0 {
				want = got
			} else if !slices.Equal(got, want) {
				problems = append(problems, id+": "+locale.Languages[0]+" uses "+strings.Join(want, ",")+", "+lang+" uses "+strings.Join(got, ","))
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// The shipped wording obeys the rules overrides obey, so that an admin can start from it.
func TestDefaultsAreValidOverrides(t *testing.T) {
	for _, k := range Kinds {
		for _, id := range Messages(k) {
			for _, lang := range locale.Languages {
				w, ok := Default(lang, id)
				if !ok {
					t.Fatalf("%s: no default for %s in %s", k, id, lang)
				}
				if err := CheckOverride(k, lang, id, w); err != nil {
					t.Errorf("%s %s %s: %v", k, lang, id, err)
				}
			}
		}
	}
}

// Every message of the files is used by some letter (or is vocabulary): no dead wording.
func TestEveryMessageIsUsed(t *testing.T) {
	for _, id := range catalog.IDs(locale.Fallback) {
		if !isVocabulary(id) && len(UsedBy(id)) == 0 {
			t.Errorf("message %s is used by no letter", id)
		}
	}
}

var placeholder = regexp.MustCompile(`\[[a-z_]+\.[a-zA-Z_0-9]+\]`)

func TestEveryLetterInEveryLanguage(t *testing.T) {
	for _, k := range Kinds {
		for _, lang := range locale.Languages {
			d := Sample(k, lang)
			r, err := Render(k, d)
			if err != nil {
				t.Fatalf("%s %s: %v", k, lang, err)
			}
			if r.Language != lang {
				t.Errorf("%s %s: written in %s", k, lang, r.Language)
			}
			for name, part := range map[string]string{"subject": r.Subject, "text": r.Text, "html": r.HTML} {
				if strings.Contains(part, "<no value>") || strings.Contains(part, "{{") || placeholder.MatchString(part) {
					t.Errorf("%s %s %s: an unfilled message or variable:\n%s", k, lang, name, part)
				}
				if k != Invite && k != PasswordReset && !strings.Contains(part, d.Reference) {
					t.Errorf("%s %s %s lacks the reference", k, lang, name)
				}
			}
			if r.Subject == "" || strings.ContainsAny(r.Subject, "\r\n") {
				t.Errorf("%s %s: subject %q", k, lang, r.Subject)
			}
			if err := accessible(r.HTML, lang); err != nil {
				t.Errorf("%s %s: %v", k, lang, err)
			}
			if k.ToStaff() {
				if !strings.Contains(r.Text, d.Link) || !strings.Contains(r.HTML, `href="`+d.Link+`"`) {
					t.Errorf("%s %s: no link", k, lang)
				}
				continue
			}
			wants := []string{"ESOMUS", "BE0723595056", "4460 Horion-Hozémont"}
			// No status page before the address is proved, nor for a consent withdrawal (no case).
			if k != Verification && k != Expired && k != ConsentWithdrawn {
				wants = append(wants, d.StatusURL)
			}
			for _, want := range wants {
				if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, want) {
					t.Errorf("%s %s: the letter lacks %q", k, lang, want)
				}
			}
		}
	}
}

// accessible checks what can be checked mechanically of an HTML letter read with images off or
// with a screen reader.
func accessible(page, lang string) error {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return err
	}
	var problems []string
	var title string
	lastHeading := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				if attr(n, "lang") != lang {
					problems = append(problems, "html lang is "+attr(n, "lang"))
				}
			case "title":
				title = strings.TrimSpace(text(n))
			case "img": // only the controller's logo: a link to the portal, with the name as its text
				if attr(n, "alt") == "" || !strings.HasPrefix(attr(n, "src"), "https://") {
					problems = append(problems, "an image without alt text or an absolute https address")
				}
			case "script", "style", "link", "iframe":
				problems = append(problems, "<"+n.Data+"> in a letter")
			case "th":
				if attr(n, "scope") == "" {
					problems = append(problems, "<th> without scope")
				}
			case "a":
				if strings.TrimSpace(text(n)) == "" || attr(n, "href") == "" {
					problems = append(problems, "a link without text or target")
				}
			case "h1", "h2", "h3", "h4":
				level := int(n.Data[1] - '0')
				if level > lastHeading+1 {
					problems = append(problems, "heading "+n.Data+" skips a level")
				}
				lastHeading = level
			case "table":
				if attr(n, "role") == "presentation" {
					problems = append(problems, "a facts table marked as layout")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if title == "" {
		problems = append(problems, "no <title>")
	}
	if lastHeading == 0 {
		problems = append(problems, "no heading")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}

// Answers, extensions and refusals carry the complaint guidance in the letter's language: the
// APD/GBA's page in that language (German included), the CNIL for
// a requester living in France, and the judicial remedy.
func TestComplaintGuidanceInTheLettersLanguage(t *testing.T) {
	be, _ := authority.Lookup("BE")
	fr, _ := authority.Lookup("FR")
	pages := map[string]string{
		"fr": "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte",
		"nl": "https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen",
		"en": "https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint",
		"de": "https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen",
	}
	remedy := map[string]string{"fr": "article 79 du RGPD", "nl": "artikel 79 AVG", "en": "Article 79 of the GDPR", "de": "Art. 79 DSGVO"}
	for _, k := range []Kind{Verification, Acknowledgement, InfoRequest, Extension, Completed, Refused, Withdrawn, Expired} {
		for _, lang := range locale.Languages {
			r, err := Render(k, Sample(k, lang))
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{pages[lang], "contact@apd-gba.be", be.LocalName(lang), fr.LocalName(lang), "CNIL", fr.ComplaintURL, remedy[lang]} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("%s %s text lacks %q", k, lang, want)
				}
				if !strings.Contains(visibleText(r.HTML), want) && !strings.Contains(r.HTML, `href="`+want+`"`) {
					t.Errorf("%s %s HTML lacks %q", k, lang, want)
				}
			}
		}
	}
}

func TestDutchLetterToAResidentOfFrance(t *testing.T) {
	r, err := Render(Completed, Sample(Completed, "nl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Gegevensbeschermingsautoriteit (GBA) (België)", "https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen",
		"Drukpersstraat 35, 1000 Brussel", "Commission Nationale de l'Informatique et des Libertés (CNIL)", "(Frankrijk)",
		"https://www.cnil.fr/fr/plaintes", "Klachtenformulier: ", "artikel 79 AVG",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the Dutch answer lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "autoriteprotectiondonnees.be/citoyen") {
		t.Error("a Dutch letter points to the French complaint page")
	}
}

func TestDatesAndRightsInTheLettersLanguage(t *testing.T) {
	want := map[string][]string{
		"fr": {"31 janvier 2026", "2 mars 2026", "Accès, Effacement, Opposition", "14 février 2026 à 11:00 (heure belge)"},
		"nl": {"31 januari 2026", "2 maart 2026", "Inzage, Wissing, Bezwaar", "14 februari 2026 om 11:00 uur (Belgische tijd)"},
		"en": {"31 January 2026", "2 March 2026", "Access, Erasure, Objection", "14 February 2026 at 11:00 CET"},
		"de": {"31. Januar 2026", "2. März 2026", "Auskunft, Löschung, Widerspruch", "14. Februar 2026 um 11:00 Uhr (MEZ)"},
	}
	for lang, ws := range want {
		ack, _ := Render(Acknowledgement, Sample(Acknowledgement, lang))
		ver, _ := Render(Verification, Sample(Verification, lang))
		all := ack.Subject + ack.Text + ver.Text
		for _, w := range ws {
			if !strings.Contains(all, w) {
				t.Errorf("%s: lacks %q", lang, w)
			}
		}
	}
	d := Sample(Acknowledgement, "fr")
	d.DueOn = deadline.NewDate(2026, 3, 1)
	if r, _ := Render(Acknowledgement, d); !strings.Contains(r.Subject, "1er mars 2026") {
		t.Errorf("French first of the month: %q", r.Subject)
	}
	d.At = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC) // summer time in Brussels
	if r, _ := Render(Withdrawn, d); !strings.Contains(r.Text, "1er juillet 2026 à 10:00") {
		t.Errorf("instant not in Brussels time:\n%s", r.Text)
	}
}

func TestAnswerPerKind(t *testing.T) {
	r, err := Render(Completed, Sample(Completed, "en"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Access (Art. 15):", "  - Website analytics: 14 visits", "A copy of your data is in the files",
		"Erasure (Art. 17): complied with\nWhat was erased, per system:\n  - CRM: deleted\n  - Newsletter: deleted",
		"Portability (Art. 20):", "machine-readable files",
		"Your consent was withdrawn on 20 February 2026 at 14:05 CET.",
		"  - esomus-access-DSR-2026-000042.json (24 KB)", "until 22 March 2026 at 14:05 CET",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the answer lacks %q:\n%s", want, r.Text)
		}
	}
	if !strings.Contains(r.HTML, "<li>CRM: deleted</li>") {
		t.Error("outcome lines are not a list in the HTML part")
	}
	d := Sample(Completed, "en")
	d.At = time.Time{}
	if r, _ := Render(Completed, d); !strings.Contains(r.Text, "Your consent has been withdrawn.") {
		t.Error("an answer without the time of the withdrawal")
	}
}

func TestRefusalNamesTheGroundAndArticle12_5WhenItApplies(t *testing.T) {
	for _, tt := range []struct {
		ground, words string
		art12_5       bool
		want          string
	}{
		{"manifestly_excessive", "", true, "Motif\u00a0: La demande est manifestement excessive"},
		{"manifestly_unfounded", "", true, "manifestement infondée (art. 12, § 5, RGPD)"},
		{"", dsr.GroundUnfounded.Label(), true, "manifestement infondée"}, // the English label callers pass today
		{"", "manifestly_excessive", true, "manifestement excessive"},
		{"identity_not_confirmed", "", false, "Votre identité n’a pas pu être confirmée"},
		{"other", "", false, "Un autre motif, expliqué ci-dessous"},
		{"", "Une raison écrite à la main", false, "Motif\u00a0: Une raison écrite à la main"},
	} {
		d := Sample(Refused, "fr")
		d.Ground, d.RefusalGround = dsr.RefusalGround(tt.ground), tt.words
		r, err := Render(Refused, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, tt.want) {
			t.Errorf("%s/%s: lacks %q:\n%s", tt.ground, tt.words, tt.want, r.Text)
		}
		has := strings.Contains(r.Text, "frais raisonnables") && strings.Contains(r.Text, "Il incombe au responsable du traitement de démontrer")
		if has != tt.art12_5 {
			t.Errorf("%s/%s: Art. 12(5) notice shown = %v", tt.ground, tt.words, has)
		}
		if !strings.Contains(r.Text, "article 12, paragraphe 4, du RGPD") {
			t.Error("the refusal does not cite Art. 12(4)")
		}
	}
}

func TestStaffLetters(t *testing.T) {
	r, _ := Render(Reminder, Sample(Reminder, "en"))
	if !strings.Contains(r.Text, "due in 3 working days, on 2 March 2026") {
		t.Errorf("reminder:\n%s", r.Text)
	}
	d := Sample(Reminder, "en")
	d.DaysLeft, d.ExtendedDueOn = 1, deadline.NewDate(2026, 4, 30)
	if r, _ := Render(Reminder, d); !strings.Contains(r.Text, "due in 1 working day, on 30 April 2026") ||
		!strings.Contains(r.Text, "30 April 2026 (extended from 2 March 2026)") {
		t.Errorf("reminder of an extended case:\n%s", r.Text)
	}
	d = Sample(Escalation, "nl")
	d.AssigneeName = ""
	if r, _ := Render(Escalation, d); !strings.Contains(r.Text, "Toegewezen aan: niemand (niet toegewezen)") || !strings.Contains(r.Subject, "Te laat") {
		t.Errorf("escalation of an unassigned case:\n%s", r.Text)
	}
	r, _ = Render(DeliveryFailed, Sample(DeliveryFailed, "de"))
	for _, want := range []string{"„Your request DSR-2026-000042 is answered“", "chloe.martin@example.fr", "550 5.1.1", "Fall DSR-2026-000042 in Rightsdesk öffnen"} {
		if !strings.Contains(r.Text+visibleText(r.HTML), want) {
			t.Errorf("delivery_failed lacks %q", want)
		}
	}
}

func TestHTMLEscapesFreeText(t *testing.T) {
	d := Sample(Extension, "en")
	d.RequesterName = `<script>alert("x")</script>`
	d.Reason = "Spread over <three> systems & two archives.\nSecond line."
	r, err := Render(Extension, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;") ||
		!strings.Contains(r.HTML, "Spread over &lt;three&gt; systems &amp; two archives.") {
		t.Error("free text is not escaped in the HTML part")
	}
	if !strings.Contains(r.Text, "Spread over <three> systems & two archives.\nSecond line.") {
		t.Error("the text part does not show the reasons as written")
	}
}

func TestUnknownLanguageIsEnglishAndUnknownKindAnError(t *testing.T) {
	d := Sample(Acknowledgement, "en")
	d.Language = "es"
	r, err := Render(Acknowledgement, d)
	if err != nil || r.Language != "en" || !strings.Contains(r.HTML, `<html lang="en">`) {
		t.Errorf("Spanish letter: %v %s", err, r.Language)
	}
	if _, err := Render("nope", d); err == nil {
		t.Error("an unknown letter rendered")
	}
}

// TestLogoInTheHTMLLetter: a controller's logo is a link to the portal named by the controller's
// name; the text part and a controller without a logo are unchanged.
func TestLogoInTheHTMLLetter(t *testing.T) {
	for _, k := range []Kind{Acknowledgement, Completed, ConsentWithdrawn} {
		for _, lang := range locale.Languages {
			d := Sample(k, lang)
			plain, err := Render(k, d)
			if err != nil {
				t.Fatal(err)
			}
			d.Controller.LogoURL = "https://privacy.esomus.com/brand/esomus/logo?v=0123456789abcdef"
			r, err := Render(k, d)
			if err != nil {
				t.Fatal(err)
			}
			img := `<img src="https://privacy.esomus.com/brand/esomus/logo?v=0123456789abcdef" alt="ESOMUS"`
			if !strings.Contains(r.HTML, img) || strings.Contains(plain.HTML, "<img") {
				t.Errorf("%s %s: logo in the HTML part:\n%s", k, lang, r.HTML)
			}
			if err := accessible(r.HTML, lang); err != nil {
				t.Errorf("%s %s: %v", k, lang, err)
			}
			if r.Text != plain.Text || !strings.Contains(visibleText(r.HTML), "ESOMUS") {
				t.Errorf("%s %s: the text part changed, or the name is not text", k, lang)
			}
		}
	}
	d := Sample(Acknowledgement, "en")
	d.Controller.Name, d.Controller.LogoURL = `Acme "<b>"`, `https://x.example/brand/acme/logo?v=1"><script>`
	r, _ := Render(Acknowledgement, d)
	if strings.Contains(r.HTML, "<script>") || strings.Contains(r.HTML, `alt="Acme "<b>"`) {
		t.Errorf("the logo's address or alt text is not escaped:\n%s", r.HTML)
	}
}

// Golden files: subject and text part of every letter in every language, for review. Run
// go test ./letters -update after changing wording, and read the diff.
func TestGolden(t *testing.T) {
	for _, k := range Kinds {
		for _, lang := range locale.Languages {
			r, err := Render(k, Sample(k, lang))
			if err != nil {
				t.Fatal(err)
			}
			got := "Subject: " + r.Subject + "\n\n" + r.Text
			path := filepath.Join("testdata", "golden", string(k)+"."+lang+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./letters -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file; if the change is intended, run go test ./letters -update\n--- got ---\n%s", path, got)
			}
		}
	}
}

var tag = regexp.MustCompile(`<[^>]*>`)

// visibleText is what a reader of the HTML part sees, roughly: no tags, entities decoded.
func visibleText(h string) string { return html.UnescapeString(tag.ReplaceAllString(h, "")) }

// TestReferencesAndReceiptsAreNeverBroken: in the HTML part, a reference (DSR-2026-000123) or a
// receipt (CW-7KD2-M4QX) is one unbreakable run, since people read it aloud and copy it; and a site
// that bears its controller's name is not named twice ("ESOMUS (ESOMUS)").
func TestReferencesAndReceiptsAreNeverBroken(t *testing.T) {
	for _, k := range []Kind{Verification, Acknowledgement, ConsentWithdrawn} {
		d := Sample(k, "en")
		r, err := Render(k, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.HTML, `white-space: nowrap;">`+d.Reference+"<") {
			t.Errorf("%s: the reference %s may break across lines in the HTML part", k, d.Reference)
		}
	}
	d := Sample(Verification, "en")
	d.Controller.Name, d.SiteName = "ESOMUS", "esomus"
	r, err := Render(Verification, d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "privacy portal of ESOMUS.") || strings.Contains(r.Text, "(esomus)") {
		t.Errorf("a site named as its controller is named twice:\n%s", r.Text)
	}
	d.SiteName = "itsme"
	if r, _ := Render(Verification, d); !strings.Contains(r.Text, "privacy portal of ESOMUS (itsme).") {
		t.Errorf("the site is not named:\n%s", r.Text)
	}
}
