package handlers

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestLoginThrottle: failures from one address refuse that address only; beyond the account's
// count every attempt on the account waits, attempts on other accounts do not.
func TestLoginThrottle(t *testing.T) {
	th := newLoginThrottle(time.Hour, 0, 0)
	for i := 0; i < 5; i++ {
		th.failed("ada@x.be", "10.0.0.1")
	}
	if !th.refused("ada@x.be", "10.0.0.1") || th.refused("ada@x.be", "10.0.0.2") || th.refused("bob@x.be", "10.0.0.1") {
		t.Error("the refusal is not per account and address")
	}
	waits := func(email string) bool {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		th.slowDown(ctx, email)
		return ctx.Err() != nil // it waited until the context gave up, for want of the hour
	}
	if waits("ada@x.be") {
		t.Error("slowed after 5 failures: a person's count")
	}
	for i := 0; i < 20; i++ {
		th.failed("ada@x.be", fmt.Sprintf("10.1.0.%d", i))
	}
	if !waits("ada@x.be") {
		t.Error("not slowed after 25 failures from 21 addresses")
	}
	if waits("bob@x.be") {
		t.Error("another account is slowed")
	}
}
