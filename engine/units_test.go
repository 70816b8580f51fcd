package engine

import (
	"context"
	"math"
	"testing"
)

func TestUnitsDistance(t *testing.T) {
	mile := MetresPerMile
	tests := []struct {
		u    Units
		m    float64
		want string
	}{
		{Miles, 0, "less than 0.1 miles"},
		{Miles, 0.04 * mile, "less than 0.1 miles"},
		{Miles, 0.3 * mile, "0.3 miles"},
		{Miles, 0.49 * mile, "0.5 miles"},
		{Miles, mile, "1 mile"},
		{Miles, 0.96 * mile, "1 mile"},
		{Miles, 2 * mile, "2 miles"},
		{Miles, 2.5 * mile, "2.5 miles"},
		{Miles, 9.94 * mile, "9.9 miles"},
		{Miles, 9.96 * mile, "10 miles"},
		{Miles, 12.4 * mile, "12 miles"},
		{Kilometres, 0, "0 m"},
		{Kilometres, 64, "60 m"},
		{Kilometres, 994, "990 m"},
		{Kilometres, 995, "1.0 km"},
		{Kilometres, 1234, "1.2 km"},
		{Kilometres, 9949, "9.9 km"},
		{Kilometres, 12345, "12 km"},
	}
	for _, tt := range tests {
		if got := tt.u.Distance(tt.m); got != tt.want {
			t.Errorf("%s.Distance(%v) = %q, want %q", tt.u, tt.m, got, tt.want)
		}
	}
}

func TestParseUnits(t *testing.T) {
	for in, want := range map[string]Units{"miles": Miles, "MI": Miles, "km": Kilometres, " kilometres ": Kilometres} {
		if got, err := ParseUnits(in); err != nil || got != want {
			t.Errorf("ParseUnits(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseUnits("furlongs"); err == nil || err.Error() != `units must be miles or km, not "furlongs"` {
		t.Errorf("ParseUnits(furlongs): %v", err)
	}
	var zero Units
	if zero != Miles || Miles.Count(1) != "1 mile" || Miles.Count(5) != "5 miles" || Kilometres.Count(10) != "10 km" {
		t.Error("the zero value is not miles, or Count reads wrong")
	}
}

// Reasons write distances in the engine's units; DistanceM stays metres.
func TestDistanceReasonFollowsUnits(t *testing.T) {
	lat, lon := offsetKm(4, 0) // 4 km, 2.5 miles, north of the centre
	src := newMemSource(mk("north", "North garden", "gardening", at(lat, lon)))
	for _, tt := range []struct {
		opts []Option
		want string
	}{
		{nil, "2.5 miles away"},
		{[]Option{WithUnits(Miles)}, "2.5 miles away"},
		{[]Option{WithUnits(Kilometres)}, "4.0 km away"},
	} {
		e, _ := mustOpen(t, src, tt.opts...)
		res, err := e.Search(context.Background(), Query{Text: "gardening", HasPoint: true, Lat: centreLat, Lon: centreLon})
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("search: %v, %d results", err, len(res.Items))
		}
		it := res.Items[0]
		var got string
		for _, r := range it.Reasons {
			if r.Kind == ReasonDistance {
				got = r.Text
			}
		}
		if got != tt.want || it.DistanceM == nil || math.Abs(*it.DistanceM-4000) > 5 {
			t.Errorf("distance reason %q (DistanceM %v), want %q and 4000 m", got, it.DistanceM, tt.want)
		}
	}
}
