package web

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
)

// mapView is a map's projection: Web Mercator, north up, scaled and
// centred so that what the map must show fits the drawing.
type mapView struct {
	w, h float64
	// minX and maxY are the Mercator metres at the drawing's top-left
	// corner; scale is pixels per Mercator metre, the same on both axes so
	// that shapes stay true.
	minX, maxY float64
	scale      float64
	// groundScale is pixels per ground metre at the middle of the map
	// (Mercator stretches ground distances by 1/cos(latitude)).
	groundScale float64
}

// fitView frames points (lon, lat) in a w×h drawing so that they fall
// inside the area frame (which keeps pins clear of the edges and of the
// scale bar), spanning at least minSpanM ground metres each way so that a
// map of one point, or of points close together, shows where they are.
func fitView(points []orb.Point, w, h float64, frame box, minSpanM float64) mapView {
	merc := make([]orb.Point, len(points))
	b := orb.Bound{}
	for i, p := range points {
		merc[i] = project.Point(p, project.WGS84.ToMercator)
		if i == 0 {
			b = merc[i].Bound()
		} else {
			b = b.Extend(merc[i])
		}
	}
	centre := project.Point(b.Center(), project.Mercator.ToWGS84)
	stretch := project.MercatorScaleFactor(centre)
	minSpan := minSpanM * stretch
	spanX := math.Max(b.Max.X()-b.Min.X(), minSpan)
	spanY := math.Max(b.Max.Y()-b.Min.Y(), minSpan)
	scale := math.Min((frame.x1-frame.x0)/spanX, (frame.y1-frame.y0)/spanY)
	// The points' centre goes to the frame's centre.
	c := b.Center()
	fx, fy := frame.centre()
	return mapView{
		w: w, h: h,
		minX:        c.X() - fx/scale,
		maxY:        c.Y() + fy/scale,
		scale:       scale,
		groundScale: scale * stretch,
	}
}

// px places a point (lon, lat) on the drawing.
func (v mapView) px(p orb.Point) orb.Point {
	m := project.Point(p, project.WGS84.ToMercator)
	return orb.Point{(m.X() - v.minX) * v.scale, (v.maxY - m.Y()) * v.scale}
}

// lonLat is the point (lon, lat) under a pixel of the drawing.
func (v mapView) lonLat(px orb.Point) orb.Point {
	m := orb.Point{v.minX + px.X()/v.scale, v.maxY - px.Y()/v.scale}
	return project.Point(m, project.Mercator.ToWGS84)
}

// bound is the area (lon, lat) the drawing shows, widened by marginPx.
func (v mapView) bound(marginPx float64) orb.Bound {
	a := v.lonLat(orb.Point{-marginPx, v.h + marginPx})
	b := v.lonLat(orb.Point{v.w + marginPx, -marginPx})
	return orb.Bound{Min: a, Max: b}
}

// metresPerPx is the ground distance one pixel covers, which decides how
// much detail the map names.
func (v mapView) metresPerPx() float64 { return 1 / v.groundScale }
