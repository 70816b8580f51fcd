package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// recoverPanics turns a panic in a handler into a logged error and a 500
// page drawn by fail, so that one bad record cannot take the server down
// or show a person a blank page. When the response had already begun, the
// page cannot be replaced; the connection is aborted instead so the client
// sees a failure rather than a page that silently stops half way.
func recoverPanics(log *slog.Logger, fail func(w http.ResponseWriter, r *http.Request)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw := record(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v) // a deliberate abort, not a fault
				}
				log.ErrorContext(r.Context(), "panic serving request",
					"method", r.Method,
					"path", logPath(r.URL.Path),
					"panic", fmt.Sprint(v),
					"stack", string(debug.Stack()),
				)
				if rw.wroteHeader() {
					panic(http.ErrAbortHandler)
				}
				fail(rw, r)
			}()
			next.ServeHTTP(rw, r)
		})
	}
}
