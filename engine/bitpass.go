package engine

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// The pass by sets: for a query whose filters the table's sets hold (every
// one but age and the cold ones), which rows match is worked out with
// word-wide operations over bitsets, a bit a row, and the total and the
// facets are the sizes of that set and of its intersections with each
// term's set. The columns are then read only for rows that can reach the
// page: by grid cell outwards from the place for nearest first, by how many
// asked terms they meet for the matcher. At a million listings the pass
// by rows read the columns of every candidate (a third to three quarters
// of the table for a place and a radius, or the matcher's asked terms), a
// cache miss or more each; the sets are an eighth of a byte a row each.

// passSet returns the set of slots that match the plan, or nil when the
// plan has a filter the sets do not hold (the pass by rows then runs).
func (p *plan) passSet(t *table, text *textEntry) bitset {
	hasRadius := p.q.HasPoint && p.q.RadiusM > 0
	if p.scan || p.hasAge || p.cold || (hasRadius && p.cells == nil) {
		return nil
	}
	nw := (len(t.flags) + 63) / 64
	s := &t.sets
	pass := s.get(nw)
	copy(pass, s.active)
	if p.mustFlags&flagFree != 0 {
		pass.and(s.free)
	}
	for m := p.days; m != 0; m &= m - 1 {
		pass.and(s.days[bits.TrailingZeros8(m)])
	}
	for m := p.delivery; m != 0; m &= m - 1 {
		pass.and(s.delivery[bits.TrailingZeros8(m)])
	}
	for m := p.accessMask; m != 0; m &= m - 1 {
		pass.and(s.access[bits.TrailingZeros8(m)])
	}
	var hits bitset
	if p.hasText {
		// eval: a hit with no text score and no phrase share is no match.
		hits = s.get(nw)
		defer s.giveBack(hits)
		for _, h := range text.hits {
			if (h.score != 0 || h.phrase != 0) && int(h.slot>>6) < nw {
				hits[h.slot>>6] |= 1 << (h.slot & 63)
			}
		}
	}
	switch {
	case p.mode == modeSearch:
		eachSet(t, p.needs, p.interests, p.activities, func(set bitset) { pass.and(set) })
		if p.hasText {
			pass.and(hits)
		}
	case p.soft:
		any := hits
		if any == nil {
			any = s.get(nw)
			defer s.giveBack(any)
		}
		eachSet(t, p.needs, p.interests, p.activities, func(set bitset) { any.or(set) })
		pass.and(any)
	}
	if hasRadius {
		p.keepWithin(t, pass)
	}
	return pass
}

// eachSet calls fn with the set of each asked need, interest and activity
// type (an empty set for a term no row carries).
func eachSet(t *table, needs, ints uint32, acts uint16, fn func(bitset)) {
	for m := needs; m != 0; m &= m - 1 {
		fn(t.terms.needs[bits.TrailingZeros32(m)])
	}
	for m := ints; m != 0; m &= m - 1 {
		fn(t.terms.interests[bits.TrailingZeros32(m)])
	}
	for m := uint32(acts); m != 0; m &= m - 1 {
		fn(t.terms.acts[bits.TrailingZeros32(m)])
	}
}

