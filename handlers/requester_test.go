package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/letters"
	"rightsdesk/locale"
	"rightsdesk/models"
	"rightsdesk/views"
)

// requester is a visitor who filed a request on ESOMUS through the pages and confirmed it.
type requester struct {
	c          *testapp.Client
	ref        string
	verifyURL  string
	statusPath string
}

// fileAndConfirm files a request for access and erasure by a resident of country, in French, and
// confirms it from the verification letter.
func fileAndConfirm(t *testing.T, p *testapp.Portal, country string) requester {
	t.Helper()
	c := p.Client(t)
	v := filing(testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body))
	v.Set("country", country)
	if res := c.Post("/requests", v); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d\n%s", res.StatusCode, res.Body)
	}
	ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(c.Get("/requests/filed").Body)
	var verifyURL string
	for _, l := range lettersOf(t, p) {
		if l.Kind == "verification" && strings.Contains(l.Subject, ref) {
			verifyURL = linkIn("/requests/verify/").FindString(l.TextBody)
		}
	}
	if verifyURL == "" {
		t.Fatalf("no verification letter for %s", ref)
	}
	confirm := c.Get(verifyURL)
	res := c.Post(verifyURL, url.Values{"_csrf": {testapp.CSRF(t, confirm.Body)}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/r/") {
		t.Fatalf("confirm: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	return requester{c: c, ref: ref, verifyURL: verifyURL, statusPath: res.Header.Get("Location")}
}

// staffActor is the portal's member of staff as the case service sees them.
func staffActor(t *testing.T, p *testapp.Portal) cases.Actor {
	t.Helper()
	ctx := context.Background()
	u, err := p.Store.UserByEmail(ctx, testapp.StaffEmail)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := p.Store.UserControllerIDs(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return cases.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, Controllers: ids}
}

// toldEveryRecipient says that each of ESOMUS's third parties was told today (Art. 19), as an
// erasure complied with needs.
func toldEveryRecipient(t *testing.T, p *testapp.Portal) []dsr.RecipientInput {
	t.Helper()
	ctx := context.Background()
	site, err := p.Store.SiteBySlug(ctx, "esomus")
	if err != nil {
		t.Fatal(err)
	}
	recipients, err := p.Store.CookieRecipients(ctx, site.ID)
	if err != nil {
		t.Fatal(err)
	}
	var told []dsr.RecipientInput
	for _, name := range recipients {
		told = append(told, dsr.RecipientInput{Provider: name, Choice: dsr.ToldChoice, ToldOn: deadline.Today(time.Now(), deadline.DefaultLocation).String()})
	}
	return told
}

// in returns the page at path in lang, the visitor's own choice of language.
func (r requester) in(lang, path string) testapp.Response {
	r.c.SetCookie(locale.CookieName, lang)
	return r.c.Get(path)
}

func lacks(t *testing.T, res testapp.Response, what ...string) {
	t.Helper()
	for _, s := range what {
		if strings.Contains(res.Body, s) {
			t.Errorf("%s: the page shows %q", res.Request.URL.Path, s)
		}
	}
}

// Once answered, the status page shows the answer per right and the complaint route in the page's
// language (the APD/GBA's page in that language, the CNIL for a resident of France, the judicial
// remedy); the lines about withdrawing are gone.
func TestStatusPageShowsTheAnswerAndTheComplaintRoute(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		r := fileAndConfirm(t, p, "FR")
		open := r.in("en", r.statusPath)
		expect(t, open, 200, "Withdraw this request", "anyone who has it can see and withdraw your request")
		lacks(t, open, "How to lodge a complaint", "The answer")

		ctx, a := context.Background(), staffActor(t, p)
		if err := p.App.Cases.Claim(ctx, a, r.ref, 0); err != nil {
			t.Fatal(err)
		}
		// The erasure is complied with: ESOMUS's third parties are told (Art. 19).
		told := toldEveryRecipient(t, p)
		items, err := p.App.Cases.AccessDraftOf(ctx, r.ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.App.Cases.Complete(ctx, a, r.ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{
			dsr.KindAccess: "We hold your newsletter subscription only.", dsr.KindErasure: "CRM: deleted\nNewsletter: unsubscribed",
		}), Told: told, Access: items, Files: []cases.Upload{{Name: "data.csv", ContentType: "text/csv", Data: []byte("email,list\nalice@example.org,news\n")}}}); err != nil {
			t.Fatal(err)
		}
		done := r.in("en", r.statusPath)
		expect(t, done, 200, "Answered", "The answer", "Complied with", "We hold your newsletter subscription only.",
			"CRM: deleted\nNewsletter: unsubscribed", "data.csv", "How to lodge a complaint",
			"Belgian Data Protection Authority (APD/GBA)", "The APD accepts complaints written in French, Dutch or German.",
			`href="https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint"`, "contact@apd-gba.be",
			"Commission Nationale de l&#39;Informatique et des Libertés", `href="https://www.cnil.fr/fr/plaintes"`,
			"Article 79 of the GDPR", "anyone who has it can see your request.",
			"Article 15 of the GDPR entitles you to this information", "Purposes of the processing (Art. 15(1)(a) GDPR)")
		lacks(t, done, "Withdraw this request", "see and withdraw", "/withdraw")

		// The same route in each language of the pages, with the authority's name and page in it.
		for lang, want := range map[string][]string{
			"fr": {"Comment introduire une plainte", "Autorité de protection des données (APD)",
				`href="https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte"`, "article 79 du RGPD", "Demande satisfaite",
				"Finalités du traitement (article 15.1.a) du RGPD)"},
			"nl": {"Hoe dient u een klacht in?", "Gegevensbeschermingsautoriteit (GBA)",
				`href="https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen"`, "artikel 79 AVG", "Ingewilligd", "(Frankrijk)",
				"Doeleinden van de verwerking (artikel 15, lid 1, a), AVG)"},
			"de": {"Beschwerdemöglichkeit", "Datenschutzbehörde (APD/GBA)", "Rue de la Presse 35, 1000 Brüssel",
				`href="https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen"`, "Art. 79 DSGVO", "Erfüllt",
				"Zwecke der Verarbeitung (Art. 15 Abs. 1 lit. a DSGVO)"},
		} {
			expect(t, r.in(lang, r.statusPath), 200, want...)
		}
	})
}

