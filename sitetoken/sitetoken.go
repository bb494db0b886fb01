// Package sitetoken is the signed link by which a site vouches for its visitor's cookie
// identifiers when it sends them to the portal.
//
// A token is four parts joined by ".":
//
//	v1.<key id>.<payload>.<signature>
//
// payload is the base64url (RFC 4648 §5, no padding) of a JSON object
//
//	{"site":"<site slug>","ids":[{"cookie":"STCK_ID","value":"…"}],"iat":<unix s>,"exp":<unix s>}
//
// and signature is the base64url, no padding, of HMAC-SHA256 keyed with the site secret's text (as
// the admin page shows it) over the ASCII bytes "v1.<key id>.<payload>" exactly as they appear in
// the token. Signing the encoded text rather than the JSON leaves nothing to canonicalise, so a
// signer in any language needs only base64url, HMAC and a JSON encoder.
//
// The key id names which of the site's secrets signed, so a site rotates without a moment where its
// links fail: the admin adds a secret, the site signs with it, the admin retires the old one.
package sitetoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"rightsdesk/dsr"
)

// Version is the token's first part.
const Version = "v1"

// Limits. A token travels in a URL, so it stays well under what browsers and proxies keep.
const (
	MaxLen         = 4096
	MaxKeyID       = 64
	MaxSite        = 100
	MaxCookieName  = 256
	MaxIdentifiers = dsr.MaxIdentifiers
	// MaxLifetime bounds exp−iat: a link is minted when the visitor clicks, not handed out for good.
	MaxLifetime = 24 * time.Hour
	// Skew is how far the site's clock may be ahead of or behind the portal's.
	Skew = 2 * time.Minute
)

// Error is a refusal whose message a visitor can read; the sentinels below are its values.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// Why a token is refused. None says which check failed in more detail than a visitor can use, and
// none quotes the token.
var (
	ErrMalformed    = &Error{"This link is damaged or incomplete: it is not a link the site made. Go back to the site and follow its link again."}
	ErrUnknownKey   = &Error{"This link was not signed with a key this site uses now (it may be for another site, or the site changed its key). Go back to the site and follow its link again."}
	ErrBadSignature = &Error{"This link was changed after the site made it, so its identifiers cannot be trusted. Go back to the site and follow its link again."}
	ErrExpired      = &Error{"This link has expired. Go back to the site and follow its link again."}
	ErrNotYetValid  = &Error{"This link is dated in the future; the site's clock may be wrong. Try again in a few minutes."}
	ErrWrongSite    = &Error{"This link was made for another site."}
)

// ID is one identifying cookie of the visitor, by name and value.
type ID struct {
	Cookie string `json:"cookie"`
	Value  string `json:"value"`
}

