package hsds_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"testing"

	"signpost/directory"
	"signpost/directory/hsds"
	"signpost/directory/synth"
)

// Synthetic services share organisations and carry every Signpost
// extension, so a batch of them exercises the writers' de-duplication and
// the readers' assembly at a realistic scale.
func TestSynthRoundTrip(t *testing.T) {
	originals := slices.Collect(synth.Services(400, 5))
	read := func(t *testing.T, r *hsds.Reader) []*directory.Service {
		t.Helper()
		defer r.Close()
		var out []*directory.Service
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.Err != nil {
				t.Fatalf("record %d: %v", rec.Index, rec.Err)
			}
			out = append(out, rec.Service)
		}
	}
	compare := func(t *testing.T, got []*directory.Service) {
		t.Helper()
		if len(got) != len(originals) {
			t.Fatalf("read back %d services, want %d", len(got), len(originals))
		}
		for i := range originals {
			if !reflect.DeepEqual(got[i], originals[i]) {
				g, _ := json.Marshal(got[i])
				w, _ := json.Marshal(originals[i])
				t.Fatalf("service %d differs:\n got %s\nwant %s", i, g, w)
			}
		}
	}
	for _, format := range []string{hsds.FormatJSON, hsds.FormatNDJSON} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := hsds.NewWriter(&buf, format)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range originals {
				if err := w.Write(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			compare(t, read(t, hsds.NewReader(&buf)))
		})
	}
	t.Run("csv", func(t *testing.T) {
		dir := t.TempDir()
		if err := hsds.WriteCSV(dir, slices.Values(originals)); err != nil {
			t.Fatal(err)
		}
		r, err := hsds.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		// Synthetic services set no link fields in nested objects, and the
		// CSV form fills them in: clear them again to compare.
		got := read(t, r)
		for _, s := range got {
			clearNestedLinks(s)
		}
		compare(t, got)
	})
}

// clearNestedLinks empties the foreign keys that the flat form adds below
// the service: the ones synthetic services never set.
func clearNestedLinks(s *directory.Service) {
	for i := range s.Phones {
		s.Phones[i].ServiceID = ""
	}
	for i := range s.Schedules {
		s.Schedules[i].ServiceID = ""
	}
	for i := range s.Languages {
		s.Languages[i].ServiceID = ""
	}
	for i := range s.CostOptions {
		s.CostOptions[i].ServiceID = ""
	}
	for i := range s.ServiceAtLocations {
		sal := &s.ServiceAtLocations[i]
		sal.ServiceID, sal.LocationID = "", ""
		if sal.Location != nil {
			for j := range sal.Location.Addresses {
				sal.Location.Addresses[j].LocationID = ""
			}
			for j := range sal.Location.Accessibility {
				sal.Location.Accessibility[j].LocationID = ""
			}
		}
	}
	if o := s.Organization; o != nil {
		for i := range o.Phones {
			o.Phones[i].OrganizationID = ""
		}
		for i := range o.OrganizationIdentifiers {
			o.OrganizationIdentifiers[i].OrganizationID = ""
		}
	}
}
