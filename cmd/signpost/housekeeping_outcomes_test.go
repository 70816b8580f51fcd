package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

type fakeOutcomeSweeper struct{ swept chan struct{} }

func (f *fakeOutcomeSweeper) SweepOutcomes(context.Context) (directory.OutcomeSweep, error) {
	f.swept <- struct{}{}
	return directory.OutcomeSweep{Answers: 3, Starts: 1}, nil
}

func TestSweepOutcomesAtStartAndOnEveryTick(t *testing.T) {
	var logs bytes.Buffer
	f := &fakeOutcomeSweeper{swept: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sweepOutcomes(ctx, f, time.Millisecond, slog.New(slog.NewTextHandler(&logs, nil)))
	}()
	for range 2 {
		<-f.swept
	}
	cancel()
	go func() {
		for range f.swept {
		}
	}()
	<-done
	close(f.swept)
	if !strings.Contains(logs.String(), "answers=3") || !strings.Contains(logs.String(), "starts=1") {
		t.Errorf("logs:\n%s", logs.String())
	}
}
