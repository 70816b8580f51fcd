package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"signpost/directory"
)

// Engine answers searches and matches over the store's published services.
// It is safe for concurrent use.
type Engine struct {
	dir string
	src Source
	cfg config

	// writeMu serialises the writers: Apply and Rebuild.
	writeMu sync.Mutex

	// stateMu guards the swap of text and tab by Rebuild. Queries hold it
	// for reading for their whole run, so a rebuild never closes an index
	// under a running query.
	stateMu sync.RWMutex
	text    *textIndex
	tab     *table
	// gen is the store generation the index and table reflect. Written
	// under writeMu; read by queries to key the text cache.
	gen atomic.Uint64
	// textGen counts the changes to the text index's documents (and table
	// swaps), and keys the text cache: cached hits stay valid across writes
	// that change no indexed word. Bumped after the change is in both the
	// index and the table.
	textGen  atomic.Uint64
	cache    *textCache
	svcCache *serviceCache
	// prov holds the last Provision, recomputed when listings change.
	prov provisionCache
}

// config is what the options set.
type config struct {
	logger   *slog.Logger
	progress io.Writer
	now      func() time.Time
	// waters, when set, tells which straight lines cross an estuary.
	waters Waters
	// units are how reasons write distances ("2.5 miles away").
	units Units
	// batch is how many services go into one Bleve batch when rebuilding.
	// Bigger batches make fewer segments to merge: 10,000 rebuilt 100k
	// services in 60% of the time 2,000 took, with no higher peak memory.
	batch int
	// rename and openIndex are the file operations of a rebuild's swap;
	// tests replace them to make the swap fail part-way.
	rename    func(oldpath, newpath string) error
	openIndex func(path string) (bleve.Index, error)
	// vocab and crisis are the text pipeline's data (nil: none).
	vocab  *Vocabulary
	crisis *CrisisPhrases
	// districts are the gazetteer's postcode districts (WithDistricts).
	districts []directory.Place
	// rebuild, when set, makes Open rebuild even a current index, under
	// this context.
	rebuild context.Context
}

// Option changes how Open behaves.
type Option func(*config)

// WithLogger sends the engine's log lines (rebuild started and done, why)
// to l. The default discards them.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithProgress writes rebuild progress lines to w (the CLI passes stderr).
func WithProgress(w io.Writer) Option { return func(c *config) { c.progress = w } }

// WithVocabulary gives the everyday phrases typed words are read through
// (ParseVocabulary). Without it, words match only as written.
func WithVocabulary(v *Vocabulary) Option { return func(c *config) { c.vocab = v } }

// WithCrisisPhrases gives the crisis language Crisis and the results'
// Interpreted.Crisis look for (ParseCrisisPhrases). Without it nothing is
// recognised, so every deployment passes one.
func WithCrisisPhrases(p *CrisisPhrases) Option { return func(c *config) { c.crisis = p } }

// WithRebuild makes Open build the index afresh even when the one in dir
// is current (`signpost reindex`), instead of opening it and then
// rebuilding, which at a million services read the store twice over.
// Cancelling ctx stops the rebuild.
func WithRebuild(ctx context.Context) Option { return func(c *config) { c.rebuild = ctx } }

// WithClock sets the clock used to judge whether a listing's assurance is
// out of date (tests pin it).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithUnits sets how reasons write distances: "2.5 miles away" (Miles,
// the default) or "4.0 km away". Distances in numbers (Result.DistanceM)
// stay in metres.
func WithUnits(u Units) Option { return func(c *config) { c.units = u } }

// Open opens the text index in dir and loads the filter table from src. The
// index is rebuilt from src when it is missing, unreadable, written by a
// different mapping, or recorded a generation other than the store's.
// dir must be the engine's own folder: Open refuses to replace a non-empty
// folder that does not hold a Bleve index.
func Open(dir string, src Source, opts ...Option) (*Engine, error) {
	cfg := config{
		logger:   slog.New(slog.DiscardHandler),
		progress: io.Discard,
		now:      time.Now,
		batch:    10000,

		rename:    os.Rename,
		openIndex: openServing,
	}
	for _, o := range opts {
		o(&cfg)
	}
	e := &Engine{dir: dir, src: src, cfg: cfg, cache: newTextCache(textCacheSize), svcCache: newServiceCache(serviceCacheSize)}
	ctx := context.Background()

	gen, err := src.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("open engine: read store generation: %w", err)
	}
	reason := "a rebuild was asked for"
	if cfg.rebuild != nil {
		ctx = cfg.rebuild
	} else if reason, err = e.openExisting(ctx, gen); err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	if reason == "" {
		return e, nil
	}
	cfg.logger.Info("rebuilding the search index", "dir", dir, "reason", reason)
	fmt.Fprintf(cfg.progress, "search index: rebuilding (%s)\n", reason)
	if err := e.Rebuild(ctx); err != nil {
		return nil, fmt.Errorf("open engine: %w", err)
	}
	return e, nil
}

