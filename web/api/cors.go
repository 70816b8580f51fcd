package api

import (
	"net/http"
)

// readOnlyMethods are the methods the API answers; it changes nothing.
const readOnlyMethods = "GET, HEAD, OPTIONS"

// openAccess makes the API open data: every origin may read it from a
// browser without a key, preflight requests are answered here, and any
// method that would change something is refused with 405.
func openAccess(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Set on errors too, so a browser page can read why it failed.
		h.Set("Access-Control-Allow-Origin", "*")
		// ETag is not a CORS-safelisted header; without this a browser
		// client could not revalidate.
		h.Set("Access-Control-Expose-Headers", "ETag")
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			next.ServeHTTP(w, r)
		case http.MethodOptions:
			h.Set("Allow", readOnlyMethods)
			h.Set("Access-Control-Allow-Methods", readOnlyMethods)
			if asked := r.Header.Get("Access-Control-Request-Headers"); asked != "" {
				// No credentials are ever involved, so any request header
				// is harmless; echoing the list keeps clients that send
				// their own headers working.
				h.Set("Access-Control-Allow-Headers", asked)
			}
			h.Set("Access-Control-Max-Age", "86400")
			w.WriteHeader(http.StatusNoContent)
		default:
			h.Set("Allow", readOnlyMethods)
			writeError(w, &Error{Status: http.StatusMethodNotAllowed,
				Message: "the API is read-only: use GET (" + r.Method + " is not allowed)"})
		}
	})
}
