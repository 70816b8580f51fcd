package engine

import "math/bits"

// termSets holds, for every need, interest and activity, the set of live
// slots whose row carries it, as bitsets over slots. The matcher keeps only
// rows meeting at least one asked term (or matching the words), usually a
// fifth of the table or less, and with these sets its pass visits those
// rows alone instead of testing every row. Kept up to date under the
// table's write lock by put and remove, and rebuilt after a snapshot load.
type termSets struct {
	needs     [32]bitset
	interests [32]bitset
	acts      [16]bitset
}

// change moves slot from the terms it carried (old) to those it carries
// now (cur); zero masks for a slot newly given or freed.
func (s *termSets) change(slot uint32, oldN, oldI uint32, oldA uint16, curN, curI uint32, curA uint16) {
	flip := func(sets []bitset, old, cur uint32) {
		for m := old ^ cur; m != 0; m &= m - 1 {
			b := bits.TrailingZeros32(m)
			sets[b].put(slot, cur&(1<<b) != 0)
		}
	}
	flip(s.needs[:], oldN, curN)
	flip(s.interests[:], oldI, curI)
	flip(s.acts[:], uint32(oldA), uint32(curA))
}

// union calls visit, in slot order, with every slot carrying at least one
// term of the masks or holding one of the (slot-ordered) text hits, with
// the hit's score and phrase share (0 for slots without a hit). A non-nil
// within leaves out the slots not in it.
func (s *termSets) union(needs, ints uint32, acts uint16, hits []slotHit, within bitset, nSlots int, visit func(slot uint32, text, phrase float64)) {
	var picked [80]bitset
	sets := picked[:0]
	pick := func(from []bitset, m uint32) {
		for ; m != 0; m &= m - 1 {
			if set := from[bits.TrailingZeros32(m)]; len(set) > 0 {
				sets = append(sets, set)
			}
		}
	}
	pick(s.needs[:], needs)
	pick(s.interests[:], ints)
	pick(s.acts[:], uint32(acts))
	nWords := (nSlots + 63) / 64
	for w := range nWords {
		for len(hits) > 0 && int(hits[0].slot>>6) < w {
			hits = hits[1:] // left out by within
		}
		mask := ^uint64(0)
		if within != nil {
			if mask = 0; w < len(within) {
				mask = within[w]
			}
			if mask == 0 {
				continue
			}
		}
		var u uint64
		for _, set := range sets {
			if w < len(set) {
				u |= set[w]
			}
		}
		for h := hits; len(h) > 0 && int(h[0].slot>>6) == w; h = h[1:] {
			u |= 1 << (h[0].slot & 63)
		}
		for u &= mask; u != 0; u &= u - 1 {
			slot := uint32(w<<6 + bits.TrailingZeros64(u))
			for len(hits) > 0 && hits[0].slot < slot {
				hits = hits[1:]
			}
			score, phrase := 0.0, 0.0
			if len(hits) > 0 && hits[0].slot == slot {
				score, phrase, hits = hits[0].score, float64(hits[0].phrase), hits[1:]
			}
			visit(slot, score, phrase)
		}
	}
}
