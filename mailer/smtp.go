// Package mailer sends the outbox's letters over SMTP. The outbox row is the source of truth: a
// letter is marked sent only after the server accepted it, and every retry carries the same
// Message-ID, so a resend after a crash is recognisable as the same message.
package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender sends one letter; it is all the job queue needs of the mailer.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Config configures the SMTP transport.
type Config struct {
	URL       string        // SMTP_URL, see ParseURL
	TLSConfig *tls.Config   // optional, e.g. RootCAs for a private CA; ServerName defaults to the host
	Timeout   time.Duration // per connection and per command; default 30s
	HeloName  string        // optional EHLO name; default the machine's hostname
}

// SMTP sends each letter on its own connection: simpler than a pool, and letters are few.
type SMTP struct {
	ep      Endpoint
	tls     *tls.Config
	timeout time.Duration
	helo    string
}

var _ Sender = (*SMTP)(nil)

// NewSMTP checks cfg; it does not connect.
func NewSMTP(cfg Config) (*SMTP, error) {
	ep, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(cfg.HeloName, " \r\n") {
		return nil, errors.New("mailer: HeloName must be a single word")
	}
	s := &SMTP{ep: ep, timeout: cfg.Timeout, helo: cfg.HeloName}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	s.tls = &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		s.tls = cfg.TLSConfig.Clone()
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = ep.Host
	}
	return s, nil
}

// Send delivers m. An invalid message fails before any connection is made; see IsPermanent for
// how errors are classified. Error texts hold at most the server's reply, never m's content.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := m.build()
	if err != nil {
		return err
	}
	// We dial ourselves so that we hold the socket: go-mail leaves it open when EHLO, STARTTLS
	// or AUTH fails, which would leak one connection per attempt while a server is misconfigured.
	// The commands have their own deadlines (s.timeout each); ctx bounds the whole conversation,
	// closing the socket when it ends, so that an attempt never outlives its job and a rescued
	// job never races a live one.
	var (
		conn net.Conn
		stop = func() bool { return false }
	)
	defer func() {
		stop()
		if conn != nil {
			conn.Close()
		}
	}()
	dial := func(dctx context.Context, _, _ string) (net.Conn, error) {
		var err error
		if conn, err = s.dial(dctx); err == nil {
			c := conn
			stop = context.AfterFunc(ctx, func() { c.Close() })
		}
		return conn, err
	}
	c, err := gomail.NewClient(s.ep.Host, s.options(dial)...)
	if err != nil {
		return &deliveryError{stage: stageConnect, err: err}
	}
	client, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return newDeliveryError(stageConnect, err)
	}

	// Talk to the smtp.Client directly rather than through go-mail's Send: its SendError has no
	// Unwrap, puts the recipient's address into its text, and calls a dropped connection not
	// temporary. Here every failure keeps the stage and the server's reply.
	from, _ := msg.GetSender(false)
	rcpts, _ := msg.GetRecipients()
	if err := client.UpdateDeadline(s.timeout); err != nil {
		return newDeliveryError(stageMail, err)
	}
	if err := client.Mail(from); err != nil {
		return newDeliveryError(stageMail, err)
	}
	for _, rcpt := range rcpts {
		if err := client.Rcpt(rcpt); err != nil {
			return newDeliveryError(stageRcpt, err)
		}
	}
	if err := client.UpdateDeadline(s.timeout); err != nil {
		return newDeliveryError(stageData, err)
	}
	w, err := client.Data()
	if err != nil {
		return newDeliveryError(stageData, err)
	}
	if _, err := msg.WriteTo(w); err != nil {
		return newDeliveryError(stageData, err)
	}
	if err := client.UpdateDeadline(s.timeout); err != nil {
		return newDeliveryError(stageData, err)
	}
	// Close sends the final "." and reads the server's verdict on the whole letter. A reply
	// (4xx, 5xx) is a refusal; any other failure (timeout, connection lost) leaves it unknown
	// whether the server took the letter: see MayHaveBeenAccepted.
	if err := w.Close(); err != nil {
		return newDeliveryError(stageEndOfData, err)
	}
	_ = client.Quit() // the letter is accepted; a failed goodbye changes nothing
	return nil
}

