package mailer

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
)

// Endpoint is a parsed SMTP_URL.
type Endpoint struct {
	Host        string
	Port        int
	ImplicitTLS bool // smtps://: TLS from the first byte
	RequireTLS  bool // smtp://...?starttls=required: refuse to talk without STARTTLS
	Username    string
	Password    string
}

// ParseURL reads SMTP_URL: smtp://[user:pass@]host[:port][?starttls=required] (port 25,
// STARTTLS when offered) or smtps://[user:pass@]host[:port] (implicit TLS, port 465).
// Errors never repeat the raw URL, which holds the password.
func ParseURL(raw string) (Endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole input, password included: say only what is expected.
		return Endpoint{}, errors.New("mailer: SMTP_URL is not a valid URL; want smtp[s]://[user:pass@]host[:port]")
	}
	var e Endpoint
	switch u.Scheme {
	case "smtp":
		e.Port = 25
	case "smtps":
		e.Port = 465
		e.ImplicitTLS = true
	default:
		return Endpoint{}, fmt.Errorf("mailer: SMTP_URL scheme %q is not supported; use smtp or smtps", u.Scheme)
	}
	e.Host = u.Hostname()
	if e.Host == "" {
		return Endpoint{}, errors.New("mailer: SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Endpoint{}, fmt.Errorf("mailer: SMTP_URL port %q is not a number between 1 and 65535", p)
		}
		e.Port = n
	}
	if u.User != nil {
		e.Username = u.User.Username()
		e.Password, _ = u.User.Password()
	}
	for key, values := range u.Query() {
		if key != "starttls" || len(values) != 1 {
			return Endpoint{}, fmt.Errorf("mailer: SMTP_URL parameter %q is not supported; only starttls=required", key)
		}
		switch values[0] {
		case "required":
			if e.ImplicitTLS {
				return Endpoint{}, errors.New("mailer: SMTP_URL starttls applies to smtp://; smtps:// is always encrypted")
			}
			e.RequireTLS = true
		case "opportunistic":
		default:
			return Endpoint{}, fmt.Errorf("mailer: SMTP_URL starttls=%q is not supported; use required or opportunistic", values[0])
		}
	}
	return e, nil
}
