package synth

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"signpost/directory"
	"signpost/directory/hsds"
)

func TestDeterministic(t *testing.T) {
	gen := func(n int, seed int64) []byte {
		var buf bytes.Buffer
		if err := WriteNDJSON(&buf, n, seed); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := gen(300, 7), gen(300, 7)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave different output")
	}
	if bytes.Equal(a, gen(300, 8)) {
		t.Fatal("different seeds gave the same output")
	}
	if n := bytes.Count(a, []byte("\n")); n != 300 {
		t.Fatalf("%d lines, want 300", n)
	}
	// Service i depends on the seed, i and the organisation count only, so
	// a batch of the same size is a stable prefix of itself however far it
	// is read.
	var first []*directory.Service
	for s := range Services(300, 7) {
		first = append(first, s)
		if len(first) == 5 {
			break
		}
	}
	got := decode(t, a)[:5]
	if !reflect.DeepEqual(first, got) {
		t.Fatal("Services and WriteNDJSON disagree")
	}
}

// decode reads NDJSON back through the HSDS reader, failing on any problem.
func decode(t *testing.T, data []byte) []*directory.Service {
	t.Helper()
	r := hsds.NewReader(bytes.NewReader(data))
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

var phonePattern = regexp.MustCompile(`^0151 496 0\d{3}$`)

func TestFieldsAreValid(t *testing.T) {
	const n = 2000
	orgs := map[string]bool{}
	var free, onlineOnly, counted int
	for s := range Services(n, 42) {
		counted++
		if problems := s.Validate().Errors(); len(problems) > 0 {
			t.Fatalf("service %s fails validation: %v", s.ID, problems)
		}
		checkIDs(t, reflect.ValueOf(s).Elem(), s.ID)
		if words := len(strings.Fields(s.Description)); words < 40 || words > 120 {
			t.Errorf("service %s: description has %d words, want 40-120", s.ID, words)
		}
		if !strings.HasSuffix(s.Email, "@example.org") || !strings.HasSuffix(s.Organization.Email, "@example.org") {
			t.Errorf("service %s: e-mail outside example.org: %q, %q", s.ID, s.Email, s.Organization.Email)
		}
		for _, p := range append(s.Phones, s.Organization.Phones...) {
			if !phonePattern.MatchString(p.Number) {
				t.Errorf("service %s: phone %q outside 0151 496 0000-0999", s.ID, p.Number)
			}
		}
		for _, pt := range s.PhysicalPoints() {
			if pt.Lat < MinLat || pt.Lat > MaxLat || pt.Lon < MinLon || pt.Lon > MaxLon {
				t.Errorf("service %s: point %v outside the Liverpool City Region", s.ID, pt)
			}
		}
		checkTerms(t, s)
		if len(s.Schedules) == 0 || s.Schedules[0].ByDay == "" {
			t.Errorf("service %s: no schedule with byday", s.ID)
		}
		if !s.Capacity.Valid() || s.Capacity == "" {
			t.Errorf("service %s: capacity %q", s.ID, s.Capacity)
		}
		assured, ok := s.Assured()
		if !ok || !assured.Before(AssuredWindowEnd) || assured.Before(AssuredWindowEnd.AddDate(-3, 0, -1)) {
			t.Errorf("service %s: assured_date %q outside the three-year window", s.ID, s.AssuredDate)
		}
		if s.Organization == nil || s.Organization.ID != s.OrganizationID {
			t.Errorf("service %s: organization not embedded", s.ID)
		}
		orgs[s.OrganizationID] = true
		if s.Free() {
			free++
		}
		if s.HasLocationType(directory.LocationVirtual) && !s.HasLocationType(directory.LocationPhysical) {
			onlineOnly++
			if !s.Offers(directory.DeliveryOnline) || s.Offers(directory.DeliveryInPerson) {
				t.Errorf("service %s: online-only service delivers %v", s.ID, s.Delivery)
			}
		}
	}
	if counted != n {
		t.Fatalf("made %d services, want %d", counted, n)
	}
	within := func(name string, got, lo, hi int) {
		if got < lo || got > hi {
			t.Errorf("%s = %d of %d, want %d-%d", name, got, n, lo, hi)
		}
	}
	within("organisations", len(orgs), n/20*8/10, n/20)
	within("free services", free, n*65/100, n*75/100)
	within("online-only services", onlineOnly, n*11/100, n*19/100)
}

// checkIDs walks a service and asserts every id field holds a UUID.
func checkIDs(t *testing.T, v reflect.Value, service string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			checkIDs(t, v.Elem(), service)
		}
	case reflect.Slice:
		for i := range v.Len() {
			checkIDs(t, v.Index(i), service)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			name := v.Type().Field(i).Name
			if f.Kind() == reflect.String && (name == "ID" || strings.HasSuffix(name, "ID")) && f.String() != "" {
				if u, err := uuid.Parse(f.String()); err != nil || u.String() != f.String() {
					t.Errorf("service %s: %s.%s = %q is not a UUID", service, v.Type().Name(), name, f.String())
				}
			}
			checkIDs(t, f, service)
		}
	}
}