// dial opens the TCP (smtps: TLS) connection.
func (s *SMTP) dial(ctx context.Context) (net.Conn, error) {
	addr := net.JoinHostPort(s.ep.Host, strconv.Itoa(s.ep.Port))
	d := &net.Dialer{Timeout: s.timeout}
	if s.ep.ImplicitTLS {
		return (&tls.Dialer{NetDialer: d, Config: s.tls}).DialContext(ctx, "tcp", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

// tlsAuthPreference is go-mail's own AutoDiscover order for encrypted connections. AutoDiscover
// believes a connection is encrypted only if go-mail dialled TLS itself or ran STARTTLS; since we
// dial smtps:// ourselves, it would refuse PLAIN and LOGIN there, so we name them explicitly.
var tlsAuthPreference = []gomail.SMTPAuthType{
	gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1PLUS,
	gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthNTLM, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain,
	gomail.SMTPAuthLogin,
}

func (s *SMTP) options(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithDialContextFunc(dial),
		gomail.WithPort(s.ep.Port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tls),
	}
	switch {
	case s.ep.ImplicitTLS:
		opts = append(opts, gomail.WithSSL()) // already TLS: go-mail must not look for STARTTLS
	case s.ep.RequireTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.helo != "" {
		opts = append(opts, gomail.WithHELO(s.helo))
	}
	if s.ep.Username != "" {
		opts = append(opts, gomail.WithUsername(s.ep.Username), gomail.WithPassword(s.ep.Password))
		if s.ep.ImplicitTLS {
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(tlsAuthPreference...))
		} else {
			// Offers PLAIN/LOGIN only after STARTTLS succeeded: no password in clear text.
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		}
	}
	return opts
}

// Stages of an SMTP delivery, used in error texts and to classify replies.
const (
	stageConnect = "connect" // TCP, TLS, EHLO, STARTTLS, AUTH
	stageMail    = "MAIL FROM"
	stageRcpt    = "RCPT TO"
	stageData    = "DATA"
	// stageEndOfData is the final "." and the server's reply to it: the only moment at which a
	// failure may hide an accepted letter.
	stageEndOfData = "end of DATA"
)

// deliveryError is a failed Send. Its text is the stage and the underlying error, which for a
// refusal is the server's reply (kept for admins; it may echo the address, our own texts never do).
type deliveryError struct {
	stage string
	code  int // SMTP reply code; 0 when the failure was not a reply
	err   error
}

func newDeliveryError(stage string, err error) *deliveryError {
	e := &deliveryError{stage: stage, err: err}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		e.code = reply.Code
	}
	return e
}

func (e *deliveryError) Error() string { return fmt.Sprintf("smtp %s: %v", e.stage, e.err) }
func (e *deliveryError) Unwrap() error { return e.err }

// IsPermanent reports whether retrying err cannot help: the message is invalid, or the server
// refused this letter with a 5xx reply to MAIL FROM, RCPT TO or DATA (e.g. 550 mailbox
// unavailable). Everything else is temporary: 4xx replies, refused connections, timeouts, TLS
// failures, and 5xx replies while connecting (greeting, EHLO, STARTTLS, AUTH). Those concern the
// server or our configuration rather than the letter; failing every queued letter because of a
// wrong password would lose them, so they wait for the fix (until the job queue's MaxAttempts).
func IsPermanent(err error) bool {
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}
	var de *deliveryError
	return errors.As(err, &de) && de.stage != stageConnect && de.code >= 500 && de.code <= 599
}

// MayHaveBeenAccepted reports whether the server may have accepted the letter although Send
// failed: the connection failed (timeout, reset, closed) after the body was written, while the
// final "." went out or its reply was awaited. An SMTP server delivers a message only once it
// has that "." and delivers nothing of a conversation cut before it (RFC 5321 §4.1.1.4), so every
// earlier failure — refused connection, greeting, TLS, AUTH, MAIL FROM, RCPT TO, the DATA command,
// the body cut off — is certain: the letter was not accepted. So is any reply to the ".", which
// is the server's verdict. go-mail writes the "." and reads the reply in one call (DataCloser.Close
// drops the write error), so a failure to send the "." counts as uncertain too.
//
// An error that does not come from SMTP.Send (another Sender) says nothing about where it
// happened and counts as uncertain.
func MayHaveBeenAccepted(err error) bool {
	if err == nil || errors.Is(err, ErrInvalidMessage) {
		return false
	}
	var de *deliveryError
	if !errors.As(err, &de) {
		return true
	}
	return de.stage == stageEndOfData && de.code == 0
}
