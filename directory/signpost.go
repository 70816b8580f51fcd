package directory

import (
	"strings"
	"time"
)

// Capacity says whether a service can take new people right now. Providers
// change it without moderation because link workers need it at once.
type Capacity string

// The capacity states. An empty Capacity means the provider has not said,
// which Signpost treats as accepting.
const (
	CapacityAccepting   Capacity = "accepting"
	CapacityWaitingList Capacity = "waiting-list"
	CapacityFull        Capacity = "full"
	CapacityPaused      Capacity = "paused"
)

// Capacities lists the capacity states in the order a form offers them.
var Capacities = []Capacity{CapacityAccepting, CapacityWaitingList, CapacityFull, CapacityPaused}

// Valid reports whether c is empty or one of the known states.
func (c Capacity) Valid() bool {
	if c == "" {
		return true
	}
	for _, k := range Capacities {
		if c == k {
			return true
		}
	}
	return false
}

// Label is the plain-English wording shown to people.
func (c Capacity) Label() string {
	switch c {
	case CapacityWaitingList:
		return "Waiting list"
	case CapacityFull:
		return "Full at the moment"
	case CapacityPaused:
		return "Paused"
	default:
		return "Taking new people"
	}
}

// Delivery is a way a person can take part.
type Delivery string

// The delivery modes.
const (
	DeliveryInPerson Delivery = "in-person"
	DeliveryOnline   Delivery = "online"
	DeliveryPhone    Delivery = "phone"
)

// Deliveries lists the delivery modes in display order.
var Deliveries = []Delivery{DeliveryInPerson, DeliveryOnline, DeliveryPhone}

// Valid reports whether d is a known delivery mode.
func (d Delivery) Valid() bool {
	return d == DeliveryInPerson || d == DeliveryOnline || d == DeliveryPhone
}

// Label is the plain-English wording shown to people.
func (d Delivery) Label() string {
	switch d {
	case DeliveryOnline:
		return "Online"
	case DeliveryPhone:
		return "By phone"
	default:
		return "In person"
	}
}

// ServiceStatus is an HSDS service's status: whether it is running.
type ServiceStatus string

// Service statuses of HSDS. Only an active service is offered to people.
const (
	StatusActive            ServiceStatus = "active"
	StatusInactive          ServiceStatus = "inactive"
	StatusDefunct           ServiceStatus = "defunct"
	StatusTemporarilyClosed ServiceStatus = "temporarily closed"
)

// ServiceStatuses lists the statuses HSDS allows.
var ServiceStatuses = []ServiceStatus{StatusActive, StatusInactive, StatusDefunct, StatusTemporarilyClosed}

// Weekdays are the iCalendar day codes schedules use in byday, Monday first.
var Weekdays = []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}

// Days returns the weekday codes on which any of the service's schedules
// (its own or those at its locations) run, in week order without repeats.
func (s *Service) Days() []string {
	seen := map[string]bool{}
	add := func(scheds []Schedule) {
		for _, sc := range scheds {
			for _, d := range ParseByDay(sc.ByDay) {
				seen[d] = true
			}
		}
	}
	add(s.Schedules)
	for _, sal := range s.ServiceAtLocations {
		add(sal.Schedules)
		if sal.Location != nil {
			add(sal.Location.Schedules)
		}
	}
	var days []string
	for _, d := range Weekdays {
		if seen[d] {
			days = append(days, d)
		}
	}
	return days
}

// ParseByDay reads an iCalendar BYDAY list ("TU,TH", "1MO", "-1FR") and
// returns the bare day codes it names; unknown parts are dropped.
func ParseByDay(byday string) []string {
	var days []string
	for _, part := range strings.Split(byday, ",") {
		part = strings.ToUpper(strings.TrimSpace(part))
		if len(part) < 2 {
			continue
		}
		code := part[len(part)-2:]
		if isWeekday(code) {
			days = append(days, code)
		}
	}
	return days
}

func isWeekday(code string) bool {
	for _, d := range Weekdays {
		if d == code {
			return true
		}
	}
	return false
}

// Free reports whether the service costs nothing: no cost option has an
// amount above zero.
func (s *Service) Free() bool {
	for _, c := range s.CostOptions {
		if c.Amount != nil && *c.Amount > 0 {
			return false
		}
	}
	return true
}

// AcceptsAge reports whether a person of the given age fits the service's
// age bounds; a missing bound is open.
func (s *Service) AcceptsAge(age float64) bool {
	if s.MinimumAge != nil && age < *s.MinimumAge {
		return false
	}
	if s.MaximumAge != nil && age > *s.MaximumAge {
		return false
	}
	return true
}

// Point is a position in degrees.
type Point struct{ Lat, Lon float64 }

// PhysicalPoints returns the positions of the service's physical locations
// that have valid coordinates.
func (s *Service) PhysicalPoints() []Point {
	var pts []Point
	for _, sal := range s.ServiceAtLocations {
		l := sal.Location
		if l == nil || l.LocationType != LocationPhysical || l.Latitude == nil || l.Longitude == nil {
			continue
		}
		if !validLatLon(*l.Latitude, *l.Longitude) {
			continue
		}
		pts = append(pts, Point{*l.Latitude, *l.Longitude})
	}
	return pts
}

func validLatLon(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// HasLocationType reports whether any of the service's locations is of type t.
func (s *Service) HasLocationType(t string) bool {
	for _, sal := range s.ServiceAtLocations {
		if sal.Location != nil && sal.Location.LocationType == t {
			return true
		}
	}
	return false
}

// DeliveryModes returns how a person can take part: the declared delivery
// set, or, when the publisher did not say, what the locations imply.
func (s *Service) DeliveryModes() []Delivery {
	if len(s.Delivery) > 0 {
		return s.Delivery
	}
	var modes []Delivery
	if s.HasLocationType(LocationPhysical) {
		modes = append(modes, DeliveryInPerson)
	}
	if s.HasLocationType(LocationVirtual) {
		modes = append(modes, DeliveryOnline)
	}
	return modes
}

// Offers reports whether the service can be taken part in by mode d.
func (s *Service) Offers(d Delivery) bool {
	for _, m := range s.DeliveryModes() {
		if m == d {
			return true
		}
	}
	return false
}

// Assured returns when a person last confirmed the listing, if ever.
func (s *Service) Assured() (time.Time, bool) {
	return parseDate(s.AssuredDate)
}

// parseDate accepts the date forms HSDS publishers use: a plain date or a
// full RFC 3339 timestamp.
func parseDate(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, true
	}
	return time.Time{}, false
}
