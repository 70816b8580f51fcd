package directory

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
)

// Basemap is the land of a region and the names of its waters: what the
// site's maps draw under the pins, and what tells whether the straight line
// from a person to an activity crosses an estuary. It is read-only once
// loaded, so one value can serve many goroutines.
//
// Only the sea and estuaries count as water. Holes inside the land (docks,
// lakes, reservoirs) are dropped on loading: nobody needs warning that a
// straight line passes over a dock, and the maps need not draw them.
type Basemap struct {
	// land is the outer ring of every land polygon.
	land []orb.Ring
	// bounds holds each ring's bound, parallel to land, to skip rings
	// quickly.
	bounds []orb.Bound
	// extent is the area the data describes. Outside it nothing is known,
	// so nothing there counts as water.
	extent      orb.Bound
	attribution string
	waters      []Water

	// crossings keeps Crossing's answers: the same lines are asked again
	// and again (a town's searches start from one point and find the same
	// activities), and each answer walks the coast near the line.
	crossings crossingMemo
}

// crossingMemo holds up to crossingMemoSize answers; when full it starts
// again, which keeps the lines in use.
type crossingMemo struct {
	mu      sync.Mutex
	answers map[[2]orb.Point]crossingAnswer
}

type crossingAnswer struct {
	c  Crossing
	ok bool
}

const crossingMemoSize = 1 << 14

// Water is a named body of water with one point to write its name at. A
// water may be listed more than once, at several points; the nearest names
// a crossing and a map labels the first that fits.
type Water struct {
	// Name is how a map labels it: "River Mersey".
	Name string
	// Short is how a sentence names it: "across the Mersey".
	Short string
	Lat   float64
	Lon   float64
}

// MinCrossingM is how much water a straight line must cross before a
// result warns that the way there is not straight: less is a river a
// bridge takes in its stride, or the simplified coast's own wobble.
const MinCrossingM = 300

// waterNamesHeader is the column order LoadBasemap requires of the names.
var waterNamesHeader = []string{"name", "short_name", "lat", "lon"}

// LoadBasemap reads the land as GeoJSON (a FeatureCollection of Polygon and
// MultiPolygon features; a "bbox" member gives the extent the data covers,
// otherwise the land's own bound; an "attribution" property of a feature
// is printed on every map) and the water names as CSV with the header
// name,short_name,lat,lon.
func LoadBasemap(land, waterNames io.Reader) (*Basemap, error) {
	b := &Basemap{}
	if err := b.readLand(land); err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	var err error
	if b.waters, err = readWaterNames(waterNames); err != nil {
		return nil, fmt.Errorf("water names: %w", err)
	}
	return b, nil
}

func (b *Basemap) readLand(r io.Reader) error {
	var fc struct {
		Type     string    `json:"type"`
		BBox     []float64 `json:"bbox"`
		Features []struct {
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.NewDecoder(r).Decode(&fc); err != nil {
		return err
	}
	if fc.Type != "FeatureCollection" {
		return fmt.Errorf("type is %q, want FeatureCollection", fc.Type)
	}
	for i, f := range fc.Features {
		if a, ok := f.Properties["attribution"].(string); ok && b.attribution == "" {
			b.attribution = a
		}
		if f.Geometry == nil {
			continue
		}
		var mp orb.MultiPolygon
		switch f.Geometry.Type {
		case "Polygon":
			var p orb.Polygon
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return fmt.Errorf("feature %d: %w", i, err)
			}
			mp = orb.MultiPolygon{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				return fmt.Errorf("feature %d: %w", i, err)
			}
		default:
			return fmt.Errorf("feature %d: geometry is a %s, want Polygon or MultiPolygon", i, f.Geometry.Type)
		}
		for j, p := range mp {
			if len(p) == 0 || len(p[0]) < 4 {
				return fmt.Errorf("feature %d: polygon %d has no ring of 4 points or more", i, j)
			}
			b.land = append(b.land, p[0])
			b.bounds = append(b.bounds, p[0].Bound())
		}
	}
	if len(b.land) == 0 {
		return errors.New("no land polygons")
	}
	switch len(fc.BBox) {
	case 4:
		b.extent = orb.Bound{Min: orb.Point{fc.BBox[0], fc.BBox[1]}, Max: orb.Point{fc.BBox[2], fc.BBox[3]}}
	case 0:
		b.extent = b.bounds[0]
		for _, bd := range b.bounds[1:] {
			b.extent = b.extent.Union(bd)
		}
	default:
		return fmt.Errorf("bbox has %d numbers, want 4", len(fc.BBox))
	}
	return nil
}

func readWaterNames(r io.Reader) ([]Water, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(waterNamesHeader)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	if !slices.Equal(header, waterNamesHeader) {
		return nil, fmt.Errorf("line 1: header is %q, want %q", strings.Join(header, ","), strings.Join(waterNamesHeader, ","))
	}
	var out []Water
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		w := Water{Name: strings.TrimSpace(rec[0]), Short: strings.TrimSpace(rec[1])}
		if w.Name == "" || w.Short == "" {
			return nil, fmt.Errorf("line %d: name and short_name are both needed", line)
		}
		if w.Lat, err = parseDegrees(rec[2], 90); err != nil {
			return nil, fmt.Errorf("line %d: lat: %w", line, err)
		}
		if w.Lon, err = parseDegrees(rec[3], 180); err != nil {
			return nil, fmt.Errorf("line %d: lon: %w", line, err)
		}
		out = append(out, w)
	}
}

