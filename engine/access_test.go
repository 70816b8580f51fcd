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
