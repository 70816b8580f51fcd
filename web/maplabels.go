package web

import (
	"strings"
)

// box is a rectangle on the drawing, in pixels.
type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

func (a box) inside(w, h, margin float64) bool {
	return a.x0 >= margin && a.y0 >= margin && a.x1 <= w-margin && a.y1 <= h-margin
}

func (a box) centre() (float64, float64) { return (a.x0 + a.x1) / 2, (a.y0 + a.y1) / 2 }

// boxAround is the square of half-side r around (x, y).
func boxAround(x, y, r float64) box { return box{x - r, y - r, x + r, y + r} }

// labelStyle is how one kind of label is written.
type labelStyle struct {
	class  string
	size   float64 // font size, px
	weight string  // "bold" or ""
	italic bool
}

// The label sizes. The overlap check cannot measure text on the server, so
// it estimates each label's box: the width is the sum of each character's
// estimated advance (labelEm) times the font size, plus the halo on both
// sides; the height is 1.25 × the font size. The advances are those of
// DejaVu Sans, the widest of the fonts a browser picks from the site's
// stack, rounded up into a few classes: over the gazetteer's and the
// waters' names, Chromium's measured widths are 93% of the estimate on
// average and never more than it, so labels that do not overlap on paper
// do not overlap on screen. The browser test checks the drawn labels.
var (
	townStyle  = labelStyle{class: "map-town", size: 14, weight: "bold"}
	hoodStyle  = labelStyle{class: "map-hood", size: 12}
	waterStyle = labelStyle{class: "map-water-name", size: 13, italic: true}
	youStyle   = labelStyle{class: "map-you-label", size: 13, weight: "bold"}
	// smallPrint is the attribution's and the scale bar's text.
	smallPrint = labelStyle{size: 11}
)

// labelEm is a character's estimated advance as a share of the font size.
func labelEm(r rune) float64 {
	switch {
	case strings.ContainsRune("ijlI'.,:;!|", r):
		return 0.30
	case strings.ContainsRune("ftr -()", r):
		return 0.42
	case strings.ContainsRune("mwMW©", r):
		return 1.0
	case r >= 'A' && r <= 'Z':
		return 0.78
	}
	return 0.64
}

// boldWidening is how much wider bold text is than regular.
const boldWidening = 1.12

// haloPx is the width of the white outline drawn behind label text, on
// each side, so names stay legible over coast lines and water.
const haloPx = 1.5

// labelBox is the estimated box of text in style st centred on (cx, cy).
func labelBox(text string, st labelStyle, cx, cy float64) box {
	var em float64
	for _, r := range text {
		em += labelEm(r)
	}
	if st.weight == "bold" {
		em *= boldWidening
	}
	w := em*st.size + 2*haloPx
	h := 1.25 * st.size
	return box{cx - w/2, cy - h/2, cx + w/2, cy + h/2}
}

// placedLabel is a label with the box it was given.
type placedLabel struct {
	text  string
	style labelStyle
	at    box
}

// labeller places labels one at a time, each clear of everything placed
// before it: pins, the "you" marker, the scale bar and attribution, and
// earlier labels. What is placed first wins, so callers offer the most
// useful names first.
type labeller struct {
	w, h   float64
	taken  []box
	labels []placedLabel
}

// block reserves a box no label may cover.
func (l *labeller) block(b box) { l.taken = append(l.taken, b) }

// edgeMargin keeps labels off the drawing's very edge.
const edgeMargin = 2

func (l *labeller) free(b box) bool {
	if !b.inside(l.w, l.h, edgeMargin) {
		return false
	}
	for _, t := range l.taken {
		if t.overlaps(b) {
			return false
		}
	}
	return true
}

// place tries text at (x, y) moved by each offset in turn (in multiples of
// the label's width and height, plus gap pixels in the same direction, to
// clear a marker) and keeps the first position that is free and that ok
// accepts (nil accepts all). It reports whether it placed it.
func (l *labeller) place(text string, st labelStyle, x, y, gap float64, offsets [][2]float64, ok func(box) bool) bool {
	return l.placeLines([]string{text}, st, x, y, gap, offsets, ok)
}

// placeLines is place for a label of one or more lines, stacked and
// centred; each line becomes a label of its own box.
func (l *labeller) placeLines(lines []string, st labelStyle, x, y, gap float64, offsets [][2]float64, ok func(box) bool) bool {
	var bw float64
	for _, line := range lines {
		b := labelBox(line, st, 0, 0)
		bw = max(bw, b.x1-b.x0)
	}
	lineH := 1.25 * st.size
	bh := lineH * float64(len(lines))
	for _, o := range offsets {
		cx, cy := x+o[0]*bw+sign(o[0])*gap, y+o[1]*bh+sign(o[1])*gap
		// Near an edge, slide the label inwards by up to half its width
		// rather than lose it.
		if d := edgeMargin - (cx - bw/2); d > 0 && d <= bw/2 {
			cx += d
		} else if d := cx + bw/2 - (l.w - edgeMargin); d > 0 && d <= bw/2 {
			cx -= d
		}
		b := box{cx - bw/2, cy - bh/2, cx + bw/2, cy + bh/2}
		if !l.free(b) || (ok != nil && !ok(b)) {
			continue
		}
		l.taken = append(l.taken, b)
		for i, line := range lines {
			ly := b.y0 + lineH*(float64(i)+0.5)
			l.labels = append(l.labels, placedLabel{text: line, style: st, at: labelBox(line, st, cx, ly)})
		}
		return true
	}
	return false
}

// Where a label may go relative to its point: on it, then just above,
// below, right and left, then the diagonals, then a little further out; no
// further, or the name would seem to belong somewhere else.
var (
	placeOffsets = [][2]float64{{0, 0}, {0, -1}, {0, 1}, {0.6, 0}, {-0.6, 0}, {0.6, -1}, {-0.6, -1}, {0.6, 1}, {-0.6, 1},
		{0, -1.8}, {0, 1.8}, {0.9, 0}, {-0.9, 0}, {0.6, -1.8}, {-0.6, -1.8}, {0.6, 1.8}, {-0.6, 1.8}}
	// A marker's own label sits beside it, never on it.
	besideOffsets = [][2]float64{{0.5, 0}, {-0.5, 0}, {0, -0.5}, {0, 0.5}, {0.5, -0.5}, {-0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}}
)

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
