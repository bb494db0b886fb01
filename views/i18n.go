package views

import (
	"context"
	"embed"
	"fmt"
	"html"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"rightsdesk/authority"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/events"
	"rightsdesk/locale"
	"rightsdesk/models"
)

// The public pages' wording, in every language of locale.Languages: messages/pages.<lang>.toml.
// Ids are "<page or topic>.<key>": layout.*, home.*, cookies.*, form.*, filed.*, verify.*,
// status.*, timeline.*, withdraw.*, error.*; shared vocabulary under kind.<kind>.*,
// state.<status>, category.<category>, ground.<ground>, langname.<lang>, month.mNN, date.*,
// due.*, size.*, letter.*; the filing form's field errors under fielderr.*. A key ending in _html
// is trusted markup whose data is escaped before it is filled in (see Th).
//
//go:embed messages/*.toml
var messageFiles embed.FS

// Messages is the catalogue of the public pages; a test checks that every language has every
// message and that every id the sources use exists.
var Messages = locale.MustLoad(messageFiles, "messages", nil)

// Lang is the language of the page being rendered.
func Lang(ctx context.Context) string { return locale.FromContext(ctx) }

// T is message id in the page's language.
func T(ctx context.Context, id string) string { return Messages.T(Lang(ctx), id, nil) }

// Tf is message id in the page's language, filled with data.
func Tf(ctx context.Context, id string, data map[string]any) string {
	return Messages.T(Lang(ctx), id, data)
}

// Th renders a message that holds markup (its id ends in _html): the wording is ours and
// trusted, every value of data is escaped first.
func Th(ctx context.Context, id string, data map[string]any) templ.Component {
	esc := make(map[string]any, len(data))
	for k, v := range data {
		esc[k] = html.EscapeString(fmt.Sprint(v))
	}
	return templ.Raw(Messages.T(Lang(ctx), id, esc))
}

// LanguageName is lang's name in the page's language ("French" on an English page).
func LanguageName(ctx context.Context, lang string) string { return T(ctx, "langname."+lang) }

// KindLabel is a right's short name in the page's language.
func KindLabel(ctx context.Context, k dsr.Kind) string { return T(ctx, "kind."+string(k)+".label") }

// KindLabels joins the labels of ks for a sentence: "Accès, Effacement".
func KindLabels(ctx context.Context, ks []dsr.Kind) string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = KindLabel(ctx, k)
	}
	return strings.Join(out, ", ")
}

func kindArticle(ctx context.Context, k dsr.Kind) string { return T(ctx, "kind."+string(k)+".article") }

func kindExplain(ctx context.Context, k dsr.Kind) string { return T(ctx, "kind."+string(k)+".explain") }

// StatusLabel is how a case's status reads to its requester, in the page's language.
func StatusLabel(ctx context.Context, s dsr.Status) string { return T(ctx, "state."+string(s)) }

func categoryIn(ctx context.Context, c string) string {
	if !slices.Contains(models.Categories, c) {
		return c
	}
	return T(ctx, "category."+c)
}

func partyIn(ctx context.Context, c models.Cookie) string {
	if c.FirstParty() {
		return T(ctx, "cookies.first_party")
	}
	return T(ctx, "cookies.third_party")
}

// dateIn writes a date in the page's language: "7 avril 2026", "7. April 2026".
func dateIn(ctx context.Context, d deadline.Date) string {
	if d.IsZero() {
		return ""
	}
	t := d.Time(time.UTC)
	return dayText(ctx, t)
}

func dayText(ctx context.Context, t time.Time) string {
	return Tf(ctx, "date.day", map[string]any{
		"Day": t.Day(), "Month": T(ctx, fmt.Sprintf("month.m%02d", int(t.Month()))), "Year": t.Year(),
	})
}

// instantIn writes a moment in Brussels time in the page's language.
func instantIn(ctx context.Context, t time.Time) string {
	t = t.In(deadline.DefaultLocation)
	return Tf(ctx, "date.instant", map[string]any{"Date": dayText(ctx, t), "Time": t.Format("15:04 MST")})
}

