package setup

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"rightsdesk/deadline"
	"rightsdesk/models"
)

func validController() Controller {
	return Controller{Slug: "acme", Name: "Acme SA", Address: "Rue de la Loi 16\r\n1000 Bruxelles\r\n", CompanyNumber: "BE0123.456.789",
		ContactEmail: "Privacy@Acme.example", Country: "be", TimeZone: "Europe/Brussels", Language: "nl",
		PrivacyURL: "https://acme.example/privacy", TargetDays: "15", Transparency: true,
		KeepAnsweredDays: " 1825 ", KeepUnconfirmedDays: "7", KeepRecordYears: "6"}
}

func TestCheckControllerTakesAValidOne(t *testing.T) {
	c, errs := CheckController(validController())
	if errs != nil {
		t.Fatal(errs)
	}
	if c.Slug != "acme" || c.Country != "BE" || c.LeadAuthority != "BE" || c.Address != "Rue de la Loi 16\n1000 Bruxelles" ||
		c.ContactEmail != "privacy@acme.example" || c.DefaultLanguage != "nl" || c.InternalTargetDays != 15 || c.TransparencyOff ||
		c.KeepAnsweredDays != 1825 || c.KeepUnconfirmedDays != 7 || c.RecordYears() != 6 {
		t.Errorf("%+v", c)
	}
	in := validController()
	in.TargetDays, in.ContactEmail, in.Address, in.Country = "", "", "", "FR"
	c, errs = CheckController(in)
	if errs != nil || c.InternalTargetDays != deadline.DefaultInternalTargetDays || c.LeadAuthority != "FR" {
		t.Errorf("optional fields left empty: %+v %v", c, errs)
	}
}

