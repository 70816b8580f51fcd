package web

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"signpost/directory"
	"signpost/engine"
)

// mapMarker is one pin on a map.
type mapMarker struct {
	// N is the number on the pin: the result's number in the list on the
	// page. 0 draws a pin with no number (the one place of an activity).
	N        int
	Lat, Lon float64
	Label    string
	// Href is where the pin links, such as "#result-3"; empty draws a pin
	// that is not a link.
	Href string
}

// mapSpec is what a map shows.
type mapSpec struct {
	// ID makes the element ids inside the SVG unique on the page.
	ID    string
	Title string
	// Desc says in words what the map shows; the list beside it stays the
	// text alternative.
	Desc string
	// You is the person's place, drawn as a distinct "You" marker.
	You     *directory.Place
	Markers []mapMarker
	Width   int
	Height  int
	// MinSpanM is the least ground distance the map spans each way, so that
	// one point, or points close together, come with their surroundings.
	MinSpanM float64
	// Mono draws in black, white and grey, for paper.
	Mono bool
}

// mapper draws the site's maps: land and water from the basemap, place
// names from the gazetteer, then pins. With no basemap it draws pins and
// names on a plain ground.
type mapper struct {
	base   *directory.Basemap
	towns  []directory.Place
	hoods  []directory.Place
	waters []directory.Water
	// units are the scale bar's: miles or kilometres, as the site's.
	units engine.Units
	// waterPaths caches drawn water paths (see writeWater).
	waterPaths *waterCache
}

func newMapper(base *directory.Basemap, places []directory.Place, units engine.Units) *mapper {
	m := &mapper{base: base, units: units, waterPaths: &waterCache{}}
	for _, p := range places {
		switch p.Kind {
		case directory.PlaceTown:
			m.towns = append(m.towns, p)
		case directory.PlaceNeighbourhood:
			m.hoods = append(m.hoods, p)
		}
	}
	if base != nil {
		m.waters = base.Waters()
	}
	return m
}

// Drawing constants, in SVG pixels.
const (
	// mapPad keeps pins and the "you" marker clear of the drawing's edges.
	mapPad       = 22.0
	markerRadius = 10.0
	youRadius    = 8.0
	// defaultMinSpanM is a search map's least span: about two miles.
	defaultMinSpanM = 3000
	// hoodMaxMetresPerPx is the zoom at which neighbourhoods are named
	// beside towns: a 400 px map about 12 km (7 miles) across or less.
	hoodMaxMetresPerPx = 30
)

// palette is a map's colours.
type palette struct {
	land, water, coast     string
	pin, pinText, pinEdge  string
	you, youEdge, youLabel string
	town, hood, waterLabel string
	halo, ink              string
}

var (
	screenPalette = palette{
		land: "#f4f2ec", water: "#b7d3ec", coast: "#6a8fb3",
		pin: "#1d4f91", pinText: "#fff", pinEdge: "#fff",
		you: "#b3261e", youEdge: "#fff", youLabel: "#b3261e",
		town: "#0b0c0c", hood: "#383f43", waterLabel: "#174377",
		halo: "#fff", ink: "#0b0c0c",
	}
	// monoPalette prints in black and white: grey water, black pins with
	// white numbers, a white "you" diamond ringed in black.
	monoPalette = palette{
		land: "#fff", water: "#d9d9d9", coast: "#000",
		pin: "#000", pinText: "#fff", pinEdge: "#fff",
		you: "#fff", youEdge: "#000", youLabel: "#000",
		town: "#000", hood: "#000", waterLabel: "#000",
		halo: "#fff", ink: "#000",
	}
)

