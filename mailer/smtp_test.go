package mailer_test

import (
	"context"
	"errors"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
)

// letter is a realistic letter: non-ASCII subject and name, both parts, an extra header.
func letter(id string) mailer.Message {
	return mailer.Message{
		MessageID: "letter-" + id + ".3f9c01@rightsdesk.example",
		From:      "Acme DPO (Rightsdesk) <dpo@acme.example>",
		To:        "jeanne@example.org",
		// Quotes and brackets must stay inside the name, not become a second recipient.
		ToName:  `Jeanne "JD" d'Arc-Müller <boss@evil.example>`,
		Subject: "Demande DSR-2026-000001 — réception",
		Text:    "Bonjour,\nnous avons bien reçu votre demande.\n",
		HTML:    "<p>Bonjour,</p><p>nous avons bien reçu votre demande.</p>",
		Date:    time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC),
		Headers: map[string]string{"X-Rightsdesk-Reference": "DSR-2026-000001"},
	}
}

func newSMTP(t *testing.T, srv *smtptest.Server, url string) *mailer.SMTP {
	t.Helper()
	s, err := mailer.NewSMTP(mailer.Config{URL: url, TLSConfig: srv.ClientTLSConfig(), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSend(t *testing.T) {
	tests := []struct {
		name    string
		opts    smtptest.Options
		query   string
		wantTLS bool
	}{
		{name: "plain", opts: smtptest.Options{}},
		{name: "STARTTLS opportunistic", opts: smtptest.Options{TLS: true}, wantTLS: true},
		{name: "STARTTLS required", opts: smtptest.Options{TLS: true}, query: "?starttls=required", wantTLS: true},
		{name: "implicit TLS", opts: smtptest.Options{ImplicitTLS: true}, wantTLS: true},
		{name: "STARTTLS with AUTH", opts: smtptest.Options{TLS: true, Username: "rightsdesk", Password: "p@ss word"}, wantTLS: true},
		{name: "implicit TLS with AUTH", opts: smtptest.Options{ImplicitTLS: true, Username: "rightsdesk", Password: "p@ss:word"}, wantTLS: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts)
			m := letter("42")
			if err := newSMTP(t, srv, srv.URL()+tt.query).Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := srv.WaitFor(t, 1, 5*time.Second)[0]
			checkReceived(t, got, m)
			if got.TLS != tt.wantTLS {
				t.Errorf("received over TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
		})
	}
}

func checkReceived(t *testing.T, got smtptest.Received, m mailer.Message) {
	t.Helper()
	if got.MessageID != m.MessageID {
		t.Errorf("Message-ID = %q, want %q", got.MessageID, m.MessageID)
	}
	if got.Subject != m.Subject {
		t.Errorf("Subject = %q, want %q", got.Subject, m.Subject)
	}
	if got.Text != m.Text {
		t.Errorf("text part = %q, want %q", got.Text, m.Text)
	}
	if got.HTML != m.HTML {
		t.Errorf("HTML part = %q, want %q", got.HTML, m.HTML)
	}
	if got.From != "dpo@acme.example" || len(got.To) != 1 || got.To[0] != m.To {
		t.Errorf("envelope = %q -> %q, want dpo@acme.example -> [%s]", got.From, got.To, m.To)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatalf("parse received message: %v", err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != m.To || to[0].Name != m.ToName {
		t.Errorf("To header %q parses as %v (%v), want one address %q named %q", msg.Header.Get("To"), to, err, m.To, m.ToName)
	}
	for name, value := range m.Headers {
		if v := msg.Header.Get(name); v != value {
			t.Errorf("header %s = %q, want %q", name, v, value)
		}
	}
	if d, err := msg.Header.Date(); err != nil || !d.Equal(m.Date) {
		t.Errorf("Date = %v (%v), want %v", d, err, m.Date)
	}
	if ct := msg.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}
	if strings.Index(string(got.Data), "text/plain") > strings.Index(string(got.Data), "text/html") {
		t.Error("text/html part comes before text/plain; the last alternative is the preferred one")
	}
}

func TestSendTextOnly(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := letter("7")
	m.HTML = ""
	if err := newSMTP(t, srv, srv.URL()).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.Text != m.Text || got.HTML != "" || strings.Contains(string(got.Data), "multipart") {
		t.Errorf("got text %q, html %q; want a single text/plain part", got.Text, got.HTML)
	}
}

// A retry must carry the same Message-ID so that receivers can tell a resend from a new letter.
func TestSendKeepsMessageIDAcrossSends(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	s := newSMTP(t, srv, srv.URL())
	m := letter("9")
	for range 2 {
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := srv.WaitFor(t, 2, 5*time.Second)
	if got[0].MessageID != m.MessageID || got[1].MessageID != m.MessageID {
		t.Errorf("Message-IDs %q and %q, want both %q", got[0].MessageID, got[1].MessageID, m.MessageID)
	}
}

// Connection-level refusals are temporary and nothing is delivered: no plaintext fallback, no
// password in clear text.
func TestSendRefusesInsecureConnections(t *testing.T) {
	tests := []struct {
		name      string
		opts      smtptest.Options
		url       func(*smtptest.Server) string
		clientTLS bool
		wantErr   string
	}{
		{
			name: "starttls=required but the server offers no STARTTLS",
			url:  func(s *smtptest.Server) string { return s.URL() + "?starttls=required" }, clientTLS: true,
			wantErr: "STARTTLS",
		},
		{
			name: "opportunistic STARTTLS with an untrusted certificate",
			opts: smtptest.Options{TLS: true}, url: (*smtptest.Server).URL,
			wantErr: "certificate",
		},
		{
			name: "AUTH offered without TLS",
			opts: smtptest.Options{Username: "u", Password: "hunter2"}, url: (*smtptest.Server).URL, clientTLS: true,
			wantErr: "autodiscover",
		},
		{
			name: "wrong password",
			opts: smtptest.Options{TLS: true, Username: "u", Password: "hunter2"}, clientTLS: true,
			url:     func(s *smtptest.Server) string { return strings.Replace(s.URL(), "hunter2", "wrong", 1) },
			wantErr: "535",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts)
			cfg := mailer.Config{URL: tt.url(srv), Timeout: 5 * time.Second}
			if tt.clientTLS {
				cfg.TLSConfig = srv.ClientTLSConfig()
			}
			s, err := mailer.NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), letter("1"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Send error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if mailer.IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = true; a server or configuration problem must not fail the letter", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q reveals the password", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d message(s), want none", n)
			}
		})
	}
}

func TestSendInvalidMessage(t *testing.T) {
	tests := []struct {
		name   string
		change func(*mailer.Message)
	}{
		{"CR/LF in To", func(m *mailer.Message) { m.To = "jeanne@example.org\r\nBcc: all@example.org" }},
		{"LF in ToName", func(m *mailer.Message) { m.ToName = "Jeanne\nBcc: all@example.org" }},
		{"CR/LF in Subject", func(m *mailer.Message) { m.Subject = "Hello\r\nBcc: all@example.org" }},
		{"CR/LF in From", func(m *mailer.Message) { m.From = "dpo@acme.example\r\nBcc: all@example.org" }},
		{"CR/LF in header value", func(m *mailer.Message) { m.Headers["X-Rightsdesk-Reference"] = "x\r\nBcc: all@example.org" }},
		{"CR/LF in header name", func(m *mailer.Message) { m.Headers["X-Ref\r\nBcc"] = "all@example.org" }},
		{"colon in header name", func(m *mailer.Message) { m.Headers["Bcc: all@example.org\r\nX"] = "1" }},
		{"header the mailer sets", func(m *mailer.Message) { m.Headers["bcc"] = "all@example.org" }},
		{"missing To", func(m *mailer.Message) { m.To = "" }},
		{"To with a name", func(m *mailer.Message) { m.To = "Jeanne <jeanne@example.org>" }},
		{"To not an address", func(m *mailer.Message) { m.To = "jeanne at example.org" }},
		{"missing From", func(m *mailer.Message) { m.From = "" }},
		{"missing Text", func(m *mailer.Message) { m.Text = "" }},
		{"missing MessageID", func(m *mailer.Message) { m.MessageID = "" }},
		{"MessageID with brackets", func(m *mailer.Message) { m.MessageID = "<a@b>" }},
		{"MessageID with a space", func(m *mailer.Message) { m.MessageID = "a b@c" }},
	}
	srv := smtptest.Start(t, smtptest.Options{})
	s := newSMTP(t, srv, srv.URL())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := letter("1")
			tt.change(&m)
			err := s.Send(context.Background(), m)
			if !errors.Is(err, mailer.ErrInvalidMessage) || !mailer.IsPermanent(err) {
				t.Fatalf("Send error = %v, want a permanent ErrInvalidMessage", err)
			}
			if strings.Contains(err.Error(), "example.org") {
				t.Errorf("error %q contains personal data", err)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d message(s), want none", n)
	}
}

func TestIsPermanentWithServer(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{
		RejectRecipients: func(rcpt string) bool { return rcpt == "gone@example.org" },
	})
	s := newSMTP(t, srv, srv.URL())

	m := letter("1")
	m.To = "gone@example.org"
	err := s.Send(context.Background(), m)
	if err == nil || !mailer.IsPermanent(err) {
		t.Fatalf("550 reply: Send error = %v, want permanent", err)
	}
	if !strings.Contains(err.Error(), "550") || !strings.Contains(err.Error(), "mailbox unavailable") {
		t.Errorf("error %q should carry the server's reply", err)
	}
	if strings.Contains(err.Error(), "gone@example.org") {
		t.Errorf("error %q contains the address", err)
	}

	srv.Stop()
	err = s.Send(context.Background(), letter("2"))
	if err == nil || mailer.IsPermanent(err) {
		t.Fatalf("stopped server: Send error = %v, want temporary", err)
	}
	if !strings.Contains(err.Error(), "refused") {
		t.Errorf("stopped server: error %q, want connection refused", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d message(s), want none", n)
	}
}

func TestNewSMTPRejectsBadConfig(t *testing.T) {
	for _, cfg := range []mailer.Config{
		{URL: "smtp//relay"},
		{URL: "smtp://relay", HeloName: "a\r\nRSET"},
	} {
		if _, err := mailer.NewSMTP(cfg); err == nil {
			t.Errorf("NewSMTP(%+v): no error", cfg)
		}
	}
}

// Only a failure after the body was written, with no reply to the final ".", leaves it open
// whether the server took the letter; every other failure is certain, and so is success.
func TestMayHaveBeenAcceptedWithServer(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{
		RejectRecipients: func(rcpt string) bool { return rcpt == "gone@example.org" },
		DropAfterData:    func(rcpt string) bool { return rcpt == "lost@example.org" },
		DeferData:        func(rcpt string) bool { return rcpt == "later@example.org" },
	})
	s := newSMTP(t, srv, srv.URL())
	send := func(id, to string) error {
		m := letter(id)
		m.To = to
		return s.Send(context.Background(), m)
	}

	err := send("lost", "lost@example.org")
	if err == nil || !mailer.MayHaveBeenAccepted(err) || mailer.IsPermanent(err) {
		t.Errorf("reply to the final dot lost: error %v, MayHaveBeenAccepted %v; want an uncertain, temporary error",
			err, mailer.MayHaveBeenAccepted(err))
	}
	if got := srv.Messages(); len(got) != 1 || got[0].MessageID != letter("lost").MessageID {
		t.Fatalf("the server should hold the letter whose answer was lost: %d message(s)", len(got))
	}
	if err := send("later", "later@example.org"); err == nil || mailer.MayHaveBeenAccepted(err) || !strings.Contains(err.Error(), "451") {
		t.Errorf("451 to the final dot: %v; want a certain refusal", err)
	}
	if err := send("gone", "gone@example.org"); err == nil || mailer.MayHaveBeenAccepted(err) {
		t.Errorf("550 to RCPT TO: %v; want a certain refusal", err)
	}
	if err := send("ok", "jeanne@example.org"); err != nil || mailer.MayHaveBeenAccepted(err) {
		t.Errorf("accepted letter: %v", err)
	}
	srv.Stop()
	if err := send("down", "jeanne@example.org"); err == nil || mailer.MayHaveBeenAccepted(err) {
		t.Errorf("refused connection: %v; want certain", err)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server holds %d message(s), want 2 (lost, ok)", n)
	}
}

// Send gives up when its context ends, even in the middle of the conversation: an attempt never
// outlives its job.
func TestSendStopsWithItsContext(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // a server that greets and then never answers
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("220 slow.example ESMTP\r\n"))
			defer c.Close()
		}
	}()
	s, err := mailer.NewSMTP(mailer.Config{URL: "smtp://" + l.Addr().String(), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Send(ctx, letter("slow"))
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Send = %v after %v; want an error soon after the context's end", err, time.Since(start))
	}
}
