package views

import (
	"fmt"
	"net/url"
	"rightsdesk/access"
	"sort"
	"strings"
	"time"

	"github.com/a-h/templ"

	"rightsdesk/authority"
	"rightsdesk/cases"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/models"
)

// QueueQuery is the queue's filter as it travels in the URL.
type QueueQuery struct {
	Status   string // "" (active), "all", "closed", "answered", "requests" or a status
	Kind     string
	Site     string // a site id
	Assignee string // "", "me", "unassigned" or a user id
	Band     string
	From, To string // received range, YYYY-MM-DD
	Q        string // reference, e-mail or identifier value
	Sort     string // "due" (default) or "received"
	// Answers: the day range they went out in, whether on time ("on_time", "late"), and
	// extended cases only ("yes"). The dashboard's links use them.
	AnsweredFrom, AnsweredTo string
	Timely                   string
	Extended                 string
	Provenance               string // cases with an identifier of this provenance, or "unverified"
}

// Values encodes the query, leaving out empty parameters.
func (q QueueQuery) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("status", q.Status)
	set("kind", q.Kind)
	set("site", q.Site)
	set("assignee", q.Assignee)
	set("band", q.Band)
	set("from", q.From)
	set("to", q.To)
	set("q", q.Q)
	set("sort", q.Sort)
	set("answered_from", q.AnsweredFrom)
	set("answered_to", q.AnsweredTo)
	set("timely", q.Timely)
	set("extended", q.Extended)
	set("provenance", q.Provenance)
	return v
}

// URL is the queue with this filter, optionally from a cursor.
func (q QueueQuery) URL(after string) string { return pageURL("/staff/cases", q.Values(), after) }

