package dsr

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"rightsdesk/deadline"
)

// Art. 19: a rectification, erasure or restriction carried out is communicated to each recipient
// to whom the data was disclosed, unless this proves impossible or involves disproportionate
// effort; the requester is told who the recipients are if they ask. The recipients the portal
// knows are the third-party providers of the site's cookies.

// NotTold says why a recipient was not told (Art. 19): empty when it was told.
type NotTold string

const (
	NotToldImpossible       NotTold = "impossible"       // telling it proved impossible
	NotToldDisproportionate NotTold = "disproportionate" // telling it would involve disproportionate effort
)

// Form values of a recipient's choice: told on a date, or one of the NotTold reasons.
const ToldChoice = "told"

var notToldLabels = map[NotTold]string{
	NotToldImpossible:       "Not told: it proved impossible",
	NotToldDisproportionate: "Not told: it would involve disproportionate effort",
}

// NotToldChoices lists the reasons for not telling a recipient, in the order the form offers them.
var NotToldChoices = []NotTold{NotToldImpossible, NotToldDisproportionate}

// Label says the reason in words, for staff.
func (n NotTold) Label() string {
	if l, ok := notToldLabels[n]; ok {
		return l
	}
	return string(n)
}

// RecipientInput is one recipient's line as typed on the answer form: the provider it names, the
// choice (ToldChoice or a NotTold), the date told (YYYY-MM-DD) and, when not told, the reason.
type RecipientInput struct {
	Provider, Choice, ToldOn, Reason string
}

// RecipientTold is what was recorded for one recipient: told on ToldOn, or not told (NotTold) for
// Reason.
type RecipientTold struct {
	Provider string
	ToldOn   deadline.Date
	NotTold  NotTold
	Reason   string
}

// Told reports whether the recipient was told.
func (r RecipientTold) Told() bool { return r.NotTold == "" }

// Form fields of recipient i of the answer form (and the Errors keys). RecipientsField holds a
// problem with the list as a whole.
func RecipientField(i int) string     { return fmt.Sprintf("recipient_%d", i) }
func ToldField(i int) string          { return fmt.Sprintf("told_%d", i) }
func ToldOnField(i int) string        { return fmt.Sprintf("told_on_%d", i) }
func NotToldReasonField(i int) string { return fmt.Sprintf("not_told_reason_%d", i) }

const RecipientsField = "recipients"

// Art19Kinds are the rights whose exercise is communicated to the recipients (Art. 19).
var Art19Kinds = []Kind{KindRectification, KindErasure, KindRestriction}

// Art19Applies reports whether an answer carries out a rectification, erasure or restriction, in
// whole or in part: the recipients must then be told (Art. 19).
func Art19Applies(answers []RightAnswer) bool {
	for _, a := range answers {
		if contains(Art19Kinds, a.Kind) && a.Result != ResultRefused {
			return true
		}
	}
	return false
}

// RecipientFacts is what the recipient rules need to know of the case and the day.
type RecipientFacts struct {
	// Recipients are the site's recipients offered on the form: the distinct third-party
	// providers of its live cookies, in the form's order.
	Recipients []string
	ReceivedOn deadline.Date // nobody was told before the case was received
	Today      deadline.Date // nor in the future
}

