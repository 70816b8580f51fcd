package engine

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCellMapAgreesWithDistance checks that a cell called inside or
// outside a circle holds only points whose exact distance says the same,
// at random points around circles of many sizes and latitudes and at
// points a hair either side of the circle, where a loose bound would show.
func TestCellMapAgreesWithDistance(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	decided, edge := 0, 0
	for range 300 {
		lat := []float64{53.4, 51.5, 57.1, 0.004, -33.9, 64}[rng.IntN(6)] + rng.Float64() - 0.5
		lon := -3 + 6*rng.Float64()
		q := newGeoPoint(lat, lon)
		limitM := []float64{100, 800, 5000, 10000, 50000}[rng.IntN(5)]
		r := newRadiusTest(limitM)
		m := newCellMap(q, r)
		if m == nil && limitM < 50000 {
			t.Fatalf("no map for %v, %v m", q, limitM)
		}
		if m == nil {
			continue // too many cells (TestCellMapDeclines)
		}
		reach := limitM / earthRadiusM * 180 / math.Pi * 1.5
		for range 400 {
			var p geoPoint
			if rng.IntN(2) == 0 {
				p = newGeoPoint(lat+reach*(2*rng.Float64()-1), lon+reach/math.Cos(lat*math.Pi/180)*(2*rng.Float64()-1))
			} else {
				// On the circle, within a few millimetres, along a random
				// bearing (by bisection on the exact distance).
				b := 2 * math.Pi * rng.Float64()
				lo, hi := 0.0, 2*reach
				for range 60 {
					mid := (lo + hi) / 2
					if newGeoPoint(lat+mid*math.Cos(b), lon+mid*math.Sin(b)/math.Cos(lat*math.Pi/180)).distanceM(q) < limitM {
						lo = mid
					} else {
						hi = mid
					}
				}
				s := lo + (hi-lo)*rng.Float64()
				p = newGeoPoint(lat+s*math.Cos(b), lon+s*math.Sin(b)/math.Cos(lat*math.Pi/180))
			}
			in := p.distanceM(q) <= limitM
			switch m.of(cellOf(p)) {
			case cellInside:
				decided++
				if !in {
					t.Fatalf("%v is %v m from %v, beyond %v m, but its cell is inside", p, p.distanceM(q), q, limitM)
				}
			case cellOutside:
				decided++
				if in {
					t.Fatalf("%v is %v m from %v, within %v m, but its cell is outside", p, p.distanceM(q), q, limitM)
				}
			default:
				edge++
			}
		}
	}
	if decided == 0 || edge == 0 {
		t.Fatalf("%d points decided by their cell and %d on an edge: the test reaches neither case", decided, edge)
	}
}

// TestCellMapDeclines checks that circles the grid cannot describe as
// boxes are left to the row-by-row test.
func TestCellMapDeclines(t *testing.T) {
	for _, tt := range []struct {
		lat, lon, limitM float64
	}{
		{85, 0, 1000},       // near a pole
		{10, 179.95, 1000},  // across the antimeridian
		{53, -3, 2_000_000}, // too many cells
	} {
		if m := newCellMap(newGeoPoint(tt.lat, tt.lon), newRadiusTest(tt.limitM)); m != nil {
			t.Errorf("%v, %v, %v m: a map of %d cells, want none", tt.lat, tt.lon, tt.limitM, len(m.class))
		}
	}
}
