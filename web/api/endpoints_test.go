package api

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"testing"

	"signpost/directory"
)

func getJSON[T any](t *testing.T, f *fixture, path string) T {
	t.Helper()
	resp, body := f.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, clip(body))
	}
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return v
}

func TestTaxonomiesListSignpostsAndImportedOnes(t *testing.T) {
	f := newFixture(t, synthServices(80, 21))
	taxes := getJSON[Page[directory.Taxonomy]](t, f, "/api/v1/taxonomies")
	var names []string
	for _, tx := range taxes.Contents {
		names = append(names, tx.Name)
	}
	want := []string{directory.TaxonomyNeeds, directory.TaxonomyInterests, directory.TaxonomyActivities, directory.TaxonomyAccess, otherTaxonomy.Name}
	if !slices.Equal(names, want) {
		t.Errorf("taxonomies %v, want %v", names, want)
	}
	tests := []struct {
		query string
		want  int
	}{
		{"", len(directory.Needs) + len(directory.Interests) + len(directory.Activities) + len(directory.AccessFeatures) + len(otherTerms)},
		{"?taxonomy_id=" + directory.TaxonomyAccess, len(directory.AccessFeatures)},
		{"?taxonomy_id=" + directory.TaxonomyNeeds, len(directory.Needs)},
		{"?taxonomy_id=" + directory.TaxonomyID(directory.TaxonomyActivities), len(directory.Activities)},
		{"?taxonomy_id=" + otherTaxonomy.Name, len(otherTerms)},
		{"?search=lonely", 1},
		{"?search=LONELY+cut", 1},
		{"?search=veterans", 1},
		{"?top_only=true&taxonomy_id=" + directory.TaxonomyInterests, len(directory.Interests)},
		{"?parent_id=" + directory.TermID(directory.TaxonomyNeeds, "money"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			page := getJSON[Page[directory.TaxonomyTerm]](t, f, "/api/v1/taxonomy_terms"+tt.query+sepFor(tt.query)+"per_page=200")
			if page.TotalItems != tt.want || len(page.Contents) != tt.want {
				t.Errorf("%d terms (total %d), want %d", len(page.Contents), page.TotalItems, tt.want)
			}
		})
	}
	term := getJSON[directory.TaxonomyTerm](t, f, "/api/v1/taxonomy_terms/"+directory.TermID(directory.TaxonomyNeeds, "money"))
	if term.Code != "money" || term.TaxonomyDetail == nil || term.TaxonomyDetail.Name != directory.TaxonomyNeeds {
		t.Errorf("term %+v", term)
	}
}

func sepFor(query string) string {
	if query == "" {
		return "?"
	}
	return "&"
}

// idsOf walks a list and returns its ids sorted.
func idsOf(t *testing.T, f *fixture, path string) []string {
	t.Helper()
	ids, _ := walk(t, f, path, 200)
	sort.Strings(ids)
	return ids
}

func TestOlderOpenReferralUKNamesMeanTheSame(t *testing.T) {
	f := newFixture(t, synthServices(200, 22))
	lonely := directory.TermID(directory.TaxonomyNeeds, "lonely")
	tests := []struct{ older, current string }{
		{"text=gardening", "search=gardening"},
		{"taxonomy_id=lonely&vocabulary=signpost-needs", "need=lonely"},
		{"taxonomy_id=" + lonely + "&vocabulary=signpost-needs", "need=lonely"},
		{"taxonomy_term_id=" + lonely, "need=lonely"},
		{"taxonomy_id=" + otherTerms[1].ID + "&vocabulary=council-categories", "taxonomy_term_id=" + otherTerms[1].ID},
		{"minimum_age=30&maximum_age=30", "age=30"},
		{"postcode=L20&proximity=3000", "lat=53.45&lon=-2.99&proximity=3000"},
		{"near=Bootle&proximity=3000", "lat=53.446&lon=-2.992&proximity=3000"},
		{"near=53.45,-2.99&proximity=3000", "lat=53.45&lon=-2.99&proximity=3000"},
	}
	for _, tt := range tests {
		t.Run(tt.older, func(t *testing.T) {
			older := idsOf(t, f, "/api/v1/services?"+tt.older)
			current := idsOf(t, f, "/api/v1/services?"+tt.current)
			if len(current) == 0 {
				t.Fatal("nothing matched; the comparison says nothing")
			}
			if !slices.Equal(older, current) {
				t.Errorf("differ:\n%s", setDiff(older, current))
			}
		})
	}
}

