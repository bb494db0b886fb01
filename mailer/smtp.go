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
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
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
	// MaxIdle is how many open connections wait for the next letters; default 8, as many as the
	// job queue's mail workers. Negative: none, every letter on a connection of its own.
	MaxIdle int
	// IdleTimeout closes a connection unused this long; default 30s, below the idle limit of
	// common servers (Postfix waits 300s), so that we rarely find one the server closed.
	IdleTimeout time.Duration
	// MaxPerConn is how many letters one connection carries before it is closed; default 100,
	// since some servers refuse more per session.
	MaxPerConn int
}

// SMTP sends letters over a small pool of SMTP connections. A connection taken from the pool is
// reset (RSET) before its next letter, which also shows whether the server still holds it; one
// that fails is closed and replaced. Idle connections are closed after IdleTimeout, and all of
// them by Close.
type SMTP struct {
	ep          Endpoint
	tls         *tls.Config
	timeout     time.Duration
	helo        string
	maxIdle     int
	idleTimeout time.Duration
	maxPerConn  int

	mu     sync.Mutex
	idle   []*conn // most recently used last
	closed bool
	timer  *time.Timer // closes the connections idle too long; nil when none wait
}

var _ Sender = (*SMTP)(nil)

// conn is one open SMTP session; we hold its socket ourselves.
type conn struct {
	nc        net.Conn
	c         *smtp.Client
	sent      int       // letters accepted on it
	idleSince time.Time // when it went back to the pool
}

// NewSMTP checks cfg; it does not connect.
func NewSMTP(cfg Config) (*SMTP, error) {
	ep, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(cfg.HeloName, " \r\n") {
		return nil, errors.New("mailer: HeloName must be a single word")
	}
	s := &SMTP{ep: ep, timeout: cfg.Timeout, helo: cfg.HeloName, maxIdle: cfg.MaxIdle,
		idleTimeout: cfg.IdleTimeout, maxPerConn: cfg.MaxPerConn}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.maxIdle == 0 {
		s.maxIdle = 8
	}
	if s.idleTimeout <= 0 {
		s.idleTimeout = 30 * time.Second
	}
	if s.maxPerConn <= 0 {
		s.maxPerConn = 100
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

// Send delivers m. An invalid message fails before any connection is used; see IsPermanent for
// how errors are classified. Error texts hold at most the server's reply, never m's content.
//
// A pooled connection may have been closed by the server while it waited. If it fails before the
// server could have taken the letter (no reply to RSET, MAIL FROM, RCPT TO or DATA, or the body
// cut off), the letter goes once more on a new connection; a failure at the final "." is not
// retried here (see MayHaveBeenAccepted), so no letter is sent twice.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := m.build()
	if err != nil {
		return err
	}
	cn, reused, err := s.get(ctx)
	if err != nil {
		return err
	}
	err = s.deliver(ctx, cn, msg)
	if err != nil && reused && notTaken(err) && ctx.Err() == nil {
		cn.nc.Close()
		if cn, err = s.dial(ctx); err != nil {
			return err
		}
		err = s.deliver(ctx, cn, msg)
	}
	s.put(cn, err)
	return err
}

// deliver sends msg on cn, from MAIL FROM to the server's verdict on the final ".". ctx bounds
// the conversation: its end closes the socket, so an attempt never outlives its job and a
// rescued job never races a live one.
func (s *SMTP) deliver(ctx context.Context, cn *conn, msg *gomail.Msg) (err error) {
	stop := context.AfterFunc(ctx, func() { cn.nc.Close() })
	defer func() {
		if !stop() {
			cn.sent = -1 // ctx ended and closed the socket: put drops the connection
		}
	}()
	// Talk to the smtp.Client directly rather than through go-mail's Send: its SendError has no
	// Unwrap, puts the recipient's address into its text, and calls a dropped connection not
	// temporary. Here every failure keeps the stage and the server's reply.
	client := cn.c
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
	cn.sent++
	return nil
}

// notTaken reports whether err is a failure of the connection (no reply) before the server could
// have taken the letter: then the letter may go again on another connection.
func notTaken(err error) bool {
	var de *deliveryError
	return errors.As(err, &de) && de.code == 0 && de.stage != stageConnect && de.stage != stageEndOfData
}

// get returns an idle connection that answers RSET, or a new one; reused tells which.
func (s *SMTP) get(ctx context.Context) (cn *conn, reused bool, err error) {
	for {
		s.mu.Lock()
		if n := len(s.idle); n > 0 {
			cn = s.idle[n-1]
			s.idle = s.idle[:n-1]
		}
		s.mu.Unlock()
		if cn == nil {
			cn, err = s.dial(ctx)
			return cn, false, err
		}
		if time.Since(cn.idleSince) < s.idleTimeout && s.reset(ctx, cn) == nil {
			return cn, true, nil
		}
		cn.nc.Close() // the server closed it, or it waited too long: no letter was on it
		cn = nil
	}
}

// reset ends whatever a previous letter left open on cn and shows that the server still holds it.
func (s *SMTP) reset(ctx context.Context, cn *conn) error {
	stop := context.AfterFunc(ctx, func() { cn.nc.Close() })
	defer stop()
	if err := cn.c.UpdateDeadline(s.timeout); err != nil {
		return err
	}
	return cn.c.Reset()
}

// put returns cn to the pool after a letter, or closes it: after a failure that was not a reply
// of the server (the connection is in doubt), after a 421 (the server is closing it), after
// MaxPerConn letters, or when the pool is full or closed. A refusal of one letter (4xx, 5xx)
// leaves the connection as good as before: the next letter starts with RSET.
func (s *SMTP) put(cn *conn, sendErr error) {
	keep := cn.sent >= 0 && cn.sent < s.maxPerConn
	if sendErr != nil {
		var de *deliveryError
		keep = keep && errors.As(sendErr, &de) && de.code != 0 && de.code != 421 && de.stage != stageConnect
	}
	if keep {
		s.mu.Lock()
		if !s.closed && len(s.idle) < s.maxIdle {
			cn.idleSince = time.Now()
			s.idle = append(s.idle, cn)
			if s.timer == nil {
				s.timer = time.AfterFunc(s.idleTimeout, s.closeIdle)
			}
			cn = nil
		}
		s.mu.Unlock()
	}
	if cn != nil {
		s.quit(cn, sendErr == nil)
	}
}

// closeIdle closes the connections idle for IdleTimeout and waits for the next to be.
func (s *SMTP) closeIdle() {
	s.mu.Lock()
	var old []*conn
	keep := s.idle[:0]
	for _, cn := range s.idle {
		if time.Since(cn.idleSince) >= s.idleTimeout {
			old = append(old, cn)
		} else {
			keep = append(keep, cn)
		}
	}
	clear(s.idle[len(keep):])
	s.idle = keep
	s.timer = nil
	if len(keep) > 0 && !s.closed {
		s.timer = time.AfterFunc(time.Until(keep[0].idleSince.Add(s.idleTimeout)), s.closeIdle)
	}
	s.mu.Unlock()
	for _, cn := range old {
		s.quit(cn, true)
	}
}

// Close closes the idle connections, saying QUIT; a letter in flight keeps its connection until
// it is done, which is then closed. Send still works after Close, a connection per letter.
func (s *SMTP) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle, s.closed = nil, true
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	s.mu.Unlock()
	for _, cn := range idle {
		s.quit(cn, true)
	}
	return nil
}

