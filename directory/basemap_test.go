package directory

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// testBasemap is two banks of land at latitude 53.4 with a river about
// 1.3 km wide between them (longitudes -3.02 to -3.00), a dock (a hole)
// in the east bank, and a 150 m creek cut into the west bank.
const testBasemapJSON = `{"type":"FeatureCollection","bbox":[-3.1,53.3,-2.9,53.5],"features":[
{"type":"Feature","properties":{"attribution":"© Test contributors"},"geometry":{"type":"MultiPolygon","coordinates":[
 [[[-3.1,53.3],[-3.02,53.3],[-3.02,53.399],[-3.0222,53.399],[-3.0222,53.401],[-3.02,53.401],[-3.02,53.5],[-3.1,53.5],[-3.1,53.3]]],
 [[[-3.0,53.3],[-2.9,53.3],[-2.9,53.5],[-3.0,53.5],[-3.0,53.3]],[[-2.98,53.44],[-2.95,53.44],[-2.95,53.46],[-2.98,53.46],[-2.98,53.44]]]
]}}]}`

const testWaterNames = `name,short_name,lat,lon
River Test,the Test,53.40,-3.01
Test Sea,the sea,53.60,-3.01
`

func mustLoadBasemap(t *testing.T) *Basemap {
	t.Helper()
	b, err := LoadBasemap(strings.NewReader(testBasemapJSON), strings.NewReader(testWaterNames))
	if err != nil {
		t.Fatalf("LoadBasemap: %v", err)
	}
	return b
}

func TestBasemapCrossing(t *testing.T) {
	b := mustLoadBasemap(t)
	tests := []struct {
		name     string
		from, to orb.Point
		want     string // short name; "" for no crossing
		minM     float64
	}{
		{"across the river", orb.Point{-3.05, 53.42}, orb.Point{-2.97, 53.42}, "the Test", 1300},
		{"back across, slanting", orb.Point{-2.97, 53.38}, orb.Point{-3.05, 53.42}, "the Test", 1700},
		{"same bank", orb.Point{-3.09, 53.31}, orb.Point{-3.03, 53.49}, "", 0},
		{"over the dock is not across water", orb.Point{-2.99, 53.45}, orb.Point{-2.91, 53.45}, "", 0},
		{"over the creek: under 300 m", orb.Point{-3.05, 53.40}, orb.Point{-3.021, 53.40}, "", 0},
		{"outside the map nothing is known", orb.Point{-3.09, 53.55}, orb.Point{-2.91, 53.55}, "", 0},
		{"the same point", orb.Point{-3.05, 53.42}, orb.Point{-3.05, 53.42}, "", 0},
	}
	// Twice over: the second answer of each comes from the memo, and must
	// be the first.
	for _, tt := range append(tests, tests...) {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := b.Crossing(tt.from, tt.to)
			switch {
			case tt.want == "" && ok:
				t.Errorf("crosses %.0f m of %s, want no crossing", c.LengthM, c.Water.Short)
			case tt.want != "" && !ok:
				t.Errorf("no crossing, want %s", tt.want)
			case ok && (c.Water.Short != tt.want || c.LengthM < tt.minM || c.LengthM > tt.minM*1.1):
				t.Errorf("crosses %.0f m of %s, want about %.0f m of %s", c.LengthM, c.Water.Short, tt.minM, tt.want)
			}
		})
	}
}