// openExisting opens the index in dir and, when it is current, loads the
// table. It returns why a rebuild is needed, or "" when none is.
func (e *Engine) openExisting(ctx context.Context, storeGen uint64) (string, error) {
	if !hasIndex(e.dir) {
		return "no index in " + e.dir, nil
	}
	idx, err := openServing(e.dir)
	if err != nil {
		return fmt.Sprintf("the index could not be opened: %v", err), nil
	}
	ti, err := newTextIndex(idx)
	if err != nil {
		idx.Close()
		return "", err
	}
	gen, schema, err := ti.recorded()
	switch {
	case err != nil:
		idx.Close()
		return fmt.Sprintf("the index is unreadable: %v", err), nil
	case schema != textSchema:
		idx.Close()
		return fmt.Sprintf("the index was built by another version (%q)", schema), nil
	case gen != storeGen:
		idx.Close()
		return fmt.Sprintf("the index is at generation %d, the store at %d", gen, storeGen), nil
	}
	tab, err := readSnapshot(e.dir, storeGen)
	if err != nil {
		if !errors.Is(err, errStaleSnapshot) {
			e.cfg.logger.Warn("reading the table from the store instead", "err", err)
		}
		if tab, err = e.loadTable(ctx); err != nil {
			idx.Close()
			return "", err
		}
	}
	e.text, e.tab = ti, tab
	e.gen.Store(storeGen)
	return "", nil
}

// loadTable reads the table from the store.
func (e *Engine) loadTable(ctx context.Context) (*table, error) {
	tab := newTable()
	var rows []row
	err := e.src.EachService(ctx, func(s *directory.Service) error {
		rows = append(rows, makeRow(s, textDoc(s)))
		if len(rows) == 4096 {
			tab.apply(rows, nil)
			rows = rows[:0]
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load services: %w", err)
	}
	tab.apply(rows, nil)
	return tab, nil
}

// Close saves the table beside the index, for a quick next start, and
// closes the index.
func (e *Engine) Close() error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	if e.text == nil {
		return nil
	}
	snapErr := writeSnapshot(e.dir, e.tab, e.gen.Load())
	err := e.text.idx.Close()
	e.text = nil
	if err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	if snapErr != nil {
		return fmt.Errorf("close search index: %w", snapErr)
	}
	return nil
}

// Rebuild builds the text index and the table afresh from the store, in a
// new folder beside dir, and swaps them in when complete. Queries keep
// being answered from the old ones meanwhile; writes wait.
func (e *Engine) Rebuild(ctx context.Context) error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()

	start := time.Now()
	// The generation is read before the services: if a write lands in
	// between, the recorded generation is older than the content and the
	// next start rebuilds once more, which is harmless; the other order
	// could record a generation the index does not hold.
	gen, err := e.src.Generation(ctx)
	if err != nil {
		return fmt.Errorf("rebuild: read store generation: %w", err)
	}
	if err := checkOwnFolder(e.dir); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	tmp := e.dir + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("rebuild: clear %s: %w", tmp, err)
	}
	idx, err := bleve.NewUsing(tmp, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return fmt.Errorf("rebuild: create index in %s: %w", tmp, err)
	}
	tab := newTable()
	count, err := e.fill(ctx, idx, tab, gen, start)
	if err == nil {
		err = compact(ctx, idx)
	}
	if cerr := idx.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close new index: %w", cerr)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("rebuild: %w", err)
	}

	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	ti, err := e.swapIn(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("rebuild: %w", err)
	}
	e.text, e.tab = ti, tab
	e.gen.Store(gen)
	e.textGen.Add(1)
	e.svcCache.forget(nil)
	if err := writeSnapshot(e.dir, tab, gen); err != nil {
		// Only the next start's speed depends on it.
		e.cfg.logger.Warn("could not save the table", "err", err)
	}
	took := time.Since(start)
	rate := float64(count) / took.Seconds()
	fmt.Fprintf(e.cfg.progress, "search index: %d services in %s (%.0f/s)\n", count, took.Round(time.Millisecond), rate)
	e.cfg.logger.Info("search index rebuilt", "services", count, "took", took, "generation", gen)
	return nil
}

