// Package letters renders the e-mails Rightsdesk sends, in French, Dutch, English and German.
//
// A letter has two halves that change for different reasons. Its structure — which blocks it has,
// in which order, the facts table, the list of authorities, the text and HTML layout — is written
// once in templates/letter.txt and templates/letter.html and shared by every language. Its wording
// — every sentence, heading and label — lives in the go-i18n message files messages/letters.<lang>.toml,
// loaded through package locale. Translators touch only the message files; a layout change
// reaches all four languages at once.
//
// Messages are rendered with the letter's variables (see Variables): flat strings already
// formatted for the letter's language (dates such as "3 mars 2026", rights such as "Effacement"),
// so a message needs no functions and an administrator's override (see Overrides) can be checked
// strictly. Rendering is pure; the outbox row is written by the caller in the transaction of the
// change that caused the letter.
package letters

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"rightsdesk/access"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"rightsdesk/deadline"
	"rightsdesk/dsr"
	"rightsdesk/locale"
)

// Kind names a letter. The string is stored with each outbox row, so it never changes.
type Kind string

const (
	Verification    Kind = "verification"    // prove the e-mail address
	Acknowledgement Kind = "acknowledgement" // the request is received, with its due date
	Withdrawn       Kind = "withdrawn"       // the requester withdrew the request
	Extension       Kind = "extension"       // the deadline is extended (Art. 12(3)), with reasons
	InfoRequest     Kind = "info_request"    // staff asks the requester for information
	// ReplyAcknowledged tells the requester that their answer arrived and the clock, paused for an
	// identity question (Art. 12(6)), runs again: with the new due date.
	ReplyAcknowledged Kind = "reply_received_requester"
	Completed         Kind = "completed" // the answer: what was done per kind, files to download
	Refused           Kind = "refused"   // the refusal, with reasons, complaint guidance and judicial remedy
	Expired           Kind = "expired"   // the e-mail was never confirmed within 14 days: nothing was processed
	// RestrictionLifting tells a requester who obtained a restriction, before it is lifted, the
	// date and the reasons (Art. 18(3)).
	RestrictionLifting Kind = "restriction_lifting"
	// ConsentWithdrawn confirms a withdrawal of consent on the public page (no case: Reference is
	// the withdrawal's receipt).
	ConsentWithdrawn Kind = "consent_withdrawn"

	// Letters to staff.
	ReplyReceived  Kind = "reply_received"  // to the assignee: the requester answered
	Assigned       Kind = "assigned"        // to a member of staff: a case is now theirs
	Invite         Kind = "invite"          // to a new member of staff: set your password
	PasswordReset  Kind = "password_reset"  // to a member of staff: reset your password
	Reminder       Kind = "reminder"        // to the assignee: the answer is due in DaysLeft working days
	Escalation     Kind = "escalation"      // to the managers: the case is overdue
	DeliveryFailed Kind = "delivery_failed" // to the assignee or managers: a letter to the requester bounced for good
)

// Kinds lists every letter: the requesters' first, in the order a case meets them, then the staff's.
var Kinds = []Kind{Verification, Acknowledgement, InfoRequest, ReplyAcknowledged, Extension, Completed, Refused, Withdrawn, Expired,
	RestrictionLifting, ConsentWithdrawn, ReplyReceived, Assigned, Reminder, Escalation, DeliveryFailed, Invite, PasswordReset}

// ToStaff reports whether the letter goes to a member of staff rather than to a requester.
func (k Kind) ToStaff() bool {
	switch k {
	case ReplyReceived, Assigned, Invite, PasswordReset, Reminder, Escalation, DeliveryFailed:
		return true
	}
	return false
}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool { return slices.Contains(Kinds, k) }

// Party is the controller as a letter names it.
type Party struct {
	Name          string
	Address       string // lines separated by "\n"
	CompanyNumber string
	Email         string
	Phone         string
	LogoURL       string // absolute address of its logo (BASE_URL/brand/…), empty without one
}

