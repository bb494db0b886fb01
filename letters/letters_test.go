package letters

import (
	"strings"
	"testing"
	"time"

	"rightsdesk/authority"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

func sample() Data {
	be, _ := authority.Lookup("BE")
	de, _ := authority.Lookup("DE")
	return Data{
		Reference: "DSR-2026-000042", RequesterName: "Chloé", Language: "fr",
		Controller: Party{Name: "ESOMUS", Address: "Rue de l'Arbre à la Croix 293\n4460 Horion-Hozémont\nBelgique",
			CompanyNumber: "BE0723595056", Email: "info@esomus.com", Phone: "04 / 265 61 92"},
		SiteName: "ESOMUS", SiteDomain: "esomus.com",
		Kinds:      []dsr.Kind{dsr.KindAccess, dsr.KindObjection},
		ReceivedOn: deadline.NewDate(2026, 1, 31), DueOn: deadline.NewDate(2026, 3, 2),
		VerifyURL: "https://portal.example/requests/verify/TOKEN", VerifyBy: time.Date(2026, 2, 14, 10, 0, 0, 0, time.UTC),
		StatusURL:     "https://portal.example/r/STATUS",
		Authorities:   []authority.Authority{be, de},
		At:            time.Date(2026, 2, 3, 9, 30, 0, 0, time.UTC),
		ExtendedDueOn: deadline.NewDate(2026, 4, 30),
		Reason:        "Your data is spread over <three> systems & two archives.",
	}
}

func TestEveryLetterRenders(t *testing.T) {
	for _, k := range Kinds {
		d := sample()
		d.StaffName, d.Role, d.Link, d.LinkExpires = "Sam Staff", "staff", "https://portal.example/staff/x", d.VerifyBy
		r, err := Render(k, d)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		for _, part := range []string{r.Subject, r.Text, r.HTML} {
			if strings.Contains(part, "<no value>") {
				t.Errorf("%s: a part shows <no value>", k)
			}
		}
		if strings.ContainsAny(r.Subject, "\r\n") || r.Subject == "" {
			t.Errorf("%s: the subject %q is empty or spans lines", k, r.Subject)
		}
		if strings.Contains(r.HTML, "<img") || strings.Contains(r.HTML, "<script") || !strings.Contains(r.HTML, "<html lang=") {
			t.Errorf("%s: HTML part must declare its language and hold no images or scripts", k)
		}
		if k == Invite || k == PasswordReset {
			if !strings.Contains(r.Text, d.Link) || !strings.Contains(r.Text, "Sam Staff") {
				t.Errorf("%s: the letter does not greet the member of staff or give the link", k)
			}
			continue
		}
		for _, part := range []string{r.Subject, r.Text, r.HTML} {
			if !strings.Contains(part, "DSR-2026-000042") {
				t.Errorf("%s: a part lacks the reference:\n%s", k, part)
			}
		}
		if k.ToStaff() {
			if !strings.Contains(r.Text, d.Link) || !strings.Contains(r.HTML, `<html lang="en">`) {
				t.Errorf("%s: a staff letter must link the case and be in English", k)
			}
			continue
		}
		for _, want := range []string{"ESOMUS", "BE0723595056", "4460 Horion-Hozémont"} {
			if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, want) {
				t.Errorf("%s: the letter does not name the controller (%s)", k, want)
			}
		}
		if !strings.Contains(r.HTML, `<html lang="fr">`) {
			t.Errorf("%s: the HTML part is not in the requester's language", k)
		}
	}
}

// Every answer, extension and refusal carries the complaint guidance and the judicial remedy.
func TestAnswersCarryTheComplaintGuidance(t *testing.T) {
	d := sample()
	d.Outcomes = []Outcome{{dsr.KindAccess, "Export attached."}, {dsr.KindObjection, "Marketing stopped on 3 February."}}
	d.Files = []File{{Name: "export.json", Size: "2 KB"}}
	d.FilesUntil = d.VerifyBy
	d.RefusalGround, d.Reason = "The request is manifestly excessive", "Fifth identical request."
	for _, k := range []Kind{Completed, Refused, Extension} {
		r, err := Render(k, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"contact@apd-gba.be", "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte",
			"poststelle@bfdi.bund.de", "judicial remedy", "https://portal.example/r/STATUS"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("%s lacks %q", k, want)
			}
		}
	}
	r, _ := Render(Completed, d)
	for _, want := range []string{"Access (Art. 15):", "Export attached.", "Objection (Art. 21):", "export.json (2 KB)"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the answer lacks %q:\n%s", want, r.Text)
		}
	}
	r, _ = Render(Refused, d)
	if !strings.Contains(r.Text, "Ground: The request is manifestly excessive") || !strings.Contains(r.Text, "Fifth identical request.") {
		t.Errorf("the refusal lacks its ground or reasons:\n%s", r.Text)
	}
}

func TestVerificationCarriesTheLinkAndItsLimit(t *testing.T) {
	r, _ := Render(Verification, sample())
	if !strings.Contains(r.Text, "https://portal.example/requests/verify/TOKEN") || !strings.Contains(r.HTML, `href="https://portal.example/requests/verify/TOKEN"`) {
		t.Error("the verification link is missing")
	}
	if !strings.Contains(r.Text, "14 February 2026") {
		t.Errorf("the link's limit is missing:\n%s", r.Text)
	}
}

func TestAcknowledgementCarriesDatesAndComplaintGuidance(t *testing.T) {
	r, _ := Render(Acknowledgement, sample())
	for _, want := range []string{
		"31 January 2026", "2 March 2026", "Access, Objection", "https://portal.example/r/STATUS",
		"Autorité de protection des données", "contact@apd-gba.be", "Rue de la Presse 35",
		"https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte", // French page for a French letter
		"Die Bundesbeauftragte für den Datenschutz", "poststelle@bfdi.bund.de",
		"judicial remedy",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("acknowledgement text lacks %q", want)
		}
		if !strings.Contains(r.HTML, htmlEscaped(want)) {
			t.Errorf("acknowledgement HTML lacks %q", want)
		}
	}
	d := sample()
	d.Language = "nl"
	r, _ = Render(Acknowledgement, d)
	if !strings.Contains(r.Text, "https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen") {
		t.Error("a Dutch letter does not point to the Dutch complaint page")
	}
}

func TestExtensionGivesReasonsDatesAndGuidance(t *testing.T) {
	r, err := Render(Extension, sample())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 March 2026", "30 April 2026", "Your data is spread over <three> systems & two archives.",
		"Article 12(3)", "contact@apd-gba.be", "judicial remedy"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("extension text lacks %q", want)
		}
	}
	if !strings.Contains(r.HTML, "spread over &lt;three&gt; systems &amp; two archives") {
		t.Error("the reasons are not escaped in the HTML part")
	}
	if !strings.Contains(r.Subject, "30 April 2026") {
		t.Errorf("subject %q lacks the new date", r.Subject)
	}
}

func TestHTMLEscapesRequesterInput(t *testing.T) {
	d := sample()
	d.RequesterName = `<script>alert("x")</script>`
	r, err := Render(Acknowledgement, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Error("the requester's name is not escaped in the HTML part")
	}
}

func htmlEscaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;").Replace(s)
}
