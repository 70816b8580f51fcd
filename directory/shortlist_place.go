package directory

import (
	"regexp"
	"strings"
)

// A list may say roughly where its person lives, to put the nearest
// activities first and draw them on a map. Only a postcode district is
// kept ("L20"): a full postcode narrows a person down to a few dozen
// homes, a district to tens of thousands. A full postcode typed in is cut
// to its district before it is stored.

var (
	// districtRE is an outward code: the area's letters, then a digit and
	// an optional digit or letter ("L2", "L20", "CH41", "EC1A").
	districtRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9][0-9A-Z]?$`)
	// fullPostcodeRE is an outward code followed by the inward code (a
	// digit and two letters), with or without the space.
	fullPostcodeRE = regexp.MustCompile(`^([A-Z]{1,2}[0-9][0-9A-Z]?) ?[0-9][A-Z]{2}$`)
)

// PostcodeDistrict returns the district of a postcode district or a full
// postcode, written the usual way ("l20 3ab" → "L20"); ok is false for
// anything else.
func PostcodeDistrict(s string) (district string, ok bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	if m := fullPostcodeRE.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	if districtRE.MatchString(s) {
		return s, true
	}
	return "", false
}

// validatePlace checks a list's place, returning the district to store.
func validatePlace(place string) (string, Problems) {
	place = strings.TrimSpace(place)
	if place == "" {
		return "", nil
	}
	d, ok := PostcodeDistrict(place)
	if !ok {
		return "", Problems{{Path: "place", Message: "Give the first half of a postcode, like L20, or leave this empty."}}
	}
	return d, nil
}