// pageURL is a list's address with its filter v and, unless empty, the cursor of a keyset page.
func pageURL(path string, v url.Values, after string) string {
	if after != "" {
		v.Set("after", after)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// QueueView is the staff queue.
type QueueView struct {
	Query       QueueQuery
	Cases       []models.Case
	Today       deadline.Date
	Count       int64
	CountCapped bool
	NextURL     string
	Controllers []models.Controller // the user's scope, for the site filter
	Staff       []models.User       // people cases can be assigned to
	Me          models.User
	MayAssign   bool // managers and admins assign to anyone
	Problems    []string
}

// CountText says how many cases match.
func (v QueueView) CountText() string {
	switch {
	case v.CountCapped:
		return fmt.Sprintf("More than %d cases", v.Count-1)
	case v.Count == 1:
		return "1 case"
	}
	return fmt.Sprintf("%d cases", v.Count)
}

// SearchesEveryStatus reports whether the page shows a search without a status chosen: the store
// then looks at cases in every status (models.QueueFilter.Statuses), and the page says so.
func (v QueueView) SearchesEveryStatus() bool { return v.Query.Q != "" && v.Query.Status == "" }

// OrganisationAndSite names a case's controller and site once each: "Belgian Mobile ID SA/NV, site
// itsme (itsme.be)", but "ESOMUS (esomus.com)" when the site bears the controller's name.
func OrganisationAndSite(controller, site, domain string) string {
	s := controller
	if !strings.EqualFold(strings.TrimSpace(controller), strings.TrimSpace(site)) {
		s += ", site " + site
	}
	if domain != "" {
		s += " (" + domain + ")"
	}
	return s
}

// MaskEmail hides most of an address in lists: a***n@example.org.
func MaskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	if len(r) <= 2 {
		return string(r[0]) + "***@" + domain
	}
	return string(r[0]) + "***" + string(r[len(r)-1]) + "@" + domain
}

func assigneeName(c models.Case) string {
	if c.Assignee == nil {
		return "Unassigned"
	}
	return c.Assignee.Name
}

// CaseForm is one action form's state after a refusal: its errors and what was typed.
type CaseForm struct {
	Action string
	Errors dsr.Errors
	Values map[string]string
	Notice string
}

// caseForms names each action's form, for the error summary.
var caseForms = map[string]string{
	"claim": "Claim this case", "assign": "Assign", "request-info": "Ask the requester for information",
	"extend": "Extend the deadline", "complete": "Answer the request", "refuse": "Refuse the whole request",
	"withdraw": "Close as withdrawn", "notes": "Add an internal note", "expire": "Close as expired",
	"lift-restriction": "Inform of lifting the restriction", "recipients": "Record a recipient told later",
	"hold": "Place a legal hold", "lift-hold": "Lift the hold",
}

// maxRecipientFields is how many recipients of the answer form the error summary labels by name
// of field; more are still checked, and listed after them.
const maxRecipientFields = 50

// caseFields labels the fields of the actions' forms, in the order they appear on the page.
var caseFields = func() []struct{ key, label string } {
	fs := []struct{ key, label string }{
		{"verified", "Does it belong to the requester?"}, {"reason", "Reasons"}, {"question", "Your question"},
		{dsr.ReplyByField, "Answer by"}, {dsr.IdentityField, "About the requester's identity"},
	}
	for _, k := range dsr.Kinds {
		done := k.Label() + ": what was done"
		if k == dsr.KindAccess {
			done = k.Label() + ": what was found"
		}
		fs = append(fs, []struct{ key, label string }{
			{dsr.ResultField(k), k.Label() + ": result"}, {dsr.OutcomeField(k), done},
			{dsr.GroundField(k), k.Label() + ": ground of the refusal"}, {dsr.ReasonsField(k), k.Label() + ": reasons of the refusal"},
		}...)
	}
	for _, k := range access.Keys {
		fs = append(fs, struct{ key, label string }{k.Field(), "Access: " + access.Heading("en", k)})
	}
	fs = append(fs, struct{ key, label string }{dsr.RecipientsField, "Recipients told (Art. 19)"})
	for i := 0; i < maxRecipientFields; i++ {
		n := fmt.Sprintf("Recipient %d", i+1)
		fs = append(fs, []struct{ key, label string }{
			{dsr.ToldField(i), n + ": told or not"}, {dsr.ToldOnField(i), n + ": date told"},
			{dsr.NotToldReasonField(i), n + ": why not told"},
		}...)
	}
	return append(fs, []struct{ key, label string }{
		{dsr.LaterProviderField, "Recipient told later"}, {dsr.LaterToldOnField, "Date told"},
		{dsr.LiftsOnField, "Date the restriction will be lifted"}, {dsr.LiftingReasonsField, "Reasons for lifting the restriction"},
		{"files", "Data found (files)"}, {"portable", "Machine-readable files (portability)"},
		{"ground", "Ground"}, {"reasons", "Reasons"}, {dsr.LateAckField, "Late refusal acknowledged"},
		{"how", "How the requester withdrew"}, {"note", "Note"}, {"assignee", "Assign to"},
		{cases.HoldReasonField, "Reason for the hold"}, {cases.LiftReasonField, "Reason for lifting the hold"},
	}...)
}()

// FormName is the name of the form the refused action came from.
func (f CaseForm) FormName() string {
	if strings.HasPrefix(f.Action, "identifiers/") {
		return "Decision on a cookie identifier"
	}
	if n, ok := caseForms[f.Action]; ok {
		return n
	}
	return f.Action
}

// Refused reports whether the page shows a refused action: errors in its fields or a notice.
func (f CaseForm) Refused() bool { return f.Action != "" && (len(f.Errors) > 0 || f.Notice != "") }

// SummaryItem is one line of the error summary: the message, linking to its field.
type SummaryItem struct {
	Text string
	Href string
}

// FieldID is the id of the control of field key in the form of action: what the summary links to.
func (f CaseForm) FieldID(key string) string {
	if id, ok := strings.CutPrefix(f.Action, "identifiers/"); ok && key == "verified" {
		return "ver-yes-" + id
	}
	if f.Action == "assign" && key == "assignee" {
		return "assign-to"
	}
	if strings.HasPrefix(key, "result_") {
		return f.Action + "-" + key + "-" + string(dsr.ResultFull) // the first of the choices
	}
	if strings.HasPrefix(key, "told_") && !strings.HasPrefix(key, "told_on_") {
		return f.Action + "-" + key + "-" + dsr.ToldChoice // the first of the choices
	}
	return f.Action + "-" + key
}

// Summary lists the field errors in the order of the fields on the page.
func (f CaseForm) Summary() []SummaryItem {
	var out []SummaryItem
	seen := map[string]bool{}
	for _, fl := range caseFields {
		if msg, ok := f.Errors[fl.key]; ok {
			out = append(out, SummaryItem{Text: msg, Href: "#" + f.FieldID(fl.key)})
			seen[fl.key] = true
		}
	}
	var rest []string
	for k := range f.Errors {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, SummaryItem{Text: f.Errors[k], Href: "#" + f.FieldID(k)})
	}
	return out
}

