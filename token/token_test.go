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
