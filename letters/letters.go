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
)

// Kinds lists every letter.
var Kinds = []Kind{Verification, Acknowledgement, Withdrawn, Extension}

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
	Reason        string                // the reasons of an extension
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
	"date":    func(d deadline.Date) string { return d.Time(time.UTC).Format("2 January 2006") },
	"instant": func(t time.Time) string { return t.In(deadline.DefaultLocation).Format("2 January 2006 at 15:04 MST") },
	"kinds":   dsr.Labels,
	"lines":   func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
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
