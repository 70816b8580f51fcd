package web

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	th := newThrottle(2, 10*time.Minute, func() time.Time { return now })

	steps := []struct {
		name    string
		advance time.Duration
		key     string
		want    bool
	}{
		{"first", 0, "a", true},
		{"second", time.Minute, "a", true},
		{"third within the window is refused", time.Minute, "a", false},
		{"another address is separate", 0, "b", true},
		{"still refused just before the first expires", 7*time.Minute + 59*time.Second, "a", false},
		{"allowed once the first has left the window", 2 * time.Second, "a", true},
		{"and refused again when full", 0, "a", false},
	}
	for _, st := range steps {
		now = now.Add(st.advance)
		if got := th.Allow(st.key); got != st.want {
			t.Errorf("%s: Allow(%q) = %v, want %v", st.name, st.key, got, st.want)
		}
	}
}

func TestThrottleSweepsExpiredKeys(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	th := newThrottle(1, time.Minute, func() time.Time { return now })
	for i := range throttleSweepAt {
		th.Allow(string(rune(i)))
	}
	now = now.Add(2 * time.Minute)
	th.Allow("new")
	if len(th.hits) != 1 {
		t.Errorf("%d keys kept after every old one expired, want 1", len(th.hits))
	}
}

func TestClientKey(t *testing.T) {
	r := httptest.NewRequest("POST", "/", nil)
	r.RemoteAddr = "192.0.2.7:51234"
	if got := clientKey(r); got != "192.0.2.7" {
		t.Errorf("clientKey = %q, want the address without the port", got)
	}
	r.RemoteAddr = "[2001:db8::1]:443"
	if got := clientKey(r); got != "2001:db8::/64" {
		t.Errorf("clientKey = %q, want the IPv6 address's /64", got)
	}
}

// Reserve records for every key or for none; Release takes one back.
func TestEventWindowReserve(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	w := newEventWindow(time.Minute, func() time.Time { return now })
	limits := map[string]int{"account": 2, "address": 3}
	at1, ok1 := w.Reserve(limits)
	_, ok2 := w.Reserve(limits)
	if !ok1 || !ok2 {
		t.Fatal("the first two reservations were refused")
	}
	if _, ok := w.Reserve(limits); ok {
		t.Fatal("a third reservation passed the account's limit of 2")
	}
	if got := w.Count("address"); got != 2 {
		t.Errorf("a refused reservation recorded for another key: address count %d, want 2", got)
	}
	w.Release("account", at1)
	if got := w.Count("account"); got != 1 {
		t.Errorf("after a release: account count %d, want 1", got)
	}
	if _, ok := w.Reserve(limits); !ok {
		t.Error("a reservation after a release was refused")
	}
}
