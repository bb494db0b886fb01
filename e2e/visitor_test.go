// Package e2e drives a real headless Chromium through the portal's pages as a person would, with
// the real SMTP path: the letters arrive at an SMTP server in the test process and the test follows
// the links in them. Chromium is required (Debian's chromium package); without it the tests fail.
package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/mailer/smtptest"
)

// browser starts a headless Chromium for the test.
func browser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], extra...)
	opts = append(opts,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		// The machine's network is closed: no background connections, no QUIC, no updates.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	)
	if path := os.Getenv("CHROMIUM"); path != "" {
		opts = append(opts, chromedp.ExecPath(path))
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser; it must not carry a timeout (chromedp ties the browser's
	// life to that context).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("Chromium is required for the end-to-end tests and did not start: %v", err)
	}
	return ctx
}

// step runs actions with a time limit and fails the test with what it was doing.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		shot(t, ctx, "failed-"+what)
		t.Fatalf("%s: %v", what, err)
	}
}

func get[T any](t *testing.T, ctx context.Context, what string, action chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// shot saves a screenshot when RIGHTSDESK_E2E_SCREENSHOTS names a directory.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("RIGHTSDESK_E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)); err == nil {
		os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+"-"+name+".png"), png, 0o644)
	}
}

// submit clicks sel and waits for the page it leads to to load: waiting for an element instead
// could find it on the page being left.
func submit[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(sel))(ctx, t)
		return err
	})
}

var (
	verifyLink = regexp.MustCompile(`http://[^\s"<]+/requests/verify/[A-Za-z0-9_-]{43}`)
	statusLink = regexp.MustCompile(`http://[^\s"<]+/r/[A-Za-z0-9_-]{43}`)
)

// TestVisitorJourney: a visitor whose browser holds ESOMUS's STCK_ID cookie files a request,
// corrects a mistake, confirms the e-mail from the letter, follows the request from the
// acknowledgement's link, and withdraws it.
func TestVisitorJourney(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.Options{})
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Config: app.Config{SMTPURL: smtp.URL()}})
			ctx := browser(t)

			// The site set its identifying cookie in this browser.
			if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: "STCK_ID", Value: "stck-b7c1", URL: p.URL}); err != nil {
				t.Fatal(err)
			}

			step(t, ctx, "open the start page and choose ESOMUS",
				chromedp.Navigate(p.URL+"/"),
				submit(chromedp.CSS(`a[href="/requests/new?site=esomus"]`)),
				chromedp.WaitVisible(chromedp.ID("email")),
			)
			if !get(t, ctx, "browser cookie offered", chromedp.JavascriptAttribute[bool](chromedp.ID("browser-STCK_ID"), "checked")) {
				t.Error("the STCK_ID cookie the browser sent is not offered pre-filled")
			}
			shot(t, ctx, "form")

			// First attempt forgets the e-mail address.
			step(t, ctx, "fill the form without an e-mail",
				chromedp.Click(chromedp.ID("kind-access")),
				chromedp.Click(chromedp.ID("kind-erasure")),
				chromedp.SendKeys(chromedp.ID("name"), "Chloé Durand"),
				chromedp.SetValue(chromedp.ID("country"), "FR"),
				chromedp.SendKeys(chromedp.ID("details"), "Merci de me dire ce que vos cookies ont collecté."),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".error-summary")),
			)
			summary := get(t, ctx, "error summary", chromedp.Text(chromedp.CSS(".error-summary")))
			if !strings.Contains(summary, "Give the e-mail address") {
				t.Errorf("error summary: %q", summary)
			}
			if v := get(t, ctx, "name kept", chromedp.Value(chromedp.ID("name"))); v != "Chloé Durand" {
				t.Errorf("the name typed was not kept: %q", v)
			}
			if !get(t, ctx, "kind kept", chromedp.JavascriptAttribute[bool](chromedp.ID("kind-erasure"), "checked")) {
				t.Error("the ticked right was not kept")
			}
			shot(t, ctx, "form-error")

			step(t, ctx, "give the e-mail and send",
				chromedp.SendKeys(chromedp.ID("email"), "chloe@example.org"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".reference")),
			)
			ref := get(t, ctx, "reference", chromedp.Text(chromedp.CSS(".reference")))
			if !regexp.MustCompile(`^DSR-\d{4}-\d{6}$`).MatchString(ref) {
				t.Fatalf("reference shown: %q", ref)
			}
			shot(t, ctx, "filed")

			// The verification letter arrives; its link opens a confirm page.
			letters := smtp.WaitFor(t, 1, 15*time.Second)
			link := verifyLink.FindString(letters[0].Text)
			if link == "" || !strings.Contains(letters[0].Subject, ref) {
				t.Fatalf("verification letter: subject %q, text:\n%s", letters[0].Subject, letters[0].Text)
			}
			step(t, ctx, "confirm from the letter",
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
				submit(chromedp.CSS(`button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".status")),
			)
			if s := get(t, ctx, "status", chromedp.Text(chromedp.CSS(".status"))); s != "Received" {
				t.Errorf("status after confirming: %q", s)
			}

			// The acknowledgement's link opens the same status page; withdraw there.
			letters = smtp.WaitFor(t, 2, 15*time.Second)
			status := statusLink.FindString(letters[1].Text)
			if status == "" || !strings.Contains(letters[1].Text, "Answer due by") {
				t.Fatalf("acknowledgement:\n%s", letters[1].Text)
			}
			step(t, ctx, "open the status page from the acknowledgement",
				chromedp.Navigate(status),
				chromedp.WaitVisible(chromedp.CSS(".timeline")),
			)
			page := get(t, ctx, "status page", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{ref, "Access, Erasure", "Answer due by", "E-mail address confirmed"} {
				if !strings.Contains(page, want) {
					t.Errorf("status page lacks %q", want)
				}
			}
			shot(t, ctx, "status")
			step(t, ctx, "withdraw",
				submit(chromedp.CSS(`a.button[href$="/withdraw"]`)),
				chromedp.WaitVisible(chromedp.CSS("button.danger")),
				submit(chromedp.CSS("button.danger")),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if s := get(t, ctx, "status after withdrawal", chromedp.Text(chromedp.CSS(".status"))); s != "Withdrawn" {
				t.Errorf("status after withdrawal: %q", s)
			}
			letters = smtp.WaitFor(t, 3, 15*time.Second)
			if !strings.Contains(letters[2].Subject, "has been withdrawn") {
				t.Errorf("third letter: %q", letters[2].Subject)
			}
		})
	}
}
