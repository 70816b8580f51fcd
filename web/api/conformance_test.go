package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"signpost/directory"
)

// hsdsExamples are the standard's and Open Referral UK's own records, which
// the API must serve back in conforming shape.
var hsdsExamples = []string{
	"examples/service_full.json",
	"examples/csv",
	"oruk-mocks/valid/service_list_data.json",
	"oruk-mocks/valid/service_full.json",
	"oruk-mocks/valid/organization_full.json",
}

// TestEndpointsConformToTheStandard fetches every endpoint over the
// synthetic directory and over each imported HSDS example (they share one
// service id, so each gets its own store) and validates each answer
// against the standard's OpenAPI document (and its schemas in
// ../shared/hsds/schema) and against Signpost's own document.
func TestEndpointsConformToTheStandard(t *testing.T) {
	requireShared(t)
	standard := newSchemaSet(t, filepath.Join(sharedDir, "schema", "openapi.json"))
	ours := newSchemaSet(t, "openapi.json")
	t.Run("synthetic", func(t *testing.T) {
		checkConformance(t, newFixture(t, synthServices(60, 1)), standard, ours)
	})
	t.Run("sample directory", func(t *testing.T) {
		checkConformance(t, newFixture(t, nil, "../../data/sample/services.ndjson"), standard, ours)
	})
	for _, ex := range hsdsExamples {
		t.Run(ex, func(t *testing.T) {
			checkConformance(t, newFixture(t, nil, filepath.Join(sharedDir, ex)), standard, ours)
		})
	}
}

func checkConformance(t *testing.T, f *fixture, standard, ours *schemaSet) {

	// Ids to fetch one by one: some synthetic, every imported one.
	var serviceIDs, orgIDs []string
	_, body := f.get(t, "/api/v1/services?per_page=200&minimal=true")
	var page Page[minimalService]
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatal(err)
	}
	if page.TotalItems == 0 {
		t.Fatal("no services listed")
	}
	for _, s := range page.Contents {
		serviceIDs = append(serviceIDs, s.ID)
	}
	_, body = f.get(t, "/api/v1/organizations?per_page=200")
	var orgs Page[directory.Organization]
	if err := json.Unmarshal(body, &orgs); err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs.Contents {
		orgIDs = append(orgIDs, o.ID)
	}
	// Every term, Signpost's and imported ones alike.
	_, body = f.get(t, "/api/v1/taxonomy_terms?per_page=200")
	var terms Page[directory.TaxonomyTerm]
	if err := json.Unmarshal(body, &terms); err != nil {
		t.Fatal(err)
	}
	taxID := directory.TaxonomyID(directory.TaxonomyNeeds)
	termID := directory.TermID(directory.TaxonomyNeeds, "lonely")

	type request struct {
		template string // the OpenAPI path
		url      string
	}
	requests := []request{
		{"/", "/api/v1/"},
		{"/services", "/api/v1/services"},
		{"/services", "/api/v1/services?full=true&per_page=200"},
		{"/services", "/api/v1/services?minimal=true"},
		{"/services", "/api/v1/services?search=gardening&near=Bootle&proximity=8000"},
		{"/services", "/api/v1/services?page=999"},
		{"/service_at_locations", "/api/v1/service_at_locations?per_page=200"},
		{"/service_at_locations", "/api/v1/service_at_locations?full=true&postcode=L20&proximity=5000"},
		{"/organizations", "/api/v1/organizations"},
		{"/organizations", "/api/v1/organizations?full=true&full_service=true"},
		{"/taxonomies", "/api/v1/taxonomies"},
		{"/taxonomies/{id}", "/api/v1/taxonomies/" + taxID},
		{"/taxonomy_terms", "/api/v1/taxonomy_terms?per_page=200"},
		{"/taxonomy_terms/{id}", "/api/v1/taxonomy_terms/" + termID},
		{"/match", "/api/v1/match?need=lonely&interest=gardening&lat=53.45&lon=-2.99"},
		{"/match", "/api/v1/match?full=true&search=coffee"},
	}
	// The lists above already carry every record; by id, a spread of them
	// is enough and keeps the test fast on the larger directories.
	serviceIDs, orgIDs = spread(serviceIDs, 25), spread(orgIDs, 10)
	for _, id := range serviceIDs {
		requests = append(requests, request{"/services/{id}", "/api/v1/services/" + url.PathEscape(id)})
	}
	for _, term := range terms.Contents {
		requests = append(requests, request{"/taxonomy_terms/{id}", "/api/v1/taxonomy_terms/" + url.PathEscape(term.ID)})
	}
	for _, id := range orgIDs {
		requests = append(requests,
			request{"/organizations/{id}", "/api/v1/organizations/" + url.PathEscape(id)},
			request{"/organizations/{id}", "/api/v1/organizations/" + url.PathEscape(id) + "?full_service=true"})
	}
	for _, rq := range requests {
		resp, body := f.get(t, rq.url)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d: %s", rq.url, resp.StatusCode, clip(body))
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("GET %s: Content-Type %q", rq.url, ct)
		}
		if rq.template != "/match" {
			if sch := standard.response(t, rq.template, "200", "application/json"); sch != nil {
				validate(t, sch, "GET "+rq.url+" (standard)", body)
			} else if rq.template != "/" {
				t.Errorf("the standard gives no schema for %s", rq.template)
			}
		}
		if sch := ours.response(t, rq.template, "200", "application/json"); sch != nil {
			validate(t, sch, "GET "+rq.url+" (Signpost's openapi.json)", body)
		} else {
			t.Errorf("openapi.json gives no schema for %s", rq.template)
		}
	}

	// The stream: every line is a service of the list schema.
	resp, body := f.get(t, "/api/v1/services?format=ndjson&full=true")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ndjson: status %d", resp.StatusCode)
	}
	line := standard.itemSchema(t)
	lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
	if len(lines) != page.TotalItems {
		t.Errorf("ndjson gave %d lines, the pages %d services", len(lines), page.TotalItems)
	}
	for i, l := range lines {
		validate(t, line, fmt.Sprintf("ndjson line %d", i+1), l)
	}

	// Errors are documented as they are answered.
	for _, rq := range []request{
		{"/services", "/api/v1/services?lat=200&lon=0"},
		{"/services/{id}", "/api/v1/services/no-such-id"},
	} {
		resp, body := f.get(t, rq.url)
		status := "400"
		if resp.StatusCode == http.StatusNotFound {
			status = "404"
		}
		sch := ours.response(t, rq.template, status, "application/json")
		if sch == nil {
			t.Errorf("openapi.json does not document %s %s", rq.template, status)
			continue
		}
		validate(t, sch, "GET "+rq.url, body)
	}
}