// Data is everything a letter may show. Free text (Reason, Message, Outcome lines, FailedReason)
// is shown as written, in its own block, never inside a message's wording.
type Data struct {
	Reference     string
	RequesterName string
	Language      string // fr, nl, en or de; anything else is written in English
	Controller    Party
	SiteName      string
	SiteDomain    string
	Kinds         []dsr.Kind
	ReceivedOn    deadline.Date
	DueOn         deadline.Date
	VerifyURL     string
	VerifyBy      time.Time
	StatusURL     string
	LeadAuthority string            // complaint guidance: the controller's lead authority (country code)
	Residence     string            // and the requester's country of residence, when known
	At            time.Time         // when the event behind the letter happened (withdrawal, expiry, consent withdrawn)
	ExtendedDueOn deadline.Date     // the new due date of an extension
	Reason        string            // the reasons of an extension or a refusal
	RefusalGround string            // the ground of a refusal: a dsr.RefusalGround, its English label, or words
	Ground        dsr.RefusalGround // the ground of a refusal; wins over RefusalGround when set
	Message       string            // a question to the requester, or the requester's answer
	ReplyBy       deadline.Date     // the date the requester is asked to answer a question by
	PausedOn      deadline.Date     // the clock is paused from this day for an identity question (Art. 12(6))
	Outcomes      []Outcome         // what was done, per kind, in an answer
	Files         []File            // files the requester may download
	FilesUntil    time.Time         // when the download links expire
	NewRequestURL string            // where to file a new request (expired letter), if known

	// Art. 19, in an answer carrying out a rectification, erasure or restriction: the recipients
	// of the data and whether each was told; the letter names them when the requester asked
	// (RecipientsWanted), and otherwise offers to.
	RecipientsWanted bool
	Recipients       []Recipient
	// Access is the information of Art. 15(1) and (2) given with access complied with, item by
	// item, as staff wrote it in the requester's language.
	Access []access.Item
	// LiftsOn is the day a restriction will be lifted (RestrictionLifting, Art. 18(3)); Reason
	// holds the reasons.
	LiftsOn deadline.Date

	// A consent withdrawal (ConsentWithdrawn).
	Categories  []string // the cookie categories withdrawn (models.Category* codes), in policy order
	Cleared     []string // the site's cookies removed from the visitor's browser at once
	Remaining   []string // the site's own withdrawn cookies the portal could not remove
	Identifiers []string // the identifiers it was recorded against, as "NAME: value"
	OptOuts     []OptOut // third-party providers whose cookies the visitor stops on their own pages
	// Webhook is the state of the call that tells the site (models.Webhook*), "" when the site
	// has none: the letter says the site was told only when it was (consent.Say).
	Webhook       string
	Banner        bool   // the site has a cookie banner where consent is given again
	WithdrawalHow string // how to withdraw or give consent again, as the controller states it

	// Letters to staff.
	StaffName       string    // the member of staff written to
	Role            string    // the role an invitation gives
	Link            string    // the page the letter sends them to (a case, a set-password page)
	LinkExpires     time.Time // when that link stops working, if it does
	DaysLeft        int       // reminder: working days until the answer is due
	IdentityPause   bool      // reminder: the controller pauses the clock for identity questions (Art. 12(6))
	AssigneeName    string    // escalation: who holds the case; empty when nobody does
	FailedSubject   string    // delivery_failed: the subject of the letter that bounced
	FailedRecipient string    // delivery_failed: the address it was sent to
	FailedReason    string    // delivery_failed: the mail server's answer
}

// Outcome is the answer to one right of a request: complied with (Result full, or empty), in
// part, or refused with a ground and reasons. Staff write what was done one line per system
// ("CRM: deleted"); the letter shows the lines as a list.
type Outcome struct {
	Kind    dsr.Kind
	Outcome string
	Result  dsr.Result        // empty: complied with
	Ground  dsr.RefusalGround // for a right refused in whole or in part
	Reasons string
}

