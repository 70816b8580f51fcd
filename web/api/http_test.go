package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/mux"

	"signpost/directory"
)

func decodeError(t *testing.T, body []byte) Error {
	t.Helper()
	var e Error
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body is not JSON: %v: %s", err, body)
	}
	if e.Message == "" {
		t.Errorf("error body has no message: %s", body)
	}
	return e
}

func TestErrorsAreJSONWithTheRightStatus(t *testing.T) {
	f := newFixture(t, synthServices(20, 2))
	tests := []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/services?lat=200&lon=0", 400, "lat"},
		{"/api/v1/services?lat=53", 400, "lon"},
		{"/api/v1/services?search=" + strings.Repeat("a", maxSearchRunes+1), 400, "search"},
		{"/api/v1/services?proximity=-5", 400, "proximity"},
		{"/api/v1/services?age=abc", 400, "age"},
		{"/api/v1/services?need=sadness", 400, "need"},
		{"/api/v1/services?day=Funday", 400, "day"},
		{"/api/v1/services?delivery=pigeon", 400, "delivery"},
		{"/api/v1/services?free=perhaps", 400, "free"},
		{"/api/v1/services?page=0", 400, "page"},
		{"/api/v1/services?per_page=201", 400, "per_page"},
		{"/api/v1/services?per_page=ten", 400, "per_page"},
		{"/api/v1/services?format=xml", 400, "format"},
		{"/api/v1/services?full=true&minimal=true", 400, "minimal"},
		{"/api/v1/services?modified_after=yesterday", 400, "modified_after"},
		{"/api/v1/services?taxonomy_id=no-such-taxonomy", 400, "taxonomy_id"},
		{"/api/v1/services?minimum_age=40&maximum_age=20", 400, "maximum_age"},
		{"/api/v1/services?minimum_age=-1", 400, "minimum_age"},
		{"/api/v1/services?postcode=Atlantis", 400, "postcode"},
		{"/api/v1/services?near=Bootle&postcode=L20", 400, "near"},
		{"/api/v1/services?near=Bootle&lat=53&lon=-3", 400, "near"},
		{"/api/v1/match?format=ndjson", 400, "format"},
		{"/api/v1/match?sort=sideways", 400, "sort"},
		{"/api/v1/service_at_locations?proximity=abc", 400, "proximity"},
		{"/api/v1/organizations?full=maybe", 400, "full"},
		{"/api/v1/organizations?page=-3", 400, "page"},
		{"/api/v1/taxonomy_terms?top_only=2", 400, "top_only"},
		{"/api/v1/taxonomy_terms?taxonomy_id=nope", 400, "taxonomy_id"},
		{"/api/v1/services/no-such-service", 404, "id"},
		{"/api/v1/organizations/no-such-org", 404, "id"},
		{"/api/v1/taxonomies/no-such-taxonomy", 404, "id"},
		{"/api/v1/taxonomy_terms/no-such-term", 404, "id"},
		{"/api/v1/nothing-here", 404, ""},
		{"/api/v2/services", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := f.get(t, tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if e := decodeError(t, body); e.Field != tt.field {
				t.Errorf("field %q, want %q (%s)", e.Field, tt.field, e.Message)
			}
			if resp.Header.Get("ETag") != "" {
				t.Error("an error carries an ETag")
			}
		})
	}
}

func TestOnlyReadMethodsAreAllowed(t *testing.T) {
	f := newFixture(t, nil)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			req, err := http.NewRequest(method, f.srv.URL+"/api/v1/services", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := f.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if allow := resp.Header.Get("Allow"); allow != readOnlyMethods {
				t.Errorf("Allow %q", allow)
			}
			decodeError(t, body)
		})
	}
}

