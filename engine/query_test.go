package engine

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"testing"
	"time"

	"signpost/directory"
)

func TestParseQuery(t *testing.T) {
	age := 67
	tests := []struct {
		name string
		raw  string
		want Query
	}{
		{"empty", "", Query{Sort: SortBest, Page: 1, Size: DefaultSize}},
		{"everything", "q=gardening&lat=53.4&lon=-2.98&proximity=5000&need=lonely&need=money,worry&interest=gardening" +
			"&activity=class&free=true&age=67&day=tu&delivery=in-person&access=wheelchair&language=pl" +
			"&organization_id=org1&modified_after=2025-01-31&taxonomy_term_id=a,b&sort=nearest&page=3&per_page=50",
			Query{Text: "gardening", Lat: 53.4, Lon: -2.98, HasPoint: true, RadiusM: 5000,
				Needs: []string{"lonely", "money", "worry"}, Interests: []string{"gardening"}, Activities: []string{"class"},
				Free: true, Age: &age, Day: "TU", Delivery: directory.DeliveryInPerson, Accessibility: "wheelchair",
				Language: "pl", OrganizationID: "org1", ModifiedAfter: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC),
				TaxonomyTermIDs: []string{"a", "b"}, Sort: SortNearest, Page: 3, Size: 50}},
		{"search is an alias of q", "search=choir", Query{Text: "choir", Sort: SortBest, Page: 1, Size: DefaultSize}},
		{"text is an alias of q", "text=choir", Query{Text: "choir", Sort: SortBest, Page: 1, Size: DefaultSize}},
		{"free=0 is off", "free=0", Query{Sort: SortBest, Page: 1, Size: DefaultSize}},
		{"day names", "day=Wednesday", Query{Day: "WE", Sort: SortBest, Page: 1, Size: DefaultSize}},
		{"size alias", "size=7", Query{Sort: SortBest, Page: 1, Size: 7}},
		{"codes are case-folded and deduplicated", "need=Money&need=money", Query{Needs: []string{"money"}, Sort: SortBest, Page: 1, Size: DefaultSize}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseQuery(v)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.raw, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseQuery(%q)\n got %+v\nwant %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
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
		{"free=maybe", "free", `must be true or false, not "maybe"`},
		{"day=XX", "day", `must be one of MO, TU, WE, TH, FR, SA, SU, not "XX"`},
		{"delivery=post", "delivery", `must be online, in-person or phone, not "post"`},
		{"sort=random", "sort", `must be best or nearest, not "random"`},
		{"page=0", "page", `must be a whole number from 1 to 2147483647, not "0"`},
		{"per_page=1000", "per_page", `must be a whole number from 1 to 100, not "1000"`},
		{"modified_after=yesterday", "modified_after", `must be a date (2025-03-31) or an RFC 3339 time, not "yesterday"`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			v, err := url.ParseQuery(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseQuery(v)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseQuery(%q) error = %v, want a *FieldError", tt.raw, err)
			}
			if fe.Field != tt.wantField || fe.Message != tt.wantMsg {
				t.Errorf("ParseQuery(%q) = {%s: %s}, want {%s: %s}", tt.raw, fe.Field, fe.Message, tt.wantField, tt.wantMsg)
			}
		})
	}
}

// TestSearchValidatesQueriesBuiltInCode: callers that fill a Query directly
// get the same typed errors as ParseQuery's.
func TestSearchValidatesQueriesBuiltInCode(t *testing.T) {
	e := rankingEngine(t)
	bad := -3
	tests := []struct {
		name  string
		q     Query
		field string
	}{
		{"unknown need", Query{Needs: []string{"nope"}}, "need"},
		{"latitude out of range", Query{HasPoint: true, Lat: 91}, "lat"},
		{"negative radius", Query{RadiusM: -1}, "proximity"},
		{"negative age", Query{Age: &bad}, "age"},
		{"bad day", Query{Day: "XX"}, "day"},
		{"page too big", Query{Size: MaxSize + 1}, "per_page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.Search(context.Background(), tt.q)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Search(%+v) error = %v, want a FieldError on %s", tt.q, err, tt.field)
			}
		})
	}
}
