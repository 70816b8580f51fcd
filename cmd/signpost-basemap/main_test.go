package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"signpost/directory"
)

// tarball packs a map.geo.json as npm would.
func tarball(t *testing.T, geo string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range map[string]string{"package/package.json": "{}", sourceMember: geo} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// A country that runs past the region is clipped to it; a country far away
// is dropped; a small hole (a dock) and a small island go; the output reads
// back as a basemap with its attribution.
func TestReadLandClipsAndTidies(t *testing.T) {
	const geo = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[
 [[[-3.2,53.0],[-2.0,53.0],[-2.0,54.0],[-3.2,54.0],[-3.2,53.0]],[[-2.9,53.4],[-2.899,53.4],[-2.899,53.401],[-2.9,53.401],[-2.9,53.4]]],
 [[[-3.5,53.5],[-3.4999,53.5],[-3.4999,53.5001],[-3.5,53.5001],[-3.5,53.5]]]
]}},
{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[10,50],[11,50],[11,51],[10,51],[10,50]]]}}
]}`
	box := orb.Bound{Min: orb.Point{-3.6, 53.3}, Max: orb.Point{-2.5, 53.7}}
	land, err := readLand(tarball(t, geo), box)
	if err != nil {
		t.Fatal(err)
	}
	if len(land) != 2 {
		t.Fatalf("%d polygons read, want the country and the island inside the box", len(land))
	}
	o := options{toleranceM: 25, minIslandM2: 20000, minHoleM2: math.Inf(1)}
	land = tidy(land, box, o)
	if len(land) != 1 || len(land[0]) != 1 {
		t.Fatalf("after tidying: %d polygons, first with %d rings; want one without its dock", len(land), len(land[0]))
	}
	if b := land.Bound(); b.Min.Lon() < box.Min.Lon() || b.Max.Lat() > box.Max.Lat() {
		t.Errorf("land %v reaches outside %v", b, box)
	}
	out, err := encode(land, box, o)
	if err != nil {
		t.Fatal(err)
	}
	bm, err := directory.LoadBasemap(bytes.NewReader(out), strings.NewReader("name,short_name,lat,lon\nSea,the sea,53.5,-3.5\n"))
	if err != nil {
		t.Fatalf("the output does not load: %v", err)
	}
	if bm.Attribution() != "© OpenStreetMap contributors" || bm.Extent() != box {
		t.Errorf("attribution %q, extent %v", bm.Attribution(), bm.Extent())
	}
	if !bm.OnLand(orb.Point{-2.8995, 53.4005}) || bm.OnLand(orb.Point{-3.4, 53.5}) {
		t.Error("land and water are not where they were")
	}
	var fc map[string]any
	if err := json.Unmarshal(out, &fc); err != nil || fc["type"] != "FeatureCollection" {
		t.Errorf("output is not a FeatureCollection: %v", err)
	}
}

func TestCheckIntegrity(t *testing.T) {
	body := []byte("package")
	sum := sha512.Sum512(body)
	good := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if err := checkIntegrity(body, good); err != nil {
		t.Errorf("matching hash refused: %v", err)
	}
	if err := checkIntegrity([]byte("tampered"), good); err == nil {
		t.Error("a different download was accepted")
	}
}

func TestRegionBound(t *testing.T) {
	b := regionBound([]directory.Place{{Lat: 53.4, Lon: -3.0}, {Lat: 53.6, Lon: -2.8}}, 10)
	if math.Abs(b.Min.Lat()-(53.4-10/111.32)) > 1e-4 || b.Max.Lon() <= -2.8+0.1 {
		t.Errorf("bound %v: want 10 km of margin", b)
	}
}