// CheckRecipients checks the recipients told of an answer (Art. 19). When the answer carries out no
// rectification, erasure or restriction, or the site has no recipient, there is nothing to record
// and the input is ignored. Otherwise each recipient offered needs a line: told on a date, neither
// in the future nor before the case was received; or not told because it proved impossible or
// would involve disproportionate effort, with the reason. A line for a provider that is not
// offered (the catalogue changed since the form was drawn), or two lines for one, is refused.
func CheckRecipients(f RecipientFacts, answers []RightAnswer, in []RecipientInput) ([]RecipientTold, Errors) {
	if !Art19Applies(answers) || len(f.Recipients) == 0 {
		return nil, nil
	}
	errs := Errors{}
	byProvider := map[string]int{}
	for i, r := range in {
		p := strings.TrimSpace(r.Provider)
		if p == "" && strings.TrimSpace(r.Choice+r.ToldOn+r.Reason) == "" {
			continue
		}
		if !slices.Contains(f.Recipients, p) {
			errs[RecipientsField] = "The list of recipients changed since the form was opened: check each recipient again."
			continue
		}
		if _, dup := byProvider[p]; dup {
			errs[RecipientsField] = fmt.Sprintf("The recipient %s is listed twice.", p)
			continue
		}
		byProvider[p] = i
	}
	var out []RecipientTold
	for _, p := range f.Recipients {
		i, ok := byProvider[p]
		if !ok {
			if errs[RecipientsField] == "" {
				errs[RecipientsField] = fmt.Sprintf("Say whether %s was told (Art. 19).", p)
			}
			continue
		}
		t, fieldErrs := checkRecipient(f, p, i, in[i])
		for k, v := range fieldErrs {
			errs[k] = v
		}
		out = append(out, t)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func checkRecipient(f RecipientFacts, provider string, i int, r RecipientInput) (RecipientTold, Errors) {
	errs := Errors{}
	t := RecipientTold{Provider: provider}
	choice := strings.TrimSpace(r.Choice)
	switch {
	case choice == ToldChoice:
		on, msg := checkToldOn(f, provider, r.ToldOn)
		if msg != "" {
			errs[ToldOnField(i)] = msg
		}
		t.ToldOn = on
	case choice == string(NotToldImpossible) || choice == string(NotToldDisproportionate):
		t.NotTold = NotTold(choice)
		if msg := checkRequiredText(r.Reason, MaxMessage, fmt.Sprintf("Say why telling %s proved impossible or would involve disproportionate effort (Art. 19).", provider)); msg != "" {
			errs[NotToldReasonField(i)] = msg
		}
		t.Reason = strings.TrimSpace(r.Reason)
	default:
		errs[ToldField(i)] = fmt.Sprintf("Say whether %s was told and when, or why it was not (Art. 19).", provider)
	}
	return t, errs
}

// checkToldOn checks the date a recipient was told: a date, neither in the future nor before the
// request was received.
func checkToldOn(f RecipientFacts, provider, raw string) (deadline.Date, string) {
	on, err := deadline.ParseDate(strings.TrimSpace(raw))
	switch {
	case strings.TrimSpace(raw) == "":
		return on, fmt.Sprintf("Give the date %s was told.", provider)
	case err != nil:
		return on, fmt.Sprintf("The date %s was told is not a date: write it as YYYY-MM-DD.", provider)
	case on.After(f.Today):
		return on, fmt.Sprintf("The date %s was told is in the future: record it once it is done, or say why it is not.", provider)
	case on.Before(f.ReceivedOn):
		return on, fmt.Sprintf("The date %s was told is before the request was received (%s).", provider, dayText(f.ReceivedOn))
	}
	return on, ""
}

// Form fields of a recipient told after the answer (and the Errors keys).
const (
	LaterProviderField = "later_provider"
	LaterToldOnField   = "later_told_on"
)

// LaterRecipients are the recipients of an answered case that may still be recorded as told: those
// offered now (the site's recipients) or recorded with the answer, not yet recorded as told.
func LaterRecipients(offered []string, recorded []RecipientTold) []string {
	told := map[string]bool{}
	var out []string
	for _, r := range recorded {
		if r.Told() {
			told[r.Provider] = true
		} else {
			out = append(out, r.Provider)
		}
	}
	for _, p := range offered {
		if !told[p] && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// CheckMayRecordLater refuses to record a recipient told after the answer on a case that was not
// answered, or whose answer carried out no rectification, erasure or restriction: there was
// nothing to tell (Art. 19).
func CheckMayRecordLater(status Status, answers []RightAnswer) error {
	if status != StatusCompleted || !Art19Applies(answers) {
		return &RuleError{Msg: "This case's answer carried out no rectification, erasure or restriction: there is no recipient to tell (Art. 19)."}
	}
	return nil
}

// CheckLaterTold checks a recipient told after the answer: one of LaterRecipients, told on a
// date neither in the future nor before the request was received.
func CheckLaterTold(f RecipientFacts, recorded []RecipientTold, provider, toldOn string) (RecipientTold, Errors) {
	errs := Errors{}
	provider = strings.TrimSpace(provider)
	if !slices.Contains(LaterRecipients(f.Recipients, recorded), provider) {
		errs[LaterProviderField] = "Choose a recipient not yet recorded as told."
		return RecipientTold{}, errs
	}
	on, msg := checkToldOn(f, provider, toldOn)
	if msg != "" {
		errs[LaterToldOnField] = msg
		return RecipientTold{}, errs
	}
	return RecipientTold{Provider: provider, ToldOn: on}, nil
}

// dayText writes a date for staff: "5 March 2026".
func dayText(d deadline.Date) string { return d.Time(time.UTC).Format("2 January 2006") }
