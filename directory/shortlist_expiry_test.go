package directory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"signpost/directory"
)

func TestMyListsNotOpenedForAYearExpire(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	start := f.now
	day := 24 * time.Hour

	kept, err := s.MyList(ctx, "token-kept")
	if err != nil {
		t.Fatal(err)
	}
	abandoned, err := s.MyList(ctx, "token-abandoned")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddItem(ctx, directory.TokenOwner("token-abandoned"), abandoned.ID, serviceN(1).ID); err != nil {
		t.Fatal(err)
	}
	shareToken, _, err := s.ShareShortlist(ctx, directory.TokenOwner("token-abandoned"), abandoned.ID, 3*directory.MyListLife)
	if err != nil {
		t.Fatal(err)
	}
	alice := directory.AccountOwner("alice@example.org")
	workers, err := s.CreateShortlist(ctx, alice, "Mr B, Thursday")
	if err != nil {
		t.Fatal(err)
	}

	// Opening records the day; opening again that day writes nothing.
	f.now = start.Add(200 * day)
	sl, err := s.FindMyList(ctx, "token-kept")
	if err != nil || !sl.Opened.Equal(f.now) {
		t.Fatalf("opened on day 200: %v, %v", sl.Opened, err)
	}
	f.now = start.Add(200*day + 20*time.Hour)
	if sl, err = s.FindMyList(ctx, "token-kept"); err != nil || !sl.Opened.Equal(start.Add(200*day)) {
		t.Fatalf("opened again the same day: stored %v, %v; want day 200 kept", sl.Opened, err)
	}

	f.now = start.Add(myListLifeAndADay())
	n, err := s.ExpireMyLists(ctx)
	if err != nil || n != 1 {
		t.Fatalf("the sweep a year on removed %d lists (%v), want the one not opened", n, err)
	}
	if _, err := s.FindMyList(ctx, "token-abandoned"); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("the abandoned list: %v, want not found", err)
	}
	if _, _, err := s.SharedShortlist(ctx, shareToken); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("the abandoned list's share link: %v, want not found", err)
	}
	if _, err := s.Shortlist(ctx, alice, workers.ID); err != nil {
		t.Errorf("a link worker's list is never removed by age: %v", err)
	}
	if _, err := s.Shortlist(ctx, directory.TokenOwner("token-kept"), kept.ID); err != nil {
		t.Errorf("the list opened on day 200: %v", err)
	}

	f.now = start.Add(200*day + myListLifeAndADay())
	if n, err = s.ExpireMyLists(ctx); err != nil || n != 1 {
		t.Fatalf("a year after its last opening: removed %d (%v), want 1", n, err)
	}
	if n, err = s.ExpireMyLists(ctx); err != nil || n != 0 {
		t.Fatalf("a second sweep removed %d (%v), want 0", n, err)
	}
	if _, err := s.Shortlist(ctx, alice, workers.ID); err != nil {
		t.Errorf("a link worker's list after two years: %v", err)
	}
}

// Adding to a list is opening it, so the cookie (renewed on each add) can
// never outlive the list it points to.
func TestAddingToAMyListKeepsItAlive(t *testing.T) {
	ctx := context.Background()
	f := newShortlistFixture(t)
	s := f.store
	start := f.now
	sl, err := s.MyList(ctx, "token")
	if err != nil {
		t.Fatal(err)
	}
	f.now = start.Add(300 * 24 * time.Hour)
	if _, err := s.MyList(ctx, "token"); err != nil { // what the site calls before an add
		t.Fatal(err)
	}
	if _, err := s.AddItem(ctx, directory.TokenOwner("token"), sl.ID, serviceN(2).ID); err != nil {
		t.Fatal(err)
	}
	f.now = start.Add(myListLifeAndADay())
	if n, err := s.ExpireMyLists(ctx); err != nil || n != 0 {
		t.Fatalf("removed %d (%v), want the list added to on day 300 kept", n, err)
	}
}

// myListLifeAndADay is just past the age at which an unopened My list goes.
func myListLifeAndADay() time.Duration { return directory.MyListLife + 24*time.Hour }
