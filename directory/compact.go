package directory

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.etcd.io/bbolt"
)

// bbolt never shrinks its file: pages freed by a deleted record, a rolled
// back import or an import's finished undo journal are reused by later
// writes but never given back to the disk. Compaction copies the live data
// into a fresh file and swaps it in.

// Space is how much of the store's file holds data.
type Space struct {
	FileBytes int64
	// FreeBytes are pages allocated in the file that hold nothing: only
	// compaction gives them back.
	FreeBytes int64
}

// FreeShare is the free part of the file, from 0 to 1.
func (sp Space) FreeShare() float64 {
	if sp.FileBytes <= 0 {
		return 0
	}
	return float64(sp.FreeBytes) / float64(sp.FileBytes)
}

// Space reports the file's size and how much of it is free.
func (s *Store) Space(ctx context.Context) (Space, error) {
	fi, err := os.Stat(s.Path())
	if err != nil {
		return Space{}, fmt.Errorf("store size: %w", err)
	}
	var used int64
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		st := s.db.Stats()
		// tx.Size is the high-water mark of pages ever used; what lies
		// beyond it was allocated ahead by the file's growth.
		used = tx.Size() - int64(st.FreePageN+st.PendingPageN)*int64(s.db.Info().PageSize)
		return nil
	})
	if err != nil {
		return Space{}, fmt.Errorf("store size: %w", err)
	}
	return Space{FileBytes: fi.Size(), FreeBytes: max(fi.Size()-used, 0)}, nil
}

// CompactResult is what Compact did.
type CompactResult struct {
	Before, After int64 // file sizes in bytes
}

// compactTxBytes bounds each transaction of the copy, so memory stays flat
// however large the store.
const compactTxBytes = 8 << 20

// Compact rewrites the store at path without its free pages: the live data
// is copied into a new file beside it, synced, and renamed over the store,
// so a crash at any moment leaves either the old file or the new one in
// place, never a mixture. It holds the store's lock throughout, so it fails
// with an error wrapping ErrInUse while a server has the store open.
// progress, when not nil, hears how many bytes the new file holds, about
// twice a second.
func Compact(ctx context.Context, path string, progress func(written int64)) (CompactResult, error) {
	src, err := Open(path)
	if err != nil {
		return CompactResult{}, err
	}
	defer src.Close()
	before, err := os.Stat(path)
	if err != nil {
		return CompactResult{}, fmt.Errorf("compact: %w", err)
	}

	tmp := path + ".compact"
	// A leftover from an interrupted compaction holds nothing we need, and
	// bbolt would open it as it is.
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return CompactResult{}, fmt.Errorf("compact: %w", err)
	}
	if err := copyLive(ctx, src, tmp, progress); err != nil {
		os.Remove(tmp)
		return CompactResult{}, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return CompactResult{}, fmt.Errorf("compact %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return CompactResult{}, fmt.Errorf("compact %s: the new file is in place, but the folder could not be synced: %w", path, err)
	}
	after, err := os.Stat(path)
	if err != nil {
		return CompactResult{}, fmt.Errorf("compact: %w", err)
	}
	return CompactResult{Before: before.Size(), After: after.Size()}, nil
}

// copyLive writes src's live data into a new bbolt file at tmp and syncs it.
func copyLive(ctx context.Context, src *Store, tmp string, progress func(int64)) error {
	// Each transaction of the copy need not reach the disk: one sync at
	// the end makes the whole file durable before it is renamed into place.
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{NoSync: true, NoGrowSync: true})
	if err != nil {
		return err
	}
	stop := reportSize(tmp, progress)
	err = bbolt.Compact(dst, src.db, compactTxBytes)
	stop()
	if err == nil {
		// The copy cannot be interrupted part-way; a cancel is honoured
		// before the swap, which is the step that matters.
		err = ctx.Err()
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}

// reportSize calls progress with the size of the file at path until the
// returned func is called.
func reportSize(path string, progress func(int64)) (stop func()) {
	if progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if fi, err := os.Stat(path); err == nil {
					progress(fi.Size())
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
