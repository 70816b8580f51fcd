package engine

import (
	"math/bits"
	"slices"

	"signpost/directory"
)

// spatialIndex files the live rows by where they can pass a radius, so a
// pass with a place and a radius visits only the rows that can: those in
// the grid cells the circle touches, those with several physical locations
// (or one the grid cannot hold), and, unless in person was asked for, the
// rows that pass any radius (online, or with no physical location). At a
// million listings a 10 km circle holds from a fifth to two thirds of them;
// the rest were each visited to be turned away.
//
// Kept up to date under the table's write lock by put and remove, and
// rebuilt from the columns after a snapshot load, so it is never saved.
type spatialIndex struct {
	// byCell holds, for each grid cell, the slots of the live rows with
	// one physical location in it (the table's cell column), sorted.
	byCell map[uint32][]uint32
	// loose are the live rows with a physical location but no cell: more
	// than one location, or one nearer a pole than the grid reaches.
	loose bitset
	// anywhere are the live rows that pass any radius unless in person
	// was asked for: delivered online, or with no physical location.
	anywhere bitset
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

// spatialKey is what decides where a row is filed.
type spatialKey struct {
	flags, delivery uint8
	cell            uint32
}

// move refiles slot from where old put it to where cur puts it (a zero
// key for a slot newly given or freed).
func (s *spatialIndex) move(slot uint32, old, cur spatialKey) {
	if old == cur {
		return
	}
	if old.flags&flagLive != 0 && old.cell != noCell {
		list := s.byCell[old.cell]
		if i, ok := slices.BinarySearch(list, slot); ok {
			list = slices.Delete(list, i, i+1)
			if len(list) == 0 {
				delete(s.byCell, old.cell)
			} else {
				s.byCell[old.cell] = list
			}
		}
	}
	live := cur.flags&flagLive != 0
	if live && cur.cell != noCell {
		if s.byCell == nil {
			s.byCell = map[uint32][]uint32{}
		}
		list := s.byCell[cur.cell]
		i, _ := slices.BinarySearch(list, slot)
		s.byCell[cur.cell] = slices.Insert(list, i, slot)
	}
	s.loose.put(slot, cur.loose())
	s.anywhere.put(slot, cur.anywhere())
}

// spatialKeyOf is the key of a slot as its columns stand.
func (t *table) spatialKeyOf(slot uint32) spatialKey {
	k := spatialKey{flags: t.flags[slot], cell: noCell}
	if int(slot) < len(t.cell) {
		k.cell = t.cell[slot]
	}
	// (A table put together from some columns only, as a test does, has
	// no delivery column.)
	if int(slot) < len(t.delivery) {
		k.delivery = t.delivery[slot]
	}
	return k
}

// loose reports whether a row so keyed is physical with no cell.
func (k spatialKey) loose() bool {
	return k.flags&flagLive != 0 && k.flags&flagPhysical != 0 && k.cell == noCell
}

// anywhere reports whether a row so keyed passes any radius unless in
// person was asked for (eval's remote).
func (k spatialKey) anywhere() bool {
	return k.flags&flagLive != 0 && (k.flags&flagPhysical == 0 || k.delivery&deliveryBit(directory.DeliveryOnline) != 0)
}

// rebuildSpatial files every row again from the columns, after a load.
func (t *table) rebuildSpatial() {
	s := spatialIndex{byCell: map[uint32][]uint32{}}
	for slot := range uint32(len(t.flags)) {
		k := t.spatialKeyOf(slot)
		if k.flags&flagLive == 0 {
			continue
		}
		if k.cell != noCell {
			// Slots come in order, so each cell's list stays sorted.
			s.byCell[k.cell] = append(s.byCell[k.cell], slot)
		}
		s.loose.put(slot, k.loose())
		s.anywhere.put(slot, k.anywhere())
	}
	t.spatial = s
}

// candidates returns the slots that can pass the plan's radius (a superset:
// each is still tested), or nil when the plan has no circle the grid can
// map. nSlots is the table's length.
func (s *spatialIndex) candidates(p *plan, nSlots int) bitset {
	m := p.cells
	if m == nil {
		return nil
	}
	out := make(bitset, (nSlots+63)/64)
	for i := range m.nLa {
		row := m.class[i*m.nLo : (i+1)*m.nLo]
		for j, c := range row {
			if c == cellOutside {
				continue
			}
			for _, slot := range s.byCell[(m.la0+i)<<17|(m.lo0+uint32(j))] {
				out[slot>>6] |= 1 << (slot & 63)
			}
		}
	}
	or := func(b bitset) {
		for w := range min(len(b), len(out)) {
			out[w] |= b[w]
		}
	}
	or(s.loose)
	if !p.inPersonOnly {
		or(s.anywhere)
	}
	return out
}

// count returns how many slots the set holds.
func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}