// TestBadInputNeverFails500 sends every parameter with hostile values.
func TestBadInputNeverFails500(t *testing.T) {
	f := newFixture(t, synthServices(10, 3))
	params := []string{"search", "text", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id", "vocabulary",
		"organization_id", "modified_after", "minimal", "full", "full_service", "lat", "lon", "postcode", "near", "proximity",
		"need", "interest", "activity", "free", "age", "minimum_age", "maximum_age", "day", "delivery", "access",
		"language", "sort", "top_only", "parent_id"}
	values := []string{"", " ", "-1", "0", "1e309", "NaN", "Inf", "99999999999999999999", "true", "%00", "\x00", "é", "<script>",
		strings.Repeat("a", 5000), "a,b,,c", "2025-13-45", "MO", "lonely", "1.5", "null", "{}", "[]"}
	paths := []string{"/api/v1/services", "/api/v1/match", "/api/v1/service_at_locations", "/api/v1/organizations",
		"/api/v1/taxonomies", "/api/v1/taxonomy_terms", "/api/v1/services/", "/api/v1/organizations/x"}
	r := rand.New(rand.NewPCG(4, 4))
	for i := 0; i < 400; i++ {
		v := url.Values{}
		for k := 1 + r.IntN(4); k > 0; k-- {
			v.Add(params[r.IntN(len(params))], values[r.IntN(len(values))])
		}
		path := paths[r.IntN(len(paths))] + "?" + v.Encode()
		resp, body := f.get(t, path)
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s: %d %s", clip([]byte(path)), resp.StatusCode, clip(body))
		}
	}
}

