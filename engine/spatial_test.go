package engine

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"signpost/directory"
)

// randomSpatialRow is a row for the spatial tests: mostly one physical
// location near Liverpool (some exactly on a cell's border, some nearer a
// pole than the grid reaches), some with several, some with none; about a
// quarter online, some inactive.
func randomSpatialRow(rng *rand.Rand, id string) row {
	r := row{flags: flagLive, minAge: math.Inf(-1), maxAge: math.Inf(1), assured: neverAssured}
	r.info.ID = id
	if rng.IntN(8) != 0 {
		r.flags |= flagActive
	}
	if rng.IntN(3) == 0 {
		r.flags |= flagFree
	}
	r.needs = 1<<rng.IntN(len(directory.Needs)) | 1<<rng.IntN(len(directory.Needs))
	r.interests = 1 << rng.IntN(len(directory.Interests))
	r.activities = uint16(1 << rng.IntN(len(directory.Activities)))
	r.days = uint8(rng.IntN(128))
	r.access = uint8(rng.IntN(1 << len(directory.AccessFeatures)))
	r.capacity = uint8(rng.IntN(4))
	if rng.IntN(2) == 0 {
		r.assured = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	}
	if rng.IntN(5) == 0 {
		r.minAge, r.maxAge = 18, 65
	}
	r.delivery = deliveryBit(directory.DeliveryInPerson)
	if rng.IntN(4) == 0 {
		r.delivery |= deliveryBit(directory.DeliveryOnline)
	}
	if rng.IntN(6) == 0 {
		r.delivery |= deliveryBit(directory.DeliveryPhone)
	}
	point := func() geoPoint {
		lat, lon := 53.2+0.5*rng.Float64(), -3.2+0.6*rng.Float64()
		switch rng.IntN(6) {
		case 0: // on a cell's border
			lat, lon = math.Round(lat*cellsPerDegree)/cellsPerDegree, math.Round(lon*cellsPerDegree)/cellsPerDegree
		case 1: // beyond the grid
			lat = 85
		}
		return newGeoPoint(lat, lon)
	}
	switch rng.IntN(10) {
	case 0: // online only, or by phone: no physical location
		r.delivery = deliveryBit(directory.DeliveryOnline)
		if rng.IntN(2) == 0 {
			r.delivery = deliveryBit(directory.DeliveryPhone)
		}
	case 1:
		r.flags |= flagPhysical | flagMorePts
		r.point = point()
		for range 1 + rng.IntN(2) {
			r.info.MorePts = append(r.info.MorePts, point())
		}
	default:
		r.flags |= flagPhysical
		r.point = point()
	}
	r.info.SortName = fmt.Sprintf("name %d", rng.IntN(50))
	return r
}

// TestRowSetsFollowTheColumns puts, edits and removes random rows
// and checks after each step that the index files exactly the live rows
// where their columns say, and that a table rebuilt from the columns (as
// after a snapshot load) files them alike.
func TestRowSetsFollowTheColumns(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	tab := newTable()
	for step := range 800 {
		id := fmt.Sprintf("s%d", rng.IntN(200))
		if rng.IntN(4) == 0 {
			tab.apply(nil, []string{id})
		} else {
			tab.apply([]row{randomSpatialRow(rng, id)}, nil)
		}
		checkSpatial(t, fmt.Sprintf("step %d", step), tab, tab.sets)
	}
	loaded := &table{flags: tab.flags, delivery: tab.delivery, days: tab.days, access: tab.access, cell: tab.cell}
	loaded.rebuildSets()
	checkSpatial(t, "rebuilt", tab, loaded.sets)
}

func checkSpatial(t *testing.T, when string, tab *table, s rowSets) {
	t.Helper()
	filed := map[uint32]uint32{}
	s.byCell.all(func(cell uint32, list []uint32) {
		if len(list) == 0 || !slices.IsSorted(list) {
			t.Fatalf("%s: cell %d's list %v is empty or unsorted", when, cell, list)
		}
		for _, slot := range list {
			if _, dup := filed[slot]; dup {
				t.Fatalf("%s: slot %d filed twice", when, slot)
			}
			filed[slot] = cell
		}
	})
	for _, row := range s.byCell.rows {
		if !slices.IsSortedFunc(row, func(a, b cellSlots) int { return cmp.Compare(a.lo, b.lo) }) {
			t.Fatalf("%s: a row of cells is out of order", when)
		}
	}
	for slot := range uint32(len(tab.flags)) {
		fl := tab.flags[slot]
		live := fl&flagLive != 0
		physical := fl&flagPhysical != 0
		cell := rowCell(fl, tab.point[slot])
		wantCell := live && cell != noCell
		got, ok := filed[slot]
		if ok != wantCell || (ok && got != cell) {
			t.Fatalf("%s: slot %d filed under %d (%v), want %d (%v)", when, slot, got, ok, cell, wantCell)
		}
		if want := live && physical && cell == noCell; s.loose.has(slot) != want {
			t.Fatalf("%s: slot %d loose %v, want %v", when, slot, !want, want)
		}
		online := tab.delivery[slot]&deliveryBit(directory.DeliveryOnline) != 0
		if want := live && (!physical || online); s.anywhere.has(slot) != want {
			t.Fatalf("%s: slot %d anywhere %v, want %v", when, slot, !want, want)
		}
		bit := func(name string, set bitset, want bool) {
			if got, want := set.has(slot), live && want; got != want {
				t.Fatalf("%s: slot %d in %s %v, want %v", when, slot, name, got, want)
			}
		}
		bit("active", s.active, fl&flagActive != 0)
		bit("free", s.free, fl&flagFree != 0)
		for i := range s.days {
			bit(fmt.Sprintf("day %d", i), s.days[i], tab.days[slot]&(1<<i) != 0)
		}
		for i := range s.delivery {
			bit(fmt.Sprintf("delivery %d", i), s.delivery[i], tab.delivery[slot]&(1<<i) != 0)
		}
		for i := range s.access {
			bit(fmt.Sprintf("access %d", i), s.access[i], tab.access[slot]&(1<<i) != 0)
		}
	}
}

