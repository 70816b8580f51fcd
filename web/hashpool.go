package web

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// A password hash (argon2id, directory.CheckPassword) takes 19 MiB and tens
// of milliseconds of one core. Run without bound, a burst of sign-ins
// allocates that for each at once: 150 simultaneous guesses once took the
// server to 2.96 GB. hashPool runs at most one hash per core; a few more
// wait their turn briefly, and the rest are refused at once, so a burst
// costs a fixed amount of memory and queues or gets a 503.
type hashPool struct {
	// slots holds a token for each hash running; admitted one for each
	// request running or waiting.
	slots, admitted chan struct{}
	// wait is how long a request waits for a slot before it is refused.
	wait time.Duration
}

// Hash pool sizing: one hash per core; sixteen times as many may wait.
// A waiter holds no hash memory, and at tens of milliseconds a hash the
// queue clears in about a second.
const (
	hashWaitersPerSlot = 16
	hashWait           = 3 * time.Second
)

// errHashesBusy says too many passwords are being checked at once.
var errHashesBusy = errors.New("too many passwords being checked at once")

// newHashPool returns a pool running size hashes at once with up to
// waiters more waiting up to wait each.
func newHashPool(size, waiters int, wait time.Duration) *hashPool {
	size = max(size, 1)
	return &hashPool{slots: make(chan struct{}, size), admitted: make(chan struct{}, size+max(waiters, 0)), wait: wait}
}

// newCoreHashPool sizes a pool to the cores this process may use.
func newCoreHashPool() *hashPool {
	n := runtime.GOMAXPROCS(0)
	return newHashPool(n, n*hashWaitersPerSlot, hashWait)
}

// Do runs hash when a slot is free. It returns errHashesBusy, without
// running hash, when the queue is full or the wait runs out, and the
// context's error when the request ends first.
func (p *hashPool) Do(ctx context.Context, hash func()) error {
	select {
	case p.admitted <- struct{}{}:
	default:
		return errHashesBusy
	}
	defer func() { <-p.admitted }()
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-t.C:
		return errHashesBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.slots }()
	hash()
	return nil
}
