package feed_test

import (
	"errors"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/feed"
)

// An adopted listing leaves its feed: the feed's changes to it are
// reported, not applied, and a full pull that no longer sees it leaves it
// alone.
func TestAdoptedListingLeavesTheFeed(t *testing.T) {
	r := newRig(t, "sefton", false, feed.Options{})
	ids := r.up.add(10, r.clock.Now().Add(-time.Hour))
	if _, err := r.sync.Sync(ctx, "sefton", false); err != nil {
		t.Fatal(err)
	}
	id := feed.LocalID("sefton", false, ids[2])

	src, err := r.st.AdoptFeedListing(ctx, id, "admin@example.org")
	if err != nil {
		t.Fatalf("adopt: %v", err)
	}
	if !src.Adopted() || src.Feed != "sefton" {
		t.Fatalf("source after adoption = %+v", src)
	}
	if _, err := r.st.AdoptFeedListing(ctx, id, "admin@example.org"); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("adopting twice: err = %v, want a conflict", err)
	}
	revs, err := r.st.Revisions(ctx, id)
	if err != nil || len(revs) != 2 || revs[0].Action != directory.ActionAdopt || revs[0].Actor != "admin@example.org" {
		t.Fatalf("revisions after adoption = %+v (%v), want the newest an adoption by the admin", revs, err)
	}

	// The same version again is no news.
	r.clock.Advance(time.Hour)
	f, err := r.sync.Sync(ctx, "sefton", true)
	if err != nil {
		t.Fatal(err)
	}
	if f.NotApplied != 0 || f.Listings != 9 {
		t.Errorf("full pull of an unchanged feed: not applied %d, listings %d; want 0, 9", f.NotApplied, f.Listings)
	}
	adopted, err := r.st.AdoptedFrom(ctx, "sefton")
	if err != nil || len(adopted) != 1 || !adopted[0].Source.UpstreamChangedAt.IsZero() {
		t.Fatalf("adopted listings = %+v (%v), want one, unchanged upstream", adopted, err)
	}

	// A local edit stands; the feed's change is noted, not written.
	local, err := r.st.Service(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	local.Source, local.LastModified = nil, ""
	local.Description = "Edited here"
	if _, err := r.st.PutService(ctx, local, directory.Save{Actor: "admin@example.org"}); err != nil {
		t.Fatal(err)
	}
	r.clock.Advance(time.Hour)
	r.up.edit(ids[2], "name", "Renamed upstream", r.clock.Now())
	r.clock.Advance(time.Minute)
	if f, err = r.sync.Sync(ctx, "sefton", false); err != nil {
		t.Fatal(err)
	}
	if f.NotApplied != 1 || f.Updated != 0 {
		t.Errorf("incremental pull: not applied %d, updated %d; want 1, 0", f.NotApplied, f.Updated)
	}
	got, _ := r.st.Service(ctx, id)
	if got.Name == "Renamed upstream" || got.Description != "Edited here" {
		t.Errorf("the feed's change was applied to an adopted listing: %q, %q", got.Name, got.Description)
	}
	adopted, _ = r.st.AdoptedFrom(ctx, "sefton")
	if len(adopted) != 1 || adopted[0].Source.UpstreamChangedAt.IsZero() {
		t.Errorf("adopted listings = %+v, want the upstream change noted", adopted)
	}

	// Gone upstream: a full pull withdraws the feed's listings, not this one.
	r.up.remove(ids[2])
	r.clock.Advance(time.Hour)
	if f, err = r.sync.Sync(ctx, "sefton", true); err != nil {
		t.Fatal(err)
	}
	if f.Withdrawn != 0 {
		t.Errorf("a full pull withdrew %d listings, want none", f.Withdrawn)
	}
	if got, _ := r.st.Service(ctx, id); got.Status != directory.StatusActive {
		t.Errorf("adopted listing's status = %q after it left the feed upstream", got.Status)
	}
	// Nor does removing the feed withdraw it.
	if _, err := r.st.DeleteFeed(ctx, "sefton"); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.st.Service(ctx, id); got.Status != directory.StatusActive || !got.Source.Adopted() {
		t.Errorf("after the feed's removal: status %q, source %+v", got.Status, got.Source)
	}
}

func TestAdoptingALocalListingIsRefused(t *testing.T) {
	st := openStore(t)
	svc := &directory.Service{ID: "4b1c3f8e-2d5a-4f6b-9c7e-1a2b3c4d5e6f", Name: "Knit and natter", Description: "Weekly", Status: directory.StatusActive}
	if _, err := st.PutService(ctx, svc, directory.Save{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AdoptFeedListing(ctx, "4b1c3f8e-2d5a-4f6b-9c7e-1a2b3c4d5e6f", "admin@example.org"); !errors.Is(err, directory.ErrConflict) {
		t.Errorf("err = %v, want a conflict", err)
	}
}
