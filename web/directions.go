package web

import (
	"html/template"
	"net/url"
	"strconv"

	"signpost/directory"
)

// directions are the links that start a journey to a place of an activity.
type directions struct {
	// OSM opens OpenStreetMap's route planner at the place, starting from
	// the person's place when it is known.
	OSM string
	// Geo is a geo: link (RFC 5870), which phones open in their own maps.
	Geo template.URL
	// From names where the route starts, when known.
	From string
}

// directionsTo makes the links to the point lat, lon; from may be nil.
func directionsTo(lat, lon float64, from *directory.Place) directions {
	to := latLon(lat, lon)
	route := ";" + to
	d := directions{Geo: template.URL("geo:" + to)} // digits, '.', '-' and ',' only
	if from != nil {
		route = latLon(from.Lat, from.Lon) + route
		d.From = from.Name
	}
	d.OSM = "https://www.openstreetmap.org/directions?" + url.Values{"route": {route}}.Encode()
	return d
}

// latLon writes a point to five decimals, about a metre.
func latLon(lat, lon float64) string {
	return strconv.FormatFloat(lat, 'f', 5, 64) + "," + strconv.FormatFloat(lon, 'f', 5, 64)
}

// personPlace is the person's place an activity page was reached from: the
// search's place, carried in the result's link as ?near=.
func (h *publicHandlers) personPlace(q url.Values) *directory.Place {
	if near := q.Get("near"); near != "" {
		if p, ok := h.places.Lookup(near); ok {
			return &p
		}
	}
	return nil
}

func validPoint(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}
