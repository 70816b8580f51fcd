package data_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"signpost/data"
	"signpost/directory"
)

// The Liverpool City Region with a little margin: Southport to Runcorn,
// Hoylake to Newton-le-Willows.
const (
	minLat, maxLat = 53.25, 53.70
	minLon, maxLon = -3.25, -2.55
)

var (
	// Ofcom reserves 0151 496 0000–0999 for drama, so no real line rings.
	dramaPhone = regexp.MustCompile(`^0151 496 0\d{3}$`)
	// The shape of a full UK postcode; the district must also be in the gazetteer.
	ukPostcode = regexp.MustCompile(`^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$`)
)

// loadSample returns the sample's services, decoded once for the whole
// package (every line, refusing fields that directory.Service does not
// know, so a typo in the data cannot hide). Tests must not change them.
func loadSample(t *testing.T) []directory.Service {
	t.Helper()
	services, err := decodeSample()
	if err != nil {
		t.Fatal(err)
	}
	return services
}

var decodeSample = sync.OnceValues(func() ([]directory.Service, error) {
	var services []directory.Service
	sc := bufio.NewScanner(data.SampleServices())
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var s directory.Service
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("sample line %d: %w", line, err)
		}
		services = append(services, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading sample: %w", err)
	}
	return services, nil
})

func loadGazetteer(t *testing.T) *directory.Gazetteer {
	t.Helper()
	g, err := directory.LoadGazetteer(data.Gazetteer())
	if err != nil {
		t.Fatalf("LoadGazetteer: %v", err)
	}
	return g
}

func inRegion(lat, lon float64) bool {
	return lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon
}

func TestSampleServicesDecodeAndValidate(t *testing.T) {
	services := loadSample(t)
	if len(services) < 400 {
		t.Errorf("sample has %d services, want at least 400", len(services))
	}
	ids := map[string]string{}
	names := map[string]bool{}
	orgs := map[string]bool{}
	for _, s := range services {
		if s.ID == "" || strings.TrimSpace(s.Name) == "" || strings.TrimSpace(s.Description) == "" {
			t.Errorf("service %q (id %q) lacks an id, name or description", s.Name, s.ID)
		}
		if other, dup := ids[s.ID]; dup {
			t.Errorf("id %s is used by both %q and %q", s.ID, other, s.Name)
		}
		ids[s.ID] = s.Name
		if names[s.Name] {
			t.Errorf("name %q is used twice", s.Name)
		}
		names[s.Name] = true
		if errs := s.Validate().Errors(); len(errs) > 0 {
			t.Errorf("service %q does not validate: %v", s.Name, errs)
		}
		if s.Organization == nil || s.Organization.ID != s.OrganizationID || s.OrganizationID == "" {
			t.Errorf("service %q: organization_id %q does not match its embedded organization", s.Name, s.OrganizationID)
		} else {
			orgs[s.OrganizationID] = true
		}
		if s.ApplicationProcess == "" {
			t.Errorf("service %q has no application_process", s.Name)
		}
		if len(s.Schedules) == 0 || len(s.Days()) == 0 {
			t.Errorf("service %q has no schedule with days", s.Name)
		}
	}
	if len(orgs) < 100 || len(orgs) > 140 {
		t.Errorf("sample has %d organisations, want about 120", len(orgs))
	}
}