// Attribution is the credit the data's licence asks every map to show,
// such as "© OpenStreetMap contributors"; "" when the file names none.
func (b *Basemap) Attribution() string { return b.attribution }

// Extent is the area the data describes, in lon/lat.
func (b *Basemap) Extent() orb.Bound { return b.extent }

// Waters returns the named waters in file order. The slice is a copy.
func (b *Basemap) Waters() []Water { return slices.Clone(b.waters) }

// Land returns the land rings (lon, lat) that touch bound. The rings are
// shared: callers must not change them.
func (b *Basemap) Land(bound orb.Bound) []orb.Ring {
	var out []orb.Ring
	for i, r := range b.land {
		if b.bounds[i].Intersects(bound) {
			out = append(out, r)
		}
	}
	return out
}

// OnLand reports whether p (lon, lat) is on land, or outside the extent,
// where the map knows nothing and so claims no water.
func (b *Basemap) OnLand(p orb.Point) bool {
	if !b.extent.Contains(p) {
		return true
	}
	for i, r := range b.land {
		if b.bounds[i].Contains(p) && ringContains(r, p) {
			return true
		}
	}
	return false
}

// Crossing is the longest stretch of water on a straight line.
type Crossing struct {
	// Water is the named water nearest the middle of the stretch.
	Water Water
	// LengthM is the stretch's length in metres.
	LengthM float64
}

// Crossing returns the longest unbroken stretch of water on the straight
// line from one point to another (lon, lat), with the named water nearest
// its middle, when the stretch is longer than MinCrossingM. The line is
// treated as straight in longitude and latitude, which over the few tens of
// kilometres of a search is metres from the great circle.
func (b *Basemap) Crossing(from, to orb.Point) (Crossing, bool) {
	if len(b.waters) == 0 {
		return Crossing{}, false
	}
	key := [2]orb.Point{from, to}
	m := &b.crossings
	m.mu.Lock()
	a, found := m.answers[key]
	m.mu.Unlock()
	if found {
		return a.c, a.ok
	}
	c, ok := b.crossing(from, to)
	m.mu.Lock()
	if m.answers == nil || len(m.answers) >= crossingMemoSize {
		m.answers = make(map[[2]orb.Point]crossingAnswer)
	}
	m.answers[key] = crossingAnswer{c, ok}
	m.mu.Unlock()
	return c, ok
}

