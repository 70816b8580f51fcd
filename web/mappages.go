package web

import (
	"fmt"
	"html/template"

	"signpost/directory"
)

// resultsMap draws the page's results around the person's place: the map
// fits the place and the results on this page, each pin numbered as in the
// list and linking to it (on paper, mono and without links).
func (m *mapper) resultsMap(results []resultView, place *directory.Place, what string, print bool) template.HTML {
	spec := mapSpec{ID: "results", You: place, Mono: print}
	for _, r := range results {
		if r.marker == nil {
			continue
		}
		mk := mapMarker{N: r.N, Lat: r.marker.Lat(), Lon: r.marker.Lon(), Label: r.Name}
		if !print {
			mk.Href = fmt.Sprintf("#result-%d", r.N)
		}
		spec.Markers = append(spec.Markers, mk)
	}
	if len(spec.Markers) == 0 {
		return ""
	}
	spec.Title = fmt.Sprintf("Map of the %d %s on this page with a place to visit", len(spec.Markers), what)
	spec.Desc = "Each numbered pin is the result with that number in the list."
	if place != nil {
		spec.Title += ", around " + place.Name
		spec.Desc += " The diamond marked You is " + place.Name + "."
	}
	return m.draw(spec)
}

// activityMap draws where an activity happens, zoomed in close enough to
// name the streets' neighbourhoods but wide enough to show the nearest
// towns.
func (m *mapper) activityMap(svc *directory.Service, print bool) template.HTML {
	pts := svc.PhysicalPoints()
	if len(pts) == 0 {
		return ""
	}
	spec := mapSpec{ID: "activity", Title: "Map of where " + svc.Name + " happens", MinSpanM: 5000, Mono: print}
	for i, pt := range pts {
		mk := mapMarker{Lat: pt.Lat, Lon: pt.Lon, Label: svc.Name}
		if len(pts) > 1 {
			mk.N = i + 1
		}
		spec.Markers = append(spec.Markers, mk)
	}
	if len(pts) == 1 {
		spec.Desc = "The pin marks the place written above, with the towns around it."
	} else {
		spec.Desc = fmt.Sprintf("The %d numbered pins mark the places written above, in the same order.", len(pts))
	}
	return m.draw(spec)
}