func TestCheckControllerRefusesWithTheReason(t *testing.T) {
	tests := []struct {
		field, value, want string
	}{
		{FieldSlug, "", "Give a short name"},
		{FieldSlug, "Acme", "lower-case"},
		{FieldSlug, "acme shop", "lower-case"},
		{FieldSlug, "-acme", "lower-case"},
		{FieldSlug, "acme--shop", "lower-case"},
		{FieldSlug, "new", "names a page"},
		{FieldSlug, strings.Repeat("a", 61), "At most 60"},
		{FieldSlug, "<script>", "lower-case"},
		{FieldName, "", "legal name"},
		{FieldName, "   ", "legal name"},
		{FieldName, "Acme\r\nBcc: x@y.be", "single line"},
		{FieldName, "Acme\xff", "invalid UTF-8"},
		{FieldName, strings.Repeat("x", MaxName+1), "too long"},
		{FieldAddress, "Rue\x00 1", "control characters"},
		{FieldAddress, "1\n2\n3\n4\n5\n6\n7", "At most 6 lines"},
		{FieldAddress, strings.Repeat("x", 101), "too long"},
		{FieldCompanyNumber, "BE\n0123", "single line"},
		{FieldPhone, "+32\t2", "control"},
		{FieldContactEmail, "@", "address only"},
		{FieldContactEmail, "a@b.be,c@d.be", "address only"},
		{FieldContactEmail, "<script>@x", "address only"},
		{FieldContactEmail, "privacy@acme.example\r\nBcc: all@example.org", "single line"},
		{FieldContactEmail, "privacy@localhost", "full domain"},
		{FieldCountry, "", "Choose the country"},
		{FieldCountry, "XX", `"XX" is not an EU or EEA country`},
		{FieldCountry, "US", "not an EU or EEA country"},
		{FieldCountry, "Belgium", "not an EU or EEA country"},
		{FieldCountry, "LI", "no public-holiday calendar for Liechtenstein"},
		{FieldTimeZone, "", "Give the time zone"},
		{FieldTimeZone, "Europe/Brusels", "not an IANA time zone"},
		{FieldTimeZone, "Local", "not an IANA time zone"},
		{FieldTimeZone, "../../etc/passwd", "not an IANA time zone"},
		{FieldTimeZone, "/etc/localtime", "not an IANA time zone"},
		{FieldLanguage, "es", "Choose French"},
		{FieldLanguage, "", "Choose French"},
		{FieldPrivacyURL, "javascript:alert(1)", "absolute address"},
		{FieldPrivacyURL, "acme.example/privacy", "absolute address"},
		{FieldPrivacyURL, "https://user:pw@acme.example/", "user name"},
		{FieldPrivacyURL, `https://acme.example/"><script>`, "cannot hold"},
		{FieldContactURL, "ftp://acme.example/", "absolute address"},
		{FieldContactURL, "https://acme.example/" + strings.Repeat("a", 500), "too long"},
		{FieldTargetDays, "0", "from 1 to 27"},
		{FieldTargetDays, "28", "from 1 to 27"},
		{FieldTargetDays, "90", "from 1 to 27"},
		{FieldTargetDays, "twenty", "from 1 to 27"},
		{FieldTargetDays, "-5", "from 1 to 27"},
		// The retention periods are required: the forms and the CLI start from the defaults.
		{FieldKeepAnswered, "", "Give how many days the personal data of a closed case is kept: a whole number from 30 to 3653"},
		{FieldKeepAnswered, "   ", "a whole number from 30 to 3653"},
		{FieldKeepAnswered, "29", `"29" is not a whole number from 30 to 3653`},
		{FieldKeepAnswered, "3654", "from 30 to 3653"},
		{FieldKeepAnswered, "0", "from 30 to 3653"},
		{FieldKeepAnswered, "-1095", "from 30 to 3653"},
		{FieldKeepAnswered, "3 years", `"3 years" is not a whole number`},
		{FieldKeepAnswered, "1095.5", "from 30 to 3653"},
		{FieldKeepAnswered, "99999999999999999999999", "from 30 to 3653"},
		{FieldKeepAnswered, "<script>alert(1)</script>", `"<script>alert(1)</script>" is not`},
		{FieldKeepAnswered, "1095\x00", "from 30 to 3653"},
		{FieldKeepAnswered, strings.Repeat("9", 5000), "…\" is not"},
		{FieldKeepUnconfirmed, "", "Give how many days the personal data of an unconfirmed request is kept once it expired: a whole number from 1 to 365"},
		{FieldKeepUnconfirmed, "0", "from 1 to 365"},
		{FieldKeepUnconfirmed, "366", "from 1 to 365"},
		{FieldKeepUnconfirmed, "thirty", "from 1 to 365"},
		{FieldKeepUnconfirmed, "\xff", "from 1 to 365"},
		{FieldKeepRecord, "", "Give after how many years a closed case's record without personal data is deleted: a whole number from 0 to 100 (0 keeps it for good)"},
		{FieldKeepRecord, "-1", "from 0 to 100"},
		{FieldKeepRecord, "101", "from 0 to 100"},
		{FieldKeepRecord, "ten", "from 0 to 100"},
		{FieldKeepRecord, "<script>", `"<script>" is not`},
		{FieldKeepRecord, "5", "Keep the record longer than the personal data (1825 days): more than 5 years, or 0"},
	}
	for _, tt := range tests {
		in := validController()
		switch tt.field {
		case FieldSlug:
			in.Slug = tt.value
		case FieldName:
			in.Name = tt.value
		case FieldAddress:
			in.Address = tt.value
		case FieldCompanyNumber:
			in.CompanyNumber = tt.value
		case FieldPhone:
			in.Phone = tt.value
		case FieldContactEmail:
			in.ContactEmail = tt.value
		case FieldCountry:
			in.Country = tt.value
		case FieldTimeZone:
			in.TimeZone = tt.value
		case FieldLanguage:
			in.Language = tt.value
		case FieldPrivacyURL:
			in.PrivacyURL = tt.value
		case FieldContactURL:
			in.ContactURL = tt.value
		case FieldTargetDays:
			in.TargetDays = tt.value
		case FieldKeepAnswered:
			in.KeepAnsweredDays = tt.value
		case FieldKeepUnconfirmed:
			in.KeepUnconfirmedDays = tt.value
		case FieldKeepRecord:
			in.KeepRecordYears = tt.value
		}
		_, errs := CheckController(in)
		if len(errs) != 1 || !strings.Contains(errs[tt.field], tt.want) {
			t.Errorf("%s = %q: %v; want only %s: %q", tt.field, tt.value, errs, tt.field, tt.want)
		}
	}
}