// A refusal shows each right refused, the ground in the page's language and the reasons as staff
// wrote them, and the complaint route: only the lead authority for a resident of its country.
func TestStatusPageAfterARefusal(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		r := fileAndConfirm(t, p, "BE")
		reasons := "The cookie value you gave belongs to another device."
		if err := p.App.Cases.Refuse(context.Background(), staffActor(t, p), r.ref, 0, string(dsr.GroundIdentity), reasons, false); err != nil {
			t.Fatal(err)
		}
		res := r.in("en", r.statusPath)
		expect(t, res, 200, "The answer", "Refused", "Ground:", "Your identity could not be confirmed", reasons,
			"How to lodge a complaint", `href="https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint"`)
		lacks(t, res, "CNIL", "Complied with", "Withdraw this request")
		expect(t, r.in("fr", r.statusPath), 200, "Refusée", "Fondement\u00a0:", reasons)
	})
}

// An extension shows the complaint route while the case stays open: its withdrawal lines remain.
func TestExtendedCaseShowsTheComplaintRoute(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		r := fileAndConfirm(t, p, "DE")
		if err := p.App.Cases.Extend(context.Background(), staffActor(t, p), r.ref, 0, "Seven systems to search."); err != nil {
			t.Fatal(err)
		}
		res := r.in("de", r.statusPath)
		expect(t, res, 200, "Verlängerung", "Beschwerdemöglichkeit", "Datenschutzbehörde (APD/GBA)", "(Deutschland)",
			"bfdi.bund.de", "Diesen Antrag zurückziehen", "sehen und zurückziehen",
			// A resident of Germany learns that the Länder authorities handle complaints about companies.
			"die Datenschutzaufsichtsbehörde des Landes zuständig, in dem das Unternehmen seinen Sitz hat",
			`href="https://www.datenschutzkonferenz-online.de/datenschutzaufsichtsbehoerden.html"`)
		lacks(t, res, "Die Antwort")
		expect(t, r.in("en", r.statusPath), 200, "federal state (Land) where the company has its seat",
			`href="https://www.datenschutzkonferenz-online.de/datenschutzaufsichtsbehoerden.html"`)
	})
}

// An authority that publishes no complaint page (Bulgaria's) is shown with its website, labelled
// as a website in the page's language, and no complaint link of its own.
func TestStatusPageShowsTheWebsiteOfAnAuthorityWithoutComplaintPage(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		r := fileAndConfirm(t, p, "BG")
		if err := p.App.Cases.Extend(context.Background(), staffActor(t, p), r.ref, 0, "Seven systems to search."); err != nil {
			t.Fatal(err)
		}
		for lang, label := range map[string]string{"en": "Website:", "fr": "Site web\u00a0:", "nl": "Website:", "de": "Website:"} {
			res := r.in(lang, r.statusPath)
			expect(t, res, 200, "(Bulgari", label+` <a class="authority-website" href="https://www.cpdp.bg"`, "kzld@cpdp.bg")
			if n := strings.Count(res.Body, `class="complaint-link"`); n != 1 {
				t.Errorf("%s: %d complaint links, want the APD/GBA's only", lang, n)
			}
		}
	})
}

