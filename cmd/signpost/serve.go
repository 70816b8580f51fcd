package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"signpost/data"
	"signpost/directory"
	"signpost/directory/feed"
	"signpost/directory/hsds"
	"signpost/engine"
	"signpost/web"
	"signpost/web/api"
	"signpost/web/origin"
)

// serveOptions are the flags of `signpost serve`.
type serveOptions struct {
	addr, dataDir   string
	noSample        bool
	tlsCert, tlsKey string
	mail            *mailFlags
	// units are the site's units of distance (--units miles|km).
	units engine.Units
	// trustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client (--trusted-proxy).
	trustedProxies []netip.Prefix
	// gapMiles is how near an in-person activity must be to a postcode
	// district's centre for it to count as served (--gap-miles).
	gapMiles float64
	// site is where people reach the site (--base-url, --addr): every
	// absolute link, the site's, the API's and the e-mails', starts with
	// site.URL(r), or site.BaseURL() outside a request.
	site *origin.Origin
	// primary makes this server a follower (--primary, follower.go);
	// csrfKey is the CSRF key it shares with the primary.
	primary *url.URL
	csrfKey []byte
}

func runServe(ctx context.Context, e *env, args []string) error {
	opts, err := parseServeFlags(e, args)
	if err != nil {
		return err
	}
	// Every line logged about a request, by the site or the API, carries
	// its request id.
	logger := slog.New(web.LogHandler(slog.NewTextHandler(e.stderr, nil)))

	st, err := openStore(opts.dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if !opts.noSample {
		if err := loadSample(ctx, st, e); err != nil {
			return err
		}
	}
	// My lists nobody has opened for a year are removed now and daily; the
	// sweep ends before the store closes.
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { defer close(swept); sweepMyLists(sweepCtx, st, 24*time.Hour, logger) }()
	// So are follow-up answers past 90 days and wellbeing starts past six
	// months (PRIVACY.md).
	sweptOutcomes := make(chan struct{})
	go func() { defer close(sweptOutcomes); sweepOutcomes(sweepCtx, st, 24*time.Hour, logger) }()
	defer func() { stopSweep(); <-swept; <-sweptOutcomes }()
	closeControl, err := serveControl(opts.dataDir, st, logger)
	if err != nil {
		return err
	}
	defer closeControl()
	stopMail, err := startMail(ctx, st, opts.mail, logger)
	if err != nil {
		return err
	}
	defer stopMail()
	gaz, err := loadReplaceable(opts.dataDir, data.GazetteerFile, logger, directory.LoadGazetteer)
	if err != nil {
		return err
	}
	vocab, err := loadReplaceable(opts.dataDir, data.EverydayPhrasesFile, logger, engine.ParseVocabulary)
	if err != nil {
		return err
	}
	crisis, err := loadReplaceable(opts.dataDir, data.CrisisPhrasesFile, logger, engine.ParseCrisisPhrases)
	if err != nil {
		return err
	}
	basemap, err := loadBasemap(opts.dataDir, logger)
	if err != nil {
		return err
	}
	eng, err := engine.Open(indexDir(opts.dataDir), st, engine.WithLogger(logger), engine.WithProgress(e.stderr),
		engine.WithVocabulary(vocab), engine.WithCrisisPhrases(crisis), engine.WithWaters(basemap), engine.WithUnits(opts.units),
		engine.WithDistricts(gaz.Places()))
	if err != nil {
		return err
	}
	defer eng.Close()
	st.Watch(func(ch directory.Change) {
		if err := eng.Apply(context.Background(), ch); err != nil {
			logger.Error("index update failed; the next start will rebuild", "generation", ch.Generation, "err", err)
		}
	})
	// Followed feeds sync in the background when due, once the index hears
	// of writes; cancelling on shutdown leaves an unfinished pull's resume
	// point in the store.
	feeds := feed.New(st, feed.Options{Logger: logger})
	feedCtx, stopFeeds := context.WithCancel(ctx)
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		feeds.Follow(feedCtx, st, time.Minute)
	}()
	defer func() { stopFeeds(); <-fed }()
	helpNow, err := loadReplaceable(opts.dataDir, data.HelpNowFile, logger, readText)
	if err != nil {
		return err
	}
	// Unmet demand is queued by searches and written every minute, and
	// once more at shutdown, before the store closes.
	demand := engine.NewDemandCounter(eng, st, logger)
	demandCtx, stopDemand := context.WithCancel(ctx)
	counted := make(chan struct{})
	go func() { defer close(counted); demand.Run(demandCtx, time.Minute) }()
	defer func() { stopDemand(); <-counted }()
	handler, err := newSite(ctx, siteParts{st: st, eng: eng, gaz: gaz, basemap: basemap, helpNow: helpNow, feeds: feeds, demand: demand}, logger, opts)
	if err != nil {
		return err
	}
	return serveHTTP(ctx, e, handler, opts, logger)
}

