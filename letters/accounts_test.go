package letters

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
)

func staffSample() Data {
	return Data{
		StaffName: "Sam Staff", Role: "manager", Language: "fr",
		Link:        "https://portal.example/staff/password/TOKEN",
		LinkExpires: time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC),
	}
}

func TestAccountLettersGiveTheLinkItsLimitAndWhatToDoIfUnexpected(t *testing.T) {
	tests := []struct {
		kind    Kind
		subject string
		want    []string
	}{
		{Invite, "choose your password", []string{"Hello Sam Staff,", "Your role: manager", "12 March 2026 at 11:00 CET", "did not expect", "Forgot your password?"}},
		{PasswordReset, "Reset your Rightsdesk password", []string{"Hello Sam Staff,", "one hour", "12 March 2026 at 11:00 CET", "did not ask", "every device"}},
	}
	for _, tt := range tests {
		r, err := Render(tt.kind, staffSample())
		if err != nil {
			t.Fatalf("%s: %v", tt.kind, err)
		}
		if !strings.Contains(r.Subject, tt.subject) || strings.ContainsAny(r.Subject, "\r\n") {
			t.Errorf("%s: subject %q", tt.kind, r.Subject)
		}
		if !strings.Contains(r.Text, "https://portal.example/staff/password/TOKEN") ||
			!strings.Contains(r.HTML, `href="https://portal.example/staff/password/TOKEN"`) {
			t.Errorf("%s: the link is missing", tt.kind)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s text lacks %q:\n%s", tt.kind, w, r.Text)
			}
			if !strings.Contains(visibleText(r.HTML), w) {
				t.Errorf("%s HTML lacks %q", tt.kind, w)
			}
		}
		// Staff pages are in English, whatever Data.Language says; no images, so it reads the same without them.
		if !strings.Contains(r.HTML, `<html lang="en">`) || strings.Contains(r.HTML, "<img") || strings.Contains(r.HTML, "<script") {
			t.Errorf("%s: HTML part", tt.kind)
		}
	}
}

func TestAccountLettersEscapeTheName(t *testing.T) {
	d := staffSample()
	d.StaffName = `<b onclick="x">Eve</b>`
	for _, k := range []Kind{Invite, PasswordReset} {
		r, err := Render(k, d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(r.HTML, "<b onclick") || !strings.Contains(r.HTML, "&lt;b onclick=") {
			t.Errorf("%s: the name is not escaped in the HTML part", k)
		}
	}
}

var tag = regexp.MustCompile(`<[^>]*>`)

// visibleText is what a reader of the HTML part sees, roughly: no tags, entities decoded.
func visibleText(h string) string { return html.UnescapeString(tag.ReplaceAllString(h, "")) }
