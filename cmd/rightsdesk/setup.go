package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"rightsdesk/access"
	"rightsdesk/catalogue"
	"rightsdesk/models"
	"rightsdesk/setup"
)

// repeated collects a flag given several times (--domain a --domain b).
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }

// refuse prints the field errors of errs, each under the flag that gave the value, and the usage.
func refuse(stderr io.Writer, cmd, use string, errs setup.Errors, flags map[string]string) int {
	fields := make([]string, 0, len(errs))
	for f := range errs {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		name := flags[f]
		if name == "" {
			name = f
		}
		fmt.Fprintf(stderr, "rightsdesk %s: --%s: %s\n", cmd, name, errs[f])
	}
	fmt.Fprintln(stderr, use)
	return 2
}

const controllerUsage = `usage: rightsdesk controller add --slug SLUG --name NAME --country CC [--address LINE ...]
       [--company-number N] [--email ADDRESS] [--phone P] [--timezone ZONE] [--language fr|nl|en|de]
       [--privacy-url URL] [--contact-url URL] [--target-days N] [--transparency=false] [--identity-pause]
       [--keep-answered-days N] [--keep-unconfirmed-days N] [--keep-record-years N]`

// controllerFlagNames names the flag of each field of setup.Controller.
var controllerFlagNames = map[string]string{
	setup.FieldCompanyNumber: "company-number", setup.FieldContactEmail: "email", setup.FieldTimeZone: "timezone",
	setup.FieldLanguage: "language", setup.FieldPrivacyURL: "privacy-url", setup.FieldContactURL: "contact-url",
	setup.FieldTargetDays: "target-days", setup.FieldKeepAnswered: "keep-answered-days", setup.FieldKeepUnconfirmed: "keep-unconfirmed-days",
	setup.FieldKeepRecord: "keep-record-years",
}

// runController implements "rightsdesk controller add": the same checks as the admin page.
func runController(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, controllerUsage)
		return 2
	}
	fs := flag.NewFlagSet("rightsdesk controller add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var in setup.Controller
	var address repeated
	fs.StringVar(&in.Slug, "slug", "", "short name in the portal's addresses, like acme")
	fs.StringVar(&in.Name, "name", "", "the organisation's legal name")
	fs.StringVar(&in.Country, "country", "", "ISO code of its country (holidays and lead authority), like BE")
	fs.Var(&address, "address", "a line of its postal address (repeat for each line)")
	fs.StringVar(&in.CompanyNumber, "company-number", "", "company number, like BE0123.456.789")
	fs.StringVar(&in.ContactEmail, "email", "", "privacy contact e-mail address")
	fs.StringVar(&in.Phone, "phone", "", "phone number")
	fs.StringVar(&in.TimeZone, "timezone", setup.DefaultTimeZone, "IANA time zone in which requests are received")
	fs.StringVar(&in.Language, "language", "fr", "default language of its pages and letters: fr, nl, en or de")
	fs.StringVar(&in.PrivacyURL, "privacy-url", "", "its privacy policy")
	fs.StringVar(&in.ContactURL, "contact-url", "", "its contact page")
	fs.StringVar(&in.TargetDays, "target-days", "", "internal answer target in calendar days (default 20)")
	fs.BoolVar(&in.Transparency, "transparency", true, "publish the public disclosure page")
	fs.BoolVar(&in.IdentityPause, "identity-pause", false, "identity questions (Art. 12(6)) pause the clock until the answer arrives")
	fs.StringVar(&in.KeepAnsweredDays, "keep-answered-days", strconv.Itoa(setup.DefaultKeepAnsweredDays),
		"days the personal data of a closed case is kept (30 to 3653; 1095 is three years, the limitation period for a claim)")
	fs.StringVar(&in.KeepUnconfirmedDays, "keep-unconfirmed-days", strconv.Itoa(setup.DefaultKeepUnconfirmedDays),
		"days the personal data of an unconfirmed request is kept once it expired (1 to 365)")
	fs.StringVar(&in.KeepRecordYears, "keep-record-years", strconv.Itoa(models.DefaultKeepRecordYears),
		"years after a case closed its record without personal data is deleted (0 keeps it for good)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rightsdesk controller add: unexpected argument %q\n%s\n", fs.Arg(0), controllerUsage)
		return 2
	}
	in.Address = strings.Join(address, "\n")
	st, err := openStore(ctx, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	c, err := setup.AddController(ctx, st, models.By{}, in)
	var errs setup.Errors
	if errors.As(err, &errs) {
		return refuse(stderr, "controller add", controllerUsage, errs, controllerFlagNames)
	}
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "controller %d added: %s (%s), %s, %s\n", c.ID, c.Slug, c.Name, c.Country, c.TimeZone)
	fmt.Fprintf(stdout, "next: rightsdesk site add --controller %s --slug SLUG --name NAME --domain DOMAIN\n", c.Slug)
	return 0
}

