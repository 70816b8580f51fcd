package engine

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// TestScoresFollowContentNotSegments indexes the same listings twice: in
// one batch (one segment), and a few at a time (thirty segments). Every word's hits must score the same in
// both: with Bleve's own statistics, which add up each segment's distinct
// terms, they did not, and the same index ranked a query differently
// after a restart.
func TestScoresFollowContentNotSegments(t *testing.T) {
	ctx := context.Background()
	svcs := genServices(60, 7)
	build := func(perBatch int) *textIndex {
		// In memory only: scorch neither persists nor merges, so the
		// batches stay apart as segments.
		idx, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { idx.Close() })
		b := idx.NewBatch()
		for i, s := range svcs {
			if err := b.Index(s.ID, textDoc(s)); err != nil {
				t.Fatal(err)
			}
			if (i+1)%perBatch == 0 || i == len(svcs)-1 {
				if err := idx.Batch(b); err != nil {
					t.Fatal(err)
				}
				b = idx.NewBatch()
			}
		}
		ti, err := newTextIndex(idx)
		if err != nil {
			t.Fatal(err)
		}
		return ti
	}
	one, many := build(len(svcs)), build(2)

	e, _ := mustOpen(t, newMemSource(svcs...))
	for _, text := range []string{"walking", "choir", "gardening group", "support", "art", "lunch club", "money advice"} {
		tp, err := e.interpret(ctx, e.text, tokens(text), keepSpelling)
		if err != nil {
			t.Fatal(err)
		}
		scores := func(ti *textIndex) map[string]float64 {
			hits, _, err := ti.search(ctx, text, tp.groups)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, h := range hits {
				out[h.id] = h.score
			}
			return out
		}
		a, b := scores(one), scores(many)
		if len(a) == 0 {
			t.Errorf("%q: no hits; the test needs some", text)
		}
		if len(a) != len(b) {
			t.Errorf("%q: %d hits in one segment, %d in many", text, len(a), len(b))
		}
		for id, s := range a {
			if b[id] != s {
				t.Errorf("%q: %s scores %v in one segment, %v in many", text, id, s, b[id])
			}
		}
	}
}
