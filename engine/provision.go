package engine

import (
	"context"
	"errors"
	"math"
	"math/bits"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
)

// Provision is how far each postcode district's centre lies from the
// nearest in-person activity meeting each need: what the insight pages'
// gaps map and the open-data gaps list are drawn from. In person means a
// listed, active service offered in person at a physical location with
// coordinates; an online or phone service fills no gap on a map, since the
// point is where people can go.
//
// Distances are orb's haversine (geo.DistanceHaversine, on orb's Earth
// radius), so they differ from the search's own radius test by under 0.2%.
type Provision struct {
	// Generation is the store generation the figures reflect.
	Generation uint64
	// Districts are the gazetteer's postcode districts, in its order.
	Districts []directory.Place
	// nearest[n*len(Districts)+d] is the distance in metres from district
	// d to the nearest in-person activity meeting directory.Needs[n];
	// +Inf when there is none.
	nearest []float64
}

// Gap is one need and one district with the distance to the nearest
// in-person activity meeting the need: +Inf when there is none at all.
type Gap struct {
	Need     directory.Term
	District directory.Place
	NearestM float64
}

// None reports whether no in-person activity meets the need anywhere.
func (g Gap) None() bool { return math.IsInf(g.NearestM, 1) }

// NearestM is the distance from district d (an index of Districts) to the
// nearest in-person activity meeting need; +Inf when none does, NaN for an
// unknown need.
func (p *Provision) NearestM(need string, d int) float64 {
	n := termIndex(directory.Needs, need)
	if n < 0 || d < 0 || d >= len(p.Districts) {
		return math.NaN()
	}
	return p.nearest[n*len(p.Districts)+d]
}

// All lists every need and district, by need in vocabulary order, then by
// district in gazetteer order.
func (p *Provision) All() []Gap {
	out := make([]Gap, 0, len(p.nearest))
	for n, need := range directory.Needs {
		for d, place := range p.Districts {
			out = append(out, Gap{Need: need, District: place, NearestM: p.nearest[n*len(p.Districts)+d]})
		}
	}
	return out
}

// Gaps lists the needs and districts with no in-person activity meeting
// the need within radiusM of the district's centre, in the order of All.
func (p *Provision) Gaps(radiusM float64) []Gap {
	var out []Gap
	for _, g := range p.All() {
		if g.NearestM > radiusM {
			out = append(out, g)
		}
	}
	return out
}

// provisionRefresh is the least time between two computations of the
// provision: a burst of edits (an import, a feed's sync) is answered by
// one recomputation, not one per write. Figures are at most this stale.
const provisionRefresh = 30 * time.Second

// provisionCache holds the last provision and when it was computed.
type provisionCache struct {
	mu   sync.Mutex
	last *Provision
	at   time.Time
}

// districtsOf keeps the postcode districts of a gazetteer's places.
func districtsOf(places []directory.Place) []directory.Place {
	var out []directory.Place
	for _, p := range places {
		if p.Kind == directory.PlacePostcodeDistrict {
			out = append(out, p)
		}
	}
	return out
}

// WithDistricts gives the gazetteer's places: its postcode districts are
// what Provision measures from and what DemandCounter counts under.
func WithDistricts(places []directory.Place) Option {
	return func(c *config) { c.districts = districtsOf(places) }
}

// Provision returns how far each postcode district lies from in-person
// support for each need. It is recomputed from the table when listings
// have changed since the last computation, at most once every
// provisionRefresh; callers share the result and must not change it.
func (e *Engine) Provision(ctx context.Context) (*Provision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &e.prov
	c.mu.Lock()
	defer c.mu.Unlock()
	now := e.cfg.now()
	gen := e.gen.Load()
	if c.last != nil && (c.last.Generation == gen || now.Sub(c.at) < provisionRefresh) {
		return c.last, nil
	}
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.tab == nil {
		return nil, errors.New("provision: engine is closed")
	}
	// The generation is read again under the state lock: the table holds
	// at least it.
	p := e.tab.provision(e.cfg.districts)
	p.Generation = gen
	c.last, c.at = p, now
	return p, nil
}

// inPerson reports whether the slot holds a listed, active service that
// is offered in person at a physical location.
func (t *table) inPerson(slot uint32) bool {
	const must = flagLive | flagActive | flagPhysical
	return t.flags[slot]&must == must && t.delivery[slot]&deliveryBit(directory.DeliveryInPerson) != 0
}

