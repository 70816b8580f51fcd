package main

import (
	"context"
	"log/slog"
	"time"
)

// myListExpirer is what the sweep needs of the store.
type myListExpirer interface {
	ExpireMyLists(ctx context.Context) (int, error)
}

// sweepMyLists removes My lists not opened for a year: at once, then
// every interval, until ctx ends. A failed sweep is logged and tried again
// next time; nothing is lost by waiting.
func sweepMyLists(ctx context.Context, st myListExpirer, every time.Duration, logger *slog.Logger) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := st.ExpireMyLists(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("removing My lists not opened for a year failed; will try again", "err", err)
		case n > 0:
			logger.Info("removed My lists not opened for a year", "count", n)
		}
		t.Reset(every)
	}
}