// Refuses reports whether the right is refused, in whole or in part.
func (o Outcome) Refuses() bool { return o.Result.Refuses() }

// Complies reports whether something was done for the right: complied with in whole or in part.
func (o Outcome) Complies() bool { return o.Result != dsr.ResultRefused }

// Recipient is a recipient of the requester's data (a third-party provider of the site's cookies)
// and whether it was told of the rectification, erasure or restriction (Art. 19): on ToldOn, or
// not (NotTold) for Reason, as staff wrote it.
type Recipient struct {
	Name    string
	ToldOn  deadline.Date
	NotTold dsr.NotTold
	Reason  string
}

// OptOut is a third-party provider and the page where the visitor opts out of its cookies (URL
// empty when the site's catalogue names none).
type OptOut struct {
	Provider string
	URL      string
	Cookies  []string
}

// File is a file offered to the requester.
type File struct {
	Name string
	Size string
	For  dsr.Kind // the right it answers: access (a copy of the data, the default) or portability
}

// Rendered is a letter ready for the outbox.
type Rendered struct {
	Subject  string
	Text     string
	HTML     string
	Language string // the language the letter is written in (Data.Language, or English)

	// Fallbacks lists the overridden messages whose override could not be rendered (a wording
	// stored before an upgrade that removed one of its variables): the shipped wording was used
	// instead, so the letter still goes out. The caller should log them for an administrator.
	Fallbacks []string
}

//go:embed templates messages
var files embed.FS

// catalog holds the wording. Messages use no functions: everything they show is a prepared
// variable, which is what lets CheckOverride hold overrides to plain variable output.
var catalog = locale.MustLoad(files, "messages", nil)

var (
	textTmpl = texttemplate.Must(texttemplate.New("").Option("missingkey=error").ParseFS(files, "templates/*.txt"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("").Option("missingkey=error").ParseFS(files, "templates/*.html"))
)

// Language is the language a letter with this Data.Language is written in.
func Language(lang string) string {
	if locale.Supported(lang) {
		return lang
	}
	return locale.Fallback
}

// Render fills letter k with d, in d.Language, with the shipped wording.
func Render(k Kind, d Data) (Rendered, error) { return RenderWith(k, d, nil) }

// RenderWith fills letter k with d, in d.Language, with o replacing the shipped wording of the
// messages it names. o holds one controller's overrides for that language; ids that letter k does
// not use are ignored, so a controller's whole set can be passed for any letter.
func RenderWith(k Kind, d Data, o Overrides) (Rendered, error) {
	if !k.Known() {
		return Rendered{}, fmt.Errorf("letters: unknown letter %q", k)
	}
	p := newPage(k, d, o)
	subject, err := p.T(string(k) + ".subject")
	if err != nil {
		return Rendered{}, fmt.Errorf("letter %s subject: %w", k, err)
	}
	p.subject = strings.Join(strings.Fields(subject), " ")
	var text, html bytes.Buffer
	if err := textTmpl.ExecuteTemplate(&text, string(k)+".txt", p); err != nil {
		return Rendered{}, fmt.Errorf("letter %s text: %w", k, err)
	}
	if err := htmlTmpl.ExecuteTemplate(&html, string(k)+".html", p); err != nil {
		return Rendered{}, fmt.Errorf("letter %s html: %w", k, err)
	}
	return Rendered{
		Subject:   p.subject,
		Text:      tidyText(text.String()),
		HTML:      html.String(),
		Language:  p.Lang,
		Fallbacks: p.fallbacks,
	}, nil
}

// tidyText trims trailing spaces and collapses runs of blank lines that optional blocks leave
// behind, so the layout can be written for reading rather than for whitespace control.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop blank lines at the top
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
