package engine

import "math"

// A coarse grid over latitude and longitude, cellsPerDegree cells a
// degree each way (about 560 m north–south, 330 m east–west in Britain),
// between latitudes 80° south and north. Each row's first physical
// location is filed under its cell, a 4-byte column beside the 24-byte
// point column, so a radius test of a row whose cell lies wholly inside or
// wholly outside the circle reads neither its point nor does any
// arithmetic. Under load the point column's cache misses were most of a
// search's radius tests; with 10 km circles about three rows in four are
// now decided by their cell.
const cellsPerDegree = 200

// noCell is the cell of a row with no physical location.
const noCell = math.MaxUint32

// cellOf returns the cell holding a point (radians), numbered latitude
// index << 17 | longitude index (32,000 and 72,000 of them), or noCell
// nearer a pole than 80°.
func cellOf(p geoPoint) uint32 {
	la, lo := cellIndex(p.Lat, 80), cellIndex(p.Lon, 180)
	if la >= 160*cellsPerDegree || lo >= 360*cellsPerDegree {
		return noCell
	}
	return la<<17 | lo
}

// cellIndex numbers the cell of an angle (radians) offsetDeg degrees
// above the grid's first; angles below it take a number past the grid.
func cellIndex(rad, offsetDeg float64) uint32 {
	i := math.Floor((rad*180/math.Pi + offsetDeg) * cellsPerDegree)
	if i < 0 {
		return math.MaxUint32 >> 1
	}
	return uint32(min(i, math.MaxUint32>>1))
}

// Cell classes for one circle.
const (
	cellOutside uint8 = iota // every point of the cell is further than the radius
	cellInside               // every point of the cell is within the radius
	cellEdge                 // the cell straddles the circle: test the row's point
)

// cellMap classifies the cells of a circle's bounding box. Cells outside
// the box are outside the circle.
type cellMap struct {
	la0, lo0, nLa, nLo uint32
	class              []uint8
}

// maxMapCells bounds a circle's map; a larger circle (a radius of many
// tens of kilometres) is tested row by row, as without the grid.
const maxMapCells = 1 << 15

// newCellMap classifies the cells around q for a radius test, or returns
// nil when the circle is too large for a map, or near a pole or the
// antimeridian, where the grid's cells are not simple boxes.
func newCellMap(q geoPoint, r radiusTest) *cellMap {
	// Degrees of latitude and longitude the circle can reach, padded by a
	// cell: a great circle's distance is at least R·|Δφ|, and at least
	// R·cos φ·|Δλ| over the circle's latitudes (the parallel at the pole
	// side, where the longitude's metres are fewest).
	reachLat := r.limitM/earthRadiusM*180/math.Pi + 1.0/cellsPerDegree
	latDeg := q.Lat * 180 / math.Pi
	if math.Abs(latDeg)+reachLat >= 80 {
		return nil
	}
	cosPole := math.Cos((math.Abs(latDeg) + reachLat) * math.Pi / 180)
	reachLon := reachLat / cosPole
	lonDeg := q.Lon * 180 / math.Pi
	if math.Abs(lonDeg)+reachLon >= 179 {
		return nil
	}
	la0, la1 := cellIndex((latDeg-reachLat)*math.Pi/180, 80), cellIndex((latDeg+reachLat)*math.Pi/180, 80)
	lo0, lo1 := cellIndex((lonDeg-reachLon)*math.Pi/180, 180), cellIndex((lonDeg+reachLon)*math.Pi/180, 180)
	m := &cellMap{la0: la0, lo0: lo0, nLa: la1 - la0 + 1, nLo: lo1 - lo0 + 1}
	if m.nLa*m.nLo > maxMapCells {
		return nil
	}
	m.class = make([]uint8, m.nLa*m.nLo)
	const step = math.Pi / 180 / cellsPerDegree // a cell's side in radians
	// Margins far above the rounding of distanceM (about 1e-12 of it), so
	// that a cell is called inside or outside only where every exact
	// distance test of its rows would say the same.
	slack := r.limitM*1e-6 + 1e-3
	for i := range m.nLa {
		lat0 := (float64(la0+i)/cellsPerDegree - 80) * math.Pi / 180
		// The largest cosine of latitude in the cell: at its edge nearer
		// the equator (or 1 when it spans the equator).
		cosMax := math.Max(math.Cos(lat0), math.Cos(lat0+step))
		if lat0 < 0 && lat0+step > 0 {
			cosMax = 1
		}
		// Every point of the cell is within halfDiag of its centre: along
		// the meridian to the centre's parallel (R·Δφ ≤ R·step/2), then
		// along that parallel (R·cos φ·Δλ ≤ R·cosMax·step/2), and a great
		// circle is no longer than any path.
		halfDiag := earthRadiusM*step/2*(1+cosMax)*(1+1e-9) + 1e-3
		// The thresholds on the centre's haversine a (which grows with the
		// distance, d = 2R·asin √a) for the whole cell to be in or out,
		// compared with the multiplication-only bounds of a, so that
		// classing a cell costs no trigonometry.
		aIn := haversineA(r.limitM - slack - halfDiag)
		aOut := haversineA(r.limitM + slack + halfDiag)
		c := geoPoint{Lat: lat0 + step/2, CosLat: math.Cos(lat0 + step/2)}
		for j := range m.nLo {
			c.Lon = (float64(lo0+j)/cellsPerDegree-180)*math.Pi/180 + step/2
			lo, hi := c.haversineBounds(q)
			switch {
			case hi < aIn:
				m.class[i*m.nLo+j] = cellInside
			case lo > aOut:
				m.class[i*m.nLo+j] = cellOutside
			default:
				m.class[i*m.nLo+j] = cellEdge
			}
		}
	}
	return m
}

// haversineA is haversine's a at a distance: sin²(d/2R), 0 for d ≤ 0 (no
// cell is wholly within a circle smaller than itself).
func haversineA(d float64) float64 {
	if d <= 0 {
		return -1
	}
	s := math.Sin(d / (2 * earthRadiusM))
	return s * s
}

// of returns the class of a cell.
func (m *cellMap) of(cell uint32) uint8 {
	i, j := cell>>17-m.la0, cell&(1<<17-1)-m.lo0
	if i >= m.nLa || j >= m.nLo { // (below the box wraps round to large)
		return cellOutside
	}
	return m.class[i*m.nLo+j]
}
