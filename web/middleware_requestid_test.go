package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
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

// TestLogHandler: a line logged with a request's context carries the
// request's id, whoever logs it: the site, or the API mounted inside it
// with its own logger wrapped in LogHandler.
func TestLogHandler(t *testing.T) {
	var buf bytes.Buffer
	// Wrapped twice, as when cmd wraps the logger and web.New wraps it
	// again: the id is added once.
	logger := slog.New(LogHandler(LogHandler(slog.NewJSONHandler(&buf, nil))))
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.With("area", "api").ErrorContext(r.Context(), "api request failed", "err", "disk on fire")
		http.Error(w, "{}", http.StatusInternalServerError)
	})
	site := newFakeSite(t)
	cfg := site.config()
	cfg.API, cfg.Logger = api, logger
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/services", nil))
	id := rec.Header().Get("X-Request-ID")
	var lines []map[string]any
	for _, raw := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var line map[string]any
		if err := json.Unmarshal(raw, &line); err != nil {
			t.Fatalf("log line %s: %v", raw, err)
		}
		lines = append(lines, line)
	}
	msgs := map[string]bool{}
	for _, line := range lines {
		msgs[line["msg"].(string)] = true
		if line["request_id"] != id {
			t.Errorf("%q logged request_id=%v, want %s", line["msg"], line["request_id"], id)
		}
	}
	if !msgs["api request failed"] || !msgs["request"] {
		t.Errorf("want the API's line and the access log, got %v", lines)
	}
	if n := bytes.Count(buf.Bytes(), []byte(`"request_id"`)); n != len(lines) {
		t.Errorf("%d request_id attributes in %d lines", n, len(lines))
	}

	buf.Reset()
	logger.Info("starting")
	if bytes.Contains(buf.Bytes(), []byte("request_id")) {
		t.Errorf("a line about no request has a request id: %s", buf.String())
	}
}
