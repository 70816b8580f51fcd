package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"signpost/directory"
)

func runCompact(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "compact", "compact [--data ./var]\n\n"+
		"Gives the store's free space back to the disk. The store's file never\n"+
		"shrinks by itself: space freed by deleted records or an interrupted\n"+
		"import is reused, not returned. compact copies the live data into a\n"+
		"new file beside signpost.db and swaps it in; a crash part-way leaves\n"+
		"the old file untouched. Stop the server first: the store can be open\n"+
		"in one process only. 'signpost check' says when compacting is worth it.")
	dataDir := dataFlag(fs, e)
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	path := filepath.Join(*dataDir, "signpost.db")
	// Opening a missing store would create an empty one.
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no store to compact: %w", err)
	}
	fmt.Fprintf(e.stderr, "compact: copying the live data of %s\n", path)
	res, err := directory.Compact(ctx, path, func(written int64) {
		fmt.Fprintf(e.stderr, "compact: %s written\n", megabytes(written))
	})
	if errors.Is(err, directory.ErrInUse) {
		return errors.New("refused: the store is open in another process, probably 'signpost serve'; " +
			"stop the server, then run compact again ('signpost backup' works while it runs)")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "compact: %s → %s (%s given back)\n",
		megabytes(res.Before), megabytes(res.After), megabytes(max(res.Before-res.After, 0)))
	return nil
}

// compactWorthIt is when check suggests compacting: most of the file free,
// and enough of it to matter on a disk.
func compactWorthIt(sp directory.Space) bool {
	return sp.FreeShare() >= 0.5 && sp.FreeBytes >= 8_000_000
}

// spaceLine is check's report of the store file.
func spaceLine(sp directory.Space) string {
	line := fmt.Sprintf("store file: %s, %.0f%% free space", megabytes(sp.FileBytes), 100*sp.FreeShare())
	if compactWorthIt(sp) {
		line += " — run 'signpost compact' with the server stopped"
	}
	return line
}

// megabytes writes a size the way a person reads it.
func megabytes(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
