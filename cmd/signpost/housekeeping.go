package main

import (
	"context"
	"log/slog"
	"time"

	"signpost/directory"
)

// repeat runs job at once, then every interval, until ctx ends. Each
// housekeeping job logs its own failures and is simply tried again next
// time: nothing is lost by waiting a day.
func repeat(ctx context.Context, every time.Duration, job func(ctx context.Context)) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		job(ctx)
		t.Reset(every)
	}
}

// myListExpirer is what the sweep needs of the store.
type myListExpirer interface {
	ExpireMyLists(ctx context.Context) (int, error)
}

// sweepMyLists removes My lists not opened for a year: at once, then
// every interval, until ctx ends.
func sweepMyLists(ctx context.Context, st myListExpirer, every time.Duration, logger *slog.Logger) {
	repeat(ctx, every, func(ctx context.Context) {
		n, err := st.ExpireMyLists(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("removing My lists not opened for a year failed; will try again", "err", err)
		case n > 0:
			logger.Info("removed My lists not opened for a year", "count", n)
		}
	})
}

// outcomeSweeper is what the follow-up's sweep needs of the store.
type outcomeSweeper interface {
	SweepOutcomes(ctx context.Context) (directory.OutcomeSweep, error)
}

// sweepOutcomes removes follow-up answers older than 90 days and wellbeing
// start scores older than six months: at once, then every interval, until
// ctx ends. The limits are promises in PRIVACY.md, so a failure is logged
// as an error.
func sweepOutcomes(ctx context.Context, st outcomeSweeper, every time.Duration, logger *slog.Logger) {
	repeat(ctx, every, func(ctx context.Context) {
		n, err := st.SweepOutcomes(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("removing old follow-up answers and wellbeing scores failed; will try again", "err", err)
		case n.Answers > 0 || n.Starts > 0:
			logger.Info("removed old follow-up answers and wellbeing start scores", "answers", n.Answers, "starts", n.Starts)
		}
	})
}
