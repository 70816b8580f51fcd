package engine

import (
	"context"
	"slices"
	"testing"

	"signpost/directory"
)

func TestTypos(t *testing.T) {
	ctx := context.Background()
	e := rankingEngine(t)
	tests := []struct {
		typed string
		want  []string
	}{
		{"counciling", []string{"talking-therapy"}},
		{"gardning", []string{"green-fingers", "garden-far"}},
		{"knittting", []string{"knit-natter"}},
		{"Poterry", []string{"pottery"}},
		{"convesation", []string{"esol"}},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			res, err := e.Search(ctx, Query{Text: tt.typed, Size: MaxSize})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.want {
				if !slices.Contains(ids(res), id) {
					t.Errorf("%q found %v, want %s among them", tt.typed, ids(res), id)
				}
			}
		})
	}
}

// TestCorrectWordsAreNotFuzzed keeps typo tolerance from blurring words
// that exist: "quilt" must not find "quiet".
func TestCorrectWordsAreNotFuzzed(t *testing.T) {
	ctx := context.Background()
	e, _ := mustOpen(t, newMemSource(
		mk("quilt", "Quilting Bee", "Make a quilt"),
		mk("quiet", "Quiet Room", "A quiet place to sit"),
	))
	res, err := e.Search(ctx, Query{Text: "quilt"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []string{"quilt"}) {
		t.Errorf("quilt found %v, want only [quilt]", got)
	}
}

func TestEverydayWords(t *testing.T) {
	ctx := context.Background()
	// The descriptions avoid the words searched for: only the taxonomy
	// term can connect them.
	svcs := []*directory.Service{
		mk("worry", "Calm Space", "Sit and breathe with others.", needs("worry")),
		mk("low", "Brighter Days", "Meet people and share a cuppa.", needs("low-mood")),
		mk("lonely", "Tuesday Club", "Meet people and share a cuppa.", needs("lonely")),
		mk("grief", "After Loss Group", "Talk with others who understand.", needs("bereavement")),
		mk("money", "Budget Helpers", "Sort out what comes in and goes out.", needs("money")),
		mk("work", "Next Steps", "Find your next role.", needs("work")),
		mk("walk", "Park Strollers", "Meet at the gates every Sunday.", interests("walking")),
		mk("none", "Chess Club", "Play chess."),
	}
	e, _ := mustOpen(t, newMemSource(svcs...), WithVocabulary(defaultVocab(t)))
	tests := []struct {
		typed string
		want  string
	}{
		{"anxiety", "worry"},
		{"anxious", "worry"},
		{"stressed", "worry"},
		{"depressed", "low"},
		{"depression", "low"},
		{"isolated", "lonely"},
		{"loneliness", "lonely"},
		{"grief", "grief"},
		{"debt", "money"},
		{"bills", "money"},
		{"jobs", "work"},
		{"employment", "work"},
		{"rambling", "walk"},
		{"walk", "walk"},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			res, err := e.Search(ctx, Query{Text: tt.typed})
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			if len(got) == 0 || got[0] != tt.want {
				t.Errorf("%q found %v, want %s first", tt.typed, got, tt.want)
			}
			if slices.Contains(got, "none") {
				t.Errorf("%q found the unrelated chess club", tt.typed)
			}
		})
	}
}

func TestStopWordsOnlyMatchesEverything(t *testing.T) {
	e := rankingEngine(t)
	all, err := e.Search(context.Background(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Search(context.Background(), Query{Text: "the and of"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != all.Total {
		t.Errorf("stop words only: total %d, want every active service (%d)", res.Total, all.Total)
	}
}
