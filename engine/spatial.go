package engine

import (
	"cmp"
	"math/bits"
	"slices"
	"sync"

	"signpost/directory"
)

// rowSets files the live rows by the hot filters' values and by where they
// can pass a radius, as sets of slots, so that a pass can work out which
// rows match with word-wide operations over bitsets, count the totals and
// facets from the sets' sizes, and read the columns only of the rows that
// can reach the page (see bitpass.go). With the term sets (termsets.go)
// they hold every filter but age and the cold ones (language,
// accessibility notes, organisation, modified, term ids).
//
// Where: byCell files the rows with one physical location by grid cell;
// the rows with several (or one nearer a pole than the grid reaches) are
// loose; those delivered online or with no physical location pass any
// radius unless in person was asked for. At a million listings a 10 km
// circle holds from a fifth to two thirds of them.
//
// Kept up to date under the table's write lock by put and remove, and
// rebuilt from the columns after a snapshot load, so it is never saved.
type rowSets struct {
	// byCell holds, for each grid cell, the slots of the live rows with
	// one physical location in it (the table's cell column), sorted.
	byCell cellGrid
	// loose are the live rows with a physical location but no cell.
	loose bitset
	// anywhere are the live rows that pass any radius unless in person
	// was asked for: delivered online, or with no physical location.
	anywhere bitset

	// active are the live rows listed (flagActive); free, those free.
	active, free bitset
	// days, delivery and access hold the live rows with each bit of
	// those columns.
	days     [7]bitset
	delivery [3]bitset
	access   [8]bitset

	// scratch holds sets passes have finished with: at a million rows
	// each is 125 KB, and allocating several a query made the collector
	// scan the table's heap over and over.
	scratch *sync.Pool
}

// get returns an empty set of n words.
func (s *rowSets) get(n int) bitset {
	if s.scratch != nil {
		if b, ok := s.scratch.Get().(*bitset); ok && cap(*b) >= n {
			out := (*b)[:n]
			clear(out)
			return out
		}
	}
	return make(bitset, n)
}

// giveBack returns sets from get for reuse.
func (s *rowSets) giveBack(sets ...bitset) {
	if s.scratch == nil {
		return
	}
	for _, b := range sets {
		if b != nil {
			s.scratch.Put(&b)
		}
	}
}

// bitset is a set of slots, a bit a slot; words past its end are empty.
type bitset []uint64

func (b *bitset) put(slot uint32, in bool) {
	w := int(slot >> 6)
	if w >= len(*b) {
		if !in {
			return
		}
		*b = append(*b, make([]uint64, w+1-len(*b))...)
	}
	if in {
		(*b)[w] |= 1 << (slot & 63)
	} else {
		(*b)[w] &^= 1 << (slot & 63)
	}
}

func (b bitset) has(slot uint32) bool {
	w := int(slot >> 6)
	return w < len(b) && b[w]&(1<<(slot&63)) != 0
}

// word is the w-th word of the set (0 past its end).
func (b bitset) word(w int) uint64 {
	if w < len(b) {
		return b[w]
	}
	return 0
}

// rowKey is what decides where a row is filed.
type rowKey struct {
	flags, delivery, days, access uint8
	cell                          uint32
}

// move refiles slot from where old put it to where cur puts it (a key
// with no flags for a slot newly given or freed).
func (s *rowSets) move(slot uint32, old, cur rowKey) {
	if s.scratch == nil {
		s.scratch = &sync.Pool{}
	}
	if old == cur {
		return
	}
	oldLive, live := old.flags&flagLive != 0, cur.flags&flagLive != 0
	if oldLive && old.cell != noCell && (old.cell != cur.cell || !live) {
		s.byCell.remove(old.cell, slot)
	}
	if live && cur.cell != noCell && (old.cell != cur.cell || !oldLive) {
		s.byCell.add(cur.cell, slot)
	}
	s.putBits(slot, cur)
}

// putBits sets slot's bit in each set as the key says.
func (s *rowSets) putBits(slot uint32, k rowKey) {
	live := k.flags&flagLive != 0
	s.loose.put(slot, live && k.flags&flagPhysical != 0 && k.cell == noCell)
	s.anywhere.put(slot, live && (k.flags&flagPhysical == 0 || k.delivery&deliveryBit(directory.DeliveryOnline) != 0))
	s.active.put(slot, live && k.flags&flagActive != 0)
	s.free.put(slot, live && k.flags&flagFree != 0)
	for i := range s.days {
		s.days[i].put(slot, live && k.days&(1<<i) != 0)
	}
	for i := range s.delivery {
		s.delivery[i].put(slot, live && k.delivery&(1<<i) != 0)
	}
	for i := range s.access {
		s.access[i].put(slot, live && k.access&(1<<i) != 0)
	}
}

