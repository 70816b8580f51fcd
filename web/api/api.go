package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/engine"
	"signpost/web/origin"
)

// Listings is what the API reads from the store. *directory.Store
// satisfies it.
type Listings interface {
	// Generation moves on every committed write; it keys ETags and caches.
	Generation(ctx context.Context) (uint64, error)
	// Service returns one published service, or an error wrapping
	// directory.ErrNotFound.
	Service(ctx context.Context, id string) (*directory.Service, error)
	// EachService calls fn for every published service in id order.
	EachService(ctx context.Context, fn func(*directory.Service) error) error
	// Organization returns one organization, or an error wrapping
	// directory.ErrNotFound.
	Organization(ctx context.Context, id string) (*directory.Organization, error)
	// EachOrganization calls fn for every organization in id order.
	EachOrganization(ctx context.Context, fn func(*directory.Organization) error) error
	// EachImportedTerm calls fn for every term of another taxonomy that
	// listings brought with them.
	EachImportedTerm(ctx context.Context, fn func(directory.TaxonomyTerm) error) error
	// FeedMetadata gives HSDS metadata entries for the changes feeds'
	// syncs made to a listing.
	FeedMetadata(ctx context.Context, serviceID string) ([]directory.Metadata, error)
}

// Searcher answers filtered, ranked queries. *engine.Engine satisfies it.
type Searcher interface {
	// Search treats needs, interests and activities as hard filters.
	Search(ctx context.Context, q engine.Query) (*engine.Results, error)
	// Match scores them instead.
	Match(ctx context.Context, q engine.Query) (*engine.Results, error)
}

// Places resolves a place name or postcode to a position.
// *directory.Gazetteer satisfies it.
type Places interface {
	Lookup(q string) (directory.Place, bool)
}

// Config is what the API needs. Store and Engine are required.
type Config struct {
	// Store is the source of truth: a *directory.Store.
	Store Listings
	// Engine answers searches and matches: an *engine.Engine.
	Engine Searcher
	// Gazetteer resolves postcode= and near=: a *directory.Gazetteer.
	// Without it those parameters are refused with a 400 that says so.
	Gazetteer Places
	// Origin is where clients reach the site, for the absolute links the
	// API gives: the same *origin.Origin as the site's. Nil: no base URL,
	// so a request's Host is used only when it names this machine.
	Origin *origin.Origin
	// Provision answers /insights/gaps: an *engine.Engine given the
	// gazetteer's districts. Without it that path is a 404.
	Provision ProvisionSource
	// Logger receives the 5xx faults. Default: discarded.
	Logger *slog.Logger
	// Now is the clock behind Last-Modified. Default: time.Now.
	Now func() time.Time
}

// server holds the API's dependencies; its methods are the handlers.
type server struct {
	cfg      Config
	listings Listings
	search   Searcher
	log      *slog.Logger
	vocab    vocabCache
}

// New returns the API handler. It expects the full request path: route both
// the exact path /api (the page for people) and the prefix /api/ to it;
// anything under /api/ it does not serve gets a JSON 404.
func New(cfg Config) (http.Handler, error) {
	if cfg.Store == nil || cfg.Engine == nil {
		return nil, errors.New("api: Config.Store and Config.Engine are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &server{cfg: cfg, listings: cfg.Store, search: cfg.Engine, log: cfg.Logger}
	gz := &compressor{}
	// Outermost first: CORS and the method check, then compression, then
	// validators, so a 304 is decided before any work and never gzipped.
	return openAccess(gz.wrap(conditional(cfg.Store, newVersions(cfg.Now))(s.routes()))), nil
}

// routes registers every endpoint. The OpenAPI document (openapi.json)
// lists the same paths under /api/v1; TestOpenAPIMatchesRoutes holds them
// together.
func (s *server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = s.serve(func(w http.ResponseWriter, r *http.Request) error {
		return &Error{Status: http.StatusNotFound, Message: "no such endpoint: " + r.URL.Path + "; see /api/v1/openapi.json"}
	})
	get := []string{http.MethodGet, http.MethodHead}

	r.Handle("/api", s.serve(s.guide)).Methods(get...).Name("guide")
	r.Handle("/api/", http.RedirectHandler("/api", http.StatusMovedPermanently)).Methods(get...).Name("redirect")
	r.Handle("/api/v1", http.RedirectHandler("/api/v1/", http.StatusMovedPermanently)).Methods(get...).Name("redirect")

	v1 := r.PathPrefix("/api/v1").Subrouter()
	v1.Handle("/", s.serve(s.root)).Methods(get...)
	v1.Handle("/openapi.json", s.serve(s.openAPI)).Methods(get...)
	v1.Handle("/services", s.serve(s.listServices)).Methods(get...)
	v1.Handle("/services/{id}", s.serve(s.getService)).Methods(get...)
	v1.Handle("/service_at_locations", s.serve(s.listServiceAtLocations)).Methods(get...)
	v1.Handle("/organizations", s.serve(s.listOrganizations)).Methods(get...)
	v1.Handle("/organizations/{id}", s.serve(s.getOrganization)).Methods(get...)
	v1.Handle("/taxonomies", s.serve(s.listTaxonomies)).Methods(get...)
	v1.Handle("/taxonomies/{id}", s.serve(s.getTaxonomy)).Methods(get...)
	v1.Handle("/taxonomy_terms", s.serve(s.listTaxonomyTerms)).Methods(get...)
	v1.Handle("/taxonomy_terms/{id}", s.serve(s.getTaxonomyTerm)).Methods(get...)
	v1.Handle("/match", s.serve(s.match)).Methods(get...)
	v1.Handle("/insights/gaps", s.serve(s.listGaps)).Methods(get...)
	return r
}
