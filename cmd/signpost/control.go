package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"signpost/directory"
)

// The control socket lets commands reach a running server's store: bbolt
// lets one process open the file, so `signpost backup` asks the server for
// a consistent copy instead. It is a Unix socket in the data folder, so only
// users who can read the store can use it.
func controlSocket(dataDir string) string { return filepath.Join(dataDir, "control.sock") }

// serveControl answers GET /backup with a hot copy of the store until the
// returned func closes it.
func serveControl(dataDir string, st *directory.Store, logger *slog.Logger) (func(), error) {
	path := controlSocket(dataDir)
	// The caller holds the store's lock, so a socket already here was left
	// by a server that crashed and nothing listens on it.
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := st.Backup(r.Context(), w); err != nil {
			logger.Error("backup over the control socket failed", "err", err)
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return func() {
		srv.Close()
		os.Remove(path)
	}, nil
}

// backupFromServer asks a running server for a copy of its store.
func backupFromServer(ctx context.Context, dataDir, dest string) (int64, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", controlSocket(dataDir))
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://signpost/backup", nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("the store is in use and the server's control socket did not answer: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("the server refused the backup: %s", resp.Status)
	}
	tmp := dest + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(f, resp.Body)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// A copy that does not open as a store is no backup.
		err = verifyBackup(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, dest)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("backup to %s: %w", dest, err)
	}
	return n, nil
}

func verifyBackup(path string) error {
	st, err := directory.Open(path)
	if err != nil {
		return fmt.Errorf("the copy does not open: %w", err)
	}
	return st.Close()
}
