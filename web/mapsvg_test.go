package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
	"signpost/engine"
)

func parseSVG(t *testing.T, svg string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<div>" + svg + "</div>"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attrFloat(t *testing.T, s *goquery.Selection, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s.AttrOr(name, ""), 64)
	if err != nil {
		t.Fatalf("attribute %s: %v", name, err)
	}
	return v
}

// testMapper draws over the embedded basemap and gazetteer, as the site
// does.
func testMapper(t *testing.T) *mapper {
	t.Helper()
	gaz, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	return newMapper(mustBasemap(t), gaz.Places(), engine.Miles)
}

// "gardening near Bootle": one result on the Liverpool side, two across
// the Mersey in Wallasey.
var (
	bootle        = directory.Place{Name: "Bootle", Kind: directory.PlaceTown, Lat: 53.4460, Lon: -2.9920}
	bootleMarkers = []mapMarker{
		{N: 1, Lat: 53.4700, Lon: -2.9500, Label: "Garden club", Href: "#result-1"},
		{N: 2, Lat: 53.4240, Lon: -3.0600, Label: "Walk & talk <group>", Href: "#result-2"},
		{N: 3, Lat: 53.4200, Lon: -3.0450, Label: "Allotment", Href: "#result-3"},
	}
)

func TestDrawMap(t *testing.T) {
	m := testMapper(t)
	spec := mapSpec{ID: "results", Title: "Map of 3 results near Bootle", Desc: "Each numbered pin is a result.", You: &bootle, Markers: bootleMarkers}
	doc := parseSVG(t, string(m.draw(spec)))
	svg := doc.Find("svg")

	t.Run("land and water", func(t *testing.T) {
		water := doc.Find("path.map-water")
		if water.Length() != 1 || strings.Count(water.AttrOr("d", ""), "M") < 2 {
			t.Fatalf("water path %q: want the view with the land cut out of it", water.AttrOr("d", ""))
		}
		if doc.Find("rect.map-land").Length() != 1 {
			t.Error("no land ground")
		}
	})

	t.Run("place and water names", func(t *testing.T) {
		var names []string
		doc.Find(".map-town text, .map-hood text").Each(func(_ int, s *goquery.Selection) { names = append(names, s.Text()) })
		if len(names) < 3 {
			t.Errorf("place labels %q, want at least 3", names)
		}
		for _, want := range []string{"Bootle", "Wallasey"} {
			if !contains(names, want) {
				t.Errorf("place labels %q lack %s", names, want)
			}
		}
		if got := doc.Find(".map-water-name text").Text(); !strings.Contains(got, "River Mersey") {
			t.Errorf("water labels %q, want the River Mersey", got)
		}
		if doc.Find(".map-labels").AttrOr("aria-hidden", "") != "true" {
			t.Error("labels are read out; the title and description say what the map shows")
		}
	})

	t.Run("numbered pins link to their results", func(t *testing.T) {
		links := svg.Find("a")
		if links.Length() != 3 {
			t.Fatalf("%d pin links, want 3", links.Length())
		}
		links.Each(func(i int, a *goquery.Selection) {
			n := strconv.Itoa(i + 1)
			if a.AttrOr("href", "") != "#result-"+n || strings.TrimSpace(a.Find("text").Text()) != n {
				t.Errorf("pin %d: href %q text %q", i+1, a.AttrOr("href", ""), a.Find("text").Text())
			}
			if !strings.HasPrefix(a.AttrOr("aria-label", ""), n+". ") {
				t.Errorf("pin %d: accessible name %q", i+1, a.AttrOr("aria-label", ""))
			}
		})
		if got := links.Eq(1).AttrOr("aria-label", ""); got != "2. Walk & talk <group>" {
			t.Errorf("pin label = %q; names must be escaped text", got)
		}
	})

	t.Run("you, title, description, attribution", func(t *testing.T) {
		if doc.Find("path.map-you").Length() != 1 || !strings.Contains(doc.Find(".map-you-label text").Text(), "You") {
			t.Error("no distinct You marker with its label")
		}
		title := doc.Find("title#" + svg.AttrOr("aria-labelledby", "-"))
		desc := doc.Find("desc#" + svg.AttrOr("aria-describedby", "-"))
		if title.Text() != spec.Title || desc.Text() != spec.Desc {
			t.Errorf("title %q, description %q", title.Text(), desc.Text())
		}
		if _, ok := svg.Attr("role"); ok {
			t.Error(`a map with links is not role="img"`)
		}
		if !strings.Contains(doc.Find(".map-decor").Text(), "© OpenStreetMap contributors") {
			t.Error("no OpenStreetMap attribution")
		}
	})

	t.Run("projection keeps geography", func(t *testing.T) {
		p1, p2 := doc.Find(".map-marker").Eq(0), doc.Find(".map-marker").Eq(1)
		if !(attrFloat(t, p1, "cx") > attrFloat(t, p2, "cx") && attrFloat(t, p1, "cy") < attrFloat(t, p2, "cy")) {
			t.Error("pin 1 (Aintree) should be right of and above pin 2 (Wallasey)")
		}
	})

	t.Run("scale bar in miles agrees with the pins", func(t *testing.T) {
		bar := doc.Find(".map-scale")
		var x, y, px float64
		if _, err := fmt.Sscanf(bar.Find("path").AttrOr("d", ""), "M%f %fv-6h%fv6", &x, &y, &px); err != nil {
			t.Fatalf("scale bar path %q: %v", bar.Find("path").AttrOr("d", ""), err)
		}
		miles := parseMiles(t, bar.Find("text").Text())
		p1, p2 := doc.Find(".map-marker").Eq(0), doc.Find(".map-marker").Eq(1)
		gotPx := math.Hypot(attrFloat(t, p1, "cx")-attrFloat(t, p2, "cx"), attrFloat(t, p1, "cy")-attrFloat(t, p2, "cy"))
		groundM := geo.Distance(orb.Point{bootleMarkers[0].Lon, bootleMarkers[0].Lat}, orb.Point{bootleMarkers[1].Lon, bootleMarkers[1].Lat})
		if got, want := gotPx/groundM, px/(miles*metresPerMile); math.Abs(got-want) > want*0.02 {
			t.Errorf("pins are %.4f px per metre apart, the scale bar says %.4f", got, want)
		}
	})

	t.Run("labels clear of each other, the pins and the edges", func(t *testing.T) {
		assertLabelsClear(t, doc, 400, 300)
	})

	t.Run("no requests leave the page", func(t *testing.T) {
		s := string(m.draw(spec))
		if strings.Contains(s, "https://") || strings.Contains(s, "<image") || strings.Contains(s, " style=") || strings.Count(s, "http://") != 1 {
			t.Errorf("map refers elsewhere or uses inline style: %s", s)
		}
	})
}

