// Package egress holds the HTTP client for calls to addresses that others chose (a site's webhook):
// it never connects to this machine, its private network or a cloud's metadata service, whatever
// the name resolves to at the moment of the call, and it says why a call failed in a few words an
// admin can act on, never the raw dial error (which would make the portal a port scanner).
package egress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned for a connection to an address the client may not reach.
var ErrForbiddenAddress = errors.New("refused: private address")

// special are ranges outside those net/netip names that no public service lives on.
var special = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier NAT; some clouds' metadata)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard
}

// embedsIPv4 are IPv6 ranges that carry an IPv4 address a router may forward to: it is checked too.
var embedsIPv4 = []struct {
	prefix netip.Prefix
	at     int // byte offset of the IPv4 address
}{
	{netip.MustParsePrefix("64:ff9b::/96"), 12}, // NAT64
	{netip.MustParsePrefix("2002::/16"), 2},     // 6to4
}

// Forbidden reports whether a connection to ip must be refused: loopback, private, link-local,
// multicast, unspecified and the other special-purpose ranges, IPv4 or IPv6 (mapped or embedded).
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range special {
		if p.Contains(ip) {
			return true
		}
	}
	if ip.Is6() {
		b := ip.As16()
		for _, e := range embedsIPv4 {
			if e.prefix.Contains(ip) {
				v4 := netip.AddrFrom4([4]byte{b[e.at], b[e.at+1], b[e.at+2], b[e.at+3]})
				return Forbidden(v4)
			}
		}
	}
	return false
}

// Options shape a client.
type Options struct {
	// AllowPrivate lets the client reach private and loopback addresses: for development and tests
	// only (RIGHTSDESK_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	Timeout      time.Duration // the whole call; default 10s
	RootCAs      *x509.CertPool
}

// Client returns an HTTP client that checks every address it connects to after the name was
// resolved (so a name that changes its answer, DNS rebinding, cannot pass), uses no proxy from
// the environment (a proxy would make the connection on its behalf), and follows no redirect (a
// webhook answers at its own address).
func Client(o Options) *http.Client {
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !o.AllowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || Forbidden(ap.Addr()) {
				return ErrForbiddenAddress
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: o.Timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			TLSClientConfig:     &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: 5 * time.Second,
			MaxIdleConns:        10,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Describe says in a few words why a call failed, for the admin's page and the delivery log: no
// address, port or dial text.
func Describe(status int, err error) string {
	var (
		dnsErr  *net.DNSError
		tlsErr  *tls.CertificateVerificationError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		netErr  net.Error
	)
	switch {
	case err == nil && status >= 200 && status <= 299:
		return ""
	case err == nil:
		return fmt.Sprintf("HTTP %d", status)
	case errors.Is(err, ErrForbiddenAddress):
		return ErrForbiddenAddress.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.As(err, &dnsErr):
		return "name not found"
	case errors.As(err, &tlsErr), errors.As(err, &recErr), errors.As(err, &alert), errors.As(err, &unknown),
		errors.As(err, &host), errors.As(err, &invalid):
		return "TLS error"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	}
	return "connection failed"
}