func instantPtrIn(ctx context.Context, t *time.Time) string {
	if t == nil {
		return ""
	}
	return instantIn(ctx, *t)
}

// dueIn says how a due date stands today, in the page's language.
func dueIn(ctx context.Context, due, today deadline.Date) string {
	switch left := deadline.DaysLeft(due, today); {
	case left > 0:
		return Tf(ctx, "due.left", map[string]any{"N": left})
	case left == 0:
		return T(ctx, "due.today")
	default:
		return Tf(ctx, "due.overdue", map[string]any{"N": -left})
	}
}

// sizeIn writes a file size with the page language's units and decimal separator.
func sizeIn(ctx context.Context, n int64) string {
	switch {
	case n >= 1<<20:
		s := strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64)
		if Lang(ctx) != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return Tf(ctx, "size.mb", map[string]any{"N": s})
	case n >= 1<<10:
		return Tf(ctx, "size.kb", map[string]any{"N": fmt.Sprintf("%.0f", float64(n)/(1<<10))})
	}
	return Tf(ctx, "size.bytes", map[string]any{"N": n})
}

// letterStateIn says what became of a letter the requester was sent; empty for a letter still in
// the outbox, which the status page does not list (cases.RequesterLetters).
func letterStateIn(ctx context.Context, l models.Letter) string {
	switch l.Status {
	case models.LetterSent:
		return T(ctx, "letter.sent")
	case models.LetterFailed:
		return T(ctx, "letter.failed")
	}
	return ""
}

// letterTime is when a letter reached the requester's mail server, or else when it was written.
func letterTime(l models.Letter) time.Time {
	if l.SentAt != nil {
		return *l.SentAt
	}
	return l.CreatedAt
}

// Country is a country of residence as the filing form offers it.
type Country struct {
	Code string
	Name string
}

// Countries returns the EU/EEA countries named and sorted in lang.
func Countries(lang string) []Country {
	tag := language.Make(lang)
	names := display.Regions(tag)
	out := make([]Country, 0, len(authority.All()))
	for _, a := range authority.All() {
		name := a.Country
		if r, err := language.ParseRegion(a.CountryCode); err == nil {
			if n := names.Name(r); n != "" {
				name = n
			}
		}
		out = append(out, Country{Code: a.CountryCode, Name: name})
	}
	col := collate.New(tag)
	slices.SortFunc(out, func(a, b Country) int { return col.CompareString(a.Name, b.Name) })
	return out
}

// Purpose is a cookie's purpose as a page shows it: in the visitor's language when the
// controller translated it, else as published, in the language it is written in.
type Purpose struct {
	Text      string
	Lang      string
	Published bool // not in the page's language: the published wording
}

// PurposeFor picks the wording of c's purpose for the page's language.
func PurposeFor(ctx context.Context, c models.Cookie) Purpose {
	lang := Lang(ctx)
	text, in := c.PurposeIn(lang)
	return Purpose{Text: text, Lang: in, Published: in != lang}
}

// ProblemText says p, a problem with what the visitor typed, in the page's language: its code is
// the message id, its arguments the message's data, its cause said in its place ({{.Why}}). No
// problem says "".
func ProblemText(ctx context.Context, p *dsr.Problem) string {
	if p == nil {
		return ""
	}
	data := maps.Clone(p.Args)
	if data == nil {
		data = map[string]any{}
	}
	if p.Cause != nil {
		data["Why"] = ProblemText(ctx, p.Cause)
	}
	return Tf(ctx, string(p.Code), data)
}

// Timeline entries. Events store an English sentence for staff; the requester reads each public
// event in the page's language, said from its detail (package events), never from the sentence.
// Text someone typed (a question, an answer, reasons) is quoted as typed. An event with no detail
// (written before migration 00034 in words the data migration 00035 could not read) or of a type
// not known here is shown in English, as its message.