// provisionRow is what provision needs of one in-person row, copied out
// of the table so that the measuring runs without holding its lock (a
// write waiting for the lock would hold up every search behind it).
type provisionRow struct {
	needs uint32
	point geoPoint
	// more are the row's further locations; the table never changes a
	// stored row's slices, only replaces them, so sharing is safe.
	more []geoPoint
}

// inPersonRows copies out the rows provision measures.
func (t *table) inPersonRows() []provisionRow {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]provisionRow, 0, len(t.slotOf))
	for slot := range t.flags {
		s := uint32(slot)
		if t.needs[s] == 0 || !t.inPerson(s) {
			continue
		}
		r := provisionRow{needs: t.needs[s], point: t.point[s]}
		if t.flags[s]&flagMorePts != 0 {
			r.more = t.rows[s].MorePts
		}
		out = append(out, r)
	}
	return out
}

// provision measures every district against every in-person row. A
// location whose cheap lower bound on the distance (the table's own, on a
// slightly smaller Earth than orb's, so never above orb's distance) cannot
// beat the best found so far for any of the row's needs is skipped before
// orb measures it: after the first few hundred rows nearly all are. The
// comparison is on haversine's a, so the bound costs no square root.
func (t *table) provision(districts []directory.Place) *Provision {
	rows := t.inPersonRows()
	nd := len(districts)
	p := &Provision{Districts: districts, nearest: make([]float64, len(directory.Needs)*nd)}
	// bestA is each nearest as haversine's a on the table's Earth, the
	// threshold the lower bounds are compared with.
	bestA := make([]float64, len(p.nearest))
	for i := range p.nearest {
		p.nearest[i], bestA[i] = math.Inf(1), math.Inf(1)
	}
	centres := make([]orb.Point, nd)
	bounds := make([]geoPoint, nd)
	for d, pl := range districts {
		centres[d] = orb.Point{pl.Lon, pl.Lat}
		bounds[d] = newGeoPoint(pl.Lat, pl.Lon)
	}
	measure := func(pt geoPoint, d int, worstA float64, dist *float64) {
		if lo, _ := pt.haversineBounds(bounds[d]); lo < worstA {
			*dist = math.Min(*dist, geo.DistanceHaversine(centres[d], degrees(pt)))
		}
	}
	for _, r := range rows {
		for d := range districts {
			// The worst best among the row's needs: a location further
			// than it improves nothing here.
			worstA := 0.0
			for m := r.needs; m != 0; m &= m - 1 {
				worstA = math.Max(worstA, bestA[bits.TrailingZeros32(m)*nd+d])
			}
			dist := math.Inf(1)
			measure(r.point, d, worstA, &dist)
			for _, pt := range r.more {
				measure(pt, d, worstA, &dist)
			}
			if math.IsInf(dist, 1) {
				continue
			}
			h := dist / (2 * earthRadiusM)
			for m := r.needs; m != 0; m &= m - 1 {
				if i := bits.TrailingZeros32(m)*nd + d; dist < p.nearest[i] {
					// a = sin²(d/2R) ≤ (d/2R)²: a threshold never below
					// the a of a location as near as this one.
					p.nearest[i], bestA[i] = dist, h*h
				}
			}
		}
	}
	return p
}

// UnmetNeeds returns those of needs (codes of directory.Needs) that no
// in-person activity meets within radiusM of the point — radiusM 0 means
// anywhere — judged as the search's own radius filter judges. Unknown
// codes are left out.
func (e *Engine) UnmetNeeds(ctx context.Context, lat, lon, radiusM float64, needs []string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	want := termMask(directory.Needs, needs)
	if want == 0 {
		return nil, nil
	}
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.tab == nil {
		return nil, errors.New("unmet needs: engine is closed")
	}
	t := e.tab
	t.mu.RLock()
	q, rt := newGeoPoint(lat, lon), newRadiusTest(radiusM)
	left := want
	for slot := range t.flags {
		s := uint32(slot)
		if t.needs[s]&left == 0 || !t.inPerson(s) {
			continue
		}
		if radiusM > 0 {
			if in, _ := t.withinM(s, q, rt); !in {
				continue
			}
		}
		if left &^= t.needs[s]; left == 0 {
			break
		}
	}
	t.mu.RUnlock()
	var out []string
	for n, term := range directory.Needs {
		if left&(1<<n) != 0 {
			out = append(out, term.Code)
		}
	}
	return out, nil
}
