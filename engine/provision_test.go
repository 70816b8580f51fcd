package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
	"signpost/directory/directorytest"
)

// genDistricts makes n postcode districts scattered over the generated
// directory's area, with a town and a neighbourhood that are not
// districts mixed in.
func genDistricts(n int, seed uint64) []directory.Place {
	r := rand.New(rand.NewPCG(seed, 0xd157))
	places := []directory.Place{
		{Name: "Townton", Kind: directory.PlaceTown, Lat: 53.45, Lon: -2.95},
		{Name: "Nook", Kind: directory.PlaceNeighbourhood, Lat: 53.40, Lon: -3.00},
	}
	for i := range n {
		places = append(places, directory.Place{Name: fmt.Sprintf("D%d", i+1), Kind: directory.PlacePostcodeDistrict,
			Lat: 53.25 + r.Float64()*0.45, Lon: -3.20 + r.Float64()*0.60})
	}
	return places
}

// oracleNearest is the brute-force answer: for every need and district,
// the distance to the nearest in-person activity meeting the need, read
// through directory's own methods rather than the engine's table.
func oracleNearest(svcs []*directory.Service, districts []directory.Place) map[[2]string]float64 {
	out := map[[2]string]float64{}
	for _, need := range directory.Needs {
		for _, d := range districts {
			if d.Kind != directory.PlacePostcodeDistrict {
				continue
			}
			best := math.Inf(1)
			for _, s := range svcs {
				if !s.Listed() || !s.Offers(directory.DeliveryInPerson) || !slices.Contains(s.TermCodes(directory.TaxonomyNeeds), need.Code) {
					continue
				}
				for _, p := range s.PhysicalPoints() {
					best = math.Min(best, geo.DistanceHaversine(orb.Point{d.Lon, d.Lat}, orb.Point{p.Lon, p.Lat}))
				}
			}
			out[[2]string{need.Code, d.Name}] = best
		}
	}
	return out
}

// TestProvisionOracle checks every need and district's nearest distance,
// and the gaps at several radiuses, against the brute-force oracle, and
// again after listings change.
func TestProvisionOracle(t *testing.T) {
	ctx := context.Background()
	// Few enough services that some districts have gaps at 3 miles.
	svcs := genServices(180, 11)
	src := newMemSource(svcs...)
	places := genDistricts(40, 3)
	clock := directorytest.NewClock(testNow)
	e, _ := mustOpen(t, src, WithDistricts(places), WithClock(clock.Now))

	check := func(t *testing.T, svcs []*directory.Service) {
		t.Helper()
		p, err := e.Provision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := oracleNearest(svcs, places)
		if len(p.Districts) != 40 {
			t.Fatalf("%d districts, want the 40 postcode districts only", len(p.Districts))
		}
		all := p.All()
		if len(all) != len(want) {
			t.Fatalf("%d need × district rows, want %d", len(all), len(want))
		}
		for _, g := range all {
			w := want[[2]string{g.Need.Code, g.District.Name}]
			if !(math.IsInf(w, 1) && g.None()) && math.Abs(w-g.NearestM) > 1e-6 {
				t.Errorf("%s in %s: nearest %.3f m, oracle %.3f m", g.Need.Code, g.District.Name, g.NearestM, w)
			}
		}
		for _, miles := range []float64{1, 3, 5} {
			radius := miles * 1609.344
			var wantGaps []string
			for _, need := range directory.Needs {
				for _, d := range p.Districts {
					if want[[2]string{need.Code, d.Name}] > radius {
						wantGaps = append(wantGaps, need.Code+"/"+d.Name)
					}
				}
			}
			var got []string
			for _, g := range p.Gaps(radius) {
				got = append(got, g.Need.Code+"/"+g.District.Name)
			}
			if !slices.Equal(got, wantGaps) {
				t.Errorf("gaps at %g miles: %d, oracle %d", miles, len(got), len(wantGaps))
			}
			if miles == 3 && (len(got) == 0 || len(got) == len(all)) {
				t.Errorf("at 3 miles %d of %d are gaps: the test data proves nothing", len(got), len(all))
			}
		}
	}
	t.Run("as loaded", func(t *testing.T) { check(t, svcs) })

	// Close every in-person listing of one need and add one far away:
	// the figures follow once the refresh interval has passed.
	var changed []*directory.Service
	for _, s := range svcs {
		if slices.Contains(s.TermCodes(directory.TaxonomyNeeds), "food") && s.Status == directory.StatusActive {
			c := *s
			c.Status = directory.StatusInactive
			changed = append(changed, &c)
		}
	}
	if err := e.Apply(ctx, src.put(changed...)); err != nil {
		t.Fatal(err)
	}
	p, _ := e.Provision(ctx)
	if n := len(p.Gaps(3 * 1609.344)); n == 0 {
		t.Fatal("no gaps")
	}
	stale := p.NearestM("food", 0)
	clock.Advance(provisionRefresh)
	t.Run("after a change", func(t *testing.T) {
		check(t, src.all())
		p, _ := e.Provision(ctx)
		if got := p.NearestM("food", 0); !math.IsInf(got, 1) {
			t.Errorf("food after closing all: nearest %v (was %v), want none", got, stale)
		}
	})
}

