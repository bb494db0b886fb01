// Package token makes the capability tokens that are the only key to a request: the e-mail
// verification link and the status page. A token is 256 random bits in base64url; the database keeps
// only its SHA-256, so a leaked table opens no case.
package token

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// Size is the number of random bytes in a token (256 bits, above the 128 the design requires).
const Size = 32

// Len is the length of a token as text.
var Len = base64.RawURLEncoding.EncodedLen(Size)

// New returns a fresh token and the hash to store.
func New() (plain, hash string) {
	b := make([]byte, Size)
	rand.Read(b) // never fails (crypto/rand panics rather than return short reads since Go 1.24)
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, Hash(plain)
}

// Hash is the stored form of a token.
func Hash(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether s could be a token, so that garbage never reaches the database.
func WellFormed(s string) bool {
	if len(s) != Len {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == Size
}

// Derive returns the token for (purpose, id, nonce) under secret: HMAC-SHA256 in base64url, the
// same shape as New's tokens. The server can derive a token again for a later letter, while the
// database keeps only its hash and the nonce: a copy of the database without the secret opens nothing.
func Derive(secret []byte, purpose string, id int64, nonce string) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%s\x00%d\x00%s", purpose, id, nonce)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Nonce returns a fresh random nonce for Derive.
func Nonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