func TestMatchItemsExplainThemselves(t *testing.T) {
	svcs := synthServices(200, 23)
	f := newFixture(t, svcs)
	byID := map[string]*directory.Service{}
	for _, s := range svcs {
		byID[s.ID] = s
	}
	type item struct {
		Service   directory.Service `json:"service"`
		Score     *float64          `json:"score"`
		DistanceM *float64          `json:"distance_m"`
		Reasons   []struct {
			Kind, Text string
		} `json:"reasons"`
	}
	page := getJSON[Page[item]](t, f, "/api/v1/match?need=lonely&need=money&interest=gardening&near=Bootle&per_page=200")
	if page.TotalItems == 0 {
		t.Fatal("no matches")
	}
	prev := math.Inf(1)
	for _, it := range page.Contents {
		s := byID[it.Service.ID]
		if s == nil || it.Score == nil {
			t.Fatalf("item %+v", it)
		}
		if *it.Score > prev+1e-9 {
			t.Errorf("%s: score %.3f after %.3f: not best first", s.Name, *it.Score, prev)
		}
		prev = *it.Score
		hasPlace := len(s.PhysicalPoints()) > 0
		if (it.DistanceM != nil) != hasPlace {
			t.Errorf("%s: distance_m %v but physical locations: %v", s.Name, it.DistanceM, hasPlace)
		}
		if len(it.Reasons) == 0 {
			t.Errorf("%s: no reasons", s.Name)
		}
		codes := append(s.TermCodes(directory.TaxonomyNeeds), s.TermCodes(directory.TaxonomyInterests)...)
		if !slices.Contains(codes, "lonely") && !slices.Contains(codes, "money") && !slices.Contains(codes, "gardening") {
			t.Errorf("%s meets none of the needs or interests asked", s.Name)
		}
	}
}

func TestServiceAtLocationsKeepsOnlyNearbyPlaces(t *testing.T) {
	svcs := synthServices(200, 24)
	f := newFixture(t, svcs)
	type item struct {
		ID        string              `json:"id"`
		ServiceID string              `json:"service_id"`
		Location  *directory.Location `json:"location"`
		Service   *directory.Service  `json:"service"`
	}
	const radius = 4000.0
	page := getJSON[Page[item]](t, f, "/api/v1/service_at_locations?postcode=L20&proximity="+strconv.Itoa(radius)+"&per_page=200")
	if page.TotalItems == 0 {
		t.Fatal("nothing near L20")
	}
	services := map[string]bool{}
	for _, id := range idsOf(t, f, "/api/v1/services?postcode=L20&proximity="+strconv.Itoa(radius)) {
		services[id] = true
	}
	for _, it := range page.Contents {
		if !services[it.ServiceID] || it.Service == nil || it.Service.ID != it.ServiceID {
			t.Errorf("%s: service %s is not one /services returns", it.ID, it.ServiceID)
		}
		l := it.Location
		if l == nil {
			t.Fatalf("%s: no location", it.ID)
		}
		if l.LocationType == directory.LocationPhysical {
			if d := haversine(53.45, -2.99, *l.Latitude, *l.Longitude); d > radius {
				t.Errorf("%s: %s is %.0f m away", it.ID, l.ID, d)
			}
		}
		if len(l.Addresses) != 0 {
			t.Errorf("%s: the one-to-one form carries nested arrays", it.ID)
		}
	}
}

func TestOrganizationsListTheirServices(t *testing.T) {
	svcs := synthServices(60, 25)
	f := newFixture(t, svcs)
	org := synthOrgs[0]
	var want []string
	for _, s := range svcs {
		if s.OrganizationID == org.ID && s.Status == directory.StatusActive {
			want = append(want, s.ID)
		}
	}
	sort.Strings(want)
	got := getJSON[directory.Organization](t, f, "/api/v1/organizations/"+org.ID)
	var ids []string
	for _, s := range got.Services {
		ids = append(ids, s.ID)
		if len(s.Attributes) != 0 {
			t.Errorf("%s: a one-to-one service carries attributes", s.ID)
		}
	}
	sort.Strings(ids)
	if got.Name != org.Name || !slices.Equal(ids, want) {
		t.Errorf("organization %s with services %v, want %v", got.Name, ids, want)
	}
	full := getJSON[directory.Organization](t, f, "/api/v1/organizations/"+org.ID+"?full_service=true")
	if len(full.Services) != len(want) || len(full.Services[0].Attributes) == 0 && len(full.Services[0].ServiceAtLocations) == 0 {
		t.Error("full_service=true did not nest the services")
	}
	found := getJSON[Page[directory.Organization]](t, f, "/api/v1/organizations?search=harbour")
	if found.TotalItems != 1 || found.Contents[0].Name != "Harbour Friends" {
		t.Errorf("search=harbour: %+v", found)
	}
}
