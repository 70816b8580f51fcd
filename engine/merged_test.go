package engine

import (
	"context"
	"slices"
	"testing"
)

// A listing merged into another as a duplicate leaves search, and comes back
// when un-merged.
func TestMergedListingLeavesSearch(t *testing.T) {
	ctx := context.Background()
	lead := mk("walk-a", "Bootle Walking Group", "Weekly walks", interests("walking"), atKm(0, 0))
	dup := mk("walk-b", "The Bootle Walking Club", "Weekly walks", interests("walking"), atKm(0, 0))
	src := newMemSource(lead, dup)
	e, _ := mustOpen(t, src)

	search := func() []string {
		t.Helper()
		res, err := e.Search(ctx, Query{Text: "walking"})
		if err != nil {
			t.Fatal(err)
		}
		return ids(res)
	}
	if got := search(); !slices.Contains(got, "walk-b") {
		t.Fatalf("before the merge: %v, want walk-b", got)
	}

	merged := *dup
	merged.SupersededBy = "walk-a"
	if err := e.Apply(ctx, src.put(&merged)); err != nil {
		t.Fatal(err)
	}
	if got := search(); !slices.Equal(got, []string{"walk-a"}) {
		t.Fatalf("after the merge: %v, want only the lead", got)
	}

	if err := e.Apply(ctx, src.put(dup)); err != nil {
		t.Fatal(err)
	}
	if got := search(); !slices.Contains(got, "walk-b") {
		t.Fatalf("after un-merge: %v, want walk-b back", got)
	}
}