// TimelineEntry is one line of the requester's timeline.
type TimelineEntry struct {
	Text string
	Lang string // "" when the text is in the page's language
}

// TimelineText says event e of case c in the page's language.
func TimelineText(ctx context.Context, c models.Case, e models.Event) TimelineEntry {
	d := map[string]any{"Kinds": KindLabels(ctx, c.KindList())}
	if c.Controller != nil {
		d["Controller"] = c.Controller.Name
	} else {
		d["Controller"] = ""
	}
	id := ""
	detail, _ := e.Decoded()
	switch v := detail.(type) {
	case events.Filed:
		id = "timeline.filed"
		if len(v.Kinds) > 0 {
			d["Kinds"] = KindLabels(ctx, v.Kinds)
		}
	case events.Verified:
		id = "timeline.verified"
	case events.Extended:
		id = "timeline.extended"
		d["From"], d["To"], d["Reasons"] = dateIn(ctx, v.From), dateIn(ctx, v.To), v.Reasons
	case events.Withdrawn:
		id = "timeline.withdrawn"
		if v.ByStaff {
			id, d["How"] = "timeline.withdrawn_staff", v.How
		}
	case events.Expired:
		id = "timeline.expired"
	case events.InfoRequested:
		id, d["Question"] = "timeline.info_requested", v.Question
		if !v.ReplyBy.IsZero() {
			id, d["ReplyBy"] = "timeline.info_requested_by", dateIn(ctx, v.ReplyBy)
		}
	case events.ClockPaused:
		id = "timeline.clock_paused"
	case events.ClockResumed:
		id, d["N"], d["Due"] = "timeline.clock_resumed", v.Days, dateIn(ctx, v.Due)
	case events.Replied:
		id, d["Answer"] = "timeline.replied", v.Answer
	case events.Completed:
		id = "timeline.completed"
		if len(v.Kinds) > 0 {
			d["Kinds"] = KindLabels(ctx, v.Kinds)
		}
		if n := len(v.Files); n > 0 {
			// The day the English sentence names, in the time zone the expiry was written in.
			until := time.Date(v.FilesUntil.Year(), v.FilesUntil.Month(), v.FilesUntil.Day(), 0, 0, 0, 0, time.UTC)
			id, d["N"], d["Until"] = "timeline.completed_files", n, dayText(ctx, until)
		}
	case events.RestrictionLifting:
		id, d["Date"], d["Reasons"] = "timeline.restriction_lifting", dateIn(ctx, v.On), v.Reasons
	case events.Refused:
		id, d["Ground"], d["Reasons"] = "timeline.refused", groundIn(ctx, string(v.Ground)), v.Reasons
	}
	if id == "" {
		// No detail to say it from, or a type the requester's timeline does not translate.
		if msg, ok := e.LegacyMessage(); ok {
			return TimelineEntry{Text: msg, Lang: "en"}
		}
		return TimelineEntry{Text: events.English(detail), Lang: "en"}
	}
	return TimelineEntry{Text: Tf(ctx, id, d)}
}

func groundIn(ctx context.Context, g string) string {
	if gr, ok := dsr.ParseRefusalGround(g); !ok || gr == dsr.GroundOther {
		return T(ctx, "ground.other_reason") // "other" is a word go-i18n keeps for plural forms
	}
	return T(ctx, "ground."+g)
}

// TransitionErrorText says why an action is not possible now, in the page's language.
func TransitionErrorText(ctx context.Context, from dsr.Status) string {
	return Tf(ctx, "error.transition.text", map[string]any{"Status": StatusLabel(ctx, from)})
}

// resultKey is the message id of a right's result on the status page.
func resultKey(r dsr.Result) string {
	switch r {
	case dsr.ResultPartial:
		return "status.answer_partial"
	case dsr.ResultRefused:
		return "status.answer_refused"
	}
	return "status.answer_complied"
}
