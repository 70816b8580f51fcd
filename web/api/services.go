package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/engine"
)

// runFunc is Searcher.Search or Searcher.Match.
type runFunc func(ctx context.Context, q engine.Query) (*engine.Results, error)

// ranked returns the matches at positions [off, off+n) of the ranked list,
// and the total. The engine's pages are smaller than the API's may be, so
// a page of the API is gathered from up to three of the engine's.
func ranked(ctx context.Context, run runFunc, q engine.Query, off, n int) ([]engine.Result, int, error) {
	// off is a multiple of n, so when n fits one engine page the API's page
	// is exactly one of the engine's.
	size := min(n, engine.MaxSize)
	var out []engine.Result
	total := 0
	for page := off/size + 1; ; page++ {
		q.Page, q.Size = page, size
		res, err := run(ctx, q)
		if err != nil {
			return nil, 0, err
		}
		total = res.Total
		start := (page - 1) * size
		for i, item := range res.Items {
			if at := start + i; at >= off && at < off+n {
				out = append(out, item)
			}
		}
		if len(res.Items) < size || start+size >= off+n {
			return out, total, nil
		}
	}
}

// eachRanked calls fn for every match in rank order, one engine page at a
// time. A write between two pages may shift the order; a client wanting a
// consistent snapshot uses the ETag to notice.
func eachRanked(ctx context.Context, run runFunc, q engine.Query, fn func(engine.Result) error) error {
	for page := 1; ; page++ {
		q.Page, q.Size = page, engine.MaxSize
		res, err := run(ctx, q)
		if err != nil {
			return err
		}
		for _, item := range res.Items {
			if err := fn(item); err != nil {
				return err
			}
		}
		if len(res.Items) < engine.MaxSize || page*engine.MaxSize >= res.Total {
			return nil
		}
	}
}

// pageOfMatches answers one page of a search or match, each result drawn by
// render. With post-filters the engine's total is not the answer's, so
// every match is read, counted and the page kept.
func pageOfMatches[T any](ctx context.Context, run runFunc, q *serviceQuery, render func(engine.Result) T) (Page[T], error) {
	p := q.paging
	// Every engine page of one query says the same of its words: keep the
	// first for the envelope.
	var interp *engine.Interpreted
	inner := run
	run = func(ctx context.Context, eq engine.Query) (*engine.Results, error) {
		res, err := inner(ctx, eq)
		if err == nil && interp == nil {
			interp = res.Interpreted
		}
		return res, err
	}
	if !q.needsPostFilter() {
		results, total, err := ranked(ctx, run, q.engine, p.Offset(), p.PerPage)
		if err != nil {
			return Page[T]{}, err
		}
		items := make([]T, len(results))
		for i, r := range results {
			items[i] = render(r)
		}
		page := newPage(items, total, p)
		page.Interpreted = interp
		return page, nil
	}
	var items []T
	total := 0
	err := eachRanked(ctx, run, q.engine, func(r engine.Result) error {
		if !q.keep(r.Service) {
			return nil
		}
		if total >= p.Offset() && len(items) < p.PerPage {
			items = append(items, render(r))
		}
		total++
		return nil
	})
	page := newPage(items, total, p)
	page.Interpreted = interp
	return page, err
}

// listServices answers GET /services.
func (s *server) listServices(w http.ResponseWriter, r *http.Request) error {
	q, err := s.parseServiceQuery(r.Context(), r.URL.Query())
	if err != nil {
		return err
	}
	if q.ndjson {
		return s.streamServices(w, r, &q)
	}
	page, err := pageOfMatches(r.Context(), s.search.Search, &q, func(res engine.Result) any {
		return q.shape.render(res.Service)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}

// ndjsonFlushEvery is how many lines go out between flushes: often enough
// that a client sees progress, rarely enough to keep syscalls cheap.
const ndjsonFlushEvery = 256

// streamStallLimit is how long a stream waits for a client to take one
// batch of lines before giving up on it.
const streamStallLimit = 30 * time.Second

// streamServices answers format=ndjson: every match, one JSON service per
// line, with no paging and without holding the list. Without words the
// store is streamed in id order through the same filters the engine
// applies; with words the engine's ranking decides which services match,
// so its pages are walked in rank order.
func (s *server) streamServices(w http.ResponseWriter, r *http.Request, q *serviceQuery) error {
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	// The store's read transaction stays open while the stream runs, so a
	// client that stops reading must not hold it for ever: each batch of
	// lines must be taken within streamStallLimit.
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(streamStallLimit))
	// The connection may serve further requests; they get no deadline.
	defer rc.SetWriteDeadline(time.Time{})
	n := 0
	emit := func(svc *directory.Service) error {
		if !q.keep(svc) {
			return nil
		}
		if err := enc.Encode(q.shape.render(svc)); err != nil {
			return err
		}
		if n++; n%ndjsonFlushEvery == 0 {
			// Not every writer supports deadlines or flushing; the stream
			// works without them, only less promptly.
			_ = rc.SetWriteDeadline(time.Now().Add(streamStallLimit))
			if err := bw.Flush(); err != nil {
				return err
			}
			_ = rc.Flush()
		}
		return nil
	}
	var err error
	if q.engine.Text == "" {
		err = s.listings.EachService(r.Context(), func(svc *directory.Service) error {
			if !matchesFilters(&q.engine, svc) {
				return nil
			}
			return emit(svc)
		})
	} else {
		err = eachRanked(r.Context(), s.search.Search, q.engine, func(res engine.Result) error {
			return emit(res.Service)
		})
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// getService answers GET /services/{id}: the fully nested service.
func (s *server) getService(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	svc, err := s.listings.Service(r.Context(), id)
	if errors.Is(err, directory.ErrNotFound) {
		return notFound("service", id)
	}
	if err != nil {
		return err
	}
	if svc.Source != nil {
		// A feed's listing says what its syncs changed, after whatever
		// history the feed's own record carried.
		md, err := s.listings.FeedMetadata(r.Context(), id)
		if err != nil {
			return err
		}
		svc.Metadata = append(svc.Metadata, md...)
	}
	return writeJSON(w, http.StatusOK, svc)
}

// organizationServices returns the services of one organization in the
// given shape, in the engine's order (best first, then by name).
func (s *server) organizationServices(r *http.Request, orgID string, shape serviceShape) ([]directory.Service, error) {
	var out []directory.Service
	err := eachRanked(r.Context(), s.search.Search, engine.Query{OrganizationID: orgID}, func(res engine.Result) error {
		switch shape {
		case shapeFull:
			out = append(out, *res.Service)
		default:
			out = append(out, *listService(res.Service))
		}
		return nil
	})
	return out, err
}
