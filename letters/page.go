package letters

import (
	htmltemplate "html/template"
	"rightsdesk/access"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"rightsdesk/consent"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/locale"
)

// page is what the layout templates execute with: the letter's data, its language, its message
// variables, and methods that render messages and format values in that language. Methods rather
// than template funcs, because the language and the overrides differ per letter while the parsed
// templates are shared.
type page struct {
	Kind Kind
	Lang string
	D    Data

	vars      map[string]any
	route     Complaint
	subject   string
	overrides Overrides
	fallbacks []string
}

func newPage(k Kind, d Data, o Overrides) *page {
	p := &page{Kind: k, Lang: Language(d.Language), D: d, overrides: o}
	p.vars = p.variables()
	p.route = ComplaintRoute(p.Lang, d.LeadAuthority, d.Residence)
	return p
}

// T renders message id with the letter's variables: the override for id when there is one and
// it renders, else the shipped wording. A shipped message that fails is an error (a bug the tests
// catch), never a "[id]" placeholder in a letter to a person.
func (p *page) T(id string) (string, error) {
	if w, ok := p.overrides[id]; ok && overridable(p.Kind, id) {
		if err := checkWording(w); err == nil {
			if s, err := catalog.Execute(w, p.vars); err == nil {
				return s, nil
			}
		}
		if !slices.Contains(p.fallbacks, id) {
			p.fallbacks = append(p.fallbacks, id)
		}
	}
	return catalog.Localize(p.Lang, id, p.vars)
}

// P renders message id as HTML paragraphs: a blank line in the wording starts a paragraph, a
// line break is kept. The wording is escaped; only the <p> and <br> are markup.
func (p *page) P(id string) (htmltemplate.HTML, error) {
	s, err := p.T(id)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		for i, line := range strings.Split(para, "\n") {
			if i > 0 {
				b.WriteString("<br>")
			}
			b.WriteString(htmltemplate.HTMLEscapeString(line))
		}
		b.WriteString("</p>\n")
	}
	return htmltemplate.HTML(b.String()), nil
}

// vocab renders a message of the vocabulary (months, rights, labels…), which nobody overrides.
func (p *page) vocab(id string, data any) string {
	s, err := catalog.Localize(p.Lang, id, data)
	if err != nil {
		// Every vocabulary id is checked in every language by the tests; this is a last resort.
		return "[" + id + "]"
	}
	return s
}

// Date writes d in the letter's language: "3 mars 2026", "3. März 2026". Empty for no date.
func (p *page) Date(d deadline.Date) string {
	if d.IsZero() {
		return ""
	}
	t := d.Time(time.UTC)
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = p.vocab("format.first_day", nil) // "1er mars"
	}
	return p.vocab("format.date", map[string]any{
		"Day": day, "Month": p.vocab("month."+strings.ToLower(t.Month().String()), nil), "Year": strconv.Itoa(t.Year()),
	})
}

// Instant writes t in the controller's time zone, in the letter's language. Empty for no time.
func (p *page) Instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(deadline.DefaultLocation)
	zone, _ := t.Zone()
	if _, ok := catalog.Source(p.Lang, "zone."+zone); ok {
		zone = p.vocab("zone."+zone, nil)
	}
	return p.vocab("format.instant", map[string]any{
		"Date": p.Date(deadline.NewDate(t.Year(), t.Month(), t.Day())), "Time": t.Format("15:04"), "Zone": zone,
	})
}

// Right is the name of a right in the letter's language.
func (p *page) Right(k dsr.Kind) string {
	if _, ok := dsr.ParseKind(string(k)); !ok {
		return string(k)
	}
	return p.vocab("right."+string(k), nil)
}

// Article is the article granting a right, cited as the letter's language cites it.
func (p *page) Article(k dsr.Kind) string {
	if _, ok := dsr.ParseKind(string(k)); !ok {
		return ""
	}
	return p.vocab("article."+string(k), nil)
}

// Rights is the rights of the request, joined for a sentence.
func (p *page) Rights() string {
	names := make([]string, len(p.D.Kinds))
	for i, k := range p.D.Kinds {
		names[i] = p.Right(k)
	}
	return strings.Join(names, ", ")
}

// Category is the name of a cookie category in the letter's language, as the portal's pages name
// it; a code we do not know is shown as given.
func (p *page) Category(code string) string {
	id := "category." + code
	if _, ok := catalog.Source(locale.Fallback, id); !ok {
		return code
	}
	return p.vocab(id, nil)
}

// CategoryNames is the withdrawn categories, joined for a sentence or a table.
func (p *page) CategoryNames() string {
	names := make([]string, len(p.D.Categories))
	for i, c := range p.D.Categories {
		names[i] = p.Category(c)
	}
	return strings.Join(names, ", ")
}