// keepWithin leaves in pass only the slots within the plan's radius, as
// eval's test would: rows that pass any radius (unless in person was
// asked for), rows in cells wholly inside the circle, and rows of cells
// across its edge, or loose, whose own locations are within it.
func (p *plan) keepWithin(t *table, pass bitset) {
	s := &t.sets
	m := p.cells
	// The circle's cells' rows are walked, unless the slots left are far
	// fewer (a text search's hits with an asked need, say): then each is
	// judged by its own cell, a read of the cell column at random, which
	// costs some tens of times a step along a cell's list.
	var lists [][]uint32
	var classes []uint8
	inCells := 0
	s.byCell.each(m, func(_ uint32, class uint8, slots []uint32) {
		lists, classes = append(lists, slots), append(classes, class)
		inCells += len(slots)
	})
	if n := pass.count(); n*2 < inCells {
		for w, u := range pass {
			for ; u != 0; u &= u - 1 {
				slot := uint32(w<<6 + bits.TrailingZeros64(u))
				if !p.inPersonOnly && s.anywhere.has(slot) {
					continue
				}
				if ok, _ := t.withinCellM(slot, p.point, p.radius, m); !ok {
					pass[w] &^= 1 << (slot & 63)
				}
			}
		}
		return
	}
	in := s.get(len(pass))
	defer s.giveBack(in)
	if !p.inPersonOnly {
		in.or(s.anywhere)
	}
	for k, list := range lists {
		for _, slot := range list {
			w, bit := slot>>6, uint64(1)<<(slot&63)
			if pass[w]&bit == 0 || in[w]&bit != 0 {
				continue
			}
			if classes[k] == cellInside {
				in[w] |= bit
			} else if ok, _ := t.withinCellM(slot, p.point, p.radius, nil); ok {
				in[w] |= bit
			}
		}
	}
	for w := range min(len(pass), len(s.loose)) {
		for u := pass[w] & s.loose[w] &^ in[w]; u != 0; u &= u - 1 {
			slot := uint32(w<<6 + bits.TrailingZeros64(u))
			if ok, _ := t.withinCellM(slot, p.point, p.radius, nil); ok {
				in[w] |= 1 << (slot & 63)
			}
		}
	}
	pass.and(in)
}

// countSets counts the total and the facets of the slots in pass.
func (f *facetCounter) countSets(t *table, pass bitset) {
	var words []int32 // the words holding a slot: a text search's are few
	for w, u := range pass {
		if u != 0 {
			words = append(words, int32(w))
			f.total += bits.OnesCount64(u)
		}
	}
	count := func(set bitset) int {
		n := 0
		if len(set) == 0 {
			return 0
		}
		for _, w := range words {
			if int(w) < len(set) {
				n += bits.OnesCount64(pass[w] & set[w])
			}
		}
		return n
	}
	for i, set := range t.terms.needs {
		f.needs[i] = count(set)
	}
	for i, set := range t.terms.interests {
		f.interests[i] = count(set)
	}
	for i, set := range t.terms.acts {
		f.activities[i] = count(set)
	}
	for i, set := range t.sets.delivery {
		f.delivery[i] = count(set)
	}
	f.free = count(t.sets.free)
}

// rankSet offers top the slots of pass that can reach it.
func (p *plan) rankSet(t *table, text *textEntry, pass bitset, top *topK) {
	var hits []slotHit
	if p.hasText {
		hits = text.hits
	}
	// hitOf is a slot's text score and phrase share (0 without a hit).
	hitOf := func(slot uint32) (float64, float64) {
		if i, ok := slices.BinarySearchFunc(hits, slot, func(h slotHit, s uint32) int { return cmp.Compare(h.slot, s) }); ok {
			return hits[i].score, float64(hits[i].phrase)
		}
		return 0, 0
	}
	offer := func(slot uint32) {
		text, phrase := hitOf(slot)
		if c, _, ranked := p.eval(t, slot, text, phrase, top.bar(p.order)); ranked {
			top.push(c)
		}
	}
	switch {
	case p.order == nearestFirst && p.cells != nil:
		p.rankOutwards(t, pass, top, offer)
	case p.order == bestFirst && p.mode == modeMatch && p.nNeeds+p.nInt+p.nAct > 0 && p.rankByTerms(t, pass, top, offer):
		// (Offered by rankByTerms; with too many groups it offers none
		// and the slots are offered in order below.)
	case p.order == bestFirst && p.mode == modeSearch && p.hasText:
		p.rankByText(t, hits, pass, top)
	default:
		// In slot order, the hits walked alongside.
		for w, u := range pass {
			for ; u != 0; u &= u - 1 {
				slot := uint32(w<<6 + bits.TrailingZeros64(u))
				for len(hits) > 0 && hits[0].slot < slot {
					hits = hits[1:]
				}
				text, phrase := 0.0, 0.0
				if len(hits) > 0 && hits[0].slot == slot {
					text, phrase = hits[0].score, float64(hits[0].phrase)
				}
				if c, _, ranked := p.eval(t, slot, text, phrase, top.bar(p.order)); ranked {
					top.push(c)
				}
			}
		}
	}
}

