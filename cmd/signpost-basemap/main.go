// Command signpost-basemap makes data/basemap.geojson, the land that
// Signpost's maps draw and that the engine measures water crossings on. It
// is run once, by hand (`make basemap`), and its output is committed: the
// site and the tests never fetch anything.
//
// It downloads OpenStreetMap-derived land polygons (the npm package
// @geo-maps/countries-coastline-1m, ODbL), checks the tarball against the
// registry's published sha512, keeps only what lies within the gazetteer's
// places plus a margin, and simplifies the coast with orb's Douglas–Peucker
// at a tolerance in metres small enough to keep the Mersey open at its
// narrowest (about 700 m between Liverpool and Birkenhead).
//
//	go run ./cmd/signpost-basemap [--src URL|FILE] [--gazetteer data/gazetteer.csv] [--out data/basemap.geojson]
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"signpost/directory"
)

// The source: one pinned version of the package, and the integrity npm
// publishes for it (`npm view @geo-maps/countries-coastline-1m@0.6.0
// dist.integrity`), so that a rerun either makes the same file or fails.
const (
	sourceURL       = "https://registry.npmjs.org/@geo-maps/countries-coastline-1m/-/countries-coastline-1m-0.6.0.tgz"
	sourceIntegrity = "sha512-jpwDtygYqomtGQPBxIcKFhRSsoMC7PtpOq8ZxF2rtY3GODGwmyA63KkZEBeeMMS6oD7RdPdTQL49n4roQtFTEQ=="
	sourceMember    = "package/map.geo.json"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "signpost-basemap:", err)
		os.Exit(1)
	}
}

type options struct {
	src, integrity string
	gazetteer, out string
	marginKM       float64
	toleranceM     float64
	minIslandM2    float64
	minHoleM2      float64
}

func run(args []string) error {
	var o options
	fs := flag.NewFlagSet("signpost-basemap", flag.ContinueOnError)
	fs.StringVar(&o.src, "src", sourceURL, "the package tarball: a URL, or a file already downloaded")
	fs.StringVar(&o.integrity, "integrity", sourceIntegrity, "the tarball's sha512 as npm publishes it; empty skips the check (another source)")
	fs.StringVar(&o.gazetteer, "gazetteer", "data/gazetteer.csv", "places whose bounding box, plus the margin, is kept")
	fs.StringVar(&o.out, "out", "data/basemap.geojson", "where to write the GeoJSON")
	fs.Float64Var(&o.marginKM, "margin-km", 10, "land kept beyond the outermost places, in km")
	// 25 m: a map 640 px wide of 20 km shows 31 m a pixel, so the coast
	// looks the same; the Mersey's 700 m narrows keep about 650 m.
	fs.Float64Var(&o.toleranceM, "tolerance-m", 25, "Douglas–Peucker tolerance, in metres")
	// Hilbre Island (about 5 ha) stays; rocks and sandbanks go.
	fs.Float64Var(&o.minIslandM2, "min-island-m2", 20000, "drop land smaller than this, in m²")
	// Holes in land are docks, lakes and reservoirs, not the sea: none of
	// them should count as water to cross, and the maps need none.
	fs.Float64Var(&o.minHoleM2, "min-hole-m2", math.Inf(1), "keep holes in land at least this big, in m² (default: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}

	f, err := os.Open(o.gazetteer)
	if err != nil {
		return err
	}
	gaz, err := directory.LoadGazetteer(f)
	f.Close()
	if err != nil {
		return err
	}
	box := regionBound(gaz.Places(), o.marginKM)

	tgz, err := readSource(o.src)
	if err != nil {
		return err
	}
	if o.integrity != "" {
		if err := checkIntegrity(tgz, o.integrity); err != nil {
			return err
		}
	}
	land, err := readLand(tgz, box)
	if err != nil {
		return err
	}
	land = tidy(land, box, o)
	out, err := encode(land, box, o)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, out, 0o644); err != nil {
		return err
	}
	pts := 0
	for _, p := range land {
		for _, r := range p {
			pts += len(r)
		}
	}
	fmt.Fprintf(os.Stderr, "wrote %s: %d polygons, %d points, %d bytes, bound %v\n", o.out, len(land), pts, len(out), box)
	return nil
}

// regionBound is the bound of the places, widened by marginKM on every side.
func regionBound(places []directory.Place, marginKM float64) orb.Bound {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, p := range places {
		b = b.Extend(orb.Point{p.Lon, p.Lat})
	}
	dLat := marginKM / 111.32
	dLon := dLat / math.Cos(b.Center().Lat()*math.Pi/180)
	b.Min = orb.Point{round5(b.Min.Lon() - dLon), round5(b.Min.Lat() - dLat)}
	b.Max = orb.Point{round5(b.Max.Lon() + dLon), round5(b.Max.Lat() + dLat)}
	return b
}

