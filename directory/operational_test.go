package directory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"signpost/directory"
)

// Restoring an earlier version brings back its content and nothing else:
// capacity and the date someone last confirmed the listing are how things
// stand today, so they stay as they are. (Issue 17: a restore reset
// "Waiting list" to "Taking new people" and wiped "Last confirmed".)
func TestRestoreKeepsOperationalFields(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	clk := newAcctClock(s)
	v1 := publishForOrg(t, s, acctOrgA, 1)
	first := revisions(t, s, v1.ID)[0]

	v2 := *service(t, s, v1.ID)
	v2.Description = "A friendly walking group, now on Tuesdays."
	mustPut(t, s, &v2, directory.Save{Action: directory.ActionEdit})
	clk.advance(24 * time.Hour)
	if _, err := s.SetCapacity(ctx, v1.ID, directory.CapacityWaitingList, "prov@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmService(ctx, v1.ID, "prov@example.org"); err != nil {
		t.Fatal(err)
	}

	current, restored, changes, err := s.RestorePreview(ctx, v1.ID, first.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if current.Capacity != directory.CapacityWaitingList || restored.Capacity != directory.CapacityWaitingList {
		t.Errorf("preview capacity: current %q, restored %q; want waiting-list for both", current.Capacity, restored.Capacity)
	}
	if paths := changedPaths(changes); !slices.Equal(paths, []string{"description"}) {
		t.Errorf("restore preview diff = %v, want the description only", changes)
	}

	if err := s.RestoreRevision(ctx, v1.ID, first.Seq, "admin@example.org"); err != nil {
		t.Fatal(err)
	}
	got := service(t, s, v1.ID)
	if got.Description != v1.Description {
		t.Errorf("description = %q, want the restored %q", got.Description, v1.Description)
	}
	if got.Capacity != directory.CapacityWaitingList {
		t.Errorf("restore changed capacity to %q", got.Capacity)
	}
	if got.AssuredDate != "2026-03-03" {
		t.Errorf("restore changed last confirmed to %q", got.AssuredDate)
	}
	if paths := changedPaths(revisions(t, s, v1.ID)[0].Changes); !slices.Equal(paths, []string{"description"}) {
		t.Errorf("restore revision diff = %v, want exactly what the preview showed", paths)
	}
	// Restoring what is already there changes nothing, and says so.
	if err := s.RestoreRevision(ctx, v1.ID, first.Seq, "admin@example.org"); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("restoring the live content again: %v, want ErrConflict", err)
	}
}

// The moderation diff is on content only, and approval applies exactly it.
func TestModerationDiffIsContentOnly(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	clk := newAcctClock(s)
	published := publishForOrg(t, s, acctOrgA, 1)
	if _, err := s.SetCapacity(ctx, published.ID, directory.CapacityWaitingList, "prov@example.org"); err != nil {
		t.Fatal(err)
	}
	draft := *service(t, s, published.ID)
	draft.Capacity = directory.CapacityAccepting
	draft.AssuredDate = ""
	// Only operational fields differ: there is nothing to send.
	if _, err := s.SubmitDraft(ctx, &draft, "prov@example.org"); !errors.Is(err, directory.ErrConflict) {
		t.Fatalf("a draft differing only in capacity: %v, want ErrConflict", err)
	}
	draft.Name = "Tuesday Walkers"
	if _, err := s.SubmitDraft(ctx, &draft, "prov@example.org"); err != nil {
		t.Fatal(err)
	}
	live := service(t, s, published.ID)
	d, err := s.Draft(ctx, published.ID)
	if err != nil {
		t.Fatal(err)
	}
	shown := directory.ContentDiff(live, &d.Service)
	if paths := changedPaths(shown); !slices.Equal(paths, []string{"name"}) {
		t.Fatalf("moderation diff = %v, want the name only", shown)
	}
	clk.advance(48 * time.Hour)
	if err := s.ApproveDraft(ctx, directory.Review{ServiceID: published.ID, Actor: "admin@example.org"}); err != nil {
		t.Fatal(err)
	}
	applied := revisions(t, s, published.ID)[0].Changes
	if !slices.Equal(changedPaths(applied), changedPaths(shown)) {
		t.Errorf("approval applied %v, but the diff showed %v", applied, shown)
	}
	got := service(t, s, published.ID)
	if got.Capacity != directory.CapacityWaitingList || got.AssuredDate != live.AssuredDate {
		t.Errorf("approval changed operational fields: capacity %q, assured %q", got.Capacity, got.AssuredDate)
	}
}
