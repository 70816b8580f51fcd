package hsds

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"signpost/directory"
)

// exportJSON writes services in a stream format and returns the bytes.
func exportJSON(t *testing.T, format string, services []*directory.Service) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, format)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range services {
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func services(t *testing.T, recs []Record) []*directory.Service {
	t.Helper()
	var out []*directory.Service
	for _, rec := range recs {
		if rec.Err != nil {
			t.Fatalf("record %d: %v", rec.Index, rec.Err)
		}
		out = append(out, rec.Service)
	}
	return out
}

func roundTripFixtures(t *testing.T) []*directory.Service {
	t.Helper()
	var all []*directory.Service
	all = append(all, services(t, openAll(t, sharedPath(t, "examples/service_full.json")))...)
	all = append(all, services(t, openAll(t, sharedPath(t, "oruk-mocks/valid/service_list_data.json")))...)
	all = append(all, signpostService())
	return all
}

// signpostService carries Signpost's extensions and its vocabulary terms,
// which must survive every format.
func signpostService() *directory.Service {
	age := 18.0
	amount := 0.0
	lat, lon := 53.4084, -2.9916
	s := &directory.Service{
		ID: "8f9a1c52-3b7e-4d1a-9c0e-2f6b5a4d3c21", Name: "Walk & Talk <Everton>", Status: "active",
		Description: "Gentle walks, \"quoted\", with commas, and\nnew lines.", MinimumAge: &age,
		OrganizationID: "org-1", Capacity: directory.CapacityWaitingList,
		Delivery:    []directory.Delivery{directory.DeliveryInPerson, directory.DeliveryPhone},
		CostOptions: []directory.CostOption{{ID: "c1", Amount: &amount, Currency: "GBP"}},
		Schedules:   []directory.Schedule{{ID: "sch1", Freq: "WEEKLY", ByDay: "TU,TH", OpensAt: "10:00", ClosesAt: "12:00"}},
		ServiceAtLocations: []directory.ServiceAtLocation{{ID: "sal1", Location: &directory.Location{
			ID: "loc1", LocationType: directory.LocationPhysical, Name: "Everton Park", Latitude: &lat, Longitude: &lon,
			Addresses: []directory.Address{{ID: "a1", Address1: "Heyworth St", City: "Liverpool", StateProvince: "Merseyside", PostalCode: "L5 3QD", Country: "GB", AddressType: "physical"}},
		}}},
	}
	s.Attributes = []directory.Attribute{
		directory.TermAttribute(s.ID, directory.Needs[0]),
		directory.TermAttribute(s.ID, directory.Interests[4]),
		directory.TermAttribute(s.ID, directory.Activities[7]),
	}
	return s
}

func TestRoundTripStreams(t *testing.T) {
	originals := roundTripFixtures(t)
	for _, format := range []string{FormatJSON, FormatNDJSON} {
		t.Run(format, func(t *testing.T) {
			data := exportJSON(t, format, originals)
			if format == FormatJSON && !json.Valid(data) {
				t.Fatalf("export is not valid JSON")
			}
			got := services(t, readAll(t, NewReader(bytes.NewReader(data))))
			if len(got) != len(originals) {
				t.Fatalf("read back %d services, want %d", len(got), len(originals))
			}
			for i := range originals {
				if !reflect.DeepEqual(got[i], originals[i]) {
					t.Errorf("service %s differs after the round trip", originals[i].ID)
					compareFields(t, got[i], originals[i])
				}
			}
		})
	}
}

func TestRoundTripCSV(t *testing.T) {
	// Each fixture goes through its own datapackage: the flat form cannot
	// hold two different services with one id, and the ORUK fixtures all
	// reuse the same id.
	fixtures := []struct {
		name string
		list func(t *testing.T) []*directory.Service
	}{
		{"examples/service_full.json", func(t *testing.T) []*directory.Service {
			return services(t, openAll(t, sharedPath(t, "examples/service_full.json")))
		}},
		{"oruk-mocks/valid/service_full.json", func(t *testing.T) []*directory.Service {
			return services(t, openAll(t, sharedPath(t, "oruk-mocks/valid/service_full.json")))
		}},
		{"oruk-mocks/valid/organization_full.json", func(t *testing.T) []*directory.Service {
			return services(t, openAll(t, sharedPath(t, "oruk-mocks/valid/organization_full.json")))
		}},
		{"signpost service", func(*testing.T) []*directory.Service {
			return []*directory.Service{signpostService()}
		}},
		{"services sharing an organization", func(*testing.T) []*directory.Service {
			org := &directory.Organization{ID: "o1", Name: "Org", Description: "d",
				Phones: []directory.Phone{{ID: "p1", Number: "0151 496 0001"}}}
			var list []*directory.Service
			for _, id := range []string{"s1", "s2", "s3"} {
				s := signpostService()
				s.ID, s.OrganizationID, s.Organization = id, org.ID, org
				list = append(list, s)
			}
			return list
		}},
	}
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			originals := fx.list(t)
			dir := t.TempDir()
			if err := WriteCSV(dir, slices.Values(originals)); err != nil {
				t.Fatal(err)
			}
			got := services(t, openAll(t, dir))
			if len(got) != len(originals) {
				t.Fatalf("read back %d services, want %d", len(got), len(originals))
			}
			for i := range originals {
				want := normaliseLinks(t, originals[i])
				have := normaliseLinks(t, got[i])
				if !reflect.DeepEqual(have, want) {
					t.Errorf("service %s differs after the CSV round trip", want.ID)
					compareFields(t, have, want)
				}
			}
		})
	}
	t.Run("signpost extensions and terms survive", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteCSV(dir, slices.Values([]*directory.Service{signpostService()})); err != nil {
			t.Fatal(err)
		}
		got := services(t, openAll(t, dir))[0]
		if got.Capacity != directory.CapacityWaitingList || !slices.Equal(got.Delivery, signpostService().Delivery) {
			t.Errorf("extensions lost: capacity %q, delivery %v", got.Capacity, got.Delivery)
		}
		if codes := got.TermCodes(directory.TaxonomyNeeds); !slices.Equal(codes, []string{"lonely"}) {
			t.Errorf("need codes = %v", codes)
		}
		if !reflect.DeepEqual(got.Attributes, signpostService().Attributes) {
			t.Errorf("attributes differ:\n got %+v\nwant %+v", got.Attributes, signpostService().Attributes)
		}
	})
}