// swapIn replaces the index in dir with the complete one in fresh and
// opens it. The open index is moved aside rather than deleted until the
// new one is open: if moving or opening fails, the old one is put back and
// reopened, so the engine keeps answering as it did. The caller holds
// stateMu for writing.
func (e *Engine) swapIn(fresh string) (*textIndex, error) {
	aside := e.dir + ".old"
	if err := os.RemoveAll(aside); err != nil {
		return nil, fmt.Errorf("clear %s: %w", aside, err)
	}
	if e.text == nil {
		// Nothing is open (the first build at Open): nothing to keep.
		if err := os.RemoveAll(e.dir); err != nil {
			return nil, fmt.Errorf("remove old index %s: %w", e.dir, err)
		}
		return e.openMoved(fresh)
	}
	old := e.text
	e.text = nil
	if err := old.idx.Close(); err != nil {
		return nil, errors.Join(fmt.Errorf("close old index: %w", err), e.reopen())
	}
	if err := e.cfg.rename(e.dir, aside); err != nil {
		return nil, errors.Join(fmt.Errorf("move old index aside: %w", err), e.reopen())
	}
	ti, err := e.openMoved(fresh)
	if err != nil {
		return nil, errors.Join(err, e.putBack(aside))
	}
	if err := os.RemoveAll(aside); err != nil {
		// Only disk space is lost; the next rebuild clears it.
		e.cfg.logger.Warn("could not remove the old index", "dir", aside, "err", err)
	}
	return ti, nil
}

// openMoved moves the index in fresh into dir and opens it.
func (e *Engine) openMoved(fresh string) (*textIndex, error) {
	if err := e.cfg.rename(fresh, e.dir); err != nil {
		return nil, fmt.Errorf("move new index into %s: %w", e.dir, err)
	}
	idx, err := e.cfg.openIndex(e.dir)
	if err != nil {
		return nil, fmt.Errorf("open new index %s: %w", e.dir, err)
	}
	ti, err := newTextIndex(idx)
	if err != nil {
		idx.Close()
		return nil, err
	}
	return ti, nil
}

// putBack restores the index moved aside after a failed swap and reopens
// it.
func (e *Engine) putBack(aside string) error {
	if err := os.RemoveAll(e.dir); err != nil {
		return fmt.Errorf("restore old index: %w", err)
	}
	if err := os.Rename(aside, e.dir); err != nil {
		return fmt.Errorf("restore old index: %w", err)
	}
	return e.reopen()
}

// reopen opens the index in dir again as the engine's text index.
func (e *Engine) reopen() error {
	idx, err := openServing(e.dir)
	if err != nil {
		return fmt.Errorf("reopen old index: %w", err)
	}
	ti, err := newTextIndex(idx)
	if err != nil {
		idx.Close()
		return fmt.Errorf("reopen old index: %w", err)
	}
	e.text = ti
	return nil
}