func checkTerms(t *testing.T, s *directory.Service) {
	t.Helper()
	for _, a := range s.Attributes {
		if _, ok := directory.TermByID(a.TaxonomyTermID); !ok {
			t.Errorf("service %s: unknown term id %s", s.ID, a.TaxonomyTermID)
		}
	}
	counts := []struct {
		taxonomy string
		lo, hi   int
	}{
		{directory.TaxonomyActivities, 1, 1},
		{directory.TaxonomyNeeds, 1, 3},
		{directory.TaxonomyInterests, 1, 3},
	}
	for _, c := range counts {
		if n := len(s.TermCodes(c.taxonomy)); n < c.lo || n > c.hi {
			t.Errorf("service %s: %d %s terms, want %d-%d", s.ID, n, c.taxonomy, c.lo, c.hi)
		}
	}
}

func TestThousandServicesCoverEveryTerm(t *testing.T) {
	seen := map[string]bool{}
	access := map[string]bool{}
	for s := range Services(1000, 1) {
		for _, a := range s.Attributes {
			seen[a.TaxonomyTermID] = true
		}
		for _, c := range s.AccessCodes() {
			access[c] = true
		}
	}
	// Access features follow from the generated notes, which state these.
	for _, c := range []string{"step-free", "accessible-toilet", "hearing-loop", "quiet-space", "parking"} {
		if !access[c] {
			t.Errorf("access feature %q never used", c)
		}
	}
	for name, terms := range directory.Vocabularies {
		if name == directory.TaxonomyAccess {
			continue
		}
		for _, term := range terms {
			if !seen[term.ID()] {
				t.Errorf("%s term %q never used", name, term.Code)
			}
		}
	}
}

func TestVocabularyIsVaried(t *testing.T) {
	words := map[string]int{}
	total := 0
	for s := range Services(1000, 3) {
		for _, w := range strings.Fields(strings.ToLower(s.Name + " " + s.Description)) {
			words[strings.Trim(w, ".,;:?!'\"")]++
			total++
		}
	}
	if len(words) < 800 {
		t.Errorf("only %d distinct words in 1000 services", len(words))
	}
	// Topic words should be rare next to function words, as in real text.
	if words["the"] < 10*words["allotment"] || words["allotment"] == 0 {
		t.Errorf("term statistics look flat: the=%d allotment=%d", words["the"], words["allotment"])
	}
}

func TestServicesIsLazy(t *testing.T) {
	// A huge n must cost nothing until services are drawn: nothing is
	// built up front.
	n := 0
	for range Services(1<<40, 1) {
		n++
		if n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("drew %d services", n)
	}
}

func TestZeroServices(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteNDJSON(&buf, 0, 1); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Fatalf("wrote %q for zero services", buf.String())
	}
}

func BenchmarkWriteNDJSON(b *testing.B) {
	const batch = 1000
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := WriteNDJSON(&buf, batch, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "services/s")
}

func TestTermAttributesMatchDirectory(t *testing.T) {
	// The generator derives attributes from templates for speed; they must
	// be exactly what directory.TermAttribute makes.
	for s := range Services(50, 9) {
		for _, a := range s.Attributes {
			term, ok := a.SignpostTerm()
			if !ok {
				t.Fatalf("service %s: attribute %s has no Signpost term", s.ID, a.ID)
			}
			if want := directory.TermAttribute(s.ID, term); !reflect.DeepEqual(a, want) {
				t.Fatalf("service %s: attribute\n got %+v\nwant %+v", s.ID, a, want)
			}
		}
	}
}
