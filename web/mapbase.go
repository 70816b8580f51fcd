package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"signpost/engine"
)

// Drawing the coast: rings are simplified on the drawing to within
// coastTolerancePx, far below what an eye resolves, and slivers smaller
// than minRingAreaPx² dropped, so a map's path stays a few kilobytes.
const (
	coastTolerancePx = 0.5
	minRingAreaPx    = 4
	// clipMarginPx takes the clipped edges of land and water outside the
	// drawing, where their outlines do not show.
	clipMarginPx = 4
)

// writeWater draws the water as one path: the part of the basemap's
// extent in view, with the land cut out of it by the even-odd rule. The
// ground beneath is land-coloured, so beyond the basemap's extent, where
// nothing is known, no sea is invented.
//
// The path depends only on the view and the palette, and a results map's
// view is framed by the place asked about and its results, so the same few
// views come back again and again: the drawn path is kept in a small
// cache rather than clipping and simplifying the coast on every page.
func (m *mapper) writeWater(b *strings.Builder, v mapView, pal palette) {
	if m.base == nil {
		return
	}
	key := waterKey{v, pal}
	if m.waterPaths != nil {
		if path, ok := m.waterPaths.get(key); ok {
			b.WriteString(path)
			return
		}
	}
	var out strings.Builder
	m.drawWater(&out, v, pal)
	if m.waterPaths != nil {
		m.waterPaths.put(key, out.String())
	}
	b.WriteString(out.String())
}

// waterKey is what a drawn water path depends on.
type waterKey struct {
	v   mapView
	pal palette
}

// waterCache holds drawn water paths by view, up to waterCacheSize of
// them; when full it starts again, which keeps the views in use.
type waterCache struct {
	mu    sync.Mutex
	paths map[waterKey]string
}

const waterCacheSize = 512

func (c *waterCache) get(k waterKey) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.paths[k]
	return p, ok
}

func (c *waterCache) put(k waterKey, path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paths == nil || len(c.paths) >= waterCacheSize {
		c.paths = make(map[waterKey]string, waterCacheSize)
	}
	c.paths[k] = path
}

func (m *mapper) drawWater(b *strings.Builder, v mapView, pal palette) {
	view := orb.Bound{Min: orb.Point{-clipMarginPx, -clipMarginPx}, Max: orb.Point{v.w + clipMarginPx, v.h + clipMarginPx}}
	ext := m.base.Extent()
	lo, hi := v.px(ext.Min), v.px(ext.Max) // lo is bottom-left, hi top-right
	water := orb.Bound{
		Min: orb.Point{math.Max(lo.X(), view.Min.X()), math.Max(hi.Y(), view.Min.Y())},
		Max: orb.Point{math.Min(hi.X(), view.Max.X()), math.Min(lo.Y(), view.Max.Y())},
	}
	if water.Min.X() >= water.Max.X() || water.Min.Y() >= water.Max.Y() {
		return
	}
	var d strings.Builder
	writeRing(&d, water.ToRing())
	dp := simplify.DouglasPeucker(coastTolerancePx)
	for _, r := range m.base.Land(v.bound(clipMarginPx)) {
		px := make(orb.Ring, len(r))
		for i, p := range r {
			px[i] = v.px(p)
		}
		px = clip.Ring(view, px)
		if len(px) < 4 {
			continue
		}
		px = dp.Ring(px)
		if len(px) < 4 || math.Abs(planar.Area(px)) < minRingAreaPx {
			continue
		}
		writeRing(&d, px)
	}
	fmt.Fprintf(b, `<path class="map-water" d="%s" fill="%s" fill-rule="evenodd" stroke="%s" stroke-width="1"/>`, d.String(), pal.water, pal.coast)
}

