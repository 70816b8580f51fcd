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
// The numbers are made by a ranking past the first page (prepare), after
// a write that changed a name or which slots hold rows. After a few
// writes the rows they touched are taken out of the previous order,
// sorted and merged back: one pass. The first time, or after many writes,
// every name is sorted (about 0.2 s at 100k), from a copy taken under the
// table's read lock and sorted outside it, so a write waiting for the lock
// does not hold up every read behind it meanwhile. Until the numbers are
// made, ranking compares names: the order is the same either way.
type nameOrder struct {
	// writes counts the writes that changed a name or which slot holds a
	// row, and changed lists those slots since the numbers were made; both
	// are written under the table's write lock.
	writes  uint64
	changed []uint32

	mu sync.Mutex
	// version is the count of writes the numbers were made at.
	version uint64
	// bySlot holds the live slots in order: the next build's start.
	bySlot []uint32
	// rank is each slot's place in bySlot, nil until first made. A new
	// slice each build, never changed after, so rankings may hold it.
	rank []uint32
}

// ranks returns each slot's place in name order, or nil when the numbers
// are out of date or being made. The caller holds t.mu for reading.
func (o *nameOrder) ranks() []uint32 {
	if !o.mu.TryLock() {
		return nil
	}
	defer o.mu.Unlock()
	if o.rank == nil || o.version != o.writes {
		return nil
	}
	return o.rank
}

// moved notes a slot whose place in name order may have changed, in a
// table of n slots. Past an eighth of the table the numbers are made
// afresh anyway, so the list stops growing. The caller holds t.mu.
func (o *nameOrder) moved(slot uint32, n int) {
	o.writes++
	if len(o.changed) <= n/8 {
		o.changed = append(o.changed, slot)
	}
}

// prepare brings the numbers up to date, unless another ranking is doing
// so. The caller does not hold t.mu.
func (o *nameOrder) prepare(t *table) {
	if !o.mu.TryLock() {
		return
	}
	defer o.mu.Unlock()
	t.mu.RLock()
	if o.rank != nil && o.version == o.writes {
		t.mu.RUnlock()
		return
	}
	if o.rank != nil && len(o.changed) <= len(t.flags)/8 {
		o.merge(t)
		t.mu.RUnlock()
		return
	}
	type named struct {
		slot     uint32
		sortName string
		id       string
	}
	at := o.writes
	all := make([]named, 0, len(t.flags))
	for s, fl := range t.flags {
		if fl&flagLive != 0 {
			all = append(all, named{uint32(s), t.rows[s].SortName, t.rows[s].ID})
		}
	}
	n := len(t.flags)
	t.mu.RUnlock()

	slices.SortFunc(all, func(a, b named) int {
		if c := strings.Compare(a.sortName, b.sortName); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	order := make([]uint32, len(all))
	for i, r := range all {
		order[i] = r.slot
	}

	t.mu.RLock()
	defer t.mu.RUnlock()
	if o.writes != at {
		return // written meanwhile: the next ranking past page one tries again
	}
	o.publish(order, n)
}

// merge takes the rows writes touched out of the order, sorts them and
// merges them back. The caller holds t.mu for reading.
func (o *nameOrder) merge(t *table) {
	n := len(t.flags)
	byName := func(a, b uint32) int { return compareNames(&t.rows[a], &t.rows[b]) }
	moved := make(map[uint32]bool, len(o.changed))
	var add []uint32
	for _, s := range o.changed {
		if !moved[s] {
			moved[s] = true
			if int(s) < n && t.flags[s]&flagLive != 0 {
				add = append(add, s)
			}
		}
	}
	slices.SortFunc(add, byName)
	order := make([]uint32, 0, len(o.bySlot)+len(add))
	for _, s := range o.bySlot {
		if moved[s] {
			continue
		}
		for len(add) > 0 && byName(add[0], s) < 0 {
			order, add = append(order, add[0]), add[1:]
		}
		order = append(order, s)
	}
	o.publish(append(order, add...), n)
}

// publish makes order, the live slots sorted, the numbers for a table of
// n slots as it stands at o.writes. The caller holds t.mu for reading.
func (o *nameOrder) publish(order []uint32, n int) {
	rank := make([]uint32, n)
	for i, s := range order {
		rank[s] = uint32(i)
	}
	o.bySlot, o.rank, o.version, o.changed = order, rank, o.writes, nil
}

// compareNames orders rows by case-folded name, then id.
func compareNames(a, b *rowInfo) int {
	if c := strings.Compare(a.SortName, b.SortName); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}
