// Package password hashes staff passwords with argon2id, stored as PHC strings, and says why a
// password is too weak.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Parameters follow RFC 9106's second recommended option (64 MiB, 3 passes), with 2 lanes for the
// 2-core machines we run on.
const (
	memory  = 64 * 1024
	time    = 3
	threads = 2
	keyLen  = 32
	saltLen = 16
)

// ErrMismatch is returned by Verify for a wrong password.
var ErrMismatch = errors.New("password does not match")

// Hash returns the PHC string of plain: $argon2id$v=19$m=65536,t=3,p=2$salt$key.
func Hash(plain string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(plain), salt, time, memory, threads, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, time, threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify checks plain against a PHC string made by Hash (with whatever parameters it records).
func Verify(plain, phc string) error {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("password hash: not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("password hash: unsupported argon2 version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return errors.New("password hash: bad parameters")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return errors.New("password hash: bad salt")
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return errors.New("password hash: bad key")
	}
	got := argon2.IDKey([]byte(plain), salt, t, m, p, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// MinLength is the shortest password accepted; length beats composition rules (NIST SP 800-63B).
const MinLength = 12

// MaxLength bounds the work a login form can ask of argon2.
const MaxLength = 256

var common = map[string]bool{
	"password1234": true, "123456789012": true, "qwertyuiopas": true, "passwordpassword": true,
	"rightsdesk123": true, "rightsdesk2026": true, "azertyuiopqs": true, "motdepasse123": true,
	"wachtwoord123": true, "letmein12345": true, "changeme1234": true, "administrator": true,
	"iloveyou1234": true, "welcome12345": true, "000000000000": true, "111111111111": true,
}

// Weak returns why plain is too weak for an account with the given e-mail, or "" when it is fine.
func Weak(plain, email string) string {
	n := utf8.RuneCountInString(plain)
	switch {
	case !utf8.ValidString(plain):
		return "the password is not valid text"
	case n < MinLength:
		return fmt.Sprintf("the password has %d characters; use at least %d (a few unrelated words work well)", n, MinLength)
	case len(plain) > MaxLength:
		return fmt.Sprintf("the password is longer than %d bytes", MaxLength)
	case common[strings.ToLower(plain)]:
		return "the password is one of the most common ones"
	}
	distinct := map[rune]bool{}
	for _, r := range plain {
		if unicode.IsControl(r) {
			return "the password contains control characters"
		}
		distinct[unicode.ToLower(r)] = true
	}
	if len(distinct) < 5 {
		return "the password repeats too few different characters"
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && len(local) >= 4 && strings.Contains(strings.ToLower(plain), local) {
		return "the password contains your e-mail name"
	}
	return ""
}
