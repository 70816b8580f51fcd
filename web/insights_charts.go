package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"signpost/directory"
)

// The insight pages' charts are drawn here as inline SVG: no script, no
// requests. Each has a title and a description, and the table beside it
// holds the same figures, which is its text alternative. Bars show the
// figures as published (rounded to 5); a figure shown only as "fewer than
// 5" is drawn as a short hatched stub, never as a length.

// bar is one bar of a chart: a label and its figure.
type bar struct {
	Label string
	Fig   directory.Figure
}

// Chart drawing constants, in SVG pixels. Each bar's label sits above
// it, so that a chart stays readable when a phone shrinks it: at 375 px
// its text is still about 13 px high.
const (
	chartWidth    = 400
	chartRow      = 38 // label line, bar and gap
	chartBarH     = 14
	chartTopPad   = 4
	chartValueW   = 96
	chartFewStubW = 6
	chartInk      = "#0b0c0c"
	chartBar      = "#1d4f91"
)

// barChart draws horizontal bars, one per figure, the longest as wide as
// the chart allows. It returns "" when there are no bars.
func barChart(id, title, desc string, bars []bar) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	top := 0
	for _, b := range bars {
		top = max(top, b.Fig.Rounded)
	}
	h := chartTopPad*2 + len(bars)*chartRow
	plotW := float64(chartWidth - chartValueW)
	var s strings.Builder
	writeChartOpen(&s, id, title, desc, chartWidth, h)
	fmt.Fprintf(&s, `<defs><pattern id="few-%s" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="%s"/></pattern></defs>`, id, chartBar)
	s.WriteString(`<g aria-hidden="true" font-size="14" fill="` + chartInk + `">`)
	for i, b := range bars {
		y := chartTopPad + i*chartRow
		fmt.Fprintf(&s, `<text x="0" y="%d">%s</text>`, y+13, template.HTMLEscapeString(clipLabel(b.Label, 48)))
		w := chartFewStubW * 1.0
		fill := "url(#few-" + id + ")"
		if !b.Fig.Few && top > 0 {
			w = math.Max(2, plotW*float64(b.Fig.Rounded)/float64(top))
			fill = chartBar
		}
		fmt.Fprintf(&s, `<rect x="0" y="%d" width="%.1f" height="%d" fill="%s" stroke="%s" stroke-width="1"/>`, y+18, w, chartBarH, fill, chartBar)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-weight="bold">%s</text>`, w+6, y+30, template.HTMLEscapeString(b.Fig.String()))
	}
	s.WriteString(`</g></svg>`)
	return template.HTML(s.String())
}

// spread is one row of the wellbeing chart: the median change and the
// middle half of the changes (lower to upper quartile).
type spread struct {
	Label               string
	Median, Lower, High int
}

// spreadChart draws, for each question, the middle half of the changes as
// a band and the median as a dot, on one axis from −10 to +10 with zero
// (no change) marked.
func spreadChart(id, title, desc string, rows []spread) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	const axisH = 26
	h := chartTopPad*2 + len(rows)*chartRow + axisH
	x0, x1 := 12.0, float64(chartWidth-12)
	xOf := func(v int) float64 {
		return x0 + (x1-x0)*float64(v+directory.MaxWellbeingChange)/float64(2*directory.MaxWellbeingChange)
	}
	var s strings.Builder
	writeChartOpen(&s, id, title, desc, chartWidth, h)
	s.WriteString(`<g aria-hidden="true" font-size="14" fill="` + chartInk + `">`)
	plotBottom := chartTopPad + len(rows)*chartRow
	fmt.Fprintf(&s, `<path d="M%.1f %dV%d" stroke="#505a5f" stroke-dasharray="4 3"/>`, xOf(0), chartTopPad+16, plotBottom)
	for i, r := range rows {
		y := chartTopPad + i*chartRow
		mid := float64(y) + 25
		fmt.Fprintf(&s, `<text x="0" y="%d">%s</text>`, y+13, template.HTMLEscapeString(clipLabel(r.Label, 48)))
		fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="10" fill="#b7d3ec" stroke="%s"/>`, xOf(r.Lower), mid-5, math.Max(2, xOf(r.High)-xOf(r.Lower)), chartBar)
		fmt.Fprintf(&s, `<circle cx="%.1f" cy="%.1f" r="6" fill="%s" stroke="#fff" stroke-width="2"/>`, xOf(r.Median), mid, chartBar)
	}
	for _, v := range []int{-10, -5, 0, 5, 10} {
		label := fmt.Sprintf("%+d", v)
		if v == 0 {
			label = "0"
		}
		anchor := "middle"
		if v == -10 {
			anchor = "start"
		} else if v == 10 {
			anchor = "end"
		}
		x := xOf(v)
		if v == -10 {
			x = 0
		} else if v == 10 {
			x = chartWidth
		}
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" text-anchor="%s" font-size="13">%s</text>`, x, plotBottom+18, anchor, label)
	}
	s.WriteString(`</g></svg>`)
	return template.HTML(s.String())
}

