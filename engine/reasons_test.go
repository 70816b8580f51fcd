package engine

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

func TestFormatDays(t *testing.T) {
	tests := []struct {
		byday string
		want  string
	}{
		{"", ""},
		{"TU", "Tuesdays"},
		{"TU,TH", "Tuesdays and Thursdays"},
		{"MO,WE,FR", "Mondays, Wednesdays and Fridays"},
		{"MO,TU,WE,TH,FR", "Weekdays"},
		{"SA,SU", "Weekends"},
		{"MO,TU,WE,TH,FR,SA,SU", "Every day"},
	}
	for _, tt := range tests {
		var mask uint8
		for _, d := range strings.Split(tt.byday, ",") {
			mask |= dayBit(d)
		}
		if got := formatDays(mask); got != tt.want {
			t.Errorf("formatDays(%s) = %q, want %q", tt.byday, got, tt.want)
		}
	}
}

// TestDistanceAgreesWithOrb checks the table's haversine against orb's
// (which uses a slightly larger Earth radius) to within 0.2%.
func TestDistanceAgreesWithOrb(t *testing.T) {
	pairs := [][4]float64{{53.4084, -2.9916, 53.6475, -3.0053}, {53.4084, -2.9916, 53.3900, -3.0230}, {51.5, -0.12, 55.95, -3.19}}
	for _, p := range pairs {
		got := newGeoPoint(p[0], p[1]).distanceM(newGeoPoint(p[2], p[3]))
		want := geo.DistanceHaversine(orb.Point{p[1], p[0]}, orb.Point{p[3], p[2]})
		if math.Abs(got-want)/want > 0.002 {
			t.Errorf("distance %v: %v m, orb says %v m", p, got, want)
		}
	}
}

func TestResultsCarryComponentsAndDistance(t *testing.T) {
	e := rankingEngine(t)
	res, err := e.Match(context.Background(), Query{Needs: []string{"worry"}, HasPoint: true, Lat: centreLat, Lon: centreLon})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Result{}
	for _, it := range res.Items {
		byID[it.Service.ID] = it
	}
	online, cafe := byID["calm-online"], byID["wellbeing-cafe"]
	if online.DistanceM != nil {
		t.Errorf("online-only service has a distance %v, want nil", *online.DistanceM)
	}
	if cafe.DistanceM == nil || math.Abs(*cafe.DistanceM-424) > 5 {
		t.Errorf("cafe distance = %v, want about 424 m", cafe.DistanceM)
	}
	if cafe.Components.Need != WeightNeed || cafe.Components.Penalty != 0 {
		t.Errorf("cafe components = %+v, want a full need and no penalty", cafe.Components)
	}
	wantNear := WeightNear * math.Exp(-OnlineEquivalentM/NearScaleM)
	if math.Abs(online.Components.Near-wantNear) > 1e-12 {
		t.Errorf("online near = %v, want the online equivalent %v", online.Components.Near, wantNear)
	}
}

func TestPagingIsStable(t *testing.T) {
	ctx := context.Background()
	e, _ := mustOpen(t, newMemSource(genServices(300, 9)...))
	// No text and no point: most scores tie, so only the tie-breaks order
	// the results.
	q := Query{Size: 7}
	all, err := e.Search(ctx, Query{Size: MaxSize})
	if err != nil {
		t.Fatal(err)
	}
	var paged []string
	for q.Page = 1; len(paged) < MaxSize; q.Page++ {
		res, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(res)...)
	}
	if want := ids(all); !slices.Equal(paged[:MaxSize], want) {
		t.Errorf("pages of 7 disagree with one page of %d:\n%v\n%v", MaxSize, paged[:MaxSize], want)
	}
}

// TestConcurrentReadsAndWrites runs searches while writes are applied; run
// with -race to check the table's locking.
func TestConcurrentReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(200, 5)...)
	e, _ := mustOpen(t, src)
	extra := genServices(260, 6)[200:]

	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for range 30 {
				if _, err := e.Match(ctx, Query{Text: "walking", Needs: []string{"lonely"}, HasPoint: true, Lat: centreLat, Lon: centreLon, RadiusM: 10000}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i, s := range extra {
		s.ID = "extra-" + s.ID
		if err := e.Apply(ctx, src.put(s)); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if err := e.Apply(ctx, src.delete(s.ID)); err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()
	if rep, err := e.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("after concurrent writes: %v %v", rep, err)
	}
}
