package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// A post larger than its route's limit (maxBodyFor) gets a 413 page that
// says so, and nothing else does: the forms' fields have limits of their
// own well below it, which they report beside the field, keeping the
// text. The limit has to be applied before the CSRF check reads the form,
// so a body cut short would otherwise surface there as "This form has
// expired"; boundedBody remembers that the limit was hit so the check's
// failure page can tell the truth.

// boundedBody is a request body under http.MaxBytesReader that records
// whether the limit was reached.
type boundedBody struct {
	io.ReadCloser
	over bool
}

func (b *boundedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.over = true
	}
	return n, err
}

type boundedBodyKey struct{}

// limitBody bounds r's body to limit bytes. ok is false when the request
// says at once that it is larger (Content-Length): the caller answers 413
// without reading it.
func limitBody(w http.ResponseWriter, r *http.Request, limit int64) (*http.Request, bool) {
	if r.ContentLength > limit {
		return r, false
	}
	b := &boundedBody{ReadCloser: http.MaxBytesReader(w, r.Body, limit)}
	r.Body = b
	return r.WithContext(context.WithValue(r.Context(), boundedBodyKey{}, b)), true
}

// bodyTooLarge reports whether reading r's body hit its limit.
func bodyTooLarge(r *http.Request) bool {
	b, _ := r.Context().Value(boundedBodyKey{}).(*boundedBody)
	return b != nil && b.over
}

// errTooLarge is the page of a post over its route's limit.
func errTooLarge(limit int64) error {
	return &httpError{status: http.StatusRequestEntityTooLarge, heading: "Too much to send in one go",
		message: fmt.Sprintf("The form sent more than this page accepts (%d KB). Go back, shorten the longest text, and send it again.", limit>>10)}
}
