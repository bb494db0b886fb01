package letters

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestAValidOverrideChangesTheWording(t *testing.T) {
	o := Overrides{
		"acknowledgement.intro": "Merci ! {{.ControllerName}} a bien reçu votre demande {{.Reference}}{{if .RequesterName}}, {{.RequesterName}}{{end}}.",
		"guidance.heading":      "Vos recours",
		"refused.art12_5":       "not used by this letter: ignored",
	}
	for id, w := range o {
		if id == "refused.art12_5" {
			continue
		}
		if err := CheckOverride(Acknowledgement, "fr", id, w); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
	}
	r, err := RenderWith(Acknowledgement, Sample(Acknowledgement, "fr"), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Merci ! ESOMUS a bien reçu votre demande DSR-2026-000042, Chloé Martin.", "Vos recours"} {
		if !strings.Contains(r.Text, want) || !strings.Contains(visibleText(r.HTML), want) {
			t.Errorf("the override %q is not in the letter", want)
		}
	}
	if strings.Contains(r.Text, "a bien reçu votre demande concernant le site") {
		t.Error("the default wording is still there")
	}
	if len(r.Fallbacks) != 0 {
		t.Errorf("fallbacks %v", r.Fallbacks)
	}
	// An override with paragraphs is paragraphs in HTML, escaped.
	o = Overrides{"acknowledgement.intro": "First <b>para</b>.\n\nSecond para,\nsame para."}
	r, _ = RenderWith(Acknowledgement, Sample(Acknowledgement, "en"), o)
	if !strings.Contains(r.HTML, "<p>First &lt;b&gt;para&lt;/b&gt;.</p>\n<p>Second para,<br>same para.</p>") {
		t.Errorf("paragraphs:\n%s", r.HTML)
	}
}

func TestABrokenStoredOverrideFallsBackToTheDefault(t *testing.T) {
	o := Overrides{"acknowledgement.intro": "{{.Gone}}", "acknowledgement.private": "{{template \"x\"}}"}
	r, err := RenderWith(Acknowledgement, Sample(Acknowledgement, "en"), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "ESOMUS has received your request") || !slices.Equal(r.Fallbacks, []string{"acknowledgement.intro", "acknowledgement.private"}) {
		t.Errorf("fallbacks %v:\n%s", r.Fallbacks, r.Text)
	}
}

