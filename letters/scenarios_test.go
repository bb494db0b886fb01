package letters

import (
	"os"
	"path/filepath"
	"rightsdesk/access"
	"strings"
	"testing"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/locale"
)

// scenarioTexts is what staff would type for the scenarios, in the requester's language.
var scenarioTexts = map[string]struct{ access, erasureKept, portability, identity, pixel, how, erased, notTold, identityQuestion string }{
	"en": {
		access:           "Website analytics: 14 visits from your device, kept 13 months, used to measure traffic",
		erasureKept:      "Your invoices of 2024 and 2025 are kept until 2032: Belgian accounting law requires it (Art. 17(3)(b) GDPR).",
		portability:      "Newsletter: your subscription data, in JSON",
		identity:         "None of the identifiers you gave appears in our records, and the cookie value you quoted was not set by our site.",
		pixel:            "Social network pixels (names not published)",
		how:              "You can withdraw your consent by ending your subscription, as explained on your “My account” page.",
		erased:           "CRM: your contact record deleted\nNewsletter: your address deleted\nWebsite analytics: the visits linked to your device deleted",
		notTold:          "The company was dissolved in December 2025; there is no one left to inform.",
		identityQuestion: "The address you gave is not the one of the ESOMUS account the cookie belongs to. Please tell us the e-mail address you use to log in to your ESOMUS account.",
	},
	"fr": {
		access:           "Statistiques du site : 14 visites depuis votre appareil, conservées 13 mois, pour mesurer l'audience",
		erasureKept:      "Vos factures de 2024 et 2025 sont conservées jusqu'en 2032 : le droit comptable belge l'impose (art. 17, § 3, b), RGPD).",
		portability:      "Lettre d'information : vos données d'abonnement, en JSON",
		identity:         "Aucun des identifiants que vous avez donnés ne figure dans nos systèmes, et la valeur de cookie citée n'a pas été déposée par notre site.",
		pixel:            "Pixels des réseaux sociaux (noms non publiés)",
		how:              "Si vous souhaitez retirer votre accord, vous pouvez le faire en résiliant votre souscription, conformément aux instructions qui figurent sur votre page « Mon compte ».",
		erased:           "CRM : votre fiche de contact supprimée\nLettre d'information : votre adresse supprimée\nStatistiques du site : les visites liées à votre appareil supprimées",
		notTold:          "La société a été dissoute en décembre 2025 ; il n'y a plus personne à informer.",
		identityQuestion: "L’adresse que vous avez donnée n’est pas celle du compte ESOMUS auquel le cookie se rapporte. Merci de nous indiquer l’adresse e-mail avec laquelle vous vous connectez à votre compte ESOMUS.",
	},
	"nl": {
		access:           "Websitestatistieken: 14 bezoeken vanaf uw toestel, 13 maanden bewaard, om het verkeer te meten",
		erasureKept:      "Uw facturen van 2024 en 2025 worden tot 2032 bewaard: het Belgische boekhoudrecht verplicht ons daartoe (art. 17, lid 3, b), AVG).",
		portability:      "Nieuwsbrief: uw abonnementsgegevens, in JSON",
		identity:         "Geen van de identificatoren die u opgaf, komt in onze systemen voor, en de vermelde cookiewaarde werd niet door onze site geplaatst.",
		pixel:            "Pixels van sociale netwerken (namen niet bekendgemaakt)",
		how:              "U kunt uw toestemming intrekken door uw abonnement op te zeggen, zoals uitgelegd op uw pagina „Mijn account”.",
		erased:           "CRM: uw contactfiche gewist\nNieuwsbrief: uw adres gewist\nWebsitestatistieken: de bezoeken gekoppeld aan uw toestel gewist",
		notTold:          "De vennootschap werd in december 2025 ontbonden; er is niemand meer om in kennis te stellen.",
		identityQuestion: "Het adres dat u opgaf, is niet dat van de ESOMUS-account waartoe de cookie behoort. Gelieve ons het e-mailadres te geven waarmee u zich aanmeldt op uw ESOMUS-account.",
	},
	"de": {
		access:           "Website-Statistik: 14 Besuche von Ihrem Gerät, 13 Monate gespeichert, zur Reichweitenmessung",
		erasureKept:      "Ihre Rechnungen von 2024 und 2025 werden bis 2032 aufbewahrt: Das belgische Buchhaltungsrecht schreibt es vor (Art. 17 Abs. 3 lit. b DSGVO).",
		portability:      "Newsletter: Ihre Abonnementdaten, als JSON",
		identity:         "Keine der von Ihnen angegebenen Kennungen ist in unseren Systemen verzeichnet, und der genannte Cookie-Wert wurde nicht von unserer Website gesetzt.",
		pixel:            "Pixel sozialer Netzwerke (Namen nicht veröffentlicht)",
		how:              "Sie können Ihre Einwilligung widerrufen, indem Sie Ihr Abonnement kündigen, wie auf Ihrer Seite „Mein Konto“ beschrieben.",
		erased:           "CRM: Ihr Kontaktdatensatz gelöscht\nNewsletter: Ihre Adresse gelöscht\nWebsite-Statistik: die mit Ihrem Gerät verknüpften Besuche gelöscht",
		notTold:          "Das Unternehmen wurde im Dezember 2025 aufgelöst; es gibt niemanden mehr, der unterrichtet werden könnte.",
		identityQuestion: "Die von Ihnen angegebene Adresse ist nicht die des ESOMUS-Kontos, zu dem der Cookie gehört. Bitte nennen Sie uns die E-Mail-Adresse, mit der Sie sich bei Ihrem ESOMUS-Konto anmelden.",
	},
}

