package web

import (
	"sync"
	"time"
)

// eventWindow counts events per key (a client address, an account) over a
// sliding window. It lives in memory: a restart forgets, which only ever
// helps a person who was held back.
type eventWindow struct {
	length time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time
}

// throttleSweepAt is the number of keys at which an event drops keys whose
// events have all expired, so the map cannot grow without bound.
const throttleSweepAt = 10_000

func newEventWindow(length time.Duration, now func() time.Time) *eventWindow {
	return &eventWindow{length: length, now: now, hits: map[string][]time.Time{}}
}

// Count returns key's events within the window.
func (w *eventWindow) Count(key string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.recent(key))
}

// Add records one event of key.
func (w *eventWindow) Add(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.add(key, w.now())
}

// Reset forgets key's events (after a successful sign-in, say).
func (w *eventWindow) Reset(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.hits, key)
}

// Reserve records an event for every key, all under one lock, if each key
// is under its limit, and reports whether it did. A check that counts
// first and records after the slow part (a password hash) lets a burst of
// simultaneous requests all pass the check; a reservation does not. at is
// the time recorded, for Release.
func (w *eventWindow) Reserve(limits map[string]int) (at time.Time, ok bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for key, limit := range limits {
		if len(w.recent(key)) >= limit {
			return time.Time{}, false
		}
	}
	at = w.now()
	for key := range limits {
		w.add(key, at)
	}
	return at, true
}

// Release takes back one event of key recorded at at, by Reserve: the
// reserved attempt turned out not to count.
func (w *eventWindow) Release(key string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	times := w.hits[key]
	for i := len(times) - 1; i >= 0; i-- {
		if times[i].Equal(at) {
			w.hits[key] = append(times[:i:i], times[i+1:]...)
			return
		}
	}
}

// add records an event at t; w.mu is held.
func (w *eventWindow) add(key string, t time.Time) {
	if len(w.hits) >= throttleSweepAt {
		for k := range w.hits {
			if len(w.recent(k)) == 0 {
				delete(w.hits, k)
			}
		}
	}
	w.hits[key] = append(w.recent(key), t)
}

// recent drops key's expired events and returns the rest; w.mu is held.
func (w *eventWindow) recent(key string) []time.Time {
	cutoff := w.now().Add(-w.length)
	times := w.hits[key]
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	if i > 0 {
		times = times[i:]
		w.hits[key] = times
	}
	return times
}

// throttle allows each key at most max events in a sliding window, for
// slowing down a flood of anonymous form posts.
type throttle struct {
	max int
	*eventWindow
}

func newThrottle(max int, window time.Duration, now func() time.Time) *throttle {
	return &throttle{max: max, eventWindow: newEventWindow(window, now)}
}

// Allow records an event for key and reports whether it is within the
// limit. A refused event is not recorded, so waiting always helps.
func (t *throttle) Allow(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.recent(key)) >= t.max {
		return false
	}
	t.add(key, t.now())
	return true
}
