package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"signpost/directory"
)

// RelaxKind names a way of widening a search that found too little.
type RelaxKind string

// The kinds of relaxation.
const (
	// RelaxFilter drops one filter (free, age, day, delivery,
	// accessibility, language, or one need, interest or activity type).
	RelaxFilter RelaxKind = "drop-filter"
	// RelaxAll drops every filter at once (and, with Field RadiusM, the
	// radius too): offered only when no single change finds anything.
	RelaxAll RelaxKind = "drop-all-filters"
	// RelaxFurther looks further away, or anywhere.
	RelaxFurther RelaxKind = "further"
	// RelaxWord searches a word of the directory near one typed that was
	// too far from any to be corrected on its own.
	RelaxWord RelaxKind = "word"
	// RelaxNeed searches for a term the typed words mean, without the
	// words.
	RelaxNeed RelaxKind = "related"
	// RelaxWords drops the typed words and keeps the filters.
	RelaxWords RelaxKind = "drop-words"
)

// Relaxation is one way to widen a search, with what it would find. The
// site offers those with a Count above zero ("Include activities that
// cost (12)"), so that a page with no results never suggests another with
// none.
type Relaxation struct {
	Kind RelaxKind
	// Field is the field of Query changed: Free, Age, Day, Delivery,
	// Accessibility, AccessFeatures, Language, Needs, Interests,
	// Activities, RadiusM or Text.
	Field Field
	// Value is what was dropped or used instead: a term code, a radius in
	// metres ("0": anywhere), a word.
	Value string
	// Label says it in plain English: "Include activities that cost",
	// "Look within 10 km", "Search for walking instead".
	Label string
	// Query is the search widened; Count is its total.
	Query Query
	Count int
}

// Relaxations tries every way of widening a site search (Search's
// semantics) and returns those that would find something, each with its
// count, in the order a page should offer them: filters dropped, further
// away, a near word, a related need, then no words at all.
func (e *Engine) Relaxations(ctx context.Context, q Query) ([]Relaxation, error) {
	return e.relaxations(ctx, q, modeSearch)
}

// MatchRelaxations is Relaxations for the matcher: each count is what
// Match would find.
func (e *Engine) MatchRelaxations(ctx context.Context, q Query) ([]Relaxation, error) {
	return e.relaxations(ctx, q, modeMatch)
}

func (e *Engine) relaxations(ctx context.Context, q Query, m mode) ([]Relaxation, error) {
	q, err := q.normalize()
	if err != nil {
		return nil, err
	}
	b := &relaxBuilder{q: q}
	b.filters()
	b.further()
	if strings.TrimSpace(q.Text) != "" {
		if err := e.textRelaxations(ctx, b); err != nil {
			return nil, err
		}
	}
	out, err := e.countRelaxations(ctx, b.cands, m)
	if err != nil || len(out) > 0 {
		return out, err
	}
	// No one change finds anything: drop every filter at once, then look
	// anywhere too, so that a page with no results has somewhere to go.
	b.cands = nil
	b.allFilters()
	return e.countRelaxations(ctx, b.cands, m)
}

// countRelaxations counts each candidate (once) and keeps those that find
// something.
func (e *Engine) countRelaxations(ctx context.Context, cands []Relaxation, m mode) ([]Relaxation, error) {
	var out []Relaxation
	seen := map[string]bool{}
	for _, c := range cands {
		key := fmt.Sprintf("%+v", c.Query)
		if seen[key] {
			continue
		}
		seen[key] = true
		n, err := e.count(ctx, c.Query, m)
		if err != nil {
			return nil, fmt.Errorf("relaxations: %w", err)
		}
		if n > 0 {
			c.Count = n
			out = append(out, c)
		}
	}
	return out, nil
}

// relaxBuilder collects the ways to widen q, before they are counted.
type relaxBuilder struct {
	q     Query
	cands []Relaxation
}

func (b *relaxBuilder) add(kind RelaxKind, field Field, value, label string, change func(*Query)) {
	rq := b.q
	rq.Needs, rq.Interests, rq.Activities = slices.Clone(b.q.Needs), slices.Clone(b.q.Interests), slices.Clone(b.q.Activities)
	rq.AccessFeatures = slices.Clone(b.q.AccessFeatures)
	change(&rq)
	b.cands = append(b.cands, Relaxation{Kind: kind, Field: field, Value: value, Label: label, Query: rq})
}

// filters drops each filter in turn.
func (b *relaxBuilder) filters() {
	q := b.q
	if q.Free {
		b.add(RelaxFilter, FieldFree, "", "Include activities that cost", func(r *Query) { r.Free = false })
	}
	if q.Age != nil {
		b.add(RelaxFilter, FieldAge, fmt.Sprint(*q.Age), "Any age", func(r *Query) { r.Age = nil })
	}
	if q.Day != "" {
		b.add(RelaxFilter, FieldDay, q.Day, "Any day", func(r *Query) { r.Day = "" })
	}
	if q.Delivery != "" {
		b.add(RelaxFilter, FieldDelivery, string(q.Delivery), "Any way of taking part", func(r *Query) { r.Delivery = "" })
	}
	if q.Accessibility != "" {
		b.add(RelaxFilter, FieldAccess, q.Accessibility, "Without the accessibility filter", func(r *Query) { r.Accessibility = "" })
	}
	if q.Language != "" {
		b.add(RelaxFilter, FieldLanguage, q.Language, "Any language", func(r *Query) { r.Language = "" })
	}
	for _, f := range []struct {
		field Field
		codes []string
		vocab []directory.Term
		pick  func(*Query) *[]string
	}{
		{FieldNeeds, q.Needs, directory.Needs, func(r *Query) *[]string { return &r.Needs }},
		{FieldInterests, q.Interests, directory.Interests, func(r *Query) *[]string { return &r.Interests }},
		{FieldActivities, q.Activities, directory.Activities, func(r *Query) *[]string { return &r.Activities }},
		{FieldFeatures, q.AccessFeatures, directory.AccessFeatures, func(r *Query) *[]string { return &r.AccessFeatures }},
	} {
		for _, code := range f.codes {
			label := "Without “" + strings.ToLower(f.vocab[termIndex(f.vocab, code)].Label) + "”"
			b.add(RelaxFilter, f.field, code, label, func(r *Query) {
				codes := f.pick(r)
				*codes = slices.DeleteFunc(*codes, func(c string) bool { return c == code })
			})
		}
	}
}

