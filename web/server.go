// Package web serves Signpost's public site: search, the "what matters to
// you" matcher, activity pages with a server-drawn map, print views and the
// correction form. Pages are html/template with embedded templates and CSS,
// work without JavaScript and load nothing from other sites.
//
// Handlers are methods of Server that return an error; one adapter
// (Server.handle) turns errors into pages with the right status. Routes are
// registered by area in routes.go; middleware, one per file, is composed in
// Server.middleware.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"signpost/directory"
	"signpost/engine"
)

// Finder answers searches and matches. *engine.Engine satisfies it.
type Finder interface {
	Search(ctx context.Context, q engine.Query) (*engine.Results, error)
	Match(ctx context.Context, q engine.Query) (*engine.Results, error)
}

// Listings is what the public pages need of the store. *directory.Store
// satisfies it.
type Listings interface {
	// Service returns a published service, or an error wrapping
	// directory.ErrNotFound.
	Service(ctx context.Context, id string) (*directory.Service, error)
	// AddCorrection stores a suggested correction of a service.
	AddCorrection(ctx context.Context, c directory.Correction) (directory.Correction, error)
}

// Places resolves what a person types as a place. *directory.Gazetteer
// satisfies it.
type Places interface {
	Lookup(q string) (directory.Place, bool)
	Suggest(q string, n int) []directory.Place
}

// Config holds the Server's dependencies. Engine, Store and Gazetteer are
// required.
type Config struct {
	Engine    Finder
	Store     Listings
	Gazetteer Places
	// API, when set, is mounted at /api/ inside the site's middleware, so
	// request ids, logging, panic recovery and security headers cover it.
	API http.Handler
	// Logger receives the access log and server errors; nil discards them.
	Logger *slog.Logger
	// Now is the clock for dates shown on pages; nil means time.Now.
	Now func() time.Time

	// Editorial, when set, serves sign-in (/login, /logout), the provider
	// area (/provider) and the admin area (/admin). *directory.Store
	// satisfies it.
	Editorial Editorial
	// HTTPS says the site is reached over HTTPS even when this process
	// sees plain HTTP (behind a TLS-terminating proxy): cookies are then
	// Secure and CSRF checks demand a same-origin Referer.
	HTTPS bool
	// CSRFKey signs CSRF tokens: 32 bytes, kept secret. Nil makes a random
	// key at start-up, so forms opened before a restart must be reloaded.
	CSRFKey []byte

	// Mail, when set with Editorial, serves the password pages, the
	// reminder link's page and the admin's outbox (mailpages.go).
	// *directory.Store satisfies it.
	Mail MailStore
	// MailRelay says e-mail is really sent (serve --smtp). Without it an
	// admin's password reset shows the link instead of mailing it.
	MailRelay bool
	// BaseURL is the address people reach the site at (serve --base-url),
	// for the absolute links the site shows.
	BaseURL string
}

// Server is the public site. It is an http.Handler and safe for concurrent
// use.
type Server struct {
	finder   Finder
	listings Listings
	places   Places
	api      http.Handler
	log      *slog.Logger
	now      func() time.Time

	tmpl        *templates
	md          *markdown
	corrections *throttle
	auth        *authState
	mail        *mailPages

	handler http.Handler
}

// Correction throttle: a person correcting a listing sends one or two; more
// than this from one address in the window is a script or a mistake.
const (
	correctionsPerWindow = 5
	correctionWindow     = 10 * time.Minute
)

// New builds the site. It parses every template and fails if one is broken,
// so that a bad template stops the server at start-up, not on a request.
func New(cfg Config) (*Server, error) {
	switch {
	case cfg.Engine == nil:
		return nil, errors.New("web: Config.Engine is required")
	case cfg.Store == nil:
		return nil, errors.New("web: Config.Store is required")
	case cfg.Gazetteer == nil:
		return nil, errors.New("web: Config.Gazetteer is required")
	}
	s := &Server{
		finder:   cfg.Engine,
		listings: cfg.Store,
		places:   cfg.Gazetteer,
		api:      cfg.API,
		log:      cfg.Logger,
		now:      cfg.Now,
		md:       newMarkdown(),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.corrections = newThrottle(correctionsPerWindow, correctionWindow, s.now)
	var err error
	if s.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	if err := s.initAuth(cfg); err != nil {
		return nil, err
	}
	if cfg.Mail != nil && cfg.Editorial != nil {
		s.mail = &mailPages{s: s, store: cfg.Mail, relay: cfg.MailRelay, baseURL: cfg.BaseURL}
	}
	s.handler = s.middleware(s.routes())
	return s, nil
}

// ServeHTTP serves the site.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// middleware wraps the router in the site's middleware, outermost first:
// every request gets an id, then is logged, gets the security headers, and
// has its panics turned into a 500 page (inside the headers, so the error
// page carries them too); then it is signed in from its session cookie and
// checked for a CSRF token if it changes anything.
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.sessions(h)
	h = recoverPanics(s.log, s.panicPage)(h)
	h = securityHeaders(h)
	h = accessLog(s.log)(h)
	h = requestID(h)
	return h
}
