package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"signpost/data"
	"signpost/directory"
	"signpost/directory/hsds"
	"signpost/engine"
	"signpost/web"
	"signpost/web/api"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "serve [--addr 127.0.0.1:8080] [--data ./var] [--no-sample] [--tls-cert FILE --tls-key FILE]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dataDir := dataFlag(fs, e)
	noSample := fs.Bool("no-sample", false, "do not load the sample directory into an empty store")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM); needs --tls-key")
	tlsKey := fs.String("tls-key", "", "private key (PEM) for --tls-cert")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))

	st, err := openStore(*dataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if !*noSample {
		if err := loadSample(ctx, st, e); err != nil {
			return err
		}
	}
	closeControl, err := serveControl(*dataDir, st, logger)
	if err != nil {
		return err
	}
	defer closeControl()
	gaz, err := loadReplaceable(*dataDir, data.GazetteerFile, logger, directory.LoadGazetteer)
	if err != nil {
		return err
	}
	vocab, err := loadReplaceable(*dataDir, data.EverydayPhrasesFile, logger, engine.ParseVocabulary)
	if err != nil {
		return err
	}
	crisis, err := loadReplaceable(*dataDir, data.CrisisPhrasesFile, logger, engine.ParseCrisisPhrases)
	if err != nil {
		return err
	}
	eng, err := engine.Open(indexDir(*dataDir), st, engine.WithLogger(logger), engine.WithProgress(e.stderr),
		engine.WithVocabulary(vocab), engine.WithCrisisPhrases(crisis))
	if err != nil {
		return err
	}
	defer eng.Close()
	st.Watch(func(ch directory.Change) {
		if err := eng.Apply(context.Background(), ch); err != nil {
			logger.Error("index update failed; the next start will rebuild", "generation", ch.Generation, "err", err)
		}
	})

	apiHandler, err := api.New(api.Config{Engine: eng, Store: st, Gazetteer: gaz, Logger: logger})
	if err != nil {
		return err
	}
	csrfKey, err := st.Secret(ctx, "csrf")
	if err != nil {
		return err
	}
	handler, err := web.New(web.Config{
		Engine: eng, Store: st, Editorial: st, Gazetteer: gaz, API: apiHandler, Logger: logger,
		CSRFKey: csrfKey, HTTPS: *tlsCert != "",
	})
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
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
	if *tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.stderr, "Signpost is serving on %s://%s (Ctrl-C to stop)\n", scheme, ln.Addr())
	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
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
