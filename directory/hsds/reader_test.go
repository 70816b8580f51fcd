package hsds

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"signpost/directory"
)

// shared is the project's reference material beside the checkout.
const shared = "../../../shared/hsds"

// sharedPath is rel under ../shared/hsds. Without it the test is skipped
// with a message, but under SIGNPOST_REQUIRE_TOOLS (set by .ci/run) it
// fails: CI must not pass without the reference data. It is the one such
// helper of the hsds tests; the external ones reach it as NeedShared.
func sharedPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(shared, rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("SIGNPOST_REQUIRE_TOOLS") != "" {
			t.Fatalf("reference data %s not available (../shared is absent, and SIGNPOST_REQUIRE_TOOLS is set): %v", p, err)
		}
		t.Skipf("reference data %s not available (../shared is absent): %v", p, err)
	}
	return p
}

// NeedShared skips or fails a test of package hsds_test as sharedPath does
// when ../shared/hsds is absent.
func NeedShared(t testing.TB) {
	t.Helper()
	sharedPath(t, ".")
}

// readAll drains a reader, failing the test on a file-level error.
func readAll(t *testing.T, r *Reader) []Record {
	t.Helper()
	recs, err := drain(r)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return recs
}

func drain(r *Reader) ([]Record, error) {
	defer r.Close()
	var recs []Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, rec)
	}
}

func openAll(t *testing.T, path string) []Record {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return readAll(t, r)
}

func decodeString(t *testing.T, s string) []Record {
	t.Helper()
	return readAll(t, NewReader(strings.NewReader(s)))
}

func TestSharedExamplesDecode(t *testing.T) {
	tests := []struct {
		path string
		want int // records expected
	}{
		{"examples/service_full.json", 1},
		{"examples/service_list.json", 1},
		{"examples/organization_full.json", 1},
		{"examples/csv", 1},
		{"oruk-mocks/valid/service_full.json", 1},
		{"oruk-mocks/valid/service_list.json", 128},
		{"oruk-mocks/valid/service_list_data.json", 128},
		{"oruk-mocks/valid/organization_full.json", 1},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			recs := openAll(t, sharedPath(t, tt.path))
			if len(recs) != tt.want {
				t.Fatalf("got %d records, want %d", len(recs), tt.want)
			}
			for _, rec := range recs {
				if rec.Err != nil {
					t.Errorf("record %d: %v", rec.Index, rec.Err)
					continue
				}
				if rec.Service == nil || rec.Service.ID == "" || rec.Service.Name == "" {
					t.Errorf("record %d: no service id or name: %+v", rec.Index, rec.Service)
				}
			}
		})
	}
}

