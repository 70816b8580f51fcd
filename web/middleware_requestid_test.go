package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

func TestRequestID(t *testing.T) {
	var seen []string
	h := requestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, RequestID(r.Context()))
	}))
	hexID := regexp.MustCompile(`^[0-9a-f]{16}$`)
	var headers []string
	for range 2 {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("X-Request-ID", "forged")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		headers = append(headers, rec.Header().Get("X-Request-ID"))
	}
	for i := range 2 {
		if !hexID.MatchString(seen[i]) {
			t.Errorf("request %d: id %q is not 16 hex digits (a client's X-Request-ID must be ignored)", i, seen[i])
		}
		if headers[i] != seen[i] {
			t.Errorf("request %d: header %q differs from context id %q", i, headers[i], seen[i])
		}
	}
	if seen[0] == seen[1] {
		t.Errorf("two requests share the id %q", seen[0])
	}
	if got := RequestID(httptest.NewRequest("GET", "/", nil).Context()); got != "" {
		t.Errorf("RequestID outside the middleware = %q, want empty", got)
	}
}
