package api

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"signpost/directory"
	"signpost/engine"
)

func TestParseEngineQuery(t *testing.T) {
	age := 67
	tests := []struct {
		name string
		raw  string
		want engine.Query
	}{
		{"empty", "", engine.Query{Sort: engine.SortBest}},
		{"everything", "q=gardening&lat=53.4&lon=-2.98&proximity=5000&need=lonely&need=money,worry&interest=gardening" +
			"&activity=class&free=true&age=67&day=tu&delivery=in-person&access=wheelchair&accessibility=parking,step-free&language=pl" +
			"&organization_id=org1&modified_after=2025-01-31&taxonomy_term_id=a,b&sort=nearest",
			engine.Query{Text: "gardening", Lat: 53.4, Lon: -2.98, HasPoint: true, RadiusM: 5000,
				Needs: []string{"lonely", "money", "worry"}, Interests: []string{"gardening"}, Activities: []string{"class"},
				Free: true, Age: &age, Day: "TU", Delivery: directory.DeliveryInPerson, Accessibility: "wheelchair",
				AccessFeatures: []string{"parking", "step-free"}, Language: "pl", OrganizationID: "org1", ModifiedAfter: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC).Add(-time.Nanosecond),
				TaxonomyTermIDs: []string{"a", "b"}, Sort: engine.SortNearest}},
		{"search is an alias of q", "search=choir", engine.Query{Text: "choir", Sort: engine.SortBest}},
		{"text is an alias of q", "text=choir", engine.Query{Text: "choir", Sort: engine.SortBest}},
		{"free=0 is off", "free=0", engine.Query{Sort: engine.SortBest}},
		{"day names", "day=Wednesday", engine.Query{Day: "WE", Sort: engine.SortBest}},
		{"codes are case-folded and deduplicated", "need=Money&need=money", engine.Query{Needs: []string{"money"}, Sort: engine.SortBest}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseEngineQuery(v)
			if err != nil {
				t.Fatalf("parseEngineQuery(%q): %v", tt.raw, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseEngineQuery(%q)\n got %+v\nwant %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseEngineQueryErrors(t *testing.T) {
	tests := []struct {
		raw       string
		wantField string
		wantMsg   string
	}{
		{"lat=53&lon=-3&proximity=-5", "proximity", "must be between 0 and 1e+06, not -5 (metres)"},
		{"proximity=near", "proximity", `must be a number, not "near" (metres)`},
		{"age=abc", "age", `must be a whole number of years from 0 to 130, not "abc"`},
		{"age=-1", "age", `must be a whole number of years from 0 to 130, not "-1"`},
		{"lat=200&lon=0", "lat", "must be between -90 and 90, not 200"},
		{"lat=53&lon=181", "lon", "must be between -180 and 180, not 181"},
		{"lat=53", "lon", "is needed with lat"},
		{"lon=-3", "lat", "is needed with lon"},
		{"lat=NaN&lon=0", "lat", `must be a number, not "NaN"`},
		{"need=sadness", "need", `unknown code "sadness"`},
		{"interest=gardening&interest=knitting", "interest", `unknown code "knitting"`},
		{"activity=party", "activity", `unknown code "party"`},
		{"accessibility=wheelchair", "accessibility", `unknown code "wheelchair"`},
		{"free=maybe", "free", `must be true or false, not "maybe"`},
		{"day=XX", "day", `must be one of MO, TU, WE, TH, FR, SA, SU, not "XX"`},
		{"delivery=post", "delivery", `must be online, in-person or phone, not "post"`},
		{"sort=random", "sort", `must be best or nearest, not "random"`},
		{"modified_after=yesterday", "modified_after", `must be a date (2025-03-31) or an RFC 3339 time, not "yesterday"`},
		{"q=" + strings.Repeat("x", engine.MaxTextLen+1), "search", "is 501 characters long; at most 500 can be searched"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			v, err := url.ParseQuery(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			_, err = parseEngineQuery(v)
			if e := classify(err); e.Status != 400 || e.Field != tt.wantField || e.Message != tt.wantMsg {
				t.Errorf("parseEngineQuery(%q) = %d {%s: %s}, want 400 {%s: %s}", tt.raw, e.Status, e.Field, e.Message, tt.wantField, tt.wantMsg)
			}
		})
	}
}

// FuzzParseEngineQuery: any query string is either refused with a 400
// naming a parameter, or read into a query the engine accepts (FuzzSearch
// in the engine then holds that such a query is answerable).
func FuzzParseEngineQuery(f *testing.F) {
	for _, seed := range []string{
		"q=gardening&lat=53.46&lon=-2.99&proximity=5000",
		"need=money&need=low-mood&interest=gardening&free=1&age=70&day=TU",
		"proximity=-5", "age=abc", "lat=200&lon=0", "need=sad",
		"q=" + strings.Repeat("y", 450),
		"delivery=online&access=wheelchair&language=pl",
		"modified_after=2025-01-01&organization_id=x&taxonomy_term_id=y",
		"q=%22unterminated&q=(&q=*&q=~2&q=+-foo",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := parseEngineQuery(v)
		if err != nil {
			if e := classify(err); e.Status != 400 || e.Field == "" || e.Message == "" {
				t.Fatalf("parseEngineQuery(%q) = %+v, want a 400 naming the parameter", raw, e)
			}
			return
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("parseEngineQuery(%q) gave a query the engine refuses: %v", raw, err)
		}
	})
}
