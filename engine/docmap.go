package engine

import (
	"fmt"
	"math/bits"
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

// segSlots holds the slot map of one segment.
type segSlots struct {
	mu  sync.Mutex // held while mapping, so one reader maps and the rest wait
	cur *slotMap
}

// slotMap maps one segment's document numbers to table slots. Once made,
// it is only read.
type slotMap struct {
	tab *table // the table the map was made against
	// layout is the table's layout count when the map was made.
	layout uint64
	// slots holds, per document number, slot<<32 | the slot's stamp then.
	slots []uint64
}

func newDocMap() *docMap { return &docMap{segs: map[uint64]*segSlots{}} }

// resolver turns the hits of one reader into table slots. Make it with
// docMap.resolver before taking the table's read lock, then call slot
// under that lock.
type resolver struct {
	r       index.IndexReader
	t       *table
	scorch  bool
	offsets []uint64   // offsets[i] is segment i's first number; one more for the end
	maps    []*slotMap // per segment, made against t
	seg     int        // the segment of the last hit, where the next usually is
}

// resolver maps every segment of r's snapshot against t (a segment is
// mapped once; later calls find it done). The caller must not hold t.mu.
func (dm *docMap) resolver(r index.IndexReader, t *table) (*resolver, error) {
	res := &resolver{r: r, t: t}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		// Not a scorch index: every hit is looked up by id.
		return res, nil
	}
	res.scorch = true
	segs := snap.Segments()
	res.offsets = make([]uint64, len(segs)+1)
	res.maps = make([]*slotMap, len(segs))
	for i, ss := range segs {
		res.offsets[i+1] = res.offsets[i] + ss.Segment().Count()
		m, err := dm.segment(snap, ss, t)
		if err != nil {
			return nil, err
		}
		res.maps[i] = m
	}
	return res, nil
}

// slot returns the slot of the hit numbered num, and false when the
// table does not hold its service (a write in between). Hits come in
// Bleve's order, by number, so the segment is usually the last one's. The
// caller holds t.mu for reading.
func (res *resolver) slot(num uint64) (uint32, bool, error) {
	if !res.scorch {
		return lookupSlot(res.r, res.t, num)
	}
	seg := res.seg
	if num < res.offsets[seg] || num >= res.offsets[seg+1] {
		seg = sort.Search(len(res.maps), func(i int) bool { return res.offsets[i+1] > num })
		if seg == len(res.maps) {
			return 0, false, fmt.Errorf("document number %d is in no segment", num)
		}
		res.seg = seg
	}
	m := res.maps[seg]
	v := m.slots[num-res.offsets[seg]]
	slot := uint32(v >> 32)
	if slot != noSlot {
		// While no slot has been freed or reused since the map was made
		// (the usual case: edits keep their slots), every mapped slot
		// holds. Otherwise the slot's own stamp says.
		if m.layout == res.t.layout || res.t.stamps.s[slot] == uint32(v) {
			return slot, true, nil
		}
	}
	return lookupSlot(res.r, res.t, num)
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
func (dm *docMap) segment(snap *scorch.IndexSnapshot, ss *scorch.SegmentSnapshot, t *table) (*slotMap, error) {
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
	if m := s.cur; m != nil && m.tab == t && uint64(len(m.slots)) == n {
		return m, nil
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
	layout := t.layout
	for i, id := range ids {
		if slot, ok := t.slotOf[string(id)]; ok {
			slots[i] = uint64(slot)<<32 | uint64(t.stamps.s[slot])
		} else {
			slots[i] = uint64(noSlot) << 32
		}
	}
	t.mu.RUnlock()
	s.cur = &slotMap{tab: t, layout: layout, slots: slots}
	return s.cur, nil
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

// hitSet gathers one search's hits by slot: a bit per slot of the table,
// and the score of each slot whose bit is set. Reading the bits in order
// gives the hits in slot order without sorting them (sorting 20k hits
// took as long as finding their slots). Sets are kept for reuse, and only
// the bits need clearing, which reading them does.
type hitSet struct {
	bits   []uint64
	scores []float64
}

// hitSets holds a few sets for reuse: at 100k a set is 800 KB of scores,
// and a sync.Pool, emptied by every collection, gave them back to the
// collector about as fast as searches made them.
type hitSets chan *hitSet

func newHitSets() hitSets { return make(hitSets, 4) }

// get returns an empty set for slots below n.
func (sets hitSets) get(n int) *hitSet {
	var hs *hitSet
	select {
	case hs = <-sets:
	default:
		hs = new(hitSet)
	}
	if words := (n + 63) / 64; len(hs.bits) < words {
		hs.bits = make([]uint64, words)
	}
	if len(hs.scores) < n {
		hs.scores = make([]float64, n)
	}
	return hs
}

func (hs *hitSet) add(slot uint32, score float64) {
	hs.bits[slot/64] |= 1 << (slot % 64)
	hs.scores[slot] = score
}

// put keeps an empty set for reuse, unless enough are kept.
func (sets hitSets) put(hs *hitSet) {
	select {
	case sets <- hs:
	default:
	}
}

// count is how many hits the set holds.
func (hs *hitSet) count() int {
	n := 0
	for _, word := range hs.bits {
		n += bits.OnesCount64(word)
	}
	return n
}

// drain appends the hits to out in slot order and empties the set.
func (hs *hitSet) drain(out []slotHit) []slotHit {
	for w, word := range hs.bits {
		if word == 0 {
			continue
		}
		hs.bits[w] = 0
		for ; word != 0; word &= word - 1 {
			slot := uint32(w*64 + bits.TrailingZeros64(word))
			out = append(out, slotHit{slot: slot, score: hs.scores[slot]})
		}
	}
	return out
}