// scenarios are the answers a legal review asked to read in every language (issue 14).
var scenarios = []struct {
	name string
	kind Kind
	data func(lang string) Data
}{
	{"partial_answer", Completed, func(lang string) Data {
		// Access complied with; erasure refused under Art. 17(3): each right has its own outcome.
		t := scenarioTexts[lang]
		d := Sample(Completed, lang)
		d.Kinds = []dsr.Kind{dsr.KindAccess, dsr.KindErasure}
		d.Outcomes = []Outcome{
			{Kind: dsr.KindAccess, Result: dsr.ResultFull, Outcome: t.access},
			{Kind: dsr.KindErasure, Result: dsr.ResultRefused, Ground: dsr.GroundArt17_3, Reasons: t.erasureKept},
		}
		d.Files = d.Files[:1]
		return d
	}},
	{"access_every_item", Completed, func(lang string) Data {
		// Access complied with: the copy of the data and every item of Art. 15(1) and (2), as the
		// form drafts them from ESOMUS's catalogue, with a transfer to the United States.
		d := Sample(Completed, lang)
		d.Kinds = []dsr.Kind{dsr.KindAccess}
		d.Outcomes = []Outcome{{Kind: dsr.KindAccess, Result: dsr.ResultFull, Outcome: scenarioTexts[lang].access}}
		d.Files = d.Files[:1]
		items, errs := access.Check(access.Prefill(scenarioAccess(lang)))
		if errs != nil {
			panic(errs)
		}
		d.Access = items
		return d
	}},
	{"portability_answer", Completed, func(lang string) Data {
		// Portability alone, answered with a JSON file.
		d := Sample(Completed, lang)
		d.Kinds = []dsr.Kind{dsr.KindPortability}
		d.Outcomes = []Outcome{{Kind: dsr.KindPortability, Result: dsr.ResultFull, Outcome: scenarioTexts[lang].portability}}
		d.Files = []File{{Name: "esomus-portability-DSR-2026-000042.json", Size: "3 KB", For: dsr.KindPortability}}
		return d
	}},
	{"erasure_recipients", Completed, func(lang string) Data {
		// Erasure complied with; the requester asked who the recipients are (Art. 19): two were
		// told, one could not be.
		t := scenarioTexts[lang]
		d := Sample(Completed, lang)
		d.Kinds = []dsr.Kind{dsr.KindErasure}
		d.Outcomes = []Outcome{{Kind: dsr.KindErasure, Result: dsr.ResultFull, Outcome: t.erased}}
		d.Files = nil
		d.RecipientsWanted = true
		d.Recipients = []Recipient{
			{Name: "Google", ToldOn: deadline.NewDate(2026, 2, 18)},
			{Name: "Pixel Partners SRL", NotTold: dsr.NotToldImpossible, Reason: t.notTold},
			{Name: "Zendesk", ToldOn: deadline.NewDate(2026, 2, 19)},
		}
		return d
	}},
	{"restriction_lifting", RestrictionLifting, func(lang string) Data {
		// The restriction obtained while the accuracy of the data was checked is lifted (Art. 18(3)).
		return Sample(RestrictionLifting, lang)
	}},
	{"identity_refusal", Refused, func(lang string) Data {
		d := Sample(Refused, lang)
		d.Ground, d.RefusalGround, d.Reason = dsr.GroundIdentity, dsr.GroundIdentity.Label(), scenarioTexts[lang].identity
		return d
	}},
	{"withdrawal_nothing_removed_no_webhook", ConsentWithdrawn, func(lang string) Data {
		// The portal runs outside the site's domain, the site has no webhook and no cookie banner:
		// the receipt says how to remove the cookies, lists the providers' opt-out pages, and
		// says the privacy team was informed, never that anything was removed or the site told.
		d := Sample(ConsentWithdrawn, lang)
		d.Categories = []string{"analytics", "marketing"}
		d.Cleared, d.Webhook, d.Banner = nil, "", false
		d.Remaining = []string{"STCK_ID", "UID", "U2"}
		d.OptOuts = []OptOut{
			{Provider: "Google", URL: "https://tools.google.com/dlpage/gaoptout", Cookies: []string{"_ga", "_ga_*"}},
			{Provider: "Meta", URL: "https://www.facebook.com/settings/?tab=ads", Cookies: []string{scenarioTexts[lang].pixel}},
		}
		return d
	}},
	{"withdrawal_removed_webhook_delivered", ConsentWithdrawn, func(lang string) Data {
		// The portal runs on the site's domain and expired its cookies; the site's webhook
		// acknowledged the call; the site has a banner, and its controller states its own way.
		d := Sample(ConsentWithdrawn, lang)
		d.Webhook, d.Banner, d.OptOuts = "delivered", true, nil
		d.WithdrawalHow = scenarioTexts[lang].how
		return d
	}},
	{"info_request_reply_by", InfoRequest, func(lang string) Data {
		// A question with the date to answer by, and what happens without an answer.
		d := Sample(InfoRequest, lang)
		d.ReplyBy = deadline.NewDate(2026, 2, 20)
		return d
	}},
	{"info_request_clock_paused", InfoRequest, func(lang string) Data {
		// An identity question (Art. 12(6)) of a controller that pauses the clock for it.
		d := Sample(InfoRequest, lang)
		d.Message, d.ReplyBy, d.PausedOn = scenarioTexts[lang].identityQuestion, deadline.NewDate(2026, 2, 20), deadline.NewDate(2026, 2, 6)
		return d
	}},
	{"reminder_identity_pause", Reminder, func(lang string) Data {
		// A reminder to staff of a controller that pauses the clock for identity questions.
		d := Sample(Reminder, lang)
		d.IdentityPause = true
		return d
	}},
}

