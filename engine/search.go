package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"signpost/directory"
)

// Results is one page of ranked services with exact totals and facets.
type Results struct {
	// Total counts every service that matched, on all pages.
	Total int
	// Page (1-based) and Size are those used, after defaults.
	Page, Size int
	Items      []Result
	Facets     Facets
	// Interpreted says what was made of the typed words (nil when none
	// were typed): corrections, phrases read as needs or interests,
	// filler left out, whether all of it was filler, and whether it held
	// crisis language.
	Interpreted *Interpreted
}

// Crisis reports whether the query's text, as typed, held crisis
// language: the page then opens with urgent help.
func (r *Results) Crisis() bool { return r != nil && r.Interpreted != nil && r.Interpreted.Crisis }

// Result is one service with the score it got and why.
type Result struct {
	// Service is the published service, as the store returned it.
	Service    *directory.Service
	Score      float64
	Components Components
	// DistanceM is the distance to the nearest physical location, when a
	// point was given and the service has one; nil otherwise (online-only,
	// or no place known).
	DistanceM *float64
	Reasons   []Reason
}

// Components are the parts of a score: Score = Text + Phrase + Need +
// Interest + Activity + Near − Penalty. See weights.go.
type Components struct {
	Text float64
	// Phrase is for carrying a term that typed words mean ("skint":
	// money worries).
	Phrase   float64
	Need     float64
	Interest float64
	Activity float64
	Near     float64
	Penalty  float64
}

// Facets count, over every service that matched the query (not only the
// page), how many have each term, are free and offer each delivery mode.
type Facets struct {
	Needs      []FacetCount // every need, in vocabulary order
	Interests  []FacetCount
	Activities []FacetCount
	Delivery   []FacetCount // in-person, online, phone
	Free       int
}

// FacetCount is one facet value.
type FacetCount struct {
	Code  string
	Label string
	Count int
}

// mode says whether needs, interests and activity types filter or score.
type mode int

const (
	modeSearch mode = iota
	modeMatch
)

// Search answers the site's search and /api/v1/services: every need,
// interest and activity type asked for must hold, and typed words must
// match. Results rank per DESIGN.md.
func (e *Engine) Search(ctx context.Context, q Query) (*Results, error) {
	return e.run(ctx, q, modeSearch)
}

// Match answers the matcher and /api/v1/match: needs, interests, activity
// types and typed words are soft. A service is kept when it meets at least
// one of them (or nothing of the kind was asked) and the more it meets the
// higher it ranks. The other filters (place and radius, age, day, cost,
// delivery, accessibility, language) still hold.
func (e *Engine) Match(ctx context.Context, q Query) (*Results, error) {
	return e.run(ctx, q, modeMatch)
}

// plan is a query compiled against the table's column encoding.
type plan struct {
	mode mode
	q    Query

	needs, interests   uint32
	activities         uint16
	nNeeds, nInt, nAct int
	soft               bool // Match: some need, interest, activity or text was asked
	mustFlags          uint8
	days, delivery     uint8
	accessMask         uint8
	inPersonOnly       bool
	age                float64
	hasAge             bool
	lang               string
	access             []string
	cold               bool // some filter reads rowInfo (language, access, organisation, modified, term ids)
	point              geoPoint
	radius             radiusTest
	cells              *cellMap // the radius's grid cells; nil: test each row's point
	// scan passes by rows over every row, without the table's sets
	// (bitpass.go, spatial.go): tests and benchmarks compare the two.
	scan                 bool
	nearOnlineEquivalent float64
	staleBefore          int64 // unix seconds; assured earlier than this is stale
	waters               Waters
	units                Units
	hasText              bool
	order                rankOrder
	capPenalty           [4]float64
	// phrases are the typed words that mean Signpost terms (at most
	// maxPhrases), each with its terms as masks; a service carrying one
	// of a phrase's terms meets it.
	phrases []phraseMask
	// phraseNeeds, phraseInts and phraseActs are every phrase's terms.
	phraseNeeds, phraseInts uint32
	phraseActs              uint16
	// needScore[k] is what meeting k of the asked needs adds, worked out
	// once per query with the same arithmetic as it would be per row;
	// likewise for interests and activity types.
	needScore     [33]float64
	interestScore [33]float64
	activityScore [17]float64
	// termsBound is the most the asked terms can add (see bound).
	termsBound float64
}

