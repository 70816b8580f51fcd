package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"signpost/data"
	"signpost/directory"
)

// customDir is where a deployment puts its own copies of the files data/
// embeds for the sample region (DESIGN.md, "Files a deployment replaces").
func customDir(dataDir string) string { return filepath.Join(dataDir, "custom") }

// loadReplaceable parses one replaceable file: <data dir>/custom/<name>
// when the deployment put one there, otherwise the embedded default. It
// logs which, so that an operator can tell their file was picked up, and a
// file that fails to parse is an error naming its path (the parser names
// the line).
func loadReplaceable[T any](dataDir, name string, logger *slog.Logger, parse func(io.Reader) (T, error)) (T, error) {
	var zero T
	path := filepath.Join(customDir(dataDir), name)
	f, err := os.Open(path)
	switch {
	case err == nil:
		defer f.Close()
		v, err := parse(f)
		if err != nil {
			return zero, fmt.Errorf("%s: %w", path, err)
		}
		logger.Info("using the deployment's file", "file", name, "path", path)
		return v, nil
	case !errors.Is(err, fs.ErrNotExist):
		return zero, fmt.Errorf("open %s: %w", path, err)
	}
	r, ok := data.Default(name)
	if !ok {
		return zero, fmt.Errorf("%s has no embedded default", name)
	}
	v, err := parse(r)
	if err != nil {
		return zero, fmt.Errorf("embedded %s: %w", name, err)
	}
	logger.Info("using the embedded default", "file", name, "custom", path)
	return v, nil
}

// loadBasemap reads the land (basemap.geojson) and the names of the waters
// (water-names.csv), each the deployment's own or the embedded default.
func loadBasemap(dataDir string, logger *slog.Logger) (*directory.Basemap, error) {
	land, err := loadReplaceable(dataDir, data.BasemapFile, logger, io.ReadAll)
	if err != nil {
		return nil, err
	}
	names, err := loadReplaceable(dataDir, data.WaterNamesFile, logger, io.ReadAll)
	if err != nil {
		return nil, err
	}
	b, err := directory.LoadBasemap(bytes.NewReader(land), bytes.NewReader(names))
	if err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	return b, nil
}

// readText reads a replaceable file that is used as it is, such as the
// urgent-help page's Markdown.
func readText(r io.Reader) (string, error) {
	b, err := io.ReadAll(r)
	return string(b), err
}
