package engine

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestNameOrderFollowsWrites checks that the name numbers order the live
// rows exactly as comparing their names and ids does, through inserts,
// renames (to names sharing long beginnings), deletes and re-inserts into
// freed slots, whether the numbers are made after every write or after
// many.
func TestNameOrderFollowsWrites(t *testing.T) {
	for _, every := range []int{1, 7, 60} {
		t.Run(fmt.Sprint("made every ", every, " writes"), func(t *testing.T) {
			svcs := genServices(300, 5)
			tab := newTable()
			var rows []row
			for _, s := range svcs[:200] {
				rows = append(rows, makeRow(s, textDoc(s)))
			}
			tab.apply(rows, nil)
			r := rand.New(rand.NewPCG(5, uint64(every)))
			next := 200
			for step := range 400 {
				live := slices.Sorted(maps.Keys(tab.slotOf))
				switch k := r.IntN(4); {
				case k == 0 && next < len(svcs):
					s := svcs[next]
					next++
					tab.apply([]row{makeRow(s, textDoc(s))}, nil)
				case k == 1 && len(live) > 1:
					tab.apply(nil, []string{live[r.IntN(len(live))]})
				default:
					s := *svcs[r.IntN(next)]
					s.Name = fmt.Sprintf("Community group %03d", r.IntN(40))
					tab.apply([]row{makeRow(&s, textDoc(&s))}, nil)
				}
				if step%every == 0 {
					checkNameOrder(t, tab)
				}
			}
			checkNameOrder(t, tab)
		})
	}
}

func checkNameOrder(t *testing.T, tab *table) {
	t.Helper()
	tab.names.prepare(tab)
	tab.mu.RLock()
	defer tab.mu.RUnlock()
	ranks := tab.names.ranks()
	if ranks == nil {
		t.Fatal("no numbers made")
	}
	var live []uint32
	for s, fl := range tab.flags {
		if fl&flagLive != 0 {
			live = append(live, uint32(s))
		}
	}
	byRank := slices.Clone(live)
	slices.SortFunc(byRank, func(a, b uint32) int { return int(ranks[a]) - int(ranks[b]) })
	byName := slices.Clone(live)
	slices.SortFunc(byName, func(a, b uint32) int { return compareNames(&tab.rows[a], &tab.rows[b]) })
	if !slices.Equal(byRank, byName) {
		t.Fatalf("%d live rows: the numbers order them differently from their names", len(live))
	}
	if len(tab.names.bySlot) != len(live) {
		t.Fatalf("the order holds %d slots, the table %d live rows", len(tab.names.bySlot), len(live))
	}
}

// TestNameOrderUnderConcurrentWrites makes the numbers while writes land
// (run with -race): numbers made from a copy that a write overtook must
// not be used, and the order must be right once the writes stop.
func TestNameOrderUnderConcurrentWrites(t *testing.T) {
	svcs := genServices(400, 6)
	tab := newTable()
	var rows []row
	for _, s := range svcs {
		rows = append(rows, makeRow(s, textDoc(s)))
	}
	tab.apply(rows, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := rand.New(rand.NewPCG(6, 7))
		for range 300 {
			s := *svcs[r.IntN(len(svcs))]
			s.Name = fmt.Sprintf("Community group %03d", r.IntN(40))
			tab.apply([]row{makeRow(&s, textDoc(&s))}, nil)
		}
	}()
	for {
		select {
		case <-done:
			checkNameOrder(t, tab)
			return
		default:
			tab.names.prepare(tab)
			tab.mu.RLock()
			if ranks := tab.names.ranks(); ranks != nil && tab.names.version != tab.names.writes {
				t.Error("numbers handed out for an older table")
			}
			tab.mu.RUnlock()
		}
	}
}
