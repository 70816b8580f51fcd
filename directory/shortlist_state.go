package directory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// A shortlist is read days or weeks after it was made, so every view of it
// says what has become of each activity since: closed, full or paused, or
// not confirmed by anyone for over a year.

// ItemState is what has become of a listed activity, worked out afresh each
// time the list is shown.
type ItemState struct {
	// Gone: the listing has been removed from the directory.
	Gone bool
	// Closed: the listing's status is no longer active.
	Closed      bool
	Full        bool
	Paused      bool
	WaitingList bool
	// Stale: nobody has confirmed the listing for over a year (counted
	// from when it was added to the list, if it was never confirmed).
	Stale bool
	// LastConfirmed is the latest of the assured date and "still running"
	// confirmations; zero when never confirmed.
	LastConfirmed time.Time
	// ChangedAt is the latest change to the listing after the item was
	// added; zero when none.
	ChangedAt time.Time
	// Warnings say, in plain sentences, why to check before going.
	Warnings []string
	// Notices are worth knowing but no reason to worry.
	Notices []string
}

// OK reports whether nothing stands in the way of going.
func (st ItemState) OK() bool { return len(st.Warnings) == 0 }

// ShortlistStaleAfter is how long a listing may go unconfirmed before lists warn.
const ShortlistStaleAfter = 365 * 24 * time.Hour

// AssessItem works out an item's state from its service (nil when the
// listing is gone), the service's revisions and the time now.
func AssessItem(it Item, svc *Service, revs []Revision, now time.Time) ItemState {
	var st ItemState
	if svc == nil {
		st.Gone = true
		st.Warnings = append(st.Warnings, "This activity is no longer in the directory. It may have stopped running.")
		return st
	}
	switch svc.Status {
	case StatusActive:
	case StatusDefunct:
		st.Closed = true
		st.Warnings = append(st.Warnings, "This activity has closed.")
	default:
		st.Closed = true
		st.Warnings = append(st.Warnings, "This activity is not running at the moment.")
	}
	switch svc.Capacity {
	case CapacityFull:
		st.Full = true
		st.Warnings = append(st.Warnings, "This activity is full and not taking new people right now.")
	case CapacityPaused:
		st.Paused = true
		st.Warnings = append(st.Warnings, "This activity has paused and is not taking new people right now.")
	case CapacityWaitingList:
		st.WaitingList = true
		st.Notices = append(st.Notices, "This activity has a waiting list.")
	}

	if at, ok := svc.Assured(); ok {
		st.LastConfirmed = at
	}
	for _, r := range revs {
		if r.Action == ActionConfirm && r.At.After(st.LastConfirmed) {
			st.LastConfirmed = r.At
		}
		if r.Action != ActionConfirm && r.At.After(it.AddedAt) && r.At.After(st.ChangedAt) {
			st.ChangedAt = r.At
		}
	}
	since := st.LastConfirmed
	if since.IsZero() {
		since = it.AddedAt
	}
	if !since.IsZero() && now.Sub(since) > ShortlistStaleAfter {
		st.Stale = true
		if st.LastConfirmed.IsZero() {
			st.Warnings = append(st.Warnings, fmt.Sprintf("Nobody has confirmed this listing since it was added on %s. Check it is still running before going.", FormatDate(it.AddedAt)))
		} else {
			st.Warnings = append(st.Warnings, fmt.Sprintf("Nobody has confirmed this listing since %s. Check it is still running before going.", FormatDate(st.LastConfirmed)))
		}
	}
	if !st.ChangedAt.IsZero() && !st.Gone {
		st.Notices = append(st.Notices, fmt.Sprintf("The details changed on %s, after it was added to this list.", FormatDate(st.ChangedAt)))
	}
	return st
}

// FormatDate writes a date the way pages and printouts do: "3 March 2025".
func FormatDate(t time.Time) string { return t.Format("2 January 2006") }

// ItemView is an item with its activity as published now and its state.
type ItemView struct {
	Item
	// Service is nil when the listing has been removed.
	Service *Service
	State   ItemState
}

// ShortlistItems looks up every item of a list and assesses its state now,
// reading every listing and its history in one snapshot.
func (s *Store) ShortlistItems(ctx context.Context, sl *Shortlist) ([]ItemView, error) {
	now := s.now()
	out := make([]ItemView, 0, len(sl.Items))
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		for _, it := range sl.Items {
			svc, err := getService(tx, it.ServiceID)
			if errors.Is(err, ErrNotFound) {
				svc, err = nil, nil
			}
			if err != nil {
				return err
			}
			revs, err := revisionsOf(tx, it.ServiceID)
			if err != nil {
				return fmt.Errorf("revisions of %s: %w", it.ServiceID, err)
			}
			out = append(out, ItemView{Item: it, Service: svc, State: AssessItem(it, svc, revs, now)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("shortlist %s: %w", sl.ID, err)
	}
	return out, nil
}
