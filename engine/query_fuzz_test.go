package engine

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseQueryAndSearch feeds arbitrary query strings through the one
// parameter parser and, when they parse, through Search and Match: a bad
// value must come back as a *FieldError naming its field, and anything that
// parses must be answerable. A 500 on a search box is the bug this hunts.
func FuzzParseQueryAndSearch(f *testing.F) {
	for _, seed := range []string{
		"q=gardening&lat=53.46&lon=-2.99&proximity=5000",
		"need=money&need=low-mood&interest=gardening&free=1&age=70&day=TU",
		"proximity=-5", "age=abc", "lat=200&lon=0", "need=sad",
		"q=" + strings.Repeat("x", 4000),
		"q=" + strings.Repeat("y", 450),
		"q=counciling+gardning&sort=nearest&page=2&per_page=7",
		"delivery=online&access=wheelchair&language=pl",
		"modified_after=2025-01-01&organization_id=x&taxonomy_term_id=y",
		"q=%22unterminated&q=(&q=*&q=~2&q=+-foo",
	} {
		f.Add(seed)
	}
	src := newMemSource(genServices(60, 3)...)
	e, _ := mustOpen(f, src)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" || fe.Message == "" {
				t.Fatalf("ParseQuery(%q) = %v, want a *FieldError naming the field", raw, err)
			}
			return
		}
		if q.Page < 0 || q.Size < 0 || q.Size > MaxSize {
			t.Fatalf("ParseQuery(%q) gave page %d size %d", raw, q.Page, q.Size)
		}
		ctx := context.Background()
		if _, err := e.Search(ctx, q); err != nil {
			t.Fatalf("Search(%.200q): %.300v", raw, err)
		}
		if _, err := e.Match(ctx, q); err != nil {
			t.Fatalf("Match(%.200q): %.300v", raw, err)
		}
	})
}
