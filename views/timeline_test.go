package views

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/locale"
	"rightsdesk/models"
)

var update = flag.Bool("update", false, "rewrite testdata/timeline.*.golden from the current timeline")

// ev is an event that records d, as AppendEvent writes it.
func ev(t testing.TB, d events.Detail) models.Event {
	t.Helper()
	var e models.Event
	if err := e.SetDetail(d); err != nil {
		t.Fatal(err)
	}
	e.Public = true
	return e
}

// The notice of lifting a restriction (Art. 18(3)) reads in the requester's language on the status
// page, with the date in that language and the reasons as typed.
func TestTimelineRestrictionLifting(t *testing.T) {
	c := models.Case{Controller: &models.Controller{Name: "ESOMUS"}}
	e := ev(t, events.RestrictionLifting{On: deadline.NewDate(2026, 4, 15), Reasons: "La vérification est terminée.\nMerci."})
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

// goldenCase and goldenTimeline are a case and every public event the requester's timeline
// says, each from its detail; the last is an event of before migration 00034 that the data
// migration could not read, shown as its English message.
func goldenCase() models.Case {
	return models.Case{
		Reference: "DSR-2026-000042", Status: dsr.StatusRefused, Language: "nl",
		ReceivedOn: deadline.NewDate(2026, 3, 2), DueOn: deadline.NewDate(2026, 4, 2), ExtendedDueOn: deadline.NewDate(2026, 6, 2),
		ExtensionReason: "Veel systemen.", RefusalGround: string(dsr.GroundIdentity),
		Kinds:      []models.CaseKind{{Kind: dsr.KindAccess}, {Kind: dsr.KindErasure}},
		Controller: &models.Controller{Name: "ESOMUS"},
	}
}

func goldenTimeline(t testing.TB) []models.Event {
	kinds := []dsr.Kind{dsr.KindAccess, dsr.KindErasure}
	until := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	es := []models.Event{
		ev(t, events.Filed{Kinds: kinds}),
		ev(t, events.Verified{}),
		ev(t, events.Extended{From: deadline.NewDate(2026, 4, 2), To: deadline.NewDate(2026, 6, 2), Reasons: "Veel systemen."}),
		ev(t, events.InfoRequested{Question: "Welke browser?"}),
		ev(t, events.InfoRequested{Question: "Uw klantnummer?\nEn uw adres.", ReplyBy: deadline.NewDate(2026, 3, 24), Identity: true}),
		ev(t, events.ClockPaused{On: deadline.NewDate(2026, 3, 10), WasDue: deadline.NewDate(2026, 6, 2)}),
		ev(t, events.ClockResumed{On: deadline.NewDate(2026, 3, 11), Why: events.ResumedAnswered, Days: 1, From: deadline.NewDate(2026, 3, 10),
			Due: deadline.NewDate(2026, 6, 3), WasDue: deadline.NewDate(2026, 6, 2), OneMonth: deadline.NewDate(2026, 4, 3)}),
		ev(t, events.ClockResumed{On: deadline.NewDate(2026, 4, 25), Why: events.ResumedWithdrawn, Days: 46, From: deadline.NewDate(2026, 3, 10),
			Due: deadline.NewDate(2026, 5, 21), WasDue: deadline.NewDate(2026, 4, 5)}),
		ev(t, events.Replied{Answer: "Firefox."}),
		ev(t, events.Completed{Kinds: kinds, Results: []events.RightResult{{Kind: dsr.KindAccess, Result: dsr.ResultFull},
			{Kind: dsr.KindErasure, Result: dsr.ResultRefused, Ground: dsr.GroundArt17_3}}}),
		ev(t, events.Completed{Kinds: kinds, Results: []events.RightResult{{Kind: dsr.KindAccess, Result: dsr.ResultFull},
			{Kind: dsr.KindErasure, Result: dsr.ResultFull}}, AccessItems: true,
			Files: []events.File{{Kind: dsr.KindAccess, Name: "data.csv", Size: 3 << 20}, {Kind: dsr.KindAccess, Name: "mails.zip", Size: 12}}, FilesUntil: until}),
		ev(t, events.Completed{Kinds: kinds, Results: []events.RightResult{{Kind: dsr.KindAccess, Result: dsr.ResultPartial, Ground: dsr.GroundExcessive},
			{Kind: dsr.KindErasure, Result: dsr.ResultFull}}, Files: []events.File{{Kind: dsr.KindAccess, Name: "data.json", Size: 40}}, FilesUntil: until}),
		ev(t, events.Refused{Ground: dsr.GroundIdentity, Reasons: "Geen bewijs."}),
		ev(t, events.RestrictionLifting{On: deadline.NewDate(2026, 4, 15), Reasons: "La vérification est terminée.\nMerci."}),
		ev(t, events.Withdrawn{}),
		ev(t, events.Withdrawn{ByStaff: true, How: "e-mail of 3 March"}),
		ev(t, events.Expired{}),
		{Type: "clock_resumed", Message: "Clock resumed, in a wording no migration reads.", Public: true},
	}
	return es
}

// The requester's timeline in each language, said from the details: testdata/timeline.<lang>.golden.
// The files were first written by the timeline of before events had details, from the same
// events' messages, so the pages say what they said. Run go test ./views -run TestTimelineGolden
// -update after changing wording, and read the diff.
func TestTimelineGolden(t *testing.T) {
	c := goldenCase()
	es := goldenTimeline(t)
	for _, lang := range locale.Languages {
		ctx := locale.WithLanguage(context.Background(), lang)
		var b strings.Builder
		for _, e := range es {
			got := TimelineText(ctx, c, e)
			fmt.Fprintf(&b, "%s [%s] %q\n", e.Type, got.Lang, got.Text)
		}
		path := filepath.Join("testdata", "timeline."+lang+".golden")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./views -run TestTimelineGolden -update)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s differs from the golden file; if the change is intended, run go test ./views -run TestTimelineGolden -update\n--- got ---\n%s", path, b.String())
		}
	}
}