// rankOutwards offers the slots of pass nearest first by grid cell, the
// cells in order of the least distance any point of them can be, and stops
// walking once the top is full and the next cell is further than the
// furthest kept; then the rest of pass that can still get in.
func (p *plan) rankOutwards(t *table, pass bitset, top *topK, offer func(uint32)) {
	type cellAt struct {
		cell  uint32
		slots []uint32
		least float64
	}
	m := p.cells
	var cells []cellAt
	walked := t.sets.get(len(pass))
	defer t.sets.giveBack(walked)
	t.sets.byCell.each(m, func(cell uint32, _ uint8, slots []uint32) {
		cells = append(cells, cellAt{cell, slots, cellLeastM(cell, p.point)})
	})
	slices.SortFunc(cells, func(a, b cellAt) int { return cmp.Compare(a.least, b.least) })
	for _, c := range cells {
		// (A cell's rows no nearer than the furthest kept can still tie
		// with it and win on score or name: eval's test is the same.)
		if b := top.bar(p.order); c.least > b.dist*(1+boundSlack) {
			break
		}
		for _, slot := range c.slots {
			walked[slot>>6] |= 1 << (slot & 63)
			if pass.has(slot) {
				offer(slot)
			}
		}
	}
	// What was not walked: rows in cells further than the furthest kept
	// (which cannot get in), loose rows, and rows passing any radius in
	// cells outside the circle or with no place. Once the top is full
	// with rows within the circle, only the loose ones can get in: a row in
	// a cell outside is further than the radius, and one with no place
	// ranks after every one with a distance.
	b := top.bar(p.order)
	onlyLoose := b.dist <= p.radius.limitM
	for w, u := range pass {
		u &^= walked[w]
		if onlyLoose {
			u &= t.sets.loose.word(w)
		}
		for ; u != 0; u &= u - 1 {
			slot := uint32(w<<6 + bits.TrailingZeros64(u))
			if c := t.cell[slot]; c != noCell && t.flags[slot]&flagMorePts == 0 && m.of(c) != cellOutside {
				continue // in a cell left unwalked: further than the furthest kept
			}
			offer(slot)
		}
	}
}

// cellLeastM is at most the distance from q to any point of the cell.
func cellLeastM(cell uint32, q geoPoint) float64 {
	const step = math.Pi / 180 / cellsPerDegree
	lat0 := (float64(cell>>17)/cellsPerDegree - 80) * math.Pi / 180
	cosMax := math.Max(math.Cos(lat0), math.Cos(lat0+step))
	if lat0 < 0 && lat0+step > 0 {
		cosMax = 1
	}
	// As in newCellMap: every point of the cell is within halfDiag of its
	// centre, and 2R·√lo is at most the centre's distance.
	halfDiag := earthRadiusM*step/2*(1+cosMax)*(1+1e-9) + 1e-3
	c := geoPoint{Lat: lat0 + step/2, CosLat: math.Cos(lat0 + step/2),
		Lon: (float64(cell&(1<<17-1))/cellsPerDegree-180)*math.Pi/180 + step/2}
	return c.distanceAtLeastM(q) - halfDiag - 1e-3
}

