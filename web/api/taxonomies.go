package api

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// listTaxonomies answers GET /taxonomies: search, page, per_page.
func (s *server) listTaxonomies(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		return err
	}
	vocab, err := s.vocab.get(r.Context(), s.listings)
	if err != nil {
		return err
	}
	search := q.Get("search")
	var out []directory.Taxonomy
	for _, t := range vocab.taxonomies {
		if matchesWords(search, t.Name, t.Description) {
			out = append(out, t)
		}
	}
	return writeJSON(w, http.StatusOK, pageOf(out, p))
}

// getTaxonomy answers GET /taxonomies/{id}.
func (s *server) getTaxonomy(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	vocab, err := s.vocab.get(r.Context(), s.listings)
	if err != nil {
		return err
	}
	t, ok := vocab.taxonomy(id)
	if !ok {
		return notFound("taxonomy", id)
	}
	return writeJSON(w, http.StatusOK, t)
}

// listTaxonomyTerms answers GET /taxonomy_terms: search, taxonomy_id (an id
// or a taxonomy's name), top_only, parent_id, page, per_page.
func (s *server) listTaxonomyTerms(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		return err
	}
	topOnly, err := boolParam(q, "top_only")
	if err != nil {
		return err
	}
	vocab, err := s.vocab.get(r.Context(), s.listings)
	if err != nil {
		return err
	}
	taxonomyID := strings.TrimSpace(q.Get("taxonomy_id"))
	if taxonomyID != "" {
		t, ok := vocab.taxonomyOf(taxonomyID)
		if !ok {
			return badParam("taxonomy_id", "no taxonomy with id or name %q; GET /api/v1/taxonomies lists them", taxonomyID)
		}
		taxonomyID = t.ID
	}
	parentID := strings.TrimSpace(q.Get("parent_id"))
	search := q.Get("search")
	var out []directory.TaxonomyTerm
	for _, t := range vocab.terms {
		switch {
		case taxonomyID != "" && t.TaxonomyID != taxonomyID,
			topOnly && t.ParentID != "",
			parentID != "" && t.ParentID != parentID,
			!matchesWords(search, t.Code, t.Name, t.Description, t.Taxonomy):
			continue
		}
		out = append(out, t)
	}
	return writeJSON(w, http.StatusOK, pageOf(out, p))
}

// getTaxonomyTerm answers GET /taxonomy_terms/{id}, with the details of its
// taxonomy nested as the standard allows.
func (s *server) getTaxonomyTerm(w http.ResponseWriter, r *http.Request) error {
	id := mux.Vars(r)["id"]
	vocab, err := s.vocab.get(r.Context(), s.listings)
	if err != nil {
		return err
	}
	t, ok := vocab.term(id)
	if !ok {
		return notFound("taxonomy term", id)
	}
	if t.TaxonomyDetail == nil {
		if tax, ok := vocab.taxonomy(t.TaxonomyID); ok {
			t.TaxonomyDetail = &tax
		}
	}
	return writeJSON(w, http.StatusOK, t)
}
