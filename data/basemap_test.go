package data_test

import (
	"io"
	"testing"

	"github.com/paulmach/orb"

	"signpost/data"
	"signpost/directory"
)

func loadBasemap(t *testing.T) *directory.Basemap {
	t.Helper()
	b, err := directory.LoadBasemap(data.Basemap(), data.WaterNames())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The committed basemap keeps the region's shape after simplification:
// the water stays water (the Mersey is open at its narrows) and the towns
// stay on land.
func TestBasemapLandAndWater(t *testing.T) {
	b := loadBasemap(t)
	water := []struct {
		name     string
		lat, lon float64
	}{
		{"mid-Mersey off the Pier Head", 53.405, -3.005},
		{"the Mersey off Seacombe", 53.412, -3.012},
		{"the Mersey at its mouth", 53.445, -3.035},
		{"the Dee estuary", 53.30, -3.17},
		{"Liverpool Bay", 53.50, -3.15},
	}
	for _, w := range water {
		if b.OnLand(orb.Point{w.lon, w.lat}) {
			t.Errorf("%s (%g,%g) is on land", w.name, w.lat, w.lon)
		}
	}
	gaz, err := directory.LoadGazetteer(data.Gazetteer())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Bootle", "Wallasey", "Birkenhead", "Southport", "West Kirby", "Liverpool", "Crosby", "Formby", "Hoylake", "Heswall", "Runcorn", "Widnes"} {
		p, ok := gaz.Lookup(name)
		if !ok {
			t.Fatalf("%s is not in the gazetteer", name)
		}
		if !b.OnLand(orb.Point{p.Lon, p.Lat}) {
			t.Errorf("%s (%g,%g) is in the water", name, p.Lat, p.Lon)
		}
	}
	if got := b.Attribution(); got != "© OpenStreetMap contributors" {
		t.Errorf("attribution %q", got)
	}
}

// Every label point of a water lies in water, so a map writes the name on
// the water it names.
func TestWaterNamesLieInWater(t *testing.T) {
	b := loadBasemap(t)
	ws := b.Waters()
	if len(ws) < 3 {
		t.Fatalf("%d water names, want the Mersey, the Dee and the sea at least", len(ws))
	}
	for _, w := range ws {
		if b.OnLand(orb.Point{w.Lon, w.Lat}) || !b.Extent().Contains(orb.Point{w.Lon, w.Lat}) {
			t.Errorf("%s's label point (%g,%g) is not in the basemap's water", w.Name, w.Lat, w.Lon)
		}
	}
}

// The committed file stays small enough to embed and to read at start-up.
func TestBasemapIsSmall(t *testing.T) {
	n, err := io.Copy(io.Discard, data.Basemap())
	if err != nil {
		t.Fatal(err)
	}
	if n > 300<<10 {
		t.Errorf("basemap.geojson is %d bytes; keep it under 300 KB (simplify more)", n)
	}
}

// A straight line across the Mersey or the Dee says which; one along a
// shore says nothing.
func TestBasemapCrossings(t *testing.T) {
	b := loadBasemap(t)
	gaz, err := directory.LoadGazetteer(data.Gazetteer())
	if err != nil {
		t.Fatal(err)
	}
	at := func(name string) orb.Point {
		p, ok := gaz.Lookup(name)
		if !ok {
			t.Fatalf("%s is not in the gazetteer", name)
		}
		return orb.Point{p.Lon, p.Lat}
	}
	tests := []struct {
		from, to string
		want     string // short name of the water; "" for none
	}{
		{"Bootle", "Wallasey", "the Mersey"},
		{"Wallasey", "Bootle", "the Mersey"},
		{"Liverpool", "Birkenhead", "the Mersey"},
		{"Garston", "Bebington", "the Mersey"},
		{"West Kirby", "Heswall", ""}, // along the Wirral's Dee shore
		{"Bootle", "Crosby", ""},
		{"Bootle", "Liverpool", ""},
		{"Wallasey", "Birkenhead", ""},
		{"Southport", "Formby", ""},
		{"Widnes", "Runcorn", "the Mersey"},
	}
	for _, tt := range tests {
		t.Run(tt.from+" to "+tt.to, func(t *testing.T) {
			c, ok := b.Crossing(at(tt.from), at(tt.to))
			switch {
			case tt.want == "" && ok:
				t.Errorf("crosses %.0f m of %s; want no crossing", c.LengthM, c.Water.Short)
			case tt.want != "" && !ok:
				t.Errorf("no crossing; want %s", tt.want)
			case ok && c.Water.Short != tt.want:
				t.Errorf("crosses %s (%.0f m), want %s", c.Water.Short, c.LengthM, tt.want)
			}
		})
	}
}
