package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/mailer/smtptest"
)

// responseStatus is the HTTP status of the page the browser shows.
const responseStatus = `performance.getEntriesByType('navigation')[0].responseStatus`

// fileAccessAndErasure files a request for access and erasure on ESOMUS in the visitor's browser,
// by a resident of France writing in English, confirms it from the verification letter, and
// returns the reference and the verification link.
func fileAccessAndErasure(t *testing.T, b context.Context, p *testapp.Portal, smtp *smtptest.Server) (ref, verify string) {
	t.Helper()
	step(t, b, "file a request",
		chromedp.Navigate(p.URL+"/requests/new?site=esomus"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.Click(chromedp.ID("kind-access")),
		chromedp.Click(chromedp.ID("kind-erasure")),
		chromedp.SendKeys(chromedp.ID("email"), "chloe@example.org"),
		chromedp.SendKeys(chromedp.ID("name"), "Chloé Durand"),
		chromedp.SetValue(chromedp.ID("language"), "en"),
		chromedp.SetValue(chromedp.ID("country"), "FR"),
		chromedp.SetValue(chromedp.ID("typed_name_0"), "UID"),
		chromedp.SendKeys(chromedp.ID("typed_value_0"), "u-31337"),
		submit(chromedp.CSS(`button[type=submit].primary`)),
		chromedp.WaitVisible(chromedp.CSS(".reference")),
	)
	ref = get(t, b, "reference", chromedp.Text(chromedp.CSS(".reference")))
	verify = verifyLink.FindString(letterTo(t, smtp, 1, "chloe@example.org", ref).Text)
	step(t, b, "confirm from the letter",
		chromedp.Navigate(verify),
		chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
		submit(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(".status")),
	)
	return ref, verify
}

// TestRequesterSeesTheAnswer: a resident of France files a request on ESOMUS; while it is open the
// status page offers withdrawal and no complaint route; staff answer it in the workspace; the
// status link of the answer letter then shows the answer per right and the complaint route — the
// APD/GBA with its complaint page in the page's language, the CNIL, the judicial remedy — in
// French, Dutch, English and German, and no longer offers withdrawal.
func TestRequesterSeesTheAnswer(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.Options{})
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Config: app.Config{SMTPURL: smtp.URL()}})
			visitor, staff := browser(t), browser(t)
			ref, _ := fileAccessAndErasure(t, visitor, p, smtp)
			ack := letterTo(t, smtp, 2, "chloe@example.org", "has been received")
			step(t, visitor, "open the status page from the acknowledgement",
				chromedp.Navigate(statusLink.FindString(ack.Text)),
				chromedp.WaitVisible(chromedp.CSS(".timeline")),
			)
			open := get(t, visitor, "open case", chromedp.Text(chromedp.CSS("main")))
			if !strings.Contains(open, "Withdraw this request") || strings.Contains(open, "How to lodge a complaint") {
				t.Errorf("the open case's page:\n%s", open)
			}

			step(t, staff, "log in, claim and answer",
				chromedp.Navigate(p.URL+"/staff/login"),
				chromedp.SendKeys(chromedp.ID("email"), testapp.StaffEmail),
				chromedp.SendKeys(chromedp.ID("password"), testapp.StaffPassword),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS("table.queue")),
				chromedp.Navigate(p.URL+"/staff/cases/"+ref),
				chromedp.WaitVisible(chromedp.CSS(`form[action*="/claim#"] button`)),
				submit(chromedp.CSS(`form[action*="/claim#"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
				chromedp.Click(chromedp.Search(`//summary[contains(., "Answer the request")]`)),
				chromedp.SendKeys(chromedp.ID("complete-outcome_access"), "UID u-31337: page views, kept 13 months."),
				// Right by right: the access complied with, the erasure refused under Art. 17(3).
				chromedp.Click(chromedp.ID("complete-result_erasure-refused")),
				chromedp.SetValue(chromedp.ID("complete-ground_erasure"), "art_17_3_exception"),
				chromedp.SendKeys(chromedp.ID("complete-reasons_erasure"), "Invoices are kept 7 years by law."),
				submit(chromedp.CSS(`form[action*="/complete#"] button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if s := get(t, staff, "status", chromedp.Text(chromedp.CSS(".status"))); s != "Answered" {
				t.Fatalf("status after the answer: %q", s)
			}
			answer := letterTo(t, smtp, 3, "chloe@example.org", "has been answered")
			step(t, visitor, "open the status page from the answer",
				chromedp.Navigate(statusLink.FindString(answer.Text)),
				chromedp.WaitVisible(chromedp.CSS("section.complaint")),
			)
			shot(t, visitor, "answered-en")
			main := get(t, visitor, "answered case", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{"The answer", "Complied with", "UID u-31337: page views, kept 13 months.",
				"Refused", "Article 17(3)", "Invoices are kept 7 years by law.",
				"delivered to your mail server", "anyone who has it can see your request."} {
				if !strings.Contains(main, want) {
					t.Errorf("the answered case's page lacks %q", want)
				}
			}
			for _, gone := range []string{"Withdraw this request", "see and withdraw"} {
				if strings.Contains(main, gone) {
					t.Errorf("the answered case's page still shows %q", gone)
				}
			}

			want := map[string]struct{ name, page, remedy string }{
				"fr": {"Autorité de protection des données (APD)", "https://www.autoriteprotectiondonnees.be/citoyen/agir/introduire-une-plainte", "article 79 du RGPD"},
				"nl": {"Gegevensbeschermingsautoriteit (GBA)", "https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen", "artikel 79 AVG"},
				"en": {"Belgian Data Protection Authority (APD/GBA)", "https://www.dataprotectionauthority.be/citizen/actions/lodge-a-complaint", "Article 79 of the GDPR"},
				"de": {"Datenschutzbehörde (APD/GBA)", "https://datenschutzbehorde.be/zivilist/aktionen/beschwerde-einreichen", "Art. 79 DSGVO"},
			}
			for _, lang := range []string{"fr", "nl", "en", "de"} {
				step(t, visitor, "read it in "+lang,
					submit(chromedp.CSS(`nav.languages a[hreflang="`+lang+`"]`)),
					chromedp.WaitVisible(chromedp.CSS("section.complaint")),
				)
				if l := get(t, visitor, "page language", chromedp.Evaluate[string](`document.documentElement.lang`)); l != lang {
					t.Fatalf("after the switch to %s the page is in %q", lang, l)
				}
				shot(t, visitor, "complaint-"+lang)
				names := get(t, visitor, "authorities", chromedp.Evaluate[[]string](
					`[...document.querySelectorAll('section.complaint .authority-name')].map(e => e.textContent)`))
				links := get(t, visitor, "complaint links", chromedp.Evaluate[[]string](
					`[...document.querySelectorAll('section.complaint a.complaint-link')].map(a => a.href)`))
				if len(names) != 2 || names[0] != want[lang].name || !strings.Contains(names[1], "CNIL") {
					t.Errorf("%s: authorities %q, want %q then the CNIL", lang, names, want[lang].name)
				}
				if len(links) != 2 || links[0] != want[lang].page || links[1] != "https://www.cnil.fr/fr/plaintes" {
					t.Errorf("%s: complaint links %q, want %s then the CNIL's", lang, links, want[lang].page)
				}
				route := get(t, visitor, "route", chromedp.Text(chromedp.CSS("section.complaint")))
				if !strings.Contains(route, want[lang].remedy) {
					t.Errorf("%s: the route lacks the judicial remedy (%s):\n%s", lang, want[lang].remedy, route)
				}
				// An English reader is told the languages the APD takes complaints in; the others write in one of them.
				if got := strings.Contains(route, "The APD accepts complaints written in French, Dutch or German."); got != (lang == "en") {
					t.Errorf("%s: the APD's languages said: %v\n%s", lang, got, route)
				}
				if n := get(t, visitor, "withdraw links", chromedp.Evaluate[int](`document.querySelectorAll('a[href$="/withdraw"]').length`)); n != 0 {
					t.Errorf("%s: the answered case offers withdrawal", lang)
				}
			}
		})
	}
}

// TestReclickedVerificationLink: the verification link, opened again once the request is
// confirmed, says so with a 200 and points to the acknowledgement for the status page; pressing
// Confirm on a page left open in another tab says the same. A made-up link is still not found.
func TestReclickedVerificationLink(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.Options{})
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Config: app.Config{SMTPURL: smtp.URL()}})
			visitor, other := browser(t), browser(t)
			step(t, visitor, "choose English", chromedp.Navigate(p.URL+"/language?lang=en&next=/"), chromedp.WaitVisible(chromedp.CSS("h1")))

			step(t, visitor, "file a request",
				chromedp.Navigate(p.URL+"/requests/new?site=esomus"),
				chromedp.WaitVisible(chromedp.ID("email")),
				chromedp.Click(chromedp.ID("kind-access")),
				chromedp.SendKeys(chromedp.ID("email"), "chloe@example.org"),
				chromedp.SetValue(chromedp.ID("country"), "FR"),
				chromedp.SetValue(chromedp.ID("typed_name_0"), "UID"),
				chromedp.SendKeys(chromedp.ID("typed_value_0"), "u-31337"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".reference")),
			)
			ref := get(t, visitor, "reference", chromedp.Text(chromedp.CSS(".reference")))
			verify := verifyLink.FindString(letterTo(t, smtp, 1, "chloe@example.org", ref).Text)
			// Another browser opened the confirm page before the first confirmed.
			step(t, other, "open the confirm page in another browser", chromedp.Navigate(verify), chromedp.WaitVisible(chromedp.CSS(`button.primary`)))
			step(t, visitor, "confirm", chromedp.Navigate(verify), chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
				submit(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS(".status")))
			statusURL := get(t, visitor, "status page address", chromedp.Location())

			step(t, visitor, "open the link again", chromedp.Navigate(verify), chromedp.WaitVisible(chromedp.CSS("h1")))
			shot(t, visitor, "already-confirmed")
			if code := get(t, visitor, "status code", chromedp.Evaluate[int](responseStatus)); code != 200 {
				t.Errorf("the used link answers %d", code)
			}
			if h := get(t, visitor, "heading", chromedp.Text(chromedp.CSS("h1"))); h != "Request already confirmed" {
				t.Errorf("the used link's heading: %q", h)
			}
			body := get(t, visitor, "page", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{ref, "acknowledgement of receipt", "status page"} {
				if !strings.Contains(body, want) {
					t.Errorf("the used link's page lacks %q:\n%s", want, body)
				}
			}
			html := get(t, visitor, "html", chromedp.OuterHTML(chromedp.CSS("html")))
			if strings.Contains(html, strings.TrimPrefix(statusURL, p.URL)) {
				t.Error("the used verification link reveals the status page's address")
			}

			step(t, other, "press Confirm in the other browser", submit(chromedp.CSS(`button.primary`)), chromedp.WaitVisible(chromedp.CSS("h1")))
			if code := get(t, other, "status code", chromedp.Evaluate[int](responseStatus)); code != 200 {
				t.Errorf("confirming twice answers %d", code)
			}
			if h := get(t, other, "heading", chromedp.Text(chromedp.CSS("h1"))); !strings.Contains(h, "confirm") {
				t.Errorf("confirming twice shows %q", h)
			}
			letterTo(t, smtp, 2, "chloe@example.org", "has been received")
			if n := len(smtp.Messages()); n != 2 {
				t.Errorf("%d letters, want the verification and one acknowledgement", n)
			}

			step(t, visitor, "open a made-up link", chromedp.Navigate(p.URL+"/requests/verify/"+strings.Repeat("Q", 43)), chromedp.WaitVisible(chromedp.CSS("h1")))
			if code := get(t, visitor, "status code", chromedp.Evaluate[int](responseStatus)); code != 404 {
				t.Errorf("a made-up link answers %d", code)
			}
		})
	}
}

// TestTransparencyLinks: the start page and ESOMUS's cookie page lead to its disclosure page while
// it is published; once withdrawn, neither links to it.
func TestTransparencyLinks(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := testapp.Start(t, testapp.Options{Dialect: dialect})
			b := browser(t)
			step(t, b, "choose English", chromedp.Navigate(p.URL+"/language?lang=en&next=/"), chromedp.WaitVisible(chromedp.CSS("h1")))
			link := chromedp.CSS(`a[href="/transparency/esomus"]`)
			for _, start := range []string{"/", "/sites/esomus/cookies"} {
				step(t, b, "follow the link from "+start,
					chromedp.Navigate(p.URL+start),
					chromedp.WaitVisible(link),
					submit(link),
					chromedp.WaitVisible(chromedp.CSS("h1")),
				)
				if h := get(t, b, "heading", chromedp.Text(chromedp.CSS("h1"))); h != "How ESOMUS answers your requests" {
					t.Errorf("from %s the link leads to %q", start, h)
				}
			}
			site, err := p.Store.SiteBySlug(context.Background(), "esomus")
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Store.SetTransparency(context.Background(), site.ControllerID, true); err != nil {
				t.Fatal(err)
			}
			for _, start := range []string{"/", "/sites/esomus/cookies"} {
				step(t, b, "reopen "+start, chromedp.Navigate(p.URL+start), chromedp.WaitVisible(chromedp.CSS("h1")))
				if n := get(t, b, "links", chromedp.Evaluate[int](`document.querySelectorAll('a[href="/transparency/esomus"]').length`)); n != 0 {
					t.Errorf("%s links the withdrawn disclosure page", start)
				}
			}
		})
	}
}
