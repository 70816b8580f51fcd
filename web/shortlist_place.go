package web

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
)

// A list's place, a postcode district, puts its activities on a map
// around the person's area, says how far each is, and can put the nearest
// first.

// listPlace is the list's place found in the gazetteer, or nil when the
// list has none or the gazetteer does not know it.
func (h *shortlistHandlers) listPlace(district string) *directory.Place {
	if district == "" || h.places == nil {
		return nil
	}
	p, ok := h.places.Lookup(district)
	if !ok {
		return nil
	}
	return &p
}

// nearestPoint is where an activity happens nearest to place (its first
// place when place is nil), or nil for an activity with no place.
func nearestPoint(svc *directory.Service, place *directory.Place) *orb.Point {
	if svc == nil {
		return nil
	}
	_, pt := nearestLocation(svc, place)
	return pt
}

// placeItems says how far each item is from the list's place and returns
// the map of the list: numbered pins linking to the items, and the place
// marked You.
func (h *shortlistHandlers) placeItems(views []listItemView, items []directory.ItemView, place *directory.Place, print bool) template.HTML {
	if h.maps == nil {
		return ""
	}
	spec := mapSpec{ID: "list", You: place, Mono: print}
	for i, it := range items {
		pt := nearestPoint(it.Service, place)
		if pt == nil {
			continue
		}
		if place != nil {
			views[i].Distance = h.maps.units.Distance(geo.Distance(*pt, orb.Point{place.Lon, place.Lat}))
		}
		mk := mapMarker{N: views[i].N, Lat: pt.Lat(), Lon: pt.Lon(), Label: views[i].Name}
		if !print {
			mk.Href = "#item-" + it.ServiceID
		}
		spec.Markers = append(spec.Markers, mk)
	}
	if len(spec.Markers) == 0 {
		return ""
	}
	spec.Title = fmt.Sprintf("Map of the %d %s on this list with a place to visit", len(spec.Markers), pluralWord(len(spec.Markers), "activity", "activities"))
	spec.Desc = "Each numbered pin is the activity with that number in the list."
	if place != nil {
		spec.Title += ", around " + place.Name
		spec.Desc += " The diamond marked You is " + place.Name + "."
	}
	return h.maps.draw(spec)
}

// nearestFirst orders items by how far they are from place, those with no
// place last, keeping the list's order among equals.
func nearestFirst(items []directory.ItemView, place *directory.Place) []string {
	dist := func(it directory.ItemView) float64 {
		pt := nearestPoint(it.Service, place)
		if pt == nil {
			return math.Inf(1)
		}
		return geo.Distance(*pt, orb.Point{place.Lon, place.Lat})
	}
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b directory.ItemView) int { return cmp.Compare(dist(a), dist(b)) })
	out := make([]string, len(sorted))
	for i, it := range sorted {
		out[i] = it.ServiceID
	}
	return out
}