// draw draws spec as an inline SVG with no tiles and no requests: the
// land and water, place names placed clear of each other and of the pins,
// the "you" marker, numbered pins linking to their results, a scale bar in
// miles, north and the data's attribution. It returns "" when there is
// nothing to place.
func (m *mapper) draw(spec mapSpec) template.HTML {
	if len(spec.Markers) == 0 && spec.You == nil {
		return ""
	}
	if spec.Width <= 0 {
		spec.Width = 400
	}
	if spec.Height <= 0 {
		spec.Height = 300
	}
	if spec.MinSpanM <= 0 {
		spec.MinSpanM = defaultMinSpanM
	}
	pal := screenPalette
	if spec.Mono {
		pal = monoPalette
	}
	w, h := float64(spec.Width), float64(spec.Height)
	var pts []orb.Point
	if spec.You != nil {
		pts = append(pts, orb.Point{spec.You.Lon, spec.You.Lat})
	}
	for _, mk := range spec.Markers {
		pts = append(pts, orb.Point{mk.Lon, mk.Lat})
	}
	// Pins stay clear of the edges, and of the scale bar and attribution
	// along the bottom.
	v := fitView(pts, w, h, box{mapPad, mapPad + 6, w - mapPad, h - mapPad - 18}, spec.MinSpanM)
	lab := &labeller{w: w, h: h}

	var b strings.Builder
	writeSVGOpen(&b, spec)
	fmt.Fprintf(&b, `<rect class="map-land" width="%d" height="%d" fill="%s"/>`, spec.Width, spec.Height, pal.land)
	m.writeWater(&b, v, pal)

	// Everything that is not a label claims its room first.
	var decor strings.Builder
	m.writeDecorations(&decor, v, pal, lab)
	var you orb.Point
	if spec.You != nil {
		you = v.px(orb.Point{spec.You.Lon, spec.You.Lat})
		lab.block(boxAround(you.X(), you.Y(), youRadius+1))
	}
	pins := placePins(spec.Markers, v, lab)

	if spec.You != nil {
		lab.place("You", youStyle, you.X(), you.Y(), youRadius+2, besideOffsets, nil)
	}
	m.placeNames(v, lab, spec.You)
	writeLabels(&b, lab.labels, pal)
	b.WriteString(decor.String())
	if spec.You != nil {
		writeYou(&b, you, pal)
	}
	writePins(&b, pins, pal)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func writeSVGOpen(b *strings.Builder, spec mapSpec) {
	class := "map"
	if spec.Mono {
		class += " map-mono"
	}
	titleID, descID := "map-title-"+spec.ID, "map-desc-"+spec.ID
	fmt.Fprintf(b, `<svg class="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" aria-labelledby="%s"`, class, spec.Width, spec.Height, titleID)
	if spec.Desc != "" {
		fmt.Fprintf(b, ` aria-describedby="%s"`, descID)
	}
	if !hasLinks(spec.Markers) {
		// Inside role="img" the parts are not read out; the title is.
		b.WriteString(` role="img"`)
	}
	fmt.Fprintf(b, `><title id="%s">%s</title>`, titleID, template.HTMLEscapeString(spec.Title))
	if spec.Desc != "" {
		fmt.Fprintf(b, `<desc id="%s">%s</desc>`, descID, template.HTMLEscapeString(spec.Desc))
	}
}

// placeNames names the places and waters in view: towns first, then the
// waters, then, when the map is zoomed in far enough, neighbourhoods from
// the middle of the map outwards. A name that does not fit is left out.
func (m *mapper) placeNames(v mapView, lab *labeller, you *directory.Place) {
	inView := func(lat, lon float64) (orb.Point, bool) {
		p := v.px(orb.Point{lon, lat})
		return p, p.X() >= 0 && p.Y() >= 0 && p.X() <= v.w && p.Y() <= v.h
	}
	for _, t := range m.towns {
		if p, ok := inView(t.Lat, t.Lon); ok {
			lab.place(t.Name, townStyle, p.X(), p.Y(), 0, placeOffsets, nil)
		}
	}
	named := map[string]bool{}
	for _, wt := range m.waters {
		p, ok := inView(wt.Lat, wt.Lon)
		if !ok || named[wt.Name] {
			continue
		}
		// A water's name must lie on its water, not spill over the shore.
		onWater := func(bx box) bool {
			for _, y := range []float64{bx.y0 + 3, (bx.y0 + bx.y1) / 2, bx.y1 - 3} {
				for _, x := range []float64{bx.x0 + 2, (bx.x0 + bx.x1) / 2, bx.x1 - 2} {
					if m.base.OnLand(v.lonLat(orb.Point{x, y})) {
						return false
					}
				}
			}
			return true
		}
		named[wt.Name] = lab.place(wt.Name, waterStyle, p.X(), p.Y(), 0, placeOffsets, onWater)
		if !named[wt.Name] && strings.Contains(wt.Name, " ") {
			// A narrow estuary may still take "River / Mersey" on two lines.
			first, rest, _ := strings.Cut(wt.Name, " ")
			named[wt.Name] = lab.placeLines([]string{first, rest}, waterStyle, p.X(), p.Y(), 0, placeOffsets, onWater)
		}
	}
	if v.metresPerPx() > hoodMaxMetresPerPx {
		return
	}
	type near struct {
		p orb.Point
		d float64
		n string
	}
	var hoods []near
	for _, n := range m.hoods {
		if p, ok := inView(n.Lat, n.Lon); ok {
			hoods = append(hoods, near{p, math.Hypot(p.X()-v.w/2, p.Y()-v.h/2), n.Name})
		}
	}
	// Nearest the middle first; ties keep file order.
	slices.SortStableFunc(hoods, func(a, b near) int { return cmp.Compare(a.d, b.d) })
	for _, n := range hoods {
		if you != nil && n.n == you.Name {
			continue // "You" already marks it
		}
		lab.place(n.n, hoodStyle, n.p.X(), n.p.Y(), 0, placeOffsets, nil)
	}
}

// writeLabels writes the labels grouped by style, each group carrying its
// font and halo once, to keep the page light. Screen readers skip them:
// the title and description say what the map shows.
func writeLabels(b *strings.Builder, labels []placedLabel, pal palette) {
	if len(labels) == 0 {
		return
	}
	fmt.Fprintf(b, `<g class="map-labels" aria-hidden="true" text-anchor="middle" stroke="%s" stroke-width="%g" stroke-linejoin="round" paint-order="stroke">`, pal.halo, 2*haloPx)
	for _, st := range []labelStyle{townStyle, waterStyle, hoodStyle, youStyle} {
		first := true
		for _, l := range labels {
			if l.style.class != st.class {
				continue
			}
			if first {
				fill := map[string]string{townStyle.class: pal.town, hoodStyle.class: pal.hood, waterStyle.class: pal.waterLabel, youStyle.class: pal.youLabel}[st.class]
				fmt.Fprintf(b, `<g class="%s" font-size="%g" fill="%s"`, st.class, st.size, fill)
				if st.weight != "" {
					fmt.Fprintf(b, ` font-weight="%s"`, st.weight)
				}
				if st.italic {
					b.WriteString(` font-style="italic"`)
				}
				b.WriteString(`>`)
				first = false
			}
			cx, cy := l.at.centre()
			// The baseline sits about a third of the font size below the
			// middle of the letters.
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f">%s</text>`, cx, cy+0.35*st.size, template.HTMLEscapeString(l.text))
		}
		if !first {
			b.WriteString(`</g>`)
		}
	}
	b.WriteString(`</g>`)
}

// writeYou draws the person's place: a diamond, unlike any pin.
func writeYou(b *strings.Builder, p orb.Point, pal palette) {
	r := youRadius
	fmt.Fprintf(b, `<path class="map-you" aria-hidden="true" d="M%.1f %.1fl%g %gl%g %gl%g %gz" fill="%s" stroke="%s" stroke-width="2.5"/>`,
		p.X(), p.Y()-r, r, r, -r, r, -r, -r, pal.you, pal.youEdge)
}

// pin is a marker where it is drawn, which may be beside its true spot.
type pin struct {
	mapMarker
	at, spot orb.Point
}

// placePins puts each marker at its spot, or beside it when an earlier pin
// already covers the spot, and reserves its room from the labels.
func placePins(markers []mapMarker, v mapView, lab *labeller) []pin {
	pins := make([]pin, 0, len(markers))
	var placed [][2]float64
	for _, mk := range markers {
		spot := v.px(orb.Point{mk.Lon, mk.Lat})
		x, y := clearOf(placed, spot.X(), spot.Y(), v.w, v.h)
		placed = append(placed, [2]float64{x, y})
		pins = append(pins, pin{mapMarker: mk, at: orb.Point{x, y}, spot: spot})
		lab.block(boxAround(x, y, markerRadius+2))
		if x != spot.X() || y != spot.Y() {
			lab.block(boxAround(spot.X(), spot.Y(), 3))
		}
	}
	return pins
}

func writePins(b *strings.Builder, pins []pin, pal palette) {
	// A pin moved off a spot another pin covers gets a line to its spot,
	// drawn beneath every pin so that no number is crossed out.
	for _, p := range pins {
		if p.at != p.spot {
			fmt.Fprintf(b, `<path aria-hidden="true" d="M%.1f %.1fL%.1f %.1f" stroke="%s" stroke-width="1.5"/><circle aria-hidden="true" cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`,
				p.spot.X(), p.spot.Y(), p.at.X(), p.at.Y(), pal.pin, p.spot.X(), p.spot.Y(), pal.pin)
		}
	}
	for _, p := range pins {
		x, y := p.at.X(), p.at.Y()
		label := template.HTMLEscapeString(p.Label)
		if p.N > 0 {
			label = template.HTMLEscapeString(fmt.Sprintf("%d. %s", p.N, p.Label))
		}
		if p.Href != "" {
			fmt.Fprintf(b, `<a href="%s" aria-label="%s">`, template.HTMLEscapeString(p.Href), label)
		} else {
			b.WriteString(`<g>`)
		}
		fmt.Fprintf(b, `<circle class="map-marker" cx="%.1f" cy="%.1f" r="%g" fill="%s" stroke="%s" stroke-width="2"/>`, x, y, markerRadius, pal.pin, pal.pinEdge)
		if p.N > 0 {
			fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" font-weight="bold" fill="%s" aria-hidden="true">%d</text>`, x, y+4, pal.pinText, p.N)
		}
		if p.Href != "" {
			b.WriteString(`</a>`)
		} else {
			b.WriteString(`</g>`)
		}
	}
}

// clearOf moves a marker off those already placed, so that two activities
// in one building show two numbers rather than one hidden under the other.
// It tries points on growing rings around the true spot and keeps the
// first that overlaps nothing and stays inside the drawing; the list of
// results still gives each exact address.
func clearOf(placed [][2]float64, x, y, w, h float64) (float64, float64) {
	overlaps := func(px, py float64) bool {
		for _, p := range placed {
			if math.Hypot(p[0]-px, p[1]-py) < 2*markerRadius+1 {
				return true
			}
		}
		return false
	}
	if !overlaps(x, y) {
		return x, y
	}
	for ring := 1; ring <= 4; ring++ {
		d := (2*markerRadius + 2) * float64(ring)
		for k := range 8 {
			a := float64(k)*math.Pi/4 - math.Pi/2
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
