package main

import (
	"context"
	"log/slog"
	"time"

	"signpost/directory"
)

// outcomeSweeper is what the follow-up's sweep needs of the store.
type outcomeSweeper interface {
	SweepOutcomes(ctx context.Context) (directory.OutcomeSweep, error)
}

// sweepOutcomes removes follow-up answers older than 90 days and wellbeing
// start scores older than six months: at once, then every interval, until
// ctx ends. The limits are promises in PRIVACY.md, so a failure is logged
// as an error and tried again next time.
func sweepOutcomes(ctx context.Context, st outcomeSweeper, every time.Duration, logger *slog.Logger) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := st.SweepOutcomes(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			logger.Error("removing old follow-up answers and wellbeing scores failed; will try again", "err", err)
		case n.Answers > 0 || n.Starts > 0:
			logger.Info("removed old follow-up answers and wellbeing start scores", "answers", n.Answers, "starts", n.Starts)
		}
		t.Reset(every)
	}
}
