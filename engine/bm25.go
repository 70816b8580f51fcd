package engine

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// bm25Stats keeps the statistics BM25 scores with: the number of
// documents and, per field, the number of distinct terms, which Bleve
// divides by the documents for its "average document length".
//
// Left to itself, Bleve reads the distinct terms of each index segment
// and adds them up, so a term in three segments counts three times: the
// same listings scored differently depending on how the index happened to
// be split into segments, which changes as background merges run and, when
// two indexers build side by side, with timing (the same index ranked a
// query differently before and after a restart). Counting each term once,
// over the whole index, gives what a fully merged index would: the scores
// follow the content, not its layout.
//
// Counting walks every field's term dictionary, so the figures are kept
// until the indexed words change: writes counts those changes (see
// changed), and figures read from a reader opened after a count was read
// are kept under that count.
type bm25Stats struct {
	writes atomic.Uint64
	// kept is the last figures counted, read without a lock by every
	// search; mu lets one search count at a time.
	kept atomic.Pointer[keptBM25]
	mu   sync.Mutex
}

type keptBM25 struct {
	at    uint64
	stats *search.BM25Stats
}

// bm25Fields are the fields a text query searches (fieldWords is for
// spelling, never scored).
var bm25Fields = []string{fieldName, fieldBody}

// changed says the indexed words changed: the next search counts again.
func (b *bm25Stats) changed() { b.writes.Add(1) }

// of returns the statistics for a reader opened after writes read gen.
func (b *bm25Stats) of(r index.IndexReader, gen uint64) (*search.BM25Stats, error) {
	if k := b.kept.Load(); k != nil && k.at == gen {
		return k.stats, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if k := b.kept.Load(); k != nil && k.at == gen {
		return k.stats, nil
	}
	st, err := countBM25(r)
	if err != nil {
		return nil, err
	}
	b.kept.Store(&keptBM25{at: gen, stats: st})
	return st, nil
}

func countBM25(r index.IndexReader) (*search.BM25Stats, error) {
	docs, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("bm25 statistics: %w", err)
	}
	st := &search.BM25Stats{DocCount: float64(docs), FieldCardinality: make(map[string]int, len(bm25Fields))}
	for _, f := range bm25Fields {
		d, err := r.FieldDict(f)
		if err != nil {
			return nil, fmt.Errorf("bm25 statistics: field %s: %w", f, err)
		}
		n := 0
		for {
			e, err := d.Next()
			if err != nil {
				d.Close()
				return nil, fmt.Errorf("bm25 statistics: field %s: %w", f, err)
			}
			if e == nil {
				break
			}
			n++
		}
		if err := d.Close(); err != nil {
			return nil, fmt.Errorf("bm25 statistics: field %s: %w", f, err)
		}
		st.FieldCardinality[f] = n
	}
	return st, nil
}
