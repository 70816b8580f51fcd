package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

// randomQuery is a set of filters with its URL form; the oracle below reads
// the same fields.
type randomQuery struct {
	needs, interests, activities []string
	free                         bool
	age                          *int
	minAge, maxAge               *int
	day                          string
	delivery                     directory.Delivery
	hasPoint                     bool
	lat, lon, radius             float64
	orgID                        string
	modifiedAfter                time.Time
	termID                       string
	taxonomyID                   string
	language                     string
}

func (q randomQuery) values() url.Values {
	v := url.Values{}
	for _, c := range q.needs {
		v.Add("need", c)
	}
	if len(q.interests) > 0 {
		v.Set("interest", strings.Join(q.interests, ","))
	}
	for _, c := range q.activities {
		v.Add("activity", c)
	}
	if q.free {
		v.Set("free", "true")
	}
	if q.age != nil {
		v.Set("age", strconv.Itoa(*q.age))
	}
	if q.minAge != nil {
		v.Set("minimum_age", strconv.Itoa(*q.minAge))
	}
	if q.maxAge != nil {
		v.Set("maximum_age", strconv.Itoa(*q.maxAge))
	}
	if q.day != "" {
		v.Set("day", q.day)
	}
	if q.delivery != "" {
		v.Set("delivery", string(q.delivery))
	}
	if q.hasPoint {
		v.Set("lat", strconv.FormatFloat(q.lat, 'f', -1, 64))
		v.Set("lon", strconv.FormatFloat(q.lon, 'f', -1, 64))
		v.Set("proximity", strconv.FormatFloat(q.radius, 'f', -1, 64))
	}
	if q.orgID != "" {
		v.Set("organization_id", q.orgID)
	}
	if !q.modifiedAfter.IsZero() {
		v.Set("modified_after", q.modifiedAfter.Format(time.RFC3339))
	}
	if q.termID != "" {
		v.Set("taxonomy_term_id", q.termID)
	}
	if q.taxonomyID != "" {
		v.Set("taxonomy_id", q.taxonomyID)
	}
	if q.language != "" {
		v.Set("language", q.language)
	}
	return v
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func codes(terms []directory.Term) []string {
	var out []string
	for _, t := range terms {
		out = append(out, t.Code)
	}
	return out
}

// genQuery draws a query of one to four filters, so that most have results.
func genQuery(r *rand.Rand) randomQuery {
	var q randomQuery
	intp := func(n int) *int { return &n }
	for k := 1 + r.IntN(4); k > 0; k-- {
		switch r.IntN(14) {
		case 0:
			q.needs = append(q.needs, pick(r, codes(directory.Needs)))
		case 1:
			q.interests = append(q.interests, pick(r, codes(directory.Interests)))
		case 2:
			q.activities = append(q.activities, pick(r, codes(directory.Activities)))
		case 3:
			q.free = true
		case 4:
			q.age = intp(r.IntN(100))
		case 5:
			lo := r.IntN(60)
			q.minAge, q.maxAge = intp(lo), intp(lo+r.IntN(40))
		case 6:
			q.day = pick(r, directory.Weekdays)
		case 7:
			q.delivery = pick(r, directory.Deliveries)
		case 8, 9:
			q.hasPoint = true
			q.lat, q.lon = 53.40+(r.Float64()-0.5)*0.3, -2.98+(r.Float64()-0.5)*0.3
			q.radius = float64(500 + r.IntN(15000))
		case 10:
			q.orgID = pick(r, synthOrgs).ID
		case 11:
			// Whole hours, as the synthetic last_modified are, so that
			// "on" as well as "after" is tested.
			q.modifiedAfter = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(600*24)) * time.Hour)
		case 12:
			if r.IntN(2) == 0 {
				q.termID = pick(r, otherTerms).ID
			} else {
				q.taxonomyID = pick(r, []string{otherTaxonomy.ID, otherTaxonomy.Name, directory.TaxonomyNeeds, directory.TaxonomyID(directory.TaxonomyActivities)})
			}
		case 13:
			q.language = pick(r, []string{"pl", "Polish", "en", "english", "fr"})
		}
	}
	return q
}

