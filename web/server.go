// Package web serves Signpost's site: the public pages (search, the "what
// matters to you" matcher, activity pages with a server-drawn map, print
// views and the correction form), shortlists and My list, sign-in, and the
// provider and admin areas. Pages are html/template with embedded
// templates and CSS, work without JavaScript and load nothing from other
// sites.
//
// Each area of the site (public pages, accounts, provider, admin,
// shortlists) has its own handler struct holding only the small interfaces
// it uses, declared beside it. Handlers return an error; one adapter
// (renderer.handle) turns errors into pages with the right status. Every
// route is registered in routes.go, grouped by area; middleware, one per
// file, is composed in Server.middleware.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"signpost/directory"
	"signpost/engine"
	"signpost/web/origin"
)

// Config holds the Server's dependencies. Every store and service is
// required: New fails without one, so a site never starts with an area
// missing. *directory.Store satisfies every store interface;
// *engine.Engine is the Engine and *directory.Gazetteer the Gazetteer.
type Config struct {
	// Engine answers the public searches and matches.
	Engine Finder
	// Store is what the public pages read: published listings, and the
	// corrections people send.
	Store Listings
	// Gazetteer resolves the places people type.
	Gazetteer Places
	// Accounts signs people in and keeps their sessions.
	Accounts AccountStore
	// Provider serves the provider area (/provider).
	Provider ProviderStore
	// Admin serves the admin area (/admin).
	Admin AdminStore
	// Feeds confirms a feed's held withdrawal from /admin/feeds: a
	// *feed.Syncer. Optional; without it the page only reports.
	Feeds FeedConfirmer
	// Shortlists keeps link workers' shortlists, My lists and share links.
	Shortlists ShortlistStore
	// Outcomes keeps the answers to shared lists' follow-ups.
	Outcomes OutcomeStore
	// Mail serves the password pages, the reminder link's page and the
	// admin's outbox (mailpages.go).
	Mail MailStore
	// Units are the site's units of distance: how distances read ("2.5
	// miles away") and what the radius parameter counts. The zero value is
	// miles. Give the engine the same (engine.WithUnits) so that its
	// reasons agree.
	Units engine.Units
	// Crisis recognises crisis language (*engine.Engine): searches, the
	// matcher and list pages whose words hold it open with urgent help.
	Crisis CrisisCheck
	// Demand counts the public searches that found nothing in person for
	// a need (an *engine.DemandCounter). Required.
	Demand DemandCounter
	// Insights reads the anonymous aggregates of the insight pages
	// (*directory.Store). Required.
	Insights InsightStore
	// Provision measures the provision gaps (*engine.Engine). Required.
	Provision ProvisionSource
	// GapMiles is how near an in-person activity must be to a postcode
	// district's centre for it to count as served (serve --gap-miles);
	// zero means 3.
	GapMiles float64
	// HelpNow is the urgent-help page (/help-now) as Markdown: who to call
	// or text in a crisis, with tel: and sms: links. cmd passes the
	// deployment's help-now.md, or the embedded UK default. Required.
	HelpNow string

	// API, when set, is mounted at /api/ inside the site's middleware, so
	// request ids, logging, panic recovery and security headers cover it.
	API http.Handler
	// Logger receives the access log and server errors; nil discards them.
	// Its lines about a request carry the request's id (see LogHandler).
	Logger *slog.Logger
	// Now is the clock for dates shown on pages; nil means time.Now.
	Now func() time.Time

	// Origin is where people reach the site: every absolute link (share
	// links, text views) starts with it, and it says whether the site is
	// served over HTTPS. cmd builds one from serve's --base-url and --addr
	// and gives the same one to the API and the mail. Nil: no base URL,
	// and HTTPS decides the scheme.
	Origin *origin.Origin
	// HTTPS, when Origin is nil, says the site is reached over HTTPS even
	// when this process sees plain HTTP (behind a TLS-terminating proxy):
	// cookies are then Secure and CSRF checks demand a same-origin Referer.
	HTTPS bool
	// CSRFKey signs CSRF tokens: 32 bytes, kept secret. Nil makes a random
	// key at start-up, so forms opened before a restart must be reloaded.
	CSRFKey []byte
	// DeviceKey signs the cookies that mark a browser that has signed in
	// to an account before: 32 bytes, kept secret. Nil makes a random key
	// at start-up, so known browsers are forgotten at a restart.
	DeviceKey []byte
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed about the client's address (serve --trusted-proxy). Empty:
	// the direct peer is the client.
	TrustedProxies []netip.Prefix

	// Basemap, when set, is the land and water every map draws, with the
	// names of the waters and the attribution its licence asks for.
	Basemap *directory.Basemap
	// MapPlaces are the places maps name: towns, and neighbourhoods when a
	// map is zoomed in. Usually the gazetteer's places.
	MapPlaces []directory.Place
	// MailRelay says e-mail is really sent (serve --smtp). Without it an
	// admin's password reset shows the link instead of mailing it.
	MailRelay bool
	// Primary, set on a follower (serve --primary), is the primary's
	// address: per-site requests are redirected there (middleware_primary.go).
	Primary *url.URL
}

