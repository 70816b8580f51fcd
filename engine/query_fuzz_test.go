package engine

import (
	"context"
	"errors"
	"testing"

	"signpost/directory"
)

// FuzzSearch builds queries from arbitrary values: a query Validate refuses
// must come back as a *FieldError naming its field, and one it accepts
// must be answerable by Search, Match and Relaxations. A 500 on a search
// box is the bug this hunts.
func FuzzSearch(f *testing.F) {
	f.Add("gardening", 53.46, -2.99, 5000.0, "money", "gardening", "class", -1, "", "", "", 1, 20)
	f.Add("counciling gardning", 53.4, -3.0, 0.0, "low-mood", "", "", 70, "TU", "in-person", "nearest", 2, 7)
	f.Add("\"unterminated ( * ~2 +-foo", 200.0, 0.0, -5.0, "sad", "x", "party", 131, "XX", "post", "random", -1, 1000)
	f.Add("lonley skint cant sleep", 0.0, 0.0, 1e6, "", "", "", 0, "SU", "online", "best", 0, 0)
	src := newMemSource(genServices(60, 3)...)
	e, _ := mustOpen(f, src)
	f.Fuzz(func(t *testing.T, text string, lat, lon, radius float64, need, interest, activity string, age int, day, delivery, sort string, page, size int) {
		q := Query{Text: text, Lat: lat, Lon: lon, HasPoint: lat != 0 || lon != 0, RadiusM: radius,
			Day: day, Delivery: directory.Delivery(delivery), Sort: Sort(sort), Page: page, Size: size}
		for _, c := range []struct {
			code string
			to   *[]string
		}{{need, &q.Needs}, {interest, &q.Interests}, {activity, &q.Activities}} {
			if c.code != "" {
				*c.to = []string{c.code}
			}
		}
		if age >= 0 || age < -1 {
			q.Age = &age
		}
		ctx := context.Background()
		if err := q.Validate(); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" || fe.Message == "" {
				t.Fatalf("Validate(%+v) = %v, want a *FieldError naming the field", q, err)
			}
			return
		}
		if _, err := e.Search(ctx, q); err != nil {
			t.Fatalf("Search(%.300v): %.300v", q, err)
		}
		if _, err := e.Match(ctx, q); err != nil {
			t.Fatalf("Match(%.300v): %.300v", q, err)
		}
		if _, err := e.Relaxations(ctx, q); err != nil {
			t.Fatalf("Relaxations(%.300v): %.300v", q, err)
		}
	})
}