// Say is what a consent withdrawal's confirmation may say, chosen from what happened by the same
// rule as the receipt page (consent.Say).
func (p *page) Say() consent.Wording {
	return consent.Say(consent.Facts{Cleared: p.D.Cleared, Remaining: p.D.Remaining, OptOuts: len(p.D.OptOuts),
		Webhook: p.D.Webhook, Banner: p.D.Banner, How: p.D.WithdrawalHow})
}

// Join joins names (a provider's cookies) for one line.
func (p *page) Join(names []string) string { return strings.Join(names, ", ") }

// OptOutLinkText is the text of the link to a provider's opt-out page, which must make sense on
// its own, as a complaint link (Contact.LinkText).
func (p *page) OptOutLinkText(o OptOut) string {
	return p.vocab("format.opt_out_link", map[string]any{"Name": o.Provider})
}

// OutcomeIntro is the id of the sentence that introduces the outcome of kind k in an answer.
func (p *page) OutcomeIntro(k dsr.Kind) string {
	if k == dsr.KindConsentWithdrawal && p.D.At.IsZero() {
		return "completed.consent_withdrawal_undated"
	}
	return "completed." + string(k)
}

// HasFilesFor reports whether the answer offers files for right k: a copy of the data (access)
// or machine-readable files (portability).
func (p *page) HasFilesFor(k dsr.Kind) bool {
	for _, f := range p.D.Files {
		if f.For == k || (f.For == "" && k == dsr.KindAccess) {
			return true
		}
	}
	return false
}

// Result says a right's result in the letter's language, to follow a colon: "complied with in
// part". An empty result is a right complied with.
func (p *page) Result(r dsr.Result) string {
	if r == "" {
		r = dsr.ResultFull
	}
	return p.vocab("result."+string(r), nil)
}

// ResultTitle is Result with a capital, for a line of its own.
func (p *page) ResultTitle(r dsr.Result) string {
	s := p.Result(r)
	if c, n := utf8.DecodeRuneInString(s); n > 0 {
		return string(unicode.ToUpper(c)) + s[n:]
	}
	return s
}

// GroundOf is ground g in the letter's language.
func (p *page) GroundOf(g dsr.RefusalGround) string { return p.vocab(groundID(g), nil) }

// RefusalIntro is the id of the sentence before the ground and reasons of a right refused in whole
// or in part.
func (p *page) RefusalIntro(o Outcome) string {
	if o.Result == dsr.ResultPartial {
		return "completed.refusal_partial"
	}
	return "completed.refusal"
}

// refusedGrounds are the grounds of the rights the answer refuses, in whole or in part.
func (p *page) refusedGrounds() []dsr.RefusalGround {
	var gs []dsr.RefusalGround
	for _, o := range p.D.Outcomes {
		if o.Refuses() && !slices.Contains(gs, o.Ground) {
			gs = append(gs, o.Ground)
		}
	}
	return gs
}

// AnyRefused reports whether the answer refuses a right in whole or in part: the letter then
// carries the Art. 12(4) paragraph and the complaint route.
func (p *page) AnyRefused() bool { return len(p.refusedGrounds()) > 0 }

// RefusedUnderArt12_5 reports whether a right is refused as manifestly unfounded or excessive.
func (p *page) RefusedUnderArt12_5() bool {
	gs := p.refusedGrounds()
	return slices.Contains(gs, dsr.GroundUnfounded) || slices.Contains(gs, dsr.GroundExcessive)
}

// IdentityNotConfirmed reports whether the refusal, or a right's, rests on the requester's identity
// not being confirmed: the letter then says how to provide more information (Art. 11(2)).
func (p *page) IdentityNotConfirmed() bool {
	if g, ok := p.ground(); ok && g == dsr.GroundIdentity {
		return true
	}
	return slices.Contains(p.refusedGrounds(), dsr.GroundIdentity)
}

// Art19 reports whether the answer carries out a rectification, erasure or restriction, in whole
// or in part: the letter then speaks of the recipients told of it (Art. 19).
func (p *page) Art19() bool {
	for _, o := range p.D.Outcomes {
		if slices.Contains(dsr.Art19Kinds, o.Kind) && o.Complies() {
			return true
		}
	}
	return false
}

// RecipientLine says what became of one recipient: "Google: informed on 10 March 2026".
func (p *page) RecipientLine(r Recipient) string {
	id := "recipient.told"
	switch r.NotTold {
	case dsr.NotToldImpossible:
		id = "recipient.impossible"
	case dsr.NotToldDisproportionate:
		id = "recipient.disproportionate"
	}
	return p.vocab(id, map[string]any{"Name": r.Name, "Date": p.Date(r.ToldOn)})
}