// scenario is the scenario of that name.
func scenario(name string) struct {
	name string
	kind Kind
	data func(lang string) Data
} {
	for _, sc := range scenarios {
		if sc.name == name {
			return sc
		}
	}
	panic("no scenario " + name)
}

// scenarioAccess is ESOMUS's catalogue, in short, as the access draft reads it.
func scenarioAccess(lang string) access.Facts {
	lifetime := map[string][3]string{
		"en": {"Session", "13\u00a0months", "3\u00a0months"}, "fr": {"Session", "13\u00a0mois", "3\u00a0mois"},
		"nl": {"Sessie", "13\u00a0maanden", "3\u00a0maanden"}, "de": {"Sitzung", "13\u00a0Monate", "3\u00a0Monate"},
	}[lang]
	purpose := map[string][3]string{
		"en": {"Keeps you logged in.", "Measures the audience of the site.", "Shows you ESOMUS advertising on social networks."},
		"fr": {"Vous garde connecté.", "Mesure l’audience du site.", "Vous montre les publicités d’ESOMUS sur les réseaux sociaux."},
		"nl": {"Houdt u aangemeld.", "Meet het bezoek aan de site.", "Toont u advertenties van ESOMUS op sociale netwerken."},
		"de": {"Hält Sie angemeldet.", "Misst die Reichweite der Website.", "Zeigt Ihnen Werbung von ESOMUS in sozialen Netzwerken."},
	}[lang]
	return access.Facts{
		Lang: lang, Site: "ESOMUS", LeadAuthority: "BE", Residence: "FR",
		Cookies: []access.Cookie{
			{Name: "PHPSESSID", Provider: "ESOMUS", Category: "necessary", Purpose: purpose[0], Lifetime: lifetime[0]},
			{Name: "_ga", Provider: "Google", Third: true, Category: "analytics", Purpose: purpose[1], Lifetime: lifetime[1]},
			{Name: "_fbp", Provider: "Meta", Third: true, Category: "marketing", Purpose: purpose[2], Lifetime: lifetime[2]},
		},
		Providers: []access.Provider{
			{Name: "Google", Country: "US", Safeguard: access.SafeguardDPF},
			{Name: "Meta", Country: "IE"},
		},
	}
}