// fill reads every service into the new index and table. Reading (the
// store decodes JSON on every core) runs alongside indexing. Two indexers
// each build and write their own batches: Bleve analyses a batch in
// parallel but builds its segment in the writing goroutine, which left a
// core idle. Which segments the index then holds depends on timing; the
// scores do not, since searches count BM25's statistics over the whole
// index (see bm25Stats).
func (e *Engine) fill(ctx context.Context, idx bleve.Index, tab *table, gen uint64, start time.Time) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A short queue: each decoded service is about 12 KB.
	svcs := make(chan *directory.Service, 256)
	var readErr error
	go func() {
		defer close(svcs)
		readErr = e.src.EachService(ctx, func(s *directory.Service) error {
			select {
			case svcs <- s:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()

	var count atomic.Int64
	var progressMu sync.Mutex
	const indexers = 2
	errs := make([]error, indexers)
	var wg sync.WaitGroup
	for w := range indexers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The indexers share the batch size, so a rebuild holds no
			// more documents in memory than one indexer did.
			size := max(1, e.cfg.batch/indexers)
			batch := idx.NewBatch()
			rows := make([]row, 0, size)
			flush := func() error {
				if err := idx.Batch(batch); err != nil {
					return fmt.Errorf("index batch: %w", err)
				}
				batch.Reset()
				tab.apply(rows, nil)
				n := count.Add(int64(len(rows)))
				if n/100_000 != (n-int64(len(rows)))/100_000 {
					progressMu.Lock()
					fmt.Fprintf(e.cfg.progress, "search index: %d services (%.0f/s)\n", n, float64(n)/time.Since(start).Seconds())
					progressMu.Unlock()
				}
				rows = rows[:0]
				return nil
			}
			var err error
			for s := range svcs {
				if err != nil {
					continue // drain until the reader sees the cancellation
				}
				doc := textDoc(s)
				if err = batch.Index(s.ID, doc); err != nil {
					err = fmt.Errorf("index service %s: %w", s.ID, err)
					cancel()
					continue
				}
				rows = append(rows, makeRow(s, doc))
				if len(rows) < size {
					continue
				}
				if err = flush(); err != nil {
					cancel()
				}
			}
			if err == nil && len(rows) > 0 {
				err = flush()
			}
			errs[w] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return int(count.Load()), err
	}
	if readErr != nil {
		return int(count.Load()), fmt.Errorf("read services: %w", readErr)
	}
	// The generation goes in last, alone: an index that holds it holds
	// every service.
	batch := idx.NewBatch()
	setRecorded(batch, gen)
	if err := idx.Batch(batch); err != nil {
		return int(count.Load()), fmt.Errorf("index batch: %w", err)
	}
	return int(count.Load()), nil
}

// compact merges the index's segments into one: a freshly built index has
// a dozen, and each costs every query 1–2%.
func compact(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return nil
}

// servingMerges is how the index being served merges its segments. Every
// write that changes a listing's words adds a segment of one document, and
// scorch's default plan lets some 14 pile up beside a 100k-document one
// before merging them (its budget allows 10 per size tier); each costs
// every search a dictionary lookup per word and field, and Bleve reads a
// multi-segment dictionary with a goroutine per segment. Measured under
// make load, three runs in a row lost 15% of their searches per second
// to it. Two segments per tier keeps the count to about five at 100k: the
// small ones are merged among themselves (cheap), and the large one only
// when enough of it has been deleted. Merging runs in scorch's own
// goroutine on snapshots, so readers never wait for it.
var servingMerges = map[string]any{
	"scorchMergePlanOptions": map[string]any{
		"MaxSegmentsPerTier":   2,
		"SegmentsPerMergeTask": 10,
	},
}

// openServing opens the index in dir with the serving merge plan.
func openServing(dir string) (bleve.Index, error) {
	return bleve.OpenUsing(dir, servingMerges)
}

// checkOwnFolder refuses to let a rebuild delete a folder that is not a
// search index: a mistyped --data must not cost anyone their files.
func checkOwnFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	if !hasIndex(dir) {
		return fmt.Errorf("%s is not empty and holds no search index; refusing to replace it", dir)
	}
	return nil
}

// hasIndex reports whether dir holds a Bleve index (it has the metadata
// file every Bleve index writes first).
func hasIndex(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	return err == nil
}

// Apply brings the index and table up to date with one committed store
// write. Register it with the store's Watch; it returns once the change is
// searchable. A failure leaves the recorded generation behind the store's,
// so the next start rebuilds.
func (e *Engine) Apply(ctx context.Context, ch directory.Change) error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.text == nil {
		return errors.New("apply change: engine is closed")
	}
	batch := e.text.idx.NewBatch()
	var upserts []row
	var deletes []string
	// textChanged says whether any indexed word changed. Most provider
	// writes (capacity, confirming a listing) change none, and then the
	// cached text hits stay valid.
	textChanged := false
	for _, id := range ch.ServiceIDs {
		s, err := e.src.Service(ctx, id)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			batch.Delete(id)
			deletes = append(deletes, id)
			textChanged = true
		case err != nil:
			return fmt.Errorf("apply change %d: %w", ch.Generation, err)
		default:
			doc := textDoc(s)
			r := makeRow(s, doc)
			if !e.tab.sameText(id, r.info.Text) {
				if err := batch.Index(id, doc); err != nil {
					return fmt.Errorf("apply change %d: index service %s: %w", ch.Generation, id, err)
				}
				textChanged = true
			}
			upserts = append(upserts, r)
		}
	}
	setRecorded(batch, ch.Generation)
	if err := e.text.idx.Batch(batch); err != nil {
		return fmt.Errorf("apply change %d: %w", ch.Generation, err)
	}
	e.tab.apply(upserts, deletes)
	e.svcCache.forget(ch.ServiceIDs)
	if textChanged {
		e.text.stats.changed()
		e.textGen.Add(1)
	}
	e.gen.Store(ch.Generation)
	return nil
}

