// Package seal encrypts the secrets the portal must be able to read back — a site's signing
// secrets, its webhook secret — before they are stored, with AES-256-GCM under a key derived from
// the deployment's secret. A copy of the database alone then reveals none of them.
//
// A sealed value reads "sealed:v1:<key id>:<base64url(nonce ‖ ciphertext)>". The key id names the
// key that sealed it, so that after a rotation values sealed under the previous key still open
// (Box.Open) and can be sealed again under the current one (Box.Stale).
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

const prefix = "sealed:v1:"

// ErrUnknownKey is returned for a value sealed under a key the box does not hold.
var ErrUnknownKey = errors.New("sealed under a key that is not configured (was RIGHTSDESK_SECRET changed without RIGHTSDESK_SECRET_PREVIOUS?)")

type key struct {
	id   string
	aead cipher.AEAD
}

// Box seals under its current key and opens under any of its keys.
type Box struct {
	current key
	all     map[string]key
}

// New derives the keys from the deployment's secrets: current seals, previous ones only open.
func New(current []byte, previous ...[]byte) (*Box, error) {
	b := &Box{all: map[string]key{}}
	for i, secret := range append([][]byte{current}, previous...) {
		if len(secret) == 0 {
			return nil, errors.New("seal: empty secret")
		}
		k, err := derive(secret)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			b.current = k
		}
		b.all[k.id] = k
	}
	return b, nil
}

func derive(secret []byte) (key, error) {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("rightsdesk seal v1"))
	raw := m.Sum(nil)
	block, err := aes.NewCipher(raw)
	if err != nil {
		return key{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return key{}, err
	}
	id := hmac.New(sha256.New, raw)
	id.Write([]byte("key id"))
	return key{id: hex.EncodeToString(id.Sum(nil))[:8], aead: aead}, nil
}

// Seal encrypts plain for the column named purpose (authenticated with it, so that a value cannot
// be moved to another column).
func (b *Box) Seal(purpose, plain string) string {
	nonce := make([]byte, b.current.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
	out := b.current.aead.Seal(nonce, nonce, []byte(plain), []byte(purpose))
	return prefix + b.current.id + ":" + base64.RawURLEncoding.EncodeToString(out)
}

// Open decrypts a sealed value; a value that was never sealed (stored before sealing existed) is
// returned as it is.
func (b *Box) Open(purpose, stored string) (string, error) {
	if !Sealed(stored) {
		return stored, nil
	}
	id, data, ok := strings.Cut(strings.TrimPrefix(stored, prefix), ":")
	k, known := b.all[id]
	if !ok || !known {
		return "", ErrUnknownKey
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", fmt.Errorf("seal: malformed value")
	}
	n := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return "", fmt.Errorf("seal: the value does not open (altered, or moved from another column)")
	}
	return string(plain), nil
}

// Stale reports whether stored should be sealed again: never sealed, or sealed under a previous key.
func (b *Box) Stale(stored string) bool {
	return stored != "" && !strings.HasPrefix(stored, prefix+b.current.id+":")
}

// Sealed reports whether stored is a sealed value.
func Sealed(stored string) bool { return strings.HasPrefix(stored, prefix) }
