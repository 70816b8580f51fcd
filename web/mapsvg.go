package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// mapMarker is one numbered point on a map.
type mapMarker struct {
	N        int
	Lat, Lon float64
	Label    string
	// Href is where the marker links, such as "#result-3"; empty draws a
	// marker that is not a link.
	Href string
}

// mapSpec is what a map shows: the searched point and radius, if any, and
// numbered markers.
type mapSpec struct {
	// ID makes the element ids inside the SVG unique on the page.
	ID    string
	Title string
	// Center is the searched point; RadiusM > 0 draws the search radius.
	Center  *orb.Point // lon, lat
	RadiusM float64
	Markers []mapMarker
	Width   int
	Height  int
}

// Map drawing constants, in SVG pixels.
const (
	mapPad       = 24.0
	markerRadius = 11.0
	// minSpanM keeps a map of one point, or of points close together, from
	// zooming in so far that nothing around them makes sense.
	minSpanM = 1500.0
)

// drawMap draws spec as an inline SVG: Web Mercator fitted to the markers,
// the searched point and the radius circle, with no map tiles, so that no
// request leaves the site. It is a picture of the result list, which stays
// the accessible equivalent; it returns "" when there is nothing to place.
func drawMap(spec mapSpec) template.HTML {
	if len(spec.Markers) == 0 && spec.Center == nil {
		return ""
	}
	if spec.Width <= 0 {
		spec.Width = 640
	}
	if spec.Height <= 0 {
		spec.Height = 400
	}
	w, h := float64(spec.Width), float64(spec.Height)

	// Fit a bound, in Mercator metres, around everything drawn.
	var bound orb.Bound
	started := false
	extend := func(p orb.Point) {
		if !started {
			bound, started = p.Bound(), true
			return
		}
		bound = bound.Extend(p)
	}
	var center orb.Point
	var radiusPx float64
	refLat := 0.0
	if spec.Center != nil {
		center = project.Point(*spec.Center, project.WGS84.ToMercator)
		refLat = spec.Center.Lat()
		extend(center)
		if spec.RadiusM > 0 {
			// Mercator stretches distances by 1/cos(latitude).
			r := spec.RadiusM * project.MercatorScaleFactor(*spec.Center)
			extend(orb.Point{center.X() - r, center.Y() - r})
			extend(orb.Point{center.X() + r, center.Y() + r})
		}
	}
	pts := make([]orb.Point, len(spec.Markers))
	for i, m := range spec.Markers {
		pts[i] = project.Point(orb.Point{m.Lon, m.Lat}, project.WGS84.ToMercator)
		extend(pts[i])
		if spec.Center == nil && i == 0 {
			refLat = m.Lat
		}
	}
	scaleFactor := project.MercatorScaleFactor(orb.Point{0, refLat})
	minSpan := minSpanM * scaleFactor
	if dx := bound.Max.X() - bound.Min.X(); dx < minSpan {
		bound.Min[0] -= (minSpan - dx) / 2
		bound.Max[0] += (minSpan - dx) / 2
	}
	if dy := bound.Max.Y() - bound.Min.Y(); dy < minSpan {
		bound.Min[1] -= (minSpan - dy) / 2
		bound.Max[1] += (minSpan - dy) / 2
	}
	spanX, spanY := bound.Max.X()-bound.Min.X(), bound.Max.Y()-bound.Min.Y()
	// One scale for both axes keeps the projection's shapes true; the
	// smaller axis is centred.
	scale := math.Min((w-2*mapPad)/spanX, (h-2*mapPad)/spanY)
	offX := (w - spanX*scale) / 2
	offY := (h - spanY*scale) / 2
	toPx := func(p orb.Point) (float64, float64) {
		return offX + (p.X()-bound.Min.X())*scale, h - offY - (p.Y()-bound.Min.Y())*scale
	}

	var b strings.Builder
	titleID := "map-title-" + spec.ID
	fmt.Fprintf(&b, `<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" aria-labelledby="%s"`, spec.Width, spec.Height, titleID)
	if !hasLinks(spec.Markers) {
		b.WriteString(` role="img"`)
	}
	fmt.Fprintf(&b, `><title id="%s">%s</title>`, titleID, template.HTMLEscapeString(spec.Title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#eef3ee"/>`, spec.Width, spec.Height)
	if spec.Center != nil {
		cx, cy := toPx(center)
		if spec.RadiusM > 0 {
			radiusPx = spec.RadiusM * project.MercatorScaleFactor(*spec.Center) * scale
			fmt.Fprintf(&b, `<circle class="map-radius" cx="%.1f" cy="%.1f" r="%.1f" fill="#d7e6f5" fill-opacity="0.6" stroke="#1d4f91" stroke-width="1.5" stroke-dasharray="6 4"/>`, cx, cy, radiusPx)
		}
		fmt.Fprintf(&b, `<g class="map-centre"><circle cx="%.1f" cy="%.1f" r="6" fill="#b3261e" stroke="#fff" stroke-width="2"/></g>`, cx, cy)
	}
	var placed [][2]float64
	for i, m := range spec.Markers {
		x, y := toPx(pts[i])
		x, y = clearOf(placed, x, y, w, h)
		placed = append(placed, [2]float64{x, y})
		label := template.HTMLEscapeString(fmt.Sprintf("%d. %s", m.N, m.Label))
		if m.Href != "" {
			fmt.Fprintf(&b, `<a href="%s" aria-label="%s">`, template.HTMLEscapeString(m.Href), label)
		} else {
			// Inside role="img" the parts are not read out; the title is.
			b.WriteString(`<g>`)
		}
		fmt.Fprintf(&b, `<circle class="map-marker" cx="%.1f" cy="%.1f" r="%.0f" fill="#1d4f91" stroke="#fff" stroke-width="2"/>`, x, y, markerRadius)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" font-weight="bold" fill="#fff" aria-hidden="true">%d</text>`, x, y+4, m.N)
		if m.Href != "" {
			b.WriteString(`</a>`)
		} else {
			b.WriteString(`</g>`)
		}
	}
	drawScaleBar(&b, w, h, scale*scaleFactor)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// clearOf moves a marker off those already placed, so that two activities
// in one building show two numbers rather than one hidden under the other.
// It tries points on growing rings around the true spot and keeps the
// first that overlaps nothing and stays inside the drawing; the list of
// results still gives each exact address.
func clearOf(placed [][2]float64, x, y, w, h float64) (float64, float64) {
	overlaps := func(px, py float64) bool {
		for _, p := range placed {
			if math.Hypot(p[0]-px, p[1]-py) < 2*markerRadius {
				return true
			}
		}
		return false
	}
	if !overlaps(x, y) {
		return x, y
	}
	for ring := 1; ring <= 4; ring++ {
		d := 2 * markerRadius * float64(ring)
		for k := range 8 {
			a := float64(k) * math.Pi / 4
			px, py := x+d*math.Cos(a), y+d*math.Sin(a)
			inside := px >= markerRadius && py >= markerRadius && px <= w-markerRadius && py <= h-markerRadius
			if inside && !overlaps(px, py) {
				return px, py
			}
		}
	}
	return x, y
}

func hasLinks(ms []mapMarker) bool {
	for _, m := range ms {
		if m.Href != "" {
			return true
		}
	}
	return false
}

// drawScaleBar draws a bar of a round length near a fifth of the width, so
// a reader can judge distances. pxPerM is pixels per ground metre at the
// map's reference latitude: Mercator metres per ground metre is the scale
// factor 1/cos(latitude).
func drawScaleBar(b *strings.Builder, w, h, pxPerM float64) {
	target := w / 5 / pxPerM
	var metres float64
	for _, step := range []float64{100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000} {
		if step <= target {
			metres = step
		}
	}
	if metres == 0 {
		return
	}
	px := metres * pxPerM
	label := fmt.Sprintf("%g m", metres)
	if metres >= 1000 {
		label = fmt.Sprintf("%g km", metres/1000)
	}
	x, y := 12.0, h-12
	fmt.Fprintf(b, `<g class="map-scale" aria-hidden="true"><path d="M%.1f %.1fv-6h%.1fv6" fill="none" stroke="#222" stroke-width="2"/><text x="%.1f" y="%.1f" font-size="12" fill="#222">%s</text></g>`,
		x, y, px, x+px+6, y, label)
}
