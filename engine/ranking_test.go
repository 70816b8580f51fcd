package engine

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"signpost/directory"
)

// rankingCase is one block of testdata/ranking.txt.
type rankingCase struct {
	line   int
	mode   string
	query  string
	checks []string
}

func readRankingCases(t *testing.T, path string) []rankingCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []rankingCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if m, q, ok := strings.Cut(line, " "); ok && (m == "search" || m == "match") {
			cases = append(cases, rankingCase{line: n, mode: m, query: q})
			continue
		}
		if len(cases) == 0 {
			t.Fatalf("%s:%d: expectation before any query", path, n)
		}
		cases[len(cases)-1].checks = append(cases[len(cases)-1].checks, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

func TestRanking(t *testing.T) {
	ctx := context.Background()
	e := rankingEngine(t)
	here := fmt.Sprintf("lat=%v&lon=%v", centreLat, centreLon)

	for _, c := range readRankingCases(t, "testdata/ranking.txt") {
		t.Run(fmt.Sprintf("line%d %s %s", c.line, c.mode, c.query), func(t *testing.T) {
			q, err := rankingQuery(strings.ReplaceAll(c.query, "$here", here))
			if err != nil {
				t.Fatal(err)
			}
			q.Size = MaxSize
			var res *Results
			if c.mode == "search" {
				res, err = e.Search(ctx, q)
			} else {
				res, err = e.Match(ctx, q)
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			byID := map[string]Result{}
			for _, it := range res.Items {
				byID[it.Service.ID] = it
			}
			for _, check := range c.checks {
				kind, arg, _ := strings.Cut(check, ":")
				arg = strings.TrimSpace(arg)
				switch {
				case kind == "top":
					want := strings.Fields(arg)
					if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
						t.Errorf("top = %v, want %v first", got, want)
					}
				case kind == "order":
					ab := strings.Fields(arg)
					i, j := slices.Index(got, ab[0]), slices.Index(got, ab[1])
					if i < 0 || j < 0 || i > j {
						t.Errorf("order %v: got %v", ab, got)
					}
				case kind == "has":
					for _, id := range strings.Fields(arg) {
						if !slices.Contains(got, id) {
							t.Errorf("%s missing from %v", id, got)
						}
					}
				case kind == "not":
					for _, id := range strings.Fields(arg) {
						if slices.Contains(got, id) {
							t.Errorf("%s present in %v", id, got)
						}
					}
				case kind == "total":
					want, err := strconv.Atoi(arg)
					if err != nil {
						t.Fatalf("bad total %q", arg)
					}
					if res.Total != want {
						t.Errorf("total = %d (%v), want %d", res.Total, got, want)
					}
				case strings.HasPrefix(kind, "reason "):
					id := strings.TrimPrefix(kind, "reason ")
					r, ok := byID[id]
					if !ok {
						t.Errorf("reason for %s: not in results %v", id, got)
						continue
					}
					var texts []string
					for _, rs := range r.Reasons {
						texts = append(texts, rs.Text)
					}
					if !slices.Contains(texts, arg) {
						t.Errorf("reasons of %s = %q, want %q among them", id, texts, arg)
					}
				default:
					t.Fatalf("unknown expectation %q", check)
				}
			}
		})
	}
}

// rankingQuery reads a query line of ranking.txt: URL parameters named as
// the API names them, which the file is written in because it reads well.
// Only the parameters the file uses are known; any other is a mistake in
// the file.
func rankingQuery(raw string) (Query, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return Query{}, err
	}
	var q Query
	for key, vals := range v {
		val := vals[0]
		var err error
		switch key {
		case "q":
			q.Text = val
		case "lat":
			q.Lat, err = strconv.ParseFloat(val, 64)
			q.HasPoint = true
		case "lon":
			q.Lon, err = strconv.ParseFloat(val, 64)
			q.HasPoint = true
		case "proximity":
			q.RadiusM, err = strconv.ParseFloat(val, 64)
		case "need":
			q.Needs = vals
		case "interest":
			q.Interests = vals
		case "activity":
			q.Activities = vals
		case "free":
			q.Free = val == "true" || val == "1"
		case "age":
			var n int
			n, err = strconv.Atoi(val)
			q.Age = &n
		case "day":
			q.Day = val
		case "delivery":
			q.Delivery = directory.Delivery(val)
		case "access":
			q.Accessibility = val
		case "language":
			q.Language = val
		case "sort":
			q.Sort = Sort(val)
		default:
			return Query{}, fmt.Errorf("unknown parameter %q", key)
		}
		if err != nil {
			return Query{}, fmt.Errorf("%s: %w", key, err)
		}
	}
	return q, q.Validate()
}