// Typed lists what was typed into the refused form's text fields, labelled, for when that form is
// no longer on the page (the case moved on meanwhile): nothing typed is lost.
func (f CaseForm) Typed() []TypedValue {
	var out []TypedValue
	for _, fl := range caseFields {
		switch fl.key {
		case "verified", "ground", "assignee", "files", "portable", dsr.LateAckField, dsr.IdentityField:
			continue
		}
		if strings.HasPrefix(fl.key, "result_") || strings.HasPrefix(fl.key, "ground_") || strings.HasPrefix(fl.key, "told_") {
			continue
		}
		if v := strings.TrimSpace(f.Values[fl.key]); v != "" {
			out = append(out, TypedValue{Label: fl.label, Text: clean(f.Values[fl.key])})
		}
	}
	return out
}

// TypedValue is a field's label and what was typed into it.
type TypedValue struct{ Label, Text string }

// caseActionURL is where a case's form posts: the answer to a refused action opens at the error
// summary (#error-summary); a success is a redirect to the case, which names its own place.
func caseActionURL(v CaseView, action string) templ.SafeURL {
	return templ.SafeURL("/staff/cases/" + v.Case.Reference + "/" + action + "#error-summary")
}

// controlAria ties a control to its hint and its error message, and marks it invalid.
func controlAria(id string, hint, invalid bool) templ.Attributes {
	var ids []string
	if hint {
		ids = append(ids, id+"-hint")
	}
	a := templ.Attributes{}
	if invalid {
		ids = append(ids, id+"-error")
		a["aria-invalid"] = "true"
	}
	if len(ids) > 0 {
		a["aria-describedby"] = strings.Join(ids, " ")
	}
	return a
}

// FormID is the id of an action's form on the case page.
func FormID(action string) string { return "form-" + strings.ReplaceAll(action, "/", "-") }

func (f CaseForm) value(action, key string) string {
	if f.Action != action {
		return ""
	}
	return clean(f.Values[key])
}

func (f CaseForm) err(action, key string) string {
	if f.Action != action {
		return ""
	}
	return f.Errors[key]
}

func (f CaseForm) notice(action string) string {
	if f.Action != action {
		return ""
	}
	return f.Notice
}

// CaseView is the staff case page.
type CaseView struct {
	Case      models.Case
	Today     deadline.Date
	Events    []models.Event
	Letters   []models.Letter
	Outcomes  []models.CaseOutcome
	Files     []models.CaseFile
	Users     map[int64]models.User // authors of events and decisions
	Staff     []models.User         // people the case can be assigned to
	Me        models.User
	MayAssign bool
	Form      CaseForm
	// Art. 19 and 18(3): the recipients the answer form offers (the third-party providers of the
	// site's live cookies), what was recorded of each, and the notice of lifting the restriction.
	Recipients []string
	Told       []models.CaseRecipientTold
	Lifting    *models.RestrictionLifting
	// Art. 15: the draft of the items the answer form offers while access is open, and the items
	// given with the answer.
	AccessDraft map[access.Key]string
	Access      []access.Item
}

// accessValue is what the answer form shows for Art. 15 item k: what was typed when the form
// came back refused, else the draft.
func (v CaseView) accessValue(k access.Key) string {
	if v.Form.Action == "complete" {
		return v.Form.value("complete", k.Field())
	}
	return v.AccessDraft[k]
}

// accessRows sizes an item's text area to its draft, within reason.
func accessRows(text string) int {
	n := strings.Count(text, "\n") + 1 + len(text)/90
	return min(max(n, 3), 14)
}

// TimelineItem is an event or a letter, in time order.
type TimelineItem struct {
	At     time.Time
	Event  *models.Event
	Letter *models.Letter
}

// Timeline merges the case's events and letters in time order.
func (v CaseView) Timeline() []TimelineItem {
	var items []TimelineItem
	for i := range v.Events {
		items = append(items, TimelineItem{At: v.Events[i].At, Event: &v.Events[i]})
	}
	for i := range v.Letters {
		items = append(items, TimelineItem{At: v.Letters[i].CreatedAt, Letter: &v.Letters[i]})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].At.Before(items[j].At) })
	return items
}

// holderName names who placed the case's legal hold.
func (v CaseView) holderName() string {
	if v.Case.HeldBy != nil {
		if u, ok := v.Users[*v.Case.HeldBy]; ok {
			return u.Name
		}
	}
	return "staff"
}

func (v CaseView) actorName(e models.Event) string {
	switch e.ActorType {
	case models.ActorRequester:
		return "Requester"
	case models.ActorSystem:
		return "System"
	}
	if e.ActorUserID != nil {
		if u, ok := v.Users[*e.ActorUserID]; ok {
			return u.Name
		}
	}
	return "Staff"
}

func (v CaseView) active() bool {
	s := v.Case.Status
	return s == dsr.StatusOpen || s == dsr.StatusInProgress || s == dsr.StatusAwaitingRequester
}