// assertLabelsClear checks, with the same size estimate the placing uses,
// that no two labels overlap, that none covers a pin or the You marker,
// and that all lie inside the drawing.
func assertLabelsClear(t *testing.T, doc *goquery.Document, w, h float64) {
	t.Helper()
	styles := map[string]labelStyle{townStyle.class: townStyle, hoodStyle.class: hoodStyle, waterStyle.class: waterStyle, youStyle.class: youStyle}
	var boxes []box
	var names []string
	doc.Find(".map-labels text").Each(func(_ int, s *goquery.Selection) {
		st := styles[s.Parent().AttrOr("class", "")]
		b := labelBox(s.Text(), st, attrFloat(t, s, "x"), attrFloat(t, s, "y")-0.35*st.size)
		if !b.inside(w, h, 0) {
			t.Errorf("label %q (%v) leaves the drawing", s.Text(), b)
		}
		for i, o := range boxes {
			if o.overlaps(b) {
				t.Errorf("labels %q and %q overlap", names[i], s.Text())
			}
		}
		boxes, names = append(boxes, b), append(names, s.Text())
	})
	doc.Find(".map-marker").Each(func(_ int, c *goquery.Selection) {
		pinBox := boxAround(attrFloat(t, c, "cx"), attrFloat(t, c, "cy"), attrFloat(t, c, "r"))
		for i, b := range boxes {
			if b.overlaps(pinBox) {
				t.Errorf("label %q covers a pin", names[i])
			}
		}
	})
}

