package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes registers every page, by area. New areas (link workers'
// shortlists and shared lists at /shortlists and /s/{token}, providers at
// /provider, admins at /admin, /login and /logout) add a block here with
// their handlers as Server methods.
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error { return errPageNotFound })
	r.MethodNotAllowedHandler = s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return &httpError{status: http.StatusMethodNotAllowed, heading: "This page cannot do that",
			message: "The page exists, but not for this kind of request."}
	})
	get := []string{http.MethodGet, http.MethodHead}

	// Public pages.
	r.Handle("/", s.handle(s.home)).Methods(get...)
	r.Handle("/search", s.handle(s.search)).Methods(get...)
	r.Handle("/search/print", s.handle(s.searchPrint)).Methods(get...)
	r.Handle("/match", s.handle(s.match)).Methods(get...)
	r.Handle("/match/print", s.handle(s.matchPrint)).Methods(get...)
	r.Handle("/activities/{id}", s.handle(s.activity)).Methods(get...)
	r.Handle("/activities/{id}/print", s.handle(s.activityPrint)).Methods(get...)
	r.Handle("/activities/{id}/corrections", s.handle(s.addCorrection)).Methods(http.MethodPost)

	// Shortlists, My list and share links (shortlist*.go, mylist.go).
	s.shortlistRoutes(r)

	// Sign-in, the provider area and the admin area (auth.go, provider.go,
	// admin.go), all behind the guard of authz.go.
	s.authRoutes(r)

	// Operations and assets.
	r.Handle("/healthz", http.HandlerFunc(s.healthz)).Methods(get...)
	r.PathPrefix("/static/").Handler(s.serveStatic()).Methods(get...)

	// The JSON API, built elsewhere (web/api).
	if s.api != nil {
		r.Handle("/api", s.api)
		r.PathPrefix("/api/").Handler(s.api)
	}
	return r
}

// healthz says the process is up and serving, for load balancers and
// `make run` checks. It touches no storage, so it stays cheap.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}