func TestServiceFullFields(t *testing.T) {
	recs := openAll(t, sharedPath(t, "examples/service_full.json"))
	s := recs[0].Service
	checks := []struct {
		name      string
		got, want any
	}{
		{"id", s.ID, "ac148810-d857-441c-9679-408f346de14b"},
		{"minimum_age", *s.MinimumAge, 12.0},
		{"phones[0].extension", *s.Phones[0].Extension, 100.0},
		{"schedules[0].byday", s.Schedules[0].ByDay, "TH,FR"},
		{"location name", s.ServiceAtLocations[0].Location.Name, "MyCity Civic Center"},
		{"organization name", s.Organization.Name, "Example Organization Inc."},
		{"attribute term code", s.Attributes[0].TaxonomyTerm.Code, "code"},
		{"taxonomy_detail id", s.Attributes[0].TaxonomyTerm.TaxonomyDetail.ID, "5c4d79d7-cc55-470e-9f1f-8cad074e4892"},
		{"program name", s.Program.Name, "Community Mental Health Support"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestCSVExampleAssembly(t *testing.T) {
	recs := openAll(t, sharedPath(t, "examples/csv"))
	s := recs[0].Service
	if len(s.ServiceAtLocations) != 1 || s.ServiceAtLocations[0].Location == nil {
		t.Fatalf("service_at_locations not assembled: %+v", s.ServiceAtLocations)
	}
	loc := s.ServiceAtLocations[0].Location
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", s.Name, "Community Counselling"},
		{"minimum_age", *s.MinimumAge, 12.0},
		{"organization", s.Organization.Name, "Example Organization Inc."},
		{"organization identifier", s.Organization.OrganizationIdentifiers[0].Identifier, "1234567"},
		{"organization phone", s.Organization.Phones[0].ID, "1554f2e2-a373-45db-a3fa-9fc48a61c15e"},
		{"program", s.Program.Name, "Community Mental Health Support"},
		{"phone number", s.Phones[0].Number, `"+44 1234 234567"`},
		{"phone extension", *s.Phones[0].Extension, 100.0},
		{"phone language", s.Phones[0].Languages[0].Code, "ur"},
		{"schedule byday", s.Schedules[0].ByDay, "TH,FR"},
		{"schedule interval", *s.Schedules[0].Interval, 1.0},
		{"sal schedule", s.ServiceAtLocations[0].Schedules[0].ID, "48102e86-bb50-41c4-8f1e-e269368c41d1"},
		{"cost", *s.CostOptions[0].Amount, 35.0},
		{"language", s.Languages[0].Name, "Urdu"},
		{"funding", s.Funding[0].ID, "1f2df32c-bf08-4b8e-bd6f-e834014b19bc"},
		{"service area", s.ServiceAreas[0].ExtentType, "geojson"},
		{"required document", s.RequiredDocuments[0].URI, "http://example.com"},
		{"contact", s.Contacts[0].Name, "Ann Persona"},
		{"contact phone", s.Contacts[0].Phones[0].Type, "voice"},
		{"latitude", *loc.Latitude, 100.0},
		{"address", loc.Addresses[0].PostalCode, "ABC 1234"},
		{"accessibility", loc.Accessibility[0].Details, "Switch hearing aid to T-coil to access the induction loop facility."},
		{"location contact", loc.Contacts[0].ID, "1e7efce3-639b-4880-940c-b95cd30cdb50"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// The example's attribute links to an id that is no object here; it
	// must not attach anywhere.
	if len(s.Attributes) != 0 {
		t.Errorf("attributes = %+v, want none", s.Attributes)
	}
}

func TestFailingEmailsAreRecordErrors(t *testing.T) {
	recs := openAll(t, sharedPath(t, "oruk-mocks/fail/service_list.json"))
	var msgs []string
	for _, rec := range recs {
		if rec.Err == nil {
			continue
		}
		var ve *directory.ValidationError
		if !errors.As(rec.Err, &ve) {
			t.Fatalf("record %d: error %T, want *directory.ValidationError", rec.Index, rec.Err)
		}
		for _, p := range ve.Problems {
			msgs = append(msgs, p.String())
		}
		if rec.Service == nil || rec.Service.ID == "" {
			t.Errorf("record %d: the partial service should still name the record", rec.Index)
		}
	}
	want := []string{"email: expected a string, got boolean", "email: expected a string, got number"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("problems = %q, want %q", msgs, want)
	}
}

func TestShapes(t *testing.T) {
	svc := func(id string) string { return `{"id":"` + id + `","name":"S` + id + `","status":"active"}` }
	tests := []struct {
		name    string
		input   string
		wantIDs string
		wantOrg string // organization_id expected on every service
	}{
		{"single object", svc("a"), "a", ""},
		{"array", "[" + svc("a") + "," + svc("b") + "]", "a,b", ""},
		{"empty array", "[]", "", ""},
		{"empty input", "", "", ""},
		{"only whitespace", " \n\t ", "", ""},
		{"byte order mark", "\xEF\xBB\xBF" + svc("a"), "a", ""},
		{"envelope", `{"total_items":2,"contents":[` + svc("a") + "," + svc("b") + `],"page_number":1}`, "a,b", ""},
		{"ndjson with blank lines", svc("a") + "\n\n" + svc("b") + "\r\n" + svc("c") + "\n", "a,b,c", ""},
		{"organization, services first", `{"services":[` + svc("a") + "," + svc("b") + `],"id":"o1","name":"Org","description":"d"}`, "a,b", "o1"},
		{"organization, services last", `{"id":"o1","name":"Org","description":"d","services":[` + svc("a") + `]}`, "a", "o1"},
		{"envelope of organizations", `{"contents":[{"id":"o1","name":"O","services":[` + svc("a") + `]},{"id":"o2","name":"P","services":[` + svc("b") + `]}]}`, "a,b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := decodeString(t, tt.input)
			var ids []string
			for i, rec := range recs {
				if rec.Err != nil {
					t.Fatalf("record %d: %v", rec.Index, rec.Err)
				}
				if rec.Index != i+1 {
					t.Errorf("record index %d, want %d", rec.Index, i+1)
				}
				ids = append(ids, rec.Service.ID)
				if tt.wantOrg != "" {
					s := rec.Service
					if s.OrganizationID != tt.wantOrg || s.Organization == nil || s.Organization.ID != tt.wantOrg || s.Organization.Name != "Org" {
						t.Errorf("service %s: organization not embedded: id %q, %+v", s.ID, s.OrganizationID, s.Organization)
					}
					if s.Organization != nil && len(s.Organization.Services) != 0 {
						t.Errorf("embedded organization still lists its services")
					}
				}
			}
			if got := strings.Join(ids, ","); got != tt.wantIDs {
				t.Errorf("ids = %q, want %q", got, tt.wantIDs)
			}
		})
	}
}

func TestRecordProblems(t *testing.T) {
	huge := `{"id":"big","name":"x","status":"active","description":"` + strings.Repeat("a", MaxRecordBytes+10) + `"}`
	tests := []struct {
		name  string
		input string
		want  []string // the error of each record in order ("" = none)
	}{
		{"wrong types name their paths",
			`{"id":"a","name":"n","email":12345,"minimum_age":"12","phones":[{"id":"p","number":1,"extension":"x"}],"organization":[]}`,
			[]string{`record 1 (id a): email: expected a string, got number
record 1 (id a): minimum_age: expected a number, got string
record 1 (id a): organization: expected an object, got array
record 1 (id a): phones[0].extension: expected a number, got string
record 1 (id a): phones[0].number: expected a string, got number`}},
		{"null means absent", `{"id":"a","name":"n","email":null,"phones":null}`, []string{""}},
		{"bad record does not stop the file", `[{"id":"a","email":false},{"id":"b"}]`,
			[]string{"record 1 (id a): email: expected a string, got boolean", ""}},
		{"non-object element", `[1,{"id":"b"},"x"]`,
			[]string{"record 1: expected a service object, got number (line 1)", "", "record 3: expected a service object, got string (line 1)"}},
		{"invalid UTF-8", "[{\"id\":\"b\"},\n{\"id\":\"a\",\n\"name\":\"caf\xe9\"}]",
			[]string{"", "record 2: invalid UTF-8 at line 3 (is the file in another encoding?)"}},
		{"oversized record is refused and skipped", "[\n" + huge + ",\n" + `{"id":"next"}]`,
			[]string{"record 1: record starting at line 2 is 2.0 MB, over the 2.0 MB limit", ""}},
		{"number out of range", `{"id":"a","maximum_age":1e400}`, []string{"record 1 (id a): maximum_age: number 1e400 is out of range"}},
		{"service inside organization has different organization_id",
			`{"id":"o","name":"O","services":[{"id":"s","organization_id":"other"}]}`,
			[]string{`record 1 (id s): organization_id: "other" differs from the enclosing organization's id "o"`}},
		{"organization type error reaches its services",
			`{"id":"o","name":"O","email":true,"services":[{"id":"s"}]}`,
			[]string{"record 1 (id s): organization.email: expected a string, got boolean"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := decodeString(t, tt.input)
			if len(recs) != len(tt.want) {
				t.Fatalf("got %d records, want %d", len(recs), len(tt.want))
			}
			for i, rec := range recs {
				got := ""
				if rec.Err != nil {
					got = rec.Err.Error()
				}
				if got != tt.want[i] {
					t.Errorf("record %d error:\n got %q\nwant %q", i+1, got, tt.want[i])
				}
			}
		})
	}
	t.Run("oversized record message gives its size", func(t *testing.T) {
		recs := decodeString(t, `{"id":"x","description":"`+strings.Repeat("b", 10<<20)+`"}`)
		if len(recs) != 1 || recs[0].Err == nil || !strings.Contains(recs[0].Err.Error(), "is 10.0 MB, over the 2.0 MB limit") {
			t.Fatalf("got %+v", recs)
		}
	})
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantErr string
		records int // records read before the error
	}{
		{"truncated object", `{"id":"a","name":"Commu`, "hsds: input: line 1 (byte 23): unexpected end of input (truncated JSON?)", 0},
		{"truncated array after a record", "[{\"id\":\"a\"},\n{\"id\":", "hsds: input: line 2 (byte 19): unexpected end of input (truncated JSON?)", 1},
		{"garbage", "hello world", "hsds: input: line 1 (byte 1): invalid character 'h' looking for the start of a value", 0},
		{"html page", "<!DOCTYPE html>", "hsds: input: line 1 (byte 1): invalid character '<' looking for the start of a value", 0},
		{"missing comma", `{"id":"a" "name":"b"}`, `hsds: input: line 1 (byte 10): invalid character '"' after object member (missing ',' or '}'?)`, 0},
		{"trailing comma", `[{"id":"a"},]`, "hsds: input: line 1 (byte 13): invalid character ']' looking for the start of a value", 1},
		{"bad literal", `{"id":tru}`, "hsds: input: line 1 (byte 10): invalid character '}' in literal true", 0},
		{"bad number", `{"minimum_age":01}`, `hsds: input: line 1 (byte 16): invalid character '1' after object member (missing ',' or '}'?)`, 0},
		{"unescaped newline", "{\"name\":\"a\nb\"}", `hsds: input: line 2 (byte 11): control character byte 0x0a in string (unescaped newline?)`, 0},
		{"deep nesting", `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}", "hsds: input: line 1 (byte 69): nesting deeper than 64 levels", 0},
		{"deep nesting at top", strings.Repeat("[", 100000), "nesting deeper than 64 levels", 0},
		{"bad escape", `{"id":"\x"}`, `hsds: input: line 1 (byte 9): invalid escape 'x' in string`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.input))
			recs, err := drain(r)
			if err == nil {
				t.Fatalf("no error; records %+v", recs)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error:\n got %q\nwant %q", err, tt.wantErr)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *SyntaxError", err)
			}
			if len(recs) != tt.records {
				t.Errorf("read %d records before the error, want %d", len(recs), tt.records)
			}
			if _, again := r.Next(); again == nil {
				t.Errorf("Next after a fault should keep failing")
			}
		})
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("json file named .txt is read by content", func(t *testing.T) {
		recs := openAll(t, write("x.txt", `[{"id":"a","name":"n"}]`))
		if len(recs) != 1 || recs[0].Service.ID != "a" {
			t.Fatalf("got %+v", recs)
		}
	})
	t.Run("a CSV table is pointed to its directory", func(t *testing.T) {
		_, err := Open(write("services.csv", "id,name\n1,x\n"))
		if err == nil || !strings.Contains(err.Error(), "import the directory") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("directory without services.csv", func(t *testing.T) {
		empty := t.TempDir()
		_, err := Open(empty)
		if err == nil || !strings.Contains(err.Error(), "no services.csv") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if _, err := Open(filepath.Join(dir, "nope.json")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v, want not-exist", err)
		}
	})
	t.Run("file error names the file", func(t *testing.T) {
		r, err := Open(write("bad.json", "[{"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = drain(r)
		if err == nil || !strings.Contains(err.Error(), "bad.json: line 1") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestCSVProblems(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"services.csv": "id,name,status,minimum_age\ns1,One,active,twelve\ns2,Two,active,\n",
		"phones.csv":   "id,service_id,number,extension\np1,s2,0151 496 0000,ext\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	recs := openAll(t, dir)
	want := []string{
		`record 1 (id s1): minimum_age: expected a number, got "twelve" (services.csv line 2)`,
		`record 2 (id s2): phones[0].extension: expected a number, got "ext" (phones.csv line 2)`,
	}
	if len(recs) != 2 {
		t.Fatalf("got %d records", len(recs))
	}
	for i, rec := range recs {
		if rec.Err == nil || rec.Err.Error() != want[i] {
			t.Errorf("record %d: err = %v, want %q", i+1, rec.Err, want[i])
		}
	}
	if recs[1].Service.MinimumAge != nil {
		t.Errorf("empty cell should be absent, got %v", *recs[1].Service.MinimumAge)
	}
}

func TestAllStopsEarly(t *testing.T) {
	r := NewReader(strings.NewReader(`[{"id":"a"},{"id":"b"},{"id":"c"}]`))
	defer r.Close()
	var ids []string
	for rec, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.Service.ID)
		if len(ids) == 2 {
			break
		}
	}
	if strings.Join(ids, ",") != "a,b" {
		t.Fatalf("ids = %v", ids)
	}
}

func FuzzDecode(f *testing.F) {
	seeds := []string{
		`{"id":"a","name":"n","status":"active"}`,
		`[{"id":"a"},{"id":"b","phones":[{"id":"p","extension":1}]}]`,
		`{"contents":[{"id":"a"}],"total_items":1}`,
		"{\"id\":\"a\"}\n\n{\"id\":\"b\"}\n",
		`{"id":"o","services":[{"id":"s","email":12345}]}`,
		`{"id":"a","name":"caf` + "\xe9" + `"}`,
		`[1,"x",null,true,[]]`,
		`{"a":[[[[[[{"b":-1.5e+3}]]]]]]}`,
		`{"id":"a",`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if p := filepath.Join(shared, "examples/service_full.json"); fileExists(p) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		defer r.Close()
		for range 10000 {
			rec, err := r.Next()
			if err != nil {
				return
			}
			if rec.Err == nil && rec.Service == nil {
				t.Fatalf("record %d has neither a service nor an error", rec.Index)
			}
		}
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// endless serves a prefix and then one element after another for ever, so
// a reader that tried to load the whole input would never return.
type endless struct {
	prefix, element string
	pending         []byte
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.pending) == 0 {
		if e.prefix != "" {
			e.pending, e.prefix = []byte(e.prefix), ""
		} else {
			e.pending = []byte(e.element)
		}
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	return n, nil
}

func TestReadingStreams(t *testing.T) {
	tests := []struct {
		name            string
		prefix, element string
	}{
		{"page envelope", `{"total_items":1000000000,"contents":[`, `{"id":"a","name":"n"},`},
		{"array", `[`, `{"id":"a","name":"n"},`},
		{"ndjson", ``, "{\"id\":\"a\",\"name\":\"n\"}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(&endless{prefix: tt.prefix, element: tt.element})
			defer r.Close()
			for i := range 1000 {
				rec, err := r.Next()
				if err != nil || rec.Err != nil || rec.Service.ID != "a" || rec.Index != i+1 {
					t.Fatalf("record %d: %+v, %v", i+1, rec, err)
				}
			}
		})
	}
}

func BenchmarkReadNDJSON(b *testing.B) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, FormatNDJSON)
	if err != nil {
		b.Fatal(err)
	}
	for range 1000 {
		s := signpostService()
		if err := w.Write(s); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := drain(NewReader(bytes.NewReader(data))); err != nil {
			b.Fatal(err)
		}
	}
}