// quit says goodbye on a connection that is in order (briefly: a slow goodbye changes nothing)
// and closes it.
func (s *SMTP) quit(cn *conn, polite bool) {
	if polite {
		if cn.c.UpdateDeadline(min(s.timeout, 5*time.Second)) == nil {
			_ = cn.c.Quit()
		}
	}
	cn.nc.Close()
}

// dial opens a new SMTP session: TCP (smtps: TLS), greeting, EHLO, STARTTLS and AUTH.
//
// We dial ourselves so that we hold the socket: go-mail leaves it open when EHLO, STARTTLS or
// AUTH fails, which would leak one connection per attempt while a server is misconfigured. The
// commands have their own deadlines (s.timeout each); ctx bounds the whole of it.
func (s *SMTP) dial(ctx context.Context) (*conn, error) {
	var (
		nc   net.Conn
		stop = func() bool { return true }
	)
	dial := func(dctx context.Context, _, _ string) (net.Conn, error) {
		var err error
		if nc, err = s.dialNet(dctx); err == nil {
			c := nc
			stop = context.AfterFunc(ctx, func() { c.Close() })
		}
		return nc, err
	}
	c, err := gomail.NewClient(s.ep.Host, s.options(dial)...)
	if err != nil {
		return nil, &deliveryError{stage: stageConnect, err: err}
	}
	client, err := c.DialToSMTPClientWithContext(ctx)
	if !stop() && err == nil {
		err = ctx.Err() // ctx ended as the session opened: its socket is closed
	}
	if err != nil {
		if nc != nil {
			nc.Close()
		}
		return nil, newDeliveryError(stageConnect, err)
	}
	return &conn{nc: nc, c: client}, nil
}

// dialNet opens the TCP (smtps: TLS) connection.
func (s *SMTP) dialNet(ctx context.Context) (net.Conn, error) {
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