// TestGoldenScenarios: the letters of the scenarios above, in every language, for review. Run
// go test ./letters -update after changing wording, and read the diff.
func TestGoldenScenarios(t *testing.T) {
	for _, sc := range scenarios {
		for _, lang := range locale.Languages {
			r, err := Render(sc.kind, sc.data(lang))
			if err != nil {
				t.Fatal(err)
			}
			if err := accessible(r.HTML, lang); err != nil {
				t.Errorf("%s %s: %v", sc.name, lang, err)
			}
			checkGolden(t, filepath.Join("testdata", "golden", "scenarios", sc.name+"."+lang+".txt"), "Subject: "+r.Subject+"\n\n"+r.Text)
		}
	}
}

// checkGolden compares got with the golden file at path, or rewrites it with -update.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./letters -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./letters -update\n--- got ---\n%s", path, got)
	}
}

// TestPerRightOutcomes: a refusal of one right never reads as a refusal of the others, every
// right refused carries its ground and reasons, and the Art. 12(4) paragraph comes only with one.
func TestPerRightOutcomes(t *testing.T) {
	d := scenario("partial_answer").data("en")
	r, err := Render(Completed, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Access (Art. 15): complied with\n",
		"Erasure (Art. 17): refused\nThis right is not complied with, for the reasons below:\n  Ground: An exception of Article 17(3) applies to the erasure\n" + scenarioTexts["en"].erasureKept,
		"Article 12(4) of the GDPR requires us to give you the reasons",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the partial answer lacks %q:\n%s", want, r.Text)
		}
	}
	full, _ := Render(Completed, Sample(Completed, "en"))
	if strings.Contains(full.Text, "Article 12(4)") || strings.Contains(full.Text, "Ground:") {
		t.Errorf("an answer complying with every right speaks of a refusal:\n%s", full.Text)
	}
	id, _ := Render(Refused, scenario("identity_refusal").data("en"))
	if !strings.Contains(id.Text, "Articles 11(2) and 12(2)") {
		t.Errorf("an identity refusal without the Art. 11(2) sentence:\n%s", id.Text)
	}
	other, _ := Render(Refused, Sample(Refused, "en"))
	if strings.Contains(other.Text, "Articles 11(2)") {
		t.Errorf("the Art. 11(2) sentence in a refusal on another ground:\n%s", other.Text)
	}
}

// TestRecipientsInTheAnswer (Art. 19): the answer names the recipients told when the requester
// asked, says there was none when the site has no third party, offers to name them otherwise,
// and says nothing of recipients when no rectification, erasure or restriction was carried out.
func TestRecipientsInTheAnswer(t *testing.T) {
	asked := scenario("erasure_recipients").data("en")
	render := func(d Data) string {
		t.Helper()
		r, err := Render(Completed, d)
		if err != nil {
			t.Fatal(err)
		}
		return r.Text + r.HTML
	}
	got := render(asked)
	for _, want := range []string{"Google: informed on 18 February 2026", "Pixel Partners SRL: not informed, as this proved impossible:",
		scenarioTexts["en"].notTold, "Recipients of your data (Article 19 of the GDPR)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the answer naming the recipients lacks %q", want)
		}
	}
	none := asked
	none.Recipients = nil
	if got := render(none); !strings.Contains(got, "names no third party") || strings.Contains(got, "informed on") {
		t.Errorf("asked, without recipients:\n%s", got)
	}
	offer := asked
	offer.RecipientsWanted = false
	if got := render(offer); !strings.Contains(got, "If you wish to know who these recipients are") || strings.Contains(got, "Google") {
		t.Errorf("not asked: the letter should offer to name the recipients, not name them:\n%s", got)
	}
	refused := asked
	refused.Outcomes = []Outcome{{Kind: dsr.KindErasure, Result: dsr.ResultRefused, Ground: dsr.GroundArt17_3, Reasons: "x"}}
	if got := render(refused); strings.Contains(got, "Article 19") || strings.Contains(got, "Google") {
		t.Errorf("an erasure refused speaks of recipients told:\n%s", got)
	}
}