// TestProvisionDebounced: within the refresh interval a change is not yet
// reflected; after it, it is.
func TestProvisionDebounced(t *testing.T) {
	ctx := context.Background()
	lat, lon := offsetKm(0, 0)
	src := newMemSource()
	clock := directorytest.NewClock(testNow)
	e, _ := mustOpen(t, src, WithClock(clock.Now),
		WithDistricts([]directory.Place{{Name: "L1", Kind: directory.PlacePostcodeDistrict, Lat: lat, Lon: lon}}))
	p, err := e.Provision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(p.NearestM("lonely", 0), 1) {
		t.Fatal("an empty directory has support")
	}
	if err := e.Apply(ctx, src.put(mk("a", "Lunch club", "", needs("lonely"), atKm(1, 0)))); err != nil {
		t.Fatal(err)
	}
	if p, _ = e.Provision(ctx); !math.IsInf(p.NearestM("lonely", 0), 1) {
		t.Error("recomputed within the refresh interval")
	}
	clock.Advance(provisionRefresh)
	if p, _ = e.Provision(ctx); math.Abs(p.NearestM("lonely", 0)-1000) > 5 {
		t.Errorf("after the interval: nearest %v m, want about 1000", p.NearestM("lonely", 0))
	}
}

// TestUnmetNeeds: a need is unmet when no in-person activity meeting it
// lies within the radius; online ones and ones further away do not count.
func TestUnmetNeeds(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(
		mk("near", "Walking group", "", needs("active"), atKm(2, 0)),
		mk("far", "Debt advice", "", needs("money"), atKm(20, 0)),
		mk("online", "Online bereavement group", "", needs("bereavement"), online()),
		mk("closed", "Closed lunch club", "", needs("lonely"), atKm(1, 0), status(directory.StatusInactive)),
	)
	e, _ := mustOpen(t, src)
	lat, lon := offsetKm(0, 0)
	tests := []struct {
		name    string
		radiusM float64
		needs   []string
		want    []string
	}{
		{"within 5 km", 5000, []string{"active", "money", "bereavement", "lonely"}, []string{"lonely", "bereavement", "money"}},
		{"within 25 km", 25000, []string{"active", "money"}, nil},
		{"any distance", 0, []string{"money", "bereavement"}, []string{"bereavement"}},
		{"unknown codes are left out", 5000, []string{"nonsense"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.UnmetNeeds(ctx, lat, lon, tt.radiusM, tt.needs)
			if err != nil {
				t.Fatal(err)
			}
			// In vocabulary order.
			want := slices.Clone(tt.want)
			slices.SortFunc(want, func(a, b string) int {
				return termIndex(directory.Needs, a) - termIndex(directory.Needs, b)
			})
			if !slices.Equal(got, want) {
				t.Errorf("unmet %v, want %v", got, want)
			}
		})
	}
}

