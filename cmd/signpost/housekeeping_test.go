package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeExpirer counts sweeps and reports each on a channel.
type fakeExpirer struct {
	mu    sync.Mutex
	calls int
	err   error
	swept chan int
}

func (f *fakeExpirer) ExpireMyLists(context.Context) (int, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	f.swept <- n
	return 2, f.err
}

func TestSweepMyListsAtStartAndOnEveryTick(t *testing.T) {
	var logs bytes.Buffer
	f := &fakeExpirer{swept: make(chan int)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sweepMyLists(ctx, f, time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
	}()
	for want := 1; want <= 3; want++ {
		if n := <-f.swept; n != want {
			t.Fatalf("sweep %d, want %d", n, want)
		}
	}
	cancel()
	// The loop may be about to sweep once more; let it, then it must end.
	go func() {
		for range f.swept {
		}
	}()
	<-done
	close(f.swept)
	if !strings.Contains(logs.String(), "removed My lists not opened for a year") || !strings.Contains(logs.String(), "count=2") {
		t.Errorf("logs:\n%s", logs.String())
	}
}

func TestSweepMyListsFirstRunIsImmediate(t *testing.T) {
	f := &fakeExpirer{swept: make(chan int, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sweepMyLists(ctx, f, time.Hour, slog.New(slog.DiscardHandler))
	}()
	<-f.swept // with an hour between sweeps, the first still comes at once
	cancel()
	<-done // and a cancel ends the wait for the next
}

func TestSweepMyListsLogsAFailureAndTriesAgain(t *testing.T) {
	var logs bytes.Buffer
	f := &fakeExpirer{swept: make(chan int), err: errors.New("disk on fire")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sweepMyLists(ctx, f, time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
	}()
	<-f.swept
	<-f.swept // the first failure has been logged before the second try
	cancel()
	go func() {
		for range f.swept {
		}
	}()
	<-done
	close(f.swept)
	if !strings.Contains(logs.String(), "disk on fire") {
		t.Errorf("the failure was not logged:\n%s", logs.String())
	}
}
