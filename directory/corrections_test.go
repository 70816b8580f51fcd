package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"signpost/directory"
)

func TestAddCorrection(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	for _, i := range []int{1, 2} {
		if _, err := s.PutService(ctx, serviceN(i), directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	gen, _ := s.Generation(ctx)
	var heard int
	s.Watch(func(directory.Change) { heard++ })

	first, err := s.AddCorrection(ctx, directory.Correction{ServiceID: serviceN(2).ID, Field: "times", Message: "  It moved to Thursdays.  "})
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == "" || first.At.IsZero() || first.Status != directory.CorrectionOpen || first.Message != "It moved to Thursdays." {
		t.Errorf("stored correction = %+v, want an id, a time, status open and a trimmed message", first)
	}
	if _, err := s.AddCorrection(ctx, directory.Correction{ServiceID: serviceN(1).ID, Message: "The phone number is wrong."}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCorrection(ctx, directory.Correction{ServiceID: serviceN(2).ID, Field: "closed", Message: "It stopped in May."}); err != nil {
		t.Fatal(err)
	}

	if after, _ := s.Generation(ctx); after != gen || heard != 0 {
		t.Errorf("a correction moved the generation (%d → %d) or told %d watchers; it changes no listing", gen, after, heard)
	}

	t.Run("one service, oldest first", func(t *testing.T) {
		got, err := s.Corrections(ctx, serviceN(2).ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Field != "times" || got[1].Field != "closed" {
			t.Fatalf("corrections of service 2 = %+v, want times then closed", got)
		}
	})
	t.Run("all services, in arrival order", func(t *testing.T) {
		got, err := s.Corrections(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		var msgs []string
		for _, c := range got {
			msgs = append(msgs, c.Message)
		}
		want := "It moved to Thursdays.|The phone number is wrong.|It stopped in May."
		if strings.Join(msgs, "|") != want {
			t.Errorf("all corrections = %q, want %q", strings.Join(msgs, "|"), want)
		}
	})
	t.Run("a service with none", func(t *testing.T) {
		got, err := s.Corrections(ctx, serviceN(3).ID)
		if err != nil || len(got) != 0 {
			t.Errorf("Corrections(unknown) = %v, %v; want none and no error", got, err)
		}
	})
}

func TestAddCorrectionRefuses(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	if _, err := s.PutService(ctx, serviceN(1), directory.Save{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		c        directory.Correction
		notFound bool
		wantPath string
	}{
		{name: "empty message", c: directory.Correction{ServiceID: serviceN(1).ID, Message: "   "}, wantPath: "message"},
		{name: "message too long", c: directory.Correction{ServiceID: serviceN(1).ID, Message: strings.Repeat("a", directory.MaxCorrectionLen+1)}, wantPath: "message"},
		{name: "unknown field", c: directory.Correction{ServiceID: serviceN(1).ID, Field: "colour", Message: "x"}, wantPath: "field"},
		{name: "no service id", c: directory.Correction{Message: "x"}, wantPath: "service_id"},
		{name: "unknown service", c: directory.Correction{ServiceID: serviceN(9).ID, Message: "x"}, notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AddCorrection(ctx, tt.c)
			if tt.notFound {
				if !errors.Is(err, directory.ErrNotFound) {
					t.Fatalf("err = %v, want ErrNotFound", err)
				}
				return
			}
			var ve *directory.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Path != tt.wantPath {
				t.Fatalf("err = %v, want one problem at %q", err, tt.wantPath)
			}
		})
	}
	if got, _ := s.Corrections(ctx, ""); len(got) != 0 {
		t.Errorf("refused corrections were stored: %+v", got)
	}
}
