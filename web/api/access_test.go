package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"signpost/directory"
)

// accessibility=CODE (repeatable) keeps services whose places offer every
// feature; the free-text access keeps its meaning beside it.
func TestAccessibilityParameter(t *testing.T) {
	svcs := synthServices(300, 5)
	for i, s := range svcs {
		if len(s.ServiceAtLocations) == 0 {
			continue
		}
		var codes []string
		if i%2 == 0 {
			codes = append(codes, "step-free")
		}
		if i%3 == 0 {
			codes = append(codes, "hearing-loop")
		}
		s.ServiceAtLocations[0].SetAccess(codes)
	}
	f := newFixture(t, svcs)
	both := 0
	for _, q := range []string{
		"/api/v1/services?accessibility=step-free&accessibility=hearing-loop&per_page=200&full=true",
		"/api/v1/services?accessibility=step-free,hearing-loop&per_page=200&full=true",
		"/api/v1/services?taxonomy_term_id=" + directory.TermID(directory.TaxonomyAccess, "step-free") + "&accessibility=hearing-loop&per_page=200&full=true",
		"/api/v1/services?accessibility=step-free&accessibility=hearing-loop&format=ndjson&full=true",
	} {
		t.Run(q, func(t *testing.T) {
			var got []directory.Service
			resp, body := f.get(t, q)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
				for _, line := range splitLines(body) {
					var s directory.Service
					if err := json.Unmarshal(line, &s); err != nil {
						t.Fatal(err)
					}
					got = append(got, s)
				}
			} else {
				got = getJSON[Page[directory.Service]](t, f, q).Contents
			}
			if len(got) == 0 {
				t.Fatal("no service has both; the fixture should have some")
			}
			if both != 0 && len(got) != both {
				t.Errorf("%d services, want %d as the other forms gave", len(got), both)
			}
			both = len(got)
			for _, s := range got {
				codes := s.AccessCodes()
				if !slices.Contains(codes, "step-free") || !slices.Contains(codes, "hearing-loop") {
					t.Errorf("%s offers %v, not both", s.Name, codes)
				}
			}
		})
	}
	resp, body := f.get(t, "/api/v1/services?accessibility=wheelchair")
	var e struct{ Error, Field string }
	if err := json.Unmarshal(body, &e); err != nil || resp.StatusCode != 400 || e.Field != "accessibility" {
		t.Errorf("unknown code: status %d, %s", resp.StatusCode, body)
	}
}

func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := slices.Index(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		if i > 0 {
			out = append(out, b[:i])
		}
		b = b[i+1:]
	}
	return out
}
