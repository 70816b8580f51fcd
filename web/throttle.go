package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// throttle allows each key (a client address) at most max events in a
// sliding window. It lives in memory: a restart forgets, which is fine for
// slowing down a flood of anonymous form posts.
type throttle struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time
}

// throttleSweepAt is the number of keys at which Allow drops keys whose
// events have all expired, so the map cannot grow without bound.
const throttleSweepAt = 10_000

func newThrottle(max int, window time.Duration, now func() time.Time) *throttle {
	return &throttle{max: max, window: window, now: now, hits: map[string][]time.Time{}}
}

// Allow records an event for key and reports whether it is within the
// limit. A refused event is not recorded, so waiting always helps.
func (t *throttle) Allow(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	cutoff := now.Add(-t.window)
	if len(t.hits) >= throttleSweepAt {
		for k, times := range t.hits {
			if len(times) == 0 || !times[len(times)-1].After(cutoff) {
				delete(t.hits, k)
			}
		}
	}
	recent := t.hits[key]
	i := 0
	for i < len(recent) && !recent[i].After(cutoff) {
		i++
	}
	recent = recent[i:]
	if len(recent) >= t.max {
		t.hits[key] = recent
		return false
	}
	t.hits[key] = append(recent, now)
	return true
}

// clientKey is the address a request came from, without the port. Behind a
// reverse proxy every request shares the proxy's address; the throttle is
// then site-wide, which errs on the safe side.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
