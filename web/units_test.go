package web

import (
	"testing"

	"signpost/engine"
)

// TestSiteUnits: distances read in the site's units, the radius choices
// are in them, and the radius parameter counts them; the engine is always
// asked in metres.
func TestSiteUnits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		units    engine.Units
		options  string
		distance string
		radiusM  float64
		where    string
	}{
		{engine.Miles, "Within 1 mile|Within 2 miles|Within 5 miles|Within 10 miles|Within 25 miles|Any distance",
			"0.3 miles away", 2 * engine.MetresPerMile, "Bootle, within 2 miles"},
		{engine.Kilometres, "Within 1 km|Within 2 km|Within 5 km|Within 10 km|Within 25 km|Any distance",
			"420 m away", 2000, "Bootle, within 2 km"},
	}
	for _, tt := range tests {
		t.Run(tt.units.String(), func(t *testing.T) {
			site := newFakeSite(t)
			cfg := site.config()
			cfg.Units = tt.units
			srv, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, doc := get(t, srv, "/search?q=gardening&near=Bootle&radius=2")
			if got := items(doc.Find("#radius option")); got != tt.options {
				t.Errorf("radius choices %s, want %s", got, tt.options)
			}
			if got := doc.Find("#radius option[selected]").AttrOr("value", ""); got != "2" {
				t.Errorf("selected radius %q", got)
			}
			if got := facts(doc.Find("#result-1 .facts"))["Distance"]; got != tt.distance {
				t.Errorf("distance %q, want %q", got, tt.distance)
			}
			if q := site.finder.last(t); q.RadiusM != tt.radiusM {
				t.Errorf("the engine was asked for %v m, want %v", q.RadiusM, tt.radiusM)
			}
			_, doc = get(t, srv, "/match?step=results&need=lonely&near=Bootle&radius=2")
			if got := facts(doc.Find(".summary-list"))["Where"]; got != tt.where {
				t.Errorf("the matcher says back %q, want %q", got, tt.where)
			}
			_, doc = get(t, srv, "/")
			if got := items(doc.Find("#radius option")); got != tt.options {
				t.Errorf("home radius choices %s", got)
			}
		})
	}
}