var milesRE = regexp.MustCompile(`^(¼|½|[0-9.]+) miles?$`)

func parseMiles(t *testing.T, s string) float64 {
	t.Helper()
	m := milesRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("scale bar label %q is not in miles", s)
	}
	switch m[1] {
	case "¼":
		return 0.25
	case "½":
		return 0.5
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDrawMapEdgeCases(t *testing.T) {
	m := testMapper(t)
	tests := []struct {
		name    string
		spec    mapSpec
		empty   bool
		markers int
		role    string
		apart   bool // markers must not hide each other
	}{
		{name: "nothing to draw", spec: mapSpec{}, empty: true},
		{name: "one unlinked marker is an image", spec: mapSpec{Title: "Where", Markers: []mapMarker{{Lat: 53.4, Lon: -2.9}}}, markers: 1, role: "img"},
		{name: "two markers on one spot", spec: mapSpec{Markers: []mapMarker{{N: 1, Lat: 53.4, Lon: -2.95, Href: "#a"}, {N: 2, Lat: 53.4, Lon: -2.95, Href: "#b"}}}, markers: 2, apart: true},
		{name: "you only", spec: mapSpec{You: &bootle}, markers: 0, role: "img"},
		{name: "far outside the basemap", spec: mapSpec{Markers: []mapMarker{{N: 1, Lat: 51.5, Lon: -0.12}}}, markers: 1, role: "img"},
		{name: "a whole region", spec: mapSpec{Markers: []mapMarker{{N: 1, Lat: 53.646, Lon: -3.006}, {N: 2, Lat: 53.342, Lon: -2.729}}}, markers: 2, role: "img"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := m.draw(tt.spec)
			if tt.empty {
				if svg != "" {
					t.Errorf("draw = %q, want nothing", svg)
				}
				return
			}
			doc := parseSVG(t, string(svg))
			if n := doc.Find(".map-marker").Length(); n != tt.markers {
				t.Errorf("%d markers, want %d", n, tt.markers)
			}
			if role := doc.Find("svg").AttrOr("role", ""); role != tt.role {
				t.Errorf("role = %q, want %q", role, tt.role)
			}
			if tt.apart {
				a, b := doc.Find(".map-marker").Eq(0), doc.Find(".map-marker").Eq(1)
				d := math.Hypot(attrFloat(t, a, "cx")-attrFloat(t, b, "cx"), attrFloat(t, a, "cy")-attrFloat(t, b, "cy"))
				if d < 2*markerRadius {
					t.Errorf("markers %.1f px apart; one hides the other", d)
				}
			}
			if strings.Contains(string(svg), "NaN") || strings.Contains(string(svg), "Inf") {
				t.Errorf("degenerate coordinates: %s", svg)
			}
			assertLabelsClear(t, doc, 400, 300)
		})
	}
}

// Towns are named at every zoom; neighbourhoods only close in.
func TestMapNamesByZoom(t *testing.T) {
	m := testMapper(t)
	count := func(spec mapSpec) (towns, hoods int) {
		doc := parseSVG(t, string(m.draw(spec)))
		return doc.Find(".map-town text").Length(), doc.Find(".map-hood text").Length()
	}
	towns, hoods := count(mapSpec{Markers: []mapMarker{{N: 1, Lat: 53.646, Lon: -3.006}, {N: 2, Lat: 53.342, Lon: -2.729}}})
	if towns < 3 || hoods != 0 {
		t.Errorf("Southport to Runcorn: %d towns and %d neighbourhoods named, want 3 or more towns and no neighbourhoods", towns, hoods)
	}
	towns, hoods = count(mapSpec{Markers: []mapMarker{{Lat: 53.4084, Lon: -2.9916}}, MinSpanM: 5000})
	if towns < 1 || hoods < 2 {
		t.Errorf("Liverpool close up: %d towns and %d neighbourhoods named, want both", towns, hoods)
	}
}