func (v CaseView) mine() bool { return v.Case.AssigneeID != nil && *v.Case.AssigneeID == v.Me.ID }

// mayClaim: an active case the user does not hold, which nobody holds or which a manager may take.
func (v CaseView) mayClaim() bool {
	return v.active() && !v.mine() && (v.Case.AssigneeID == nil || v.MayAssign)
}

// offers reports whether the page offers the form of action in the case's present state.
func (v CaseView) offers(action string) bool {
	if id, ok := strings.CutPrefix(action, "identifiers/"); ok {
		if !v.active() {
			return false
		}
		for _, i := range v.Case.Identifiers {
			if idText(i.ID) == id {
				return i.Verified == nil
			}
		}
		return false
	}
	switch action {
	case "claim":
		return v.mayClaim()
	case "assign":
		return v.active() && v.MayAssign
	case "request-info", "complete":
		return v.Case.Status == dsr.StatusInProgress
	case "extend":
		return v.mayExtend()
	case "refuse", "withdraw":
		return v.active()
	case "notes":
		return true
	case "hold":
		return !v.Case.Held()
	case "lift-hold":
		return v.Case.Held()
	case "lift-restriction":
		return v.mayLift()
	case "recipients":
		return len(v.laterRecipients()) > 0
	case "expire":
		return v.Case.Status == dsr.StatusUnverified
	}
	return false
}

func (v CaseView) mayExtend() bool { return v.active() && v.extendBlocked() == "" }

// extendBlocked says why the deadline cannot be extended now (Art. 12(3)), or "".
func (v CaseView) extendBlocked() string {
	if err := dsr.CheckExtension(v.Case.Status, v.Case.Extended(), v.Case.DueOn, v.Today); err != nil {
		return err.Error()
	}
	return ""
}

func (v CaseView) outcome(k dsr.Kind) string {
	for _, o := range v.Outcomes {
		if o.Kind == k {
			return o.Outcome
		}
	}
	return ""
}

func (v CaseView) decidedBy(id models.CaseIdentifier) string {
	if id.VerifiedBy != nil {
		if u, ok := v.Users[*id.VerifiedBy]; ok {
			return u.Name
		}
	}
	return "staff"
}

func provenanceLabel(p dsr.Provenance) string {
	switch p {
	case dsr.ProvenanceBrowser:
		return "browser: read from the requester's own cookie"
	case dsr.ProvenanceSigned:
		return "signed: carried in a link signed by the site"
	case dsr.ProvenanceTyped:
		return "typed: pasted by the requester, unverified"
	}
	return string(p)
}

// LetterStateName is a letter's state in words.
func LetterStateName(status string) string { return cases.LetterStateName(status) }

func letterStateText(l models.Letter) string {
	switch l.Status {
	case models.LetterSent:
		return "sent " + instantPtr(l.SentAt)
	case models.LetterFailed:
		return "failed: " + l.LastError
	case models.LetterPossiblySent:
		return "possibly sent: the sending stopped before the mail server confirmed it; an admin checks and decides"
	}
	if l.Attempts > 0 {
		return fmt.Sprintf("queued, %d attempt(s): %s", l.Attempts, l.LastError)
	}
	return "queued"
}

func sizeText(n int64) string { return cases.SizeText(n) }

func countryName(code string) string {
	if a, ok := authority.Lookup(code); ok {
		return a.Country
	}
	return "outside the EU/EEA"
}

func refusalLabel(g string) string { return dsr.RefusalGround(g).Label() }

func idText(id int64) string { return fmt.Sprint(id) }

// identifierBadge is an identifier's provenance in the queue: a typed one says whether staff
// decided on it, since only then may it be acted on.
func identifierBadge(id models.CaseIdentifier) string {
	if id.Provenance != dsr.ProvenanceTyped {
		return string(id.Provenance)
	}
	switch {
	case id.Verified == nil:
		return "typed, unverified"
	case *id.Verified:
		return "typed, verified"
	}
	return "typed, rejected"
}

// refusalLate reports whether refusing a right now comes after the one-month date of Art. 12(4):
// the forms then ask for the acknowledgement that it is late.
func (v CaseView) refusalLate() bool {
	due := v.Case.DueOn
	if v.Case.Paused() {
		// A refusal ends the pause and moves the date by the days paused, at least.
		due = due.AddDays(deadline.PausedDays(v.Case.PausedOn, v.Today))
	}
	return v.Today.After(due)
}

