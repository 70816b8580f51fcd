package api

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
)

// TestGaps: /insights/gaps lists every need and district with the
// distance to the nearest in-person activity, as a brute-force reading of
// the listings has it, in the page envelope of the other lists.
func TestGaps(t *testing.T) {
	f := sampleFixture(t)
	districts := 0
	for _, p := range loadGazetteer(t).Places() {
		if p.Kind == directory.PlacePostcodeDistrict {
			districts++
		}
	}
	type page struct {
		TotalItems int   `json:"total_items"`
		TotalPages int   `json:"total_pages"`
		PageNumber int   `json:"page_number"`
		Size       int   `json:"size"`
		LastPage   bool  `json:"last_page"`
		Contents   []Gap `json:"contents"`
	}
	get := func(t *testing.T, path string) (int, page) {
		resp, body := f.get(t, path)
		var p page
		if resp.StatusCode == http.StatusOK {
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("not open to every origin")
		}
		return resp.StatusCode, p
	}

	t.Run("paged like the other lists", func(t *testing.T) {
		_, p := get(t, "/api/v1/insights/gaps?per_page=100&page=2")
		if p.TotalItems != districts*len(directory.Needs) || p.PageNumber != 2 || p.Size != 100 || p.TotalPages != (p.TotalItems+99)/100 {
			t.Errorf("envelope %+v, want %d items", p, districts*len(directory.Needs))
		}
		if p.Contents[0].Need != directory.Needs[100/districts].Code {
			t.Errorf("page 2 starts %+v", p.Contents[0])
		}
	})

	t.Run("against the listings", func(t *testing.T) {
		_, p := get(t, "/api/v1/insights/gaps?need=lonely,money&district=L20&district=ch41")
		if len(p.Contents) != 4 {
			t.Fatalf("%d items, want 2 needs × 2 districts", len(p.Contents))
		}
		centres := map[string]orb.Point{}
		for _, pl := range loadGazetteer(t).Places() {
			centres[pl.Name] = orb.Point{pl.Lon, pl.Lat}
		}
		none := 0
		for _, g := range p.Contents {
			want := math.Inf(1)
			err := f.store.EachService(context.Background(), func(s *directory.Service) error {
				if s.Listed() && s.Offers(directory.DeliveryInPerson) && slices.Contains(s.TermCodes(directory.TaxonomyNeeds), g.Need) {
					for _, pt := range s.PhysicalPoints() {
						want = math.Min(want, geo.DistanceHaversine(centres[g.District], orb.Point{pt.Lon, pt.Lat}))
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case g.NearestM == nil:
				none++
				if !math.IsInf(want, 1) {
					t.Errorf("%s in %s: null, want %.0f m", g.Need, g.District, want)
				}
			case math.Abs(*g.NearestM-math.Round(want)) > 0.5:
				t.Errorf("%s in %s: %.0f m, want %.0f m", g.Need, g.District, *g.NearestM, want)
			}
		}
		if none == len(p.Contents) {
			t.Error("nothing measured")
		}
	})

	t.Run("bad parameters", func(t *testing.T) {
		for _, q := range []string{"need=nonsense", "district=ZZ99", "per_page=0"} {
			if status, _ := get(t, "/api/v1/insights/gaps?"+q); status != http.StatusBadRequest {
				t.Errorf("%s: status %d, want 400", q, status)
			}
		}
	})
}
