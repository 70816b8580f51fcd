package api

import (
	"math"
	"net/http"

	"signpost/directory"
	"signpost/engine"
)

// salItem is one service_at_location of the list: the link's own fields,
// its location and its service in one-to-one form
// (compiled/service_at_location_list.json).
type salItem struct {
	ID          string               `json:"id"`
	ServiceID   string               `json:"service_id,omitempty"`
	LocationID  string               `json:"location_id,omitempty"`
	Description string               `json:"description,omitempty"`
	Contacts    []directory.Contact  `json:"contacts,omitempty"`
	Phones      []directory.Phone    `json:"phones,omitempty"`
	Schedules   []directory.Schedule `json:"schedules,omitempty"`
	Location    *directory.Location  `json:"location,omitempty"`
	Service     *directory.Service   `json:"service,omitempty"`
}

// listServiceAtLocations answers GET /service_at_locations: the places where
// matching services are delivered, with the same filters as /services.
// With postcode (or lat and lon) and proximity, a physical location further
// than proximity metres is left out even when its service has a nearer
// one; locations that are not physical (online, postal) stay, as their
// services do.
func (s *server) listServiceAtLocations(w http.ResponseWriter, r *http.Request) error {
	q, err := s.parseServiceQuery(r.Context(), r.URL.Query())
	if err != nil {
		return err
	}
	if q.ndjson {
		return badParam("format", "service_at_locations answers in pages; use /services?format=ndjson to stream")
	}
	p := q.paging
	var items []salItem
	total := 0
	// Pages are counted in locations, not services, so every matching
	// service is read; the page is kept as it goes by.
	err = eachRanked(r.Context(), s.search.Search, q.engine, func(res engine.Result) error {
		if !q.keep(res.Service) {
			return nil
		}
		for i := range res.Service.ServiceAtLocations {
			sal := &res.Service.ServiceAtLocations[i]
			if !salWithin(&q.engine, sal) {
				continue
			}
			if total >= p.Offset() && len(items) < p.PerPage {
				items = append(items, newSALItem(res.Service, sal, q.shape == shapeFull))
			}
			total++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newPage(items, total, p))
}

// salWithin applies the radius to one location.
func salWithin(q *engine.Query, sal *directory.ServiceAtLocation) bool {
	if !q.HasPoint || q.RadiusM <= 0 {
		return true
	}
	l := sal.Location
	if l == nil || l.LocationType != directory.LocationPhysical || l.Latitude == nil || l.Longitude == nil {
		return true
	}
	d := distanceM(q.Lat, q.Lon, *l.Latitude, *l.Longitude)
	return !math.IsNaN(d) && d <= q.RadiusM
}

func newSALItem(svc *directory.Service, sal *directory.ServiceAtLocation, full bool) salItem {
	it := salItem{
		ID:          sal.ID,
		ServiceID:   sal.ServiceID,
		LocationID:  sal.LocationID,
		Description: sal.Description,
		Service:     listService(svc),
	}
	if it.ServiceID == "" {
		it.ServiceID = svc.ID
	}
	if sal.Location != nil {
		loc := *sal.Location
		if it.LocationID == "" {
			it.LocationID = loc.ID
		}
		if !full {
			loc.Languages, loc.Addresses, loc.Contacts, loc.Accessibility = nil, nil, nil, nil
			loc.Phones, loc.Schedules, loc.Attributes, loc.Metadata = nil, nil, nil, nil
		}
		it.Location = &loc
	}
	if full {
		it.Contacts, it.Phones, it.Schedules = sal.Contacts, sal.Phones, sal.Schedules
	}
	return it
}