func (e *Engine) compile(q Query, m mode) *plan {
	p := &plan{
		mode:       m,
		q:          q,
		needs:      termMask(directory.Needs, q.Needs),
		interests:  termMask(directory.Interests, q.Interests),
		activities: uint16(termMask(directory.Activities, q.Activities)),
		mustFlags:  flagLive | flagActive,
		lang:       strings.ToLower(strings.TrimSpace(q.Language)),
		access:     words(q.Accessibility),
		accessMask: uint8(termMask(directory.AccessFeatures, q.AccessFeatures)),
	}
	p.nNeeds, p.nInt, p.nAct = bits.OnesCount32(p.needs), bits.OnesCount32(p.interests), bits.OnesCount16(p.activities)
	p.cold = p.lang != "" || len(p.access) > 0 || q.OrganizationID != "" || !q.ModifiedAfter.IsZero() || len(q.TaxonomyTermIDs) > 0
	if q.Free {
		p.mustFlags |= flagFree
	}
	if q.Day != "" {
		p.days = dayBit(q.Day)
	}
	if q.Delivery != "" {
		p.delivery = deliveryBit(q.Delivery)
		p.inPersonOnly = q.Delivery == directory.DeliveryInPerson
	}
	if q.Age != nil {
		p.age, p.hasAge = float64(*q.Age), true
	}
	if q.HasPoint {
		p.point = newGeoPoint(q.Lat, q.Lon)
		p.radius = newRadiusTest(q.RadiusM)
		if q.RadiusM > 0 {
			p.cells = newCellMap(p.point, p.radius)
		}
		p.nearOnlineEquivalent = WeightNear * math.Exp(-OnlineEquivalentM/NearScaleM)
	}
	if q.Sort == SortNearest && q.HasPoint {
		p.order = nearestFirst
	}
	p.staleBefore = e.cfg.now().Add(-AssuredFor).Unix()
	p.waters = e.cfg.waters
	p.units = e.cfg.units
	p.capPenalty = [4]float64{0, PenaltyWaitingList, PenaltyFull, PenaltyFull}
	for k := range p.needScore {
		if p.nNeeds > 0 {
			p.needScore[k] = WeightNeed * float64(k) / float64(p.nNeeds)
		}
		if p.nInt > 0 {
			p.interestScore[k] = WeightInterest * float64(k) / float64(p.nInt)
		}
	}
	for k := range p.activityScore {
		if p.nAct > 0 {
			p.activityScore[k] = WeightActivity * float64(k) / float64(p.nAct)
		}
	}
	p.termsBound = p.needScore[p.nNeeds] + p.interestScore[p.nInt] + p.activityScore[p.nAct]
	return p
}

// rankOrder is what results are ranked by first; the other breaks ties.
type rankOrder int

const (
	bestFirst    rankOrder = iota // by score
	nearestFirst                  // by distance (SortNearest from a point)
)

// phraseMask is one recognised phrase's terms as table masks, and each
// term as a bit with its weight: the vocabulary lists a phrase's terms
// most meant first ("new to the area": new to the area, then lonely), and
// each counts half the one before, so a service for people new to an area
// ranks above a lonely-hearts club for it.
type phraseMask struct {
	typed            string
	needs, interests uint32
	activities       uint16
	terms            []phraseTerm
	total            float64 // the sum of the terms' weights
}

type phraseTerm struct {
	column uint8 // 0 needs, 1 interests, 2 activities
	bit    uint32
	weight float64
}

// maxPhrases bounds the phrases that rank: a question, not an essay.
const maxPhrases = 8

