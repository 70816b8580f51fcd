package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestFollowerRedirectsToPrimary: a follower answers public reads itself
// and sends per-site pages and every change to the primary, keeping the
// method (307), the path and the query.
func TestFollowerRedirectsToPrimary(t *testing.T) {
	site := newSampleSite(t)
	cfg := site.config(testNow)
	primary, _ := url.Parse("https://primary.signpost.example/")
	cfg.Primary = primary
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, target string
		// want is the Location, or "" for a page served here.
		want string
	}{
		{"GET", "/", ""},
		{"GET", "/search?q=walk", ""},
		{"HEAD", "/search?q=walk", ""},
		{"GET", "/match", ""},
		{"GET", "/help-now", ""},
		{"GET", "/healthz", ""},
		{"GET", "/api/v1/services?per_page=1", ""},
		{"OPTIONS", "/api/v1/services", ""},
		{"GET", "/sharing", ""},
		{"GET", "/login?next=%2Fadmin", "https://primary.signpost.example/login?next=%2Fadmin"},
		{"POST", "/login", "https://primary.signpost.example/login"},
		{"POST", "/logout", "https://primary.signpost.example/logout"},
		{"GET", "/account/password", "https://primary.signpost.example/account/password"},
		{"GET", "/password/reset?token=abc", "https://primary.signpost.example/password/reset?token=abc"},
		{"GET", "/still-running?token=abc", "https://primary.signpost.example/still-running?token=abc"},
		{"GET", "/provider", "https://primary.signpost.example/provider"},
		{"GET", "/provider/listings/x/edit", "https://primary.signpost.example/provider/listings/x/edit"},
		{"GET", "/admin", "https://primary.signpost.example/admin"},
		{"GET", "/admin/feeds", "https://primary.signpost.example/admin/feeds"},
		{"GET", "/insights", "https://primary.signpost.example/insights"},
		{"GET", "/shortlists", "https://primary.signpost.example/shortlists"},
		{"GET", "/my-list", "https://primary.signpost.example/my-list"},
		{"GET", "/add-to-list?id=x", "https://primary.signpost.example/add-to-list?id=x"},
		{"GET", "/s/tok%2Fen/print", "https://primary.signpost.example/s/tok%2Fen/print"},
		{"POST", "/current-list/items", "https://primary.signpost.example/current-list/items"},
		{"POST", "/activities/x/corrections", "https://primary.signpost.example/activities/x/corrections"},
		{"PUT", "/api/v1/services/x", "https://primary.signpost.example/api/v1/services/x"},
		{"DELETE", "/search", "https://primary.signpost.example/search"},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			var body *strings.Reader
			if tc.method == "POST" {
				body = strings.NewReader("a=1")
			} else {
				body = strings.NewReader("")
			}
			req := httptest.NewRequest(tc.method, tc.target, body)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			loc := rec.Header().Get("Location")
			if tc.want == "" {
				if rec.Code == http.StatusTemporaryRedirect || strings.HasPrefix(loc, "https://primary.") {
					t.Errorf("served %d to %q, want it answered here", rec.Code, loc)
				}
				return
			}
			if rec.Code != http.StatusTemporaryRedirect || loc != tc.want {
				t.Errorf("got %d to %q, want 307 to %q", rec.Code, loc, tc.want)
			}
		})
	}
}

// TestToPrimaryKeepsThePrimarysPath: a primary served under a path keeps
// it; no primary changes nothing.
func TestToPrimaryKeepsThePrimarysPath(t *testing.T) {
	here := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	primary, _ := url.Parse("http://10.0.0.5:8080/signpost/")
	rec := httptest.NewRecorder()
	toPrimary(primary)(here).ServeHTTP(rec, httptest.NewRequest("POST", "/admin/feeds/adopt?x=1", strings.NewReader("listing=a")))
	if got := rec.Header().Get("Location"); rec.Code != 307 || got != "http://10.0.0.5:8080/signpost/admin/feeds/adopt?x=1" {
		t.Errorf("got %d to %q", rec.Code, got)
	}
	rec = httptest.NewRecorder()
	toPrimary(nil)(here).ServeHTTP(rec, httptest.NewRequest("POST", "/admin", nil))
	if rec.Code != http.StatusTeapot {
		t.Errorf("without a primary: %d, want the request served here", rec.Code)
	}
}