// A stored controller's form gives it back as it is; a new one starts from the defaults, which
// CheckController takes.
func TestRetentionPeriodsRoundTrip(t *testing.T) {
	c, errs := CheckController(validController())
	if errs != nil {
		t.Fatal(errs)
	}
	back := Of(c)
	if back.KeepAnsweredDays != "1825" || back.KeepUnconfirmedDays != "7" || back.KeepRecordYears != "6" {
		t.Errorf("Of: %q %q", back.KeepAnsweredDays, back.KeepUnconfirmedDays)
	}
	d := Defaults()
	d.Slug, d.Name = "acme", "Acme SA"
	c, errs = CheckController(d)
	if errs != nil || c.KeepAnsweredDays != 1095 || c.KeepUnconfirmedDays != 30 || c.InternalTargetDays != 20 || c.RecordYears() != 10 {
		t.Errorf("defaults: %+v %v", c, errs)
	}
	// 0 keeps the record for good; a stored controller without the setting has the default.
	in := validController()
	in.KeepRecordYears = "0"
	if c, errs := CheckController(in); errs != nil || c.KeepRecordYears == nil || c.RecordYears() != 0 || Of(c).KeepRecordYears != "0" {
		t.Errorf("record kept for good: %+v %v", c, errs)
	}
	if got := Of(models.Controller{KeepAnsweredDays: 1095}).KeepRecordYears; got != "10" {
		t.Errorf("unset record years read as %q", got)
	}
}

func TestCountriesHaveACalendarAndAnAuthority(t *testing.T) {
	cs := Countries()
	if len(cs) != 29 || cs[0] != "AT" {
		t.Errorf("countries: %v", cs)
	}
	for _, c := range cs {
		if _, msg := CheckCountry(strings.ToLower(c)); msg != "" {
			t.Errorf("%s refused: %s", c, msg)
		}
	}
}

func validSite() Site {
	return Site{Slug: "shop", Name: "Acme Shop", Domains: "Shop.Acme.example\r\nwww.acme.example, shop.acme.example",
		Languages: []string{"nl", "fr"}, PolicyURL: "https://shop.acme.example/cookies", PolicyVersion: "2025-06-01"}
}

func TestCheckSite(t *testing.T) {
	s, errs := CheckSite(validSite())
	if errs != nil {
		t.Fatal(errs)
	}
	if s.Domain != "shop.acme.example" || s.OtherDomains != "www.acme.example" || s.Languages != "nl,fr" || s.PolicyLanguage != "nl" ||
		s.PolicyVersion != deadline.NewDate(2025, 6, 1) {
		t.Errorf("%+v", s)
	}
	in := validSite()
	in.Domains, in.PolicyVersion, in.PolicyLanguage = "bücher.example", "", "fr"
	s, errs = CheckSite(in)
	if errs != nil || s.Domain != "xn--bcher-kva.example" || !s.PolicyVersion.IsZero() || s.PolicyLanguage != "fr" {
		t.Errorf("IDN and no version: %+v %v", s, errs)
	}

	tests := []struct {
		edit        func(*Site)
		field, want string
	}{
		{func(s *Site) { s.Slug = "Shop" }, FieldSlug, "lower-case"},
		{func(s *Site) { s.Name = "" }, FieldSiteName, "site's name"},
		{func(s *Site) { s.Name = "Shop\nX" }, FieldSiteName, "single line"},
		{func(s *Site) { s.Domains = "" }, FieldDomains, "Give the site's domain"},
		{func(s *Site) { s.Domains = "https://shop.acme.example/" }, FieldDomains, "host name only"},
		{func(s *Site) { s.Domains = "shop.acme.example:8080" }, FieldDomains, "host name only"},
		{func(s *Site) { s.Domains = "localhost" }, FieldDomains, "not a domain"},
		{func(s *Site) { s.Domains = "192.168.1.1" }, FieldDomains, "not a domain"},
		{func(s *Site) { s.Domains = "co.uk" }, FieldDomains, "public suffix"},
		{func(s *Site) { s.Domains = "<script>.example" }, FieldDomains, "not a domain"},
		{func(s *Site) { s.Domains = "shop_1.example" }, FieldDomains, "not a domain"},
		{func(s *Site) {
			s.Domains = "a.example b.example c.example d.example e.example f.example g.example h.example i.example j.example k.example"
		}, FieldDomains, "At most 10"},
		{func(s *Site) { s.Domains = "shop\xff.example" }, FieldDomains, "invalid UTF-8"},
		{func(s *Site) { s.Languages = nil }, FieldLanguages, "at least one"},
		{func(s *Site) { s.Languages = []string{"fr", "es"} }, FieldLanguages, "Choose among"},
		{func(s *Site) { s.PolicyLanguage = "en" }, FieldPolicyLanguage, "one of the site's languages"},
		{func(s *Site) { s.PolicyLanguage = "xx" }, FieldPolicyLanguage, "Choose French"},
		{func(s *Site) { s.PolicyURL = "javascript:alert(1)" }, FieldPolicyURL, "absolute address"},
		{func(s *Site) { s.PolicyVersion = "01 octobre 2024" }, FieldPolicyVersion, "YYYY-MM-DD"},
		{func(s *Site) { s.PolicyVersion = "2024-02-30" }, FieldPolicyVersion, "YYYY-MM-DD"},
		{func(s *Site) { s.PolicyVersion = "0001-01-01" }, FieldPolicyVersion, "published policy"},
	}
	for _, tt := range tests {
		in := validSite()
		tt.edit(&in)
		_, errs := CheckSite(in)
		if len(errs) != 1 || !strings.Contains(errs[tt.field], tt.want) {
			t.Errorf("%+v: %v; want only %s: %q", in, errs, tt.field, tt.want)
		}
	}
}

