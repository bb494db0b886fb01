package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"rightsdesk/internal/testapp"
	"rightsdesk/models"
	"rightsdesk/retention"
)

// TestErasedCaseOverHTTP: once its retention has passed and the purge ran, a case's page says its
// personal data was erased, its events carry the mark, the requester's address is nowhere on the
// page, staff can add nothing to it (the error on the page), and the requester's status page and
// copy are gone.
func TestErasedCaseOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		ref, statusToken := fileVerified(t, p, "esomus", "ines.erased@example.org", "u-erased-1")
		staff := member(t, p, "hanna@esomus.example", models.RoleStaff, "esomus")
		versionOf := func(body string) string {
			return regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
		}
		page := staff.Get("/staff/cases/" + ref)
		form := func(kv ...string) url.Values {
			v := url.Values{"_csrf": {testapp.CSRF(t, page.Body)}, "version": {versionOf(page.Body)}}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		expect(t, staff.Post("/staff/cases/"+ref+"/withdraw", form("how", "Phone call of 10 March.")), http.StatusSeeOther)
		expect(t, p.Client(t).Get("/r/"+statusToken), 200, ref)
		if err := models.GormForTest(p.Store).Exec(`UPDATE letters SET status = 'sent'`).Error; err != nil {
			t.Fatal(err)
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		lines, err := retention.Run(ctx, p.Store, time.Now().AddDate(3, 1, 0), quiet)
		var erased int64
		for _, l := range lines {
			erased += l.Answered
		}
		if err != nil || erased != 1 {
			t.Fatalf("purge: %+v, %v", lines, err)
		}

		page = staff.Get("/staff/cases/" + ref)
		expect(t, page, 200, "Personal data erased on ", "nothing more can be added", `<span class="badge">personal data erased</span>`,
			"Personal data erased: the case closed on ")
		for _, gone := range []string{"ines.erased@example.org", "u-erased-1", "Phone call of 10 March"} {
			if strings.Contains(page.Body, gone) {
				t.Errorf("the erased case's page still shows %q", gone)
			}
		}
		before, _ := p.Store.CaseByReference(ctx, ref)
		res := staff.Post("/staff/cases/"+ref+"/notes", form("note", "Called back."))
		expect(t, res, http.StatusConflict, "The personal data of this case was erased on", "Called back.")
		if after, _ := p.Store.CaseByReference(ctx, ref); after.Version != before.Version {
			t.Error("a refused note changed the case")
		}
		for _, path := range []string{"/r/" + statusToken, "/r/" + statusToken + "/copy"} {
			if res := p.Client(t).Get(path); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s after the erasure: %d", path, res.StatusCode)
			}
		}
	})
}
