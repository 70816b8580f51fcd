package engine

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"signpost/directory"
)

// checkSlots walks the words' hits once and checks, hit by hit on the
// same reader, that the slot maps give the slot the id lookup gives. (Two
// searches could see different snapshots: a background merge between them
// changes BM25's statistics, so their scores may differ.) It also checks
// that searchSlots finds the same services as the id lookup.
func checkSlots(t *testing.T, e *Engine, text string) {
	t.Helper()
	ctx := context.Background()
	tp, err := e.interpret(ctx, e.text, tokens(text), keepSpelling)
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	_, err = e.text.walk(ctx, text, tp.groups, func(r index.IndexReader, _ int) (func(*search.DocumentMatch) error, func() error, error) {
		res, err := e.text.docs.resolver(r, e.tab)
		if err != nil {
			return nil, nil, err
		}
		e.tab.mu.RLock()
		return func(dm *search.DocumentMatch) error {
				hits++
				id, err := r.ExternalID(dm.IndexInternalID)
				if err != nil {
					return err
				}
				want, wantFound := e.tab.slotOf[id]
				got, found, err := res.slot(dm.IndexInternalID.Value())
				if err != nil {
					return err
				}
				if found != wantFound || got != want {
					t.Errorf("%q: hit %s: slot %d (found %v), the id lookup gives %d (found %v)", text, id, got, found, want, wantFound)
				}
				return nil
			}, func() error {
				e.tab.mu.RUnlock()
				return nil
			}, nil
	})
	if err != nil {
		t.Fatal(err)
	}

	bySlots, _, err := e.text.searchSlots(ctx, e.tab, text, tp.groups)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for i, h := range bySlots {
		if i > 0 && bySlots[i-1].slot >= h.slot {
			t.Errorf("%q: hits out of slot order: %d after %d", text, h.slot, bySlots[i-1].slot)
		}
		got[e.tab.rows[h.slot].ID] = true
	}
	byIDs, _, err := e.text.search(ctx, text, tp.groups)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, h := range byIDs {
		want[h.id] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("%q: searchSlots found %d services, the id lookup %d", text, len(got), len(want))
	}
}

// TestSlotMapsFollowWrites checks that hits found through the per-segment
// slot maps are the services the id lookup finds, through inserts, edits, deletes, re-inserts into freed slots and the
// segment merges those writes set off.
func TestSlotMapsFollowWrites(t *testing.T) {
	ctx := context.Background()
	words := []string{"walking", "choir", "gardening", "art", "support", "lunch club", "zzzz"}
	src := newMemSource(genServices(300, 3)...)
	e, _ := mustOpen(t, src)
	r := rand.New(rand.NewPCG(3, 4))
	var deleted []*directory.Service
	for step := range 120 {
		all := src.all()
		var ch directory.Change
		switch k := r.IntN(5); {
		case k == 0 && len(deleted) > 0: // back into a freed slot
			s := deleted[len(deleted)-1]
			deleted = deleted[:len(deleted)-1]
			ch = src.put(s)
		case k <= 1:
			s := all[r.IntN(len(all))]
			deleted = append(deleted, s)
			ch = src.delete(s.ID)
		case k == 2: // new words
			s := *all[r.IntN(len(all))]
			s.Description = fmt.Sprintf("%s now with a choir and gardening, step %d", s.Description, step)
			ch = src.put(&s)
		case k == 3: // no new words
			s := *all[r.IntN(len(all))]
			s.Capacity = directory.CapacityFull
			ch = src.put(&s)
		default:
			s := *all[r.IntN(len(all))]
			s.ID = fmt.Sprintf("new-%d", step)
			s.Name = "Walking art club"
			ch = src.put(&s)
		}
		if err := e.Apply(ctx, ch); err != nil {
			t.Fatal(err)
		}
		for _, w := range words {
			checkSlots(t, e, w)
		}
		if t.Failed() {
			t.Fatalf("after step %d", step)
		}
	}
}

// TestSlotMapsRefuseAReusedSlot checks that a reader still on a snapshot
// from before a delete, whose segment was mapped then, does not take the
// deleted service's hit for the service that has since been given its
// slot.
func TestSlotMapsRefuseAReusedSlot(t *testing.T) {
	ctx := context.Background()
	a := mk("a", "Walking group", "A walk by the river")
	src := newMemSource(a, mk("b", "Choir", "Singing together"))
	e, _ := mustOpen(t, src)

	adv, err := e.text.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	iid, err := r.InternalID("a")
	if err != nil || iid == nil {
		t.Fatalf("internal id of a: %v, %v", iid, err)
	}
	// The slot the old snapshot's hit for a resolves to, if any.
	resolve := func() (uint32, bool) {
		t.Helper()
		res, err := e.text.docs.resolver(r, e.tab)
		if err != nil {
			t.Fatal(err)
		}
		e.tab.mu.RLock()
		defer e.tab.mu.RUnlock()
		slot, found, err := res.slot(iid.Value())
		if err != nil {
			t.Fatal(err)
		}
		return slot, found
	}
	slot, found := resolve()
	if !found || e.tab.rows[slot].ID != "a" {
		t.Fatalf("before the delete: slot %d (found %v), want a's", slot, found)
	}

	if err := e.Apply(ctx, src.delete("a")); err != nil {
		t.Fatal(err)
	}
	if err := e.Apply(ctx, src.put(mk("c", "Knitting", "Wool and tea"))); err != nil {
		t.Fatal(err)
	}
	if got := e.tab.slotOf["c"]; got != slot {
		t.Fatalf("c went to slot %d, not a's freed slot %d; the test needs the reuse", got, slot)
	}
	if got, found := resolve(); found {
		t.Errorf("a's hit from the old snapshot became slot %d (%s), want dropped", got, e.tab.rows[got].ID)
	}
}