// spread picks at most n of ids, evenly from first to last.
func spread(ids []string, n int) []string {
	if len(ids) <= n {
		return ids
	}
	out := make([]string, n)
	for i := range out {
		out[i] = ids[i*(len(ids)-1)/(n-1)]
	}
	return out
}

// itemSchema is the schema of one service in a list (the ndjson line).
func (s *schemaSet) itemSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	sch, err := s.compiler.Compile(specBase + "compiled/service_list.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestSchemaCheckRejectsBadAnswers shows the validation above has teeth: an
// answer that breaks the standard fails it.
func TestSchemaCheckRejectsBadAnswers(t *testing.T) {
	requireShared(t)
	standard := newSchemaSet(t, filepath.Join(sharedDir, "schema", "openapi.json"))
	list := standard.response(t, "/services", "200", "application/json")
	one := standard.response(t, "/services/{id}", "200", "application/json")
	tests := []struct {
		name string
		sch  *jsonschema.Schema
		body string
	}{
		{"service without a name", list, `{"total_items":1,"contents":[{"id":"ac148810-d857-441c-9679-408f346de14b","status":"active"}]}`},
		{"total_items not a number", list, `{"total_items":"1","contents":[]}`},
		{"id not a UUID", one, `{"id":"x","name":"n","status":"active"}`},
		{"latitude not a number", one, `{"id":"ac148810-d857-441c-9679-408f346de14b","name":"n","status":"active","service_at_locations":[{"id":"ac148810-d857-441c-9679-408f346de14c","location":{"id":"ac148810-d857-441c-9679-408f346de14d","location_type":"physical","latitude":"north"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inst, err := jsonschema.UnmarshalJSON(strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.sch.Validate(inst); err == nil {
				t.Errorf("accepted %s", tt.body)
			}
		})
	}
}
