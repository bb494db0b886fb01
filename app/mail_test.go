package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/app"
	"rightsdesk/cases"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/mailer/smtptest"
	"rightsdesk/models"
)

var (
	verifyLink = regexp.MustCompile(`http://[^\s"<]+/requests/verify/[A-Za-z0-9_-]{43}`)
	statusLink = regexp.MustCompile(`http://[^\s"<]+/r/[A-Za-z0-9_-]{43}`)
)

func fileRequest(t *testing.T, c *testapp.Client, email string) {
	t.Helper()
	page := c.Get("/requests/new?site=itsme")
	res := c.Post("/requests", url.Values{
		"_csrf": {testapp.CSRF(t, page.Body)}, "site": {"itsme"}, "kinds": {"access"},
		"email": {email}, "name": {"Noor Peeters"}, "language": {"nl"}, "country": {"FR"},
		"typed_name_0": {"__zlcmid"}, "typed_value_0": {"zl-123"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("filing: %d\n%s", res.StatusCode, res.Body)
	}
}

func confirm(t *testing.T, c *testapp.Client, link string) string {
	t.Helper()
	page := c.Get(link)
	res := c.Post(link, url.Values{"_csrf": {testapp.CSRF(t, page.Body)}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", res.StatusCode, res.Body)
	}
	return res.Header.Get("Location")
}

// A Dutch-speaking visitor living in France files a request while the SMTP server is down, and the
// case runs to its answer with a second outage in the middle: every letter arrives exactly once, in
// Dutch, naming both the APD/GBA (its Dutch complaint page) and the CNIL.
func TestEveryLetterInDutchOnceThroughOutages(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			smtp := smtptest.Start(t, smtptest.Options{})
			smtp.Stop()
			p := testapp.Start(t, testapp.Options{Dialect: d, Workers: true, Config: app.Config{
				SMTPURL:     smtp.URL(),
				MailBackoff: func(int) time.Duration { return 200 * time.Millisecond },
			}})
			c := p.Client(t)
			fileRequest(t, c, "noor@example.org")

			// The server is down: the letter stays queued with the reason, and is retried.
			waitFor(t, "a failed attempt", func() bool {
				l := onlyLetter(t, p)
				return l.Attempts >= 2 && l.LastError != ""
			})
			if l := onlyLetter(t, p); l.Status != models.LetterQueued {
				t.Fatalf("letter is %s while the server is down", l.Status)
			}

			smtp.Restart(t)
			got := smtp.WaitFor(t, 1, 10*time.Second)
			if got[0].To[0] != "noor@example.org" || !strings.Contains(got[0].Subject, "Bevestig uw verzoek DSR-") || got[0].HTML == "" {
				t.Fatalf("verification letter: to %v subject %q", got[0].To, got[0].Subject)
			}
			link := verifyLink.FindString(got[0].Text)
			if link == "" || !strings.Contains(got[0].HTML, link) {
				t.Fatalf("no verification link in the letter:\n%s", got[0].Text)
			}
			statusPath := confirm(t, c, link)
			got = smtp.WaitFor(t, 2, 10*time.Second)
			if sl := statusLink.FindString(got[1].Text); !strings.HasSuffix(sl, statusPath) {
				t.Errorf("status link %q, want …%s", sl, statusPath)
			}

			// Staff work the case: a question, the requester's answer, an extension during a second
			// outage, the answer.
			ls, _ := p.Store.Letters(ctx, models.LetterFilter{Kind: "acknowledgement"})
			cs, err := p.Store.CaseByID(ctx, *ls[0].CaseID)
			if err != nil {
				t.Fatal(err)
			}
			admin, err := p.Store.UserByEmail(ctx, testapp.AdminEmail)
			if err != nil {
				t.Fatal(err)
			}
			a := cases.Actor{UserID: admin.ID, Name: admin.Name, Role: admin.Role, Controllers: []int64{cs.ControllerID}}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			svc := p.App.Cases
			must(svc.Claim(ctx, a, cs.Reference, 0))
			replyBy, err := svc.DefaultReplyBy(ctx, a, cs.Reference)
			must(err)
			must(svc.RequestInfo(ctx, a, cs.Reference, 0, cases.Question{Text: "Welke browser gebruikt u?", ReplyBy: replyBy}))
			smtp.WaitFor(t, 3, 10*time.Second)
			must(svc.Reply(ctx, strings.TrimPrefix(statusPath, "/r/"), "Firefox"))
			smtp.Stop()
			must(svc.Extend(ctx, a, cs.Reference, 0, "Gegevens in drie systemen."))
			time.Sleep(time.Second) // attempts fail meanwhile
			smtp.Restart(t)
			items, err := svc.AccessDraftOf(ctx, cs.Reference)
			must(err)
			must(svc.Complete(ctx, a, cs.Reference, 0, cases.Answer{Rights: cases.CompliedWith(map[dsr.Kind]string{dsr.KindAccess: "CRM: uitgevoerd"}), Access: items}))

			// verification, acknowledgement, question, reply-received (to staff), extension, answer.
			got = smtp.WaitFor(t, 6, 20*time.Second)
			time.Sleep(700 * time.Millisecond) // room for a duplicate to show up
			got = smtp.Messages()
			seen := map[string]int{}
			for _, m := range got {
				seen[m.MessageID]++
			}
			if len(got) != 6 || len(seen) != 6 {
				t.Errorf("%d messages with %d distinct Message-IDs arrived, want 6 of each", len(got), len(seen))
			}
			all, _ := p.Store.Letters(ctx, models.LetterFilter{})
			for _, l := range all {
				if l.Status != models.LetterSent || seen[l.MessageID] != 1 {
					t.Errorf("letter %d (%s): %s, arrived %d times", l.ID, l.Kind, l.Status, seen[l.MessageID])
				}
			}
			for _, m := range got {
				if m.To[0] != "noor@example.org" {
					continue
				}
				if !strings.Contains(m.HTML, `lang="nl"`) || !strings.Contains(m.Subject, "verzoek") {
					t.Errorf("letter %q is not in Dutch", m.Subject)
				}
				if strings.Contains(m.Subject, "Bevestig") {
					continue // the verification letter carries no complaint guidance
				}
				for _, want := range []string{"Gegevensbeschermingsautoriteit",
					"https://www.gegevensbeschermingsautoriteit.be/burger/acties/klacht-indienen", "CNIL", "https://www.cnil.fr/"} {
					if !strings.Contains(m.Text, want) {
						t.Errorf("letter %q lacks %q", m.Subject, want)
					}
				}
			}
		})
	}
}

