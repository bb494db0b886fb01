package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"rightsdesk/internal/testapp"
	"rightsdesk/locale"
)

// TestPrivacyNotice: the portal's privacy notice for requesters is public, in the visitor's
// language, names the controller and how to reach it, its lead authority, and says the
// controller's retention periods in words; a change of the settings changes the text. The request
// form, the consent page and the status page link to it.
func TestPrivacyNotice(t *testing.T) {
	each(t, func(t *testing.T, p *testapp.Portal) {
		ctx := context.Background()
		nb := "\u00a0"
		for _, tc := range []struct {
			lang string
			want []string
		}{
			{"en", []string{"<title>Privacy notice: your request to ESOMUS", "3" + nb + "years after your request is closed",
				"30" + nb + "days after an unconfirmed request expires", "Article 6(1)(c)", "Article 5(2)", "as its processor",
				"A record without personal data", "Company number: BE0723595056", "How to lodge a complaint", "Online complaint form – ", "contact@apd-gba.be"}},
			{"fr", []string{"Protection des données" + nb + ": votre demande à ESOMUS", "3" + nb + "ans après la clôture de votre demande",
				"30" + nb + "jours après l’expiration d’une demande non confirmée", "article 6.1.c du RGPD", "Le personnel d’ESOMUS",
				"Autorité de protection des données"}},
			{"nl", []string{"Privacyverklaring: uw verzoek aan ESOMUS", "3" + nb + "jaar nadat uw verzoek is afgesloten",
				"30" + nb + "dagen nadat een onbevestigd verzoek is verlopen", "artikel 6, lid 1, c), AVG", "Gegevensbeschermingsautoriteit"}},
			{"de", []string{"Datenschutzhinweise: Ihre Anfrage an ESOMUS", "3" + nb + "Jahre nach dem Abschluss Ihrer Anfrage",
				"30" + nb + "Tage nach dem Ablauf einer unbestätigten Anfrage", "Artikel 6 Absatz 1 Buchstabe c DSGVO"}},
		} {
			c := p.Client(t)
			c.SetCookie(locale.CookieName, tc.lang)
			res := c.Get("/privacy/esomus")
			expect(t, res, http.StatusOK, append(tc.want, `href="mailto:info@esomus.com"`, "Rue de l&#39;Arbre à la Croix 293", `lang="`+tc.lang+`"`)...)
			if got := res.Header.Get("Content-Language"); got != tc.lang {
				t.Errorf("%s: Content-Language %q", tc.lang, got)
			}
		}
		// Without a choice, the browser's language; without one, the controller's (French for ESOMUS).
		expect(t, p.Client(t).Get("/privacy/esomus"), http.StatusOK, "3"+nb+"ans après")
		expect(t, p.Client(t).Get("/privacy/nobody"), http.StatusNotFound)
		expect(t, p.Client(t).Get("/privacy/"+strings.Repeat("a", 200)), http.StatusNotFound)

		// The settings change the text.
		ctrl, err := p.Store.ControllerBySlug(ctx, "esomus")
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			answered, unconfirmed int
			want                  []string
		}{
			{1825, 7, []string{"5" + nb + "years after your request is closed", "7" + nb + "days after an unconfirmed request expires"}},
			{400, 1, []string{"400" + nb + "days after your request is closed", "1" + nb + "day after an unconfirmed request expires"}},
			{365, 365, []string{"1" + nb + "year after your request is closed", "1" + nb + "year after an unconfirmed request expires"}},
		} {
			ctrl.KeepAnsweredDays, ctrl.KeepUnconfirmedDays = tc.answered, tc.unconfirmed
			if err := p.Store.UpdateController(ctx, ctrl); err != nil {
				t.Fatal(err)
			}
			res := english(p.Client(t)).Get("/privacy/esomus")
			expect(t, res, http.StatusOK, tc.want...)
			if strings.Contains(res.Body, "3"+nb+"years") || strings.Contains(res.Body, "30"+nb+"days") {
				t.Errorf("%d/%d: the notice still says the defaults", tc.answered, tc.unconfirmed)
			}
		}
		// Another controller keeps its own.
		expect(t, english(p.Client(t)).Get("/privacy/belgian-mobile-id"), http.StatusOK, "Belgian Mobile ID", "3"+nb+"years after your request is closed")

		// Linked from the request form, the consent page and the status page.
		link := `href="/privacy/esomus"`
		visitor := english(p.Client(t))
		expect(t, visitor.Get("/requests/new?site=esomus"), http.StatusOK, link, "How ESOMUS handles your personal data in this portal")
		expect(t, visitor.Get("/sites/esomus/consent"), http.StatusOK, link)
		_, statusToken := fileVerified(t, p, "esomus", "pia@example.org", "")
		expect(t, visitor.Get("/r/"+statusToken), http.StatusOK, link)
		expect(t, visitor.Get("/requests/new?site=itsme"), http.StatusOK, `href="/privacy/belgian-mobile-id"`)
	})
}
