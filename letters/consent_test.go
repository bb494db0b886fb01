package letters

import (
	"slices"
	"strings"
	"testing"

	"rightsdesk/authority"
	"rightsdesk/locale"
)

// The confirmation of a consent withdrawal carries, in each language, what the visitor needs as a
// record (Art. 7(3)): the receipt, the site, the categories by name, what was done at once, where
// to stop other providers' cookies, that earlier processing stays lawful, and where to complain.
func TestConsentWithdrawnLetterInEveryLanguage(t *testing.T) {
	be, _ := authority.Lookup("BE")
	want := map[string][]string{
		"fr": {"Statistiques", "20 février 2026 à 14:05 (heure belge)", "article 7, paragraphe 3, du RGPD",
			"aucune indiquée\u00a0; consultez la politique de confidentialité du fournisseur", "bandeau cookies",
			"https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte", "article 79 du RGPD"},
		"nl": {"Statistieken", "20 februari 2026 om 14:05 uur (Belgische tijd)", "artikel 7, lid 3, AVG",
			"geen vermeld; zie het privacybeleid van de aanbieder", "cookiebanner",
			"https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen", "artikel 79 AVG"},
		"en": {"Analytics", "20 February 2026 at 14:05 CET", "Article 7(3) of the GDPR",
			"none listed; see the provider's privacy policy", "cookie banner",
			"https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint", "Article 79 of the GDPR"},
		"de": {"Statistik", "20. Februar 2026 um 14:05 Uhr (MEZ)", "Art. 7 Abs. 3 DSGVO",
			"keine angegeben; siehe die Datenschutzerklärung des Anbieters", "Cookie-Banner",
			"https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen", "Art. 79 DSGVO", "Bestätigungsnummer CW-7KD2-M4QX"},
	}
	for _, lang := range locale.Languages {
		d := Sample(ConsentWithdrawn, lang)
		r, err := Render(ConsentWithdrawn, d)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !strings.Contains(r.Subject, "CW-7KD2-M4QX") || !strings.Contains(r.Subject, "ESOMUS") {
			t.Errorf("%s subject %q", lang, r.Subject)
		}
		html := visibleText(r.HTML)
		facts := append([]string{"CW-7KD2-M4QX", "esomus.com", "STCK_ID: 9f2c41d0…", "Zendesk", "_ga, _ga_*",
			"contact@apd-gba.be", be.LocalName(lang)}, want[lang]...)
		for _, w := range facts {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s text lacks %q:\n%s", lang, w, r.Text)
			}
			if !strings.Contains(html, w) && !strings.Contains(r.HTML, `href="`+w+`"`) {
				t.Errorf("%s HTML lacks %q", lang, w)
			}
		}
		for _, c := range d.Cleared {
			if !strings.Contains(r.Text, "\n  - "+c+"\n") || !strings.Contains(r.HTML, "<li>"+c+"</li>") {
				t.Errorf("%s: the cleared cookie %s is not in the lists", lang, c)
			}
		}
		if !strings.Contains(r.Text, "https://tools.google.com/dlpage/gaoptout") ||
			!strings.Contains(r.HTML, `<a href="https://tools.google.com/dlpage/gaoptout"`) {
			t.Errorf("%s: no link to Google's opt-out page", lang)
		}
		// A category is named, never shown as its code; no case vocabulary leaks in.
		if strings.Contains(r.Text, "analytics") || strings.Contains(r.Text, "DSR-") || strings.Contains(r.HTML, "k7PpT2wLx9") {
			t.Errorf("%s: a code or a case fact in the letter:\n%s", lang, r.Text)
		}
	}
}

func TestConsentWithdrawnNamesEveryCategoryInEveryLanguage(t *testing.T) {
	codes := []string{"preference", "functional", "analytics", "marketing"} // consent.Withdrawable
	for _, lang := range locale.Languages {
		d := Sample(ConsentWithdrawn, lang)
		d.Categories = append(slices.Clone(codes), "social") // a code we do not know is shown as given
		p := newPage(ConsentWithdrawn, d, nil)
		names := strings.Split(p.vars["Categories"].(string), ", ")
		if len(names) != 5 || names[4] != "social" {
			t.Fatalf("%s: %q", lang, p.vars["Categories"])
		}
		for i, c := range codes {
			if names[i] == "" || names[i] == c || strings.HasPrefix(names[i], "[") {
				t.Errorf("%s: category %s is named %q", lang, c, names[i])
			}
		}
	}
	p := newPage(ConsentWithdrawn, Data{Language: "fr", Categories: []string{"preference", "marketing"}}, nil)
	if got := p.vars["Categories"]; got != "Préférences, Marketing" {
		t.Errorf("French categories: %q", got)
	}
}