// AccessHeading is the title of an Art. 15 item in the letter's language.
func (p *page) AccessHeading(k access.Key) string { return access.Heading(p.Lang, k) }

// Lines splits staff's text into its non-empty lines, for a list.
func (p *page) Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Label is a vocabulary label rendered with the letter's variables ("Open case DSR-…").
func (p *page) Label(name string) string { return p.vocab("label."+name, p.vars) }

// Ground is the refusal ground in the letter's language, or the caller's words when they name
// none of dsr's grounds.
func (p *page) Ground() string {
	if g, ok := p.ground(); ok {
		return p.vocab(groundID(g), nil)
	}
	return p.D.RefusalGround
}

// ManifestlyUnfoundedOrExcessive reports whether the refusal rests on Art. 12(5), which brings
// its own notice: a reasonable fee or a refusal, and the controller's burden of proof.
func (p *page) ManifestlyUnfoundedOrExcessive() bool {
	g, ok := p.ground()
	return ok && (g == dsr.GroundUnfounded || g == dsr.GroundExcessive)
}

// ground recognises the ground from Data.Ground, or from RefusalGround holding a ground's code
// or its English label (what callers passed before letters spoke other languages).
func (p *page) ground() (dsr.RefusalGround, bool) {
	if p.D.Ground != "" {
		return dsr.ParseRefusalGround(string(p.D.Ground))
	}
	if g, ok := dsr.ParseRefusalGround(p.D.RefusalGround); ok {
		return g, true
	}
	for _, g := range dsr.RefusalGrounds {
		if p.D.RefusalGround != "" && g.Label() == p.D.RefusalGround {
			return g, true
		}
	}
	return "", false
}

// groundID is the message id of a ground. "other" is a go-i18n reserved key (plural form), so
// that ground's key is spelt out.
func groundID(g dsr.RefusalGround) string {
	if g == dsr.GroundOther {
		return "ground.other_reason"
	}
	return "ground." + string(g)
}

// Role is a staff role in the letter's language, or as given when it is none of ours.
func (p *page) Role() string {
	id := "role." + p.D.Role
	if _, ok := catalog.Source(locale.Fallback, id); !ok {
		return p.D.Role
	}
	return p.vocab(id, nil)
}

// AnswerDueOn is the date the answer is due: the extended date when there is one.
func (p *page) AnswerDueOn() deadline.Date {
	if !p.D.ExtendedDueOn.IsZero() {
		return p.D.ExtendedDueOn
	}
	return p.D.DueOn
}

// Route is the complaint route the guidance block prints: the same as the status page shows.
func (p *page) Route() Complaint { return p.route }

// variables are the message variables of the letter: what Variables lists and what wording may
// use. Every key is present for its kind whatever the data, so that the set is fixed per kind.
func (p *page) variables() map[string]any {
	d := p.D
	v := map[string]any{}
	caseFacts := func() {
		v["Reference"] = d.Reference
		v["ControllerName"] = d.Controller.Name
		v["SiteName"] = d.SiteName
		v["ControllerAndSite"] = p.Organisation()
		v["Rights"] = p.Rights()
	}
	if p.Kind.ToStaff() {
		v["StaffName"] = d.StaffName
		switch p.Kind {
		case Invite, PasswordReset:
			v["Role"] = p.Role()
			v["Link"] = d.Link
			v["LinkExpires"] = p.Instant(d.LinkExpires)
			return v
		}
		caseFacts()
		v["Link"] = d.Link
		v["DueOn"] = p.Date(d.DueOn)
		v["ExtendedDueOn"] = p.Date(d.ExtendedDueOn)
		v["AnswerDueOn"] = p.Date(p.AnswerDueOn())
		switch p.Kind {
		case Reminder:
			v["DaysLeft"] = strconv.Itoa(d.DaysLeft)
		case Escalation:
			v["AssigneeName"] = p.Assignee()
		case DeliveryFailed:
			v["FailedSubject"] = d.FailedSubject
			v["FailedRecipient"] = d.FailedRecipient
		}
		return v
	}
	if p.Kind == ConsentWithdrawn {
		// No case behind it: no rights, dates received or due, nor status page to name. The
		// receipt is the reference; RequesterName stays (usually empty) for the shared greeting.
		v["Reference"] = d.Reference
		v["ControllerName"] = d.Controller.Name
		v["SiteName"] = d.SiteName
		v["SiteDomain"] = d.SiteDomain
		v["RequesterName"] = d.RequesterName
		v["At"] = p.Instant(d.At)
		v["Categories"] = p.CategoryNames()
		return v
	}
	caseFacts()
	v["RequesterName"] = d.RequesterName
	v["SiteDomain"] = d.SiteDomain
	v["ReceivedOn"] = p.Date(d.ReceivedOn)
	v["StatusURL"] = d.StatusURL
	switch p.Kind {
	case Verification:
		v["VerifyURL"] = d.VerifyURL
		v["VerifyBy"] = p.Instant(d.VerifyBy)
	case Acknowledgement:
		v["DueOn"] = p.Date(d.DueOn)
	case InfoRequest:
		v["DueOn"] = p.Date(d.DueOn)
		v["ExtendedDueOn"] = p.Date(d.ExtendedDueOn)
		v["ReplyBy"] = p.Date(d.ReplyBy)
		v["PausedOn"] = p.Date(d.PausedOn)
	case ReplyAcknowledged:
		v["DueOn"] = p.Date(d.DueOn)
		v["ExtendedDueOn"] = p.Date(d.ExtendedDueOn)
		v["PausedOn"] = p.Date(d.PausedOn)
	case Extension:
		v["DueOn"] = p.Date(d.DueOn)
		v["ExtendedDueOn"] = p.Date(d.ExtendedDueOn)
	case Completed:
		v["At"] = p.Instant(d.At)
		v["FilesUntil"] = p.Instant(d.FilesUntil)
	case Refused:
		v["Ground"] = p.Ground()
	case Withdrawn:
		v["At"] = p.Instant(d.At)
	case RestrictionLifting:
		v["LiftsOn"] = p.Date(d.LiftsOn)
	case Expired:
		v["At"] = p.Instant(p.ExpiredAt())
		v["NewRequestURL"] = d.NewRequestURL
	}
	return v
}