// rankByTerms offers the matcher's slots of pass grouped by how many of
// the asked needs, interests and activity types they meet, the groups
// that can score most first, and stops once the top is full and no row of
// the next group can reach it. It reports false, having offered nothing,
// when there are too many groups.
func (p *plan) rankByTerms(t *table, pass bitset, top *topK, offer func(uint32)) bool {
	nI, nA := p.nInt+1, p.nAct+1
	groups := (p.nNeeds + 1) * nI * nA
	if groups > 1024 {
		return false
	}
	var needSets, intSets, actSets []bitset
	eachSet(t, p.needs, 0, 0, func(s bitset) { needSets = append(needSets, s) })
	eachSet(t, 0, p.interests, 0, func(s bitset) { intSets = append(intSets, s) })
	eachSet(t, 0, 0, p.activities, func(s bitset) { actSets = append(actSets, s) })
	// Each word's counts of sets holding each slot, bit-sliced: bit b of
	// planes[k] is bit k of slot b's count.
	planes := func(sets []bitset, w int) (pl [6]uint64) {
		for _, s := range sets {
			carry := s.word(w)
			for k := 0; carry != 0 && k < len(pl); k++ {
				pl[k], carry = pl[k]^carry, pl[k]&carry
			}
		}
		return pl
	}
	countOf := func(pl *[6]uint64, b int) int {
		n := 0
		for k := range pl {
			n |= int(pl[k]>>b&1) << k
		}
		return n
	}
	members := make([][]uint32, groups)
	for w, u := range pass {
		if u == 0 {
			continue
		}
		pn, pi, pa := planes(needSets, w), planes(intSets, w), planes(actSets, w)
		for ; u != 0; u &= u - 1 {
			b := bits.TrailingZeros64(u)
			g := (countOf(&pn, b)*nI+countOf(&pi, b))*nA + countOf(&pa, b)
			members[g] = append(members[g], uint32(w<<6+b))
		}
	}
	// The most a row can add beyond its terms: full text relevance, the
	// most a phrase adds, the most nearness adds; no penalty.
	extra := boundMargin
	if p.hasText {
		// (A hit's phrase share is at most 1.)
		extra += WeightText + WeightPhrase
	}
	if p.q.HasPoint {
		extra += WeightNear
	}
	bound := func(g int) float64 {
		return p.needScore[g/(nI*nA)] + p.interestScore[g/nA%nI] + p.activityScore[g%nA] + extra
	}
	order := make([]int, groups)
	for g := range order {
		order[g] = g
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(bound(b), bound(a)) })
	for _, g := range order {
		if bound(g) < top.bar(p.order).score {
			break
		}
		for _, slot := range members[g] {
			offer(slot)
		}
	}
	return true
}

// rankByText offers a text search's slots of pass grouped by the most
// their text and phrase can add, the highest first, and stops once the top
// is full and no row of the next group can reach it: most of a common
// word's hits are then never read. The groups are counted first and the
// hits of the highest gathered, a few times the page's worth; the rest
// only if those did not fill the top high enough.
func (p *plan) rankByText(t *table, hits []slotHit, pass bitset, top *topK) {
	const groups = 64
	const most = WeightText + WeightPhrase // (text relevance and a phrase share are at most 1)
	add := func(h slotHit) float64 {
		b := WeightText * h.score
		if h.phrase > 0 {
			b += WeightPhrase * (1 + float64(h.phrase)) / 2
		}
		return b
	}
	groupOf := func(a float64) int { return min(max(int(a/most*groups), 0), groups-1) }
	var counts [groups]int
	highest := most
	for _, h := range hits {
		if pass.has(h.slot) {
			a := add(h)
			highest = max(highest, a)
			counts[groupOf(a)]++
		}
	}
	// What else a row can add: every asked term met, the most nearness
	// adds; no penalty.
	extra := p.termsBound + 2*boundMargin
	if p.q.HasPoint {
		extra += WeightNear
	}
	// offerGroups offers the hits of groups hi down to lo, and reports
	// whether it stopped at a group no row of which can reach the top.
	offerGroups := func(lo, hi int) bool {
		n := 0
		var start [groups + 1]int
		for g := hi; g >= lo; g-- {
			start[g] = n
			n += counts[g]
		}
		order := make([]int32, n)
		next := start
		for i, h := range hits {
			if !pass.has(h.slot) {
				continue
			}
			if g := groupOf(add(h)); g >= lo && g <= hi {
				order[next[g]] = int32(i)
				next[g]++
			}
		}
		for g := hi; g >= lo; g-- {
			// A group's rows add less than its upper edge (the last group
			// holds any beyond).
			edge := float64(g+1) / groups * most * (1 + 1e-12)
			if g == groups-1 {
				edge = highest
			}
			if edge+extra < top.bar(p.order).score {
				return true
			}
			for _, i := range order[start[g] : start[g]+counts[g]] {
				h := hits[i]
				if c, _, ranked := p.eval(t, h.slot, h.score, float64(h.phrase), top.bar(p.order)); ranked {
					top.push(c)
				}
			}
		}
		return false
	}
	lo, gathered := groups-1, counts[groups-1]
	for lo > 0 && gathered < 4*top.k {
		lo--
		gathered += counts[lo]
	}
	if !offerGroups(lo, groups-1) && lo > 0 {
		offerGroups(0, lo-1)
	}
}
