package api

import (
	"math"
	"slices"
	"strings"
	"time"

	"signpost/directory"
	"signpost/engine"
)

// matchesFilters reports whether a service passes every filter of q except
// the words (q.Text), with the engine's Search semantics (DESIGN.md's
// filter semantics). The engine keeps these in an in-memory table and
// answers a page at a time; format=ndjson without words streams the store
// through this instead, in id order and in constant memory, where paging
// through the engine would cost a ranked pass per batch.
//
// TestNDJSONAgreesWithPages holds this and the engine together.
func matchesFilters(q *engine.Query, s *directory.Service) bool {
	if s.Status != directory.StatusActive {
		return false
	}
	for _, c := range []struct {
		taxonomy string
		want     []string
	}{{directory.TaxonomyNeeds, q.Needs}, {directory.TaxonomyInterests, q.Interests}, {directory.TaxonomyActivities, q.Activities}} {
		if len(c.want) == 0 {
			continue
		}
		have := s.TermCodes(c.taxonomy)
		for _, code := range c.want {
			if !slices.Contains(have, code) {
				return false
			}
		}
	}
	if q.Free && !s.Free() {
		return false
	}
	if q.Day != "" && !slices.Contains(s.Days(), q.Day) {
		return false
	}
	if q.Delivery != "" && !s.Offers(q.Delivery) {
		return false
	}
	if q.Age != nil && !s.AcceptsAge(float64(*q.Age)) {
		return false
	}
	if q.OrganizationID != "" && organizationID(s) != q.OrganizationID {
		return false
	}
	if !q.ModifiedAfter.IsZero() && !modifiedAfter(s.LastModified, q.ModifiedAfter) {
		return false
	}
	if len(q.TaxonomyTermIDs) > 0 && !hasTermIDs(s, q.TaxonomyTermIDs) {
		return false
	}
	if lang := strings.ToLower(strings.TrimSpace(q.Language)); lang != "" && !speaks(s, lang) {
		return false
	}
	if words := strings.Fields(strings.ToLower(q.Accessibility)); len(words) > 0 && !accessible(s, words) {
		return false
	}
	if len(q.AccessFeatures) > 0 {
		have := s.AccessCodes()
		for _, code := range q.AccessFeatures {
			if !slices.Contains(have, code) {
				return false
			}
		}
	}
	if q.HasPoint && q.RadiusM > 0 {
		pts := s.PhysicalPoints()
		// Services a person can join from home, and those with no place
		// to visit, pass a radius unless in-person was asked for.
		remote := q.Delivery != directory.DeliveryInPerson && (s.Offers(directory.DeliveryOnline) || len(pts) == 0)
		if !remote && !within(pts, q.Lat, q.Lon, q.RadiusM) {
			return false
		}
	}
	return true
}

func modifiedAfter(lastModified string, after time.Time) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, lastModified); err == nil {
			return t.After(after)
		}
	}
	return false // unknown: cannot be shown to be later
}

func hasTermIDs(s *directory.Service, ids []string) bool {
	for _, want := range ids {
		found := false
		for _, a := range s.AllAttributes() {
			if a.TaxonomyTermID == want || (a.TaxonomyTermID == "" && a.TaxonomyTerm != nil && a.TaxonomyTerm.ID == want) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// speaks reports whether the service or one of its locations works in the
// language (a lower-case code or name). Naming none means English.
func speaks(s *directory.Service, lang string) bool {
	var named bool
	check := func(ls []directory.Language) bool {
		for _, l := range ls {
			for _, v := range []string{l.Code, l.Name} {
				v = strings.ToLower(strings.TrimSpace(v))
				if v == "" {
					continue
				}
				named = true
				if v == lang {
					return true
				}
			}
		}
		return false
	}
	if check(s.Languages) {
		return true
	}
	for _, sal := range s.ServiceAtLocations {
		if sal.Location != nil && check(sal.Location.Languages) {
			return true
		}
	}
	return !named && (lang == "en" || lang == "eng" || lang == "english")
}

// accessible reports whether every word occurs in the accessibility notes
// of the service's locations.
func accessible(s *directory.Service, words []string) bool {
	var b strings.Builder
	for _, sal := range s.ServiceAtLocations {
		if sal.Location == nil {
			continue
		}
		for _, a := range sal.Location.Accessibility {
			b.WriteString(strings.ToLower(a.Description))
			b.WriteByte(' ')
			b.WriteString(strings.ToLower(a.Details))
			b.WriteByte(' ')
		}
	}
	notes := b.String()
	for _, w := range words {
		if !strings.Contains(notes, w) {
			return false
		}
	}
	return true
}

// earthRadiusM is the mean Earth radius (IUGG), the one the engine uses, so
// that both agree on a service at the edge of a radius.
const earthRadiusM = 6371008.8

// within reports whether any point lies within radiusM of (lat, lon).
func within(pts []directory.Point, lat, lon, radiusM float64) bool {
	for _, p := range pts {
		if distanceM(lat, lon, p.Lat, p.Lon) <= radiusM {
			return true
		}
	}
	return false
}

// distanceM is the haversine great-circle distance in metres.
func distanceM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	sLat := math.Sin((lat2 - lat1) * rad / 2)
	sLon := math.Sin((lon2 - lon1) * rad / 2)
	a := sLat*sLat + math.Cos(lat1*rad)*math.Cos(lat2*rad)*sLon*sLon
	return 2 * earthRadiusM * math.Asin(math.Sqrt(min(a, 1)))
}