func TestSampleTaxonomy(t *testing.T) {
	services := loadSample(t)
	counts := map[string]int{}
	for _, s := range services {
		for _, tc := range []struct {
			taxonomy string
			min, max int
		}{
			{directory.TaxonomyActivities, 1, 1},
			{directory.TaxonomyNeeds, 1, 3},
			{directory.TaxonomyInterests, 1, 3},
		} {
			codes := s.TermCodes(tc.taxonomy)
			if len(codes) < tc.min || len(codes) > tc.max {
				t.Errorf("service %q has %d %s terms %v, want %d to %d", s.Name, len(codes), tc.taxonomy, codes, tc.min, tc.max)
			}
			for _, c := range codes {
				counts[tc.taxonomy+"/"+c]++
			}
		}
		// Attributes must be exactly what TermAttribute builds, so that the
		// sample and anything a provider attaches later agree on ids.
		for _, a := range s.Attributes {
			term, ok := a.SignpostTerm()
			if !ok {
				t.Errorf("service %q: attribute %s is not a Signpost term", s.Name, a.ID)
				continue
			}
			if want := directory.TermAttribute(s.ID, term); !reflect.DeepEqual(a, want) {
				t.Errorf("service %q: attribute for %s/%s = %+v, want %+v", s.Name, term.Taxonomy, term.Code, a, want)
			}
		}
		// Access features belong to a place: attached to the service at
		// the location, as AccessAttribute builds them.
		for _, sal := range s.ServiceAtLocations {
			for _, a := range sal.Attributes {
				term, ok := a.SignpostTerm()
				if !ok || term.Taxonomy != directory.TaxonomyAccess {
					t.Errorf("service %q: place attribute %s is not an access feature", s.Name, a.ID)
					continue
				}
				if want := directory.AccessAttribute(sal.ID, term); !reflect.DeepEqual(a, want) {
					t.Errorf("service %q: access attribute %s = %+v, want %+v", s.Name, term.Code, a, want)
				}
			}
			for _, c := range sal.AccessCodes() {
				counts[directory.TaxonomyAccess+"/"+c]++
			}
		}
	}
	for taxonomy, terms := range directory.Vocabularies {
		for _, term := range terms {
			t.Run(taxonomy+"/"+term.Code, func(t *testing.T) {
				if n := counts[taxonomy+"/"+term.Code]; n < 5 {
					t.Errorf("%s %q is on %d activities, want at least 5", taxonomy, term.Code, n)
				}
			})
		}
	}
}

func TestSampleContactDetailsAreFictional(t *testing.T) {
	checkPhones := func(where string, phones []directory.Phone) {
		for _, p := range phones {
			if !dramaPhone.MatchString(p.Number) {
				t.Errorf("%s: phone %q is outside Ofcom's 0151 496 0xxx drama range", where, p.Number)
			}
		}
	}
	checkEmail := func(where, email string) {
		if email != "" && !strings.HasSuffix(email, "@example.org") {
			t.Errorf("%s: e-mail %q is not @example.org", where, email)
		}
	}
	checkURL := func(where, u string) {
		if u != "" && !strings.HasPrefix(u, "https://example.org/") {
			t.Errorf("%s: web address %q is not under https://example.org/", where, u)
		}
	}
	for _, s := range loadSample(t) {
		checkPhones(s.Name, s.Phones)
		checkEmail(s.Name, s.Email)
		checkEmail(s.Name+" assurer", s.AssurerEmail)
		checkURL(s.Name, s.URL)
		for _, c := range s.Contacts {
			checkEmail(s.Name+" contact", c.Email)
			checkPhones(s.Name+" contact", c.Phones)
		}
		if o := s.Organization; o != nil {
			checkPhones(o.Name, o.Phones)
			checkEmail(o.Name, o.Email)
			checkURL(o.Name, o.Website)
		}
		for _, sal := range s.ServiceAtLocations {
			if sal.Location != nil {
				checkURL(s.Name+" location", sal.Location.URL)
			}
		}
	}
}

func TestSampleLocations(t *testing.T) {
	g := loadGazetteer(t)
	for _, s := range loadSample(t) {
		inPerson := s.Offers(directory.DeliveryInPerson)
		if pts := s.PhysicalPoints(); inPerson != (len(pts) > 0) {
			t.Errorf("service %q: in-person %v but %d physical locations", s.Name, inPerson, len(pts))
		}
		if s.Offers(directory.DeliveryOnline) && !s.HasLocationType(directory.LocationVirtual) {
			t.Errorf("service %q is offered online but has no virtual location", s.Name)
		}
		if s.Offers(directory.DeliveryPhone) && len(s.Phones) == 0 {
			t.Errorf("service %q is offered by phone but has no phone number", s.Name)
		}
		for _, sal := range s.ServiceAtLocations {
			l := sal.Location
			if l == nil {
				t.Errorf("service %q: service_at_location %s has no location", s.Name, sal.ID)
				continue
			}
			switch l.LocationType {
			case directory.LocationVirtual:
				if l.URL == "" {
					t.Errorf("service %q: virtual location %q has no url", s.Name, l.Name)
				}
			case directory.LocationPhysical:
				checkPhysicalLocation(t, g, s.Name, l)
			default:
				t.Errorf("service %q: location %q has type %q", s.Name, l.Name, l.LocationType)
			}
		}
	}
}

