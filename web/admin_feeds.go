package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// /admin/feeds: the other directories Signpost follows, how their last
// syncs went, and a full pull's withdrawal waiting for an admin's say-so.

// feedAdmin is what the feeds page reads of the store. *directory.Store
// satisfies it.
type feedAdmin interface {
	Feeds(ctx context.Context) ([]directory.Feed, error)
}

// FeedConfirmer makes a withdrawal a full pull held back because it was
// too large. *feed.Syncer satisfies it.
type FeedConfirmer interface {
	Confirm(ctx context.Context, name string) (int, error)
}

type adminFeedsPage struct {
	adminBase
	Feeds []feedRow
}

// feedRow is one feed in words.
type feedRow struct {
	Name, URL, Every, LastSuccess, LastAttempt, NextRun, Listings string
	Mirror                                                        bool
	Counts                                                        string
	Errors                                                        []string
	Interrupted                                                   string
	// Held says how many listings a held withdrawal would withdraw, and
	// ConfirmHref where to confirm it.
	Held, ConfirmHref string
}

func (h *adminHandlers) adminFeeds(w http.ResponseWriter, r *http.Request) error {
	feeds, err := h.store.Feeds(r.Context())
	if err != nil {
		return fmt.Errorf("feeds: %w", err)
	}
	p := &adminFeedsPage{adminBase: newAdminBase("Feeds", "/admin/feeds")}
	for _, f := range feeds {
		row := feedRow{
			Name: f.Name, URL: f.URL, Every: f.Every.String(), Mirror: f.Mirror,
			LastSuccess: whenText(f.LastSuccess, "never"), LastAttempt: whenText(f.LastAttempt, "never"),
			NextRun:  whenText(f.NextRun(), "as soon as the server runs"),
			Listings: strconv.Itoa(f.Listings),
			Counts: fmt.Sprintf("%d new, %d changed, %d unchanged, %d skipped, %d withdrawn, %d restored",
				f.Added, f.Updated, f.Unchanged, f.Skipped, f.Withdrawn, f.Restored),
			Errors: f.Errors,
		}
		if f.Resume != nil {
			row.Interrupted = fmt.Sprintf("The last sync stopped at page %d; the next run carries on from there.", f.Resume.Page)
		}
		if f.Held != nil && h.feeds != nil {
			row.Held = fmt.Sprintf("%d of %d", len(f.Held.IDs), f.Held.Of)
			row.ConfirmHref = "/admin/feeds/" + url.PathEscape(f.Name) + "/confirm"
		}
		p.Feeds = append(p.Feeds, row)
	}
	h.render(w, r, http.StatusOK, "admin-feeds", p)
	return nil
}

func whenText(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return dateTimeText(t)
}

func (h *adminHandlers) adminConfirmFeed(w http.ResponseWriter, r *http.Request) error {
	name := mux.Vars(r)["name"]
	if h.feeds == nil {
		return fmt.Errorf("feed %s: %w", name, directory.ErrNotFound)
	}
	if _, err := h.feeds.Confirm(r.Context(), name); err != nil {
		return fmt.Errorf("confirm the withdrawal of feed %s: %w", name, err)
	}
	return redirect(w, r, withFlash("/admin/feeds", "feed-withdrawal-confirmed"))
}
