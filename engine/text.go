package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"signpost/directory"
)

// The text index holds only what free-text search needs: a name field, one
// body field with every other searchable word, and the words as written for
// the dictionary. (A service's Signpost terms are matched in the table.)
// Nothing is stored (the table and the store
// hold the values), which keeps the index small and quick to build.
const (
	fieldName = "name"
	fieldBody = "body"
	// fieldWords holds each distinct word of the name and body as written
	// (tokens: lower case, no apostrophes, not stemmed): the dictionary
	// typed words are checked and corrected against. Being in the index,
	// it stays current as listings change.
	fieldWords = "words"

	// textSchema is recorded in the index; change it whenever the mapping
	// or textDoc changes, and the next start rebuilds the index.
	textSchema = "signpost-text-2"
)

// Keys of the index's internal store.
var (
	keyGeneration = []byte("signpost:generation")
	keySchema     = []byte("signpost:schema")
)

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = en.AnalyzerName
	im.ScoringModel = index.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false

	text := func() *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		fm.Store = false
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	kw := bleve.NewKeywordFieldMapping()
	kw.Store = false
	kw.IncludeTermVectors = false
	kw.IncludeInAll = false
	kw.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldName, text())
	dm.AddFieldMappingsAt(fieldBody, text())
	dm.AddFieldMappingsAt(fieldWords, kw)
	im.DefaultMapping = dm
	return im
}

// textDoc is what the text index holds of one service.
func textDoc(s *directory.Service) map[string]any {
	var body []string
	add := func(vs ...string) {
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				body = append(body, v)
			}
		}
	}
	add(s.AlternateName, s.Description, s.EligibilityDescription, s.FeesDescription, s.ApplicationProcess)
	if s.Organization != nil {
		add(s.Organization.Name)
	}
	for _, sal := range s.ServiceAtLocations {
		if l := sal.Location; l != nil {
			add(l.Name)
			for _, a := range l.Accessibility {
				add(a.Description)
			}
			for _, a := range l.Addresses {
				add(a.City, a.Region)
			}
		}
	}
	for _, taxonomy := range []string{directory.TaxonomyNeeds, directory.TaxonomyInterests, directory.TaxonomyActivities} {
		for _, code := range s.TermCodes(taxonomy) {
			t, _ := directory.LookupTerm(taxonomy, code)
			add(t.Label)
		}
	}
	add(s.OtherTerms()...)
	bodyText := strings.Join(body, "\n")
	return map[string]any{
		fieldName:  s.Name,
		fieldBody:  bodyText,
		fieldWords: surfaceWords(s.Name, bodyText),
	}
}

// surfaceWords lists the distinct tokens of the texts, for the dictionary.
func surfaceWords(texts ...string) []string {
	seen := map[string]struct{}{}
	var out []string
	for _, text := range texts {
		for _, t := range tokens(text) {
			if _, ok := seen[t]; !ok {
				seen[t] = struct{}{}
				out = append(out, t)
			}
		}
	}
	return out
}

// textDigest identifies what textDoc gave for a service, so that a write
// that leaves the indexed words alone (a capacity change, a confirmation)
// need not touch the text index. The zero digest means "not known".
type textDigest [16]byte

// digestTextDoc hashes a textDoc's name and body (the words field is made
// from them), joined by a separator no analysed word contains. The body
// holds the labels of the service's terms, so a change of terms changes it.
func digestTextDoc(doc map[string]any) textDigest {
	h := sha256.New()
	io.WriteString(h, doc[fieldName].(string))
	h.Write([]byte{0})
	io.WriteString(h, doc[fieldBody].(string))
	var d textDigest
	copy(d[:], h.Sum(nil))
	return d
}

// textIndex wraps the Bleve index.
type textIndex struct {
	idx      bleve.Index
	analyzer analysis.Analyzer
	// docs maps the index's segments' document numbers to table slots.
	docs *docMap
	sets hitSets
	// stats are the BM25 statistics searches score with (see bm25).
	stats bm25Stats
}

func newTextIndex(idx bleve.Index) (*textIndex, error) {
	a := idx.Mapping().AnalyzerNamed(en.AnalyzerName)
	if a == nil {
		return nil, errors.New("the English analyser is not registered")
	}
	return &textIndex{idx: idx, analyzer: a, docs: newDocMap(), sets: newHitSets()}, nil
}

// recorded returns the generation and schema the index was last written at.
func (ti *textIndex) recorded() (uint64, string, error) {
	g, err := ti.idx.GetInternal(keyGeneration)
	if err != nil {
		return 0, "", fmt.Errorf("read generation: %w", err)
	}
	s, err := ti.idx.GetInternal(keySchema)
	if err != nil {
		return 0, "", fmt.Errorf("read schema: %w", err)
	}
	var gen uint64
	if len(g) == 8 {
		gen = binary.BigEndian.Uint64(g)
	}
	return gen, string(s), nil
}