// A map for paper uses no colour: every fill and stroke is a grey.
func TestDrawMapMono(t *testing.T) {
	m := testMapper(t)
	svg := string(m.draw(mapSpec{ID: "p", You: &bootle, Markers: bootleMarkers, Mono: true}))
	for _, c := range regexp.MustCompile(`(?:fill|stroke)="(#[0-9a-f]{3,6})"`).FindAllStringSubmatch(svg, -1) {
		hex := strings.TrimPrefix(c[1], "#")
		if len(hex) == 3 {
			hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
		}
		if hex[0:2] != hex[2:4] || hex[2:4] != hex[4:6] {
			t.Errorf("colour %s on a black-and-white map", c[1])
		}
	}
	if !strings.Contains(svg, `class="map map-mono"`) {
		t.Error("a print map is not marked mono")
	}
}

func TestKmText(t *testing.T) {
	for km, want := range map[float64]string{0.1: "100 m", 0.25: "250 m", 0.5: "500 m", 1: "1 km", 20: "20 km"} {
		if got := kmText(km); got != want {
			t.Errorf("kmText(%g) = %q, want %q", km, got, want)
		}
	}
}

// A site in kilometres draws its scale bar in them, to the same scale as
// the pins.
func TestScaleBarInKilometres(t *testing.T) {
	m := testMapper(t)
	m.units = engine.Kilometres
	spec := mapSpec{ID: "results", Title: "Map of 3 results near Bootle", You: &bootle, Markers: bootleMarkers}
	svg := string(m.draw(spec))
	doc := parseSVG(t, svg)
	bar := doc.Find(".map-scale")
	var x, y, px float64
	if _, err := fmt.Sscanf(bar.Find("path").AttrOr("d", ""), "M%f %fv-6h%fv6", &x, &y, &px); err != nil {
		t.Fatalf("scale bar path %q: %v", bar.Find("path").AttrOr("d", ""), err)
	}
	label := bar.Find("text").Text()
	var n float64
	var unit string
	if _, err := fmt.Sscanf(label, "%g %s", &n, &unit); err != nil || (unit != "km" && unit != "m") {
		t.Fatalf("scale bar label %q is not in km or m", label)
	}
	metres := n
	if unit == "km" {
		metres *= 1000
	}
	milesBar := parseSVG(t, string(testMapper(t).draw(spec))).Find(".map-scale")
	var mpx float64
	fmt.Sscanf(milesBar.Find("path").AttrOr("d", ""), "M%f %fv-6h%fv6", &x, &y, &mpx)
	miles := parseMiles(t, milesBar.Find("text").Text())
	if got, want := px/metres, mpx/(miles*metresPerMile); math.Abs(got-want) > want*0.01 {
		t.Errorf("the km bar is %.4f px per metre, the miles bar %.4f", got, want)
	}
}

func TestMilesText(t *testing.T) {
	for miles, want := range map[float64]string{0.1: "0.1 mile", 0.25: "¼ mile", 0.5: "½ mile", 1: "1 mile", 2: "2 miles", 10: "10 miles"} {
		if got := milesText(miles); got != want {
			t.Errorf("milesText(%g) = %q, want %q", miles, got, want)
		}
	}
}

// TestWaterPathCached checks that a water path served from the cache is
// the one drawn afresh, for views that share the cache in turn.
func TestWaterPathCached(t *testing.T) {
	m := testMapper(t)
	frame := box{mapPad, mapPad + 6, 640 - mapPad, 360 - mapPad - 18}
	views := []mapView{
		fitView([]orb.Point{{-3.0, 53.45}, {-3.05, 53.42}}, 640, 360, frame, 5000),
		fitView([]orb.Point{{-2.9, 53.4}, {-3.1, 53.38}}, 640, 360, frame, 5000),
	}
	for round := range 2 {
		for i, v := range views {
			for _, pal := range []palette{screenPalette, monoPalette} {
				var fresh, cached strings.Builder
				m.drawWater(&fresh, v, pal)
				m.writeWater(&cached, v, pal)
				if fresh.String() == "" || cached.String() != fresh.String() {
					t.Fatalf("round %d, view %d: cached path differs from a fresh one (%d and %d bytes)", round, i, cached.Len(), fresh.Len())
				}
			}
		}
	}
	if n := len(m.waterPaths.paths); n != 4 {
		t.Errorf("%d paths cached, want 4", n)
	}
}