func TestLettersOverSTARTTLSWithAuth(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.Options{TLS: true, Username: "rightsdesk", Password: "s3cret:pass"})
	p := testapp.Start(t, testapp.Options{Workers: true, Config: app.Config{
		SMTPURL: smtp.URL() + "?starttls=required", SMTPTLS: smtp.ClientTLSConfig(),
	}})
	fileRequest(t, p.Client(t), "tls@example.org")
	got := smtp.WaitFor(t, 1, 10*time.Second)
	if !got[0].TLS {
		t.Error("the letter did not travel over TLS")
	}
}

func TestLettersOverImplicitTLS(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.Options{ImplicitTLS: true})
	if !strings.HasPrefix(smtp.URL(), "smtps://") {
		t.Fatalf("URL %s", smtp.URL())
	}
	p := testapp.Start(t, testapp.Options{Workers: true, Config: app.Config{SMTPURL: smtp.URL(), SMTPTLS: smtp.ClientTLSConfig()}})
	fileRequest(t, p.Client(t), "smtps@example.org")
	if got := smtp.WaitFor(t, 1, 10*time.Second); !got[0].TLS {
		t.Error("the letter did not travel over TLS")
	}
}

func TestARejectedMailboxFailsTheLetterForGood(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.Options{RejectRecipients: func(r string) bool { return strings.HasPrefix(r, "nobody@") }})
	p := testapp.Start(t, testapp.Options{Workers: true, Config: app.Config{SMTPURL: smtp.URL()}})
	fileRequest(t, p.Client(t), "nobody@example.org")
	waitFor(t, "the letter to fail", func() bool { return onlyLetter(t, p).Status == models.LetterFailed })
	l := onlyLetter(t, p)
	if !strings.Contains(l.LastError, "550") || l.Attempts != 1 {
		t.Errorf("failed letter: attempts %d, error %q", l.Attempts, l.LastError)
	}
	// An admin sees it in the mailbox with the server's answer.
	admin := p.Client(t)
	admin.Login(testapp.AdminEmail, testapp.AdminPassword)
	page := admin.Get("/admin/mailbox?status=failed")
	if !strings.Contains(page.Body, "nobody@example.org") {
		t.Error("the failed letter is not listed under failed")
	}
}

