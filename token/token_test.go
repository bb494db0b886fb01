package token

import (
	"strings"
	"testing"
)

func TestNewIsRandomAndHashed(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		plain, hash := New()
		if !WellFormed(plain) {
			t.Fatalf("New() = %q, not well formed", plain)
		}
		if len(plain) != 43 {
			t.Fatalf("token length %d, want 43 (256 bits in base64url)", len(plain))
		}
		if hash != Hash(plain) || hash == plain || len(hash) != 64 {
			t.Fatalf("hash %q is not the SHA-256 hex of the token", hash)
		}
		if seen[plain] {
			t.Fatal("token repeated")
		}
		seen[plain] = true
	}
}

func TestHashIsStable(t *testing.T) {
	// SHA-256("abc"), a published test vector.
	if got := Hash("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Errorf("Hash(abc) = %s", got)
	}
}

func TestWellFormed(t *testing.T) {
	good, _ := New()
	for s, want := range map[string]bool{
		good:                      true,
		"":                        false,
		good[:42]:                 false,
		good + "A":                false,
		strings.Repeat("!", 43):   false,
		strings.Repeat("A", 43):   true,
		"../../../../etc/passwd":  false,
		strings.Repeat("é", 21):   false,
		good[:40] + "%2F":         false,
		strings.Repeat("A", 4096): false,
	} {
		if got := WellFormed(s); got != want {
			t.Errorf("WellFormed(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDerive(t *testing.T) {
	a := Derive([]byte("secret"), "status", 42, "n1")
	if !WellFormed(a) {
		t.Fatalf("derived token %q is not well formed", a)
	}
	if a != Derive([]byte("secret"), "status", 42, "n1") {
		t.Error("derivation is not deterministic")
	}
	for _, other := range []string{
		Derive([]byte("secret2"), "status", 42, "n1"),
		Derive([]byte("secret"), "files", 42, "n1"),
		Derive([]byte("secret"), "status", 43, "n1"),
		Derive([]byte("secret"), "status", 42, "n2"),
		Derive([]byte("secret"), "status", 4, "2\x00n1"),
	} {
		if other == a {
			t.Error("a different input derived the same token")
		}
	}
	if n1, n2 := Nonce(), Nonce(); n1 == n2 || len(n1) != 32 {
		t.Errorf("nonces %q %q", n1, n2)
	}
}
