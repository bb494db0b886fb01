package mailer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"rightsdesk/mailer"
	"rightsdesk/mailer/smtptest"
)

func pooled(t *testing.T, srv *smtptest.Server, cfg mailer.Config) *mailer.SMTP {
	t.Helper()
	cfg.URL, cfg.TLSConfig = srv.URL(), srv.ClientTLSConfig()
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	s, err := mailer.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// once checks that the server holds exactly the letters of ids, each once.
func once(t *testing.T, srv *smtptest.Server, ids ...string) {
	t.Helper()
	n := map[string]int{}
	for _, m := range srv.Messages() {
		n[m.MessageID]++
	}
	for _, id := range ids {
		if n[letter(id).MessageID] != 1 {
			t.Errorf("letter %s arrived %d times, want once", id, n[letter(id).MessageID])
		}
	}
	if len(srv.Messages()) != len(ids) {
		t.Errorf("the server holds %d messages, want %d", len(srv.Messages()), len(ids))
	}
}

func waitOpen(t *testing.T, srv *smtptest.Server, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, open := srv.Connections()
		if open == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connection(s) open at the server, want %d", open, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Letters one after the other share one connection; letters sent at once use at most one
// connection per sender, and all of them arrive once. This holds through STARTTLS and AUTH too.
func TestPoolReusesConnections(t *testing.T) {
	for _, opts := range []smtptest.Options{{}, {TLS: true, Username: "rightsdesk", Password: "secret"}, {ImplicitTLS: true}} {
		t.Run(fmt.Sprintf("tls=%v/implicit=%v", opts.TLS, opts.ImplicitTLS), func(t *testing.T) {
			srv := smtptest.Start(t, opts)
			s := pooled(t, srv, mailer.Config{})
			var ids []string
			for i := range 20 {
				id := fmt.Sprint("seq", i)
				ids = append(ids, id)
				if err := s.Send(context.Background(), letter(id)); err != nil {
					t.Fatal(err)
				}
			}
			if accepted, _ := srv.Connections(); accepted != 1 {
				t.Errorf("20 letters in a row took %d connections, want 1", accepted)
			}

			const senders = 8
			var wg sync.WaitGroup
			errs := make(chan error, senders*10)
			for g := range senders {
				for i := range 10 {
					ids = append(ids, fmt.Sprint("par", g, "-", i))
				}
				wg.Go(func() {
					for i := range 10 {
						errs <- s.Send(context.Background(), letter(fmt.Sprint("par", g, "-", i)))
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if accepted, _ := srv.Connections(); accepted > 1+senders {
				t.Errorf("%d connections for 100 letters from %d senders, want at most %d", accepted, senders, 1+senders)
			}
			once(t, srv, ids...)
		})
	}
}

// The server drops pooled connections — between letters (its idle timeout) or as the next
// letter begins (MAIL FROM unanswered): every letter still arrives exactly once, on a new
// connection, and Send reports no error.
func TestPoolReplacesDroppedConnections(t *testing.T) {
	t.Run("at MAIL FROM", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{DropAtMail: func(carried int) bool { return carried == 3 }})
		s := pooled(t, srv, mailer.Config{})
		var ids []string
		for i := range 20 {
			id := fmt.Sprint(i)
			ids = append(ids, id)
			if err := s.Send(context.Background(), letter(id)); err != nil {
				t.Fatalf("letter %d: %v", i, err)
			}
		}
		once(t, srv, ids...)
		if accepted, _ := srv.Connections(); accepted != 7 { // 3 letters a connection
			t.Errorf("%d connections, want 7", accepted)
		}
	})
	t.Run("while idle", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{IdleTimeout: 100 * time.Millisecond})
		s := pooled(t, srv, mailer.Config{})
		for i := range 3 {
			if err := s.Send(context.Background(), letter(fmt.Sprint(i))); err != nil {
				t.Fatalf("letter %d: %v", i, err)
			}
			waitOpen(t, srv, 0) // the server closed the pooled connection
		}
		once(t, srv, "0", "1", "2")
		if accepted, _ := srv.Connections(); accepted != 3 {
			t.Errorf("%d connections, want 3", accepted)
		}
	})
	t.Run("server restarted", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		s := pooled(t, srv, mailer.Config{})
		if err := s.Send(context.Background(), letter("before")); err != nil {
			t.Fatal(err)
		}
		srv.Restart(t)
		if err := s.Send(context.Background(), letter("after")); err != nil {
			t.Fatal(err)
		}
		once(t, srv, "before", "after")
	})
}

// A refusal of one letter (451 to its end of data, 550 to its recipient) fails that letter only:
// the next one goes out on the same connection.
func TestPoolRefusalDoesNotPoisonTheConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{
		DeferData:        func(rcpt string) bool { return rcpt == "later@example.org" },
		RejectRecipients: func(rcpt string) bool { return rcpt == "gone@example.org" },
	})
	s := pooled(t, srv, mailer.Config{})
	send := func(id, to string) error {
		m := letter(id)
		m.To = to
		return s.Send(context.Background(), m)
	}
	if err := send("later", "later@example.org"); err == nil || mailer.IsPermanent(err) {
		t.Fatalf("451: %v, want a temporary error", err)
	}
	if err := send("ok1", "jeanne@example.org"); err != nil {
		t.Fatalf("the letter after a 451: %v", err)
	}
	if err := send("gone", "gone@example.org"); err == nil || !mailer.IsPermanent(err) {
		t.Fatalf("550: %v, want a permanent error", err)
	}
	if err := send("ok2", "jeanne@example.org"); err != nil {
		t.Fatalf("the letter after a 550: %v", err)
	}
	once(t, srv, "ok1", "ok2")
	if accepted, _ := srv.Connections(); accepted != 1 {
		t.Errorf("%d connections, want 1", accepted)
	}
	if got := srv.Messages(); got[0].To[0] != "jeanne@example.org" || len(got[0].To) != 1 {
		t.Errorf("the refused recipient leaked into the next letter: %v", got[0].To)
	}
}