// walk fetches every page of a list and returns the ids in order.
func walk(t *testing.T, f *fixture, path string, perPage int) (ids []string, total int) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for page := 1; ; page++ {
		u := path + sep + "per_page=" + itoa(perPage) + "&page=" + itoa(page)
		resp, body := f.get(t, u)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
		}
		// Items carry an id, or (in /match) a service that does.
		var p Page[struct {
			ID      string `json:"id"`
			Service struct {
				ID string `json:"id"`
			} `json:"service"`
		}]
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		checkEnvelope(t, u, p.TotalItems, p.TotalPages, p.PageNumber, p.Size, p.FirstPage, p.LastPage, p.Empty, len(p.Contents), page, perPage)
		for _, c := range p.Contents {
			id := c.ID
			if id == "" {
				id = c.Service.ID
			}
			if id == "" {
				t.Fatalf("GET %s: an item without an id", u)
			}
			ids = append(ids, id)
		}
		total = p.TotalItems
		if p.LastPage {
			// One past the end is empty and still the last.
			u := path + sep + "per_page=" + itoa(perPage) + "&page=" + itoa(page+1)
			_, body := f.get(t, u)
			var past Page[json.RawMessage]
			if err := json.Unmarshal(body, &past); err != nil {
				t.Fatal(err)
			}
			if !past.Empty || !past.LastPage || past.Size != 0 || past.FirstPage || len(past.Contents) != 0 || past.TotalItems != total {
				t.Errorf("GET %s: past the end: %+v", u, past)
			}
			return ids, total
		}
		if page > 10000 {
			t.Fatal("no last page")
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func checkEnvelope(t *testing.T, u string, total, pages, number, size int, first, last, empty bool, n, page, perPage int) {
	t.Helper()
	wantPages := max(1, (total+perPage-1)/perPage)
	wantSize := min(perPage, max(0, total-(page-1)*perPage))
	switch {
	case number != page:
		t.Errorf("GET %s: page_number %d", u, number)
	case pages != wantPages:
		t.Errorf("GET %s: total_pages %d, want %d", u, pages, wantPages)
	case size != n || size != wantSize:
		t.Errorf("GET %s: size %d with %d items, want %d", u, size, n, wantSize)
	case first != (page == 1):
		t.Errorf("GET %s: first_page %v", u, first)
	case last != (page >= wantPages):
		t.Errorf("GET %s: last_page %v", u, last)
	case empty != (n == 0):
		t.Errorf("GET %s: empty %v with %d items", u, empty, n)
	}
}

func TestPagingInvariants(t *testing.T) {
	f := newFixture(t, synthServices(230, 5))
	lists := []string{
		"/api/v1/services",
		"/api/v1/services?need=lonely",
		"/api/v1/services?near=Bootle&proximity=6000",
		"/api/v1/services?search=group",
		"/api/v1/services?taxonomy_id=" + otherTaxonomy.ID, // filtered after the engine
		"/api/v1/services?free=true&need=nothing-matches-this",
		"/api/v1/match?need=lonely&interest=gardening&near=Bootle",
		"/api/v1/service_at_locations",
		"/api/v1/organizations",
		"/api/v1/taxonomy_terms",
		"/api/v1/taxonomies",
	}
	for _, list := range lists {
		for _, perPage := range []int{1, 7, 50, 101, 200} {
			if perPage == 1 && !strings.Contains(list, "taxonomies") {
				continue // hundreds of pages of one: slow and says nothing new
			}
			t.Run(list+"/"+itoa(perPage), func(t *testing.T) {
				if strings.Contains(list, "nothing-matches") {
					resp, body := f.get(t, list)
					if resp.StatusCode != http.StatusBadRequest {
						t.Fatalf("an unknown need: %d %s", resp.StatusCode, body)
					}
					return
				}
				ids, total := walk(t, f, list, perPage)
				if len(ids) != total {
					t.Fatalf("pages hold %d items, total_items says %d", len(ids), total)
				}
				seen := map[string]bool{}
				for _, id := range ids {
					if seen[id] {
						t.Fatalf("%s appears on two pages", id)
					}
					seen[id] = true
				}
				again, _ := walk(t, f, list, perPage)
				if !slices.Equal(ids, again) {
					t.Error("the order changed between two walks")
				}
				if perPage != 200 {
					whole, _ := walk(t, f, list, 200)
					if !slices.Equal(ids, whole) {
						t.Errorf("pages of %d order differently from pages of 200", perPage)
					}
				}
			})
		}
	}
	t.Run("empty list", func(t *testing.T) {
		ids, total := walk(t, f, "/api/v1/services?search=zzzqqqxxyy", 50)
		if total != 0 || len(ids) != 0 {
			t.Errorf("%d items, total %d", len(ids), total)
		}
	})
}

func TestConditionalRequests(t *testing.T) {
	svcs := synthServices(5, 6)
	f := newFixture(t, svcs)
	for _, path := range []string{"/api/v1/services", "/api/v1/services/" + svcs[0].ID, "/api/v1/taxonomies", "/api/v1/openapi.json", "/api"} {
		t.Run(path, func(t *testing.T) {
			resp, _ := f.get(t, path)
			etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("ETag %q, Last-Modified %q", etag, lm)
			}
			resp, body := f.get(t, path, "If-None-Match", etag)
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("If-None-Match: %d with %d bytes", resp.StatusCode, len(body))
			}
			resp, _ = f.get(t, path, "If-None-Match", `"other", `+etag)
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match with a list: %d", resp.StatusCode)
			}
			resp, _ = f.get(t, path, "If-Modified-Since", lm)
			if resp.StatusCode != http.StatusNotModified {
				t.Errorf("If-Modified-Since: %d", resp.StatusCode)
			}
			// A date later than the server's clock is ignored (RFC 9110
			// §13.1.3), or one bad date would pin a cache until it passes.
			future := time.Now().Add(365 * 24 * time.Hour).UTC().Format(http.TimeFormat)
			resp, _ = f.get(t, path, "If-Modified-Since", future)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("If-Modified-Since in the future: %d, want 200", resp.StatusCode)
			}
			resp, _ = f.get(t, path, "If-None-Match", `"stale"`, "If-Modified-Since", lm)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("If-None-Match decides over If-Modified-Since: %d", resp.StatusCode)
			}
		})
	}
	t.Run("a write changes the validators", func(t *testing.T) {
		resp, _ := f.get(t, "/api/v1/services")
		etag := resp.Header.Get("ETag")
		edited := *svcs[0]
		edited.Name = "Renamed"
		edited.LastModified = ""
		if _, err := f.store.PutService(context.Background(), &edited, directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		resp, body := f.get(t, "/api/v1/services", "If-None-Match", etag)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("after a write: %d", resp.StatusCode)
		}
		if resp.Header.Get("ETag") == etag {
			t.Error("the ETag did not change")
		}
		if !bytes.Contains(body, []byte("Renamed")) {
			t.Error("the answer does not show the write")
		}
	})
}

