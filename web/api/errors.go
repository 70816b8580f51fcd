package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"signpost/directory"
	"signpost/engine"
)

// Error is an answer that is not a success: its status and the JSON body
// {"error": Message, "field": Field}. Field names the URL parameter at
// fault, when there is one.
type Error struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// badParam is the 400 for a parameter with a bad value.
func badParam(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Field: field, Message: fmt.Sprintf(format, args...)}
}

// notFound is the 404 for an unknown id.
func notFound(what, id string) *Error {
	return &Error{Status: http.StatusNotFound, Field: "id", Message: fmt.Sprintf("no %s with id %q", what, id)}
}

// handlerFunc is a handler that returns its failure instead of writing it,
// so that one place (serve) decides the status and body of every error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// serve adapts h to http.Handler. Errors the client caused become 4xx with
// their message; anything else is Signpost's fault: it is logged and the
// client gets a 500 that says nothing of the internals.
func (s *server) serve(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		err := h(tw, r)
		if err == nil {
			return
		}
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client went away; nobody is listening for an answer
		}
		apiErr := classify(err)
		if apiErr.Status >= 500 {
			s.log.ErrorContext(r.Context(), "api request failed",
				slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		}
		if tw.wroteHeader {
			// The body has begun (a stream failed part way): the status can
			// no longer change, and appending JSON would corrupt it.
			return
		}
		writeError(w, apiErr)
	})
}

// classify maps an error to its answer.
func classify(err error) *Error {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr
	}
	var fe *engine.FieldError
	if errors.As(err, &fe) {
		return &Error{Status: http.StatusBadRequest, Field: engineParam[fe.Field], Message: fe.Message}
	}
	if errors.Is(err, directory.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Message: "not found"}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Status: http.StatusServiceUnavailable, Message: "the directory took too long to answer; try again"}
	}
	return &Error{Status: http.StatusInternalServerError, Message: "something went wrong on our side; it has been logged"}
}

// writeError writes e as JSON. Validators (ETag, Last-Modified) set for a
// success are withdrawn: an error is not a version of the resource.
func writeError(w http.ResponseWriter, e *Error) {
	h := w.Header()
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Set("Cache-Control", "no-store")
	writeJSON(w, e.Status, e)
}
