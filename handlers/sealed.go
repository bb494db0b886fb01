package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// A sealed cookie carries a little state of an anonymous visitor from a POST to the page it
// redirects to — the "check your e-mail" page after a filing — in the visitor's browser rather
// than in a session row: a filing then writes nothing but the case. The value is encrypted and
// authenticated (AES-GCM, under a key derived from the portal's CSRF key, bound to the cookie's
// name), so it can be neither read — it holds an e-mail address — nor forged, and it expires.

// sealedAEAD is the cipher of sealed cookies.
func (h *Handler) sealedAEAD() cipher.AEAD {
	block, err := aes.NewCipher(h.mac("sealed-cookie", "v1")) // 32 bytes: AES-256
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// sealed is the envelope: the value and when it stops being valid.
type sealed struct {
	Exp int64           `json:"exp"`
	V   json.RawMessage `json:"v"`
}

// setSealed sets cookie name holding v for ttl. Its path is "/", as the __Host- prefix requires.
func (h *Handler) setSealed(c echo.Context, name string, v any, ttl time.Duration) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(sealed{Exp: time.Now().Add(ttl).Unix(), V: raw})
	if err != nil {
		return err
	}
	aead := h.sealedAEAD()
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	box := aead.Seal(nonce, nonce, plain, []byte(name))
	c.SetCookie(&http.Cookie{
		Name: h.cookieName(name), Value: base64.RawURLEncoding.EncodeToString(box), Path: "/",
		HttpOnly: true, Secure: h.secure(), SameSite: http.SameSiteLaxMode, MaxAge: int(ttl.Seconds()),
	})
	return nil
}

// readSealed fills v from cookie name and reports whether it held a valid, unexpired value.
func (h *Handler) readSealed(c echo.Context, name string, v any) bool {
	ck, err := c.Cookie(h.cookieName(name))
	if err != nil {
		return false
	}
	box, err := base64.RawURLEncoding.DecodeString(ck.Value)
	aead := h.sealedAEAD()
	if err != nil || len(box) < aead.NonceSize() {
		return false
	}
	plain, err := aead.Open(nil, box[:aead.NonceSize()], box[aead.NonceSize():], []byte(name))
	if err != nil {
		return false
	}
	var s sealed
	if json.Unmarshal(plain, &s) != nil || time.Now().Unix() > s.Exp {
		return false
	}
	return json.Unmarshal(s.V, v) == nil
}
