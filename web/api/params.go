package api

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"signpost/directory"
	"signpost/engine"
)

// serviceQuery is a parsed request of /services, /service_at_locations or
// /match: the engine's query, and what the API does around it.
type serviceQuery struct {
	engine engine.Query
	paging paging
	shape  serviceShape
	ndjson bool

	// Filters of the standard that the engine does not know; applied to
	// the engine's answers (see needsPostFilter).
	//
	// anyTerm keeps services carrying at least one of these term ids
	// (taxonomy_id: "any term of this taxonomy").
	anyTerm     map[string]bool
	anyTaxonomy string // the Signpost taxonomy name, when it is one
	// alsoAges keeps services that accept every one of these ages
	// (minimum_age and maximum_age beyond the one the engine applies).
	alsoAges []int
}

// needsPostFilter reports whether the engine's answer must be filtered
// further, which costs a pass over every match instead of one page.
func (q *serviceQuery) needsPostFilter() bool {
	return q.anyTerm != nil || q.anyTaxonomy != "" || len(q.alsoAges) > 0
}

// keep applies the post-filters to one service.
func (q *serviceQuery) keep(s *directory.Service) bool {
	for _, age := range q.alsoAges {
		if !s.AcceptsAge(float64(age)) {
			return false
		}
	}
	if q.anyTerm == nil && q.anyTaxonomy == "" {
		return true
	}
	for _, a := range s.AllAttributes() {
		if t, ok := a.SignpostTerm(); ok && t.Taxonomy == q.anyTaxonomy {
			return true
		}
		id := a.TaxonomyTermID
		if id == "" && a.TaxonomyTerm != nil {
			id = a.TaxonomyTerm.ID
		}
		if q.anyTerm[id] {
			return true
		}
	}
	return false
}

// signpostParam names the engine parameter of each Signpost taxonomy.
var signpostParam = map[string]string{
	directory.TaxonomyNeeds:      "need",
	directory.TaxonomyInterests:  "interest",
	directory.TaxonomyActivities: "activity",
	directory.TaxonomyAccess:     "accessibility",
}

// maxSearchRunes bounds the words a search may carry. Nobody types more
// into a search box, and the text index's spelling tolerance grows costly
// (and at a few thousand characters, fails) on longer input.
const maxSearchRunes = 500

// parseServiceQuery reads the standard's parameters, the older Open
// Referral UK names and Signpost's own, translates those the engine does
// not know into its names, and reads the rest into the engine's query
// (parseEngineQuery).
func (s *server) parseServiceQuery(ctx context.Context, in url.Values) (serviceQuery, error) {
	v := url.Values{}
	for k, vals := range in {
		v[k] = append([]string(nil), vals...)
	}
	var q serviceQuery
	var err error
	if q.paging, err = parsePaging(v); err != nil {
		return q, err
	}
	// The API pages for itself (its limit is the standard's 200, the
	// engine's is smaller); the engine sees one batch at a time.
	v.Del("page")
	v.Del("per_page")
	v.Del("size")

	switch f := strings.ToLower(strings.TrimSpace(v.Get("format"))); f {
	case "", "json":
	case "ndjson":
		q.ndjson = true
	default:
		return q, badParam("format", "must be json or ndjson, not %q", f)
	}
	full, err := boolParam(v, "full")
	if err != nil {
		return q, err
	}
	minimal, err := boolParam(v, "minimal")
	if err != nil {
		return q, err
	}
	switch {
	case full && minimal:
		return q, badParam("minimal", "cannot be combined with full=true; choose one")
	case full:
		q.shape = shapeFull
	case minimal:
		q.shape = shapeMinimal
	}

	for _, field := range []string{"search", "text", "q"} {
		if n := utf8.RuneCountInString(v.Get(field)); n > maxSearchRunes {
			return q, badParam(field, "is %d characters long; at most %d are read", n, maxSearchRunes)
		}
	}
	if err := s.translateTaxonomy(ctx, v, &q); err != nil {
		return q, err
	}
	if err := translateAges(v, &q); err != nil {
		return q, err
	}
	if err := s.translatePlace(v); err != nil {
		return q, err
	}
	if q.engine, err = parseEngineQuery(v); err != nil {
		return q, err
	}
	return q, nil
}

