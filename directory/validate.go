package directory

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Size caps keep one careless or hostile record from bloating the store and
// every page that shows it. A long description is a few thousand characters.
const (
	MaxNameLen = 300
	MaxTextLen = 20_000
)

var timeOfDay = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?([Zz]|[+-]\d\d:?\d\d)?$`)

// checker collects problems while walking a record.
type checker struct {
	problems Problems
}

func (c *checker) errorf(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(path, format string, args ...any) {
	c.problems = append(c.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...), Warning: true})
}

func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	return prefix + "." + field
}

func index(prefix string, i int) string { return fmt.Sprintf("%s[%d]", prefix, i) }

func (c *checker) required(path, v string) {
	if strings.TrimSpace(v) == "" {
		c.errorf(path, "is required")
	}
}

// requiredID checks that v is a UUID.
func (c *checker) requiredID(path, v string) {
	if v == "" {
		c.errorf(path, "is required")
		return
	}
	c.optionalID(path, v)
}

// optionalID checks that v, when given, is a UUID.
func (c *checker) optionalID(path, v string) {
	if v == "" {
		return
	}
	if _, err := uuid.Parse(v); err != nil || len(v) != 36 {
		c.errorf(path, "%q is not a UUID", clip(v))
	}
}

func (c *checker) text(path, v string, max int) {
	if !utf8.ValidString(v) {
		c.errorf(path, "is not valid UTF-8 text")
		return
	}
	if len(v) > max {
		c.errorf(path, "is %d characters long; the limit is %d", len(v), max)
	}
}

func (c *checker) url(path, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(path, "%q is not a web address (it must start with http:// or https://)", clip(v))
	}
}

func (c *checker) email(path, v string) {
	if v == "" {
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
		c.errorf(path, "%q is not an e-mail address", clip(v))
	}
}

// oneOf checks that v, when given, is one of allowed. It is a function
// rather than a method so that typed values (a ServiceStatus) need no
// conversion.
func oneOf[T ~string](c *checker, path string, v T, allowed ...T) {
	if v == "" || slices.Contains(allowed, v) {
		return
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	c.errorf(path, "%q is not one of %s", clip(string(v)), strings.Join(names, ", "))
}

func (c *checker) date(path, v string) {
	if v == "" {
		return
	}
	if _, ok := parseDate(v); !ok {
		c.errorf(path, "%q is not a date (use YYYY-MM-DD)", clip(v))
	}
}

func (c *checker) nonNegative(path string, v *float64) {
	if v != nil && *v < 0 {
		c.errorf(path, "must not be negative")
	}
}

// clip shortens a value quoted back in a message, so that a megabyte of junk
// does not become a megabyte of error.
func clip(v string) string {
	if len(v) <= 60 {
		return v
	}
	cut := 60
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return v[:cut] + "…"
}

// Validate checks a service against HSDS 3 and Signpost's own rules and
// returns every problem found, each with its field path. Problems that are
// not warnings refuse the record.
//
// Out-of-range coordinates are warnings, not errors: the standard's own
// examples carry latitude 100, and refusing them would refuse the standard.
// Such a location is kept as published and simply never placed on a map or
// used for distance.
func (s *Service) Validate() Problems {
	c := &checker{}
	c.serviceFields(s)
	c.serviceParts(s)
	c.serviceRelations(s)
	c.attributes("", s.Attributes)
	c.metadata("", s.Metadata)
	return c.problems
}

// serviceFields checks the service's own values.
func (c *checker) serviceFields(s *Service) {
	c.requiredID("id", s.ID)
	c.optionalID("organization_id", s.OrganizationID)
	c.optionalID("program_id", s.ProgramID)
	c.required("name", s.Name)
	c.text("name", s.Name, MaxNameLen)
	c.text("alternate_name", s.AlternateName, MaxNameLen)
	for _, f := range [][2]string{
		{"description", s.Description}, {"interpretation_services", s.InterpretationServices},
		{"application_process", s.ApplicationProcess}, {"fees_description", s.FeesDescription},
		{"wait_time", s.WaitTime}, {"fees", s.Fees}, {"accreditations", s.Accreditations},
		{"eligibility_description", s.EligibilityDescription}, {"licenses", s.Licenses}, {"alert", s.Alert},
	} {
		c.text(f[0], f[1], MaxTextLen)
	}
	c.url("url", s.URL)
	c.email("email", s.Email)
	c.email("assurer_email", s.AssurerEmail)
	if s.Status == "" {
		c.errorf("status", "is required")
	}
	oneOf(c, "status", s.Status, ServiceStatuses...)
	c.nonNegative("minimum_age", s.MinimumAge)
	c.nonNegative("maximum_age", s.MaximumAge)
	if s.MinimumAge != nil && s.MaximumAge != nil && *s.MinimumAge > *s.MaximumAge {
		c.errorf("minimum_age", "%g is more than maximum_age %g", *s.MinimumAge, *s.MaximumAge)
	}
	c.date("assured_date", s.AssuredDate)
	c.date("last_modified", s.LastModified)
	if !s.Capacity.Valid() {
		c.errorf("capacity", "%q is not one of accepting, waiting-list, full, paused", clip(string(s.Capacity)))
	}
	for i, d := range s.Delivery {
		if !d.Valid() {
			c.errorf(index("delivery", i), "%q is not one of in-person, online, phone", clip(string(d)))
		}
	}
}

// serviceParts checks the lists that belong to the service alone: how to
// call, when and where it runs, in which languages.
func (c *checker) serviceParts(s *Service) {
	for i := range s.Phones {
		c.phone(index("phones", i), &s.Phones[i])
	}
	for i := range s.Schedules {
		c.schedule(index("schedules", i), &s.Schedules[i])
	}
	for i, a := range s.ServiceAreas {
		p := index("service_areas", i)
		c.requiredID(join(p, "id"), a.ID)
		c.text(join(p, "extent"), a.Extent, MaxTextLen)
		c.attributes(p, a.Attributes)
	}
	for i := range s.ServiceAtLocations {
		c.serviceAtLocation(index("service_at_locations", i), &s.ServiceAtLocations[i])
	}
	for i := range s.Languages {
		c.language(index("languages", i), &s.Languages[i])
	}
}

// serviceRelations checks who runs and pays for the service, what it costs
// and whom to contact.
func (c *checker) serviceRelations(s *Service) {
	if s.Organization != nil {
		c.organization("organization", s.Organization)
		if s.OrganizationID != "" && s.Organization.ID != "" && s.OrganizationID != s.Organization.ID {
			c.errorf("organization.id", "%q differs from organization_id %q", s.Organization.ID, s.OrganizationID)
		}
	}
	for i, f := range s.Funding {
		c.requiredID(join(index("funding", i), "id"), f.ID)
		c.attributes(index("funding", i), f.Attributes)
	}
	for i, o := range s.CostOptions {
		p := index("cost_options", i)
		c.requiredID(join(p, "id"), o.ID)
		c.nonNegative(join(p, "amount"), o.Amount)
		c.attributes(p, o.Attributes)
	}
	if s.Program != nil {
		c.requiredID("program.id", s.Program.ID)
		c.required("program.name", s.Program.Name)
	}
	for i, d := range s.RequiredDocuments {
		p := index("required_documents", i)
		c.requiredID(join(p, "id"), d.ID)
		c.url(join(p, "uri"), d.URI)
	}
	for i := range s.Contacts {
		c.contact(index("contacts", i), &s.Contacts[i])
	}
}

// Validate checks an organization on its own (as in an organizations list).
func (o *Organization) Validate() Problems {
	c := &checker{}
	c.organization("", o)
	return c.problems
}

func (c *checker) organization(p string, o *Organization) {
	c.requiredID(join(p, "id"), o.ID)
	c.required(join(p, "name"), o.Name)
	c.text(join(p, "name"), o.Name, MaxNameLen)
	c.required(join(p, "description"), o.Description)
	c.text(join(p, "description"), o.Description, MaxTextLen)
	c.email(join(p, "email"), o.Email)
	c.url(join(p, "website"), o.Website)
	c.url(join(p, "uri"), o.URI)
	c.optionalID(join(p, "parent_organization_id"), o.ParentOrganizationID)
	for i := range o.Phones {
		c.phone(index(join(p, "phones"), i), &o.Phones[i])
	}
	for i := range o.Contacts {
		c.contact(index(join(p, "contacts"), i), &o.Contacts[i])
	}
	for i := range o.Locations {
		c.location(index(join(p, "locations"), i), &o.Locations[i])
	}
	for i, id := range o.OrganizationIdentifiers {
		q := index(join(p, "organization_identifiers"), i)
		c.requiredID(join(q, "id"), id.ID)
		c.required(join(q, "identifier_type"), id.IdentifierType)
		c.required(join(q, "identifier"), id.Identifier)
	}
	c.attributes(p, o.Attributes)
	c.metadata(p, o.Metadata)
}

func (c *checker) serviceAtLocation(p string, sal *ServiceAtLocation) {
	c.requiredID(join(p, "id"), sal.ID)
	c.optionalID(join(p, "location_id"), sal.LocationID)
	for i := range sal.Phones {
		c.phone(index(join(p, "phones"), i), &sal.Phones[i])
	}
	for i := range sal.Schedules {
		c.schedule(index(join(p, "schedules"), i), &sal.Schedules[i])
	}
	for i := range sal.Contacts {
		c.contact(index(join(p, "contacts"), i), &sal.Contacts[i])
	}
	if sal.Location != nil {
		c.location(join(p, "location"), sal.Location)
	}
	c.attributes(p, sal.Attributes)
}

func (c *checker) location(p string, l *Location) {
	c.requiredID(join(p, "id"), l.ID)
	if l.LocationType == "" {
		c.errorf(join(p, "location_type"), "is required")
	}
	oneOf(c, join(p, "location_type"), l.LocationType, LocationPhysical, LocationPostal, LocationVirtual)
	c.url(join(p, "url"), l.URL)
	c.text(join(p, "description"), l.Description, MaxTextLen)
	c.text(join(p, "transportation"), l.Transportation, MaxTextLen)
	if (l.Latitude == nil) != (l.Longitude == nil) {
		c.errorf(join(p, "latitude"), "latitude and longitude must be given together")
	}
	if l.Latitude != nil && (*l.Latitude < -90 || *l.Latitude > 90) {
		c.warnf(join(p, "latitude"), "must be between -90 and 90 (kept, but not placed on the map)")
	}
	if l.Longitude != nil && (*l.Longitude < -180 || *l.Longitude > 180) {
		c.warnf(join(p, "longitude"), "must be between -180 and 180 (kept, but not placed on the map)")
	}
	for i, a := range l.Addresses {
		q := index(join(p, "addresses"), i)
		c.requiredID(join(q, "id"), a.ID)
		oneOf(c, join(q, "address_type"), a.AddressType, LocationPhysical, LocationPostal, LocationVirtual)
		c.attributes(q, a.Attributes)
	}
	for i, a := range l.Accessibility {
		q := index(join(p, "accessibility"), i)
		c.requiredID(join(q, "id"), a.ID)
		c.text(join(q, "description"), a.Description, MaxTextLen)
		c.url(join(q, "url"), a.URL)
	}
	for i := range l.Languages {
		c.language(index(join(p, "languages"), i), &l.Languages[i])
	}
	for i := range l.Phones {
		c.phone(index(join(p, "phones"), i), &l.Phones[i])
	}
	for i := range l.Schedules {
		c.schedule(index(join(p, "schedules"), i), &l.Schedules[i])
	}
	for i := range l.Contacts {
		c.contact(index(join(p, "contacts"), i), &l.Contacts[i])
	}
	c.attributes(p, l.Attributes)
	c.metadata(p, l.Metadata)
}

func (c *checker) phone(p string, ph *Phone) {
	c.requiredID(join(p, "id"), ph.ID)
	c.required(join(p, "number"), ph.Number)
	c.text(join(p, "number"), ph.Number, 100)
	for i := range ph.Languages {
		c.language(index(join(p, "languages"), i), &ph.Languages[i])
	}
}

func (c *checker) contact(p string, ct *Contact) {
	c.requiredID(join(p, "id"), ct.ID)
	c.email(join(p, "email"), ct.Email)
	for i := range ct.Phones {
		c.phone(index(join(p, "phones"), i), &ct.Phones[i])
	}
}

func (c *checker) language(p string, l *Language) {
	c.requiredID(join(p, "id"), l.ID)
}

func (c *checker) schedule(p string, s *Schedule) {
	c.requiredID(join(p, "id"), s.ID)
	oneOf(c, join(p, "freq"), s.Freq, "WEEKLY", "MONTHLY")
	oneOf(c, join(p, "wkst"), s.WKST, Weekdays...)
	if s.ByDay != "" {
		for _, part := range strings.Split(s.ByDay, ",") {
			part = strings.TrimSpace(part)
			if !validByDay(part) {
				c.errorf(join(p, "byday"), "%q is not a day (use MO, TU, WE, TH, FR, SA or SU, optionally with a week number such as 1MO or -1FR)", clip(part))
				break
			}
		}
	}
	for _, f := range [][2]string{{"opens_at", s.OpensAt}, {"closes_at", s.ClosesAt}} {
		if f[1] != "" && !timeOfDay.MatchString(f[1]) {
			c.errorf(join(p, f[0]), "%q is not a time of day (use HH:MM)", clip(f[1]))
		}
	}
	c.url(join(p, "schedule_link"), s.ScheduleLink)
	c.text(join(p, "description"), s.Description, MaxTextLen)
}

var byDayPart = regexp.MustCompile(`^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$`)

func validByDay(part string) bool { return byDayPart.MatchString(part) }

func (c *checker) attributes(p string, attrs []Attribute) {
	for i, a := range attrs {
		q := index(join(p, "attributes"), i)
		c.requiredID(join(q, "id"), a.ID)
		c.optionalID(join(q, "taxonomy_term_id"), a.TaxonomyTermID)
		c.text(join(q, "value"), a.Value, MaxTextLen)
		if a.TaxonomyTerm != nil {
			c.optionalID(join(q, "taxonomy_term.id"), a.TaxonomyTerm.ID)
		}
	}
}

func (c *checker) metadata(p string, md []Metadata) {
	for i, m := range md {
		c.requiredID(join(index(join(p, "metadata"), i), "id"), m.ID)
	}
}