const siteUsage = `usage: rightsdesk site add --controller SLUG --slug SLUG --name NAME --domain DOMAIN [--domain ...]
       [--language fr|nl|en|de ...] [--policy-language L] [--policy-url URL] [--policy-version YYYY-MM-DD]
       [--consent-banner] [--withdrawal-how TEXT]`

var siteFlagNames = map[string]string{
	setup.FieldDomains: "domain", setup.FieldLanguages: "language", setup.FieldPolicyURL: "policy-url",
	setup.FieldPolicyVersion: "policy-version", setup.FieldPolicyLanguage: "policy-language",
	setup.FieldWithdrawalHow: "withdrawal-how",
}

// runSite implements "rightsdesk site add": the same checks as the admin page.
func runSite(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(stderr, siteUsage)
		return 2
	}
	fs := flag.NewFlagSet("rightsdesk site add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var in setup.Site
	var domains, languages repeated
	controller := fs.String("controller", "", "slug of the organisation the site belongs to")
	fs.StringVar(&in.Slug, "slug", "", "short name in the portal's addresses, like acme-shop")
	fs.StringVar(&in.Name, "name", "", "the site's name as visitors know it")
	fs.Var(&domains, "domain", "a domain of the site, the main one first (repeat for more)")
	fs.Var(&languages, "language", "a language the site is published in (repeat; default: the organisation's)")
	fs.StringVar(&in.PolicyLanguage, "policy-language", "", "the language of its cookie policy (default: the first --language)")
	fs.StringVar(&in.PolicyURL, "policy-url", "", "its published cookie policy")
	fs.StringVar(&in.PolicyVersion, "policy-version", "", "the date of that policy, YYYY-MM-DD")
	fs.BoolVar(&in.ConsentBanner, "consent-banner", false, "the site has a cookie banner where visitors give consent again")
	fs.StringVar(&in.WithdrawalHow, "withdrawal-how", "", "how to withdraw or give consent again, as the policy states it")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rightsdesk site add: unexpected argument %q\n%s\n", fs.Arg(0), siteUsage)
		return 2
	}
	if *controller == "" {
		fmt.Fprintf(stderr, "rightsdesk site add: --controller is required: the slug of the organisation the site belongs to\n%s\n", siteUsage)
		return 2
	}
	in.Domains, in.Languages = strings.Join(domains, "\n"), languages
	st, err := openStore(ctx, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	ctl, err := st.ControllerBySlug(ctx, *controller)
	if errors.Is(err, models.ErrNotFound) {
		fmt.Fprintf(stderr, "rightsdesk site add: --controller: no controller %q (rightsdesk controller add creates one)\n", *controller)
		return 2
	} else if err != nil {
		return fail(stderr, err)
	}
	if len(in.Languages) == 0 {
		in.Languages = []string{ctl.DefaultLanguage}
	}
	s, err := setup.AddSite(ctx, st, models.By{}, ctl, in)
	var errs setup.Errors
	if errors.As(err, &errs) {
		return refuse(stderr, "site add", siteUsage, errs, siteFlagNames)
	}
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "site %d added: %s (%s) of %s, %s\n", s.ID, s.Slug, s.Name, ctl.Slug, strings.Join(s.DomainList(), " "))
	fmt.Fprintf(stdout, "next: rightsdesk catalogue import --site %s FILE (its cookie table as CSV or JSON)\n", s.Slug)
	return 0
}

