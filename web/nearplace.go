package web

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
)

// nearestNamedM is how far a named place may be from a point and still
// name it: beyond, "near" a place would mislead.
const nearestNamedM = 5000

// yourLocation names a point with no named place near it.
const yourLocation = "your location"

// namedPoint reports whether a place given as coordinates was named after
// the place nearest to it.
func namedPoint(p *directory.Place) bool {
	return p != nil && p.Kind == directory.PlacePoint && p.Name != yourLocation
}

// nearestName is the name of the neighbourhood or town nearest to a
// point, for a place given as coordinates ("Use my location"): pages then
// say "near Litherland", not "near 53.478,-2.998". ok is false when
// nothing named is within nearestNamedM.
func (m *mapper) nearestName(lat, lon float64) (string, bool) {
	at := orb.Point{lon, lat}
	best, bestD := "", float64(nearestNamedM)
	for _, list := range [][]directory.Place{m.hoods, m.towns} {
		for _, p := range list {
			if d := geo.Distance(at, orb.Point{p.Lon, p.Lat}); d < bestD {
				best, bestD = p.Name, d
			}
		}
	}
	return best, best != ""
}
