package engine

import (
	"cmp"
	"slices"
	"strings"
	"sync"
)

// nameOrder numbers the table's rows in the order of ranking's last
// tie-breaks, name then id, so that ties are settled by comparing two
// integers rather than two names in rows spread over memory. Ties are the
// rule in a list without words or a place (the API's plain list, which a
// follower pages through from start to end): ranking its page 500 of 100k
// compared names some two million times (0.8 s), and names share long
// beginnings ("Community …"), so a fixed-length prefix would not settle
// them.
//
// The numbers are made lazily, by the first ranking after a write that
// changed a name or which slots hold rows: the rows the writes touched
// (the table lists them) are taken out of the previous order, sorted and
// merged back, so a build after a few writes costs one pass. Until the
// numbers are made, or while another ranking makes them, ranking compares
// names as before.
type nameOrder struct {
	// writes counts the writes that changed a name or which slot holds a
	// row, and changed lists those slots since the numbers were made; both
	// are written under the table's write lock.
	writes  uint64
	changed []uint32

	mu sync.Mutex
	// version is the count of writes the numbers were made at.
	version uint64
	made    bool
	// bySlot holds the live slots in order: the next build's start.
	bySlot []uint32
	// rank is each slot's place in bySlot. A new slice each build, never
	// changed after, so rankings may hold it.
	rank []uint32
}

// ranks returns each slot's place in name order, making the numbers when
// they are out of date only if build is set (a first build sorts every
// name: about 0.1 s at 100k, which a page of search results should not
// wait for). It returns nil when the numbers are out of date and not made,
// or another ranking is making them. The caller holds t.mu for reading,
// so no write runs meanwhile.
func (o *nameOrder) ranks(t *table, build bool) []uint32 {
	if !o.mu.TryLock() {
		return nil
	}
	defer o.mu.Unlock()
	if !o.made || o.version != o.writes {
		if !build {
			return nil
		}
		o.build(t)
	}
	return o.rank
}

func (o *nameOrder) build(t *table) {
	n := len(t.flags)
	live := func(s uint32) bool { return int(s) < n && t.flags[s]&flagLive != 0 }
	byName := func(a, b uint32) int { return compareNames(&t.rows[a], &t.rows[b]) }
	changed := o.changed
	o.changed = nil
	var order []uint32
	if !o.made || len(changed) > n/8 {
		order = make([]uint32, 0, n)
		for s := range uint32(n) {
			if live(s) {
				order = append(order, s)
			}
		}
		slices.SortFunc(order, byName)
	} else {
		moved := make(map[uint32]bool, len(changed))
		var add []uint32
		for _, s := range changed {
			if !moved[s] {
				moved[s] = true
				if live(s) {
					add = append(add, s)
				}
			}
		}
		slices.SortFunc(add, byName)
		order = make([]uint32, 0, len(o.bySlot)+len(add))
		for _, s := range o.bySlot {
			if moved[s] {
				continue
			}
			for len(add) > 0 && byName(add[0], s) < 0 {
				order, add = append(order, add[0]), add[1:]
			}
			order = append(order, s)
		}
		order = append(order, add...)
	}
	rank := make([]uint32, n)
	for i, s := range order {
		rank[s] = uint32(i)
	}
	o.bySlot, o.rank, o.version, o.made = order, rank, o.writes, true
}

// moved notes a slot whose place in name order may have changed, in a
// table of n slots. Past an eighth of the table the numbers are made
// afresh anyway, so the list stops growing.
func (o *nameOrder) moved(slot uint32, n int) {
	o.writes++
	if len(o.changed) <= n/8 {
		o.changed = append(o.changed, slot)
	}
}

// compareNames orders rows by case-folded name, then id.
func compareNames(a, b *rowInfo) int {
	if c := strings.Compare(a.SortName, b.SortName); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}
