package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"rightsdesk/app"
	"rightsdesk/internal/testapp"
	"rightsdesk/internal/testdb"
	"rightsdesk/mailer/smtptest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// rightsdeskBinary builds cmd/rightsdesk once for the tests that use the command line as an
// operator would.
func rightsdeskBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rightsdesk-e2e-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "rightsdesk")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			goTool = "go"
		}
		out, err := exec.Command(goTool, "build", "-o", binPath, "rightsdesk/cmd/rightsdesk").CombinedOutput()
		if err != nil {
			buildErr = err
			binPath = string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build rightsdesk: %v\n%s", buildErr, binPath)
	}
	return binPath
}

// cli runs the rightsdesk binary against the portal's database, with stdin.
func cli(t *testing.T, p *testapp.Portal, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(rightsdeskBinary(t), args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+p.DB.DatabaseURL, "RIGHTSDESK_DATA_DIR="+p.DB.DataDir)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("rightsdesk %v: %v\n%s%s", args, err, out.String(), errb.String())
	}
	return out.String()
}

func logoFile(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 160, 48))
	for x := 0; x < 160; x++ {
		for y := 0; y < 48; y += 3 {
			img.Set(x, y, color.RGBA{0x0b, 0x4f, 0x8a, 0xff})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "acme-logo.png")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// acmeCatalogue is Acme's cookie table as it would export it from its consent tool.
const acmeCatalogue = "Nom;Fournisseur;Partie;Catégorie;Finalité;Durée;Identifiant\n" +
	"acme_uid;Acme;first;analytics;Distingue les visiteurs pour les statistiques.;1 an;oui\n" +
	"acme_session;Acme;first;necessary;Garde le panier pendant la visite.;Session;non\n"

var passwordLink = regexp.MustCompile(`http://[^\s"<]+/staff/password/[A-Za-z0-9_-]{43}`)

// TestSetUpFromAnEmptyDatabase is issue 13's "done when": from an empty database, the first admin
// is created on the command line; the admin logs in, adds the organisation and its site, imports
// its cookie catalogue, and invites a member of staff, who sets a password from the letter; a
// visitor files a request on the new site and confirms it from the letter; the member of staff
// finds it in the queue.
func TestSetUpFromAnEmptyDatabase(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			smtp := smtptest.Start(t, smtptest.Options{})
			p := testapp.Start(t, testapp.Options{Dialect: dialect, Workers: true, Empty: true, Config: app.Config{SMTPURL: smtp.URL()}})

			out := cli(t, p, "a long pass phrase for acme\n", "user", "add", "--email", "alex@acme.example", "--name", "Alex Admin", "--role", "admin")
			if !strings.Contains(out, "alex@acme.example (admin)") {
				t.Fatalf("user add: %s", out)
			}

			admin := browser(t)
			step(t, admin, "log in as the first admin",
				chromedp.Navigate(p.URL+"/staff/login"),
				chromedp.SendKeys(chromedp.ID("email"), "alex@acme.example"),
				chromedp.SendKeys(chromedp.ID("password"), "a long pass phrase for acme"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS("ol.steps")),
			)
			if h := get(t, admin, "landing", chromedp.Text(chromedp.CSS("h1"))); h != "Set up your first organisation" {
				t.Errorf("the first admin lands on %q", h)
			}
			shot(t, admin, "first-run")

			step(t, admin, "add the organisation, with a mistake",
				submit(chromedp.CSS(`main a.button.primary[href="/admin/controllers/new"]`)),
				chromedp.WaitVisible(chromedp.ID("name")),
				chromedp.SendKeys(chromedp.ID("name"), "Acme Retail SA"),
				chromedp.SendKeys(chromedp.ID("slug"), "acme"),
				chromedp.SendKeys(chromedp.ID("address"), "Rue de la Loi 16\n1000 Bruxelles\nBelgique"),
				chromedp.SendKeys(chromedp.ID("company_number"), "BE0123.456.789"),
				chromedp.SendKeys(chromedp.ID("contact_email"), "privacy@acme"),
				chromedp.SetValue(chromedp.ID("country"), "BE"),
				chromedp.SetValue(chromedp.ID("default_language"), "fr"),
				submit(chromedp.CSS(`main form button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".error-summary")),
			)
			if s := get(t, admin, "error summary", chromedp.Text(chromedp.CSS(".error-summary"))); !strings.Contains(s, "full domain") {
				t.Errorf("error summary: %q", s)
			}
			if v := get(t, admin, "name kept", chromedp.Value(chromedp.ID("name"))); v != "Acme Retail SA" {
				t.Errorf("the name typed was not kept: %q", v)
			}
			step(t, admin, "correct it and add the organisation",
				chromedp.SetValue(chromedp.ID("contact_email"), "privacy@acme.example"),
				submit(chromedp.CSS(`main form button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			step(t, admin, "upload its logo",
				chromedp.SetUploadFiles(chromedp.ID("logo-file"), []string{logoFile(t)}),
				submit(chromedp.CSS(`form[action$="/logo"] button`)),
				chromedp.WaitVisible(chromedp.CSS(".logo-preview img")),
			)
			shot(t, admin, "organisation")

			step(t, admin, "add its site",
				submit(chromedp.CSS(`a.button[href="/admin/sites/new?controller=acme"]`)),
				chromedp.WaitVisible(chromedp.ID("domains")),
				chromedp.SendKeys(chromedp.ID("name"), "Acme Shop"),
				chromedp.SendKeys(chromedp.ID("slug"), "acme-shop"),
				chromedp.SendKeys(chromedp.ID("domains"), "shop.acme.example\nwww.acme.example"),
				chromedp.SendKeys(chromedp.ID("policy_url"), "https://shop.acme.example/cookies"),
				chromedp.SetValue(chromedp.ID("policy_version"), "2025-06-01"),
				submit(chromedp.CSS(`main form button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			catalogue := filepath.Join(t.TempDir(), "acme-cookies.csv")
			os.WriteFile(catalogue, []byte(acmeCatalogue), 0o600)
			step(t, admin, "import its cookie catalogue",
				submit(chromedp.CSS(`a[href="/admin/sites/acme-shop/cookies/import"]`)),
				chromedp.WaitVisible(chromedp.ID("import-file")),
				chromedp.SetUploadFiles(chromedp.ID("import-file"), []string{catalogue}),
				submit(chromedp.CSS(`main form button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.ID("preview-counts")),
			)
			if c := get(t, admin, "preview", chromedp.Text(chromedp.ID("preview-counts"))); !strings.Contains(c, "2") {
				t.Errorf("preview: %q", c)
			}
			step(t, admin, "apply the import",
				submit(chromedp.Search(`//button[contains(., "Apply these changes")]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			if page := get(t, admin, "catalogue", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(page, "acme_uid") || !strings.Contains(page, "acme_session") {
				t.Errorf("the catalogue after the import:\n%s", page)
			}

			step(t, admin, "invite a member of staff of Acme",
				chromedp.Navigate(p.URL+"/admin/users"),
				chromedp.WaitVisible(chromedp.ID("email")),
				chromedp.SendKeys(chromedp.ID("email"), "sam@acme.example"),
				chromedp.SendKeys(chromedp.ID("name"), "Sam Desk"),
				chromedp.SetValue(chromedp.ID("role"), "staff"),
				chromedp.Click(chromedp.Search(`//label[normalize-space(.)="Acme Retail SA"]`)),
				submit(chromedp.Search(`//button[contains(., "Send the invitation")]`)),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
			)
			invitation := letterTo(t, smtp, 1, "sam@acme.example", "")
			link := passwordLink.FindString(invitation.Text)
			if link == "" {
				t.Fatalf("invitation:\n%s", invitation.Text)
			}
			staff := browser(t)
			step(t, staff, "set the password from the invitation and log in",
				chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.ID("password")),
				chromedp.SendKeys(chromedp.ID("password"), "sam's own pass phrase"),
				chromedp.SendKeys(chromedp.ID("confirm"), "sam's own pass phrase"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.ID("email")),
				chromedp.SendKeys(chromedp.ID("email"), "sam@acme.example"),
				chromedp.SendKeys(chromedp.ID("password"), "sam's own pass phrase"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS("h1")),
			)
			if page := get(t, staff, "empty queue", chromedp.Text(chromedp.CSS("main"))); !strings.Contains(page, "0 cases") {
				t.Errorf("the new member of staff's queue:\n%s", page)
			}

			visitor := browser(t)
			step(t, visitor, "find the new site and open its request form",
				chromedp.Navigate(p.URL+"/"),
				submit(chromedp.CSS(`a[href="/requests/new?site=acme-shop"]`)),
				chromedp.WaitVisible(chromedp.ID("email")),
			)
			if b := get(t, visitor, "brand", chromedp.Text(chromedp.CSS(".org-brand"))); b != "Acme Retail SA" {
				t.Errorf("the request form names %q", b)
			}
			if src := get(t, visitor, "logo", chromedp.AttributeValue(chromedp.CSS(".org-brand img"), "src")); !strings.HasPrefix(src.Value, "/brand/acme/logo?v=") {
				t.Errorf("logo on the request form: %q", src.Value)
			}
			step(t, visitor, "file an access request",
				chromedp.Click(chromedp.ID("kind-access")),
				chromedp.SendKeys(chromedp.ID("email"), "lea@example.org"),
				chromedp.SetValue(chromedp.ID("country"), "BE"),
				chromedp.SetValue(chromedp.ID("typed_name_0"), "acme_uid"),
				chromedp.SendKeys(chromedp.ID("typed_value_0"), "v-20251"),
				submit(chromedp.CSS(`button[type=submit].primary`)),
				chromedp.WaitVisible(chromedp.CSS(".reference")),
			)
			ref := get(t, visitor, "reference", chromedp.Text(chromedp.CSS(".reference")))
			verification := letterTo(t, smtp, 2, "lea@example.org", ref)
			if !strings.Contains(verification.Text, "Acme Retail SA") || !strings.Contains(verification.HTML, `<img src="`+p.URL+`/brand/acme/logo?v=`) ||
				!strings.Contains(verification.HTML, `alt="Acme Retail SA"`) {
				t.Errorf("the verification letter does not carry Acme's name and logo:\n%s", verification.HTML)
			}
			step(t, visitor, "confirm from the letter",
				chromedp.Navigate(verifyLink.FindString(verification.Text)),
				chromedp.WaitVisible(chromedp.CSS(`button.primary`)),
				submit(chromedp.CSS(`button.primary`)),
				chromedp.WaitVisible(chromedp.CSS(".status")),
			)
			letterTo(t, smtp, 3, "lea@example.org", ref)

			step(t, staff, "the member of staff finds it in the queue",
				chromedp.Navigate(p.URL+"/staff/cases"),
				chromedp.WaitVisible(chromedp.CSS("table.queue")),
			)
			row := get(t, staff, "queue row", chromedp.Text(chromedp.CSS("table.queue tbody tr")))
			if !strings.Contains(row, ref) || !strings.Contains(row, "l***a@example.org") {
				t.Errorf("queue row: %q", row)
			}
			shot(t, staff, "queue")
			if n := len(smtp.Messages()); n != 3 {
				t.Errorf("%d letters, want 3", n)
			}
		})
	}
}
