package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/models"
	"rightsdesk/password"
)

// TestManagerFollowsOverdueToTheQueue: a manager logs in, opens the dashboard from the menu, sees
// that one case is overdue, follows the figure and lands on the queue showing that case only.
func TestManagerFollowsOverdueToTheQueue(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := testapp.Start(t, testapp.Options{Dialect: dialect})
			ctx := context.Background()
			site, cookies := siteWithCookies(t, p, "esomus")
			var refs []string
			for _, email := range []string{"late@example.org", "fresh@example.org"} {
				filed, err := p.App.Cases.File(ctx, site, cookies, dsr.Request{Kinds: []dsr.Kind{dsr.KindAccess}, Email: email, Language: "en", Country: "BE"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := p.App.Cases.Verify(ctx, filed.VerifyToken); err != nil {
					t.Fatal(err)
				}
				refs = append(refs, filed.Reference)
			}
			// The first one came in two months ago: its answer was due a month ago.
			past := deadline.Today(time.Now(), deadline.DefaultLocation).AddMonths(-2)
			err := models.GormForTest(p.Store).Exec(`UPDATE cases SET received_on = ?, due_on = ?, answer_due_on = ?, target_on = ? WHERE reference = ?`,
				past, past.AddMonths(1), past.AddMonths(1), past.AddDays(20), refs[0]).Error
			if err != nil {
				t.Fatal(err)
			}
			hash, _ := password.Hash("manager-journey-pass")
			u := models.User{Email: "mona@esomus.example", Name: "Mona Manager", Role: models.RoleManager, PasswordHash: hash, Active: true}
			if err := p.Store.CreateUser(ctx, &u, []int64{site.ControllerID}); err != nil {
				t.Fatal(err)
			}

			b := browser(t)
			step(t, b, "log in",
				chromedp.Navigate(p.URL+"/staff/login"),
				chromedp.SendKeys(chromedp.ID("email"), u.Email),
				chromedp.SendKeys(chromedp.ID("password"), "manager-journey-pass"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS("table.queue")),
			)
			step(t, b, "open the dashboard from the menu",
				submit(chromedp.Search(`//nav//a[normalize-space(.)="Dashboard"]`)),
				chromedp.WaitVisible(chromedp.CSS("svg[role=img]")),
			)
			shot(t, b, "dashboard")
			headline := get(t, b, "headline", chromedp.Text(chromedp.CSS("main")))
			for _, want := range []string{"Open cases: 2", "Overdue now: 1"} {
				if !strings.Contains(headline, want) {
					t.Errorf("the dashboard does not say %q", want)
				}
			}
			step(t, b, "follow overdue to the queue",
				submit(chromedp.Search(`//a[starts-with(normalize-space(.), "Overdue now")]`)),
				chromedp.WaitVisible(chromedp.CSS("table.queue")),
			)
			shot(t, b, "overdue-queue")
			url := get(t, b, "address", chromedp.Location())
			if !strings.Contains(url, "/staff/cases") || !strings.Contains(url, "band=overdue") {
				t.Errorf("the link led to %s", url)
			}
			rows := get(t, b, "queue", chromedp.Text(chromedp.CSS("table.queue tbody")))
			if !strings.Contains(rows, refs[0]) || strings.Contains(rows, refs[1]) {
				t.Errorf("the overdue queue shows %q; want %s and not %s", rows, refs[0], refs[1])
			}
		})
	}
}
