package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The site's pages carry no validators and its embedded static files have
// no modification time, so If-Modified-Since (in the future or not) must
// never turn into a 304 with an empty body. The API's validators are
// tested in web/api.
func TestSiteIgnoresIfModifiedSince(t *testing.T) {
	site := newFakeSite(t)
	future := time.Now().Add(365 * 24 * time.Hour).UTC().Format(http.TimeFormat)
	for _, path := range []string{"/", "/search?q=walk", site.srv.pages.tmpl.assets.CSS, "/static/site.css"} {
		t.Run(path, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("If-Modified-Since", future)
			rec := httptest.NewRecorder()
			site.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK || rec.Body.Len() == 0 {
				t.Errorf("status %d with %d bytes, want 200 with the body", rec.Code, rec.Body.Len())
			}
		})
	}
}