// compilePhrases turns the phrases of a text plan into table masks. It
// runs once per cache entry (textEntry.phrases), not per query.
func compilePhrases(tp *textPlan) []phraseMask {
	var out []phraseMask
	for _, g := range tp.phrases() {
		if len(out) == maxPhrases {
			break
		}
		pm := phraseMask{typed: g.typed}
		w := 1.0
		for _, r := range g.refs {
			var pt phraseTerm
			switch r.taxonomy {
			case directory.TaxonomyNeeds:
				pt = phraseTerm{0, termMask(directory.Needs, []string{r.code}), w}
				pm.needs |= pt.bit
			case directory.TaxonomyInterests:
				pt = phraseTerm{1, termMask(directory.Interests, []string{r.code}), w}
				pm.interests |= pt.bit
			case directory.TaxonomyActivities:
				pt = phraseTerm{2, termMask(directory.Activities, []string{r.code}), w}
				pm.activities |= uint16(pt.bit)
			}
			pm.terms = append(pm.terms, pt)
			pm.total += w
			w /= 2
		}
		out = append(out, pm)
	}
	return out
}

// setPhrases makes the compiled phrases (shared, read-only) the plan's.
func (p *plan) setPhrases(phrases []phraseMask) {
	p.phrases = phrases
	for _, pm := range phrases {
		p.phraseNeeds |= pm.needs
		p.phraseInts |= pm.interests
		p.phraseActs |= pm.activities
	}
}

// anyPhrase reports whether a slot with these terms carries any term the
// typed words mean.
func (p *plan) anyPhrase(needs, ints uint32, acts uint16) bool {
	return needs&p.phraseNeeds != 0 || ints&p.phraseInts != 0 || acts&p.phraseActs != 0
}

// phraseScore is how well a slot meets the phrases, from 0 (none of
// their terms) to 1 (every term of every phrase), and whether it meets
// any. Each phrase counts equally; within one, its terms by weight.
func (p *plan) phraseScore(t *table, slot uint32) (float64, bool) {
	cols := [3]uint32{t.needs[slot], t.interests[slot], uint32(t.activities[slot])}
	sum, any := 0.0, false
	for i := range p.phrases {
		pm := &p.phrases[i]
		got := 0.0
		for _, pt := range pm.terms {
			if cols[pt.column]&pt.bit != 0 {
				got += pt.weight
			}
		}
		if got > 0 {
			any = true
			sum += got / pm.total
		}
	}
	return sum / float64(len(p.phrases)), any
}

// cand is a service that passed every filter, with what ranking needs.
type cand struct {
	slot  uint32
	score float64
	dist  float64 // NaN when none
	text  float64 // normalised text relevance, 0..1
	// phrase is how well it meets the phrases typed (plan.phraseScore).
	phrase float64
}

func (e *Engine) run(ctx context.Context, q Query, m mode) (*Results, error) {
	return e.answer(ctx, q, m, wantPage)
}

