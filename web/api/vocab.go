package api

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"signpost/directory"
)

// vocabulary is every taxonomy and term the API lists: Signpost's own three
// vocabularies first, then those that imported listings brought with them
// (an attribute's embedded taxonomy_term), so a client can resolve every
// taxonomy_term_id it meets in a service.
type vocabulary struct {
	taxonomies []directory.Taxonomy
	terms      []directory.TaxonomyTerm
	taxByID    map[string]int
	termByID   map[string]int
}

// vocabCache holds the vocabulary of one store generation, so a busy API
// does not rebuild it for every request.
type vocabCache struct {
	mu    sync.Mutex
	gen   uint64
	vocab *vocabulary
}

func (c *vocabCache) get(ctx context.Context, l Listings) (*vocabulary, error) {
	gen, err := l.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.vocab != nil && c.gen == gen {
		return c.vocab, nil
	}
	v, err := buildVocabulary(ctx, l)
	if err != nil {
		return nil, err
	}
	c.gen, c.vocab = gen, v
	return v, nil
}

func buildVocabulary(ctx context.Context, l Listings) (*vocabulary, error) {
	v := &vocabulary{taxByID: map[string]int{}, termByID: map[string]int{}}
	for _, t := range directory.HSDSTaxonomies() {
		v.addTaxonomy(t)
	}
	for _, t := range directory.HSDSTerms() {
		v.addTerm(t)
	}
	signpostTerms := len(v.terms)
	signpostTaxonomies := len(v.taxonomies)
	err := l.EachImportedTerm(ctx, func(t directory.TaxonomyTerm) error {
		v.addImported(directory.Attribute{TaxonomyTermID: t.ID, TaxonomyTerm: &t})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vocabulary: read imported terms: %w", err)
	}
	// Imported entries in a stable order, whatever order services came in.
	imported := v.taxonomies[signpostTaxonomies:]
	sort.Slice(imported, func(i, j int) bool { return imported[i].ID < imported[j].ID })
	importedTerms := v.terms[signpostTerms:]
	sort.Slice(importedTerms, func(i, j int) bool { return importedTerms[i].ID < importedTerms[j].ID })
	v.reindex()
	return v, nil
}

// addImported records the term an attribute embeds, and its taxonomy when
// the attribute says enough to name it, unless Signpost already knows them.
func (v *vocabulary) addImported(a directory.Attribute) {
	if a.TaxonomyTerm == nil {
		return
	}
	if _, ok := a.SignpostTerm(); ok {
		return
	}
	term := *a.TaxonomyTerm
	if term.ID == "" {
		term.ID = a.TaxonomyTermID
	}
	if term.ID == "" || term.Name == "" {
		return // nothing a client could look up or read
	}
	term.Metadata = nil
	if d := term.TaxonomyDetail; d != nil && d.ID != "" {
		if term.TaxonomyID == "" {
			term.TaxonomyID = d.ID
		}
		if term.Taxonomy == "" {
			term.Taxonomy = d.Name
		}
		t := *d
		t.Metadata = nil
		if t.Description == "" {
			t.Description = t.Name
		}
		v.addTaxonomy(t)
	} else if term.TaxonomyID != "" && term.Taxonomy != "" {
		v.addTaxonomy(directory.Taxonomy{
			ID:          term.TaxonomyID,
			Name:        term.Taxonomy,
			Description: term.Taxonomy + " (published with imported listings)",
		})
	}
	v.addTerm(term)
}

func (v *vocabulary) addTaxonomy(t directory.Taxonomy) {
	if _, dup := v.taxByID[t.ID]; dup {
		return
	}
	v.taxByID[t.ID] = len(v.taxonomies)
	v.taxonomies = append(v.taxonomies, t)
}

func (v *vocabulary) addTerm(t directory.TaxonomyTerm) {
	if _, dup := v.termByID[t.ID]; dup {
		return
	}
	v.termByID[t.ID] = len(v.terms)
	v.terms = append(v.terms, t)
}

// reindex rebuilds the id maps after the slices were sorted.
func (v *vocabulary) reindex() {
	for i, t := range v.taxonomies {
		v.taxByID[t.ID] = i
	}
	for i, t := range v.terms {
		v.termByID[t.ID] = i
	}
}

func (v *vocabulary) taxonomy(id string) (directory.Taxonomy, bool) {
	i, ok := v.taxByID[id]
	if !ok {
		return directory.Taxonomy{}, false
	}
	return v.taxonomies[i], true
}

func (v *vocabulary) term(id string) (directory.TaxonomyTerm, bool) {
	i, ok := v.termByID[id]
	if !ok {
		return directory.TaxonomyTerm{}, false
	}
	return v.terms[i], true
}

// taxonomyOf resolves a taxonomy given by id or by name (clients of the
// older Open Referral UK API send the name, such as "signpost-needs").
func (v *vocabulary) taxonomyOf(idOrName string) (directory.Taxonomy, bool) {
	if t, ok := v.taxonomy(idOrName); ok {
		return t, true
	}
	for _, t := range v.taxonomies {
		if t.Name == idOrName {
			return t, true
		}
	}
	return directory.Taxonomy{}, false
}

// termsOf returns the ids of every term of a taxonomy.
func (v *vocabulary) termsOf(taxonomyID string) []string {
	var ids []string
	for _, t := range v.terms {
		if t.TaxonomyID == taxonomyID {
			ids = append(ids, t.ID)
		}
	}
	return ids
}
