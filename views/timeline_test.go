package views

import (
	"context"
	"testing"

	"rightsdesk/locale"
	"rightsdesk/models"
)

// The notice of lifting a restriction (Art. 18(3)) reads in the requester's language on the status
// page, with the date in that language and the reasons as typed.
func TestTimelineRestrictionLifting(t *testing.T) {
	c := models.Case{Controller: &models.Controller{Name: "ESOMUS"}}
	e := models.Event{Type: "restriction_lifting",
		Message: "The restriction of processing (Art. 18) will be lifted on 15 April 2026; the requester is informed before it (Art. 18(3)). Reasons: La vérification est terminée.\nMerci."}
	for lang, want := range map[string]string{
		"fr": "ESOMUS vous informe que la limitation du traitement de vos données sera levée le 15 avril 2026. Explications\u00a0: La vérification est terminée.\nMerci.",
		"en": "ESOMUS informs you that the restriction of the processing of your data will be lifted on 15 April 2026. Reasons: La vérification est terminée.\nMerci.",
	} {
		got := TimelineText(locale.WithLanguage(context.Background(), lang), c, e)
		if got.Text != want || got.Lang != "" {
			t.Errorf("%s: %+v", lang, got)
		}
	}
}
