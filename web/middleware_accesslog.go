package web

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// accessLog writes one structured line per request once it is answered.
//
// It logs the names of the query parameters but never their values: a
// search says what is hard in someone's life ("need=alcohol-drugs") and where
// they live, and later features put tokens in URLs. For the same reason the
// token of a shared shortlist link (/s/{token}) is masked and the client's
// address is not logged.
func accessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rw := record(w)
			next.ServeHTTP(rw, r)
			status := rw.status
			if status == 0 {
				status = http.StatusOK // a handler that wrote nothing sent 200
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", logPath(r.URL.Path)),
				slog.String("query_keys", queryKeys(r)),
				slog.Int("status", status),
				slog.Int64("bytes", rw.bytes),
				slog.Duration("duration", time.Since(start)),
			)
		})
	}
}

// logPath masks path segments that are secrets.
func logPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "/s/"); ok && rest != "" {
		return "/s/[token]"
	}
	return p
}

// queryKeys lists the query parameter names, sorted, without values.
func queryKeys(r *http.Request) string {
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}
