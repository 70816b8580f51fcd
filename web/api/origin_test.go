package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"signpost/web/origin"
)

// The API's absolute links come from the site's origin, never from a
// Host header sent from elsewhere; the request is answered all the same.
func TestAbsoluteLinksIgnoreForeignHost(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, base, listen, host, want string
	}{
		{"base URL", "https://signpost.example", "127.0.0.1:8080", "evil.example", "https://signpost.example"},
		{"no base URL", "", "192.0.2.5:8080", "evil.example", "http://192.0.2.5:8080"},
		{"no base URL, asked for on this machine", "", "192.0.2.5:8080", "localhost:8080", "http://localhost:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := origin.New(tt.base, tt.listen, false)
			if err != nil {
				t.Fatal(err)
			}
			h := mustNew(t, Config{Store: f.store, Engine: f.eng, Origin: o})
			for _, path := range []string{"/api/v1/", "/api"} {
				req := httptest.NewRequest("GET", path, nil)
				req.Host = tt.host
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 || strings.Contains(rec.Body.String(), "evil.example") || !strings.Contains(rec.Body.String(), tt.want+"/api") {
					t.Errorf("%s asked for as %s: %d\n%s", path, tt.host, rec.Code, rec.Body.String())
				}
			}
			req := httptest.NewRequest("GET", "/api/v1/", nil)
			req.Host = tt.host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var root struct {
				OpenAPIURL string `json:"openapi_url"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &root); err != nil || root.OpenAPIURL != tt.want+"/api/v1/openapi.json" {
				t.Errorf("openapi_url %q, want %q (%v)", root.OpenAPIURL, tt.want+"/api/v1/openapi.json", err)
			}
		})
	}
}
