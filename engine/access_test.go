package engine

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"signpost/directory"
)

// features attaches access features to every place of the service, as the
// provider form does.
func features(codes ...string) svcOpt {
	return func(s *directory.Service) {
		for i := range s.ServiceAtLocations {
			s.ServiceAtLocations[i].SetAccess(codes)
		}
	}
}

func TestAccessFeaturesFilterWithAND(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(
		mk("both", "Both", "a group", atKm(0, 0), features("step-free", "hearing-loop")),
		mk("all", "All three", "a group", atKm(1, 0), features("step-free", "hearing-loop", "parking")),
		mk("step", "Step only", "a group", atKm(0, 1), features("step-free")),
		mk("loop", "Loop only", "a group", atKm(1, 1), features("hearing-loop")),
		mk("none", "None", "a group", atKm(2, 0)),
	)
	e, _ := mustOpen(t, src)
	for _, tt := range []struct {
		params string
		want   []string
	}{
		{"accessibility=step-free&accessibility=hearing-loop", []string{"all", "both"}},
		{"accessibility=step-free,hearing-loop,parking", []string{"all"}},
		{"accessibility=step-free", []string{"all", "both", "step"}},
		{"accessibility=bsl", nil},
	} {
		t.Run(tt.params, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.params)
			q, err := ParseQuery(v)
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(res)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if m, err := e.Match(ctx, q); err != nil {
				t.Fatal(err)
			} else if got := ids(m); len(got) != len(tt.want) {
				t.Errorf("match got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := ParseQuery(url.Values{"accessibility": {"wheelchair"}}); err == nil {
		t.Error("an unknown access code was accepted")
	} else if fe, ok := err.(*FieldError); !ok || fe.Field != "accessibility" {
		t.Errorf("error %v does not name the accessibility parameter", err)
	}
	// The free-text filter keeps its meaning beside the codes.
	if q, err := ParseQuery(url.Values{"access": {"wheelchair"}, "accessibility": {"parking"}}); err != nil || q.Accessibility != "wheelchair" || !slices.Equal(q.AccessFeatures, []string{"parking"}) {
		t.Errorf("ParseQuery = %+v, %v", q, err)
	}
}
