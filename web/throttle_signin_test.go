package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLoginDelay(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {loginFreeFailures - 1, 0},
		{loginFreeFailures, loginBackoffBase},
		{loginFreeFailures + 1, 2 * loginBackoffBase},
		{loginFreeFailures + 4, 16 * loginBackoffBase},
		{loginFreeFailures + 20, loginBackoffMax},
		{loginFreeFailures + 200, loginBackoffMax},
	}
	for _, tt := range tests {
		if got := loginDelay(tt.failures); got != tt.want {
			t.Errorf("loginDelay(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

func TestSignInLimits(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }

	t.Run("an account's delay grows with its failures, from any address", func(t *testing.T) {
		l := newSignInLimits(clock)
		for i := range loginFreeFailures {
			if _, refused := l.begin("a", fmt.Sprintf("192.0.2.%d", i), ""); refused != nil {
				t.Fatalf("free failure %d refused", i+1)
			}
		}
		_, refused := l.begin("a", "198.51.100.7", "")
		if refused == nil || !refused.account || refused.wait != loginBackoffBase {
			t.Fatalf("after %d failures from elsewhere: %+v, want the account's wait of %v", loginFreeFailures, refused, loginBackoffBase)
		}
		now = now.Add(loginBackoffBase)
		if _, refused := l.begin("a", "198.51.100.7", ""); refused != nil {
			t.Fatalf("after the wait: %+v", refused)
		}
		if _, refused := l.begin("a", "198.51.100.7", ""); refused == nil || refused.wait != 2*loginBackoffBase {
			t.Errorf("the next wait: %+v, want %v", refused, 2*loginBackoffBase)
		}
		if _, refused := l.begin("b", "198.51.100.7", ""); refused != nil {
			t.Errorf("another account: %+v", refused)
		}
	})

	t.Run("a known browser is exempt, until it fails too often itself", func(t *testing.T) {
		l := newSignInLimits(clock)
		for range loginFreeFailures {
			l.begin("a", "192.0.2.1", "")
		}
		for i := range l.perDevice {
			if _, refused := l.begin("a", "192.0.2.1", "nonce"); refused != nil {
				t.Fatalf("known browser's attempt %d: %+v", i+1, refused)
			}
		}
		if _, refused := l.begin("a", "192.0.2.1", "nonce"); refused == nil || !refused.account {
			t.Errorf("a known browser past its own limit: %+v, want the account's delay", refused)
		}
	})

	t.Run("an address is held back after many failures", func(t *testing.T) {
		l := newSignInLimits(clock)
		l.perAddress = 4
		for i := range l.perAddress {
			if _, refused := l.begin(fmt.Sprintf("acct%d", i), "192.0.2.1", ""); refused != nil {
				t.Fatalf("failure %d: %+v", i+1, refused)
			}
		}
		if _, refused := l.begin("fresh", "192.0.2.1", ""); refused == nil || refused.account {
			t.Errorf("a fresh account from a spraying address: %+v, want the address's limit", refused)
		}
		if _, refused := l.begin("fresh", "192.0.2.2", ""); refused != nil {
			t.Errorf("the same account from another address: %+v", refused)
		}
	})

	t.Run("success clears the account; an unchecked attempt does not count", func(t *testing.T) {
		l := newSignInLimits(clock)
		for range loginFreeFailures - 1 {
			l.begin("a", "192.0.2.1", "")
		}
		a, _ := l.begin("a", "192.0.2.1", "")
		a.unchecked()
		a, refused := l.begin("a", "192.0.2.1", "")
		if refused != nil {
			t.Fatalf("an unchecked attempt counted: %+v", refused)
		}
		a.succeeded()
		if got := l.accounts["a"].n; got != 0 {
			t.Errorf("after success: %d failures kept", got)
		}
		if got := l.addresses.Count("192.0.2.1"); got != loginFreeFailures-1 {
			t.Errorf("address count %d, want %d (the unchecked and the successful attempt taken back)", got, loginFreeFailures-1)
		}
	})
}

// proxiedSite is the editorial site behind a trusted reverse proxy at
// 127.0.0.1, where every test client connects from.
func proxiedSite(t *testing.T) *editorialSite {
	t.Helper()
	es := newEditorialSite(t)
	cfg := es.config(es.clock.Now)
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	es.site, es.ts = srv, httptest.NewServer(srv)
	t.Cleanup(es.ts.Close)
	return es
}

// forwardedFrom makes c's requests arrive through the proxy from addr.
func forwardedFrom(c *client, addr string) *client {
	c.hc.Transport = forwarding{addr}
	return c
}

type forwarding struct{ addr string }

func (f forwarding) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return http.DefaultTransport.RoundTrip(r)
}

// Guesses at an account from many addresses cannot lock its owner out:
// the owner's browser, which signed in before, still gets in, while the
// guesses are held back by the account's delay whatever their address.
func TestOwnerIsNotLockedOut(t *testing.T) {
	es := proxiedSite(t)
	owner := forwardedFrom(es.client(t), "203.0.113.10")
	if resp, _ := owner.post("/login", url.Values{"email": {emailProvA}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the owner's first sign-in: %d", resp.StatusCode)
	}
	owner.post("/logout", nil)

	for i := range loginFreeFailures {
		guesser := forwardedFrom(es.client(t), fmt.Sprintf("198.51.100.%d", i+1))
		if resp, _ := guesser.post("/login", url.Values{"email": {emailProvA}, "password": {"guess"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, resp.StatusCode)
		}
	}
	// A new address gains nothing: the account waits, with the right
	// password too, for anyone who has not signed in to it here before.
	stranger := forwardedFrom(es.client(t), "198.51.100.99")
	resp, doc := stranger.post("/login", url.Values{"email": {emailProvA}, "password": {testPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(textOf(doc.Find(".error-summary")), "Wait a second") {
		t.Errorf("a new address during the delay: %d, Retry-After %q, %q", resp.StatusCode, resp.Header.Get("Retry-After"), textOf(doc.Find(".error-summary")))
	}
	// The owner, even from the guessers' own address, signs in.
	owner.hc.Transport = forwarding{"198.51.100.1"}
	if resp, _ := owner.post("/login", url.Values{"email": {emailProvA}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the owner's known browser during the delay: %d, want 303", resp.StatusCode)
	}
}

// Behind a trusted proxy each client is counted on its own; a client that
// writes its own X-Forwarded-For to a site with no trusted proxy is
// counted as itself.
func TestAddressLimitBehindProxy(t *testing.T) {
	t.Run("trusted proxy", func(t *testing.T) {
		es := proxiedSite(t)
		es.site.accounts.limits.perAddress = 3
		sprayer := forwardedFrom(es.client(t), "198.51.100.1")
		for i := range es.site.accounts.limits.perAddress {
			sprayer.post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"guess"}})
		}
		if resp, _ := sprayer.post("/login", url.Values{"email": {emailLW}, "password": {testPassword}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the sprayer: %d, want 429", resp.StatusCode)
		}
		other := forwardedFrom(es.client(t), "203.0.113.5")
		if resp, _ := other.post("/login", url.Values{"email": {emailLW}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("another visitor behind the same proxy: %d, want 303", resp.StatusCode)
		}
	})
	t.Run("no trusted proxy", func(t *testing.T) {
		es := newEditorialSite(t)
		es.site.accounts.limits.perAddress = 3
		for i := range es.site.accounts.limits.perAddress {
			c := forwardedFrom(es.client(t), fmt.Sprintf("198.51.100.%d", i+1))
			c.post("/login", url.Values{"email": {fmt.Sprintf("nobody%d@example.org", i)}, "password": {"guess"}})
		}
		c := forwardedFrom(es.client(t), "203.0.113.5")
		if resp, _ := c.post("/login", url.Values{"email": {emailLW}, "password": {testPassword}}); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("a forged X-Forwarded-For escaped the limit: %d, want 429", resp.StatusCode)
		}
	})
}

// New My lists are limited per client, learnt the same way.
func TestNewMyListLimitBehindProxy(t *testing.T) {
	es := proxiedSite(t)
	add := func(c *client) int {
		resp, _ := c.post("/my-list/items", url.Values{"service": {es.ListingA}})
		return resp.StatusCode
	}
	for i := range myListsPerWindow {
		if code := add(forwardedFrom(es.client(t), "198.51.100.1")); code == http.StatusTooManyRequests {
			t.Fatalf("new list %d refused", i+1)
		}
	}
	if code := add(forwardedFrom(es.client(t), "198.51.100.1")); code != http.StatusTooManyRequests {
		t.Errorf("one client past the limit: %d, want 429", code)
	}
	if code := add(forwardedFrom(es.client(t), "203.0.113.5")); code == http.StatusTooManyRequests {
		t.Errorf("another client behind the same proxy was refused")
	}
}