func readSource(src string) ([]byte, error) {
	if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
		return os.ReadFile(src)
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	resp, err := client.Get(src)
	if err != nil {
		return nil, fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", src, resp.Status)
	}
	return io.ReadAll(resp.Body)
}

func checkIntegrity(b []byte, want string) error {
	sum := sha512.Sum512(b)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("the download's integrity is %s, want %s", got, want)
	}
	return nil
}

// readLand streams the package's GeoJSON one country at a time (the file
// is 107 MB) and keeps the land inside box.
func readLand(tgz []byte, box orb.Bound) (orb.MultiPolygon, error) {
	gz, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("read tarball: %w", err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read tarball: no %s in it", sourceMember)
		}
		if err != nil {
			return nil, fmt.Errorf("read tarball: %w", err)
		}
		if h.Name == sourceMember {
			break
		}
	}
	dec := json.NewDecoder(tr)
	// Walk to the "features" array, then decode its members one by one.
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", sourceMember, err)
		}
		if tok == "features" {
			if _, err := dec.Token(); err != nil { // [
				return nil, fmt.Errorf("read %s: %w", sourceMember, err)
			}
			break
		}
	}
	var land orb.MultiPolygon
	for dec.More() {
		var f struct {
			Geometry struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("read %s: %w", sourceMember, err)
		}
		var mp orb.MultiPolygon
		switch f.Geometry.Type {
		case "Polygon":
			var p orb.Polygon
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("read %s: %w", sourceMember, err)
			}
			mp = orb.MultiPolygon{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &mp); err != nil {
				return nil, fmt.Errorf("read %s: %w", sourceMember, err)
			}
		}
		if len(mp) == 0 || !mp.Bound().Intersects(box) {
			continue
		}
		land = append(land, clip.MultiPolygon(box, mp)...)
	}
	return land, nil
}

// tidy simplifies the land in metres on a local flat projection (at this
// size the Earth's curve is far below the tolerance), drops small islands
// and holes, and rounds coordinates to 5 decimals (about a metre).
func tidy(land orb.MultiPolygon, box orb.Bound, o options) orb.MultiPolygon {
	lat0 := box.Center().Lat() * math.Pi / 180
	const r = 6371008.8
	kx, ky := r*math.Cos(lat0)*math.Pi/180, r*math.Pi/180
	toM := func(p orb.Point) orb.Point { return orb.Point{p[0] * kx, p[1] * ky} }
	toDeg := func(p orb.Point) orb.Point { return orb.Point{round5(p[0] / kx), round5(p[1] / ky)} }

	var out orb.MultiPolygon
	for _, poly := range land {
		var keep orb.Polygon
		for i, ring := range poly {
			m := make(orb.Ring, len(ring))
			for j, p := range ring {
				m[j] = toM(p)
			}
			m = simplify.DouglasPeucker(o.toleranceM).Ring(m)
			area := math.Abs(planar.Area(m))
			if len(m) < 4 || (i == 0 && area < o.minIslandM2) || (i > 0 && area < o.minHoleM2) {
				if i == 0 {
					break
				}
				continue
			}
			d := make(orb.Ring, len(m))
			for j, p := range m {
				d[j] = toDeg(p)
			}
			keep = append(keep, d)
		}
		if len(keep) > 0 {
			out = append(out, keep)
		}
	}
	return out
}

func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }

// encode writes the land as one feature whose properties carry the
// attribution the maps print and the licence it is under.
// The file is written by hand rather than with orb/geojson, which would
// bring in a BSON library for nothing.
func encode(land orb.MultiPolygon, box orb.Bound, o options) ([]byte, error) {
	type geometry struct {
		Type        string           `json:"type"`
		Coordinates orb.MultiPolygon `json:"coordinates"`
	}
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   geometry          `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		BBox     []float64 `json:"bbox"`
		Features []feature `json:"features"`
	}{
		Type: "FeatureCollection",
		BBox: []float64{box.Min.Lon(), box.Min.Lat(), box.Max.Lon(), box.Max.Lat()},
		Features: []feature{{
			Type: "Feature",
			Properties: map[string]string{
				"kind":        "land",
				"attribution": "© OpenStreetMap contributors",
				"license":     "ODbL-1.0",
				"source":      "OpenStreetMap coastline via npm @geo-maps/countries-coastline-1m 0.6.0",
				"made_by":     fmt.Sprintf("cmd/signpost-basemap --margin-km %g --tolerance-m %g --min-island-m2 %g", o.marginKM, o.toleranceM, o.minIslandM2),
			},
			Geometry: geometry{Type: "MultiPolygon", Coordinates: land},
		}},
	}
	return json.Marshal(fc)
}
