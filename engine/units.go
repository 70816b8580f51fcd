package engine

import (
	"fmt"
	"math"
	"strings"
)

// Units is how distances are written for people: miles, as people in the
// UK think of them, or kilometres for deployments elsewhere. The zero
// value is Miles. Only words change: every parameter and field the API
// reads or writes stays in metres (proximity, distance_m), as HSDS says.
type Units int

// The units a site can use.
const (
	Miles Units = iota
	Kilometres
)

// MetresPerMile is the international mile.
const MetresPerMile = 1609.344

// ParseUnits reads a units flag: "miles" (or "mi") or "km" (or
// "kilometres").
func ParseUnits(s string) (Units, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "miles", "mile", "mi":
		return Miles, nil
	case "km", "kilometres", "kilometers":
		return Kilometres, nil
	}
	return Miles, fmt.Errorf("units must be miles or km, not %q", s)
}

// String is the flag value: "miles" or "km".
func (u Units) String() string {
	if u == Kilometres {
		return "km"
	}
	return "miles"
}

// Metres is a length of n of these units, in metres.
func (u Units) Metres(n float64) float64 {
	if u == Kilometres {
		return n * 1000
	}
	return n * MetresPerMile
}

// Count writes n whole units: "1 mile", "5 miles", "10 km".
func (u Units) Count(n float64) string {
	num := fmt.Sprintf("%g", n)
	if u == Kilometres {
		return num + " km"
	}
	if n == 1 {
		return "1 mile"
	}
	return num + " miles"
}

// Distance writes a distance the way people say it, the one way Signpost
// does on pages and in reasons. Miles: one decimal under 10 miles ("0.3
// miles", "2.5 miles", "1 mile"), whole miles beyond ("12 miles"), and
// "less than 0.1 miles" for a few steps. Kilometres: metres to the
// nearest 10 under 1 km ("450 m"), one decimal under 10 km ("1.2 km"),
// whole kilometres beyond ("12 km").
func (u Units) Distance(m float64) string {
	if u == Kilometres {
		switch {
		case m < 995:
			return fmt.Sprintf("%d m", int(math.Round(m/10)*10))
		case m < 9950:
			return fmt.Sprintf("%.1f km", m/1000)
		default:
			return fmt.Sprintf("%.0f km", m/1000)
		}
	}
	mi := m / MetresPerMile
	tenths := math.Round(mi * 10)
	switch {
	case tenths < 1:
		return "less than 0.1 miles"
	case tenths == 10:
		return "1 mile"
	case tenths < 100:
		if int(tenths)%10 == 0 {
			return fmt.Sprintf("%.0f miles", tenths/10)
		}
		return fmt.Sprintf("%.1f miles", tenths/10)
	default:
		return fmt.Sprintf("%.0f miles", mi)
	}
}
