// Package letters renders the e-mails Rightsdesk sends: each letter is a pair of templates (text and
// HTML) with its subject inside, filled from Data. Rendering is pure; the outbox row is written by
// the caller in the transaction of the change that caused the letter.
package letters

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"rightsdesk/authority"
	"rightsdesk/deadline"
	"rightsdesk/dsr"
)

// Kind names a letter.
type Kind string

const (
	Verification    Kind = "verification"    // prove the e-mail address
	Acknowledgement Kind = "acknowledgement" // the request is received, with its due date
	Withdrawn       Kind = "withdrawn"       // the requester withdrew the request
	Extension       Kind = "extension"       // the deadline is extended (Art. 12(3)), with reasons
	InfoRequest     Kind = "info_request"    // staff asks the requester for information
	Completed       Kind = "completed"       // the answer: what was done per kind, files to download
	Refused         Kind = "refused"         // the refusal, with reasons, complaint guidance and judicial remedy

	// Letters to staff.
	ReplyReceived Kind = "reply_received" // to the assignee: the requester answered
	Assigned      Kind = "assigned"       // to a member of staff: a case is now theirs
	Invite        Kind = "invite"         // to a new member of staff: set your password
	PasswordReset Kind = "password_reset" // to a member of staff: reset your password
)

// Kinds lists every letter.
var Kinds = []Kind{Verification, Acknowledgement, Withdrawn, Extension, InfoRequest, Completed, Refused,
	ReplyReceived, Assigned, Invite, PasswordReset}

// ToStaff reports whether the letter goes to a member of staff rather than to a requester.
func (k Kind) ToStaff() bool {
	switch k {
	case ReplyReceived, Assigned, Invite, PasswordReset:
		return true
	}
	return false
}

// Party is the controller as a letter names it.
type Party struct {
	Name          string
	Address       string
	CompanyNumber string
	Email         string
	Phone         string
}

// Data is everything a letter may show.
type Data struct {
	Reference     string
	RequesterName string
	Language      string
	Controller    Party
	SiteName      string
	SiteDomain    string
	Kinds         []dsr.Kind
	ReceivedOn    deadline.Date
	DueOn         deadline.Date
	VerifyURL     string
	VerifyBy      time.Time
	StatusURL     string
	Authorities   []authority.Authority // complaint guidance: lead authority first
	At            time.Time             // when the event behind the letter happened
	ExtendedDueOn deadline.Date         // the new due date of an extension
	Reason        string                // the reasons of an extension or a refusal
	RefusalGround string                // the ground of a refusal, in words
	Message       string                // a question to the requester, or the requester's answer
	Outcomes      []Outcome             // what was done, per kind, in an answer
	Files         []File                // files the requester may download
	FilesUntil    time.Time             // when the download links expire

	// Letters to staff.
	StaffName   string    // the member of staff written to
	Role        string    // the role an invitation gives
	Link        string    // the page the letter sends them to (a case, a set-password page)
	LinkExpires time.Time // when that link stops working, if it does
}

// Outcome is what was done for one kind of request.
type Outcome struct {
	Kind    dsr.Kind
	Outcome string
}

// File is a file offered to the requester.
type File struct {
	Name string
	Size string
}

// Rendered is a letter ready for the outbox.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

//go:embed templates
var files embed.FS

var funcs = map[string]any{
	"date":        func(d deadline.Date) string { return d.Time(time.UTC).Format("2 January 2006") },
	"instant":     func(t time.Time) string { return t.In(deadline.DefaultLocation).Format("2 January 2006 at 15:04 MST") },
	"kinds":       dsr.Labels,
	"kindLabel":   func(k dsr.Kind) string { return k.Label() },
	"kindArticle": func(k dsr.Kind) string { return k.Article() },
	"lines":       func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
	"complaintPage": func(a authority.Authority, lang string) string {
		return a.ComplaintPage(lang)
	},
}

var (
	textTmpl = texttemplate.Must(texttemplate.New("").Funcs(funcs).Option("missingkey=error").ParseFS(files, "templates/*.txt"))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("").Funcs(funcs).Option("missingkey=error").ParseFS(files, "templates/*.html"))
)

// Render fills letter k with d.
func Render(k Kind, d Data) (Rendered, error) {
	var subject, text, html bytes.Buffer
	if err := textTmpl.ExecuteTemplate(&subject, string(k)+".subject", d); err != nil {
		return Rendered{}, fmt.Errorf("letter %s subject: %w", k, err)
	}
	if err := textTmpl.ExecuteTemplate(&text, string(k)+".txt", d); err != nil {
		return Rendered{}, fmt.Errorf("letter %s text: %w", k, err)
	}
	if err := htmlTmpl.ExecuteTemplate(&html, string(k)+".html", d); err != nil {
		return Rendered{}, fmt.Errorf("letter %s html: %w", k, err)
	}
	return Rendered{
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    strings.TrimSpace(text.String()) + "\n",
		HTML:    html.String(),
	}, nil
}
