package egress_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"rightsdesk/egress"
)

func TestForbidden(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "10.0.0.1": true, "172.16.5.4": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fc00::1": true, "fd12:3456::1": true, "0.0.0.0": true, "::": true,
		"224.0.0.1": true, "ff02::1": true, "255.255.255.255": true, "100.100.100.200": true, "0.1.2.3": true,
		"::ffff:127.0.0.1": true, "::ffff:10.1.2.3": true, "64:ff9b::a9fe:a9fe": true, "2002:7f00:1::": true,
		"198.18.0.1": true, "192.0.2.10": true, "2001:db8::1": true,
		"8.8.8.8": false, "1.1.1.1": false, "2a00:1450:4001:80b::200e": false, "::ffff:8.8.8.8": false,
		"64:ff9b::808:808": false, "2002:808:808::": false, "185.199.108.153": false,
	} {
		if got := egress.Forbidden(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Forbidden(%s) = %v, want %v", addr, got, want)
		}
	}
}

// The client refuses this machine at connect time, by address and by a name that resolves to it
// (as a rebinding name would), and says so in a few words; allowed, it connects.
func TestClientRefusesPrivateAddressesAfterResolving(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++; w.WriteHeader(204) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	strict := egress.Client(egress.Options{})
	for _, u := range []string{srv.URL, "http://localhost" + port, "http://[::ffff:127.0.0.1]" + port} {
		res, err := strict.Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			res.Body.Close()
			t.Fatalf("%s: connected", u)
		}
		if !errors.Is(err, egress.ErrForbiddenAddress) || egress.Describe(0, err) != "refused: private address" {
			t.Errorf("%s: %v → %q", u, err, egress.Describe(0, err))
		}
	}
	if calls != 0 {
		t.Fatalf("the server was called %d times", calls)
	}
	res, err := egress.Client(egress.Options{AllowPrivate: true}).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if calls != 1 || res.StatusCode != 204 {
		t.Errorf("allowed: %d calls, status %d", calls, res.StatusCode)
	}
}

// Describe names the failure, never the dial text with its address and port.
func TestDescribe(t *testing.T) {
	// Only the slow server needs a short limit; the others get a generous one so that a busy
	// machine (CI runs every package at once) cannot turn a TLS or refused error into a timeout.
	short := egress.Options{AllowPrivate: true, Timeout: 300 * time.Millisecond}
	dev := egress.Options{AllowPrivate: true, Timeout: 10 * time.Second}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer down.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsSrv.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		url, want string
		o         egress.Options
	}{
		{slow.URL, "timeout", short}, {tlsSrv.URL, "TLS error", dev}, {closed, "connection refused", dev},
	} {
		res, err := egress.Client(tc.o).Get(tc.url)
		if err == nil {
			res.Body.Close()
		}
		if got := egress.Describe(0, err); got != tc.want {
			t.Errorf("%s: %q (from %v), want %q", tc.url, got, err, tc.want)
		}
	}
	res, err := egress.Client(dev).Get(down.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := egress.Describe(res.StatusCode, nil); got != "HTTP 503" {
		t.Errorf("503: %q", got)
	}
	// A name that does not resolve, as the transport reports it (no DNS query: the test machine's
	// resolver may not answer at all).
	notFound := &url.Error{Op: "Post", URL: "https://shop.invalid/hook", Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "shop.invalid", IsNotFound: true}}}
	if got := egress.Describe(0, notFound); got != "name not found" {
		t.Errorf("DNS: %q", got)
	}
	if got := egress.Describe(204, nil); got != "" {
		t.Errorf("204: %q", got)
	}
}