func TestOverridesAreRefusedWithAClearReason(t *testing.T) {
	long := strings.Repeat("é", MaxWording+1)
	for _, tt := range []struct {
		name, kind, lang, id, wording, want string
	}{
		{"misspelt variable", "acknowledgement", "fr", "acknowledgement.intro", "Demande {{.Referense}} reçue",
			"unknown variable .Referense (did you mean .Reference?) — the variables this message may use are: .ControllerAndSite, .ControllerName, "},
		{"variable of another letter", "acknowledgement", "en", "acknowledgement.intro", "{{.ExtendedDueOn}}", "unknown variable .ExtendedDueOn"},
		{"shared block uses a variable not all letters have", "acknowledgement", "en", "guidance.intro", "due {{.DueOn}}", "unknown variable .DueOn"},
		{"parse error", "acknowledgement", "en", "acknowledgement.intro", "Received {{.Reference", "not a valid template"},
		{"unknown id", "acknowledgement", "en", "acknowledgement.nope", "x", `has no message "acknowledgement.nope" — its messages are: acknowledgement.subject`},
		{"id of another letter", "acknowledgement", "en", "refused.art12_5", "x", "has no message"},
		{"vocabulary", "acknowledgement", "en", "label.reference", "x", "has no message"},
		{"unknown language", "acknowledgement", "es", "acknowledgement.intro", "x", `unknown language "es"`},
		{"unknown letter", "nope", "en", "acknowledgement.intro", "x", `unknown letter "nope"`},
		{"empty", "acknowledgement", "en", "acknowledgement.intro", " \n ", "empty"},
		{"too long", "acknowledgement", "en", "acknowledgement.intro", long, "4001 characters; at most 4000"},
		{"invalid UTF-8", "acknowledgement", "en", "acknowledgement.intro", "caf\xe9", "UTF-8"},
		{"template", "acknowledgement", "en", "acknowledgement.intro", `{{template "html.head" .}}`, "{{template"},
		{"define", "acknowledgement", "en", "acknowledgement.intro", `{{define "x"}}y{{end}}z`, "{{define}}"},
		{"block", "acknowledgement", "en", "acknowledgement.intro", `{{block "x" .}}y{{end}}`, "{{define}} and {{block}}"},
		{"range", "acknowledgement", "en", "acknowledgement.intro", `{{range .Rights}}x{{end}}`, "{{range}} is not allowed"},
		{"with", "acknowledgement", "en", "acknowledgement.intro", `{{with .Rights}}{{.}}{{end}}`, "{{with}} is not allowed"},
		{"function", "acknowledgement", "en", "acknowledgement.intro", `{{printf "%s" .Reference}}`, `function "printf" is not available`},
		{"call", "acknowledgement", "en", "acknowledgement.intro", `{{call .Reference}}`, `function "call" is not available`},
		{"pipeline", "acknowledgement", "en", "acknowledgement.intro", `{{.Reference | html}}`, "pipelines"},
		{"$variable", "acknowledgement", "en", "acknowledgement.intro", `{{$x := .Reference}}{{$x}}`, "$variables"},
		{"field of a field", "acknowledgement", "en", "acknowledgement.intro", `{{.Reference.X}}`, "variables have no fields"},
		{"condition with a function", "acknowledgement", "en", "acknowledgement.intro", `{{if eq .Reference "x"}}y{{end}}`, `function "eq"`},
		{"de with a literal", "acknowledgement", "fr", "acknowledgement.intro", `{{de "ESOMUS"}}`, `function "de"`},
		{"de with two names", "acknowledgement", "fr", "acknowledgement.intro", `{{de .ControllerName .Reference}}`, `function "de"`},
		{"de with an unknown name", "acknowledgement", "fr", "acknowledgement.intro", `{{de .Controler}}`, "unknown variable .Controler"},
	} {
		err := CheckOverride(Kind(tt.kind), tt.lang, tt.id, tt.wording)
		if err == nil || !errors.Is(err, ErrOverride) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestAdminPageAPI(t *testing.T) {
	ids := Messages(Refused)
	for _, want := range []string{"refused.subject", "refused.intro", "refused.art12_5", "refused.art12_4", "guidance.heading", "common.greeting", "footer.sent_by"} {
		if !slices.Contains(ids, want) {
			t.Errorf("Messages(refused) lacks %s: %v", want, ids)
		}
	}
	if ids[0] != "refused.subject" {
		t.Errorf("the subject is not first: %v", ids)
	}
	if ks := UsedBy("guidance.heading"); !slices.Contains(ks, Completed) || !slices.Contains(ks, Verification) || slices.Contains(ks, Invite) {
		t.Errorf("UsedBy(guidance.heading) = %v", ks)
	}
	if vs := Variables(Extension); !slices.Contains(vs, "ExtendedDueOn") || !slices.Contains(vs, "Reference") || slices.Contains(vs, "StaffName") {
		t.Errorf("Variables(extension) = %v", vs)
	}
	if vs := MessageVariables("staff.footer"); !slices.Equal(vs, []string{"Link", "StaffName"}) {
		t.Errorf("MessageVariables(staff.footer) = %v", vs)
	}
	if w, ok := Default("nl", "acknowledgement.subject"); !ok || !strings.Contains(w, "{{.Reference}}") {
		t.Errorf("Default = %q %v", w, ok)
	}
	if r, err := Preview(Refused, "de", Overrides{"refused.reasons_heading": "Warum"}); err != nil || !strings.Contains(r.Text, "Warum\n-----") {
		t.Errorf("Preview: %v\n%s", err, r.Text)
	}
}
