package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rightsdesk/internal/testdb"
	"rightsdesk/models"
)

// TestCatalogueCSV is a small cookie table as a controller would export it from a spreadsheet.
const testCatalogueCSV = "name,provider,party,category,purpose,lifetime,identifying\n" +
	"shop_id,Acme,first,analytics,Compte les visites.,1 an,yes\n" +
	"session,Acme,first,necessary,Garde la session.,Session,no\n"

// TestSetUpAnOrganisationFromTheCommandLine goes from an empty database to a controller with a
// site, its catalogue and a member of staff, and checks every refusal on the way.
func TestSetUpAnOrganisationFromTheCommandLine(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			o := testdb.Options(t, d)
			env := map[string]string{"DATABASE_URL": o.DatabaseURL, "RIGHTSDESK_DATA_DIR": o.DataDir}
			if r := runWith(t, env, "", "migrate"); r.code != 0 {
				t.Fatalf("migrate: %+v", r)
			}
			const pw = "correct horse battery staple\n"

			// Staff and managers need an organisation; e-mails are checked as the invitation form does.
			for _, role := range []string{"staff", "manager"} {
				r := runWith(t, env, pw, "user", "add", "--email", "s@acme.example", "--name", "S", "--role", role)
				if r.code != 2 || !strings.Contains(r.stderr, "--controller is required for staff and managers") {
					t.Errorf("%s without --controller: %+v", role, r)
				}
			}
			for email, why := range map[string]string{
				"@":             "address only",
				"a@b.be,c@d.be": "address only",
				"<script>@x":    "address only",
				"admin@acme.example\r\nBcc: x@evil.example": "single line",
				"admin@acme.example\nBcc: x@evil.example":   "single line",
				"admin@localhost":                           "full domain",
				"":                                          "Give the e-mail address",
			} {
				r := runWith(t, env, pw, "user", "add", "--email", email, "--name", "A", "--role", "admin")
				if r.code != 2 || !strings.Contains(r.stderr, "--email: ") || !strings.Contains(r.stderr, why) {
					t.Errorf("user add --email %q: %+v; want %q", email, r, why)
				}
			}
			if r := runWith(t, env, pw, "user", "add", "--email", "a@acme.example", "--name", "A\r\nB", "--role", "admin"); r.code != 2 || !strings.Contains(r.stderr, "--name: ") {
				t.Errorf("a name on two lines: %+v", r)
			}
			if r := runWith(t, env, pw, "user", "add", "--email", "Admin@Acme.example", "--name", "Alex Admin", "--role", "admin"); r.code != 0 || !strings.Contains(r.stdout, "admin@acme.example (admin)") {
				t.Fatalf("the first admin: %+v", r)
			}

			// Controllers: refused with the reason, nothing written.
			add := func(extra ...string) result {
				return runWith(t, env, "", append([]string{"controller", "add", "--slug", "acme", "--name", "Acme SA", "--country", "BE"}, extra...)...)
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--country", "XX"}, `--country: "XX" is not an EU or EEA country code Rightsdesk knows`},
				{[]string{"--country", "LI"}, "--country: Rightsdesk has no public-holiday calendar for Liechtenstein"},
				{[]string{"--timezone", "Europe/Brusels"}, `--timezone: "Europe/Brusels" is not an IANA time zone name`},
				{[]string{"--language", "es"}, "--language: Choose French"},
				{[]string{"--email", "a@b.be,c@d.be"}, "--email: Type the address only"},
				{[]string{"--target-days", "45"}, "--target-days: Give a number of calendar days from 1 to 27"},
				{[]string{"--keep-answered-days", "10"}, `--keep-answered-days: "10" is not a whole number from 30 to 3653`},
				{[]string{"--keep-answered-days", ""}, "--keep-answered-days: Give how many days the personal data of a closed case is kept"},
				{[]string{"--keep-unconfirmed-days", "a year"}, `--keep-unconfirmed-days: "a year" is not a whole number from 1 to 365`},
				{[]string{"--privacy-url", "javascript:alert(1)"}, "--privacy-url: Give an absolute address"},
				{[]string{"--slug", "Acme Inc"}, "--slug: Use lower-case letters"},
				{[]string{"--address", "Rue\x00 1"}, "--address: A line of the address"},
				{[]string{"stray"}, `unexpected argument "stray"`},
			} {
				if r := add(tc.args...); r.code != 2 || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "usage: rightsdesk controller add") {
					t.Errorf("controller add %v: %+v; want %q", tc.args, r, tc.want)
				}
			}
			r := add("--address", "Rue de la Loi 16", "--address", "1000 Bruxelles", "--company-number", "BE0123.456.789",
				"--email", "privacy@acme.example", "--language", "nl", "--target-days", "15", "--identity-pause",
				"--keep-unconfirmed-days", "14")
			if r.code != 0 || !strings.Contains(r.stdout, "controller 1 added: acme (Acme SA), BE, Europe/Brussels") ||
				!strings.Contains(r.stdout, "next: rightsdesk site add --controller acme") {
				t.Fatalf("controller add: %+v", r)
			}
			if r := add(); r.code != 2 || !strings.Contains(r.stderr, "--slug: Another organisation has this short name") {
				t.Errorf("a second acme: %+v", r)
			}

			// Sites.
			site := func(extra ...string) result {
				return runWith(t, env, "", append([]string{"site", "add", "--controller", "acme", "--slug", "acme-shop", "--name", "Acme Shop"}, extra...)...)
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--domain", "shop.acme.example", "--controller", "nope"}, `--controller: no controller "nope"`},
				{nil, "--domain: Give the site's domain"},
				{[]string{"--domain", "https://shop.acme.example/"}, "--domain: \"https://shop.acme.example/\" is not a domain"},
				{[]string{"--domain", "shop.acme.example", "--policy-version", "01 octobre 2024"}, "--policy-version: Give the date of the policy as YYYY-MM-DD"},
				{[]string{"--domain", "shop.acme.example", "--language", "es"}, "--language: Choose among"},
			} {
				if r := site(tc.args...); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("site add %v: %+v; want %q", tc.args, r, tc.want)
				}
			}
			if r := runWith(t, env, "", "site", "add", "--slug", "x", "--name", "X", "--domain", "x.example"); r.code != 2 || !strings.Contains(r.stderr, "--controller is required") {
				t.Errorf("site add without --controller: %+v", r)
			}
			r = site("--domain", "shop.acme.example", "--domain", "www.acme.example", "--policy-version", "2025-06-01")
			if r.code != 0 || !strings.Contains(r.stdout, "site 1 added: acme-shop (Acme Shop) of acme, shop.acme.example www.acme.example") {
				t.Fatalf("site add: %+v", r)
			}

			// The catalogue: refused with line and column; then imported, and a second import changes nothing.
			dir := t.TempDir()
			bad := filepath.Join(dir, "bad.csv")
			os.WriteFile(bad, []byte("name,provider,party,category,purpose,lifetime\nshop_id,Acme,first,tracking,x,1 an\n"), 0o600)
			r = runWith(t, env, "", "catalogue", "import", "--site", "acme-shop", bad)
			if r.code != 1 || !strings.Contains(r.stderr, bad+`: line 2, column 4 (category): "tracking" is not a category`) || !strings.Contains(r.stderr, "nothing imported") {
				t.Errorf("a bad file: %+v", r)
			}
			good := filepath.Join(dir, "cookies.csv")
			os.WriteFile(good, []byte(testCatalogueCSV), 0o600)
			if r := runWith(t, env, "", "catalogue", "import", "--site", "nope", good); r.code != 2 || !strings.Contains(r.stderr, `no site "nope"`) {
				t.Errorf("an unknown site: %+v", r)
			}
			if r := runWith(t, env, "", "catalogue", "import", "--site", "acme-shop"); r.code != 2 || !strings.Contains(r.stderr, "give one FILE") {
				t.Errorf("no file: %+v", r)
			}
			r = runWith(t, env, "", "catalogue", "import", "--site", "acme-shop", "--dry-run", good)
			if r.code != 0 || !strings.Contains(r.stdout, "acme-shop: 2 cookie(s) in the file: 2 added, 0 changed") || !strings.Contains(r.stdout, "dry run") {
				t.Errorf("dry run: %+v", r)
			}
			r = runWith(t, env, testCatalogueCSV, "catalogue", "import", "--site", "acme-shop", "-")
			if r.code != 0 || !strings.Contains(r.stdout, "2 added") || !strings.HasSuffix(r.stdout, "applied\n") {
				t.Fatalf("import: %+v", r)
			}
			if r := runWith(t, env, "", "catalogue", "import", "--site", "acme-shop", good); r.code != 0 || !strings.Contains(r.stdout, "nothing to change") {
				t.Errorf("the same file again: %+v", r)
			}
			// A third-party cookie with its provider's place: recorded; the same file again changes nothing.
			withPlace := "name,provider,party,category,purpose,lifetime,identifying,provider_country,transfer_safeguard\n" +
				"shop_id,Acme,first,analytics,Compte les visites.,1 an,yes,,\n" +
				"session,Acme,first,necessary,Garde la session.,Session,no,,\n" +
				"_ga,Google,third,analytics,Distingue les visiteurs.,2 ans,yes,US,dpf\n"
			r = runWith(t, env, withPlace, "catalogue", "import", "--site", "acme-shop", "-")
			if r.code != 0 || !strings.Contains(r.stdout, "1 added, 0 changed") || !strings.Contains(r.stdout, "1 provider(s) recorded anew") ||
				!strings.Contains(r.stdout, "provider Google: US, dpf\n") || !strings.HasSuffix(r.stdout, "applied\n") {
				t.Fatalf("import with a provider's place: %+v", r)
			}
			if r := runWith(t, env, withPlace, "catalogue", "import", "--site", "acme-shop", "-"); r.code != 0 || !strings.Contains(r.stdout, "nothing to change") {
				t.Errorf("the same places again: %+v", r)
			}
			if r := runWith(t, env, strings.Replace(withPlace, "US,dpf", "CN,", 1), "catalogue", "import", "--site", "acme-shop", "-"); r.code != 1 ||
				!strings.Contains(r.stderr, "line 4, column 9 (transfer_safeguard): Say what safeguard") {
				t.Errorf("a provider outside the EU/EEA without a safeguard: %+v", r)
			}

			if r := runWith(t, env, pw, "user", "add", "--email", "sam@acme.example", "--name", "Sam", "--role", "staff", "--controller", "acme"); r.code != 0 {
				t.Fatalf("staff of acme: %+v", r)
			}

			st, err := models.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			c, err := st.ControllerBySlug(ctx, "acme")
			if err != nil || c.Address != "Rue de la Loi 16\n1000 Bruxelles" || c.DefaultLanguage != "nl" || c.LeadAuthority != "BE" || c.InternalTargetDays != 15 ||
				!c.IdentityPause || c.KeepAnsweredDays != 1095 || c.KeepUnconfirmedDays != 14 {
				t.Errorf("controller: %+v %v", c, err)
			}
			s, _ := st.SiteBySlug(ctx, "acme-shop")
			cookies, _ := st.Cookies(ctx, s.ID)
			if len(cookies) != 3 || cookies[0].Name != "shop_id" || !cookies[0].Identifying || s.PolicyVersion.String() != "2025-06-01" || s.Languages != "nl" {
				t.Errorf("site %+v with %d cookies", s, len(cookies))
			}
			if ps, err := st.SiteProviders(ctx, s.ID); err != nil || len(ps) != 1 || ps[0].Name != "Google" || ps[0].Country != "US" || ps[0].Safeguard != "dpf" {
				t.Errorf("providers: %+v %v", ps, err)
			}
			n, _ := st.CountUsers(ctx)
			if n != 2 {
				t.Errorf("%d users, want 2", n)
			}

			// Every change above is an event of the system (no user) in the audit chain, in the
			// scope of the portal (accounts) or of acme; refused commands and files wrote none.
			var es []models.Event
			if err := models.GormForTest(st).Order("id").Find(&es).Error; err != nil {
				t.Fatal(err)
			}
			want := []struct {
				typ  string
				ctrl int64
				msg  string
			}{
				{"user_added", 0, "Account of Alex Admin <admin@acme.example> added as admin, with a password, from the command line."},
				{"controller_added", c.ID, "Organisation Acme SA (acme) added."},
				{"site_added", c.ID, "Site Acme Shop (acme-shop) added: shop.acme.example www.acme.example."},
				{"catalogue_imported", c.ID, "Catalogue of acme-shop imported: 2 cookies; 2 added, 0 changed, 0 restored, 0 retired."},
				{"catalogue_imported", c.ID, "Catalogue of acme-shop imported: 3 cookies; 1 added, 0 changed, 0 restored, 0 retired. Where 1 provider(s) process the data recorded."},
				{"user_added", 0, "Account of Sam <sam@acme.example> added as staff of acme, with a password, from the command line."},
			}
			if len(es) != len(want) {
				t.Fatalf("%d events, want %d: %+v", len(es), len(want), es)
			}
			for i, w := range want {
				e := es[i]
				if e.Type != w.typ || e.ControllerID != w.ctrl || e.CaseID != 0 || e.ActorType != models.ActorSystem || e.ActorUserID != nil || e.Message != w.msg {
					t.Errorf("event %d: %s of %d by %s: %q; want %s of %d: %q", i, e.Type, e.ControllerID, e.ActorType, e.Message, w.typ, w.ctrl, w.msg)
				}
			}
			if _, err := st.SealEvents(ctx); err != nil {
				t.Fatal(err)
			}
			if rep, err := st.VerifyAudit(ctx); err != nil || !rep.OK || rep.Events != int64(len(want)) {
				t.Errorf("chain: %+v %v", rep, err)
			}
		})
	}
}