// oracle decides a query by reading every service, straight from
// DESIGN.md's filter semantics (and the engine's rule that a service one
// can join online passes a radius).
func oracle(q randomQuery, svcs []*directory.Service) []string {
	var ids []string
	for _, s := range svcs {
		if oracleKeeps(q, s) {
			ids = append(ids, s.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

func oracleKeeps(q randomQuery, s *directory.Service) bool {
	if s.Status != "active" {
		return false
	}
	has := func(taxonomy string, want []string) bool {
		got := s.TermCodes(taxonomy)
		for _, w := range want {
			if !slices.Contains(got, w) {
				return false
			}
		}
		return true
	}
	if !has(directory.TaxonomyNeeds, q.needs) || !has(directory.TaxonomyInterests, q.interests) || !has(directory.TaxonomyActivities, q.activities) {
		return false
	}
	if q.free {
		for _, c := range s.CostOptions {
			if c.Amount != nil && *c.Amount > 0 {
				return false
			}
		}
	}
	fits := func(age int) bool {
		a := float64(age)
		return (s.MinimumAge == nil || *s.MinimumAge <= a) && (s.MaximumAge == nil || a <= *s.MaximumAge)
	}
	for _, age := range []*int{q.age, q.minAge, q.maxAge} {
		if age != nil && !fits(*age) {
			return false
		}
	}
	if q.day != "" {
		found := false
		for _, sc := range s.Schedules {
			found = found || slices.Contains(strings.Split(sc.ByDay, ","), q.day)
		}
		if !found {
			return false
		}
	}
	modes := s.DeliveryModes()
	if q.delivery != "" && !slices.Contains(modes, q.delivery) {
		return false
	}
	if q.hasPoint {
		nearest := math.Inf(1)
		physical := false
		for _, sal := range s.ServiceAtLocations {
			if l := sal.Location; l != nil && l.LocationType == "physical" && l.Latitude != nil {
				physical = true
				nearest = math.Min(nearest, haversine(q.lat, q.lon, *l.Latitude, *l.Longitude))
			}
		}
		remote := q.delivery != directory.DeliveryInPerson && (!physical || slices.Contains(modes, directory.DeliveryOnline))
		if !remote && nearest > q.radius {
			return false
		}
	}
	if q.orgID != "" && s.OrganizationID != q.orgID {
		return false
	}
	if !q.modifiedAfter.IsZero() {
		t, err := time.Parse(time.RFC3339, s.LastModified)
		if err != nil || t.Before(q.modifiedAfter) { // on or after, as the standard says
			return false
		}
	}
	var termIDs, taxonomies []string
	for _, a := range s.Attributes {
		if a.TaxonomyTerm != nil {
			termIDs = append(termIDs, a.TaxonomyTerm.ID)
			taxonomies = append(taxonomies, a.TaxonomyTerm.TaxonomyID, a.TaxonomyTerm.Taxonomy)
		}
	}
	if q.termID != "" && !slices.Contains(termIDs, q.termID) {
		return false
	}
	if q.taxonomyID != "" && !slices.Contains(taxonomies, q.taxonomyID) {
		return false
	}
	if q.language != "" {
		lang := strings.ToLower(q.language)
		var spoken []string
		for _, l := range s.Languages {
			spoken = append(spoken, strings.ToLower(l.Code), strings.ToLower(l.Name))
		}
		if len(spoken) == 0 {
			spoken = []string{"en", "eng", "english"}
		}
		if !slices.Contains(spoken, lang) {
			return false
		}
	}
	return true
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// ndjsonIDs streams a list and returns the ids of its lines.
func ndjsonIDs(t *testing.T, f *fixture, path string) []string {
	t.Helper()
	resp, body := f.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, clip(body))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") {
		t.Errorf("Content-Type %q", ct)
	}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		ids = append(ids, s.ID)
	}
	return ids
}

// TestFiltersAgainstOracle runs random queries and checks that the pages of
// /services, and the ndjson stream, hold exactly the services a brute-force
// reading of every service keeps.
func TestFiltersAgainstOracle(t *testing.T) {
	svcs := synthServices(400, 11)
	f := newFixture(t, svcs)
	r := rand.New(rand.NewPCG(12, 12))
	const queries = 80
	nonEmpty := 0
	for i := 0; i < queries; i++ {
		q := genQuery(r)
		v := q.values()
		path := "/api/v1/services?" + v.Encode()
		want := oracle(q, svcs)
		if len(want) > 0 {
			nonEmpty++
		}
		paged, total := walk(t, f, path, 200)
		if total != len(want) {
			t.Errorf("%s: total_items %d, the oracle keeps %d", path, total, len(want))
		}
		sort.Strings(paged)
		if !slices.Equal(paged, want) {
			t.Errorf("%s: pages differ from the oracle:\n%s", path, setDiff(paged, want))
		}
		streamed := ndjsonIDs(t, f, path+"&format=ndjson")
		sort.Strings(streamed)
		if !slices.Equal(streamed, want) {
			t.Errorf("%s: ndjson differs from the oracle:\n%s", path, setDiff(streamed, want))
		}
	}
	if nonEmpty < queries/3 {
		t.Errorf("only %d of %d queries had results; the generator is too strict to test much", nonEmpty, queries)
	}
}

func setDiff(got, want []string) string {
	var extra, missing []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	return fmt.Sprintf("  extra %v\n  missing %v", extra, missing)
}

// TestNDJSONWithWordsFollowsTheEngine checks the ranked stream: with words
// the stream holds exactly what the pages hold, in the same order.
func TestNDJSONWithWordsFollowsTheEngine(t *testing.T) {
	f := newFixture(t, synthServices(250, 13))
	for _, path := range []string{
		"/api/v1/services?search=group",
		"/api/v1/services?search=gardening&free=true",
		"/api/v1/services?text=choir&taxonomy_id=" + otherTaxonomy.ID,
	} {
		t.Run(path, func(t *testing.T) {
			paged, total := walk(t, f, path, 200)
			if total == 0 {
				t.Fatal("nothing matched; the test says nothing")
			}
			streamed := ndjsonIDs(t, f, path+"&format=ndjson")
			if !slices.Equal(paged, streamed) {
				t.Errorf("stream differs from pages:\n%s", setDiff(streamed, paged))
			}
		})
	}
}
