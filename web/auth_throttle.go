package web

import (
	"sync"
	"time"
)

// failureCounter counts failed sign-ins per key (an account or a client
// address) over a sliding window. Unlike throttle, it counts only what the
// caller reports, so successful sign-ins cost nothing. It lives in memory:
// a restart forgets, which only ever helps a person locked out.
type failureCounter struct {
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time
}

func newFailureCounter(window time.Duration, now func() time.Time) *failureCounter {
	return &failureCounter{window: window, now: now, hits: map[string][]time.Time{}}
}

// Count returns the failures of key within the window.
func (f *failureCounter) Count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.recent(key))
}

// Add records one failure of key.
func (f *failureCounter) Add(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hits) >= throttleSweepAt {
		for k := range f.hits {
			if len(f.recent(k)) == 0 {
				delete(f.hits, k)
			}
		}
	}
	f.hits[key] = append(f.recent(key), f.now())
}

// Reset forgets key's failures, after a successful sign-in.
func (f *failureCounter) Reset(key string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.hits, key)
}

// recent drops key's expired failures and returns the rest. f.mu is held.
func (f *failureCounter) recent(key string) []time.Time {
	cutoff := f.now().Add(-f.window)
	times := f.hits[key]
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	if i > 0 {
		times = times[i:]
		f.hits[key] = times
	}
	return times
}
