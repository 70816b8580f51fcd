package engine

import (
	"math"

	"github.com/paulmach/orb"

	"signpost/directory"
)

// ReasonAcrossWater follows the distance when the straight line to an
// activity crosses an estuary: "Across the Mersey — check your route". It
// names no distance, so that distances are written in one place.
const ReasonAcrossWater ReasonKind = "across-water"

// Waters tells whether the straight line between two points (lon, lat)
// crosses open water. *directory.Basemap satisfies it.
type Waters interface {
	Crossing(from, to orb.Point) (directory.Crossing, bool)
}

// WithWaters lets results warn when the straight line from the person to
// an activity crosses an estuary or the sea ("Across the Mersey — check
// your route"), since the distance then says little about the journey.
// Without it no result warns.
func WithWaters(w Waters) Option { return func(c *config) { c.waters = w } }

// acrossWater is the warning for a result whose nearest physical location
// lies across water from the person. It is worked out only for the page's
// results, a handful of segment tests each.
func (p *plan) acrossWater(t *table, slot uint32) (Reason, bool) {
	if p.waters == nil {
		return Reason{}, false
	}
	to := t.nearestPoint(slot, p.point)
	c, ok := p.waters.Crossing(degrees(p.point), degrees(to))
	if !ok {
		return Reason{}, false
	}
	return Reason{Kind: ReasonAcrossWater, Text: "Across " + c.Water.Short + " — check your route"}, true
}

// nearestPoint is the slot's physical location nearest q, the one
// nearestM measures to.
func (t *table) nearestPoint(slot uint32, q geoPoint) geoPoint {
	best := t.point[slot]
	if t.flags[slot]&flagMorePts != 0 {
		d := best.distanceM(q)
		for _, m := range t.rows[slot].MorePts {
			if dm := m.distanceM(q); dm < d {
				best, d = m, dm
			}
		}
	}
	return best
}

// degrees turns a geoPoint back into an orb point (lon, lat) in degrees.
func degrees(g geoPoint) orb.Point {
	return orb.Point{g.Lon * 180 / math.Pi, g.Lat * 180 / math.Pi}
}
