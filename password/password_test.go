package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q is not an argon2id PHC string with our parameters", h)
	}
	if err := Verify("correct horse battery staple", h); err != nil {
		t.Errorf("Verify(right) = %v", err)
	}
	if err := Verify("correct horse battery stapl", h); !errors.Is(err, ErrMismatch) {
		t.Errorf("Verify(wrong) = %v, want ErrMismatch", err)
	}
	h2, _ := Hash("correct horse battery staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=65536,t=3,p=2$c2FsdA$a2V5",
		"$argon2id$v=18$m=65536,t=3,p=2$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5",
		"$argon2id$v=19$m=65536,t=3,p=2$!!$a2V5", "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$"} {
		if err := Verify("x", bad); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("Verify with hash %q = %v, want a malformed-hash error", bad, err)
		}
	}
}

func TestWeak(t *testing.T) {
	tests := []struct {
		pw, email string
		weak      bool
	}{
		{"short", "a@b.be", true},
		{"password1234", "a@b.be", true},
		{"aaaaaaaaaaaaaaaa", "a@b.be", true},
		{"ababababababab", "a@b.be", true},
		{"marie.dupont-2026!", "marie.dupont@esomus.be", true},
		{"tab\tinside-password", "a@b.be", true},
		{"\xff\xfe invalid utf8 here", "a@b.be", true},
		{strings.Repeat("abcdefgh", 40), "a@b.be", true},
		{"correct horse battery staple", "a@b.be", false},
		{"Tr0mbone-Kettle-Sky", "admin@rightsdesk.local", false},
	}
	for _, tt := range tests {
		if got := Weak(tt.pw, tt.email); (got != "") != tt.weak {
			t.Errorf("Weak(%q) = %q, want weak=%v", tt.pw, got, tt.weak)
		}
	}
}