func checkPhysicalLocation(t *testing.T, g *directory.Gazetteer, service string, l *directory.Location) {
	t.Helper()
	if l.Latitude == nil || l.Longitude == nil || !inRegion(*l.Latitude, *l.Longitude) {
		t.Errorf("service %q: location %q is not inside the region", service, l.Name)
		return
	}
	if len(l.Addresses) != 1 {
		t.Errorf("service %q: location %q has %d addresses, want 1", service, l.Name, len(l.Addresses))
		return
	}
	a := l.Addresses[0]
	if a.Country != "GB" || !ukPostcode.MatchString(a.PostalCode) || a.Address1 == "" || a.City == "" {
		t.Errorf("service %q: address %+v is not a complete UK address", service, a)
		return
	}
	// The postcode's district must be one the gazetteer knows, and near the
	// pin, so that "near L20" finds what is in L20.
	district, ok := g.Lookup(a.PostalCode)
	if !ok || district.Kind != directory.PlacePostcodeDistrict {
		t.Errorf("service %q: postcode %q has no district in the gazetteer", service, a.PostalCode)
		return
	}
	if d := kilometres(district.Lat, district.Lon, *l.Latitude, *l.Longitude); d > 8 {
		t.Errorf("service %q: location %q is %.1f km from the centre of %s", service, l.Name, d, district.Name)
	}
}

// kilometres is the great-circle distance by the haversine formula.
func kilometres(lat1, lon1, lat2, lon2 float64) float64 {
	const earthRadiusKm = 6371
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(h))
}

func TestSampleMix(t *testing.T) {
	services := loadSample(t)
	total := float64(len(services))
	var remote, free, active, neverAssured int
	capacities := map[directory.Capacity]int{}
	var assured []time.Time
	for _, s := range services {
		if !s.Offers(directory.DeliveryInPerson) {
			remote++
		}
		if s.Free() {
			free++
		} else {
			for _, c := range s.CostOptions {
				if c.Amount != nil && (*c.Amount < 2 || *c.Amount > 5) {
					t.Errorf("service %q costs £%g, want £2 to £5", s.Name, *c.Amount)
				}
			}
		}
		if s.Status == directory.StatusActive {
			active++
		}
		capacities[s.Capacity]++
		if when, ok := s.Assured(); ok {
			assured = append(assured, when)
		} else {
			neverAssured++
		}
	}
	if share := float64(remote) / total; share < 0.10 || share > 0.20 {
		t.Errorf("%.0f%% of services are online or phone only, want 10–20%%", share*100)
	}
	if share := float64(free) / total; share < 0.6 {
		t.Errorf("%.0f%% of services are free, want most", share*100)
	}
	if active == len(services) || float64(active)/total < 0.9 {
		t.Errorf("%d of %d services are active, want most but not all", active, len(services))
	}
	for _, c := range directory.Capacities {
		if capacities[c] == 0 {
			t.Errorf("no service has capacity %q", c)
		}
	}
	if capacities[directory.CapacityAccepting] < len(services)/2 {
		t.Errorf("%d services are accepting, want most", capacities[directory.CapacityAccepting])
	}
	if neverAssured == 0 {
		t.Error("every service has an assured_date; want a few never assured")
	}
	// Measured from the newest assurance rather than today, so the test does
	// not change its mind as the calendar moves on.
	var newest time.Time
	for _, a := range assured {
		if a.After(newest) {
			newest = a
		}
	}
	var stale int
	for _, a := range assured {
		if newest.Sub(a) > 365*24*time.Hour {
			stale++
		}
	}
	if stale == 0 || stale > len(assured)/2 {
		t.Errorf("%d of %d assured dates are over a year older than the newest, want some but not most", stale, len(assured))
	}
}

