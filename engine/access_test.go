package engine

import (
	"context"
	"errors"
	"slices"
	"strings"
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
		codes []string
		want  []string
	}{
		{[]string{"step-free", "hearing-loop"}, []string{"all", "both"}},
		{[]string{"step-free", "hearing-loop", "parking"}, []string{"all"}},
		{[]string{"step-free"}, []string{"all", "both", "step"}},
		{[]string{"bsl"}, nil},
	} {
		t.Run(strings.Join(tt.codes, ","), func(t *testing.T) {
			q := Query{AccessFeatures: tt.codes}
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
	var fe *FieldError
	if err := (Query{AccessFeatures: []string{"wheelchair"}}).Validate(); !errors.As(err, &fe) || fe.Field != FieldFeatures {
		t.Errorf("an unknown access code: %v, want a FieldError on AccessFeatures", err)
	}
}

// TestRelaxAllWhenNoOneChangeFinds: when dropping any one filter still
// finds nothing, every filter is dropped at once.
func TestRelaxAllWhenNoOneChangeFinds(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(
		mk("knit", "Knit and Natter", "knitting", atKm(0, 0)),
		mk("step", "Step only", "a group", atKm(0, 1), features("step-free")),
		mk("loop", "Loop only", "a group", atKm(1, 1), features("hearing-loop")),
	)
	e, _ := mustOpen(t, src)
	q := Query{Text: "knitting", AccessFeatures: []string{"step-free", "hearing-loop"}}
	rs, err := e.Relaxations(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Kind != RelaxAll || rs[0].Count != 1 || rs[0].Query.Text != "knitting" || len(rs[0].Query.AccessFeatures) != 0 {
		t.Errorf("relaxations = %+v, want every filter dropped, keeping the words, finding 1", rs)
	}
}
