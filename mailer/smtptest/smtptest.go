// Package smtptest runs a real SMTP server inside a test process (github.com/emersion/go-smtp),
// with optional STARTTLS or implicit TLS on a generated certificate, AUTH PLAIN, and refused
// recipients. It records every accepted message and decodes the parts tests look at.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options choose how the server behaves.
type Options struct {
	TLS                bool   // offer STARTTLS with a generated self-signed certificate
	ImplicitTLS        bool   // speak TLS from the first byte (smtps://)
	Username, Password string // when set, require AUTH PLAIN before MAIL FROM
	// RejectRecipients, when set, answers 550 to RCPT TO for the addresses it matches.
	RejectRecipients func(rcpt string) bool
	// DropAfterData, when set, keeps the messages to the addresses it matches and then closes
	// the connection without answering the final ".": the server has the letter, the client
	// never hears so (a reply lost to a network failure).
	DropAfterData func(rcpt string) bool
	// DeferData, when set, answers 451 to the final "." for the addresses it matches and keeps
	// nothing: a refusal the client hears.
	DeferData func(rcpt string) bool
	// DropAtMail, when set, is asked at each MAIL FROM with how many messages the connection has
	// carried; true closes the connection without an answer (a server that went away while the
	// client held the connection).
	DropAtMail func(carried int) bool
	// IdleTimeout, when set, closes a connection that sends nothing for that long (default 30s).
	IdleTimeout time.Duration
}

// Received is one accepted message.
type Received struct {
	From      string   // envelope sender
	To        []string // envelope recipients
	Data      []byte   // the message as sent
	MessageID string   // Message-ID header without <>
	Subject   string   // decoded Subject header
	Text      string   // decoded text/plain part, line breaks as \n
	HTML      string   // decoded text/html part, line breaks as \n
	TLS       bool     // arrived over an encrypted connection (STARTTLS or implicit TLS)
}

// Server is a running test SMTP server.
type Server struct {
	opts      Options
	addr      string
	serverTLS *tls.Config
	roots     *x509.CertPool

	mu       sync.Mutex
	srv      *smtp.Server
	listener net.Listener
	served   chan struct{} // closed when srv's Serve returns
	messages []Received
	arrived  chan struct{} // closed and replaced whenever a message arrives
	accepted int           // connections accepted
	open     int           // connections not yet closed
}

// Start listens on 127.0.0.1 on a free port; the server stops when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{opts: opts, arrived: make(chan struct{})}
	if err := s.makeCert(); err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.addr = l.Addr().String()
	s.serve(l)
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// URL is a ready-made SMTP_URL for this server, with the credentials when AUTH is required.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr}
	if s.opts.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	return u.String()
}

// ClientTLSConfig trusts the server's generated certificate.
func (s *Server) ClientTLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.roots, MinVersion: tls.VersionTLS12}
}

// Stop closes the listener and open connections: the port refuses connections until Restart.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, l, served := s.srv, s.listener, s.served
	s.srv, s.listener = nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	// Close the listener ourselves: srv.Close only knows listeners that Serve has registered,
	// and Serve may not have started yet.
	l.Close()
	srv.Close()
	<-served
}

// Restart listens again on the same port, keeping the messages received so far.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		t.Fatalf("smtptest: listen again on %s: %v", s.addr, err)
	}
	s.serve(l)
}

// Connections reports how many connections the server has accepted and how many of them are
// still open.
func (s *Server) Connections() (accepted, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted, s.open
}

// Count is how many messages have arrived, without copying them.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// WaitFor waits until at least n messages have arrived and returns them; it fails the test after
// timeout. Call it from the test's goroutine.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		msgs, arrived := append([]Received(nil), s.messages...), s.arrived
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-arrived:
		case <-deadline:
			t.Fatalf("smtptest: %d message(s) after %v, want at least %d", len(msgs), timeout, n)
		}
	}
}

func (s *Server) serve(l net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	if s.opts.IdleTimeout > 0 {
		srv.ReadTimeout = s.opts.IdleTimeout
	}
	srv.WriteTimeout = 30 * time.Second
	// Offer AUTH even without TLS, like a lax server would: the client must be the one that
	// refuses to send a password in clear text.
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients' TLS failures are expected in tests
	if s.opts.TLS {
		srv.TLSConfig = s.serverTLS
	}
	l = countingListener{Listener: l, s: s}
	if s.opts.ImplicitTLS {
		l = tls.NewListener(l, s.serverTLS)
	}
	served := make(chan struct{})
	s.mu.Lock()
	s.srv, s.listener, s.served = srv, l, served
	s.mu.Unlock()
	go func() {
		defer close(served)
		srv.Serve(l)
	}()
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// countingListener counts the connections it accepts and those closed since.
type countingListener struct {
	net.Listener
	s *Server
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.mu.Lock()
	l.s.accepted++
	l.s.open++
	l.s.mu.Unlock()
	return &countedConn{Conn: c, s: l.s}, nil
}

type countedConn struct {
	net.Conn
	s    *Server
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.s.mu.Lock()
		c.s.open--
		c.s.mu.Unlock()
	})
	return c.Conn.Close()
}

// makeCert creates a self-signed certificate for 127.0.0.1 and localhost.
func (s *Server) makeCert() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	s.roots = x509.NewCertPool()
	s.roots.AddCert(cert)
	s.serverTLS = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}
	return nil
}

// session is one SMTP connection's state.
type session struct {
	s       *Server
	conn    *smtp.Conn
	authed  bool
	from    string
	to      []string
	carried int // messages accepted on this connection
}

func (se *session) AuthMechanisms() []string {
	if se.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != se.s.opts.Username || pass != se.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.Username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	if drop := se.s.opts.DropAtMail; drop != nil && drop(se.carried) {
		se.conn.Conn().Close()
		return &smtp.SMTPError{Code: 421, Message: "closing"} // never reaches the client
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if reject := se.s.opts.RejectRecipients; reject != nil && reject(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if se.matches(se.s.opts.DeferData) {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	rec := Received{From: se.from, To: slices.Clone(se.to), Data: data}
	_, rec.TLS = se.conn.TLSConnectionState()
	decode(&rec) // a message it cannot parse is still recorded, with Data only
	se.s.record(rec)
	se.carried++
	if se.matches(se.s.opts.DropAfterData) {
		se.conn.Conn().Close() // before go-smtp writes the 250
	}
	return nil
}

// matches reports whether f matches one of the session's recipients.
func (se *session) matches(f func(string) bool) bool {
	return f != nil && slices.ContainsFunc(se.to, f)
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

// decode fills the header and body fields of r from r.Data.
func decode(r *Received) {
	msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return
	}
	r.MessageID = strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")
	r.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		r.Subject = msg.Header.Get("Subject")
	}
	decodePart(r, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

// decodePart walks a (possibly multipart) body and keeps the first text/plain and text/html.
func decodePart(r *Received, contentType, encoding string, body io.Reader) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain" // RFC 2045 default
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart() // raw: we decode Content-Transfer-Encoding ourselves
			if err != nil {
				return
			}
			decodePart(r, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks itself
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	switch {
	case mediaType == "text/plain" && r.Text == "":
		r.Text = text
	case mediaType == "text/html" && r.HTML == "":
		r.HTML = text
	}
}
