package letters

import (
	"strings"
	"testing"
	"time"
)

func staffSample(lang string) Data {
	return Data{
		StaffName: "Sam Staff", Role: "manager", Language: lang,
		Link:        "https://portal.example/staff/password/TOKEN",
		LinkExpires: time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC),
	}
}

func TestAccountLettersGiveTheLinkItsLimitAndWhatToDoIfUnexpected(t *testing.T) {
	tests := []struct {
		kind    Kind
		lang    string
		subject string
		want    []string
	}{
		// accounts.Service passes no language: English.
		{Invite, "", "choose your password", []string{"Hello Sam Staff,", "Your role: manager", "12 March 2026 at 11:00 CET", "did not expect", "Forgot your password?"}},
		{PasswordReset, "", "Reset your Rightsdesk password", []string{"Hello Sam Staff,", "one hour", "12 March 2026 at 11:00 CET", "did not ask", "every device"}},
		{Invite, "fr", "choisissez votre mot de passe", []string{"Bonjour Sam Staff,", "Votre rôle\u00a0: responsable", "12 mars 2026 à 11:00 (heure belge)", "Mot de passe oublié\u00a0?"}},
		{PasswordReset, "de", "Rightsdesk-Passwort", []string{"Hallo Sam Staff,", "eine Stunde", "12. März 2026 um 11:00 Uhr (MEZ)"}},
	}
	for _, tt := range tests {
		r, err := Render(tt.kind, staffSample(tt.lang))
		if err != nil {
			t.Fatalf("%s: %v", tt.kind, err)
		}
		if !strings.Contains(r.Subject, tt.subject) || strings.ContainsAny(r.Subject, "\r\n") {
			t.Errorf("%s %s: subject %q", tt.kind, tt.lang, r.Subject)
		}
		if !strings.Contains(r.Text, "https://portal.example/staff/password/TOKEN") ||
			!strings.Contains(r.HTML, `href="https://portal.example/staff/password/TOKEN"`) {
			t.Errorf("%s: the link is missing", tt.kind)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s %s text lacks %q:\n%s", tt.kind, tt.lang, w, r.Text)
			}
			if !strings.Contains(visibleText(r.HTML), w) {
				t.Errorf("%s %s HTML lacks %q", tt.kind, tt.lang, w)
			}
		}
		if strings.Contains(r.HTML, "<img") || strings.Contains(r.HTML, "<script") {
			t.Errorf("%s: HTML part", tt.kind)
		}
	}
}

func TestAccountLettersEscapeTheName(t *testing.T) {
	d := staffSample("en")
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