type demandSinkFunc func(map[directory.DemandKey]int) error

func (f demandSinkFunc) AddDemand(_ context.Context, c map[directory.DemandKey]int) error {
	return f(c)
}

// TestDemandCounter: searches queue, and a flush counts the unmet needs
// under the district given, or the district nearest a town.
func TestDemandCounter(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(mk("near", "Walking group", "", needs("active"), atKm(2, 0)))
	cLat, cLon := offsetKm(0, 0)
	nLat, nLon := offsetKm(10, 0)
	places := []directory.Place{
		{Name: "L1", Kind: directory.PlacePostcodeDistrict, Lat: cLat, Lon: cLon},
		{Name: "L20", Kind: directory.PlacePostcodeDistrict, Lat: nLat, Lon: nLon},
	}
	e, _ := mustOpen(t, src, WithDistricts(places))
	var got map[directory.DemandKey]int
	c := NewDemandCounter(e, demandSinkFunc(func(m map[directory.DemandKey]int) error { got = m; return nil }), nil)
	week := directory.ISOWeek(testNow)
	tLat, tLon := offsetKm(9, 1) // a town nearer L20's centre
	c.Count(DemandAsk{Needs: []string{"active", "money"}, Place: places[0], RadiusM: 5000, At: testNow})
	c.Count(DemandAsk{Needs: []string{"money"}, Place: directory.Place{Name: "Northtown", Kind: directory.PlaceTown, Lat: tLat, Lon: tLon}, RadiusM: 5000, At: testNow})
	c.Count(DemandAsk{Needs: []string{"active"}, Place: directory.Place{Name: "Northtown", Kind: directory.PlaceTown, Lat: tLat, Lon: tLon}, RadiusM: 3000, At: testNow})
	c.Count(DemandAsk{Place: places[0], RadiusM: 5000, At: testNow}) // no need: nothing to count
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[directory.DemandKey]int{
		{Week: week, Need: "money", District: "L1"}:   1,
		{Week: week, Need: "money", District: "L20"}:  1,
		{Week: week, Need: "active", District: "L20"}: 1,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts %v, want %v", got, want)
	}
	got = nil
	if err := c.Flush(ctx); err != nil || got != nil {
		t.Errorf("a second flush wrote %v (err %v); the queue was emptied", got, err)
	}
}

// BenchmarkProvision measures one recomputation of the gaps over 100,000
// services and 64 districts, and one unmet-needs check (the work a flush
// does per distinct search), on the table alone.
func BenchmarkProvision(b *testing.B) {
	svcs := genServices(100000, 5)
	tab := newTable()
	rows := make([]row, len(svcs))
	for i, s := range svcs {
		rows[i] = makeRow(s, textDoc(s))
	}
	tab.apply(rows, nil)
	districts := districtsOf(genDistricts(64, 9))
	e := &Engine{tab: tab}
	b.Run("provision", func(b *testing.B) {
		for b.Loop() {
			tab.provision(districts)
		}
	})
	b.Run("unmet-needs", func(b *testing.B) {
		ctx := context.Background()
		lat, lon := offsetKm(0, 0)
		for b.Loop() {
			// Two needs, one of which is met nowhere near: a full pass.
			if _, err := e.UnmetNeeds(ctx, lat, lon, 200, []string{"lonely", "money"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("count", func(b *testing.B) {
		c := NewDemandCounter(e, demandSinkFunc(func(map[directory.DemandKey]int) error { return nil }), nil)
		c.districts = districts
		ask := DemandAsk{Needs: []string{"lonely"}, Place: districts[0], RadiusM: 1609, At: testNow}
		for b.Loop() {
			c.Count(ask)
			if len(c.pending) >= maxPendingAsks {
				c.pending = c.pending[:0]
			}
		}
	})
}
