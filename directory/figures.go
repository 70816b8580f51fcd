package directory

import "strconv"

// Figures about people are shown so that they cannot be differenced into
// small numbers: a count under SmallCount is only "fewer than 5", and any
// other is rounded to the nearest 5. Every page or file that shows outcome
// figures goes through ShowCount and says so beside its table with
// FigureRule.

// SmallCount is the smallest count shown as a number.
const SmallCount = 5

// FigureRule is the sentence shown beside every table of such figures.
const FigureRule = "Counts under 5 are shown as “fewer than 5” and other counts are rounded to the nearest 5, so no figure can be traced to a person."

// Figure is a count as it may be shown.
type Figure struct {
	// Rounded is the count rounded to the nearest 5; 0 when Few.
	Rounded int
	// Few: the count was under SmallCount and is not shown.
	Few bool
}

// ShowCount turns a count into what may be shown of it. Zero is "fewer
// than 5" too: saying none would tell apart none from a few.
func ShowCount(n int) Figure {
	if n < SmallCount {
		return Figure{Few: true}
	}
	return Figure{Rounded: (n + SmallCount/2) / SmallCount * SmallCount}
}

// String is the figure as a page shows it: "fewer than 5" or "15".
func (f Figure) String() string {
	if f.Few {
		return "fewer than 5"
	}
	return strconv.Itoa(f.Rounded)
}

// Shown reports whether a summary of n counts (a median, a share) may be
// shown at all: not when it rests on fewer than SmallCount.
func Shown(n int) bool { return n >= SmallCount }
