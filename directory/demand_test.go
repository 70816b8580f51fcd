package directory_test

import (
	"context"
	"errors"
	"testing"

	"signpost/directory"
)

func TestDemandCounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := MustOpen(t)
	gen, err := s.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w47 := directory.DemandKey{Week: "2026-W47", Need: "lonely", District: "L20"}
	w48 := directory.DemandKey{Week: "2026-W48", Need: "lonely", District: "L20"}
	w48b := directory.DemandKey{Week: "2026-W48", Need: "money", District: "CH41"}
	if err := s.AddDemand(ctx, map[directory.DemandKey]int{w47: 2, w48: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDemand(ctx, map[directory.DemandKey]int{w48: 3, w48b: 1}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		from, to string
		want     []directory.DemandCount
	}{
		{"all", "", "", []directory.DemandCount{{w47, 2}, {w48, 4}, {w48b, 1}}},
		{"from a week", "2026-W48", "", []directory.DemandCount{{w48, 4}, {w48b, 1}}},
		{"to a week", "", "2026-W47", []directory.DemandCount{{w47, 2}}},
		{"no weeks", "2026-W49", "2026-W52", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Demand(ctx, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("row %d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
	// Counting is not a change to the directory: the index and the API's
	// validators stay as they were.
	if after, _ := s.Generation(ctx); after != gen {
		t.Errorf("generation moved from %d to %d", gen, after)
	}
	err = s.AddDemand(ctx, map[directory.DemandKey]int{{Week: "2026-W48", Need: "lonely"}: 1})
	if !errors.Is(err, directory.ErrConflict) {
		t.Errorf("a count with no district: err %v, want ErrConflict", err)
	}
}