// Close says goodbye on every idle connection; a Send after Close works on a connection of its
// own that it closes. Idle connections also close by themselves after IdleTimeout, and no
// connection carries more than MaxPerConn letters.
func TestPoolClosesConnections(t *testing.T) {
	t.Run("Close", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		s := pooled(t, srv, mailer.Config{})
		var wg sync.WaitGroup
		for g := range 6 {
			wg.Go(func() {
				for i := range 5 {
					if err := s.Send(context.Background(), letter(fmt.Sprint(g, "-", i))); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		if _, open := srv.Connections(); open == 0 {
			t.Fatal("no connection kept open between letters")
		}
		s.Close()
		waitOpen(t, srv, 0)
		if err := s.Send(context.Background(), letter("late")); err != nil {
			t.Fatal(err)
		}
		waitOpen(t, srv, 0)
		if n := len(srv.Messages()); n != 31 {
			t.Errorf("%d messages, want 31", n)
		}
	})
	t.Run("IdleTimeout", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		s := pooled(t, srv, mailer.Config{IdleTimeout: 100 * time.Millisecond})
		if err := s.Send(context.Background(), letter("1")); err != nil {
			t.Fatal(err)
		}
		waitOpen(t, srv, 0)
		if err := s.Send(context.Background(), letter("2")); err != nil {
			t.Fatal(err)
		}
		waitOpen(t, srv, 0)
	})
	t.Run("MaxPerConn", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		s := pooled(t, srv, mailer.Config{MaxPerConn: 5})
		for i := range 12 {
			if err := s.Send(context.Background(), letter(fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
		}
		if accepted, _ := srv.Connections(); accepted != 3 {
			t.Errorf("12 letters, at most 5 a connection: %d connections, want 3", accepted)
		}
	})
	t.Run("MaxIdle negative", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		s := pooled(t, srv, mailer.Config{MaxIdle: -1})
		for i := range 3 {
			if err := s.Send(context.Background(), letter(fmt.Sprint(i))); err != nil {
				t.Fatal(err)
			}
			waitOpen(t, srv, 0)
		}
	})
}
