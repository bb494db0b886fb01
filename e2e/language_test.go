package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/locale"
	"rightsdesk/mailer/smtptest"
)

// dutchLetter returns the static opening of the Dutch wording of a letter message (up to its
// first variable), from the letters' catalogue, so that the test follows the wording as written.
func dutchLetter(t *testing.T, id string) string {
	t.Helper()
	if _, err := os.Stat("../letters/messages/letters.nl.toml"); err != nil {
		t.Fatalf("the letters have no Dutch wording yet (letters/messages/letters.nl.toml): %v", err)
	}
	cat, err := locale.Load(os.DirFS("../letters"), "messages", nil)
	if err != nil {
		t.Fatal(err)
	}
	src, ok := cat.Source("nl", id)
	if !ok {
		t.Fatalf("no Dutch message %s in the letters", id)
	}
	static, _, _ := strings.Cut(src, "{{")
	if static = strings.TrimSpace(static); static == "" {
		t.Fatalf("the Dutch %s starts with a variable: %q", id, src)
	}
	return static
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestVisitorInDutch: a visitor opens the start page, switches to Nederlands, opens ESOMUS's form,
// files a request, and reads every page and the verification letter in Dutch; the confirmation
// and the status page follow in Dutch too.
func TestVisitorInDutch(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.Options{})
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Config: app.Config{SMTPURL: smtp.URL()}})
			ctx := browser(t)
			lang := func() string {
				return get(t, ctx, "page language", chromedp.Evaluate[string](`document.documentElement.lang`))
			}
			heading := func() string { return get(t, ctx, "heading", chromedp.Text(chromedp.CSS("h1"))) }

			step(t, ctx, "open the start page", chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(chromedp.CSS("nav.languages")))
			if lang() == "nl" {
				t.Fatal("the start page is in Dutch before the switch: the test proves nothing")
			}
			step(t, ctx, "switch to Nederlands",
				submit(chromedp.CSS(`nav.languages a[hreflang="nl"]`)),
				chromedp.WaitVisible(chromedp.CSS("h1")),
			)
			if l := lang(); l != "nl" {
				t.Fatalf("after the switch the page is in %q", l)
			}
			if h := heading(); h != "Uw rechten over de gegevens die cookies verzamelen" {
				t.Errorf("start page heading: %q", h)
			}
			if loc := get(t, ctx, "location", chromedp.Location()); loc != p.URL+"/" {
				t.Errorf("the switch led to %s", loc)
			}
			current := get(t, ctx, "current language", chromedp.Text(chromedp.CSS(`nav.languages a[aria-current="true"]`)))
			if current != "Nederlands" {
				t.Errorf("current language shown: %q", current)
			}
			shot(t, ctx, "home-nl")

			step(t, ctx, "open ESOMUS's form",
				submit(chromedp.CSS(`a[href="/requests/new?site=esomus"]`)),
				chromedp.WaitVisible(chromedp.ID("email")),
			)
			if h := heading(); h != "Een verzoek indienen bij ESOMUS" {
				t.Errorf("form heading: %q", h)
			}
			if v := get(t, ctx, "letters' language", chromedp.Value(chromedp.ID("language"))); v != "nl" {
				t.Errorf("the letters' language defaults to %q, want the page's nl", v)
			}
			label := get(t, ctx, "a right's label", chromedp.Text(chromedp.CSS(`label[for="kind-erasure"]`)))
			if !strings.Contains(label, "Wissing") {
				t.Errorf("erasure is labelled %q", label)
			}
			shot(t, ctx, "form-nl")

			// A mistake first: the error is in Dutch.
			step(t, ctx, "send without an e-mail",
				chromedp.Click(chromedp.ID("kind-access")),
				chromedp.SetValue(chromedp.ID("country"), "BE"),
				chromedp.SendKeys(chromedp.ID("name"), "Dirk Janssens"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".error-summary")),
			)
			summary := get(t, ctx, "error summary", chromedp.Text(chromedp.CSS(".error-summary")))
			if !strings.Contains(summary, "Uw verzoek is niet verstuurd") || !strings.Contains(summary, "Geef het e-mailadres op") {
				t.Errorf("error summary: %q", summary)
			}
			step(t, ctx, "give the e-mail and send",
				chromedp.SendKeys(chromedp.ID("email"), "dirk@example.org"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".reference")),
			)
			if h := heading(); h != "Uw verzoek is geregistreerd" {
				t.Errorf("filed page heading: %q", h)
			}
			ref := get(t, ctx, "reference", chromedp.Text(chromedp.CSS(".reference")))
			main := get(t, ctx, "filed page", chromedp.Text(chromedp.CSS("main")))
			if !strings.Contains(main, "Wat er nu gebeurt") || !strings.Contains(main, "dirk@example.org") {
				t.Errorf("filed page:\n%s", main)
			}
			shot(t, ctx, "filed-nl")

			// The verification letter is in Dutch: subject and body.
			letters := smtp.WaitFor(t, 1, 15*time.Second)
			l := letters[0]
			link := verifyLink.FindString(l.Text)
			if link == "" || !strings.Contains(l.Subject, ref) {
				t.Fatalf("verification letter: subject %q, text:\n%s", l.Subject, l.Text)
			}
			if want := dutchLetter(t, "verification.subject"); !strings.HasPrefix(l.Subject, want) {
				t.Errorf("verification subject %q is not the Dutch %q…", l.Subject, want)
			}
			for _, id := range []string{"verification.action", "verification.ignore"} {
				if want := normalize(dutchLetter(t, id)); !strings.Contains(normalize(l.Text), want) {
					t.Errorf("the verification letter lacks the Dutch %s %q:\n%s", id, want, l.Text)
				}
			}

			step(t, ctx, "confirm from the letter",
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
			)
			if h := heading(); h != "Bevestig uw verzoek" {
				t.Errorf("confirm page heading: %q", h)
			}
			step(t, ctx, "press Bevestigen",
				submit(chromedp.CSS(`button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".status")),
			)
			if s := get(t, ctx, "status", chromedp.Text(chromedp.CSS(".status"))); s != "Ontvangen" {
				t.Errorf("status after confirming: %q", s)
			}
			page := get(t, ctx, "status page", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{"Verzoek " + ref, "Inzage", "Antwoord uiterlijk op", "E-mailadres bevestigd", "Dit verzoek intrekken"} {
				if !strings.Contains(page, want) {
					t.Errorf("status page lacks %q", want)
				}
			}
			if l := lang(); l != "nl" {
				t.Errorf("status page in %q", l)
			}
			shot(t, ctx, "status-nl")
		})
	}
}
