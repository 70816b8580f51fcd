package feed

import (
	"context"
	"errors"
	"time"

	"signpost/directory"
)

// lister is what Follow needs beyond Store: every feed.
type lister interface {
	Feeds(ctx context.Context) ([]directory.Feed, error)
}

// SyncDue syncs every feed that is due now, one after another, and returns
// how many it ran. A feed's failure is recorded on the feed and logged; the
// others still run.
func (s *Syncer) SyncDue(ctx context.Context, feeds lister) (int, error) {
	all, err := feeds.Feeds(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range all {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if !f.Due(s.opt.Now()) {
			continue
		}
		n++
		got, err := s.Sync(ctx, f.Name, false)
		switch {
		case errors.Is(err, ErrHeld):
			s.opt.Logger.Warn("feed withdrawal held for an admin", "feed", f.Name, "err", err)
		case err != nil && ctx.Err() == nil:
			s.opt.Logger.Error("feed sync failed; it resumes on the next run", "feed", f.Name, "err", err)
		case err == nil:
			s.opt.Logger.Info("feed synced", "feed", f.Name, "added", got.Added, "updated", got.Updated,
				"unchanged", got.Unchanged, "skipped", got.Skipped, "withdrawn", got.Withdrawn, "listings", got.Listings)
		}
	}
	return n, nil
}

// Follow runs due feeds every tick until ctx ends. A sync cut short by ctx
// leaves its resume point in the store for the next start.
func (s *Syncer) Follow(ctx context.Context, feeds lister, tick time.Duration) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := s.SyncDue(ctx, feeds); err != nil && ctx.Err() == nil {
			s.opt.Logger.Error("listing feeds failed; will try again", "err", err)
		}
		t.Reset(tick)
	}
}