// compareFields reports which top-level fields differ, one JSON line each.
func compareFields(t *testing.T, got, want *directory.Service) {
	t.Helper()
	gv, wv := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range gv.NumField() {
		g, _ := json.Marshal(gv.Field(i).Interface())
		w, _ := json.Marshal(wv.Field(i).Interface())
		if !bytes.Equal(g, w) {
			t.Errorf("  %s:\n   got  %s\n   want %s", gv.Type().Field(i).Name, g, w)
		}
	}
}

// linkFields are the fields the flat form fills to say where a row hangs:
// they are not in the nested originals, so they are cleared on both sides
// below the top level before comparing.
var linkFields = []string{"ServiceID", "LocationID", "OrganizationID", "ContactID", "ServiceAtLocationID",
	"PhoneID", "LinkID", "ResourceID", "TaxonomyTermID", "TaxonomyID"}

// normaliseLinks copies s (through JSON) with the link fields cleared in
// every nested object, and the service's own organization_id and
// program_id filled from the embedded objects, as the CSV form does.
func normaliseLinks(t *testing.T, s *directory.Service) *directory.Service {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var c directory.Service
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	if c.OrganizationID == "" && c.Organization != nil {
		c.OrganizationID = c.Organization.ID
	}
	if c.ProgramID == "" && c.Program != nil {
		c.ProgramID = c.Program.ID
	}
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		clearLinks(v.Field(i))
	}
	return &c
}

func clearLinks(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			clearLinks(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			clearLinks(v.Index(i))
		}
	case reflect.Struct:
		for _, name := range linkFields {
			if f := v.FieldByName(name); f.IsValid() && f.Kind() == reflect.String {
				f.SetString("")
			}
		}
		for i := range v.NumField() {
			clearLinks(v.Field(i))
		}
	}
}