func writeChartOpen(s *strings.Builder, id, title, desc string, w, h int) {
	fmt.Fprintf(s, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title-%s chart-desc-%s">`, w, h, id, id)
	fmt.Fprintf(s, `<title id="chart-title-%s">%s</title><desc id="chart-desc-%s">%s</desc>`, id, template.HTMLEscapeString(title), id, template.HTMLEscapeString(desc))
}

// clipLabel shortens a label to n runes with an ellipsis; the table beside
// the chart has it whole.
func clipLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// districtMark is one postcode district on the gaps map: how many of the
// needs asked about have no in-person activity within reach of it.
type districtMark struct {
	Place directory.Place
	// Missing is how many of Of needs have a gap here.
	Missing, Of int
	// Chosen is the district the filters chose: ringed in black and
	// always named.
	Chosen bool
}

// gapsMap draws the postcode districts on the basemap: a district with a
// gap is a ring sized by how many needs are missing (with its code beside
// it when there is room), a district with none a small dot. Size and
// shape, not colour alone, carry the meaning.
func (m *mapper) gapsMap(title, desc string, marks []districtMark) template.HTML {
	if len(marks) == 0 {
		return ""
	}
	const w, h = 640.0, 560.0
	pts := make([]orb.Point, len(marks))
	for i, d := range marks {
		pts[i] = orb.Point{d.Place.Lon, d.Place.Lat}
	}
	v := fitView(pts, w, h, box{mapPad, mapPad + 6, w - mapPad, h - mapPad - 18}, 5000)
	lab := &labeller{w: w, h: h}
	pal := screenPalette
	var b strings.Builder
	writeSVGOpen(&b, mapSpec{ID: "gaps", Title: title, Desc: desc, Width: int(w), Height: int(h)})
	fmt.Fprintf(&b, `<rect class="map-land" width="%g" height="%g" fill="%s"/>`, w, h, pal.land)
	m.writeWater(&b, v, pal)
	var decor strings.Builder
	m.writeDecorations(&decor, v, pal, lab)
	var marksSVG strings.Builder
	marksSVG.WriteString(`<g class="gap-marks" aria-hidden="true">`)
	type gapAt struct {
		p    orb.Point
		r    float64
		code string
	}
	var gaps []gapAt
	var chosen *gapAt
	for _, d := range marks {
		p := v.px(orb.Point{d.Place.Lon, d.Place.Lat})
		if d.Chosen {
			r := 6 + 8*float64(d.Missing)/float64(max(1, d.Of)) + 5
			chosen = &gapAt{p, r, d.Place.Name}
			lab.block(boxAround(p.X(), p.Y(), r+2))
		}
		if d.Missing == 0 {
			fmt.Fprintf(&marksSVG, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s" stroke="#fff" stroke-width="1"/>`, p.X(), p.Y(), pal.pin)
			lab.block(boxAround(p.X(), p.Y(), 4))
			continue
		}
		r := 6 + 8*float64(d.Missing)/float64(max(1, d.Of))
		gaps = append(gaps, gapAt{p, r, d.Place.Name})
		lab.block(boxAround(p.X(), p.Y(), r+1))
	}
	for _, g := range gaps {
		fmt.Fprintf(&marksSVG, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="#b3261e" fill-opacity="0.25" stroke="#b3261e" stroke-width="2.5"/><path d="M%.1f %.1fl6 6m0-6l-6 6" stroke="#b3261e" stroke-width="2.5"/>`,
			g.p.X(), g.p.Y(), g.r, g.p.X()-3, g.p.Y()-3)
	}
	if chosen != nil {
		fmt.Fprintf(&marksSVG, `<circle cx="%.1f" cy="%.1f" r="%.1f" fill="none" stroke="%s" stroke-width="3"/>`, chosen.p.X(), chosen.p.Y(), chosen.r, pal.ink)
	}
	marksSVG.WriteString(`</g>`)
	// The chosen district's code, then the gaps', then town names where
	// there is room left.
	if chosen != nil {
		// Where districts crowd, further out until it fits.
		for gap := chosen.r + 1; gap < chosen.r+40; gap += 8 {
			if lab.place(chosen.code, townStyle, chosen.p.X(), chosen.p.Y(), gap, besideOffsets, nil) {
				break
			}
		}
	}
	for _, g := range gaps {
		if chosen != nil && g.code == chosen.code {
			continue
		}
		lab.place(g.code, youStyle, g.p.X(), g.p.Y(), g.r+1, besideOffsets, nil)
	}
	m.placeNames(v, lab, nil)
	writeLabels(&b, lab.labels, pal)
	b.WriteString(decor.String())
	b.WriteString(marksSVG.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