// allFilters drops every filter but the words and the place, then the
// radius too.
func (b *relaxBuilder) allFilters() {
	q := b.q
	if !q.Free && q.Age == nil && q.Day == "" && q.Delivery == "" && q.Accessibility == "" && q.Language == "" &&
		len(q.Needs)+len(q.Interests)+len(q.Activities)+len(q.AccessFeatures) == 0 {
		return
	}
	clear := func(r *Query) {
		r.Free, r.Age, r.Day, r.Delivery, r.Accessibility, r.Language = false, nil, "", "", "", ""
		r.Needs, r.Interests, r.Activities, r.AccessFeatures = nil, nil, nil, nil
	}
	b.add(RelaxAll, "", "", "Without any filters", clear)
	if q.HasPoint && q.RadiusM > 0 {
		b.add(RelaxAll, FieldRadius, "0", "Without any filters, anywhere", func(r *Query) { clear(r); r.RadiusM = 0 })
	}
}

// further looks two and five times as far, then anywhere.
func (b *relaxBuilder) further() {
	if !b.q.HasPoint || b.q.RadiusM <= 0 {
		return
	}
	for _, factor := range []float64{2, 5} {
		if r := b.q.RadiusM * factor; r < MaxRadiusM {
			b.add(RelaxFurther, FieldRadius, fmt.Sprint(r), "Look within "+formatRadius(r), func(rq *Query) { rq.RadiusM = r })
		}
	}
	b.add(RelaxFurther, FieldRadius, "0", "Look anywhere", func(r *Query) { r.RadiusM = 0 })
}

// textRelaxations offers a near word for each word too far from any to be
// corrected, everything for each term the words mean, and no words. (The
// typed words are OR-ed, so fewer of them never find more.)
func (e *Engine) textRelaxations(ctx context.Context, b *relaxBuilder) error {
	q := b.q
	tp, err := e.planText(ctx, q.Text, q.spelling())
	if err != nil {
		return err
	}
	for _, g := range tp.groups {
		if !g.fuzzy {
			continue
		}
		// One more edit than correction allows on its own: offered,
		// never made silently.
		near, ok, err := e.nearWord(ctx, g.typed, min(correctLimit(g.typed)+1, 2))
		if err != nil {
			return err
		}
		if ok {
			text := replaceToken(q.Text, g.typed, near)
			b.add(RelaxWord, FieldText, near, "Search for "+text+" instead", func(r *Query) { r.Text = text })
		}
	}
	for _, g := range tp.phrases() {
		for _, ref := range g.refs {
			vocab, field := termVocab(ref.taxonomy)
			label := strings.ToLower(vocab[termIndex(vocab, ref.code)].Label)
			b.add(RelaxNeed, field, ref.code, "Show everything for “"+label+"”", func(r *Query) {
				r.Text = ""
				switch field {
				case FieldNeeds:
					r.Needs = appendNew(r.Needs, ref.code)
				case FieldInterests:
					r.Interests = appendNew(r.Interests, ref.code)
				default:
					r.Activities = appendNew(r.Activities, ref.code)
				}
			})
		}
	}
	b.add(RelaxWords, FieldText, "", "Search without the words", func(r *Query) { r.Text = "" })
	return nil
}

// planText returns what the text pipeline makes of text (from the cache
// when it can).
func (e *Engine) planText(ctx context.Context, text string, sp spelling) (*textPlan, error) {
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.text == nil {
		return nil, fmt.Errorf("relaxations: engine is closed")
	}
	ent, err := e.textHits(ctx, e.tab, text, sp)
	if err != nil {
		return nil, err
	}
	return ent.plan, nil
}

// nearWord is the word of the directory or vocabulary nearest w within
// limit edits.
func (e *Engine) nearWord(ctx context.Context, w string, limit int) (string, bool, error) {
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.text == nil {
		return "", false, fmt.Errorf("relaxations: engine is closed")
	}
	return e.text.correct(ctx, w, e.cfg.vocab, limit)
}

// replaceToken writes text as tokens with one word replaced.
func replaceToken(text, from, to string) string {
	toks := tokens(text)
	for i, t := range toks {
		if t == from {
			toks[i] = to
		}
	}
	return strings.Join(toks, " ")
}

func termVocab(taxonomy string) ([]directory.Term, Field) {
	switch taxonomy {
	case directory.TaxonomyNeeds:
		return directory.Needs, FieldNeeds
	case directory.TaxonomyInterests:
		return directory.Interests, FieldInterests
	}
	return directory.Activities, FieldActivities
}

func appendNew(codes []string, code string) []string {
	if slices.Contains(codes, code) {
		return codes
	}
	return append(codes, code)
}

// formatRadius writes a radius as the site offers it: "10 km", "500 m".
func formatRadius(m float64) string {
	if m < 1000 {
		return fmt.Sprintf("%.0f m", m)
	}
	return fmt.Sprintf("%g km", float64(int(m/100))/10)
}