func TestCSVLayout(t *testing.T) {
	examples := sharedPath(t, "examples/csv")
	dir := t.TempDir()
	if err := WriteCSV(dir, slices.Values([]*directory.Service{signpostService()})); err != nil {
		t.Fatal(err)
	}
	for _, spec := range csvTables() {
		t.Run(spec.name, func(t *testing.T) {
			got := csvHeader(t, filepath.Join(dir, spec.name+".csv"))
			want := csvHeader(t, filepath.Join(examples, spec.name+".csv"))
			if spec.name == "services" {
				want = append(want, serviceExtensionColumns...)
			}
			if !slices.Equal(got, want) {
				t.Errorf("columns\n got %v\nwant %v", got, want)
			}
			// Every column must fill a field, or data would be lost.
			if n := len(columnsFor(spec.rowType, spec.columns)); n != len(spec.columns) {
				t.Errorf("%d of %d columns map to a field", n, len(spec.columns))
			}
		})
	}
	var pkg struct {
		Resources []struct {
			Name, Path string
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("datapackage.json: %v", err)
	}
	if len(pkg.Resources) != len(csvTables()) || pkg.Resources[0].Path != "services.csv" {
		t.Errorf("datapackage resources = %+v", pkg.Resources)
	}
}

func csvHeader(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return h
}

func TestCSVSharedRowsWrittenOnce(t *testing.T) {
	org := &directory.Organization{ID: "o1", Name: "Org", Description: "d",
		Phones: []directory.Phone{{ID: "p1", Number: "0151 496 0001"}}}
	var list []*directory.Service
	for _, id := range []string{"s1", "s2", "s3"} {
		list = append(list, &directory.Service{ID: id, Name: id, Status: "active", OrganizationID: "o1", Organization: org})
	}
	dir := t.TempDir()
	if err := WriteCSV(dir, slices.Values(list)); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]int{"organizations.csv": 1, "phones.csv": 1, "services.csv": 3} {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if rows := strings.Count(string(data), "\n") - 1; rows != want {
			t.Errorf("%s has %d rows, want %d", file, rows, want)
		}
	}
	got := services(t, openAll(t, dir))
	for _, s := range got {
		if s.Organization == nil || len(s.Organization.Phones) != 1 {
			t.Errorf("service %s: organization not assembled: %+v", s.ID, s.Organization)
		}
	}
}

func TestNewWriter(t *testing.T) {
	t.Run("empty json export is an empty array", func(t *testing.T) {
		if got := string(exportJSON(t, FormatJSON, nil)); got != "[]\n" {
			t.Errorf("got %q", got)
		}
	})
	t.Run("empty ndjson export is empty", func(t *testing.T) {
		if got := exportJSON(t, FormatNDJSON, nil); len(got) != 0 {
			t.Errorf("got %q", got)
		}
		if recs := readAll(t, NewReader(bytes.NewReader(nil))); len(recs) != 0 {
			t.Errorf("read %d records from nothing", len(recs))
		}
	})
	t.Run("ndjson is one service per line", func(t *testing.T) {
		data := exportJSON(t, FormatNDJSON, []*directory.Service{signpostService(), signpostService()})
		if n := bytes.Count(data, []byte("\n")); n != 2 {
			t.Errorf("%d lines, want 2", n)
		}
		if bytes.Contains(data, []byte(`\u0026`)) {
			t.Errorf("HTML characters escaped needlessly")
		}
	})
	t.Run("csv needs a directory", func(t *testing.T) {
		if _, err := NewWriter(&bytes.Buffer{}, FormatCSV); !errors.Is(err, ErrCSVNeedsDir) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("nil service is refused", func(t *testing.T) {
		for _, format := range []string{FormatJSON, FormatNDJSON} {
			w, err := NewWriter(&bytes.Buffer{}, format)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(nil); !errors.Is(err, errNilService) {
				t.Errorf("%s: err = %v", format, err)
			}
		}
		if err := WriteCSV(t.TempDir(), slices.Values([]*directory.Service{nil})); !errors.Is(err, errNilService) {
			t.Errorf("csv: err = %v", err)
		}
	})
	t.Run("unknown format", func(t *testing.T) {
		_, err := NewWriter(&bytes.Buffer{}, "xml")
		if err == nil || !strings.Contains(err.Error(), `unknown export format "xml"`) {
			t.Errorf("err = %v", err)
		}
	})
}