// Server is the whole site. It is an http.Handler and safe for concurrent
// use.
type Server struct {
	pages    *renderer
	public   *publicHandlers
	accounts *accountHandlers
	provider *providerHandlers
	admin    *adminHandlers
	lists    *shortlistHandlers
	mail     *mailPages
	insights *insightHandlers
	api      http.Handler

	trustedProxies []netip.Prefix
	primary        *url.URL
	handler        http.Handler
}

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
	case cfg.Accounts == nil:
		return nil, errors.New("web: Config.Accounts is required")
	case cfg.Provider == nil:
		return nil, errors.New("web: Config.Provider is required")
	case cfg.Admin == nil:
		return nil, errors.New("web: Config.Admin is required")
	case cfg.Shortlists == nil:
		return nil, errors.New("web: Config.Shortlists is required")
	case cfg.Outcomes == nil:
		return nil, errors.New("web: Config.Outcomes is required")
	case cfg.Mail == nil:
		return nil, errors.New("web: Config.Mail is required")
	case cfg.Crisis == nil:
		return nil, errors.New("web: Config.Crisis is required")
	case cfg.Demand == nil:
		return nil, errors.New("web: Config.Demand is required")
	case cfg.Insights == nil:
		return nil, errors.New("web: Config.Insights is required")
	case cfg.Provision == nil:
		return nil, errors.New("web: Config.Provision is required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = slog.New(LogHandler(log.Handler()))
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	urgent, err := renderHelpNow(cfg.HelpNow)
	if err != nil {
		return nil, err
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	pages := &renderer{tmpl: tmpl, log: log, urgent: urgent.lead}
	md := newMarkdown()
	maps := newMapper(cfg.Basemap, cfg.MapPlaces, cfg.Units)
	site := cfg.Origin
	if site == nil {
		if site, err = origin.New("", "", cfg.HTTPS); err != nil {
			return nil, err
		}
	}
	s := &Server{
		pages:    pages,
		public:   newPublicHandlers(pages, cfg.Engine, cfg.Store, cfg.Gazetteer, maps, md, now),
		provider: &providerHandlers{renderer: pages, store: cfg.Provider, places: cfg.Gazetteer, md: md, now: now},
		admin:    &adminHandlers{renderer: pages, store: cfg.Admin, feeds: cfg.Feeds, md: md, now: now},
		lists:    newShortlistHandlers(pages, cfg.Shortlists, cfg.Store, cfg.Gazetteer, maps, site, md, now),
		api:      cfg.API,

		trustedProxies: cfg.TrustedProxies,
		primary:        cfg.Primary,
	}
	s.public.urgent, s.public.crisis = urgent, cfg.Crisis
	s.lists.crisis = cfg.Crisis
	s.lists.outcomes = cfg.Outcomes
	s.public.units = cfg.Units
	s.public.demand = cfg.Demand
	s.insights = newInsightHandlers(pages, cfg.Insights, cfg.Provision, cfg.Store, maps, cfg.Units, cfg.GapMiles, now)
	s.provider.outcomes = cfg.Insights
	if s.accounts, err = newAccountHandlers(pages, cfg.Accounts, site, cfg.CSRFKey, cfg.DeviceKey, now); err != nil {
		return nil, err
	}
	s.mail = &mailPages{renderer: pages, store: cfg.Mail, site: site, cookieName: s.accounts.cookieName,
		relay: cfg.MailRelay, now: now}
	pages.current = s.lists.currentList
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
// page carries them too); then its client's address is learnt, its body is
// bounded, it is signed in from
// its session cookie and checked for a CSRF token if it changes anything.
// On a follower, per-site requests are sent to the primary before any of
// that.
func (s *Server) middleware(h http.Handler) http.Handler {
	h = s.accounts.sessions(h)
	h = boundBodies(s.pages)(h)
	h = clientAddresses(s.trustedProxies)(h)
	h = toPrimary(s.primary)(h)
	h = recoverPanics(s.pages.log, s.pages.panicPage)(h)
	h = securityHeaders(h)
	h = accessLog(s.pages.log)(h)
	h = requestID(h)
	return h
}