// translateTaxonomy handles taxonomy_term_id, taxonomy_id and vocabulary.
//
// A Signpost term's id becomes its need/interest/activity code, because the
// engine then also finds listings that attached the term by code rather
// than by id. With vocabulary (the older Open Referral UK form),
// taxonomy_id names a term of that vocabulary, by id or by code. Without
// it, taxonomy_id is HSDS 3's: a taxonomy (by id or name), and a service
// must carry any one of its terms.
func (s *server) translateTaxonomy(ctx context.Context, v url.Values, q *serviceQuery) error {
	vocabulary := strings.TrimSpace(v.Get("vocabulary"))
	taxIDs := splitList(v["taxonomy_id"])
	v.Del("taxonomy_id")
	v.Del("vocabulary")

	termIDs := splitList(v["taxonomy_term_id"])
	if vocabulary != "" {
		for _, id := range taxIDs {
			if t, ok := directory.LookupTerm(vocabulary, strings.ToLower(id)); ok {
				id = t.ID()
			}
			termIDs = append(termIDs, id)
		}
		taxIDs = nil
	}
	var other []string
	for _, id := range termIDs {
		if t, ok := directory.TermByID(id); ok {
			v.Add(signpostParam[t.Taxonomy], t.Code)
		} else {
			other = append(other, id)
		}
	}
	v.Del("taxonomy_term_id")
	if len(other) > 0 {
		v.Set("taxonomy_term_id", strings.Join(other, ","))
	}

	switch len(taxIDs) {
	case 0:
		return nil
	case 1:
	default:
		return badParam("taxonomy_id", "give one taxonomy, not %d", len(taxIDs))
	}
	vocab, err := s.vocab.get(ctx, s.listings)
	if err != nil {
		return err
	}
	tax, ok := vocab.taxonomyOf(taxIDs[0])
	if !ok {
		return badParam("taxonomy_id", "no taxonomy with id or name %q; GET /api/v1/taxonomies lists them", taxIDs[0])
	}
	if _, signpost := directory.Vocabularies[tax.Name]; signpost && directory.TaxonomyID(tax.Name) == tax.ID {
		q.anyTaxonomy = tax.Name
		return nil
	}
	q.anyTerm = map[string]bool{}
	for _, id := range vocab.termsOf(tax.ID) {
		q.anyTerm[id] = true
	}
	return nil
}

// translateAges maps the Open Referral UK minimum_age and maximum_age (the
// ages of the people a client is looking for) onto Signpost's age: the
// service must accept every age from one to the other, which for an age
// range means accepting both ends.
func translateAges(v url.Values, q *serviceQuery) error {
	var ages []int
	for _, field := range []string{"minimum_age", "maximum_age"} {
		s := strings.TrimSpace(v.Get(field))
		v.Del(field)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 130 {
			return badParam(field, "must be a whole number of years from 0 to 130, not %q", s)
		}
		ages = append(ages, n)
	}
	if len(ages) == 2 && ages[0] > ages[1] {
		return badParam("maximum_age", "must not be below minimum_age")
	}
	if len(ages) == 0 {
		return nil
	}
	if strings.TrimSpace(v.Get("age")) == "" {
		v.Set("age", strconv.Itoa(ages[0]))
		ages = ages[1:]
	}
	q.alsoAges = ages
	return nil
}

// translatePlace resolves postcode= (the standard's) or near= (Signpost's)
// to lat and lon.
func (s *server) translatePlace(v url.Values) error {
	field := "postcode"
	place := strings.TrimSpace(v.Get(field))
	if near := strings.TrimSpace(v.Get("near")); near != "" {
		if place != "" {
			return badParam("near", "give postcode or near, not both")
		}
		field, place = "near", near
	}
	v.Del("postcode")
	v.Del("near")
	if place == "" {
		return nil
	}
	if v.Get("lat") != "" || v.Get("lon") != "" {
		return badParam(field, "give a place or lat and lon, not both")
	}
	if s.cfg.Gazetteer == nil {
		return badParam(field, "place names cannot be looked up here; give lat and lon instead")
	}
	p, ok := s.cfg.Gazetteer.Lookup(place)
	if !ok {
		return badParam(field, "no place or postcode district %q is known; try a town or the first half of a postcode, or give lat and lon", place)
	}
	v.Set("lat", strconv.FormatFloat(p.Lat, 'f', -1, 64))
	v.Set("lon", strconv.FormatFloat(p.Lon, 'f', -1, 64))
	return nil
}

// splitList flattens repeated and comma-separated values, dropping blanks.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}