func (b *Basemap) crossing(from, to orb.Point) (Crossing, bool) {
	seg := orb.LineString{from, to}.Bound()
	// Where the line enters or leaves land or the extent, as fractions of
	// the way along it.
	ts := []float64{0, 1}
	for i, r := range b.land {
		if !b.bounds[i].Intersects(seg) {
			continue
		}
		for j := 1; j < len(r); j++ {
			if t, ok := segmentCross(from, to, r[j-1], r[j]); ok {
				ts = append(ts, t)
			}
		}
	}
	e := b.extent
	corners := []orb.Point{e.Min, {e.Max[0], e.Min[1]}, e.Max, {e.Min[0], e.Max[1]}, e.Min}
	for j := 1; j < len(corners); j++ {
		if t, ok := segmentCross(from, to, corners[j-1], corners[j]); ok {
			ts = append(ts, t)
		}
	}
	slices.Sort(ts)

	kx := math.Cos((from.Lat()+to.Lat())/2*math.Pi/180) * metresPerDegree
	lengthM := math.Hypot((to.Lon()-from.Lon())*kx, (to.Lat()-from.Lat())*metresPerDegree)
	at := func(t float64) orb.Point {
		return orb.Point{from[0] + t*(to[0]-from[0]), from[1] + t*(to[1]-from[1])}
	}
	var best, run Crossing
	var bestMid, runStart float64
	inRun := false
	for k := 1; k < len(ts); k++ {
		t0, t1 := ts[k-1], ts[k]
		if t1 <= t0 {
			continue
		}
		if b.OnLand(at((t0 + t1) / 2)) {
			inRun = false
			continue
		}
		if !inRun {
			inRun, runStart, run = true, t0, Crossing{}
		}
		run.LengthM = (t1 - runStart) * lengthM
		if run.LengthM > best.LengthM {
			best, bestMid = run, (runStart+t1)/2
		}
	}
	if best.LengthM <= MinCrossingM {
		return Crossing{}, false
	}
	best.Water = b.nearestWater(at(bestMid))
	return best, true
}

// metresPerDegree of latitude, on the mean Earth radius orb's geo package
// uses.
const metresPerDegree = 6371008.8 * math.Pi / 180

func (b *Basemap) nearestWater(p orb.Point) Water {
	k := math.Cos(p.Lat() * math.Pi / 180)
	best, bestD := b.waters[0], math.Inf(1)
	for _, w := range b.waters {
		dx, dy := (w.Lon-p.Lon())*k, w.Lat-p.Lat()
		if d := dx*dx + dy*dy; d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// segmentCross returns where segment a–b meets segment c–d, as the
// fraction of the way from a to b, when they meet at one point.
func segmentCross(a, b, c, d orb.Point) (float64, bool) {
	rx, ry := b[0]-a[0], b[1]-a[1]
	sx, sy := d[0]-c[0], d[1]-c[1]
	den := rx*sy - ry*sx
	if den == 0 {
		return 0, false // parallel: the neighbouring edges carry the change
	}
	qx, qy := c[0]-a[0], c[1]-a[1]
	t := (qx*sy - qy*sx) / den
	u := (qx*ry - qy*rx) / den
	if t < 0 || t > 1 || u < 0 || u > 1 {
		return 0, false
	}
	return t, true
}

// ringContains is planar.RingContains without its first step, which works
// out the ring's bound on every call (half its time on the land's long
// rings): OnLand has already tested the bound it keeps. It and
// rayIntersect follow orb's (MIT licence) step for step, so points on the
// coast are judged exactly as before.
func ringContains(r orb.Ring, p orb.Point) bool {
	c, on := rayIntersect(p, r[0], r[len(r)-1])
	if on {
		return true
	}
	for i := 0; i < len(r)-1; i++ {
		inter, on := rayIntersect(p, r[i], r[i+1])
		if on {
			return true
		}
		if inter {
			c = !c
		}
	}
	return c
}

// rayIntersect reports whether a ray from p towards −∞ in latitude
// crosses segment s–e, and whether p lies on it, as orb's planar package
// does.
func rayIntersect(p, s, e orb.Point) (intersects, on bool) {
	if s[0] > e[0] {
		s, e = e, s
	}
	switch p[0] {
	case s[0]:
		if p[1] == s[1] {
			return false, true
		} else if s[0] == e[0] {
			// A vertical segment: on it when between its ends.
			if s[1] > e[1] && s[1] >= p[1] && p[1] >= e[1] {
				return false, true
			}
			if e[1] > s[1] && e[1] >= p[1] && p[1] >= s[1] {
				return false, true
			}
		}
		// Moved off the vertex so that it is counted once.
		p[0] = math.Nextafter(p[0], math.Inf(1))
	case e[0]:
		if p[1] == e[1] {
			return false, true
		}
		p[0] = math.Nextafter(p[0], math.Inf(1))
	}
	if p[0] < s[0] || p[0] > e[0] {
		return false, false
	}
	if s[1] > e[1] {
		if p[1] > s[1] {
			return false, false
		} else if p[1] < e[1] {
			return true, false
		}
	} else {
		if p[1] > e[1] {
			return false, false
		} else if p[1] < s[1] {
			return true, false
		}
	}
	rs := (p[1] - s[1]) / (p[0] - s[0])
	ds := (e[1] - s[1]) / (e[0] - s[0])
	if rs == ds {
		return false, true
	}
	return rs <= ds, false
}