// Report says whether the store, the text index and the table agree.
type Report struct {
	StoreGeneration uint64
	IndexGeneration uint64
	StoreCount      int
	IndexCount      int
	TableCount      int
	// Missing are in the store but not the index; Extra in the index but
	// not the store. Both sorted.
	Missing []string
	Extra   []string
}

// OK reports whether nothing drifted.
func (r Report) OK() bool {
	return r.StoreGeneration == r.IndexGeneration && len(r.Missing) == 0 && len(r.Extra) == 0 &&
		r.StoreCount == r.IndexCount && r.StoreCount == r.TableCount
}

// String is the report as `signpost check` prints it.
func (r Report) String() string {
	status := "in step"
	if !r.OK() {
		status = "DRIFT: run `signpost reindex`"
	}
	s := fmt.Sprintf("store: %d services at generation %d\nindex: %d services at generation %d\ntable: %d services\n%s",
		r.StoreCount, r.StoreGeneration, r.IndexCount, r.IndexGeneration, r.TableCount, status)
	if len(r.Missing) > 0 {
		s += fmt.Sprintf("\nmissing from the index (%d): %s", len(r.Missing), preview(r.Missing))
	}
	if len(r.Extra) > 0 {
		s += fmt.Sprintf("\nin the index but not the store (%d): %s", len(r.Extra), preview(r.Extra))
	}
	return s
}

func preview(ids []string) string {
	const max = 10
	if len(ids) <= max {
		return fmt.Sprint(ids)
	}
	return fmt.Sprintf("%v and %d more", ids[:max], len(ids)-max)
}

// Check compares the store with the text index and the table.
func (e *Engine) Check(ctx context.Context) (Report, error) {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.text == nil {
		return Report{}, errors.New("check: engine is closed")
	}
	r, err := compare(ctx, e.src, e.text)
	if err != nil {
		return r, fmt.Errorf("check: %w", err)
	}
	r.TableCount = e.tab.count()
	return r, nil
}

// compare fills in what Check and Inspect report of the store and the text
// index: generations, counts, and the ids only one of them holds.
func compare(ctx context.Context, src Source, ti *textIndex) (Report, error) {
	var r Report
	var err error
	if r.StoreGeneration, err = src.Generation(ctx); err != nil {
		return r, fmt.Errorf("read store generation: %w", err)
	}
	if r.IndexGeneration, _, err = ti.recorded(); err != nil {
		return r, err
	}
	var storeIDs []string
	err = src.EachService(ctx, func(s *directory.Service) error {
		storeIDs = append(storeIDs, s.ID)
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("read services: %w", err)
	}
	slices.Sort(storeIDs)
	indexIDs, err := ti.allIDs()
	if err != nil {
		return r, err
	}
	r.StoreCount, r.IndexCount = len(storeIDs), len(indexIDs)
	r.Missing, r.Extra = diffSorted(storeIDs, indexIDs)
	return r, nil
}

// diffSorted returns what is only in a and only in b.
func diffSorted(a, b []string) (onlyA, onlyB []string) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			onlyA = append(onlyA, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			onlyB = append(onlyB, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return onlyA, onlyB
}

// allIDs lists every document id in the text index, sorted.
func (ti *textIndex) allIDs() ([]string, error) {
	adv, err := ti.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("list index ids: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("list index ids: %w", err)
	}
	defer r.Close()
	dr, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("list index ids: %w", err)
	}
	defer dr.Close()
	var ids []string
	for {
		iid, err := dr.Next()
		if err != nil {
			return nil, fmt.Errorf("list index ids: %w", err)
		}
		if iid == nil {
			break
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return nil, fmt.Errorf("list index ids: %w", err)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}