func TestWithoutSMTPLettersAreKept(t *testing.T) {
	p := testapp.Start(t, testapp.Options{Workers: true})
	fileRequest(t, p.Client(t), "kept@example.org")
	time.Sleep(1500 * time.Millisecond) // the job queue polls every second
	l := onlyLetter(t, p)
	if l.Status != models.LetterQueued || l.Attempts != 0 {
		t.Errorf("without SMTP the letter is %s after %d attempts; want kept, untouched", l.Status, l.Attempts)
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := app.ConfigFromEnv(env(nil))
	if err != nil || c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.BaseURL != "http://127.0.0.1:8080" || c.DatabaseURL != "" {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	c, err = app.ConfigFromEnv(env(map[string]string{"BASE_URL": "https://privacy.example.be/", "RIGHTSDESK_TRUST_PROXY": "true"}))
	if err != nil || c.BaseURL != "https://privacy.example.be" || !c.TrustProxy {
		t.Errorf("BASE_URL: %+v, %v", c, err)
	}
	if c, err := app.ConfigFromEnv(env(map[string]string{"RIGHTSDESK_RESCUE_AFTER": "3m"})); err != nil || c.RescueAfter != 3*time.Minute {
		t.Errorf("RIGHTSDESK_RESCUE_AFTER: %v, %v", c.RescueAfter, err)
	}
	if c, err := app.ConfigFromEnv(env(map[string]string{"RIGHTSDESK_KEEP_WEBHOOK_LOG_DAYS": "30", "RIGHTSDESK_KEEP_JOBS_DAYS": "2"})); err != nil ||
		c.KeepWebhookLog != 30*24*time.Hour || c.KeepJobs != 48*time.Hour || c.KeepFailedJobs != 0 {
		t.Errorf("RIGHTSDESK_KEEP_*_DAYS: %v %v %v, %v", c.KeepWebhookLog, c.KeepJobs, c.KeepFailedJobs, err)
	}
	for name, m := range map[string]map[string]string{
		"bad base url":    {"BASE_URL": "privacy.example.be"},
		"bad mail from":   {"MAIL_FROM": "not an address"},
		"bad smtp scheme": {"SMTP_URL": "http://mail.example.org"},
		"bad proxy flag":  {"RIGHTSDESK_TRUST_PROXY": "perhaps"},
		"bad rescue":      {"RIGHTSDESK_RESCUE_AFTER": "5"},
		"short rescue":    {"RIGHTSDESK_RESCUE_AFTER": "30s"},
		"keep in hours":   {"RIGHTSDESK_KEEP_JOBS_DAYS": "24h"},
		"keep nothing":    {"RIGHTSDESK_KEEP_WEBHOOK_LOG_DAYS": "0"},
		"keep forever":    {"RIGHTSDESK_KEEP_FAILED_JOBS_DAYS": "99999"},
	} {
		if _, err := app.ConfigFromEnv(env(m)); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if _, err := app.ConfigFromEnv(env(map[string]string{"SMTP_URL": "smtp://user:hunter2@mail:bad"})); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a bad SMTP_URL error must not show the password: %v", err)
	}
}

func onlyLetter(t *testing.T, p *testapp.Portal) models.Letter {
	t.Helper()
	ls, err := p.Store.Letters(context.Background(), models.LetterFilter{})
	if err != nil || len(ls) != 1 {
		t.Fatalf("letters: %d, %v", len(ls), err)
	}
	return ls[0]
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
