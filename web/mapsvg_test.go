package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/paulmach/orb"
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

func TestDrawMap(t *testing.T) {
	bootle := orb.Point{-2.992, 53.446}
	spec := mapSpec{
		ID: "results", Title: "Map of 3 results near Bootle", Center: &bootle, RadiusM: 2000,
		Markers: []mapMarker{
			{N: 1, Lat: 53.450, Lon: -2.990, Label: "Garden club", Href: "#result-1"},
			{N: 2, Lat: 53.440, Lon: -3.000, Label: "Walk & talk <group>", Href: "#result-2"},
			{N: 3, Lat: 53.4465, Lon: -2.975, Label: "Choir", Href: "#result-3"},
		},
		Width: 600, Height: 400,
	}
	doc := parseSVG(t, string(drawMap(spec)))

	t.Run("numbered markers link to results", func(t *testing.T) {
		links := doc.Find("svg a")
		if links.Length() != 3 {
			t.Fatalf("%d marker links, want 3", links.Length())
		}
		links.Each(func(i int, a *goquery.Selection) {
			want := "#result-" + strconv.Itoa(i+1)
			if a.AttrOr("href", "") != want || strings.TrimSpace(a.Find("text").Text()) != strconv.Itoa(i+1) {
				t.Errorf("marker %d: href %q text %q, want %q and its number", i, a.AttrOr("href", ""), a.Find("text").Text(), want)
			}
		})
		if got := links.Eq(1).AttrOr("aria-label", ""); got != "2. Walk & talk <group>" {
			t.Errorf("marker label = %q; names must be escaped text", got)
		}
	})

	t.Run("everything fits inside the drawing", func(t *testing.T) {
		doc.Find("circle").Each(func(_ int, c *goquery.Selection) {
			x, y, r := attrFloat(t, c, "cx"), attrFloat(t, c, "cy"), attrFloat(t, c, "r")
			if x-r < -0.5 || y-r < -0.5 || x+r > 600.5 || y+r > 400.5 {
				t.Errorf("circle (%.1f,%.1f r=%.1f) falls outside 600×400", x, y, r)
			}
		})
	})

	t.Run("projection keeps geography", func(t *testing.T) {
		m1 := doc.Find(".map-marker").Eq(0) // north-east of centre
		m2 := doc.Find(".map-marker").Eq(1) // south-west
		x1, y1 := attrFloat(t, m1, "cx"), attrFloat(t, m1, "cy")
		x2, y2 := attrFloat(t, m2, "cx"), attrFloat(t, m2, "cy")
		if !(x1 > x2 && y1 < y2) {
			t.Errorf("marker 1 (%.0f,%.0f) should be right of and above marker 2 (%.0f,%.0f)", x1, y1, x2, y2)
		}
	})

	t.Run("radius circle is to scale", func(t *testing.T) {
		radius := doc.Find(".map-radius")
		centre := doc.Find(".map-centre circle")
		if radius.Length() != 1 || centre.Length() != 1 {
			t.Fatalf("radius circles %d, centre markers %d; want one of each", radius.Length(), centre.Length())
		}
		// Marker 3 lies ~1.13 km east of the centre on the same latitude:
		// its distance in pixels must be that share of the 2 km radius.
		m3 := doc.Find(".map-marker").Eq(2)
		dx := attrFloat(t, m3, "cx") - attrFloat(t, centre, "cx")
		want := attrFloat(t, radius, "r") * 1130 / 2000
		if math.Abs(dx-want) > want*0.05 {
			t.Errorf("marker 3 is %.1f px east of centre, want about %.1f", dx, want)
		}
	})

	t.Run("scale bar agrees with the radius", func(t *testing.T) {
		bar := doc.Find(".map-scale")
		var x, y, px float64
		if _, err := fmt.Sscanf(bar.Find("path").AttrOr("d", ""), "M%f %fv-6h%fv6", &x, &y, &px); err != nil {
			t.Fatalf("scale bar path %q: %v", bar.Find("path").AttrOr("d", ""), err)
		}
		var km float64
		if _, err := fmt.Sscanf(textOf(bar.Find("text")), "%g km", &km); err != nil {
			t.Fatalf("scale bar label %q: %v", textOf(bar.Find("text")), err)
		}
		radiusPx := attrFloat(t, doc.Find(".map-radius"), "r")
		if got, want := px/km, radiusPx/2; math.Abs(got-want) > want*0.02 {
			t.Errorf("scale bar is %.1f px per km, the 2 km radius circle %.1f px per km", got, want)
		}
	})

	t.Run("no requests leave the page", func(t *testing.T) {
		svg := string(drawMap(spec))
		if strings.Contains(svg, "http://") && !strings.Contains(svg, `xmlns="http://www.w3.org/2000/svg"`) || strings.Contains(svg, "https://") || strings.Contains(svg, "<image") || strings.Contains(svg, "style=") {
			t.Errorf("map refers elsewhere or uses inline style: %s", svg)
		}
	})
}

func TestDrawMapEdgeCases(t *testing.T) {
	tests := []struct {
		name    string
		spec    mapSpec
		empty   bool
		markers int
		role    string
		apart   bool // markers must not hide each other
	}{
		{name: "nothing to draw", spec: mapSpec{}, empty: true},
		{name: "one unlinked marker is an image", spec: mapSpec{Title: "Where", Markers: []mapMarker{{N: 1, Lat: 53.4, Lon: -3}}}, markers: 1, role: "img"},
		{name: "two markers on one spot", spec: mapSpec{Markers: []mapMarker{{N: 1, Lat: 53.4, Lon: -3, Href: "#a"}, {N: 2, Lat: 53.4, Lon: -3, Href: "#b"}}}, markers: 2, apart: true},
		{name: "centre only", spec: mapSpec{Center: &orb.Point{-3, 53.4}}, markers: 0, role: "img"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := drawMap(tt.spec)
			if tt.empty {
				if svg != "" {
					t.Errorf("drawMap = %q, want nothing", svg)
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
		})
	}
}