// A verification link clicked again says the request is already confirmed and where its status
// page is, with a 200; pressing Confirm again changes nothing. The page does not open the status
// page: its link is only in the acknowledgement.
func TestReclickedVerificationLink(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		r := fileAndConfirm(t, p, "FR")
		before := len(lettersOf(t, p))
		token := strings.TrimPrefix(r.statusPath, "/r/")
		for _, lang := range []string{"en", "fr"} {
			r.c.SetCookie(locale.CookieName, lang)
			res := r.c.Get(r.verifyURL)
			want := map[string][]string{
				"en": {"Request already confirmed", r.ref, "ESOMUS", "acknowledgement of receipt"},
				"fr": {"Demande déjà confirmée", r.ref, "accusé de réception"},
			}[lang]
			expect(t, res, 200, want...)
			lacks(t, res, token, "Not found", `<form method="post" action="/requests/verify/`)
		}
		res := r.c.Post(r.verifyURL, url.Values{"_csrf": {testapp.CSRF(t, r.c.Get("/requests/new?site=esomus").Body)}})
		expect(t, res, 200, "Demande déjà confirmée", r.ref)
		lacks(t, res, token)
		if n := len(lettersOf(t, p)); n != before {
			t.Errorf("a second confirmation queued %d letter(s)", n-before)
		}
		if c, _ := p.Store.CaseByReference(context.Background(), r.ref); c.Version != 2 || c.Status != dsr.StatusOpen {
			t.Errorf("a second confirmation changed the case: version %d, %s", c.Version, c.Status)
		}
		// A token that was never issued is still not found.
		expect(t, r.c.Get("/requests/verify/"+strings.Repeat("B", 43)), 404)
	})
}

// Without a mail server the letters stay in the outbox: the status page neither lists them as
// "being sent" nor says the acknowledgement was sent. A letter that went out is listed.
func TestLettersHeldWithoutSMTPAreNotShown(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		r := fileAndConfirm(t, p, "FR")
		res := r.in("en", r.statusPath)
		expect(t, res, 200, "E-mail address confirmed; the request is open.")
		lacks(t, res, "being sent", "Acknowledgement sent", "Letters we sent you")
		var ack models.Letter
		for _, l := range lettersOf(t, p) {
			if l.Kind == "acknowledgement" {
				ack = l
			}
		}
		if ack.Status != models.LetterQueued {
			t.Fatalf("acknowledgement %+v", ack)
		}
		if err := p.Store.MarkLetterSent(context.Background(), ack.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		expect(t, r.in("en", r.statusPath), 200, "Letters we sent you", ack.Subject, "delivered to your mail server")
	})
}

// The home page and a site's cookie page link the controller's disclosure page while it is
// published, and not once it is withdrawn.
func TestTransparencyLinks(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := english(p.Client(t))
		link := `href="/transparency/esomus"`
		expect(t, c.Get("/"), 200, link, "How ESOMUS answers requests")
		expect(t, c.Get("/sites/esomus/cookies"), 200, link)
		expect(t, c.Get("/transparency/esomus"), 200)
		site, err := p.Store.SiteBySlug(context.Background(), "esomus")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Store.SetTransparency(context.Background(), site.ControllerID, true); err != nil {
			t.Fatal(err)
		}
		lacks(t, c.Get("/"), link)
		lacks(t, c.Get("/sites/esomus/cookies"), link)
		expect(t, c.Get("/sites/itsme/cookies"), 200, `href="/transparency/`)
		expect(t, c.Get("/transparency/esomus"), 404)
	})
}