func TestNotModifiedIfModifiedSince(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	modified := now.Add(-time.Hour)
	for _, tc := range []struct {
		name string
		ims  string
		want bool
	}{
		{"the Last-Modified itself", modified.Format(http.TimeFormat), true},
		{"later than Last-Modified, before now", now.Add(-time.Minute).Format(http.TimeFormat), true},
		{"exactly now", now.Format(http.TimeFormat), true},
		{"before Last-Modified", modified.Add(-time.Second).Format(http.TimeFormat), false},
		{"a second in the future", now.Add(time.Second).Format(http.TimeFormat), false},
		{"years in the future", "Fri, 31 Dec 2100 23:59:59 GMT", false},
		{"not a date", "yesterday", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/services", nil)
			r.Header.Set("If-Modified-Since", tc.ims)
			if got := notModified(r, `W/"1-x"`, modified, now); got != tc.want {
				t.Errorf("notModified = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestVersionsNeverShareALastModified(t *testing.T) {
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	v := newVersions(func() time.Time { return now })
	first := v.at(1)
	if first.IsZero() || !first.Equal(now) {
		t.Fatalf("first generation: %v", first)
	}
	if again := v.at(1); !again.Equal(first) {
		t.Errorf("same generation, another time: %v", again)
	}
	now = now.Add(300 * time.Millisecond)
	if second := v.at(2); !second.IsZero() {
		t.Errorf("a second generation within the same second got Last-Modified %v", second)
	}
	now = now.Add(time.Second)
	if third := v.at(3); !third.After(first) {
		t.Errorf("a later generation: %v", third)
	}
}

func TestGzipWhenAsked(t *testing.T) {
	f := newFixture(t, synthServices(30, 7))
	plainResp, plain := f.get(t, "/api/v1/services?full=true")
	if enc := plainResp.Header.Get("Content-Encoding"); enc != "" {
		t.Fatalf("not asked, but Content-Encoding %q", enc)
	}
	for _, accept := range []string{"gzip", "deflate, gzip;q=0.5", "*"} {
		t.Run(accept, func(t *testing.T) {
			// The client's transparent decompression is bypassed by
			// setting the header by hand, so the raw bytes arrive.
			resp, raw := f.get(t, "/api/v1/services?full=true", "Accept-Encoding", accept)
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Error("no Vary: Accept-Encoding")
			}
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Error("the gzipped body differs from the plain one")
			}
			if len(raw) >= len(plain) {
				t.Errorf("gzip did not shrink it: %d >= %d", len(raw), len(plain))
			}
		})
	}
	t.Run("q=0 refuses gzip", func(t *testing.T) {
		resp, _ := f.get(t, "/api/v1/services", "Accept-Encoding", "gzip;q=0")
		if resp.Header.Get("Content-Encoding") != "" {
			t.Error("gzip despite q=0")
		}
	})
	t.Run("a 304 is not gzipped", func(t *testing.T) {
		resp, _ := f.get(t, "/api/v1/services")
		resp, body := f.get(t, "/api/v1/services", "Accept-Encoding", "gzip", "If-None-Match", resp.Header.Get("ETag"))
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Content-Encoding") != "" || len(body) != 0 {
			t.Errorf("%d, Content-Encoding %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Encoding"), len(body))
		}
	})
}

func TestOpenToEveryOrigin(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/api/v1/services", "/api/v1/services/unknown", "/api"} {
		resp, _ := f.get(t, path, "Origin", "https://council.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s: Access-Control-Allow-Origin %q", path, got)
		}
	}
	req, err := http.NewRequest(http.MethodOptions, f.srv.URL+"/api/v1/services", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", "https://council.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "If-None-Match")
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("preflight: %d", resp.StatusCode)
	}
	for h, want := range map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Methods": readOnlyMethods,
		"Access-Control-Allow-Headers": "If-None-Match",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("preflight %s: %q, want %q", h, got, want)
		}
	}
}

