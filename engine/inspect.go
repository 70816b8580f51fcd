package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// ErrNoIndex means there is no search index in the folder yet.
var ErrNoIndex = errors.New("no search index")

// Inspect compares the index in dir with the store without changing either:
// unlike Open, it never rebuilds, so `signpost check` can say what drifted.
// The table is not loaded (Open reads it from the store, or from a
// snapshot of the store's current generation), so the report counts it as
// the store's.
func Inspect(ctx context.Context, dir string, src Source) (Report, error) {
	var r Report
	if !hasIndex(dir) {
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
	if r, err = compare(ctx, src, ti); err != nil {
		return r, fmt.Errorf("inspect: %w", err)
	}
	r.TableCount = r.StoreCount
	return r, nil
}
