package engine

import (
	"context"
	"fmt"
	"testing"

	"signpost/data"
	"signpost/directory"
)

// at puts a service's next physical location at lat, lon.
func at(lat, lon float64) svcOpt {
	return func(s *directory.Service) {
		n := len(s.ServiceAtLocations)
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{
			ID: fmt.Sprintf("%s-sal-%d", s.ID, n),
			Location: &directory.Location{
				ID: fmt.Sprintf("%s-loc-%d", s.ID, n), LocationType: directory.LocationPhysical,
				Latitude: &lat, Longitude: &lon,
			},
		})
	}
}

// A person in Bootle is told that an activity in Wallasey is across the
// Mersey, and is told nothing of the kind for one on their own shore.
func TestAcrossWaterReason(t *testing.T) {
	basemap, err := directory.LoadBasemap(data.Basemap(), data.WaterNames())
	if err != nil {
		t.Fatal(err)
	}
	src := newMemSource(
		mk("wallasey", "Wallasey garden", "gardening", at(53.4240, -3.0650)),
		mk("aintree", "Aintree garden", "gardening", at(53.4750, -2.9560)),
		mk("crosby", "Crosby garden", "gardening", at(53.4880, -3.0180)),
		mk("birkenhead", "Birkenhead garden", "gardening", at(53.3930, -3.0140)),
		// Two places: the nearer, in Bootle, is the one measured to.
		mk("both", "Two-shore garden", "gardening", at(53.3930, -3.0140), at(53.4500, -2.9900)),
	)
	const bootleLat, bootleLon = 53.4460, -2.9920
	tests := []struct {
		name  string
		opts  []Option
		id    string
		wants string // the across-water reason's text; "" for none
	}{
		{"Bootle to Wallasey", []Option{WithWaters(basemap)}, "wallasey", "Across the Mersey — check your route"},
		{"Bootle to Birkenhead", []Option{WithWaters(basemap)}, "birkenhead", "Across the Mersey — check your route"},
		{"Bootle to Aintree, same shore", []Option{WithWaters(basemap)}, "aintree", ""},
		{"Bootle to Crosby, same shore", []Option{WithWaters(basemap)}, "crosby", ""},
		{"nearest place on the same shore", []Option{WithWaters(basemap)}, "both", ""},
		{"no basemap, no warning", nil, "wallasey", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := mustOpen(t, src, tt.opts...)
			res, err := e.Search(context.Background(), Query{Text: "gardening", HasPoint: true, Lat: bootleLat, Lon: bootleLon})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range res.Items {
				if it.Service.ID != tt.id {
					continue
				}
				var got string
				for i, r := range it.Reasons {
					if r.Kind == ReasonAcrossWater {
						got = r.Text
						if i == 0 || it.Reasons[i-1].Kind != ReasonDistance {
							t.Errorf("the warning does not follow the distance: %v", it.Reasons)
						}
					}
				}
				if got != tt.wants {
					t.Errorf("across-water reason %q, want %q (reasons %v)", got, tt.wants, it.Reasons)
				}
				return
			}
			t.Fatalf("%s not among the results", tt.id)
		})
	}
}
