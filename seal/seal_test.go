package seal_test

import (
	"errors"
	"strings"
	"testing"

	"rightsdesk/seal"
)

func TestSealOpenRotate(t *testing.T) {
	old, err := seal.New([]byte("the old deployment secret, 32+ chars"))
	if err != nil {
		t.Fatal(err)
	}
	sealed := old.Seal("site_secrets.secret", "s3cr3t-value")
	if !seal.Sealed(sealed) || strings.Contains(sealed, "s3cr3t") {
		t.Fatalf("sealed: %q", sealed)
	}
	if again := old.Seal("site_secrets.secret", "s3cr3t-value"); again == sealed {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if got, err := old.Open("site_secrets.secret", sealed); err != nil || got != "s3cr3t-value" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := old.Open("sites.webhook_secret", sealed); err == nil {
		t.Error("a value moved to another column opens")
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := old.Open("site_secrets.secret", tampered); err == nil {
		t.Error("an altered value opens")
	}
	if got, err := old.Open("x", "never-sealed"); err != nil || got != "never-sealed" {
		t.Errorf("a value from before sealing: %q %v", got, err)
	}

	// Rotation: the new secret seals, the old one still opens, and stale values are named.
	rotated, err := seal.New([]byte("the new deployment secret, 32+ chars"), []byte("the old deployment secret, 32+ chars"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open("site_secrets.secret", sealed); err != nil || got != "s3cr3t-value" {
		t.Fatalf("open after rotation: %q %v", got, err)
	}
	if !rotated.Stale(sealed) || !rotated.Stale("never-sealed") || rotated.Stale(rotated.Seal("x", "y")) || rotated.Stale("") {
		t.Error("Stale is wrong")
	}
	forgotten, _ := seal.New([]byte("the new deployment secret, 32+ chars"))
	if _, err := forgotten.Open("site_secrets.secret", sealed); !errors.Is(err, seal.ErrUnknownKey) {
		t.Errorf("without the previous secret: %v", err)
	}
}
