package handlers

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// failures counts failures per key with a token bucket: each failure takes a token, tokens come
// back at rate r up to burst b. Unlike Echo's store it can be asked whether a key is exhausted
// without spending a token, so that only failures count and a success costs nothing.
type failures struct {
	mu    sync.Mutex
	r     rate.Limit
	b     int
	m     map[string]*failureBucket
	added int
}

type failureBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newFailures(r rate.Limit, b int) *failures {
	return &failures{r: r, b: b, m: map[string]*failureBucket{}}
}

// exhausted reports whether key has no failure left to spend.
func (f *failures) exhausted(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.m[key]
	return ok && e.lim.Tokens() < 1
}

// fail records a failure for key.
func (f *failures) fail(key string) {
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.m[key]
	if !ok {
		f.sweep(now)
		e = &failureBucket{lim: rate.NewLimiter(f.r, f.b)}
		f.m[key] = e
	}
	e.seen = now
	e.lim.AllowN(now, 1)
}

// sweep forgets, every 1,000 new keys, the keys whose bucket has refilled: they hold no state.
func (f *failures) sweep(now time.Time) {
	if f.added++; f.added%1000 != 0 {
		return
	}
	full := time.Duration(float64(f.b) / float64(f.r) * float64(time.Second))
	for k, e := range f.m {
		if now.Sub(e.seen) > full {
			delete(f.m, k)
		}
	}
}

// loginThrottle keeps password guessing slow without letting a stranger keep anyone out:
//   - every attempt from an address counts against that address (loginIP, in limits);
//   - wrong passwords for an account from one address are refused after a few a minute: that
//     address, and only it, waits;
//   - wrong passwords for an account from anywhere, beyond what a person types, slow every attempt
//     on the account by a delay — the right password still opens it, from any address.
//
// With N addresses an attacker makes at most N × accountIP guesses a minute per account, each
// taking the delay once the account is under attack; the per-process figures multiply by the
// number of replicas.
type loginThrottle struct {
	accountIP *failures
	account   *failures
	delay     time.Duration
}

func newLoginThrottle(delay, guessEvery, attackEvery time.Duration) *loginThrottle {
	if delay == 0 {
		delay = 3 * time.Second
	}
	if guessEvery == 0 {
		guessEvery = time.Minute / 5
	}
	if attackEvery == 0 {
		attackEvery = 30 * time.Second
	}
	return &loginThrottle{
		accountIP: newFailures(rate.Every(guessEvery), 5), // a person mistypes a few times
		account:   newFailures(rate.Every(attackEvery), 20),
		delay:     delay,
	}
}

// refused reports whether this address has used up its wrong passwords for the account.
func (t *loginThrottle) refused(email, ip string) bool {
	return t.accountIP.exhausted(email + "\x00" + ip)
}

// slowDown waits the delay when the account is under attack from anywhere.
func (t *loginThrottle) slowDown(ctx context.Context, email string) {
	if !t.account.exhausted(email) {
		return
	}
	timer := time.NewTimer(t.delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// failed records a wrong password (or unknown account) for email from ip.
func (t *loginThrottle) failed(email, ip string) {
	t.accountIP.fail(email + "\x00" + ip)
	t.account.fail(email)
}
