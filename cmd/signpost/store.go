package main

import (
	"fmt"
	"os"
	"path/filepath"

	"signpost/directory"
)

// openStore opens (creating if need be) the store in the data folder.
func openStore(dataDir string) (*directory.Store, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return directory.Open(filepath.Join(dataDir, "signpost.db"))
}

// indexDir is where the search index lives beside the store.
func indexDir(dataDir string) string { return filepath.Join(dataDir, "index") }
