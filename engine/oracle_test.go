package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

// TestOracle runs random queries over a random directory and checks every
// total, result set, order, score and facet against a brute-force oracle
// that reads the services directly through directory's own methods, not
// through the engine's table.
//
// Typed words are the one thing the oracle takes from the engine: which
// services match words is Bleve's business (tested in text_test.go); the
// oracle checks everything the engine does with that set.
func TestOracle(t *testing.T) {
	ctx := context.Background()
	svcs := genServices(600, 7)
	src := newMemSource(svcs...)
	e, _ := mustOpen(t, src)

	r := rand.New(rand.NewPCG(42, 1))
	textWords := []string{"gardening", "walking", "choir", "counselling", "bills", "anxiety", "lonely", "computers", "gardning", "club"}
	nonEmpty := 0
	for i := range 200 {
		q := randomQuery(r, textWords)
		m := modeSearch
		if r.IntN(2) == 0 {
			m = modeMatch
		}
		t.Run(fmt.Sprintf("%03d", i), func(t *testing.T) {
			if checkAgainstOracle(t, ctx, e, svcs, q, m) > 0 {
				nonEmpty++
			}
		})
	}
	// Random filters can easily match nothing; a test that only ever
	// compares empty sets proves little.
	if nonEmpty < 120 {
		t.Errorf("only %d of 200 random queries matched anything; make them less strict", nonEmpty)
	}
}

