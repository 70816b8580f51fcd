package web

import (
	"context"
	"errors"
	"net/http"

	"signpost/directory"
	"signpost/engine"
)

// handlerFunc is a page handler that returns an error instead of writing
// one; renderer.handle turns the error into a page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError is an error with the status and the words to show a person.
type httpError struct {
	status  int
	heading string
	message string
	err     error // the cause, for the log; never shown
}

func (e *httpError) Error() string {
	if e.err != nil {
		return e.heading + ": " + e.err.Error()
	}
	return e.heading
}

func (e *httpError) Unwrap() error { return e.err }

var errPageNotFound = &httpError{
	status:  http.StatusNotFound,
	heading: "Page not found",
	message: "If you typed the web address, check it is correct. If you followed a link, the activity may have been removed.",
}

// handle adapts a handlerFunc: a returned error becomes an error page with
// the right status, and only server faults (5xx) are logged, because the
// others are a person's mistyped address or query, not something to fix.
func (rd *renderer) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			rd.renderError(w, r, err)
		}
	})
}

// errorPage is the page for any error.
type errorPage struct {
	BasePage
	Heading  string
	Message  string
	Problems problemList
	// RequestID is shown on server errors, so a person can quote it.
	RequestID string
}

func (rd *renderer) renderError(w http.ResponseWriter, r *http.Request, err error) {
	p := errorPage{}
	var he *httpError
	var fe *engine.FieldError
	var ve *directory.ValidationError
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &he):
		status, p.Heading, p.Message = he.status, he.heading, he.message
	case errors.Is(err, directory.ErrNotFound):
		status, p.Heading, p.Message = errPageNotFound.status, errPageNotFound.heading, errPageNotFound.message
	case errors.Is(err, directory.ErrForbidden):
		// The store refused a change that the request's form cannot ask
		// for (renaming a My list, which has no reference): the asker's
		// mistake, not the server's.
		status, p.Heading, p.Message = http.StatusForbidden, "You cannot do that", "This cannot be changed here."
	case errors.As(err, &fe):
		status, p.Heading = http.StatusBadRequest, "There is a problem with the request"
		p.Problems = problemList{finderProblem(fe)}
	case errors.As(err, &ve):
		status, p.Heading = http.StatusBadRequest, "There is a problem with what was sent"
		for _, pr := range ve.Problems {
			p.Problems = append(p.Problems, problem{Field: pr.Path, Message: sentence(pr.Message)})
		}
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The person left before the answer was ready; there is no one to
		// show a page to and nothing to fix.
		return
	}
	if status >= 500 {
		rd.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", logPath(r.URL.Path), "err", err)
		p.Heading = "Sorry, there is a problem with the service"
		p.Message = "Try again later. If it keeps happening, tell us the reference below."
		p.RequestID = RequestID(r.Context())
	}
	p.Title = p.Heading
	rd.render(w, r, status, "error", &p)
}

// panicPage is what recoverPanics shows.
func (rd *renderer) panicPage(w http.ResponseWriter, r *http.Request) {
	rd.renderError(w, r, errors.New("panic (logged above)"))
}

// problemList is a form's error summary.
type problemList []problem

// For returns the problem with the control id, for the message beside the
// control, or nil.
func (ps problemList) For(field string) *problem {
	for i := range ps {
		if ps[i].Field == field {
			return &ps[i]
		}
	}
	return nil
}

// problem is one entry of an error summary: the message, linked to the
// form control it is about.
type problem struct {
	Field   string // id of the control, without '#'
	Message string
}
