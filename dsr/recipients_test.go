package dsr

import (
	"errors"
	"strings"
	"testing"

	"rightsdesk/deadline"
)

func TestArt19Applies(t *testing.T) {
	tests := []struct {
		name    string
		answers []RightAnswer
		want    bool
	}{
		{"no right", nil, false},
		{"access only", []RightAnswer{{Kind: KindAccess, Result: ResultFull}}, false},
		{"erasure complied with", []RightAnswer{{Kind: KindErasure, Result: ResultFull}}, true},
		{"rectification in part", []RightAnswer{{Kind: KindRectification, Result: ResultPartial}}, true},
		{"restriction complied with", []RightAnswer{{Kind: KindAccess, Result: ResultFull}, {Kind: KindRestriction, Result: ResultFull}}, true},
		{"erasure refused", []RightAnswer{{Kind: KindAccess, Result: ResultFull}, {Kind: KindErasure, Result: ResultRefused}}, false},
		{"objection complied with", []RightAnswer{{Kind: KindObjection, Result: ResultFull}}, false},
	}
	for _, tt := range tests {
		if got := Art19Applies(tt.answers); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckRecipients(t *testing.T) {
	facts := RecipientFacts{
		Recipients: []string{"Google", "Zendesk"},
		ReceivedOn: deadline.NewDate(2026, 3, 5),
		Today:      deadline.NewDate(2026, 3, 20),
	}
	erased := []RightAnswer{{Kind: KindErasure, Result: ResultFull}}
	told := func(p, on string) RecipientInput { return RecipientInput{Provider: p, Choice: ToldChoice, ToldOn: on} }
	notTold := func(p string, n NotTold, why string) RecipientInput {
		return RecipientInput{Provider: p, Choice: string(n), Reason: why}
	}
	tests := []struct {
		name    string
		facts   RecipientFacts
		answers []RightAnswer
		in      []RecipientInput
		field   string // "" when accepted
		saved   int
	}{
		{"both told", facts, erased, []RecipientInput{told("Google", "2026-03-10"), told("Zendesk", "2026-03-20")}, "", 2},
		{"told on the day received", facts, erased, []RecipientInput{told("Google", "2026-03-05"), told("Zendesk", "2026-03-05")}, "", 2},
		{"one impossible", facts, erased, []RecipientInput{told("Google", "2026-03-10"), notTold("Zendesk", NotToldImpossible, "The account was closed; no contact.")}, "", 2},
		{"one disproportionate", facts, erased, []RecipientInput{notTold("Google", NotToldDisproportionate, "x"), told("Zendesk", "2026-03-10")}, "", 2},
		{"a recipient missing", facts, erased, []RecipientInput{told("Google", "2026-03-10")}, RecipientsField, 0},
		{"no choice", facts, erased, []RecipientInput{told("Google", "2026-03-10"), {Provider: "Zendesk"}}, ToldField(1), 0},
		{"a choice not offered", facts, erased, []RecipientInput{told("Google", "2026-03-10"), {Provider: "Zendesk", Choice: "maybe"}}, ToldField(1), 0},
		{"told without a date", facts, erased, []RecipientInput{told("Google", ""), told("Zendesk", "2026-03-10")}, ToldOnField(0), 0},
		{"told on a non-date", facts, erased, []RecipientInput{told("Google", "10/03/2026"), told("Zendesk", "2026-03-10")}, ToldOnField(0), 0},
		{"told in the future", facts, erased, []RecipientInput{told("Google", "2026-03-21"), told("Zendesk", "2026-03-10")}, ToldOnField(0), 0},
		{"told before receipt", facts, erased, []RecipientInput{told("Google", "2026-03-04"), told("Zendesk", "2026-03-10")}, ToldOnField(0), 0},
		{"not told without a reason", facts, erased, []RecipientInput{told("Google", "2026-03-10"), notTold("Zendesk", NotToldImpossible, "  ")}, NotToldReasonField(1), 0},
		{"a provider not offered", facts, erased, []RecipientInput{told("Google", "2026-03-10"), told("Zendesk", "2026-03-10"), told("Hotjar", "2026-03-10")}, RecipientsField, 0},
		{"a provider twice", facts, erased, []RecipientInput{told("Google", "2026-03-10"), told("Google", "2026-03-11"), told("Zendesk", "2026-03-10")}, RecipientsField, 0},
		// Nothing to tell: no rectification, erasure or restriction carried out, or no recipient.
		{"erasure refused", facts, []RightAnswer{{Kind: KindErasure, Result: ResultRefused}}, nil, "", 0},
		{"access only", facts, []RightAnswer{{Kind: KindAccess, Result: ResultFull}}, nil, "", 0},
		{"no recipient", RecipientFacts{ReceivedOn: facts.ReceivedOn, Today: facts.Today}, erased, nil, "", 0},
	}
	for _, tt := range tests {
		got, errs := CheckRecipients(tt.facts, tt.answers, tt.in)
		switch {
		case tt.field == "" && errs != nil:
			t.Errorf("%s: refused: %v", tt.name, errs)
		case tt.field != "" && errs[tt.field] == "":
			t.Errorf("%s: want an error on %s, got %v", tt.name, tt.field, errs)
		case tt.field == "" && len(got) != tt.saved:
			t.Errorf("%s: %d recipients recorded, want %d: %+v", tt.name, len(got), tt.saved, got)
		}
	}
	got, _ := CheckRecipients(facts, erased, []RecipientInput{notTold("Zendesk", NotToldImpossible, " No contact. "), told("Google", " 2026-03-10 ")})
	if len(got) != 2 || got[0].Provider != "Google" || !got[0].Told() || got[0].ToldOn != deadline.NewDate(2026, 3, 10) ||
		got[1].Told() || got[1].NotTold != NotToldImpossible || got[1].Reason != "No contact." {
		t.Errorf("recorded in the order of the recipients, trimmed: %+v", got)
	}
	// The message names the recipient and the article.
	_, errs := CheckRecipients(facts, erased, []RecipientInput{told("Google", "2026-03-10")})
	if !strings.Contains(errs[RecipientsField], "Zendesk") || !strings.Contains(errs[RecipientsField], "Art. 19") {
		t.Errorf("missing recipient: %q", errs[RecipientsField])
	}
}

func TestCheckMayLift(t *testing.T) {
	tests := []struct {
		name  string
		facts LiftingFacts
		ok    bool
	}{
		{"restriction complied with", LiftingFacts{Status: StatusCompleted, Restriction: ResultFull}, true},
		{"restriction complied with in part", LiftingFacts{Status: StatusCompleted, Restriction: ResultPartial}, true},
		{"already announced", LiftingFacts{Status: StatusCompleted, Restriction: ResultFull, Notified: true}, false},
		{"restriction refused", LiftingFacts{Status: StatusCompleted, Restriction: ResultRefused}, false},
		{"no restriction", LiftingFacts{Status: StatusCompleted}, false},
		{"not answered", LiftingFacts{Status: StatusInProgress}, false},
		{"refused as a whole", LiftingFacts{Status: StatusRefused, Restriction: ResultRefused}, false},
	}
	for _, tt := range tests {
		err := CheckMayLift(tt.facts)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrRefused)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestCheckLifting(t *testing.T) {
	today := deadline.NewDate(2026, 4, 1)
	tests := []struct {
		on, reasons string
		field       string
	}{
		{"2026-04-15", "The accuracy of your address has been verified.", ""},
		{"2026-04-02", "x", ""},
		{"2026-04-01", "x", LiftsOnField}, // today: the requester is told before, not on the day
		{"2026-03-20", "x", LiftsOnField},
		{"", "x", LiftsOnField},
		{"15 April", "x", LiftsOnField},
		{"2026-04-15", " ", LiftingReasonsField},
		{"2026-04-15", strings.Repeat("r", MaxMessage+1), LiftingReasonsField},
	}
	for _, tt := range tests {
		d, r, errs := CheckLifting(today, tt.on, tt.reasons)
		switch {
		case tt.field == "" && (errs != nil || d.IsZero() || r == ""):
			t.Errorf("%q %q: refused: %v", tt.on, tt.reasons, errs)
		case tt.field != "" && errs[tt.field] == "":
			t.Errorf("%q %q: want an error on %s, got %v", tt.on, tt.reasons, tt.field, errs)
		}
	}
}

// The tick "tell me who the recipients are" goes with a rectification, erasure or restriction
// only (Art. 19).
func TestValidateRecipientsWanted(t *testing.T) {
	for _, tt := range []struct {
		kinds []string
		want  bool
	}{
		{[]string{"erasure"}, true},
		{[]string{"access", "restriction"}, true},
		{[]string{"access"}, false},
		{[]string{"objection"}, false},
	} {
		f := validFiling()
		f.Kinds, f.RecipientsWanted = tt.kinds, true
		f.ObjectionGrounds = "My situation."
		r, errs := f.Validate(identifying)
		if errs != nil {
			t.Fatalf("%v: %v", tt.kinds, errs)
		}
		if r.RecipientsWanted != tt.want {
			t.Errorf("%v: recipients wanted %v, want %v", tt.kinds, r.RecipientsWanted, tt.want)
		}
	}
}

func TestRecipientsToldLater(t *testing.T) {
	facts := RecipientFacts{
		Recipients: []string{"Google", "Zendesk"},
		ReceivedOn: deadline.NewDate(2026, 3, 5),
		Today:      deadline.NewDate(2026, 3, 20),
	}
	recorded := []RecipientTold{
		{Provider: "Google", ToldOn: deadline.NewDate(2026, 3, 10)},
		{Provider: "Pixel", NotTold: NotToldDisproportionate, Reason: "x"}, // no longer on the site
		{Provider: "Zendesk", NotTold: NotToldImpossible, Reason: "x"},
	}
	if got := strings.Join(LaterRecipients(facts.Recipients, recorded), ","); got != "Pixel,Zendesk" {
		t.Errorf("recipients still to tell: %s", got)
	}
	if got := strings.Join(LaterRecipients([]string{"Hotjar", "Google"}, nil), ","); got != "Google,Hotjar" {
		t.Errorf("a provider added since the answer: %s", got)
	}
	tests := []struct {
		provider, on, field string
	}{
		{"Zendesk", "2026-03-20", ""},
		{"Pixel", "2026-03-05", ""},
		{"Google", "2026-03-15", LaterProviderField}, // already told
		{"Hotjar", "2026-03-15", LaterProviderField},
		{"Zendesk", "2026-03-21", LaterToldOnField},
		{"Zendesk", "2026-03-04", LaterToldOnField},
		{"Zendesk", "", LaterToldOnField},
	}
	for _, tt := range tests {
		got, errs := CheckLaterTold(facts, recorded, tt.provider, tt.on)
		switch {
		case tt.field == "" && (errs != nil || got.Provider != tt.provider || !got.Told()):
			t.Errorf("%s %s: %v %+v", tt.provider, tt.on, errs, got)
		case tt.field != "" && errs[tt.field] == "":
			t.Errorf("%s %s: want an error on %s, got %v", tt.provider, tt.on, tt.field, errs)
		}
	}
	if err := CheckMayRecordLater(StatusCompleted, []RightAnswer{{Kind: KindErasure, Result: ResultPartial}}); err != nil {
		t.Errorf("an erasure in part: %v", err)
	}
	for _, tt := range []struct {
		status  Status
		answers []RightAnswer
	}{
		{StatusCompleted, []RightAnswer{{Kind: KindErasure, Result: ResultRefused}, {Kind: KindAccess, Result: ResultFull}}},
		{StatusInProgress, nil},
		{StatusRefused, []RightAnswer{{Kind: KindErasure, Result: ResultRefused}}},
	} {
		if err := CheckMayRecordLater(tt.status, tt.answers); !errors.Is(err, ErrRefused) {
			t.Errorf("%s %+v: %v", tt.status, tt.answers, err)
		}
	}
}