func randomQuery(r *rand.Rand, textWords []string) Query {
	var q Query
	if r.IntN(4) == 0 {
		q.Text = textWords[r.IntN(len(textWords))]
	}
	if r.IntN(2) == 0 {
		q.HasPoint = true
		q.Lat = 53.30 + r.Float64()*0.35
		q.Lon = -3.10 + r.Float64()*0.40
		if r.IntN(2) == 0 {
			q.RadiusM = float64(1000 + r.IntN(20000))
		}
	}
	pick := func(vocab []directory.Term, max int) []string {
		var out []string
		for _, i := range r.Perm(len(vocab))[:r.IntN(max+1)] {
			out = append(out, vocab[i].Code)
		}
		return out
	}
	q.Needs = pick(directory.Needs, 2)
	q.Interests = pick(directory.Interests, 2)
	if r.IntN(3) == 0 {
		q.Activities = pick(directory.Activities, 1)
	}
	q.Free = r.IntN(5) == 0
	if r.IntN(5) == 0 {
		a := r.IntN(90)
		q.Age = &a
	}
	if r.IntN(5) == 0 {
		q.Day = directory.Weekdays[r.IntN(7)]
	}
	if r.IntN(7) == 0 {
		q.Delivery = directory.Deliveries[r.IntN(3)]
	}
	if r.IntN(10) == 0 {
		q.Accessibility = []string{"wheelchair", "step-free", "hearing loop", "ramp"}[r.IntN(4)]
	}
	if r.IntN(10) == 0 {
		q.Language = []string{"en", "Polish", "ar", "english"}[r.IntN(4)]
	}
	if r.IntN(15) == 0 {
		q.OrganizationID = fmt.Sprintf("10000000-0000-4000-8000-%012d", r.IntN(200))
	}
	if r.IntN(15) == 0 {
		q.ModifiedAfter = time.Date(2025, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
	}
	if r.IntN(15) == 0 {
		q.TaxonomyTermIDs = []string{directory.Needs[r.IntN(len(directory.Needs))].ID()}
	}
	if q.HasPoint && r.IntN(3) == 0 {
		q.Sort = SortNearest
	}
	q.Size = 5 + r.IntN(30)
	return q
}

// expected is the oracle's verdict on one service.
type expected struct {
	svc   *directory.Service
	score float64
	dist  float64 // NaN when none
}

// checkAgainstOracle runs q over every page and returns how many matched.
func checkAgainstOracle(t *testing.T, ctx context.Context, e *Engine, svcs []*directory.Service, q Query, m mode) int {
	t.Helper()
	// What the words match, from the text index alone.
	var textScore map[string]float64
	hasText := false
	if q.Text != "" {
		tp, err := e.interpret(ctx, e.text, tokens(q.Text), q.spelling())
		if err != nil {
			t.Fatal(err)
		}
		hits, ok, err := e.text.search(ctx, q.Text, tp.groups)
		if err != nil {
			t.Fatal(err)
		}
		hasText = ok
		textScore = map[string]float64{}
		best := 0.0
		for _, h := range hits {
			best = math.Max(best, h.score)
		}
		for _, h := range hits {
			textScore[h.id] = h.score / best
		}
	}

	want := map[string]expected{}
	for _, s := range svcs {
		if x, ok := oracle(s, q, m, hasText, textScore); ok {
			want[s.ID] = x
		}
	}

	// Every page, until the results run out.
	var got []Result
	var first *Results
	for page := 1; ; page++ {
		q.Page = page
		var res *Results
		var err error
		if m == modeSearch {
			res, err = e.Search(ctx, q)
		} else {
			res, err = e.Match(ctx, q)
		}
		if err != nil {
			t.Fatalf("query %+v: %v", q, err)
		}
		if first == nil {
			first = res
		}
		if res.Total != first.Total {
			t.Fatalf("page %d total %d, page 1 total %d", page, res.Total, first.Total)
		}
		got = append(got, res.Items...)
		if len(res.Items) < q.Size {
			break
		}
	}
	desc := fmt.Sprintf("mode %d query %+v", m, q)

	if first.Total != len(want) {
		t.Errorf("%s: total = %d, oracle %d", desc, first.Total, len(want))
	}
	seen := map[string]bool{}
	for _, it := range got {
		id := it.Service.ID
		if seen[id] {
			t.Errorf("%s: %s appears on two pages", desc, id)
		}
		seen[id] = true
		x, ok := want[id]
		if !ok {
			t.Errorf("%s: %s (%s) returned, oracle rejects it", desc, id, it.Service.Name)
			continue
		}
		if math.Abs(it.Score-x.score) > 1e-9 {
			t.Errorf("%s: %s score = %v (%+v), oracle %v", desc, id, it.Score, it.Components, x.score)
		}
		if c := it.Components; math.Abs(c.Text+c.Need+c.Interest+c.Activity+c.Near-c.Penalty-it.Score) > 1e-9 {
			t.Errorf("%s: %s components %+v do not add up to %v", desc, id, c, it.Score)
		}
		gotDist := math.NaN()
		if it.DistanceM != nil {
			gotDist = *it.DistanceM
		}
		if !(math.IsNaN(gotDist) && math.IsNaN(x.dist)) && math.Abs(gotDist-x.dist) > 1e-6 {
			t.Errorf("%s: %s distance = %v, oracle %v", desc, id, gotDist, x.dist)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: pages hold %d services, oracle %d", desc, len(got), len(want))
	}
	for i := 1; i < len(got); i++ {
		if rankCompare(q, got[i-1], got[i]) > 0 {
			t.Errorf("%s: %s ranks before %s but should not", desc, got[i-1].Service.ID, got[i].Service.ID)
		}
	}
	checkFacets(t, desc, first.Facets, want)
	return len(want)
}

// rankCompare is the documented order, from the public result fields.
func rankCompare(q Query, a, b Result) int {
	dist := func(r Result) float64 {
		if r.DistanceM == nil {
			return math.Inf(1)
		}
		return *r.DistanceM
	}
	byScore := func() int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	}
	byDist := func() int {
		switch da, db := dist(a), dist(b); {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return 0
	}
	first, second := byScore, byDist
	if q.Sort == SortNearest && q.HasPoint {
		first, second = byDist, byScore
	}
	if c := first(); c != 0 {
		return c
	}
	if c := second(); c != 0 {
		return c
	}
	if c := strings.Compare(strings.ToLower(a.Service.Name), strings.ToLower(b.Service.Name)); c != 0 {
		return c
	}
	return strings.Compare(a.Service.ID, b.Service.ID)
}

func checkFacets(t *testing.T, desc string, f Facets, want map[string]expected) {
	t.Helper()
	count := func(taxonomy, code string) int {
		n := 0
		for _, x := range want {
			if slices.Contains(x.svc.TermCodes(taxonomy), code) {
				n++
			}
		}
		return n
	}
	for _, fc := range f.Needs {
		if w := count(directory.TaxonomyNeeds, fc.Code); fc.Count != w {
			t.Errorf("%s: need facet %s = %d, oracle %d", desc, fc.Code, fc.Count, w)
		}
	}
	for _, fc := range f.Interests {
		if w := count(directory.TaxonomyInterests, fc.Code); fc.Count != w {
			t.Errorf("%s: interest facet %s = %d, oracle %d", desc, fc.Code, fc.Count, w)
		}
	}
	for _, fc := range f.Activities {
		if w := count(directory.TaxonomyActivities, fc.Code); fc.Count != w {
			t.Errorf("%s: activity facet %s = %d, oracle %d", desc, fc.Code, fc.Count, w)
		}
	}
	free := 0
	for _, x := range want {
		if x.svc.Free() {
			free++
		}
	}
	if f.Free != free {
		t.Errorf("%s: free facet = %d, oracle %d", desc, f.Free, free)
	}
	for _, fc := range f.Delivery {
		n := 0
		for _, x := range want {
			if x.svc.Offers(directory.Delivery(fc.Code)) {
				n++
			}
		}
		if fc.Count != n {
			t.Errorf("%s: delivery facet %s = %d, oracle %d", desc, fc.Code, fc.Count, n)
		}
	}
}

// oracle decides one service straight from DESIGN.md's filter semantics and
// ranking formula.
func oracle(s *directory.Service, q Query, m mode, hasText bool, textScore map[string]float64) (expected, bool) {
	x := expected{svc: s, dist: math.NaN()}
	if s.Status != directory.StatusActive {
		return x, false
	}
	count := func(taxonomy string, asked []string) int {
		have := s.TermCodes(taxonomy)
		n := 0
		for _, c := range asked {
			if slices.Contains(have, c) {
				n++
			}
		}
		return n
	}
	nN, nI, nA := count(directory.TaxonomyNeeds, q.Needs), count(directory.TaxonomyInterests, q.Interests), count(directory.TaxonomyActivities, q.Activities)
	text, textHit := textScore[s.ID]
	switch m {
	case modeSearch:
		if nN < len(q.Needs) || nI < len(q.Interests) || nA < len(q.Activities) {
			return x, false
		}
		if hasText && !textHit {
			return x, false
		}
	case modeMatch:
		asked := len(q.Needs)+len(q.Interests)+len(q.Activities) > 0 || hasText
		if asked && nN+nI+nA == 0 && !textHit {
			return x, false
		}
	}
	if q.Free && !s.Free() {
		return x, false
	}
	if q.Age != nil && !s.AcceptsAge(float64(*q.Age)) {
		return x, false
	}
	if q.Day != "" && !slices.Contains(s.Days(), q.Day) {
		return x, false
	}
	if q.Delivery != "" && !s.Offers(q.Delivery) {
		return x, false
	}
	if q.Language != "" {
		want := strings.ToLower(q.Language)
		var langs []string
		for _, l := range s.Languages {
			langs = append(langs, strings.ToLower(l.Code), strings.ToLower(l.Name))
		}
		if len(langs) == 0 {
			langs = []string{"en", "eng", "english"}
		}
		if !slices.Contains(langs, want) {
			return x, false
		}
	}
	if q.Accessibility != "" {
		var notes []string
		for _, sal := range s.ServiceAtLocations {
			if sal.Location != nil {
				for _, a := range sal.Location.Accessibility {
					notes = append(notes, strings.ToLower(a.Description+" "+a.Details))
				}
			}
		}
		all := strings.Join(notes, " ")
		for _, w := range words(q.Accessibility) {
			if !strings.Contains(all, w) {
				return x, false
			}
		}
	}
	if q.OrganizationID != "" && s.OrganizationID != q.OrganizationID {
		return x, false
	}
	if !q.ModifiedAfter.IsZero() {
		lm, err := time.Parse(time.RFC3339, s.LastModified)
		if err != nil || !lm.After(q.ModifiedAfter) {
			return x, false
		}
	}
	for _, id := range q.TaxonomyTermIDs {
		found := false
		for _, a := range s.Attributes {
			found = found || a.TaxonomyTermID == id
		}
		if !found {
			return x, false
		}
	}

	var near float64
	if q.HasPoint {
		from := newGeoPoint(q.Lat, q.Lon)
		for _, p := range s.PhysicalPoints() {
			d := newGeoPoint(p.Lat, p.Lon).distanceM(from)
			if math.IsNaN(x.dist) || d < x.dist {
				x.dist = d
			}
		}
		if q.RadiusM > 0 {
			passesAnyway := q.Delivery != directory.DeliveryInPerson &&
				(s.Offers(directory.DeliveryOnline) || len(s.PhysicalPoints()) == 0)
			if !passesAnyway && !(x.dist <= q.RadiusM) {
				return x, false
			}
		}
		switch {
		case !math.IsNaN(x.dist):
			near = WeightNear * math.Exp(-x.dist/NearScaleM)
		case s.Offers(directory.DeliveryOnline) || s.Offers(directory.DeliveryPhone):
			near = WeightNear * math.Exp(-OnlineEquivalentM/NearScaleM)
		}
	}

	score := near
	if hasText {
		score += WeightText * text
	}
	if len(q.Needs) > 0 {
		score += WeightNeed * float64(nN) / float64(len(q.Needs))
	}
	if len(q.Interests) > 0 {
		score += WeightInterest * float64(nI) / float64(len(q.Interests))
	}
	if len(q.Activities) > 0 {
		score += WeightActivity * float64(nA) / float64(len(q.Activities))
	}
	switch s.Capacity {
	case directory.CapacityFull, directory.CapacityPaused:
		score -= PenaltyFull
	case directory.CapacityWaitingList:
		score -= PenaltyWaitingList
	}
	if at, ok := s.Assured(); !ok || at.Before(testNow.Add(-AssuredFor)) {
		score -= PenaltyNotAssured
	}
	x.score = score
	return x, true
}