// replyBy is the date the question form offers: what was typed on a refused form, else the default.
func (v CaseView) replyBy() string {
	if v.Form.Action == "request-info" {
		return v.Form.value("request-info", dsr.ReplyByField)
	}
	return dsr.DefaultReplyBy(v.Today, v.Case.AnswerDue()).String()
}

// refusalDueSoon reports whether the case page warns that the one-month date for a refusal is
// near: on an extended case, from 7 days before it, while refusing is still on time.
func (v CaseView) refusalDueSoon() bool {
	return v.active() && v.Case.Extended() && !v.refusalLate() && !v.Today.Before(v.Case.DueOn.AddDays(-7))
}

// refusedLate reports whether a right was refused after the one-month date: the answer was due
// that day and counts late (Art. 12(4)).
func (v CaseView) refusedLate() bool {
	return v.Case.Extended() && !v.Case.AnsweredOn.IsZero() && v.Case.AnswerDueOn == v.Case.DueOn &&
		v.Case.AnsweredOn.After(v.Case.DueOn)
}

// resultChecked reports whether result r is the chosen one for right k on the answer form: what
// was typed on a refused form, else "complied with".
func (v CaseView) resultChecked(k dsr.Kind, r dsr.Result) bool {
	if got := v.Form.value("complete", dsr.ResultField(k)); got != "" {
		return got == string(r)
	}
	return r == dsr.ResultFull
}

// resultOffered reports whether result r may be chosen for right k: a direct-marketing objection
// cannot be refused, in whole or in part (Art. 21(3)).
func (v CaseView) resultOffered(k dsr.Kind, r dsr.Result) bool {
	return r == dsr.ResultFull || !(k == dsr.KindObjection && v.Case.ObjectionDirectMarketing)
}

// wholeRefusalGrounds are the grounds that may refuse a whole request of kinds: Art. 17(3) only
// when erasure is all it asks.
func wholeRefusalGrounds(kinds []dsr.Kind) []dsr.RefusalGround {
	if len(kinds) == 1 {
		return dsr.GroundsFor(kinds[0])
	}
	return dsr.GroundsFor(dsr.KindAccess) // any right but erasure: no Art. 17(3)
}

// asksRecipients reports whether the answer form asks what became of each recipient (Art. 19): the
// case exercises rectification, erasure or restriction and the site has recipients. Whether it is
// required depends on the results chosen; the service checks.
func (v CaseView) asksRecipients() bool {
	if len(v.Recipients) == 0 {
		return false
	}
	for _, k := range dsr.Art19Kinds {
		if containsKind(v.Case.KindList(), k) {
			return true
		}
	}
	return false
}

// toldChecked reports whether choice is the one typed for recipient i on a refused form.
func (v CaseView) toldChecked(i int, choice string) bool {
	return v.Form.value("complete", dsr.ToldField(i)) == choice
}

// restrictionResult is the result given to the restriction right, or "".
func (v CaseView) restrictionResult() dsr.Result {
	for _, o := range v.Outcomes {
		if o.Kind == dsr.KindRestriction {
			return o.Result
		}
	}
	return ""
}

// mayLift reports whether the page offers to inform of the lifting of the restriction (Art. 18(3)):
// on a completed case whose restriction was complied with, in whole or in part, once.
func (v CaseView) mayLift() bool {
	return dsr.CheckMayLift(dsr.LiftingFacts{Status: v.Case.Status, Restriction: v.restrictionResult(), Notified: v.Lifting != nil}) == nil
}

// recipientText says what became of a recipient, for staff.
func recipientText(r models.CaseRecipientTold) string {
	if r.Told() {
		return "told on " + dateText(r.ToldOn)
	}
	return strings.ToLower(r.NotTold.Label()) + ": " + r.Reason
}

// laterRecipients are the recipients that may be recorded as told after the answer (Art. 19): on an
// answered case that carried out a rectification, erasure or restriction, those not yet told.
func (v CaseView) laterRecipients() []string {
	answers := make([]dsr.RightAnswer, len(v.Outcomes))
	for i, o := range v.Outcomes {
		answers[i] = dsr.RightAnswer{Kind: o.Kind, Result: o.Result}
	}
	if dsr.CheckMayRecordLater(v.Case.Status, answers) != nil {
		return nil
	}
	recorded := make([]dsr.RecipientTold, len(v.Told))
	for i, r := range v.Told {
		recorded[i] = dsr.RecipientTold{Provider: r.Provider, ToldOn: r.ToldOn, NotTold: r.NotTold, Reason: r.Reason}
	}
	return dsr.LaterRecipients(v.Recipients, recorded)
}
