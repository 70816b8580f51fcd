package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// /admin/feeds: the other directories Signpost follows, how their last
// syncs went, a full pull's withdrawal waiting for an admin's say-so, and
// the listings admins adopted from each feed, with the feed's changes to
// them that were not applied.

// feedAdmin is what the feeds page reads of the store, and adoption.
// *directory.Store satisfies it.
type feedAdmin interface {
	Feeds(ctx context.Context) ([]directory.Feed, error)
	// AdoptedFrom lists the listings adopted from a feed.
	AdoptedFrom(ctx context.Context, feed string) ([]directory.AdoptedListing, error)
	// AdoptFeedListing takes a feed's listing over for local editing; an
	// error wrapping directory.ErrConflict when it comes from no feed or
	// is adopted already.
	AdoptFeedListing(ctx context.Context, serviceID, actor string) (*directory.Source, error)
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
	// Adopted are the listings admins took over from the feed; Changed
	// counts those the feed has changed since, changes not applied.
	Adopted []adoptedRow
	Changed int
}

// adoptedRow is one adopted listing. UpstreamChanged is set when the feed
// published a different version after the adoption; UpstreamHref is the
// feed's own record of it, to compare.
type adoptedRow struct {
	ID, Name, Href, AdoptedOn, UpstreamChanged, UpstreamHref string
}

func (h *adminHandlers) adminFeeds(w http.ResponseWriter, r *http.Request) error {
	feeds, err := h.store.Feeds(r.Context())
	if err != nil {
		return fmt.Errorf("feeds: %w", err)
	}
	p := &adminFeedsPage{adminBase: newAdminBase("Feeds", "/admin/feeds")}
	for _, f := range feeds {
		row := feedRow{
			Name: f.Name, URL: f.URL, Every: intervalWords(f.Every), Mirror: f.Mirror,
			LastSuccess: whenText(f.LastSuccess, "never"), LastAttempt: whenText(f.LastAttempt, "never"),
			NextRun:  whenText(f.NextRun(), "as soon as the server runs"),
			Listings: strconv.Itoa(f.Listings),
			Counts: fmt.Sprintf("%d new, %d changed, %d unchanged, %d skipped, %d withdrawn, %d restored",
				f.Added, f.Updated, f.Unchanged, f.Skipped, f.Withdrawn, f.Restored),
			Errors: f.Errors,
		}
		if f.NotApplied > 0 {
			row.Counts += fmt.Sprintf(", %d changes to adopted listings not applied", f.NotApplied)
		}
		adopted, err := h.store.AdoptedFrom(r.Context(), f.Name)
		if err != nil {
			return fmt.Errorf("listings adopted from %s: %w", f.Name, err)
		}
		for _, a := range adopted {
			ar := adoptedRow{ID: a.ID, Name: a.Name, Href: "/activities/" + url.PathEscape(a.ID),
				AdoptedOn: dateText(a.Source.AdoptedAt)}
			if !a.Source.UpstreamChangedAt.IsZero() {
				ar.UpstreamChanged = dateText(a.Source.UpstreamChangedAt)
				if u, err := url.JoinPath(f.URL, "services", a.Source.UpstreamID); err == nil {
					ar.UpstreamHref = u
				}
				row.Changed++
			}
			row.Adopted = append(row.Adopted, ar)
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

// ManagesFeeds says whether the signed-in account may adopt a feed's
// listing, to offer the button on its page.
func (v sessionView) ManagesFeeds() bool {
	return v.Account != nil && can(v.Account, permManageFeeds, "")
}

// sourceText says where a listing came from: "Sefton Directory, checked 3
// days ago", or for an adopted one, since when it is edited here.
func sourceText(now time.Time, src *directory.Source) string {
	if src.Adopted() {
		return "Adopted from " + src.Feed + " on " + dateText(src.AdoptedAt) + "; edited here since"
	}
	return src.Feed + ", checked " + daysAgo(now, src.CheckedAt)
}

// adoptedListingID reads the listing field of the adopt form: a listing's
// id, or the address of its page as an admin would paste it.
func adoptedListingID(v string) string {
	v = strings.TrimSpace(v)
	if _, rest, ok := strings.Cut(v, "/activities/"); ok {
		v = rest
	}
	v, _, _ = strings.Cut(v, "?")
	v, _, _ = strings.Cut(v, "#")
	v, _, _ = strings.Cut(v, "/")
	if id, err := url.PathUnescape(v); err == nil {
		v = id
	}
	return clean(v, 100)
}

// adminAdoptListing adopts a feed's listing: it leaves the feed, is
// edited here (by its providers, through moderation as any other), and
// the feed's later changes to it are listed on the feeds page instead of
// applied.
func (h *adminHandlers) adminAdoptListing(w http.ResponseWriter, r *http.Request) error {
	id := adoptedListingID(r.PostFormValue("listing"))
	if id == "" {
		return &httpError{status: http.StatusBadRequest, heading: "Which listing?",
			message: "Give the address or the id of a listing that comes from a feed."}
	}
	_, err := h.store.AdoptFeedListing(r.Context(), id, currentAccount(r).Email)
	if errors.Is(err, directory.ErrConflict) {
		return &httpError{status: http.StatusConflict, heading: "This listing cannot be adopted",
			message: "It comes from no feed, or it is adopted already.", err: err}
	}
	if err != nil {
		return fmt.Errorf("adopt listing %s: %w", id, err)
	}
	return redirect(w, r, withFlash("/activities/"+url.PathEscape(id), "listing-adopted"))
}

// intervalWords says how often a feed is synced as people say it ("every
// hour", "every 90 minutes"), not as Go prints a duration ("1h0m0s").
func intervalWords(d time.Duration) string {
	unit := func(n int64, one, many string) string {
		if n == 1 {
			return "every " + one
		}
		return "every " + strconv.FormatInt(n, 10) + " " + many
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day", "days")
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour", "hours")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute", "minutes")
	}
	return "every " + d.String()
}