// rowKeyOf is the key of a slot as its columns stand.
func (t *table) rowKeyOf(slot uint32) rowKey {
	k := rowKey{flags: t.flags[slot], cell: noCell}
	// (A table put together from some columns only, as a test does, lacks
	// the others.)
	at := func(col []uint8) uint8 {
		if int(slot) < len(col) {
			return col[slot]
		}
		return 0
	}
	k.delivery, k.days, k.access = at(t.delivery), at(t.days), at(t.access)
	if int(slot) < len(t.cell) {
		k.cell = t.cell[slot]
	}
	return k
}

// rebuildSets files every row again from the columns, after a load.
func (t *table) rebuildSets() {
	s := rowSets{scratch: &sync.Pool{}}
	for slot := range uint32(len(t.flags)) {
		k := t.rowKeyOf(slot)
		if k.flags&flagLive == 0 {
			continue
		}
		if k.cell != noCell {
			s.byCell.add(k.cell, slot) // (slots come in order: appended)
		}
		s.putBits(slot, k)
	}
	t.sets = s
}

// near returns the slots that can pass the plan's radius (a superset:
// each is still tested), or nil when the plan has no circle the grid can
// map. nSlots is the table's length.
func (s *rowSets) near(p *plan, nSlots int) bitset {
	m := p.cells
	if m == nil {
		return nil
	}
	out := make(bitset, (nSlots+63)/64)
	s.byCell.each(m, func(_ uint32, _ uint8, slots []uint32) {
		for _, slot := range slots {
			out[slot>>6] |= 1 << (slot & 63)
		}
	})
	out.or(s.loose)
	if !p.inPersonOnly {
		out.or(s.anywhere)
	}
	return out
}

// or adds the slots of o (within b's length).
func (b bitset) or(o bitset) {
	for w := range min(len(b), len(o)) {
		b[w] |= o[w]
	}
}

// and keeps only the slots also in o.
func (b bitset) and(o bitset) {
	n := min(len(b), len(o))
	for w := range n {
		b[w] &= o[w]
	}
	clear(b[n:])
}

// count returns how many slots the set holds.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// cellGrid files slots by grid cell: by latitude row, then the row's
// occupied cells in longitude order, so that a circle's cells are found
// with a lookup and a binary search a row of the grid, not a lookup a
// cell (a 10-mile circle spans some 6,000 cells).
type cellGrid struct {
	rows map[uint32][]cellSlots // by latitude index
}

type cellSlots struct {
	lo    uint32   // longitude index
	slots []uint32 // sorted
}

func (g *cellGrid) find(cell uint32) ([]cellSlots, int, bool) {
	row := g.rows[cell>>17]
	i, ok := slices.BinarySearchFunc(row, cell&(1<<17-1), func(c cellSlots, lo uint32) int { return cmp.Compare(c.lo, lo) })
	return row, i, ok
}

// add files slot under cell.
func (g *cellGrid) add(cell, slot uint32) {
	if g.rows == nil {
		g.rows = map[uint32][]cellSlots{}
	}
	row, i, ok := g.find(cell)
	if !ok {
		row = slices.Insert(row, i, cellSlots{lo: cell & (1<<17 - 1)})
		g.rows[cell>>17] = row
	}
	c := &row[i]
	j, _ := slices.BinarySearch(c.slots, slot)
	c.slots = slices.Insert(c.slots, j, slot)
}

// remove takes slot from under cell.
func (g *cellGrid) remove(cell, slot uint32) {
	row, i, ok := g.find(cell)
	if !ok {
		return
	}
	c := &row[i]
	if j, ok := slices.BinarySearch(c.slots, slot); ok {
		c.slots = slices.Delete(c.slots, j, j+1)
	}
	if len(c.slots) == 0 {
		row = slices.Delete(row, i, i+1)
		if len(row) == 0 {
			delete(g.rows, cell>>17)
		} else {
			g.rows[cell>>17] = row
		}
	}
}

// each calls fn with every occupied cell of m's box that is not outside
// its circle, the cell's class and its slots.
func (g *cellGrid) each(m *cellMap, fn func(cell uint32, class uint8, slots []uint32)) {
	lo1 := m.lo0 + m.nLo
	for i := range m.nLa {
		la := m.la0 + i
		row := g.rows[la]
		j, _ := slices.BinarySearchFunc(row, m.lo0, func(c cellSlots, lo uint32) int { return cmp.Compare(c.lo, lo) })
		for _, c := range row[j:] {
			if c.lo >= lo1 {
				break
			}
			if class := m.class[i*m.nLo+c.lo-m.lo0]; class != cellOutside {
				fn(la<<17|c.lo, class, c.slots)
			}
		}
	}
}

// all calls fn with every occupied cell and its slots.
func (g *cellGrid) all(fn func(cell uint32, slots []uint32)) {
	for la, row := range g.rows {
		for _, c := range row {
			fn(la<<17|c.lo, c.slots)
		}
	}
}