// TestIndexedPassMatchesScan compares passes that visit only the rows the
// spatial index offers with passes over every row, over random writes and
// removes and random queries: circles from 10 m to 50 km, centred at
// random, on cells' corners and borders, in person or not, searches and
// the matcher, best or nearest first, with and without text hits. Totals,
// facets and every page's items, scores, distances and reasons must be
// the same.
func TestIndexedPassMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	tab := newTable()
	e := &Engine{cfg: config{now: func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }}}
	ctx := context.Background()
	indexedVisits, scanVisits := 0, 0
	for round := range 60 {
		for range 150 {
			id := fmt.Sprintf("s%d", rng.IntN(1500))
			if rng.IntN(5) == 0 {
				tab.apply(nil, []string{id})
			} else {
				tab.apply([]row{randomSpatialRow(rng, id)}, nil)
			}
		}
		for qi := range 40 {
			q := randomSpatialQuery(rng)
			m := modeSearch
			if rng.IntN(3) == 0 {
				m = modeMatch
			}
			nq, err := q.normalize()
			if err != nil {
				t.Fatal(err)
			}
			var text *textEntry
			hasText := rng.IntN(2) == 0
			if hasText {
				text = &textEntry{ok: true}
				for slot := range uint32(len(tab.flags)) {
					if rng.IntN(3) == 0 {
						text.hits = append(text.hits, slotHit{slot: slot, score: rng.Float64(), phrase: float32(rng.IntN(2)) * rng.Float32()})
					}
				}
			}
			compile := func(scan bool) *plan {
				p := e.compile(nq, m)
				p.scan = scan
				p.hasText = hasText
				p.soft = m == modeMatch && (p.nNeeds+p.nInt+p.nAct > 0 || p.hasText)
				return p
			}
			desc := fmt.Sprintf("round %d query %d (%v, %+v)", round, qi, m, nq)
			indexed, scan := compile(false), compile(true)
			got, gotIDs, err := indexed.rank(ctx, tab, text, wantPage)
			if err != nil {
				t.Fatal(err)
			}
			want, wantIDs, err := scan.rank(ctx, tab, text, wantPage)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotIDs, wantIDs) {
				t.Fatalf("%s: page %v, want %v", desc, gotIDs, wantIDs)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: results differ:\n got %+v\nwant %+v", desc, got, want)
			}
			countVisits := func(p *plan) int {
				n := 0
				p.candidates(tab, text, func(uint32, float64, float64) { n++ })
				return n
			}
			indexedVisits += countVisits(indexed)
			scanVisits += countVisits(scan)
		}
	}
	if indexedVisits >= scanVisits {
		t.Errorf("the index visited %d rows, a scan %d", indexedVisits, scanVisits)
	}
	t.Logf("rows visited: %d indexed, %d by scan", indexedVisits, scanVisits)
}

func randomSpatialQuery(rng *rand.Rand) Query {
	q := Query{HasPoint: true, Page: 1 + rng.IntN(2), Size: []int{1, 5, 10, 50}[rng.IntN(4)]}
	q.Lat, q.Lon = 53.25+0.4*rng.Float64(), -3.15+0.5*rng.Float64()
	switch rng.IntN(4) {
	case 0: // on a cell's corner
		q.Lat, q.Lon = math.Round(q.Lat*cellsPerDegree)/cellsPerDegree, math.Round(q.Lon*cellsPerDegree)/cellsPerDegree
	case 1: // on a cell's border
		q.Lat = math.Round(q.Lat*cellsPerDegree) / cellsPerDegree
	}
	q.RadiusM = []float64{0, 10, 250, 1000, 5000, 10000, 50000}[rng.IntN(7)]
	if rng.IntN(4) == 0 {
		q.Delivery = directory.DeliveryInPerson
	}
	if rng.IntN(3) == 0 {
		q.Needs = pickCodes(rng, directory.Needs, 1)
	}
	if rng.IntN(3) == 0 {
		q.Interests = pickCodes(rng, directory.Interests, 1+rng.IntN(2))
	}
	if rng.IntN(4) == 0 {
		q.Free = true
	}
	if rng.IntN(4) == 0 {
		q.Activities = pickCodes(rng, directory.Activities, 1)
	}
	if rng.IntN(6) == 0 {
		q.Day = directory.Weekdays[rng.IntN(7)]
	}
	if rng.IntN(6) == 0 {
		q.AccessFeatures = pickCodes(rng, directory.AccessFeatures, 1)
	}
	if rng.IntN(10) == 0 {
		age := 30
		q.Age = &age // (not held by the sets: the pass by rows)
	}
	if rng.IntN(3) == 0 {
		q.Sort = SortNearest
	}
	return q
}
