package mailer

import (
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one letter ready for the wire. The outbox row it comes from is the source of truth.
type Message struct {
	MessageID string            // "id@domain" without angle brackets; sent unchanged on every retry
	From      string            // RFC 5322 address, possibly "Name <addr>"
	To        string            // bare address
	ToName    string            // optional display name
	Subject   string            //
	Text      string            // text/plain part (required)
	HTML      string            // optional text/html alternative, sent after the text part
	Date      time.Time         // Date header; now when zero
	Headers   map[string]string // extra headers such as X-Rightsdesk-Reference
}

// ErrInvalidMessage marks a letter that no retry can send. Its wrapped texts name the faulty field,
// never its value: values are personal data.
var ErrInvalidMessage = errors.New("mailer: invalid message")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidMessage}, args...)...)
}

// reservedHeaders are written by this package; an extra header must not duplicate or contradict them.
var reservedHeaders = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Sender": true,
	"Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true,
}

// build validates m and turns it into a go-mail message.
func (m Message) build() (*gomail.Msg, error) {
	if m.Text == "" {
		return nil, invalid("Text is empty")
	}
	if err := checkMessageID(m.MessageID); err != nil {
		return nil, err
	}
	for _, f := range [...]struct{ name, value string }{
		{"From", m.From}, {"To", m.To}, {"ToName", m.ToName}, {"Subject", m.Subject},
	} {
		if strings.ContainsAny(f.value, "\r\n") {
			return nil, invalid("%s contains a line break", f.name)
		}
	}
	sender, err := mail.ParseAddress(m.From)
	if m.From == "" || err != nil {
		return nil, invalid("From is not an RFC 5322 address")
	}
	rcpt, err := mail.ParseAddress(m.To)
	if m.To == "" || err != nil || rcpt.Name != "" {
		return nil, invalid("To is not a bare e-mail address")
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.SetMessageIDWithValue(m.MessageID)
	msg.FromMailAddress(sender)
	// Not AddToFormat: it pastes the name between quotes unescaped. net/mail quotes or
	// RFC 2047-encodes it properly.
	msg.ToMailAddress(&mail.Address{Name: m.ToName, Address: rcpt.Address})
	msg.Subject(m.Subject)
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	for name, value := range m.Headers {
		if !validHeaderName(name) {
			return nil, invalid("extra header name is not a valid field name")
		}
		if reservedHeaders[textproto.CanonicalMIMEHeaderKey(name)] {
			return nil, invalid("extra header %s is set by the mailer", name)
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, invalid("extra header %s contains a line break", name)
		}
		msg.SetGenHeader(gomail.Header(name), value)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// checkMessageID accepts "left@right" in printable ASCII without brackets or spaces, so that the
// header goes out byte for byte as stored and receivers can recognise a resend.
func checkMessageID(id string) error {
	if !strings.Contains(id, "@") {
		return invalid("MessageID must look like id@domain")
	}
	for _, r := range id {
		if r <= ' ' || r > '~' || r == '<' || r == '>' {
			return invalid("MessageID must be printable ASCII without spaces or angle brackets")
		}
	}
	return nil
}

// validHeaderName reports whether s is an RFC 5322 field name: printable ASCII except colon.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r > '~' || r == ':' {
			return false
		}
	}
	return true
}
