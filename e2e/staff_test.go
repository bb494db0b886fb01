package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/mailer/smtptest"
	"rightsdesk/models"
	"rightsdesk/password"
)

// letterTo waits for the n-th letter to arrive and checks whom it is for and what it is about.
func letterTo(t *testing.T, smtp *smtptest.Server, n int, to, subject string) smtptest.Received {
	t.Helper()
	got := smtp.WaitFor(t, n, 20*time.Second)
	l := got[n-1]
	if len(l.To) != 1 || l.To[0] != to || !strings.Contains(l.Subject, subject) {
		t.Fatalf("letter %d: to %v, subject %q; want to %s about %q", n, l.To, l.Subject, to, subject)
	}
	return l
}

// TestCaseFromArrivalToAnswer: a visitor files and confirms a request; a member of staff logs in,
// finds it in the queue, claims it and asks a question; the visitor answers on the status page;
// staff answer the access request with a file; the visitor downloads it. Every letter travels
// over SMTP.
func TestCaseFromArrivalToAnswer(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.Options{})
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Config: app.Config{SMTPURL: smtp.URL()}})
			ctx := context.Background()
			site, _ := p.Store.SiteBySlug(ctx, "esomus")
			hash, _ := password.Hash("staff-journey-pass")
			staffUser := models.User{Email: "eva@esomus.example", Name: "Eva Desk", Role: models.RoleStaff, PasswordHash: hash, Active: true}
			if err := p.Store.CreateUser(ctx, &staffUser, []int64{site.ControllerID}); err != nil {
				t.Fatal(err)
			}
			visitor, staff := browser(t), browser(t)

			step(t, visitor, "file an access request",
				chromedp.Navigate(p.URL+"/requests/new?site=esomus"),
				chromedp.Click(chromedp.ID("kind-access")),
				chromedp.SendKeys(chromedp.ID("email"), "dirk@example.org"),
				chromedp.SendKeys(chromedp.ID("name"), "Dirk Janssens"),
				chromedp.SetValue(chromedp.ID("country"), "BE"),
				chromedp.SetValue(chromedp.ID("typed_name_0"), "UID"),
				chromedp.SendKeys(chromedp.ID("typed_value_0"), "u-77123"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".reference")),
			)
			ref := get(t, visitor, "reference", chromedp.Text(chromedp.CSS(".reference")))
			verification := letterTo(t, smtp, 1, "dirk@example.org", "Confirm your request "+ref)
			step(t, visitor, "confirm",
				chromedp.Navigate(verifyLink.FindString(verification.Text)),
				submit(chromedp.CSS(`button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".status")),
			)
			letterTo(t, smtp, 2, "dirk@example.org", "has been received")

			step(t, staff, "log in and find the case in the queue",
				chromedp.Navigate(p.URL+"/staff/login"),
				chromedp.SendKeys(chromedp.ID("email"), "eva@esomus.example"),
				chromedp.SendKeys(chromedp.ID("password"), "staff-journey-pass"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS("table.queue")),
			)
			row := get(t, staff, "queue row", chromedp.Text(chromedp.CSS("table.queue tbody tr")))
			if !strings.Contains(row, ref) || !strings.Contains(row, "d***k@example.org") || !strings.Contains(row, "Unassigned") {
				t.Errorf("queue row: %q", row)
			}
			shot(t, staff, "queue")
			step(t, staff, "claim the case",
				submit(chromedp.CSS(`a.reference`)),
				chromedp.WaitVisible(chromedp.CSS(`form[action*="/claim#"] button`)),
				submit(chromedp.CSS(`form[action*="/claim#"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			step(t, staff, "ask the question",
				chromedp.Click(chromedp.Search(`//summary[contains(., "Ask the requester")]`)),
				chromedp.SendKeys(chromedp.ID("request-info-question"), "Which e-mail address did you use on ESOMUS?"),
				submit(chromedp.CSS(`form[action*="/request-info#"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if s := get(t, staff, "status", chromedp.Text(chromedp.CSS(".status"))); s != "Waiting for the requester" {
				t.Errorf("status after the question: %q", s)
			}
			shot(t, staff, "case")

			question := letterTo(t, smtp, 3, "dirk@example.org", "a question from ESOMUS")
			status := statusLink.FindString(question.Text)
			if status == "" || !strings.Contains(question.Text, "Which e-mail address did you use on ESOMUS?") {
				t.Fatalf("question letter:\n%s", question.Text)
			}
			step(t, visitor, "answer on the status page",
				chromedp.Navigate(status),
				chromedp.WaitVisible(chromedp.ID("answer")),
				chromedp.SendKeys(chromedp.ID("answer"), "dirk.j@example.org"),
				submit(chromedp.CSS(`.question button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			letterTo(t, smtp, 4, "eva@esomus.example", "the requester answered")

			export := filepath.Join(t.TempDir(), "export.json")
			os.WriteFile(export, []byte(`{"UID":"u-77123","pages_viewed":42}`), 0o644)
			step(t, staff, "answer with the data found",
				chromedp.Reload(),
				chromedp.WaitVisible(chromedp.Search(`//summary[contains(., "Answer the request")]`)),
				chromedp.Click(chromedp.Search(`//summary[contains(., "Answer the request")]`)),
				chromedp.SendKeys(chromedp.ID("complete-outcome_access"), "Page views linked to UID u-77123; kept 13 months for statistics."),
				chromedp.SetUploadFiles(chromedp.ID("complete-files"), []string{export}),
				submit(chromedp.CSS(`form[action*="/complete#"] button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if s := get(t, staff, "status", chromedp.Text(chromedp.CSS(".status"))); s != "Answered" {
				t.Errorf("status after the answer: %q", s)
			}

			answer := letterTo(t, smtp, 5, "dirk@example.org", "has been answered")
			if !strings.Contains(answer.Text, "export.json") || !strings.Contains(answer.Text, "contact@apd-gba.be") {
				t.Errorf("answer letter:\n%s", answer.Text)
			}
			downloads := t.TempDir()
			if _, err := chromedp.CallBrowser(visitor, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: "allow", DownloadPath: downloads}); err != nil {
				t.Fatal(err)
			}
			step(t, visitor, "download the data",
				chromedp.Navigate(statusLink.FindString(answer.Text)),
				chromedp.WaitVisible(chromedp.CSS(`a[download]`)),
				chromedp.Click(chromedp.CSS(`a[download]`)),
			)
			got := waitForFile(t, filepath.Join(downloads, "export.json"))
			if got != `{"UID":"u-77123","pages_viewed":42}` {
				t.Errorf("downloaded %q", got)
			}
			shot(t, visitor, "answered")
			if n := len(smtp.Messages()); n != 5 {
				t.Errorf("%d letters in all, want 5", n)
			}
		})
	}
}

func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no download at %s", path)
	return ""
}