func parseServeFlags(e *env, args []string) (serveOptions, error) {
	fs := newFlags(e, "serve", "serve [--addr 127.0.0.1:8080] [--data ./var] [--no-sample] [--units miles|km] [--tls-cert FILE --tls-key FILE]\n"+
		"             [--base-url URL] [--trusted-proxy CIDR ...] [--smtp smtp://user:password@host:port --mail-from ADDRESS] [--remind-after 6mo]\n"+
		"             [--gap-miles 3] [--primary URL]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dataDir := dataFlag(fs, e)
	noSample := fs.Bool("no-sample", false, "do not load the sample directory into an empty store")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM); needs --tls-key")
	tlsKey := fs.String("tls-key", "", "private key (PEM) for --tls-cert")
	mf := addMailFlags(fs, e)
	unitsFlag := fs.String("units", "miles", "how the site writes distances and reads its radius: miles or km (the API keeps metres)")
	baseURL := fs.String("base-url", e.getenv("SIGNPOST_BASE_URL"), "the address people reach the site at, such as https://signpost.example; every absolute link\n(share links, the API's, e-mails') starts with it (env SIGNPOST_BASE_URL)")
	gapMiles := fs.Float64("gap-miles", 3, "a postcode district with no in-person activity for a need within this many miles of its\ncentre is a provision gap (the insight pages and /api/v1/insights/gaps)")
	var proxies []string
	if v := e.getenv("SIGNPOST_TRUSTED_PROXY"); v != "" {
		proxies = append(proxies, v)
	}
	fs.Func("trusted-proxy", "a reverse proxy (address or CIDR range, repeatable or comma-separated) whose X-Forwarded-For\nnames the client for the sign-in and other limits (env SIGNPOST_TRUSTED_PROXY)", func(v string) error {
		proxies = append(proxies, v)
		return nil
	})
	primaryFlag := fs.String("primary", e.getenv("SIGNPOST_PRIMARY"), "make this server a follower of the primary at URL: sign-in, the provider and admin areas, lists\nand every POST are redirected there (env SIGNPOST_PRIMARY; README, \"Followers\")")
	if err := parseNoArgs(fs, args); err != nil {
		return serveOptions{}, err
	}
	primary, err := parsePrimary(*primaryFlag, *baseURL)
	if err != nil {
		return serveOptions{}, err
	}
	csrfKey, err := parseCSRFKey(e.getenv("SIGNPOST_CSRF_KEY"))
	if err != nil {
		return serveOptions{}, err
	}
	trusted, err := web.ParseTrustedProxies(proxies)
	if err != nil {
		return serveOptions{}, fmt.Errorf("--trusted-proxy: %w", err)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return serveOptions{}, errors.New("--tls-cert and --tls-key go together")
	}
	if !(*gapMiles > 0 && *gapMiles <= 100) {
		return serveOptions{}, fmt.Errorf("--gap-miles: %g is not a distance from 0 to 100 miles", *gapMiles)
	}
	units, err := engine.ParseUnits(*unitsFlag)
	if err != nil {
		return serveOptions{}, fmt.Errorf("--units: %w", err)
	}
	site, err := origin.New(*baseURL, *addr, *tlsCert != "")
	if err != nil {
		return serveOptions{}, fmt.Errorf("--base-url: %w", err)
	}
	if err := mf.check(site.BaseURL()); err != nil {
		return serveOptions{}, err
	}
	return serveOptions{addr: *addr, dataDir: *dataDir, noSample: *noSample, tlsCert: *tlsCert, tlsKey: *tlsKey,
		mail: mf, units: units, trustedProxies: trusted, site: site, gapMiles: *gapMiles, primary: primary, csrfKey: csrfKey}, nil
}

