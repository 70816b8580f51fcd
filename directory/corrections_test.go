package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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
	gen := generation(t, s)
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

	if after := generation(t, s); after != gen || heard != 0 {
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
	if got, err := s.Corrections(ctx, ""); err != nil || len(got) != 0 {
		t.Errorf("refused corrections were stored: %+v", got)
	}
}

func TestSetCorrectionStatus(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	for _, i := range []int{1, 2} {
		if _, err := s.PutService(ctx, serviceN(i), directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := s.AddCorrection(ctx, directory.Correction{ServiceID: serviceN(1).ID, Field: "times", Message: "It moved to Thursdays."})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.AddCorrection(ctx, directory.Correction{ServiceID: serviceN(2).ID, Message: "The phone number is wrong."})
	if err != nil {
		t.Fatal(err)
	}
	gen := generation(t, s)
	var heard int
	s.Watch(func(directory.Change) { heard++ })

	// stored reads a correction back, so each step checks what was kept,
	// not only what the method returned.
	stored := func(t *testing.T, serviceID, id string) directory.Correction {
		t.Helper()
		cs, err := s.Corrections(ctx, serviceID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("correction %s of %s is gone", id, serviceID)
		return directory.Correction{}
	}

	t.Run("done, by whom and when", func(t *testing.T) {
		got, err := s.SetCorrectionStatus(ctx, directory.CorrectionUpdate{ServiceID: moved.ServiceID, ID: moved.ID, Status: directory.CorrectionDone, Actor: "admin@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		kept := stored(t, moved.ServiceID, moved.ID)
		for name, c := range map[string]directory.Correction{"returned": got, "stored": kept} {
			if c.Status != directory.CorrectionDone || c.StatusBy != "admin@example.org" || c.StatusAt == nil || !c.StatusAt.Equal(now) {
				t.Errorf("%s correction = %+v, want done by admin@example.org at %v", name, c, now)
			}
			if c.Message != moved.Message || c.Field != moved.Field || !c.At.Equal(moved.At) {
				t.Errorf("%s correction lost what was said: %+v", name, c)
			}
		}
		if o := stored(t, other.ServiceID, other.ID); o.Status != directory.CorrectionOpen {
			t.Errorf("another service's correction is %s, want it left open", o.Status)
		}
	})
	t.Run("dismissed", func(t *testing.T) {
		if _, err := s.SetCorrectionStatus(ctx, directory.CorrectionUpdate{ServiceID: other.ServiceID, ID: other.ID, Status: directory.CorrectionDismissed, Actor: "admin@example.org"}); err != nil {
			t.Fatal(err)
		}
		if c := stored(t, other.ServiceID, other.ID); c.Status != directory.CorrectionDismissed || c.StatusBy != "admin@example.org" {
			t.Errorf("stored correction = %+v, want dismissed", c)
		}
	})
	t.Run("open again forgets who closed it", func(t *testing.T) {
		if _, err := s.SetCorrectionStatus(ctx, directory.CorrectionUpdate{ServiceID: moved.ServiceID, ID: moved.ID, Status: directory.CorrectionOpen, Actor: "admin@example.org"}); err != nil {
			t.Fatal(err)
		}
		if c := stored(t, moved.ServiceID, moved.ID); c.Status != directory.CorrectionOpen || c.StatusBy != "" || c.StatusAt != nil {
			t.Errorf("stored correction = %+v, want open with no closer", c)
		}
	})

	t.Run("a note keeps the status", func(t *testing.T) {
		if _, err := s.SetCorrectionStatus(ctx, directory.CorrectionUpdate{ServiceID: moved.ServiceID, ID: moved.ID, Note: " We have moved to Thursdays. ", Actor: "prov@example.org"}); err != nil {
			t.Fatal(err)
		}
		c := stored(t, moved.ServiceID, moved.ID)
		if c.Status != directory.CorrectionOpen || c.Note != "We have moved to Thursdays." || c.NoteBy != "prov@example.org" || c.NoteAt == nil {
			t.Errorf("stored correction = %+v, want open with the note", c)
		}
	})

	refusals := []struct {
		name, serviceID, id string
		status              directory.CorrectionStatus
		wantNotFound        bool
		wantMsg             string
	}{
		{"unknown status", moved.ServiceID, moved.ID, "deleted", false, `not "deleted"`},
		{"unknown id", moved.ServiceID, "no-such-id", directory.CorrectionDone, true, "no-such-id"},
		{"id of another service's correction", moved.ServiceID, other.ID, directory.CorrectionDone, true, other.ID},
		{"no service", "", moved.ID, directory.CorrectionDone, true, moved.ID},
		{"neither status nor note", moved.ServiceID, moved.ID, "", false, "write a note"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.SetCorrectionStatus(ctx, directory.CorrectionUpdate{ServiceID: tt.serviceID, ID: tt.id, Status: tt.status, Actor: "admin@example.org"})
			if err == nil {
				t.Fatal("no error")
			}
			var ve *directory.ValidationError
			if tt.wantNotFound != errors.Is(err, directory.ErrNotFound) || tt.wantNotFound == errors.As(err, &ve) {
				t.Errorf("error %v: want not found %v, else a validation error", err, tt.wantNotFound)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}

	if after := generation(t, s); after != gen || heard != 0 {
		t.Errorf("a status change moved the generation (%d → %d) or told %d watchers; it changes no listing", gen, after, heard)
	}
}