// The status page offers the requester a copy of the case to keep: one HTML file, an attachment
// that runs nothing, in the requester's language, with the request as typed (escaped), the
// identifiers, the answer, the timeline and the text of every letter sent; never a letter to staff.
// A forged or unknown token gets the status page's 404.
func TestRequesterCopyOfTheCase(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		c := p.Client(t)
		v := filing(testapp.CSRF(t, c.Get("/requests/new?site=esomus").Body))
		v.Set("details", "Mes données <script>alert(1)</script> & le reste")
		if res := c.Post("/requests", v); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("filing: %d", res.StatusCode)
		}
		ref := regexp.MustCompile(`DSR-\d{4}-\d{6}`).FindString(c.Get("/requests/filed").Body)
		var verifyURL string
		for _, l := range lettersOf(t, p) {
			if l.Kind == "verification" && strings.Contains(l.Subject, ref) {
				verifyURL = linkIn("/requests/verify/").FindString(l.TextBody)
			}
		}
		res := c.Post(verifyURL, url.Values{"_csrf": {testapp.CSRF(t, c.Get(verifyURL).Body)}})
		r := requester{c: c, ref: ref, statusPath: res.Header.Get("Location")}
		ctx, a := context.Background(), staffActor(t, p)
		if body := r.in("fr", r.statusPath).Body; strings.Contains(body, `id="erasure"`) {
			t.Error("an open case's page gives an erasure date")
		}
		if err := p.App.Cases.Claim(ctx, a, ref, 0); err != nil {
			t.Fatal(err)
		}
		items, err := p.App.Cases.AccessDraftOf(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		told := toldEveryRecipient(t, p)
		if err := p.App.Cases.Complete(ctx, a, ref, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{
			dsr.KindAccess: "Nous détenons votre inscription à la lettre d’information.", dsr.KindErasure: "CRM : supprimé",
		}), Told: told, Access: items}); err != nil {
			t.Fatal(err)
		}
		// No workers here: the letters are sent by hand.
		ls, err := p.Store.CaseLetterTexts(ctx, mustCase(t, p, ref).ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if err := p.Store.MarkLetterSent(ctx, l.ID, time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		expect(t, r.in("fr", r.statusPath), 200, `href="`+r.statusPath+`/copy"`, "Télécharger une copie de votre demande")
		// When the personal data goes: three years (the controller's 1095 days) after the answer.
		on, ok := views.ErasureDay(mustCase(t, p, ref))
		if want := time.Now().AddDate(0, 0, 1095); !ok || on.Time(time.UTC).Sub(want).Abs() > 48*time.Hour {
			t.Errorf("erasure day %v (%v), want about %s", on, ok, want.Format(time.DateOnly))
		}
		expect(t, r.in("fr", r.statusPath), 200, `id="erasure"`, "vos données personnelles dans ce portail seront effacées le "+fmt.Sprint(on.Time(time.UTC).Day()))
		expect(t, r.in("de", r.statusPath), 200, `id="erasure"`, "werden am ", fmt.Sprint(on.Time(time.UTC).Year()), " gelöscht")

		cp := r.in("fr", r.statusPath+"/copy")
		expect(t, cp, 200, "Votre demande "+ref, "Ce que vous avez demandé", "alice@example.org", "Alice Martin",
			"Mes données &lt;script&gt;alert(1)&lt;/script&gt; &amp; le reste", "<code>UID</code> = <code>u-42</code>", "saisi par vous",
			"Nous détenons votre inscription à la lettre d’information.", "CRM : supprimé", "Finalités du traitement",
			"Comment introduire une plainte", "Conservez ce fichier")
		lacks(t, cp, "<script>", `<link rel="stylesheet"`, "src=")
		if cd := cp.Header.Get("Content-Disposition"); cd != `attachment; filename=`+ref+`.html` {
			t.Errorf("Content-Disposition %q", cd)
		}
		if csp := cp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "sandbox") {
			t.Errorf("Content-Security-Policy %q", csp)
		}
		// Every letter the requester was sent is there with its text; none to staff.
		if ls, err = p.Store.CaseLetterTexts(ctx, mustCase(t, p, ref).ID); err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, l := range ls {
			body := strings.SplitN(strings.TrimSpace(l.TextBody), "\n", 2)[0]
			switch {
			case letters.Kind(l.Kind).ToStaff():
				lacks(t, cp, html.EscapeString(l.Subject))
			case l.Status == models.LetterSent || l.Status == models.LetterFailed:
				sent++
				expect(t, cp, 200, html.EscapeString(l.Subject), html.EscapeString(body))
			}
		}
		if sent == 0 {
			t.Fatal("no letter was sent to the requester: the test proves nothing")
		}
		expect(t, r.in("de", r.statusPath+"/copy"), 200, "Ihr Antrag "+ref, "Was Sie beantragt haben", "von Ihnen eingegeben")

		if res := c.Get("/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/copy"); res.StatusCode != http.StatusNotFound {
			t.Errorf("a forged token: %d", res.StatusCode)
		}
	})
}