// siteParts are what the site and the API are wired over.
type siteParts struct {
	st      *directory.Store
	eng     *engine.Engine
	gaz     *directory.Gazetteer
	basemap *directory.Basemap
	// helpNow is the urgent-help page's Markdown.
	helpNow string
	// feeds syncs followed feeds; the admin page confirms through it too.
	feeds *feed.Syncer
	// demand counts unmet demand, flushed by its Run loop.
	demand *engine.DemandCounter
}

// newSite wires the site and the API over the store and the engine.
func newSite(ctx context.Context, p siteParts, logger *slog.Logger, opts serveOptions) (http.Handler, error) {
	st, eng, gaz := p.st, p.eng, p.gaz
	apiHandler, err := api.New(api.Config{Engine: eng, Store: st, Gazetteer: gaz, Logger: logger, Origin: opts.site, Provision: eng})
	if err != nil {
		return nil, err
	}
	csrfKey, err := csrfSecret(ctx, st, opts.csrfKey)
	if err != nil {
		return nil, err
	}
	deviceKey, err := st.Secret(ctx, "device")
	if err != nil {
		return nil, err
	}
	feeds := p.feeds
	if feeds == nil {
		feeds = feed.New(st, feed.Options{Logger: logger})
	}
	return web.New(web.Config{
		Engine: eng, Store: st, Gazetteer: gaz, API: apiHandler, Logger: logger,
		Demand: p.demand, Insights: st, Provision: eng, GapMiles: opts.gapMiles,
		Accounts: st, Provider: st, Admin: st, Shortlists: st,
		Outcomes: st,
		Feeds:    feeds,
		CSRFKey:  csrfKey, DeviceKey: deviceKey, Origin: opts.site,
		Basemap: p.basemap, MapPlaces: gaz.Places(),
		Mail: st, MailRelay: *opts.mail.smtp != "",
		HelpNow: p.helpNow, Units: opts.units, Crisis: eng,
		TrustedProxies: opts.trustedProxies, Primary: opts.primary,
	})
}

// serveHTTP listens and serves handler until ctx ends, then lets requests
// in flight finish.
func serveHTTP(ctx context.Context, e *env, handler http.Handler, opts serveOptions, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if opts.tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "Signpost is serving on %s://%s (Ctrl-C to stop)\n", scheme, ln.Addr())
	warnWithoutBaseURL(e.stderr, opts)
	errc := make(chan error, 1)
	go func() {
		if opts.tlsCert != "" {
			errc <- srv.ServeTLS(ln, opts.tlsCert, opts.tlsKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Let in-flight requests finish before the store closes.
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	logger.Info("shutting down")
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// warnWithoutBaseURL says when other machines can reach the server but no
// --base-url says how: absolute links then name the listen address (or
// localhost), which may not be the address people use.
func warnWithoutBaseURL(w io.Writer, opts serveOptions) {
	if opts.site.BaseURL() == "" && opts.site.ListensBeyondLoopback() {
		fmt.Fprintf(w, "Warning: --base-url is not set, and %s can be reached from other machines. Share links and other\n"+
			"absolute links will start %s; set --base-url (or SIGNPOST_BASE_URL) to the address people use.\n", opts.addr, opts.site.URL(nil))
	}
}

// loadSample fills an empty store with the embedded sample directory, so a
// first `make run` has something to show.
func loadSample(ctx context.Context, st *directory.Store, e *env) error {
	n, err := st.CountServices(ctx)
	if err != nil || n > 0 {
		return err
	}
	fmt.Fprintln(e.stderr, "The store is empty: loading the sample directory (use --no-sample to start empty).")
	rep, err := hsds.Import(ctx, st, "sample directory", func() (*hsds.Reader, error) {
		return hsds.NewReader(data.SampleServices()), nil
	}, hsds.ImportOptions{Actor: "sample", Progress: e.stderr})
	if err != nil {
		return fmt.Errorf("load the sample directory: %w (first problem: %v)", err, first(rep.Problems))
	}
	fmt.Fprintf(e.stderr, "Loaded %d sample activities.\n", rep.Written)
	return nil
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}
