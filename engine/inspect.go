package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/blevesearch/bleve/v2"

	"signpost/directory"
)

// ErrNoIndex means there is no search index in the folder yet.
var ErrNoIndex = errors.New("no search index")

// Inspect compares the index in dir with the store without changing either:
// unlike Open, it never rebuilds, so `signpost check` can say what drifted.
// The table is not loaded (it is always built from the store on Open), so
// the report counts it as the store's.
func Inspect(ctx context.Context, dir string, src Source) (Report, error) {
	var r Report
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); errors.Is(err, os.ErrNotExist) {
		return r, fmt.Errorf("inspect %s: %w", dir, ErrNoIndex)
	}
	idx, err := bleve.Open(dir)
	if err != nil {
		return r, fmt.Errorf("inspect %s: the index does not open: %w", dir, err)
	}
	defer idx.Close()
	ti, err := newTextIndex(idx)
	if err != nil {
		return r, fmt.Errorf("inspect %s: %w", dir, err)
	}
	if r.StoreGeneration, err = src.Generation(ctx); err != nil {
		return r, fmt.Errorf("inspect: read store generation: %w", err)
	}
	if r.IndexGeneration, _, err = ti.recorded(); err != nil {
		return r, fmt.Errorf("inspect: %w", err)
	}
	var storeIDs []string
	err = src.EachService(ctx, func(s *directory.Service) error {
		storeIDs = append(storeIDs, s.ID)
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("inspect: read services: %w", err)
	}
	slices.Sort(storeIDs)
	indexIDs, err := ti.allIDs()
	if err != nil {
		return r, fmt.Errorf("inspect: %w", err)
	}
	r.StoreCount, r.IndexCount, r.TableCount = len(storeIDs), len(indexIDs), len(storeIDs)
	r.Missing, r.Extra = diffSorted(storeIDs, indexIDs)
	return r, nil
}
