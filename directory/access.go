package directory

import (
	"slices"
	"strings"
)

// accessPhrases are the wordings that, in a place's free-text accessibility
// notes or directions, state an access feature. They are deliberately
// literal: "no lift" or "three steps" state nothing, and a feature
// read wrongly would send someone to a door they cannot get through.
var accessPhrases = map[string][]string{
	"step-free":         {"step-free", "step free", "level floors", "level access", "there is a lift", "lift to all floors", "gentle ramp"},
	"accessible-toilet": {"accessible toilet", "changing places toilet", "accessible changing", "disabled toilet"},
	"hearing-loop":      {"hearing loop", "induction loop"},
	"bsl":               {"british sign language", "bsl"},
	"quiet-space":       {"quiet room", "quiet space", "quiet area"},
	"parking":           {"car park", "blue badge", "disabled parking", "free parking", "parking bays", "parking on the", "parking around", "parking nearby"},
	"public-transport":  {"bus stop", "buses stop", " station", "train station"},
}

// AccessFromText derives the access features that a place's free-text
// notes state, as codes of the signpost-access taxonomy in vocabulary
// order. It derives structured data for directories that have only the
// text (the sample, synthetic data); imports keep what they are given.
func AccessFromText(text string) []string {
	text = " " + strings.ToLower(text)
	var out []string
	for _, t := range AccessFeatures {
		if slices.ContainsFunc(accessPhrases[t.Code], func(p string) bool { return strings.Contains(text, p) }) {
			out = append(out, t.Code)
		}
	}
	return out
}

// SetAccess makes the access features of sal exactly codes (unknown codes
// are ignored), keeping its other attributes and the features it already
// had in their place, so an unchanged set changes nothing.
func (sal *ServiceAtLocation) SetAccess(codes []string) {
	want := map[string]bool{}
	for _, c := range codes {
		if _, ok := LookupTerm(TaxonomyAccess, c); ok {
			want[c] = true
		}
	}
	var attrs []Attribute
	for _, a := range sal.Attributes {
		t, ok := a.SignpostTerm()
		switch {
		case !ok || t.Taxonomy != TaxonomyAccess:
			attrs = append(attrs, a)
		case want[t.Code]:
			attrs = append(attrs, a)
			delete(want, t.Code)
		}
	}
	for _, t := range AccessFeatures {
		if want[t.Code] {
			attrs = append(attrs, AccessAttribute(sal.ID, t))
		}
	}
	sal.Attributes = attrs
}
