package sitetoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	now    = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	oldKey = []byte("old-secret-old-secret-old-secret-0000000000")
	newKey = []byte("new-secret-new-secret-new-secret-1111111111")
)

func claims() Claims {
	return Claims{Site: "esomus", IDs: []ID{{Cookie: "STCK_ID", Value: "abc123"}, {Cookie: "UID", Value: "u-9"}},
		IssuedAt: now.Unix(), Expires: now.Add(15 * time.Minute).Unix()}
}

// keys is a site's live secrets, by key id.
func keys(m map[string][]byte) func(string) ([]byte, bool) {
	return func(k string) ([]byte, bool) { s, ok := m[k]; return s, ok }
}

func mustSign(t testing.TB, keyID string, secret []byte, c Claims) string {
	t.Helper()
	tok, err := Sign(keyID, secret, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestValidTokenVerifies(t *testing.T) {
	tok := mustSign(t, "k1", oldKey, claims())
	got, err := Verify(tok, "esomus", keys(map[string][]byte{"k1": oldKey}), now)
	if err != nil {
		t.Fatal(err)
	}
	want := claims()
	if got.Site != want.Site || got.IssuedAt != want.IssuedAt || got.Expires != want.Expires || len(got.IDs) != 2 ||
		got.IDs[0] != want.IDs[0] || got.IDs[1] != want.IDs[1] {
		t.Fatalf("claims %+v, want %+v", got, want)
	}
	if KeyID(tok) != "k1" || KeyID("junk") != "" {
		t.Error("KeyID")
	}
}

// TestFormatIsTheDocumentedOne builds a token by hand from the package comment's recipe.
func TestFormatIsTheDocumentedOne(t *testing.T) {
	payload := `{"site":"esomus","ids":[{"cookie":"STCK_ID","value":"abc123"}],"iat":1772366400,"exp":1772367300}`
	input := "v1.k1." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	m := hmac.New(sha256.New, oldKey)
	m.Write([]byte(input))
	tok := input + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	c, err := Verify(tok, "esomus", keys(map[string][]byte{"k1": oldKey}), now)
	if err != nil || c.IDs[0].Value != "abc123" {
		t.Fatalf("hand-made token: %+v, %v", c, err)
	}
	// Sign produces the same bytes for the same claims: the field order above is Sign's.
	c2 := Claims{Site: "esomus", IDs: []ID{{"STCK_ID", "abc123"}}, IssuedAt: 1772366400, Expires: 1772367300}
	if got := mustSign(t, "k1", oldKey, c2); got != tok {
		t.Errorf("Sign\n got %s\nwant %s", got, tok)
	}
}

func TestRefusals(t *testing.T) {
	live := keys(map[string][]byte{"k1": oldKey})
	good := mustSign(t, "k1", oldKey, claims())
	parts := strings.Split(good, ".")
	join := func(p ...string) string { return strings.Join(p, ".") }
	flip := func(s string, i int) string { // change one character, staying in the alphabet
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	resign := func(c Claims) string { return mustSign(t, "k1", oldKey, c) }
	signRaw := func(payload string) string { // a payload Sign would refuse to make, correctly signed
		in := "v1.k1." + base64.RawURLEncoding.EncodeToString([]byte(payload))
		return in + "." + base64.RawURLEncoding.EncodeToString(mac(oldKey, in))
	}
	c := claims()
	exp := c
	exp.IssuedAt, exp.Expires = now.Add(-time.Hour).Unix(), now.Add(-Skew-time.Second).Unix()
	inSkew := c
	inSkew.IssuedAt, inSkew.Expires = now.Add(-time.Hour).Unix(), now.Add(-Skew+time.Second).Unix()
	future := c
	future.IssuedAt, future.Expires = now.Add(Skew+time.Second).Unix(), now.Add(time.Hour).Unix()
	foreign := c
	foreign.Site = "itsme"

	cases := []struct {
		name string
		tok  string
		want error
	}{
		{"empty", "", ErrMalformed},
		{"three parts", join(parts[0], parts[1], parts[2]), ErrMalformed},
		{"five parts", good + ".x", ErrMalformed},
		{"other version", join("v2", parts[1], parts[2], parts[3]), ErrMalformed},
		{"padding", good + "=", ErrMalformed},
		{"line break in payload", join(parts[0], parts[1], parts[2][:4]+"\n"+parts[2][4:], parts[3]), ErrMalformed},
		{"standard base64", join(parts[0], parts[1], strings.NewReplacer("-", "+", "_", "/").Replace(parts[2])+"+", parts[3]), ErrMalformed},
		{"short signature", join(parts[0], parts[1], parts[2], parts[3][:20]), ErrMalformed},
		{"too long", good + strings.Repeat("A", MaxLen), ErrMalformed},
		{"tampered key id", join(parts[0], "k2", parts[2], parts[3]), ErrUnknownKey},
		{"tampered payload", join(parts[0], parts[1], flip(parts[2], 10), parts[3]), ErrBadSignature},
		{"tampered signature", join(parts[0], parts[1], parts[2], flip(parts[3], 5)), ErrBadSignature},
		{"payload of another token", join(parts[0], parts[1], strings.Split(resign(foreign), ".")[2], parts[3]), ErrBadSignature},
		{"signed with another secret", mustSign(t, "k1", newKey, c), ErrBadSignature},
		{"expired", resign(exp), ErrExpired},
		{"not yet valid", resign(future), ErrNotYetValid},
		{"wrong site", resign(foreign), ErrWrongSite},
		{"no exp", signRaw(`{"site":"esomus","ids":[{"cookie":"a","value":"b"}],"iat":1772366400}`), ErrMalformed},
		{"lifetime over a day", signRaw(`{"site":"esomus","ids":[{"cookie":"a","value":"b"}],"iat":1772366400,"exp":1772452801}`), ErrMalformed},
		{"float time", signRaw(`{"site":"esomus","ids":[{"cookie":"a","value":"b"}],"iat":1772366400.5,"exp":1772367300}`), ErrMalformed},
		{"upper-case key", signRaw(`{"SITE":"esomus","ids":[{"cookie":"a","value":"b"}],"iat":1772366400,"exp":1772367300}`), ErrMalformed},
		{"unknown field", signRaw(`{"site":"esomus","ids":[{"cookie":"a","value":"b"}],"iat":1772366400,"exp":1772367300,"admin":true}`), ErrMalformed},
		{"trailing data", signRaw(`{"site":"esomus","ids":[{"cookie":"a","value":"b"}],"iat":1772366400,"exp":1772367300}]`), ErrMalformed},
		{"no identifiers", signRaw(`{"site":"esomus","ids":[],"iat":1772366400,"exp":1772367300}`), ErrMalformed},
		{"empty value", signRaw(`{"site":"esomus","ids":[{"cookie":"a","value":""}],"iat":1772366400,"exp":1772367300}`), ErrMalformed},
		{"not json", signRaw(`hello`), ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Verify(tc.tok, "esomus", live, now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if len(got.IDs) != 0 || got.Site != "" {
				t.Errorf("a refused token gave claims %+v", got)
			}
			var e *Error
			if !errors.As(err, &e) || strings.Contains(e.Error(), tc.tok) && tc.tok != "" {
				t.Errorf("error %q is not a visitor-facing refusal or quotes the token", err)
			}
		})
	}
	if _, err := Verify(resign(inSkew), "esomus", live, now); err != nil {
		t.Errorf("a token expired within the clock skew: %v", err)
	}
}

func TestRotation(t *testing.T) {
	oldTok := mustSign(t, "old", oldKey, claims())
	newTok := mustSign(t, "new", newKey, claims())

	during := keys(map[string][]byte{"old": oldKey, "new": newKey})
	for _, tok := range []string{oldTok, newTok} {
		if _, err := Verify(tok, "esomus", during, now); err != nil {
			t.Errorf("during rotation %s: %v", KeyID(tok), err)
		}
	}
	after := keys(map[string][]byte{"new": newKey}) // "old" retired
	if _, err := Verify(oldTok, "esomus", after, now); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("token of a retired key: %v", err)
	}
	if _, err := Verify(newTok, "esomus", after, now); err != nil {
		t.Errorf("new key after retirement: %v", err)
	}
	// A token naming the new key but signed with the old secret is not saved by the rotation.
	mixed := mustSign(t, "new", oldKey, claims())
	if _, err := Verify(mixed, "esomus", during, now); !errors.Is(err, ErrBadSignature) {
		t.Errorf("key id / secret mismatch: %v", err)
	}
}

func TestSignRefusesWhatVerifyWould(t *testing.T) {
	c := claims()
	long := c
	long.Expires = c.IssuedAt + int64(MaxLifetime/time.Second) + 1
	many := c
	many.IDs = make([]ID, MaxIdentifiers+1)
	for i := range many.IDs {
		many.IDs[i] = ID{"STCK_ID", "v"}
	}
	for name, tc := range map[string]struct {
		key string
		c   Claims
	}{
		"dot in key id": {"a.b", c}, "empty key id": {"", c}, "lifetime": {"k", long},
		"too many ids": {"k", many}, "no site": {"k", Claims{IDs: c.IDs, IssuedAt: 1, Expires: 2}},
	} {
		if _, err := Sign(tc.key, oldKey, tc.c); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
	if _, err := Sign("k", nil, c); err == nil {
		t.Error("signed with an empty secret")
	}
}

func TestVerifyChecksTheSignatureBeforeReadingThePayload(t *testing.T) {
	// A payload that would be refused for its content gets "bad signature" when unsigned: nothing in
	// it was looked at.
	in := "v1.k1." + base64.RawURLEncoding.EncodeToString([]byte(`{"site":"itsme"}`))
	tok := in + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	if _, err := Verify(tok, "esomus", keys(map[string][]byte{"k1": oldKey}), now); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("err %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(mustSign(f, "k1", oldKey, claims()))
	f.Add("v1.k1..")
	f.Add("v1...")
	f.Add("v1.k1.e30.AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := parse(tok)
		if err != nil {
			return
		}
		// What parse accepts re-encodes to exactly the token: one spelling per token.
		back := p.input + "." + base64.RawURLEncoding.EncodeToString(p.sig)
		if back != tok || p.input != "v1."+p.keyID+"."+base64.RawURLEncoding.EncodeToString(p.payload) {
			t.Fatalf("parse(%q) does not round-trip", tok)
		}
		_, _ = decodeClaims(p.payload) // must not panic on any signed-looking payload
	})
}

// FuzzVerify mutates a valid token: any change at all must be refused, and no refusal may yield
// identifiers.
func FuzzVerify(f *testing.F) {
	good := mustSign(f, "k1", oldKey, claims())
	f.Add(good, uint(0), byte('x'))
	f.Add(good, uint(len(good)-1), byte('A'))
	f.Add(good, uint(7), byte('.'))
	f.Add("", uint(0), byte(0))
	live := keys(map[string][]byte{"k1": oldKey})
	f.Fuzz(func(t *testing.T, base string, pos uint, b byte) {
		if tok := mutate(good, pos, b); tok != good {
			if _, err := Verify(tok, "esomus", live, now); err == nil {
				t.Fatalf("a changed token verified: %q", tok)
			}
		}
		for _, tok := range []string{base, mutate(base, pos, b)} {
			c, err := Verify(tok, "esomus", live, now)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || len(c.IDs) != 0 {
					t.Fatalf("refusal %v with claims %+v", err, c)
				}
				continue
			}
			if tok != good {
				// Only the signer could have made it: recompute the signature independently.
				i := strings.LastIndexByte(tok, '.')
				if tok[i+1:] != base64.RawURLEncoding.EncodeToString(mac(oldKey, tok[:i])) {
					t.Fatalf("verified a token not signed with the key: %q", tok)
				}
			}
		}
	})
}

// mutate replaces, inserts or deletes one byte of s.
func mutate(s string, pos uint, b byte) string {
	if s == "" {
		return string(b)
	}
	i := int(pos % uint(len(s)))
	switch pos % 3 {
	case 0:
		return s[:i] + string(b) + s[i+1:]
	case 1:
		return s[:i] + string(b) + s[i:]
	default:
		return s[:i] + s[i+1:]
	}
}