// count returns how many services a search would find, without ranking
// or fetching a page.
func (e *Engine) count(ctx context.Context, q Query, m mode) (int, error) {
	res, err := e.answer(ctx, q, m, wantCount)
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// wanted says what a query's answer holds.
type wanted int

const (
	wantPage  wanted = iota // the total, the facets and the page asked for
	wantCount               // the total and the facets only
)

// answer runs a query for what is wanted.
func (e *Engine) answer(ctx context.Context, q Query, m mode, want wanted) (*Results, error) {
	q, err := q.normalize()
	if err != nil {
		return nil, err
	}
	e.stateMu.RLock()
	defer e.stateMu.RUnlock()
	if e.text == nil {
		return nil, errors.New("search: engine is closed")
	}
	p := e.compile(q, m)

	t := e.tab
	var text *textEntry
	var interp *Interpreted
	if strings.TrimSpace(q.Text) != "" {
		if text, err = e.textHits(ctx, t, q.Text, q.spelling()); err != nil {
			return nil, err
		}
		p.hasText = text.ok
		p.setPhrases(text.phrases)
		in := *text.plan.interp
		in.Text = q.Text
		interp = &in
	}
	p.soft = m == modeMatch && (p.nNeeds+p.nInt+p.nAct > 0 || p.hasText)

	res, pageIDs, err := p.rank(ctx, t, text, want)
	if err != nil {
		return nil, err
	}
	res.Interpreted = interp
	return res, e.attachServices(ctx, res, pageIDs)
}

// rank makes one pass over the table under its read lock: it filters and
// scores every candidate, counts the facets and, when asked for a page,
// keeps it, returning its services' ids for the caller to fetch outside
// the lock.
func (p *plan) rank(ctx context.Context, t *table, text *textEntry, want wanted) (*Results, []string, error) {
	q := p.q
	keep := 0
	if want == wantPage {
		keep = q.Page * q.Size
	}
	if keep > MaxSize {
		// Past the first page the heap holds enough ties for numbering
		// the names to pay (see nameOrder).
		t.names.prepare(t)
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	top := newTopK(keep, p.less(t))
	var f facetCounter
	if pass := p.passSet(t, text); pass != nil {
		f.countSets(t, pass)
		if keep > 0 {
			p.rankSet(t, text, pass, top)
		}
		t.sets.giveBack(pass)
	} else {
		p.candidates(t, text, func(slot uint32, text, phrase float64) {
			c, pass, ranked := p.eval(t, slot, text, phrase, top.bar(p.order))
			if !pass {
				return
			}
			f.add(t, slot)
			if ranked {
				top.push(c)
			}
		})
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	res := &Results{Total: f.total, Page: q.Page, Size: q.Size, Facets: f.facets()}
	ranked := top.sorted()
	from := min((q.Page-1)*q.Size, len(ranked))
	var pageIDs []string
	for _, c := range ranked[from:] {
		res.Items = append(res.Items, p.result(t, c))
		pageIDs = append(pageIDs, t.rows[c.slot].ID)
	}
	return res, pageIDs, nil
}

// candidates calls visit with every slot that can match, its text
// relevance (0 without words) and how well it meets the typed phrases.
// With a radius, only the rows the spatial index says can pass it are
// visited (each is still tested).
func (p *plan) candidates(t *table, text *textEntry, visit func(slot uint32, text, phrase float64)) {
	var hits []slotHit
	if p.hasText {
		hits = text.hits
	}
	var near bitset
	if !p.scan {
		near = t.sets.near(p, len(t.flags))
	}
	switch {
	case p.soft:
		// The matcher keeps only rows meeting an asked term or the words
		// (eval's first test in that mode): visit those alone.
		t.terms.union(p.needs, p.interests, p.activities, hits, near, len(t.flags), visit)
	case p.hasText && p.mode == modeSearch:
		// Only text hits (with the services carrying a term the words
		// mean) can match: visit them and nothing else.
		for _, h := range text.hits {
			if near == nil || near.has(h.slot) {
				visit(h.slot, h.score, float64(h.phrase))
			}
		}
	case p.hasText:
		// Every slot can match; the hits are in slot order, so they are
		// walked alongside the slots rather than spread into a
		// table-sized slice of scores on every query.
		hits := text.hits
		for slot := range t.flags {
			score, phrase := 0.0, 0.0
			if len(hits) > 0 && hits[0].slot == uint32(slot) {
				score, phrase, hits = hits[0].score, float64(hits[0].phrase), hits[1:]
			}
			if near == nil || near.has(uint32(slot)) {
				visit(uint32(slot), score, phrase)
			}
		}
	case near != nil:
		for w, u := range near {
			for ; u != 0; u &= u - 1 {
				visit(uint32(w<<6+bits.TrailingZeros64(u)), 0, 0)
			}
		}
	default:
		for slot := range t.flags {
			visit(uint32(slot), 0, 0)
		}
	}
}

// attachServices fetches the page's services. One deleted between the
// pass and the fetch is dropped from the page.
func (e *Engine) attachServices(ctx context.Context, res *Results, ids []string) error {
	svcs, err := e.services(ctx, ids)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	items := res.Items[:0]
	for i, s := range svcs {
		if s == nil {
			continue
		}
		it := res.Items[i]
		it.Service = s
		items = append(items, it)
	}
	res.Items = items
	return nil
}

// textHits returns the table slots matching the words, with scores
// divided by the best, from the cache or from the text index.
func (e *Engine) textHits(ctx context.Context, t *table, text string, sp spelling) (_ *textEntry, err error) {
	key := cacheKey(text)
	if sp == keepSpelling {
		// Not a token: no text corrected can share its entry.
		key = "=" + key
	}
	// The text generation is read before searching: if a write changes
	// indexed words during the search, the entry is filed under the old
	// generation and never served.
	gen := e.textGen.Load()
	if ent, ok := e.cache.get(key, t, gen); ok {
		return ent, nil
	}
	// After a write, every reader asking for a popular word misses at
	// once; one of them searches and the others wait for its answer
	// rather than each running the same search.
	f, leader := e.cache.join(key, t, gen)
	if !leader {
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if f.ent != nil {
			return f.ent, nil
		}
		// The leader failed (perhaps its request was cancelled): search
		// alone.
		return e.searchText(ctx, t, text, key, gen, sp)
	}
	defer func() { e.cache.land(f) }()
	f.ent, err = e.searchText(ctx, t, text, key, gen, sp)
	return f.ent, err
}

// searchText asks the text index and caches the answer.
func (e *Engine) searchText(ctx context.Context, t *table, text, key string, gen uint64, sp spelling) (ent *textEntry, err error) {
	tp, err := e.interpret(ctx, e.text, tokens(text), sp)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	tp.interp.Crisis = e.Crisis(text)
	hits, ok, err := e.text.searchSlots(ctx, t, text, tp.groups)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	best := 0.0
	for _, h := range hits {
		best = math.Max(best, h.score)
	}
	// The hits come in slot order: a pass then reads the table's columns
	// front to back.
	for i := range hits {
		hits[i].score /= best
	}
	ent = &textEntry{key: key, tab: t, gen: gen, ok: ok, plan: tp, hits: hits}
	ent.phrases = compilePhrases(tp)
	if len(ent.phrases) > 0 {
		var pp plan
		pp.setPhrases(ent.phrases)
		ent.hits = withCarriers(t, ent.hits, &pp)
	}
	e.cache.put(ent)
	return ent, nil
}

// withCarriers adds to slot-ordered text hits, with a text score of 0,
// every service carrying a term the typed words mean (they match without
// the words), and notes how well each meets the phrases. One bit test per row, done once per cached entry, is far
// cheaper than walking a term's postings in the text index.
func withCarriers(t *table, hits []slotHit, pp *plan) []slotHit {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make([]slotHit, 0, len(hits)+len(t.flags)/8)
	// The columns in locals, sized alike, so the loop reads them without
	// reloading the table's slice headers or checking bounds each time.
	flags := t.flags
	needs, ints, acts := t.needs[:len(flags)], t.interests[:len(flags)], t.activities[:len(flags)]
	pn, pi, pa := pp.phraseNeeds, pp.phraseInts, pp.phraseActs
	for slot := range flags {
		hit := len(hits) > 0 && hits[0].slot == uint32(slot)
		carrier := flags[slot]&flagLive != 0 && (needs[slot]&pn|ints[slot]&pi|uint32(acts[slot]&pa)) != 0
		if !hit && !carrier {
			continue
		}
		h := slotHit{slot: uint32(slot)}
		if hit {
			h, hits = hits[0], hits[1:]
		}
		if carrier {
			share, _ := pp.phraseScore(t, uint32(slot))
			h.phrase = float32(share)
		}
		out = append(out, h)
	}
	return out
}

// eval applies every filter to one slot (pass) and, when the candidate
// can still reach the kept top, scores it (ranked). text is the
// normalised text relevance (0 when the words did not match it). A
// candidate that cannot reach the bar would never be kept, so its
// distance and nearness, the costly part, are left uncomputed. Totals and
// facets count every passing candidate all the same.
func (p *plan) eval(t *table, slot uint32, text, phrase float64, bar bar) (c cand, pass, ranked bool) {
	fl := t.flags[slot]
	if fl&p.mustFlags != p.mustFlags {
		return cand{}, false, false
	}
	needs, ints, acts := t.needs[slot], t.interests[slot], t.activities[slot]
	if p.mode == modeSearch {
		if needs&p.needs != p.needs || ints&p.interests != p.interests || acts&p.activities != p.activities {
			return cand{}, false, false
		}
		if p.hasText && text == 0 && phrase == 0 {
			return cand{}, false, false
		}
	} else if p.soft && text == 0 && phrase == 0 && needs&p.needs == 0 && ints&p.interests == 0 && acts&p.activities == 0 {
		return cand{}, false, false
	}
	if t.days[slot]&p.days != p.days || t.delivery[slot]&p.delivery != p.delivery || t.access[slot]&p.accessMask != p.accessMask {
		return cand{}, false, false
	}
	if p.hasAge && (p.age < t.minAge[slot] || p.age > t.maxAge[slot]) {
		return cand{}, false, false
	}
	if p.cold {
		ri := &t.rows[slot]
		if (p.lang != "" && !ri.speaks(p.lang)) ||
			(len(p.access) > 0 && !ri.hasAccess(p.access)) ||
			(p.q.OrganizationID != "" && ri.OrgID != p.q.OrganizationID) ||
			(!p.q.ModifiedAfter.IsZero() && !ri.Modified.After(p.q.ModifiedAfter)) ||
			(len(p.q.TaxonomyTermIDs) > 0 && !ri.hasTermIDs(p.q.TaxonomyTermIDs)) {
			return cand{}, false, false
		}
	}

	c = cand{slot: slot, dist: math.NaN(), text: text, phrase: phrase}
	// haveDist: c.dist is the exact distance, or NaN because there is no
	// physical location; otherwise it is worked out only if needed.
	haveDist := true
	if p.q.HasPoint {
		haveDist = false
		// Online services, and services with no physical location, pass a
		// radius unless in-person was asked for.
		remote := !p.inPersonOnly && (t.delivery[slot]&deliveryBit(directory.DeliveryOnline) != 0 || fl&flagPhysical == 0)
		if p.q.RadiusM > 0 && !remote {
			in, d := t.withinCellM(slot, p.point, p.radius, p.cells)
			if !in {
				return cand{}, false, false
			}
			c.dist, haveDist = d, !math.IsNaN(d)
		}
	}

	if !haveDist && bar.dist < math.Inf(1) {
		// Nearest first and the top is full: one further than the
		// furthest kept, or with no place at all, cannot get in.
		if fl&flagPhysical == 0 {
			return c, true, false
		}
		if fl&flagMorePts == 0 && t.point[slot].distanceAtLeastM(p.point) > bar.dist*(1+boundSlack) {
			return c, true, false
		}
	}

	if bar.score > math.Inf(-1) {
		// The top is full: one that cannot reach it even with every asked
		// term met, no penalty and (with a place) the most nearness adds
		// is not scored. Most of a common word's hits, and most rows of a
		// matcher's pass, stop here.
		b := p.bound(text, phrase)
		if p.q.HasPoint {
			b += WeightNear
		}
		if b < bar.score {
			return c, true, false
		}
	}
	cp := p.components(t, slot, text, phrase, 0)
	if !p.q.HasPoint {
		c.score = cp.total()
		return c, true, true
	}
	// Nearness adds at most WeightNear, and a sum of floats never falls
	// when one term grows, so this bound is never below the true score.
	cp.Near = WeightNear
	if cp.total() < bar.score {
		return c, true, false
	}
	if !haveDist {
		c.dist = t.nearestM(slot, p.point)
	}
	cp.Near = p.near(t, slot, c.dist)
	c.score = cp.total()
	return c, true, true
}

// near is the nearness component of a slot at distance dist (NaN when it
// has no physical location): online and phone services count as
// OnlineEquivalentM away, others with no place get nothing. Only for
// queries with a point.
func (p *plan) near(t *table, slot uint32, dist float64) float64 {
	switch {
	case !math.IsNaN(dist):
		return WeightNear * math.Exp(-dist/NearScaleM)
	case t.delivery[slot]&(deliveryBit(directory.DeliveryOnline)|deliveryBit(directory.DeliveryPhone)) != 0:
		return p.nearOnlineEquivalent
	}
	return 0
}

// components scores one slot; near is the nearness component, worked out
// by the caller.
func (p *plan) components(t *table, slot uint32, text, phrase, near float64) Components {
	var cp Components
	if p.hasText {
		cp.Text = WeightText * text
	}
	if phrase > 0 {
		cp.Phrase = WeightPhrase * (1 + phrase) / 2
	}
	cp.Need = p.needScore[bits.OnesCount32(t.needs[slot]&p.needs)]
	cp.Interest = p.interestScore[bits.OnesCount32(t.interests[slot]&p.interests)]
	cp.Activity = p.activityScore[bits.OnesCount16(t.activities[slot]&p.activities)]
	cp.Near = near
	cp.Penalty = p.capPenalty[t.capacity[slot]]
	if t.assured[slot] < p.staleBefore {
		cp.Penalty += PenaltyNotAssured
	}
	return cp
}

// bound is at least the highest score a slot with this text relevance
// and phrase share can have without a place: its components with every
// asked need, interest and activity met and no penalty. Summed in another
// order than total() sums them, it could fall short by a rounding, so
// boundMargin, far above any rounding of scores near 1, is added.
func (p *plan) bound(text, phrase float64) float64 {
	b := p.termsBound + boundMargin
	if p.hasText {
		b += WeightText * text
	}
	if phrase > 0 {
		b += WeightPhrase * (1 + phrase) / 2
	}
	return b
}

const boundMargin = 1e-9

func (c Components) total() float64 {
	return c.Text + c.Phrase + c.Need + c.Interest + c.Activity + c.Near - c.Penalty
}

// less reports whether a ranks before b: by score (or distance, for
// SortNearest), then distance, name and id, so that the order is total and
// pages never overlap or skip.
func (p *plan) less(t *table) func(a, b cand) bool {
	byDist := func(a, b cand) int {
		an, bn := math.IsNaN(a.dist), math.IsNaN(b.dist)
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return cmp.Compare(a.dist, b.dist)
	}
	byScore := func(a, b cand) int { return cmp.Compare(b.score, a.score) }
	primary, secondary := byScore, byDist
	names := t.names.ranks()
	if p.order == nearestFirst {
		primary, secondary = byDist, byScore
	}
	return func(a, b cand) bool {
		if c := primary(a, b); c != 0 {
			return c < 0
		}
		if c := secondary(a, b); c != 0 {
			return c < 0
		}
		if names != nil {
			return names[a.slot] < names[b.slot]
		}
		return compareNames(&t.rows[a.slot], &t.rows[b.slot]) < 0
	}
}

// topK keeps the best k candidates seen, in a heap whose root is the worst
// kept, so a pass over n candidates costs O(n log k) and no large slice.
type topK struct {
	k    int
	less func(a, b cand) bool
	h    []cand
}

func newTopK(k int, less func(a, b cand) bool) *topK {
	return &topK{k: k, less: less, h: make([]cand, 0, min(k, 1024))}
}

func (t *topK) push(c cand) {
	if len(t.h) < t.k {
		t.h = append(t.h, c)
		t.up(len(t.h) - 1)
		return
	}
	if t.k == 0 || !t.less(c, t.h[0]) {
		return
	}
	t.h[0] = c
	t.down(0)
}

// bar is what a candidate must reach to get into the kept top: nothing
// until the top is full, then, when the order is by score first, the
// lowest score kept, and when it is by distance first, the furthest
// distance kept.
type bar struct {
	score float64 // -Inf: any score
	dist  float64 // +Inf: any distance
}

func (t *topK) bar(order rankOrder) bar {
	b := bar{score: math.Inf(-1), dist: math.Inf(1)}
	if len(t.h) < t.k || t.k == 0 {
		return b
	}
	// (A kept candidate with no distance ranks after every one with a
	// distance, so it sets no bar on distance.)
	if worst := t.h[0]; order == bestFirst {
		b.score = worst.score
	} else if !math.IsNaN(worst.dist) {
		b.dist = worst.dist
	}
	return b
}

// worse orders the heap: the root is the candidate that ranks last.
func (t *topK) worse(i, j int) bool { return t.less(t.h[j], t.h[i]) }

func (t *topK) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !t.worse(i, parent) {
			return
		}
		t.h[i], t.h[parent] = t.h[parent], t.h[i]
		i = parent
	}
}

func (t *topK) down(i int) {
	n := len(t.h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		w := l
		if r := l + 1; r < n && t.worse(r, l) {
			w = r
		}
		if !t.worse(w, i) {
			return
		}
		t.h[i], t.h[w] = t.h[w], t.h[i]
		i = w
	}
}

// sorted returns the kept candidates best first.
func (t *topK) sorted() []cand {
	out := slices.Clone(t.h)
	slices.SortFunc(out, func(a, b cand) int {
		if t.less(a, b) {
			return -1
		}
		if t.less(b, a) {
			return 1
		}
		return 0
	})
	return out
}

// facetCounter counts facets over every matching slot.
type facetCounter struct {
	total      int
	needs      [32]int
	interests  [32]int
	activities [16]int
	delivery   [3]int
	free       int
}

func (f *facetCounter) add(t *table, slot uint32) {
	f.total++
	for m := t.needs[slot]; m != 0; m &= m - 1 {
		f.needs[bits.TrailingZeros32(m)]++
	}
	for m := t.interests[slot]; m != 0; m &= m - 1 {
		f.interests[bits.TrailingZeros32(m)]++
	}
	for m := t.activities[slot]; m != 0; m &= m - 1 {
		f.activities[bits.TrailingZeros16(m)]++
	}
	d := t.delivery[slot]
	for i := range f.delivery {
		if d&(1<<i) != 0 {
			f.delivery[i]++
		}
	}
	if t.flags[slot]&flagFree != 0 {
		f.free++
	}
}

func (f *facetCounter) facets() Facets {
	counts := func(vocab []directory.Term, n []int) []FacetCount {
		out := make([]FacetCount, len(vocab))
		for i, term := range vocab {
			out[i] = FacetCount{Code: term.Code, Label: term.Label, Count: n[i]}
		}
		return out
	}
	fs := Facets{
		Needs:      counts(directory.Needs, f.needs[:]),
		Interests:  counts(directory.Interests, f.interests[:]),
		Activities: counts(directory.Activities, f.activities[:]),
		Free:       f.free,
	}
	for _, d := range directory.Deliveries {
		fs.Delivery = append(fs.Delivery, FacetCount{Code: string(d), Label: d.Label(), Count: f.delivery[bits.TrailingZeros8(deliveryBit(d))]})
	}
	return fs
}

// result builds the full Result for a candidate on the page.
func (p *plan) result(t *table, c cand) Result {
	r := Result{Score: c.score}
	var near float64
	if p.q.HasPoint {
		if !math.IsNaN(c.dist) {
			d := c.dist
			r.DistanceM = &d
		}
		near = p.near(t, c.slot, c.dist)
	}
	r.Components = p.components(t, c.slot, c.text, c.phrase, near)
	r.Reasons = p.reasons(t, c, time.Unix(t.assured[c.slot], 0))
	return r
}