func encode(t *testing.T, kind string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{0x0b, 0x4f, 0x8a, 0xff})
	}
	var b bytes.Buffer
	var err error
	if kind == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpLogo is a 1×1 lossless WebP image.
var webpLogo = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

func TestCheckLogo(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		ct   string
	}{
		{"png", encode(t, "png", 120, 40), "image/png"},
		{"jpeg", encode(t, "jpeg", 120, 40), "image/jpeg"},
		{"webp", webpLogo, "image/webp"},
	} {
		l, msg := CheckLogo(tt.data)
		if msg != "" || l.ContentType != tt.ct || len(l.SHA256) != 64 || l.Width == 0 {
			t.Errorf("%s: %+v %q", tt.name, l.ContentType, msg)
		}
	}
	png := encode(t, "png", 120, 40)
	truncated := png[:len(png)-30]
	big := encode(t, "png", 2100, 10)
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	polyglot := append([]byte("\x89PNG\r\n\x1a\n"), []byte("<html><script>alert(1)</script></html>")...)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "Choose an image"},
		{"too large", make([]byte, MaxLogoBytes+1), "at most 256 KiB"},
		{"svg", svg, "SVG images are not taken"},
		{"svg as text", []byte("<svg onload=alert(1)>"), "SVG"},
		{"html", []byte("<!DOCTYPE html><script>alert(1)</script>"), "not a PNG, JPEG or WebP"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "not a PNG, JPEG or WebP"},
		{"truncated png", truncated, "not a readable png"},
		{"png header then html", polyglot, "not a readable png"},
		{"too many pixels", big, "at most 2048 pixels"},
	} {
		if _, msg := CheckLogo(tt.data); !strings.Contains(msg, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, msg, tt.want)
		}
	}
}

// A site's banner switch and its statement of how to withdraw or give consent again: the statement
// is kept as typed (lines joined by LF, blank ends dropped), and refused with a reason when it
// holds control characters or is too long.
func TestCheckSiteConsentStatement(t *testing.T) {
	in := validSite()
	in.ConsentBanner = true
	in.WithdrawalHow = "\r\nSi vous souhaitez retirer votre accord, résiliez votre souscription\r\nsur votre page \"Mon compte\".\r\n"
	s, errs := CheckSite(in)
	if errs != nil || !s.ConsentBanner || s.WithdrawalHow != "Si vous souhaitez retirer votre accord, résiliez votre souscription\nsur votre page \"Mon compte\"." {
		t.Fatalf("%+v %v", s, errs)
	}
	if back := SiteOf(s); !back.ConsentBanner || back.WithdrawalHow != s.WithdrawalHow {
		t.Errorf("the form of the stored site: %+v", back)
	}
	for _, tc := range []struct{ value, want string }{
		{"Mon compte\x07", "control"},
		{strings.Repeat("a", MaxWithdrawalHow+1), "too long"},
		{"\xff", "UTF-8"},
	} {
		in.WithdrawalHow = tc.value
		if _, errs := CheckSite(in); !strings.Contains(errs[FieldWithdrawalHow], tc.want) {
			t.Errorf("%q: %v, want %q", tc.value, errs, tc.want)
		}
	}
	in.WithdrawalHow = ""
	if s, errs := CheckSite(in); errs != nil || s.WithdrawalHow != "" {
		t.Errorf("an empty statement: %+v %v", s, errs)
	}
}