func TestSampleServicesReadersAreIndependent(t *testing.T) {
	first, err := io.ReadAll(data.SampleServices())
	if err != nil {
		t.Fatal(err)
	}
	second, err := io.ReadAll(data.SampleServices())
	if err != nil {
		t.Fatal(err)
	}
	if len(first) == 0 || !bytes.Equal(first, second) {
		t.Errorf("two reads of the sample differ (%d and %d bytes)", len(first), len(second))
	}
}

func TestGazetteerCoversRegion(t *testing.T) {
	g := loadGazetteer(t)
	kinds := map[string]int{}
	for _, p := range g.Places() {
		kinds[p.Kind]++
		if !inRegion(p.Lat, p.Lon) {
			t.Errorf("%s %q at %g,%g is outside the region", p.Kind, p.Name, p.Lat, p.Lon)
		}
	}
	if kinds[directory.PlaceNeighbourhood] < 80 {
		t.Errorf("gazetteer has %d neighbourhoods, want at least 80", kinds[directory.PlaceNeighbourhood])
	}
	var want []string
	for n := 1; n <= 40; n++ {
		want = append(want, "L"+strconv.Itoa(n))
	}
	for n := 41; n <= 49; n++ {
		want = append(want, "CH"+strconv.Itoa(n))
	}
	for n := 60; n <= 66; n++ {
		want = append(want, "CH"+strconv.Itoa(n))
	}
	for n := 7; n <= 12; n++ {
		want = append(want, "WA"+strconv.Itoa(n))
	}
	want = append(want, "PR8", "PR9")
	for _, d := range want {
		if p, ok := g.Lookup(d); !ok || p.Kind != directory.PlacePostcodeDistrict {
			t.Errorf("postcode district %s is missing", d)
		}
	}
	for _, town := range []string{"Liverpool", "Bootle", "Southport", "Kirkby", "Birkenhead", "St Helens", "Widnes", "Runcorn"} {
		if p, ok := g.Lookup(town); !ok || p.Kind != directory.PlaceTown {
			t.Errorf("town %s is missing", town)
		}
	}
}

func TestGazetteerResolvesWhatPeopleType(t *testing.T) {
	g := loadGazetteer(t)
	tests := []struct {
		query, wantName string
	}{
		{"Bootle", "Bootle"},
		{"old swan", "Old Swan"},
		{"L20 3AB", "L20"},
		{"wa10", "WA10"},
		{"CH41 1AA", "CH41"},
		{"pr9 0aa", "PR9"},
		{"newton le willows", "Newton-le-Willows"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			p, ok := g.Lookup(tt.query)
			if !ok || p.Name != tt.wantName {
				t.Errorf("Lookup(%q) = %+v, %v; want %s", tt.query, p, ok, tt.wantName)
			}
		})
	}
	for _, tt := range []struct{ typo, want string }{{"Bootel", "Bootle"}, {"Birkenhed", "Birkenhead"}, {"Wavetree", "Wavertree"}, {"Toxteh", "Toxteth"}} {
		t.Run("suggest "+tt.typo, func(t *testing.T) {
			got := g.Suggest(tt.typo, 3)
			if len(got) == 0 || got[0].Name != tt.want {
				t.Errorf("Suggest(%q, 3) = %+v, want %s first", tt.typo, got, tt.want)
			}
		})
	}
}

// TestPackageIsALeaf keeps data free of Signpost imports, so that directory
// and cmd can both read it without a cycle.
func TestPackageIsALeaf(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "signpost" || strings.HasPrefix(path, "signpost/") {
				t.Errorf("%s imports %s; package data must not import Signpost packages", name, path)
			}
		}
	}
}
