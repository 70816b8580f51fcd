package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAccessLog(t *testing.T) {
	tests := []struct {
		name      string
		target    string
		handler   http.HandlerFunc
		wantPath  string
		wantKeys  string
		status    float64
		bytes     float64
		forbidden []string
	}{
		{
			name:   "search values stay out of the log",
			target: "/search?q=alcohol&near=L20+3AB&need=alcohol-drugs",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("hello"))
			},
			wantPath: "/search", wantKeys: "near,need,q", status: 200, bytes: 5,
			forbidden: []string{"alcohol", "L20"},
		},
		{
			name:   "shared shortlist token is masked",
			target: "/s/sekrit-token-123",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.NotFound(w, r)
			},
			wantPath: "/s/[token]", status: 404,
			forbidden: []string{"sekrit"},
		},
		{
			name:     "a handler that writes nothing sent 200",
			target:   "/healthz",
			handler:  func(w http.ResponseWriter, r *http.Request) {},
			wantPath: "/healthz", status: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil)))
			h := requestID(accessLog(log)(tt.handler))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", tt.target, nil))

			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("log is not one JSON line: %v\n%s", err, buf.String())
			}
			if line["path"] != tt.wantPath || line["query_keys"] != tt.wantKeys || line["status"] != tt.status {
				t.Errorf("logged path=%v query_keys=%v status=%v, want %v %q %v", line["path"], line["query_keys"], line["status"], tt.wantPath, tt.wantKeys, tt.status)
			}
			if tt.bytes != 0 && line["bytes"] != tt.bytes {
				t.Errorf("logged bytes=%v, want %v", line["bytes"], tt.bytes)
			}
			if id, _ := line["request_id"].(string); len(id) != 16 {
				t.Errorf("logged request_id=%q, want the middleware's id", id)
			}
			for _, s := range tt.forbidden {
				if strings.Contains(buf.String(), s) {
					t.Errorf("log line contains %q: %s", s, buf.String())
				}
			}
		})
	}
}