// TestOpenAPIMatchesRoutes holds the document and the router together:
// every route is documented and every documented path is served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		Servers []struct{ URL string } `json:"servers"`
		Paths   map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("servers %+v, want /api/v1", doc.Servers)
	}
	s := &server{}
	var served []string
	err := s.routes().Walk(func(route *mux.Route, router *mux.Router, ancestors []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil || route.GetName() == "redirect" || route.GetName() == "guide" {
			return nil
		}
		if p, ok := strings.CutPrefix(tmpl, "/api/v1"); ok && route.GetHandler() != nil {
			served = append(served, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, ops := range doc.Paths {
		documented = append(documented, p)
		if _, ok := ops["get"]; !ok {
			t.Errorf("%s: documented without GET", p)
		}
		for m := range ops {
			if m != "get" && m != "parameters" {
				t.Errorf("%s: documents %s, which is not served", p, m)
			}
		}
	}
	sort.Strings(served)
	sort.Strings(documented)
	if !slices.Equal(served, documented) {
		t.Errorf("routes and openapi.json differ:\nserved     %v\ndocumented %v", served, documented)
	}
	t.Run("served as is", func(t *testing.T) {
		f := newFixture(t, nil)
		_, body := f.get(t, "/api/v1/openapi.json")
		if !bytes.Equal(body, openAPIDocument) {
			t.Error("the served document differs from the embedded one")
		}
	})
}

func TestRootDescribesTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	_, body := f.get(t, "/api/v1/")
	var root struct {
		Version    string `json:"version"`
		Profile    string `json:"profile"`
		OpenAPIURL string `json:"openapi_url"`
	}
	if err := json.Unmarshal(body, &root); err != nil {
		t.Fatal(err)
	}
	if root.Version != "3.0" || root.Profile != f.srv.URL+"/api" || root.OpenAPIURL != f.srv.URL+"/api/v1/openapi.json" {
		t.Errorf("root %+v", root)
	}
	resp, _ := f.get(t, root.OpenAPIURL[len(f.srv.URL):])
	if resp.StatusCode != http.StatusOK {
		t.Errorf("openapi_url answers %d", resp.StatusCode)
	}
}

func TestGuidePageForPeople(t *testing.T) {
	f := newFixture(t, nil)
	resp, body := f.get(t, "/api")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if lang, _ := doc.Find("html").Attr("lang"); lang == "" {
		t.Error("no lang on <html>")
	}
	if doc.Find("script").Length() != 0 {
		t.Error("the page uses JavaScript")
	}
	if got := doc.Find("h1").Text(); got != "Open data API" {
		t.Errorf("h1 %q", got)
	}
	if doc.Find(`a[href="`+f.srv.URL+`/api/v1/openapi.json"]`).Length() == 0 {
		t.Error("no link to the OpenAPI document")
	}
	var curls []string
	doc.Find("pre code").Each(func(_ int, s *goquery.Selection) {
		if strings.HasPrefix(s.Text(), "curl ") {
			curls = append(curls, s.Text())
		}
	})
	if len(curls) < 3 {
		t.Fatalf("%d curl examples, want at least 3", len(curls))
	}
	// Every example must work as printed.
	for _, c := range curls {
		u := strings.Trim(strings.Fields(c)[len(strings.Fields(c))-1], "'")
		if strings.Contains(u, "SERVICE-ID") {
			continue
		}
		path := strings.TrimPrefix(u, f.srv.URL)
		if resp, body := f.get(t, path); resp.StatusCode != http.StatusOK {
			t.Errorf("example %s: %d %s", c, resp.StatusCode, clip(body))
		}
	}
	resp, _ = f.get(t, "/api/")
	if resp.Request.URL.Path != "/api" {
		t.Errorf("/api/ ends at %s", resp.Request.URL.Path)
	}
}

func TestPlaceNamesNeedAGazetteer(t *testing.T) {
	f := newFixture(t, nil)
	srv := httptest.NewServer(mustNew(t, Config{Store: f.store, Engine: f.eng}))
	defer srv.Close()
	resp, body := fetch(t, srv, "/api/v1/services?postcode=L20&proximity=100")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("%d", resp.StatusCode)
	}
	if e := decodeError(t, body); e.Field != "postcode" || !strings.Contains(e.Message, "lat and lon") {
		t.Errorf("%+v", e)
	}
}

func TestHeadAnswersWithoutABody(t *testing.T) {
	f := newFixture(t, synthServices(5, 8))
	for _, path := range []string{"/api/v1/services", "/api/v1/services?format=ndjson", "/api", "/api/v1/openapi.json"} {
		req, err := http.NewRequest(http.MethodHead, f.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("Content-Type") == "" || resp.Header.Get("ETag") == "" {
			t.Errorf("HEAD %s: %d, %d bytes, Content-Type %q, ETag %q", path, resp.StatusCode, len(body), resp.Header.Get("Content-Type"), resp.Header.Get("ETag"))
		}
	}
}

func TestNDJSONUnderGzip(t *testing.T) {
	svcs := synthServices(600, 9)
	f := newFixture(t, svcs)
	resp, raw := f.get(t, "/api/v1/services?format=ndjson", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	active := 0
	for _, s := range svcs {
		if s.Status == directory.StatusActive {
			active++
		}
	}
	if lines := bytes.Count(plain, []byte("\n")); lines != active {
		t.Errorf("%d lines, want %d", lines, active)
	}
}

func TestNewRefusesMissingDependencies(t *testing.T) {
	if _, err := New(Config{}); err == nil || !strings.Contains(err.Error(), "Store and Config.Engine are required") {
		t.Fatalf("New without dependencies: %v", err)
	}
}
