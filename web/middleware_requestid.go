package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

type requestIDKey struct{}

// RequestID returns the id the requestID middleware gave the request, or ""
// outside one. Log lines carry it so that one request's lines can be found
// together, and error pages show it so that a person reporting a fault can
// quote it.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestID gives every request a fresh random id, in its context and in the
// X-Request-ID response header. An id sent by the client is ignored: it
// could be chosen to collide with or forge another request's log lines.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func newRequestID() string {
	var b [8]byte
	// crypto/rand.Read never fails on supported platforms (Go 1.24+).
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