// A list without entries leaves neither its sentence nor its heading behind.
func TestConsentWithdrawnWithoutListsLeavesNoEmptyBlock(t *testing.T) {
	for _, lang := range locale.Languages {
		d := Sample(ConsentWithdrawn, lang)
		d.Cleared, d.Identifiers, d.OptOuts, d.Webhook = nil, nil, nil, ""
		r, err := Render(ConsentWithdrawn, d)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"consent_withdrawn.cleared", "consent_withdrawn.other_browsers", "consent_withdrawn.identifiers",
			"consent_withdrawn.providers_heading", "consent_withdrawn.providers", "consent_withdrawn.remaining",
			"consent_withdrawn.site_pending"} {
			w, _ := Default(lang, id)
			w = strings.SplitN(w, "{{", 2)[0] // the wording up to its first variable
			if strings.Contains(r.Text, w) || strings.Contains(r.HTML, htmlEscape(w)) {
				t.Errorf("%s: %s is shown without its list", lang, id)
			}
		}
		if strings.Contains(r.HTML, "<ul>\n</ul>") || strings.Count(r.HTML, "<h2") != 2 { // what was done, complaint
			t.Errorf("%s: an empty list or heading in the HTML part:\n%s", lang, r.HTML)
		}
		// What was done says that no cookie could be removed here, how to remove them, and that
		// the privacy team (not the site: it has no webhook) was informed.
		heading := mustDefault(t, lang, "consent_withdrawn.done_heading")
		none := strings.SplitN(mustDefault(t, lang, "consent_withdrawn.nothing_removed"), "{{", 2)[0]
		settings := strings.SplitN(mustDefault(t, lang, "consent_withdrawn.browser_settings"), "{{", 2)[0]
		team := strings.SplitN(mustDefault(t, lang, "consent_withdrawn.team_informed"), "{{", 2)[0]
		if i := strings.Index(r.Text, heading); i < 0 || !strings.Contains(r.Text[i:], "-\n"+none) ||
			!strings.Contains(r.Text[i:], settings) || !strings.Contains(r.Text[i:], team) {
			t.Errorf("%s: what was done lacks the cookies not removed, how to remove them or who was told:\n%s", lang, r.Text)
		}
		if !strings.Contains(visibleText(r.HTML), none) {
			t.Errorf("%s: the HTML part does not say that no cookie was removed", lang)
		}
	}
}

func TestConsentWithdrawnEscapesTheCatalogueInHTML(t *testing.T) {
	d := Sample(ConsentWithdrawn, "en")
	d.OptOuts = []OptOut{
		{Provider: `<script>alert("x")</script>`, URL: "javascript:alert(1)", Cookies: []string{"<b>c</b>"}},
		{Provider: "Ads & Co", URL: `https://ads.example/opt-out?a=1&b="2"`},
	}
	d.Cleared = []string{"<img src=x>"}
	r, err := Render(ConsentWithdrawn, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>c</b>", "<img", `href="javascript:`} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("the HTML part contains %q", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;b&gt;c&lt;/b&gt;", "Ads &amp; Co",
		`href="https://ads.example/opt-out?a=1&amp;b=%222%22"`} {
		if !strings.Contains(r.HTML, good) {
			t.Errorf("the HTML part lacks %q", good)
		}
	}
	if !strings.Contains(r.Text, `* <script>alert("x")</script>`) || !strings.Contains(r.Text, "  - <img src=x>") {
		t.Errorf("the text part does not show the names as written:\n%s", r.Text)
	}
}

// Admins override the letter's wording with its own variables, and only those: it has no case, so
// no rights, dates received or due, nor status page.
func TestConsentWithdrawnOverrides(t *testing.T) {
	if vs := Variables(ConsentWithdrawn); !slices.Equal(vs, []string{"At", "Categories", "ControllerName", "Reference", "RequesterName", "SiteDomain", "SiteName"}) {
		t.Errorf("Variables(consent_withdrawn) = %v", vs)
	}
	ids := Messages(ConsentWithdrawn)
	for _, want := range []string{"consent_withdrawn.subject", "consent_withdrawn.intro", "consent_withdrawn.providers",
		"consent_withdrawn.before", "common.greeting", "guidance.intro", "guidance.reference", "footer.sent_by"} {
		if !slices.Contains(ids, want) {
			t.Errorf("Messages(consent_withdrawn) lacks %s: %v", want, ids)
		}
	}
	if slices.Contains(ids, "common.status_link") || slices.ContainsFunc(ids, isVocabulary) || ids[0] != "consent_withdrawn.subject" {
		t.Errorf("Messages(consent_withdrawn) = %v", ids)
	}

	w := "Retrait {{.Reference}} : {{.Categories}} sur {{.SiteDomain}}, le {{.At}}."
	if err := CheckOverride(ConsentWithdrawn, "fr", "consent_withdrawn.intro", w); err != nil {
		t.Fatal(err)
	}
	r, err := RenderWith(ConsentWithdrawn, Sample(ConsentWithdrawn, "fr"), Overrides{"consent_withdrawn.intro": w})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Retrait CW-7KD2-M4QX : Statistiques sur esomus.com, le 20 février 2026 à 14:05 (heure belge)."; !strings.Contains(r.Text, want) || len(r.Fallbacks) != 0 {
		t.Errorf("the override is not in the letter (fallbacks %v):\n%s", r.Fallbacks, r.Text)
	}
	for _, tt := range []struct{ id, wording, want string }{
		{"consent_withdrawn.intro", "{{.Rights}}", "unknown variable .Rights"},
		{"consent_withdrawn.keep", "{{.StatusURL}}", "unknown variable .StatusURL"},
		{"consent_withdrawn.subject", "{{.Categorie}}", "did you mean .Categories?"},
		{"consent_withdrawn.providers", "{{range .OptOuts}}x{{end}}", "{{range}} is not allowed"},
		{"guidance.intro", "{{.ReceivedOn}}", "unknown variable .ReceivedOn"}, // shared with a letter that has no case
		{"refused.intro", "x", "has no message"},
	} {
		if err := CheckOverride(ConsentWithdrawn, "en", tt.id, tt.wording); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: got %v, want %q", tt.id, tt.wording, err, tt.want)
		}
	}
}

func mustDefault(t *testing.T, lang, id string) string {
	t.Helper()
	w, ok := Default(lang, id)
	if !ok {
		t.Fatalf("no %s in %s", id, lang)
	}
	return w
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}