// Claims is what a token vouches for. Times are Unix seconds.
type Claims struct {
	Site     string `json:"site"`
	IDs      []ID   `json:"ids"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
}

// check applies the rules that hold whatever the time: a site, 1–MaxIdentifiers identifiers with
// names and values, and a lifetime of at most MaxLifetime.
func (c Claims) check() error {
	if c.Site == "" || len(c.Site) > MaxSite {
		return fmt.Errorf("%w: site", ErrMalformed)
	}
	if len(c.IDs) == 0 || len(c.IDs) > MaxIdentifiers {
		return fmt.Errorf("%w: %d identifiers", ErrMalformed, len(c.IDs))
	}
	for _, id := range c.IDs {
		if id.Cookie == "" || len(id.Cookie) > MaxCookieName || id.Value == "" || len(id.Value) > dsr.MaxCookieValue {
			return fmt.Errorf("%w: identifier", ErrMalformed)
		}
	}
	if c.IssuedAt <= 0 || c.Expires <= c.IssuedAt || c.Expires-c.IssuedAt > int64(MaxLifetime/time.Second) {
		return fmt.Errorf("%w: iat/exp", ErrMalformed)
	}
	return nil
}

// Sign returns the token for c, signed with the secret named keyID.
func Sign(keyID string, secret []byte, c Claims) (string, error) {
	if !validKeyID(keyID) {
		return "", fmt.Errorf("%w: key id", ErrMalformed)
	}
	if len(secret) == 0 {
		return "", errors.New("sitetoken: empty secret")
	}
	if err := c.check(); err != nil {
		return "", err
	}
	js, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	input := Version + "." + keyID + "." + base64.RawURLEncoding.EncodeToString(js)
	tok := input + "." + base64.RawURLEncoding.EncodeToString(mac(secret, input))
	if len(tok) > MaxLen {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxLen)
	}
	return tok, nil
}

// Verify checks tok for site at now, taking the key of the token's key id from secretFor (false:
// the site has no such live key). The signature is checked before anything in the payload is read.
// Errors wrap one of the sentinels above.
func Verify(tok, site string, secretFor func(keyID string) ([]byte, bool), now time.Time) (Claims, error) {
	p, err := parse(tok)
	if err != nil {
		return Claims{}, err
	}
	secret, ok := secretFor(p.keyID)
	if !ok || len(secret) == 0 {
		return Claims{}, ErrUnknownKey
	}
	if !hmac.Equal(mac(secret, p.input), p.sig) {
		return Claims{}, ErrBadSignature
	}
	c, err := decodeClaims(p.payload)
	if err != nil {
		return Claims{}, err
	}
	if c.Site != site {
		return Claims{}, ErrWrongSite
	}
	t := now.Unix()
	skew := int64(Skew / time.Second)
	if c.IssuedAt > t+skew {
		return Claims{}, ErrNotYetValid
	}
	if t > c.Expires+skew {
		return Claims{}, ErrExpired
	}
	return c, nil
}

// KeyID returns the key id a token names, unverified, or "" when tok is not shaped like a token:
// for logs and for choosing where to look up the key, never for trusting anything.
func KeyID(tok string) string {
	p, err := parse(tok)
	if err != nil {
		return ""
	}
	return p.keyID
}

func mac(secret []byte, input string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return m.Sum(nil)
}

type parsed struct {
	keyID   string
	input   string // the signed bytes: "v1.<key id>.<payload>"
	payload []byte // decoded, not yet trusted
	sig     []byte
}

// parse splits a token and decodes its parts, checking their shape only.
func parse(tok string) (parsed, error) {
	if len(tok) > MaxLen {
		return parsed{}, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxLen)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 4 || parts[0] != Version || !validKeyID(parts[1]) {
		return parsed{}, ErrMalformed
	}
	payload, err := decode(parts[2])
	if err != nil || len(payload) == 0 {
		return parsed{}, ErrMalformed
	}
	sig, err := decode(parts[3])
	if err != nil || len(sig) != sha256.Size {
		return parsed{}, ErrMalformed
	}
	return parsed{keyID: parts[1], input: tok[:len(tok)-len(parts[3])-1], payload: payload, sig: sig}, nil
}

var strictB64 = base64.RawURLEncoding.Strict()

// decode is base64url without padding, one spelling per value: Go's decoder would skip line
// breaks, so only the alphabet is let through, and Strict refuses stray trailing bits.
func decode(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if !isB64(s[i]) {
			return nil, errors.New("not base64url")
		}
	}
	return strictB64.DecodeString(s)
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// validKeyID allows the characters of base64url, so that a key id can never hold a ".".
func validKeyID(k string) bool {
	if k == "" || len(k) > MaxKeyID {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isB64(k[i]) {
			return false
		}
	}
	return true
}

// decodeClaims reads a signed payload: a JSON object with exactly the fields of Claims, spelled
// exactly (encoding/json would match keys case-insensitively), integers for times, nothing after.
func decodeClaims(b []byte) (Claims, error) {
	var raw map[string]json.RawMessage
	if err := strictJSON(b, &raw); err != nil {
		return Claims{}, fmt.Errorf("%w: payload", ErrMalformed)
	}
	for k := range raw {
		switch k {
		case "site", "ids", "iat", "exp":
		default:
			return Claims{}, fmt.Errorf("%w: unknown field", ErrMalformed)
		}
	}
	var c Claims
	var ids []map[string]json.RawMessage
	if strictJSON(raw["site"], &c.Site) != nil || strictJSON(raw["iat"], &c.IssuedAt) != nil ||
		strictJSON(raw["exp"], &c.Expires) != nil || strictJSON(raw["ids"], &ids) != nil {
		return Claims{}, fmt.Errorf("%w: payload fields", ErrMalformed)
	}
	for _, m := range ids {
		var id ID
		if len(m) != 2 || strictJSON(m["cookie"], &id.Cookie) != nil || strictJSON(m["value"], &id.Value) != nil {
			return Claims{}, fmt.Errorf("%w: identifier fields", ErrMalformed)
		}
		c.IDs = append(c.IDs, id)
	}
	if err := c.check(); err != nil {
		return Claims{}, err
	}
	return c, nil
}

// strictJSON decodes one JSON value that must be present (not absent, not null) into v.
func strictJSON(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return errors.New("missing")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if len(bytes.TrimSpace(b[d.InputOffset():])) > 0 {
		return errors.New("trailing data")
	}
	return nil
}