// writeRing writes a closed ring as path data in whole pixels ("M1 2 3 4
// 5 6Z": after a move, further pairs are lines), skipping points that
// round onto the one before.
func writeRing(d *strings.Builder, r orb.Ring) {
	lastX, lastY := math.MinInt, math.MinInt
	n := 0
	for i, p := range r {
		if i == len(r)-1 && r.Closed() {
			break
		}
		x, y := int(math.Round(p.X())), int(math.Round(p.Y()))
		if x == lastX && y == lastY {
			continue
		}
		if n == 0 {
			fmt.Fprintf(d, "M%d %d", x, y)
		} else {
			fmt.Fprintf(d, " %d %d", x, y)
		}
		lastX, lastY, n = x, y, n+1
	}
	if n > 0 {
		d.WriteString("Z")
	}
}

// metresPerMile is the international mile.
const metresPerMile = 1609.344

// writeDecorations draws what every map carries, aria-hidden, and reserves
// its room from the labels: a scale bar in the site's units (bottom left), north
// (top right) and the basemap's attribution (bottom right).
func (m *mapper) writeDecorations(b *strings.Builder, v mapView, pal palette, lab *labeller) {
	fmt.Fprintf(b, `<g class="map-decor" aria-hidden="true" font-size="11" fill="%s">`, pal.ink)
	writeScaleBar(b, v, pal, lab, m.units)
	// North: an arrow and an N in the top right corner.
	x, y := v.w-14, 8.0
	fmt.Fprintf(b, `<path d="M%g %gl6 14-6-4-6 4z" stroke="#fff" stroke-width="1"/><text x="%g" y="%g" text-anchor="middle" font-weight="bold" stroke="#fff" stroke-width="3" paint-order="stroke">N</text>`,
		x, y, x, y+27)
	lab.block(box{x - 9, 0, v.w, y + 30})
	if m.base != nil && m.base.Attribution() != "" {
		text := m.base.Attribution()
		bx := labelBox(text, labelStyle{size: 9}, 0, 0)
		tw := bx.x1 - bx.x0
		x0, y0 := v.w-tw-4, v.h-14
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="14" fill="#fff" fill-opacity="0.85"/><text x="%.1f" y="%.1f" font-size="9">%s</text>`,
			x0, y0, tw+4, x0+2, v.h-4, template.HTMLEscapeString(text))
		lab.block(box{x0, y0, v.w, v.h})
	}
	b.WriteString(`</g>`)
}

// writeScaleBar draws a bar of a round number of miles (or kilometres),
// no longer than a quarter of the map's width.
func writeScaleBar(b *strings.Builder, v mapView, pal palette, lab *labeller, units engine.Units) {
	pxPerUnit := units.Metres(1) * v.groundScale
	var n float64
	for _, step := range []float64{0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100} {
		if step*pxPerUnit <= v.w/4 {
			n = step
		}
	}
	if n == 0 {
		return
	}
	label := milesText(n)
	if units == engine.Kilometres {
		label = kmText(n)
	}
	px := n * pxPerUnit
	x, y := 8.0, v.h-8
	lb := labelBox(label, smallPrint, 0, 0)
	w := px + 6 + (lb.x1 - lb.x0) + 4
	fmt.Fprintf(b, `<g class="map-scale"><rect x="%.1f" y="%.1f" width="%.1f" height="18" fill="#fff" fill-opacity="0.85"/><path d="M%.1f %.1fv-6h%.1fv6" fill="none" stroke="%s" stroke-width="2"/><text x="%.1f" y="%.1f">%s</text></g>`,
		x-4, y-14, w, x, y-2, px, pal.ink, x+px+5, y-2, label)
	lab.block(box{x - 4, y - 14, x - 4 + w, v.h})
}

// kmText writes a scale bar's length in kilometres: "250 m", "1 km".
func kmText(km float64) string {
	if km < 1 {
		return fmt.Sprintf("%g m", km*1000)
	}
	return fmt.Sprintf("%g km", km)
}

// milesText writes a scale bar's length: "¼ mile", "1 mile", "5 miles".
func milesText(miles float64) string {
	switch miles {
	case 0.25:
		return "¼ mile"
	case 0.5:
		return "½ mile"
	case 1:
		return "1 mile"
	}
	if miles < 1 {
		return fmt.Sprintf("%g mile", miles)
	}
	return fmt.Sprintf("%g miles", miles)
}
