package engine

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestTermSetsFollowTheColumns puts, edits and removes random rows and
// checks after each step that every term's set holds exactly the live
// slots carrying it, and that a table rebuilt from the columns (as after a
// snapshot load) has the same sets.
func TestTermSetsFollowTheColumns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tab := newTable()
	for step := range 600 {
		id := fmt.Sprintf("s%d", rng.IntN(150))
		if rng.IntN(4) == 0 {
			tab.apply(nil, []string{id})
		} else {
			r := row{flags: flagLive, needs: rng.Uint32() & rng.Uint32(), interests: rng.Uint32() & rng.Uint32(), activities: uint16(rng.Uint32() & rng.Uint32())}
			r.info.ID = id
			tab.apply([]row{r}, nil)
		}
		checkTermSets(t, fmt.Sprintf("step %d", step), tab)
	}
	loaded := &table{slotOf: map[string]uint32{}, flags: tab.flags, needs: tab.needs, interests: tab.interests, activities: tab.activities, point: tab.point, rows: tab.rows}
	loaded.reindex()
	checkTermSets(t, "reindexed", loaded)
}

func checkTermSets(t *testing.T, when string, tab *table) {
	t.Helper()
	check := func(kind string, sets []bitset, col func(slot int) uint32) {
		for b, set := range sets {
			for slot := range tab.flags {
				want := tab.flags[slot]&flagLive != 0 && col(slot)&(1<<b) != 0
				got := slot>>6 < len(set) && set[slot>>6]&(1<<(slot&63)) != 0
				if got != want {
					t.Fatalf("%s: %s %d, slot %d: in set %v, want %v", when, kind, b, slot, got, want)
				}
			}
			for w := (len(tab.flags) + 63) / 64; w < len(set); w++ {
				if set[w] != 0 {
					t.Fatalf("%s: %s %d has slots past the table", when, kind, b)
				}
			}
		}
	}
	check("need", tab.terms.needs[:], func(s int) uint32 { return tab.needs[s] })
	check("interest", tab.terms.interests[:], func(s int) uint32 { return tab.interests[s] })
	check("activity", tab.terms.acts[:], func(s int) uint32 { return uint32(tab.activities[s]) })
}