func setRecorded(b *bleve.Batch, gen uint64) {
	var g [8]byte
	binary.BigEndian.PutUint64(g[:], gen)
	b.SetInternal(keyGeneration, g[:])
	b.SetInternal(keySchema, []byte(textSchema))
}

// textHit is one service matching the words, with its Bleve score.
type textHit struct {
	id    string
	score float64
}

// words splits typed text into lower-case words.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// buildQuery turns the text pipeline's groups into one Bleve query, or nil
// when there is nothing to search for.
//
// A one-word group becomes a disjunction of its stem in the name (boosted)
// or the body. A phrase becomes its words all together (filler left out:
// "lost my job" needs "lost" and "job", so "lost" alone does not match);
// the terms a phrase means are matched by the table's pass. A
// word that is no word of the directory and was not corrected (more edits
// away than the limits) is tried loosely on its stem, as a last resort. The
// groups are then OR-ed: BM25 ranks listings matching more of them first,
// and a listing need not match every group ("lonely and skint").
func (ti *textIndex) buildQuery(groups []wordGroup) (query.Query, error) {
	var out []query.Query
	for _, g := range groups {
		var clauses []query.Query
		var perWord []query.Query
		for _, w := range g.words {
			var wordClauses []query.Query
			for _, tok := range ti.analyzer.Analyze([]byte(w)) {
				stem := string(tok.Term)
				fuzzy := 0
				// Past maxFuzzyLen a word is no typo of a real one, and
				// Bleve's automaton for it would blow up.
				if n := len([]rune(stem)); g.fuzzy && n >= 4 && n <= maxFuzzyLen {
					known, err := ti.known(stem)
					if err != nil {
						return nil, err
					}
					if !known {
						fuzzy = 1
						if n >= 7 {
							fuzzy = 2
						}
					}
				}
				for _, f := range []struct {
					field string
					boost float64
				}{{fieldName, boostName}, {fieldBody, boostBody}} {
					tq := query.NewTermQuery(stem)
					tq.SetField(f.field)
					tq.SetBoost(f.boost)
					wordClauses = append(wordClauses, tq)
					if fuzzy > 0 {
						fq := query.NewFuzzyQuery(stem)
						fq.SetField(f.field)
						fq.SetPrefix(1)
						fq.SetFuzziness(fuzzy)
						fq.SetBoost(f.boost * boostFuzzy)
						wordClauses = append(wordClauses, fq)
					}
				}
			}
			if len(wordClauses) > 0 {
				perWord = append(perWord, query.NewDisjunctionQuery(wordClauses))
			}
		}
		switch {
		case len(perWord) == 1:
			clauses = append(clauses, perWord[0].(*query.DisjunctionQuery).Disjuncts...)
		case len(perWord) > 1:
			clauses = append(clauses, query.NewConjunctionQuery(perWord))
		}
		// The terms a phrase means are matched in the table's pass
		// (plan.phrases), not here: a term is on a fifth of the listings,
		// and walking its postings, then finding each hit's table row,
		// cost more than the bit test the pass makes anyway.
		if len(clauses) > 0 {
			out = append(out, query.NewDisjunctionQuery(clauses))
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return query.NewDisjunctionQuery(out), nil
}

// maxFuzzyLen is the longest word given typo tolerance.
const maxFuzzyLen = 30

// known reports whether any listing holds the stem in its name or body.
func (ti *textIndex) known(stem string) (bool, error) {
	for _, field := range []string{fieldName, fieldBody} {
		d, err := ti.idx.FieldDictRange(field, []byte(stem), []byte(stem))
		if err != nil {
			return false, fmt.Errorf("look up %q: %w", stem, err)
		}
		e, err := d.Next()
		d.Close()
		if err != nil {
			return false, fmt.Errorf("look up %q: %w", stem, err)
		}
		if e != nil && e.Term == stem && e.Count > 0 {
			return true, nil
		}
	}
	return false, nil
}

// search returns every service matching text, with its BM25 score, by id.
// The engine uses searchSlots; this is the plain form its tests check
// that against. ok is false when the text held no searchable word.
func (ti *textIndex) search(ctx context.Context, text string, groups []wordGroup) (hits []textHit, ok bool, err error) {
	ok, err = ti.walk(ctx, text, groups, func(r index.IndexReader, n int) (func(*search.DocumentMatch) error, func() error, error) {
		hits = make([]textHit, 0, n)
		return func(dm *search.DocumentMatch) error {
			id, err := r.ExternalID(dm.IndexInternalID)
			if err != nil {
				return err
			}
			hits = append(hits, textHit{id: id, score: dm.Score})
			return nil
		}, nil, nil
	})
	return hits, ok, err
}

// searchSlots returns every service matching text as its slot in t, with
// its BM25 score, in slot order. Hits become slots through the
// per-segment maps of docMap rather than an id lookup each.
func (ti *textIndex) searchSlots(ctx context.Context, t *table, text string, groups []wordGroup) (hits []slotHit, ok bool, err error) {
	var hs *hitSet
	ok, err = ti.walk(ctx, text, groups, func(r index.IndexReader, n int) (func(*search.DocumentMatch) error, func() error, error) {
		res, err := ti.docs.resolver(r, t)
		if err != nil {
			return nil, nil, err
		}
		// Held for the walk: slots are read as hits arrive. A pass over
		// the table holds it as long.
		t.mu.RLock()
		hs = ti.sets.get(len(t.flags))
		return func(dm *search.DocumentMatch) error {
				slot, found, err := res.slot(dm.IndexInternalID.Value())
				if found {
					hs.add(slot, dm.Score)
				}
				return err
			}, func() error {
				t.mu.RUnlock()
				// Sized from the set, not from Bleve's estimate (which adds
				// up every term's postings): the list is kept in the cache.
				hits = hs.drain(make([]slotHit, 0, hs.count()))
				ti.sets.put(hs)
				return nil
			}, nil
	})
	return hits, ok, err
}

// walk runs the words' query and hands every match to the visitor that
// start makes, then calls its done (when not nil) before the reader
// closes, also when the walk fails. start is told an upper bound of the matches, to size its list
// once: growing it by doubling made a fifth of the server's garbage under
// load. It walks Bleve's searcher directly instead of through a
// collector: every hit is needed (exact totals, facets), and the top-N
// collector's heap, sort and per-hit allocations cost more than the
// matching itself once a common word hits tens of thousands of listings.
func (ti *textIndex) walk(ctx context.Context, text string, groups []wordGroup,
	start func(r index.IndexReader, n int) (visit func(*search.DocumentMatch) error, done func() error, err error)) (ok bool, err error) {
	q, err := ti.buildQuery(groups)
	if err != nil {
		return true, fmt.Errorf("text search %q: %w", text, err)
	}
	if q == nil {
		// Nothing to look up by word; a phrase's terms may still match.
		return len(groups) > 0, nil
	}
	adv, err := ti.idx.Advanced()
	if err != nil {
		return true, fmt.Errorf("text search %q: %w", text, err)
	}
	// Read before the reader opens: statistics kept for this count were
	// read from a reader at least as new (see bm25Stats).
	gen := ti.stats.writes.Load()
	r, err := adv.Reader()
	if err != nil {
		return true, fmt.Errorf("text search %q: open reader: %w", text, err)
	}
	defer r.Close()
	stats, err := ti.stats.of(r, gen)
	if err != nil {
		return true, fmt.Errorf("text search %q: %w", text, err)
	}
	// What bleve.Index.Search sets up for a single index: BM25 scoring,
	// with the statistics of the index's content rather than of its
	// segments (see bm25Stats).
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey,
		search.GetScoringModelCallbackFn(func() string { return index.BM25Scoring }))
	ctx = context.WithValue(ctx, search.BM25StatsKey, stats)
	s, err := q.Searcher(ctx, r, ti.idx.Mapping(), search.SearcherOptions{})
	if err != nil {
		return true, fmt.Errorf("text search %q: %w", text, err)
	}
	defer s.Close()
	sctx := &search.SearchContext{
		DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0),
		IndexReader:       r,
	}
	docs, err := r.DocCount()
	if err != nil {
		return true, fmt.Errorf("text search %q: %w", text, err)
	}
	visit, done, err := start(r, int(min(s.Count(), docs)))
	if err != nil {
		return true, fmt.Errorf("text search %q: %w", text, err)
	}
	if done != nil {
		// Also on the way out with an error.
		defer func() {
			if derr := done(); err == nil && derr != nil {
				err = fmt.Errorf("text search %q: %w", text, derr)
			}
		}()
	}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return true, err
			}
		}
		dm, err := s.Next(sctx)
		if err != nil {
			return true, fmt.Errorf("text search %q: %w", text, err)
		}
		if dm == nil {
			break
		}
		if err := visit(dm); err != nil {
			return true, fmt.Errorf("text search %q: %w", text, err)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
	return true, nil
}
