package web

import (
	"sync"
	"time"
)

// Sign-in throttling, after OWASP's Authentication and Credential Stuffing
// cheat sheets:
//
//   - Per account, a progressive delay: a few failures are free, then each
//     one doubles the wait before the account's password is checked again,
//     up to a cap. It holds whichever addresses the guesses come from, so
//     spreading them gains nothing.
//   - A browser with a device cookie for the account (it signed in to it
//     before) is exempt from that delay and from the address limit, so a
//     guesser cannot lock the owner out. Its own failures are counted, and
//     past a few in the window it is treated like any other browser.
//   - Per address, a limit on failures in a window, so one address cannot
//     spray many accounts.
//
// Every attempt is recorded before its password is hashed and stays a
// failure unless it succeeds, so simultaneous attempts cannot all slip
// through one check.
const (
	// loginFreeFailures are the failures before an account's first wait.
	loginFreeFailures = 3
	// loginBackoffBase is the wait after the free failures; it doubles
	// with each failure after, up to loginBackoffMax.
	loginBackoffBase = time.Second
	loginBackoffMax  = 15 * time.Minute
	// loginFailureMemory is how long an account's failures are kept after
	// its last one.
	loginFailureMemory = 24 * time.Hour

	loginFailuresPerAddress = 20
	loginFailuresPerDevice  = 5
	loginFailureWindow      = 15 * time.Minute
)

// loginDelay is the wait before an account's password is checked again,
// after its n-th failure in a row.
func loginDelay(n int) time.Duration {
	if n < loginFreeFailures {
		return 0
	}
	shift := n - loginFreeFailures
	if shift >= 30 || loginBackoffBase<<shift > loginBackoffMax {
		return loginBackoffMax
	}
	return loginBackoffBase << shift
}

// signInLimits keeps the counts. It lives in memory: a restart forgets,
// which only ever helps someone who was held back.
type signInLimits struct {
	now func() time.Time

	mu       sync.Mutex
	accounts map[string]accountFailures

	// addresses and devices count failures (reserved attempts) per client
	// address and per device cookie.
	addresses, devices *eventWindow
	// perAddress and perDevice are their limits; tests lower them.
	perAddress, perDevice int
}

// accountFailures are an account's failures in a row.
type accountFailures struct {
	n     int
	last  time.Time // the last failure
	until time.Time // no password is checked before this
}

func newSignInLimits(now func() time.Time) *signInLimits {
	return &signInLimits{
		now:        now,
		accounts:   map[string]accountFailures{},
		addresses:  newEventWindow(loginFailureWindow, now),
		devices:    newEventWindow(loginFailureWindow, now),
		perAddress: loginFailuresPerAddress,
		perDevice:  loginFailuresPerDevice,
	}
}

// signInAttempt is one attempt, recorded as a failure until it is known
// to be otherwise.
type signInAttempt struct {
	l                 *signInLimits
	account, address  string
	device            string // the device cookie's nonce, when it exempts
	at                time.Time
	prev, reserved    accountFailures
	exempt, addressed bool
}

// signInRefusal says why an attempt was not checked, and for how long.
type signInRefusal struct {
	// account is true when the account's delay refused it, false when the
	// address's limit did.
	account bool
	wait    time.Duration
}

// begin records an attempt to sign in to account from address, with the
// nonce of the browser's device cookie for the account ("" for none). It
// returns the attempt, or why it may not be checked now.
func (l *signInLimits) begin(account, address, device string) (*signInAttempt, *signInRefusal) {
	if device != "" {
		if at, ok := l.devices.Reserve(map[string]int{device: l.perDevice}); ok {
			return &signInAttempt{l: l, account: account, device: device, at: at, exempt: true}, nil
		}
		// Too many failures with this cookie: it exempts no more.
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.accounts[account]
	if now.Sub(f.last) > loginFailureMemory {
		f = accountFailures{}
	}
	if now.Before(f.until) {
		return nil, &signInRefusal{account: true, wait: f.until.Sub(now)}
	}
	at, ok := l.addresses.Reserve(map[string]int{address: l.perAddress})
	if !ok {
		return nil, &signInRefusal{wait: loginFailureWindow}
	}
	a := &signInAttempt{l: l, account: account, address: address, at: at, prev: f, addressed: true}
	f.n++
	f.last = now
	f.until = now.Add(loginDelay(f.n))
	a.reserved = f
	l.sweep(now)
	l.accounts[account] = f
	return a, nil
}

// sweep drops accounts whose failures are forgotten, once there are many;
// l.mu is held.
func (l *signInLimits) sweep(now time.Time) {
	if len(l.accounts) < throttleSweepAt {
		return
	}
	for k, f := range l.accounts {
		if now.Sub(f.last) > loginFailureMemory {
			delete(l.accounts, k)
		}
	}
}

// succeeded clears the account's failures: the password was right.
func (a *signInAttempt) succeeded() {
	a.release()
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	delete(a.l.accounts, a.account)
}

// unchecked takes the attempt back: its password was never checked.
func (a *signInAttempt) unchecked() {
	a.release()
	if a.exempt {
		return
	}
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	// Only if no attempt was recorded since; otherwise the count stands.
	if a.l.accounts[a.account] == a.reserved {
		a.l.accounts[a.account] = a.prev
	}
}

// release takes back the attempt's address or device event.
func (a *signInAttempt) release() {
	if a.exempt {
		a.l.devices.Release(a.device, a.at)
	}
	if a.addressed {
		a.l.addresses.Release(a.address, a.at)
	}
}
