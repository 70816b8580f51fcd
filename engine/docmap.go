package engine

import (
	"fmt"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// Turning a text hit into a table slot used to mean reading the hit's id
// from the index (ExternalID) and looking it up in the table's id map, per
// hit: at 100k services a common word's 20k hits spent about as long on
// that as Bleve spent finding them. A scorch index is a list of immutable
// segments, and a hit's internal number is its segment's offset plus its
// number within the segment. So each segment's numbers are mapped to
// slots once, the first time a search meets the segment, and a hit then
// costs an array read. A merge makes a new segment (a new id), which is
// mapped when first met; segments no longer in the index are dropped from
// the map.
//
// A mapped slot is trusted only while the table has not given that slot to
// another service since (the table's stamp for the slot is unchanged):
// then the id the slot was mapped from still owns it, and the answer is
// what looking the id up would give now. Otherwise, and for a document
// whose service was not yet in the table when its segment was mapped (a
// search between an insert's index batch and its table update), the hit
// falls back to the id lookup.

// noSlot marks a mapped document whose service the table did not hold.
const noSlot = ^uint32(0)

// docMap holds the slot maps of one text index's segments.
type docMap struct {
	mu   sync.Mutex
	segs map[uint64]*segSlots // by scorch segment id
}

// segSlots maps one segment's document numbers to table slots.
type segSlots struct {
	mu  sync.Mutex // held while mapping, so one reader maps and the rest wait
	tab *table     // the table the map was made against; nil before
	// slots holds, per document number, slot<<32 | the slot's stamp then.
	slots []uint64
}

func newDocMap() *docMap { return &docMap{segs: map[uint64]*segSlots{}} }

// rawHit is a text hit as Bleve numbers it, before it becomes a slot.
type rawHit struct {
	num   uint64
	score float64
}

// slots turns hits of the reader r into table slots, dropping hits whose
// service the table does not hold (a write in between). Hits come in
// Bleve's order, which is by internal number.
func (dm *docMap) slots(r index.IndexReader, t *table, hits []rawHit) ([]slotHit, error) {
	out := make([]slotHit, 0, len(hits))
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		// Not a scorch index: look every hit up by id.
		t.mu.RLock()
		defer t.mu.RUnlock()
		for _, h := range hits {
			if slot, found, err := lookupSlot(r, t, h.num); err != nil {
				return nil, err
			} else if found {
				out = append(out, slotHit{slot: slot, score: h.score})
			}
		}
		return out, nil
	}
	segs := snap.Segments()
	offsets := make([]uint64, len(segs)+1)
	for i, ss := range segs {
		offsets[i+1] = offsets[i] + ss.Segment().Count()
	}
	find := func(seg int, num uint64) (int, error) {
		if num >= offsets[seg] && num < offsets[seg+1] {
			return seg, nil
		}
		seg = sort.Search(len(segs), func(i int) bool { return offsets[i+1] > num })
		if seg == len(segs) {
			return 0, fmt.Errorf("document number %d is in no segment", num)
		}
		return seg, nil
	}
	// The segments the hits fall in are mapped first: mapping takes the
	// table's read lock itself.
	maps := make([][]uint64, len(segs))
	seg := 0
	for _, h := range hits {
		var err error
		if seg, err = find(seg, h.num); err != nil {
			return nil, err
		}
		if maps[seg] == nil {
			if maps[seg], err = dm.segment(snap, segs[seg], t); err != nil {
				return nil, err
			}
		}
	}

	t.mu.RLock()
	defer t.mu.RUnlock()
	seg = 0
	for _, h := range hits {
		seg, _ = find(seg, h.num)
		m := maps[seg]
		v := m[h.num-offsets[seg]]
		slot := uint32(v >> 32)
		if slot != noSlot && int(slot) < len(t.stamps.s) && t.stamps.s[slot] == uint32(v) {
			out = append(out, slotHit{slot: slot, score: h.score})
			continue
		}
		slot, found, err := lookupSlot(r, t, h.num)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, slotHit{slot: slot, score: h.score})
		}
	}
	return out, nil
}

// lookupSlot finds a hit's slot by its id, the slow way. The caller holds
// t.mu for reading.
func lookupSlot(r index.IndexReader, t *table, num uint64) (uint32, bool, error) {
	var iid [8]byte
	index.IndexInternalID(iid[:]).SetValue(num)
	id, err := r.ExternalID(iid[:])
	if err != nil {
		return 0, false, fmt.Errorf("document number %d: %w", num, err)
	}
	slot, ok := t.slotOf[id]
	return slot, ok, nil
}

// segment returns the slot map of one segment against t, making it if
// needed. The caller must not hold t.mu.
func (dm *docMap) segment(snap *scorch.IndexSnapshot, ss *scorch.SegmentSnapshot, t *table) ([]uint64, error) {
	dm.mu.Lock()
	s, ok := dm.segs[ss.Id()]
	if !ok {
		s = &segSlots{}
		dm.segs[ss.Id()] = s
		dm.prune(snap)
	}
	dm.mu.Unlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	seg := ss.Segment()
	n := seg.Count()
	if s.tab == t && uint64(len(s.slots)) == n {
		return s.slots, nil
	}
	// The ids are read outside the table's lock: they are slices of the
	// segment's own memory, valid while the reader holds the segment.
	ids := make([][]byte, n)
	for i := range n {
		id, err := seg.DocID(i)
		if err != nil {
			return nil, fmt.Errorf("segment %d document %d: %w", ss.Id(), i, err)
		}
		ids[i] = id
	}
	slots := make([]uint64, n)
	t.mu.RLock()
	for i, id := range ids {
		if slot, ok := t.slotOf[string(id)]; ok {
			slots[i] = uint64(slot)<<32 | uint64(t.stamps.s[slot])
		} else {
			slots[i] = uint64(noSlot) << 32
		}
	}
	t.mu.RUnlock()
	s.tab, s.slots = t, slots
	return slots, nil
}

// prune forgets the maps of segments the snapshot no longer holds (merged
// away or deleted). A reader still on an older snapshot that needs one
// maps it again. The caller holds dm.mu.
func (dm *docMap) prune(snap *scorch.IndexSnapshot) {
	live := map[uint64]bool{}
	for _, ss := range snap.Segments() {
		live[ss.Id()] = true
	}
	for id := range dm.segs {
		if !live[id] {
			delete(dm.segs, id)
		}
	}
}