// TestFirstRunSaysWhatToDoNext: serve's log on an empty database gives the next steps, then only
// what is still missing, then nothing.
func TestFirstRunSaysWhatToDoNext(t *testing.T) {
	testdb.Each(t, func(t *testing.T, st *models.Store) {
		ctx := context.Background()
		said := func() string {
			var b strings.Builder
			logNextSteps(ctx, slog.New(slog.NewTextHandler(&b, nil)), st, "https://privacy.acme.example")
			return b.String()
		}
		first := said()
		for _, want := range []string{"first run: no staff account yet", "rightsdesk user add --email you@example.be --name 'Your Name' --role admin",
			"https://privacy.acme.example/staff/login", "https://privacy.acme.example/admin/controllers/new", "rightsdesk serve --demo"} {
			if !strings.Contains(first, want) {
				t.Errorf("first run log lacks %q:\n%s", want, first)
			}
		}
		if strings.Contains(first, "level=WARN") || strings.Contains(first, "level=ERROR") {
			t.Errorf("the first run log is alarming:\n%s", first)
		}
		u := models.User{Email: "alex@acme.example", Name: "Alex", Role: models.RoleAdmin, Active: true}
		if err := st.CreateUser(ctx, &u, nil); err != nil {
			t.Fatal(err)
		}
		if s := said(); !strings.Contains(s, "no organisation yet") || strings.Contains(s, "first run") {
			t.Errorf("with an admin and no organisation:\n%s", s)
		}
		c := models.Controller{Slug: "acme", Name: "Acme", Country: "BE", TimeZone: "Europe/Brussels", LeadAuthority: "BE", DefaultLanguage: "fr", InternalTargetDays: 20}
		if err := st.CreateController(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if s := said(); s != "" {
			t.Errorf("once set up the log still says:\n%s", s)
		}
	})
}
