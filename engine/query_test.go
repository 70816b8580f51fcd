package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"signpost/directory"
)

// TestQueryValidate: every field the engine cannot answer is named, with a
// message that reads after the name of whatever set it.
func TestQueryValidate(t *testing.T) {
	bad, old := -3, 131
	tests := []struct {
		name    string
		q       Query
		field   Field
		message string
	}{
		{"words too long", Query{Text: strings.Repeat("x", MaxTextLen+1)}, FieldText, "is 501 characters long; at most 500 can be searched"},
		{"latitude out of range", Query{HasPoint: true, Lat: 91}, FieldLat, "must be between -90 and 90, not 91"},
		{"longitude not a number", Query{HasPoint: true, Lon: math.NaN()}, FieldLon, "must be between -180 and 180, not NaN"},
		{"negative radius", Query{RadiusM: -1}, FieldRadius, "must be between 0 and 1000000 metres, not -1"},
		{"unknown need", Query{Needs: []string{"nope"}}, FieldNeeds, `unknown code "nope"`},
		{"unknown interest", Query{Interests: []string{"gardening", "knitting"}}, FieldInterests, `unknown code "knitting"`},
		{"unknown activity", Query{Activities: []string{"party"}}, FieldActivities, `unknown code "party"`},
		{"negative age", Query{Age: &bad}, FieldAge, "must be from 0 to 130, not -3"},
		{"great age", Query{Age: &old}, FieldAge, "must be from 0 to 130, not 131"},
		{"bad day", Query{Day: "XX"}, FieldDay, `must be one of MO, TU, WE, TH, FR, SA, SU, not "XX"`},
		{"bad delivery", Query{Delivery: "post"}, FieldDelivery, `must be online, in-person or phone, not "post"`},
		{"bad sort", Query{Sort: "random"}, FieldSort, `must be best or nearest, not "random"`},
		{"negative page", Query{Page: -1}, FieldPage, "must be 1 or more, not -1"},
		{"page too long", Query{Size: MaxSize + 1}, FieldSize, "must be from 1 to 100, not 101"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fe *FieldError
			if err := tt.q.Validate(); !errors.As(err, &fe) || fe.Field != tt.field || fe.Message != tt.message {
				t.Errorf("Validate() = %v, want %s: %s", err, tt.field, tt.message)
			}
		})
	}
	age := 67
	for _, ok := range []Query{
		{},
		{Text: "gardening", HasPoint: true, Lat: 53.4, Lon: -2.98, RadiusM: 5000, Needs: []string{"money"},
			Interests: []string{"gardening"}, Activities: []string{"class"}, Free: true, Age: &age, Day: "TU",
			Delivery: directory.DeliveryInPerson, Sort: SortNearest, Page: 3, Size: MaxSize},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", ok, err)
		}
	}
}

// TestSearchValidatesQueries: Search, Match and Relaxations refuse what
// Validate refuses, with the same typed error.
func TestSearchValidatesQueries(t *testing.T) {
	ctx := context.Background()
	e := rankingEngine(t)
	q := Query{Needs: []string{"nope"}}
	for name, run := range map[string]func() error{
		"Search":      func() error { _, err := e.Search(ctx, q); return err },
		"Match":       func() error { _, err := e.Match(ctx, q); return err },
		"Relaxations": func() error { _, err := e.Relaxations(ctx, q); return err },
	} {
		var fe *FieldError
		if err := run(); !errors.As(err, &fe) || fe.Field != FieldNeeds {
			t.Errorf("%s error = %v, want a FieldError on Needs", name, err)
		}
	}
}