func TestBasemapOnLand(t *testing.T) {
	b := mustLoadBasemap(t)
	for _, tt := range []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"west bank", orb.Point{-3.05, 53.42}, true},
		{"river", orb.Point{-3.01, 53.42}, false},
		{"dock (holes are land)", orb.Point{-2.96, 53.45}, true},
		{"outside the extent", orb.Point{-4, 53.4}, true},
	} {
		if got := b.OnLand(tt.p); got != tt.want {
			t.Errorf("%s: OnLand = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := b.Attribution(); got != "© Test contributors" {
		t.Errorf("Attribution = %q", got)
	}
	if got := len(b.Land(orb.Bound{Min: orb.Point{-2.95, 53.3}, Max: orb.Point{-2.9, 53.35}})); got != 1 {
		t.Errorf("Land of the east bank's corner: %d rings, want 1", got)
	}
}

func TestLoadBasemapErrors(t *testing.T) {
	const names = "name,short_name,lat,lon\n"
	tests := []struct {
		name, geo, names, want string
	}{
		{"not JSON", "<svg/>", names, "basemap: invalid character"},
		{"not a collection", `{"type":"Feature"}`, names, `basemap: type is "Feature", want FeatureCollection`},
		{"no land", `{"type":"FeatureCollection","features":[]}`, names, "basemap: no land polygons"},
		{"lines", `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}`, names,
			"basemap: feature 0: geometry is a LineString, want Polygon or MultiPolygon"},
		{"bad bbox", `{"type":"FeatureCollection","bbox":[1,2],"features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`, names,
			"basemap: bbox has 2 numbers, want 4"},
		{"names header", testBasemapJSON, "name,lat,lon,short_name\n", "water names: line 1: header is"},
		{"names lat", testBasemapJSON, names + "River,the river,x,-3\n", `water names: line 2: lat: "x" is not a number`},
		{"names short", testBasemapJSON, names + "River,,53,-3\n", "water names: line 2: name and short_name are both needed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBasemap(strings.NewReader(tt.geo), strings.NewReader(tt.names))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestRingContainsAsOrb checks the copy of orb's ring test against orb's
// own at random points in and around each ring, at its vertices and at
// the middles of its edges, where the two could most easily part.
func TestRingContainsAsOrb(t *testing.T) {
	// The committed basemap's coast as well as the test's rectangles.
	land := mustLoadBasemap(t).land
	if f, err := os.Open("../data/basemap.geojson"); err == nil {
		committed, err := LoadBasemap(f, strings.NewReader(strings.Join(waterNamesHeader, ",")+"\n"))
		f.Close()
		if err != nil {
			t.Fatalf("LoadBasemap(data/basemap.geojson): %v", err)
		}
		land = append(land, committed.land...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, r := range land {
		bd := r.Bound().Pad(0.01)
		pts := []orb.Point{}
		for range 2000 {
			pts = append(pts, orb.Point{
				bd.Min[0] + rng.Float64()*(bd.Max[0]-bd.Min[0]),
				bd.Min[1] + rng.Float64()*(bd.Max[1]-bd.Min[1]),
			})
		}
		for j := 1; j < len(r); j++ {
			pts = append(pts, r[j], orb.Point{(r[j-1][0] + r[j][0]) / 2, (r[j-1][1] + r[j][1]) / 2})
		}
		for _, p := range pts {
			if got, want := ringContains(r, p), planar.RingContains(r, p); got != want {
				t.Fatalf("ring %d, %v: ringContains = %v, planar.RingContains = %v", i, p, got, want)
			}
		}
	}
}

// TestCrossingMemo checks that remembered answers are the answers, for
// random lines asked more often than the memo holds.
func TestCrossingMemo(t *testing.T) {
	b := mustLoadBasemap(t)
	r := rand.New(rand.NewPCG(1, 2))
	pt := func() orb.Point { return orb.Point{-3.1 + r.Float64()*0.2, 53.3 + r.Float64()*0.25} }
	lines := make([][2]orb.Point, 300)
	for i := range lines {
		lines[i] = [2]orb.Point{pt(), pt()}
	}
	crossed := 0
	for i := range crossingMemoSize + 3*len(lines) {
		l := lines[i%len(lines)]
		if i >= len(lines) && i < crossingMemoSize {
			l = [2]orb.Point{pt(), pt()} // fill the memo past its size
		}
		got, gotOK := b.Crossing(l[0], l[1])
		want, wantOK := b.crossing(l[0], l[1])
		if got != want || gotOK != wantOK {
			t.Fatalf("line %v: remembered %v %v, worked out %v %v", l, got, gotOK, want, wantOK)
		}
		if gotOK {
			crossed++
		}
	}
	if crossed == 0 {
		t.Fatal("no line crossed water; the test needs some that do")
	}
}