// placeLine is where a provider processes the data, as the file states it: "US, dpf".
func placeLine(p access.Provider) string {
	s := p.Country
	if p.Safeguard != "" {
		s += ", " + string(p.Safeguard)
	}
	if p.Text != "" {
		s += " (" + p.Text + ")"
	}
	return s
}

const catalogueUsage = "usage: rightsdesk catalogue import --site SLUG [--format csv|json] [--dry-run] FILE  (FILE - reads stdin)"

// runCatalogue implements "rightsdesk catalogue import": the admin page's import, previewed and
// applied in one go. A file with any error is refused whole, each error with its line and column.
func runCatalogue(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(stderr, catalogueUsage)
		return 2
	}
	fs := flag.NewFlagSet("rightsdesk catalogue import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slug := fs.String("site", "", "slug of the site whose catalogue the file is")
	format := fs.String("format", "", "csv or json (default: detected from the content)")
	dry := fs.Bool("dry-run", false, "print what would change, change nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	switch {
	case fs.NArg() != 1:
		fmt.Fprintf(stderr, "rightsdesk catalogue import: give one FILE\n%s\n", catalogueUsage)
		return 2
	case *slug == "":
		fmt.Fprintf(stderr, "rightsdesk catalogue import: --site is required\n%s\n", catalogueUsage)
		return 2
	case *format != "" && *format != "csv" && *format != "json":
		fmt.Fprintf(stderr, "rightsdesk catalogue import: --format must be csv or json\n%s\n", catalogueUsage)
		return 2
	}
	name := fs.Arg(0)
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fail(stderr, err)
		}
		defer f.Close()
		r = f
	}
	rows, perrs := catalogue.Parse(r, *format)
	if perrs != nil {
		for _, e := range perrs {
			fmt.Fprintf(stderr, "rightsdesk catalogue import: %s: %s\n", name, e.Error())
		}
		fmt.Fprintf(stderr, "rightsdesk catalogue import: nothing imported: the file has %d problem(s)\n", len(perrs))
		return 1
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return fail(stderr, err)
	}
	defer st.Close()
	site, err := st.SiteBySlug(ctx, *slug)
	if errors.Is(err, models.ErrNotFound) {
		fmt.Fprintf(stderr, "rightsdesk catalogue import: --site: no site %q (rightsdesk site add creates one)\n", *slug)
		return 2
	} else if err != nil {
		return fail(stderr, err)
	}
	rows = catalogue.WithLanguage(rows, site.PolicyLanguage)
	current, err := st.AllCookies(ctx, site.ID)
	if err != nil {
		return fail(stderr, err)
	}
	p := catalogue.Diff(current, rows)
	recorded, err := st.SiteProviders(ctx, site.ID)
	if err != nil {
		return fail(stderr, err)
	}
	p.Providers = catalogue.DiffProviders(models.PlainProviders(recorded), rows)
	summary := fmt.Sprintf("%s: %d cookie(s) in the file: %d added, %d changed, %d restored, %d retired, %d unchanged",
		site.Slug, len(p.Rows), len(p.Added), len(p.Changed), len(p.Restored), len(p.Retired), len(p.Unchanged))
	if p.Reordered {
		summary += "; the order changes"
	}
	if len(p.Providers) > 0 {
		summary += fmt.Sprintf("; %d provider(s) recorded anew", len(p.Providers))
	}
	fmt.Fprintln(stdout, summary)
	for _, pc := range p.Providers {
		fmt.Fprintf(stdout, "provider %s: %s\n", pc.New.Name, placeLine(pc.New))
	}
	switch {
	case p.NoChange():
		fmt.Fprintln(stdout, "nothing to change")
		return 0
	case *dry:
		fmt.Fprintln(stdout, "dry run: nothing changed")
		return 0
	}
	if _, err := catalogue.Apply(ctx, st, models.By{}, site, p.Fingerprint, rows, time.Now()); err != nil {
		if errors.Is(err, models.ErrCatalogueChanged) {
			fmt.Fprintln(stderr, "rightsdesk catalogue import: the catalogue changed meanwhile; nothing applied, run the import again")
			return 1
		}
		return fail(stderr, err)
	}
	fmt.Fprintln(stdout, "applied")
	return 0
}