// Subject is the letter's subject, rendered once by RenderWith.
func (p *page) Subject() string { return p.subject }

// Colon is the colon after a label as the language writes it (French puts a space before it).
func (p *page) Colon() string { return p.vocab("format.colon", nil) }

// Fact is a label and its value on one line: "Reference: DSR-2026-000042".
func (p *page) Fact(label, value string) string { return p.Label(label) + p.Colon() + " " + value }

// Row is a table row of facts, label as its row header.
func (p *page) Row(label, value string) htmltemplate.HTML {
	style := "padding: 0.2em 0;"
	if label == "reference" || label == "receipt" {
		style += " white-space: nowrap;" // DSR-2026-000123, CW-7KD2-M4QX: read aloud and copied, never broken
	}
	return htmltemplate.HTML(`<tr><th scope="row" style="text-align: left; vertical-align: top; padding: 0.2em 1em 0.2em 0;">` +
		htmltemplate.HTMLEscapeString(p.Label(label)) + `</th><td style="` + style + `">` +
		htmltemplate.HTMLEscapeString(value) + "</td></tr>")
}

// H is message id as a plain-text heading, underlined.
func (p *page) H(id string) (string, error) {
	s, err := p.T(id)
	if err != nil {
		return "", err
	}
	s = strings.Join(strings.Fields(s), " ")
	return s + "\n" + strings.Repeat("-", utf8.RuneCountInString(s)), nil
}

// OutcomeHeading introduces the outcome of a kind in the text part: "Access (Art. 15):".
func (p *page) OutcomeHeading(k dsr.Kind) string {
	return p.Right(k) + " (" + p.Article(k) + ")" + p.Colon()
}

// Organisation is the controller and the site, each named once: "Belgian Mobile ID SA/NV (itsme)",
// but "ESOMUS" where the site bears the controller's name.
func (p *page) Organisation() string {
	if strings.TrimSpace(p.D.SiteName) == "" || strings.EqualFold(strings.TrimSpace(p.D.SiteName), strings.TrimSpace(p.D.Controller.Name)) {
		return p.D.Controller.Name
	}
	return p.D.Controller.Name + " (" + p.D.SiteName + ")"
}

// DueText is the date the answer is due, saying when it was extended.
func (p *page) DueText() string {
	if p.D.ExtendedDueOn.IsZero() {
		return p.Date(p.D.DueOn)
	}
	return p.vocab("format.extended", map[string]any{"Date": p.Date(p.D.ExtendedDueOn), "From": p.Date(p.D.DueOn)})
}

// Assignee is who holds the case, for an escalation.
func (p *page) Assignee() string {
	if p.D.AssigneeName == "" {
		return p.vocab("label.unassigned", nil)
	}
	return p.D.AssigneeName
}

// ExpiredAt is when an unverified request expired: Data.At, or else the end of its link's life.
func (p *page) ExpiredAt() time.Time {
	if p.D.At.IsZero() {
		return p.D.VerifyBy
	}
	return p.D.At
}
