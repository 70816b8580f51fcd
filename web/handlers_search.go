package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"signpost/directory"
	"signpost/engine"
)

// resultsPerPage keeps a page of results light enough for a slow phone.
const resultsPerPage = 20

// searchPage is /search.
type searchPage struct {
	BasePage
	Form          finderForm
	RadiusOptions []option
	SortOptions   []option
	DayOptions    []option
	Facets        facetsView
	// FiltersChosen counts the filters in force, for the closed
	// "Filter results" disclosure.
	FiltersChosen int

	Problems problemList
	// Unknown is a place that was not found, with DidYouMean offering
	// close names as links to the same search there.
	Unknown    string
	DidYouMean []link

	Searched   bool
	Heading    string
	Words      *wordsNote
	Results    []resultView
	Total      int
	Map        template.HTML
	Pagination pagination
	PrintHref  string
	Advice     []suggestion
}

type link struct {
	Href string
	Text string
}

// facetsView is the filter panel: each choice with how many results it
// would leave.
type facetsView struct {
	Free       option
	Delivery   []option
	Needs      []option
	Interests  []option
	Activities []option
	// Access are the access features, without counts: the engine does
	// not count them.
	Access []option
}

// finderAnswer is what running a finder form gave.
type finderAnswer struct {
	place    *directory.Place
	radiusM  float64
	res      *engine.Results
	problems []problem
	unknown  string
	didYou   []directory.Place
	// relaxations are the ways to widen a search that found nothing,
	// each with what it would find.
	relaxations []engine.Relaxation
	// instead is set when nothing matched the words and res holds the
	// results of a near word; asked is then what was made of the words
	// typed.
	instead *engine.Relaxation
	asked   *engine.Interpreted
}

// finderMode says how the needs, interests and activities of a finder
// form count.
type finderMode int

const (
	// searching treats them as filters: /search.
	searching finderMode = iota
	// matching scores them: /match.
	matching
)

// find resolves the place, runs the search or match, and turns a bad value
// into problems for the form rather than an error page.
func (h *publicHandlers) find(r *http.Request, f finderForm, mode finderMode) (finderAnswer, error) {
	var a finderAnswer
	if f.Near != "" {
		if p, ok := h.places.Lookup(f.Near); ok {
			if p.Kind == directory.PlacePoint {
				// The search still starts at the point itself.
				if name, ok := h.maps.nearestName(p.Lat, p.Lon); ok {
					p.Name = name
				} else {
					p.Name = yourLocation
				}
			}
			a.place = &p
		} else {
			a.unknown = f.Near
			a.didYou = h.places.Suggest(f.Near, 3)
			a.problems = append(a.problems, problem{Field: "near", Message: unknownPlaceMessage(f.Near, a.didYou)})
		}
	}
	// A bad radius is refused even without a place, as the API refuses a
	// bad proximity: a value that means nothing is never quietly dropped.
	m, ok := f.radiusMetres(h.units)
	if !ok {
		a.problems = append(a.problems, problem{Field: "radius", Message: radiusProblem})
	}
	if a.place != nil && ok {
		a.radiusM = m
	}
	// The other values are read even when the place or radius is wrong,
	// so that the summary lists every problem at once, in page order.
	q, problems := f.query(a.place, a.radiusM, resultsPerPage)
	a.problems = append(a.problems, problems...)
	if len(a.problems) > 0 {
		a.problems = problemList(a.problems).inPageOrder(finderControls...)
		return a, nil
	}
	var err error
	if a.res, err = h.run(r.Context(), q, mode); err != nil {
		return a, fmt.Errorf("search: %w", err)
	}
	if a.res.Total > 0 {
		return a, nil
	}
	// Zero results is the last resort: find what each way of widening
	// the search would find, and when a word near one typed finds
	// something, show that, saying so (unless the person asked for the
	// words as typed).
	if a.relaxations, err = h.relax(r.Context(), q, mode); err != nil {
		return a, fmt.Errorf("search: %w", err)
	}
	for i, rel := range a.relaxations {
		if rel.Kind != engine.RelaxWord || f.Verbatim {
			continue
		}
		res, err := h.run(r.Context(), rel.Query, mode)
		if err != nil {
			return a, fmt.Errorf("search: %w", err)
		}
		a.asked, a.res, a.instead, a.relaxations = a.res.Interpreted, res, &a.relaxations[i], nil
		break
	}
	return a, nil
}

func (h *publicHandlers) run(ctx context.Context, q engine.Query, mode finderMode) (*engine.Results, error) {
	if mode == matching {
		return h.finder.Match(ctx, q)
	}
	return h.finder.Search(ctx, q)
}

func (h *publicHandlers) relax(ctx context.Context, q engine.Query, mode finderMode) ([]engine.Relaxation, error) {
	if mode == matching {
		return h.finder.MatchRelaxations(ctx, q)
	}
	return h.finder.Relaxations(ctx, q)
}

// finderControls are the search page's and the matcher's controls in the
// order they appear, for the error summary.
var finderControls = []string{"q", "near", "radius", "sort", "free", "day", "delivery-any", "age", "access", "need", "interest", "activity", "page"}

func unknownPlaceMessage(typed string, suggestions []directory.Place) string {
	msg := fmt.Sprintf("We couldn't find '%s'.", typed)
	if len(suggestions) > 0 {
		var names []string
		for _, p := range suggestions {
			names = append(names, p.Name)
		}
		return msg + " Did you mean " + orJoin(names) + "?"
	}
	return msg + " Try a town, a neighbourhood or the first half of a postcode, such as L20."
}

func orJoin(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

func (h *publicHandlers) search(w http.ResponseWriter, r *http.Request) error {
	f := readFinderForm(r.URL.Query())
	p := &searchPage{
		BasePage:      BasePage{Title: "Search activities and support", Nav: "search", QuickExit: quickExitForForm(f)},
		Form:          f,
		RadiusOptions: radiusOptions(f.Radius, h.units),
		SortOptions:   sortOptions(f.Sort),
		DayOptions:    dayOptions(f.Day),
		FiltersChosen: f.filtersChosen(),
	}
	a, err := h.find(r, f, searching)
	if err != nil {
		return err
	}
	p.Crisis = h.finderCrisis(f, a.res)
	p.QuickExit = p.QuickExit || p.Crisis != ""
	status := http.StatusOK
	if len(a.problems) > 0 {
		status = http.StatusBadRequest
		p.Title = "Error: " + p.Title
		p.Problems, p.Unknown = a.problems, a.unknown
		for _, sug := range a.didYou {
			g := f
			g.Near, g.Page = sug.Name, ""
			p.DidYouMean = append(p.DidYouMean, link{Href: g.href("/search"), Text: sug.Name})
		}
		p.Facets = facetsFor(f, nil)
		h.render(w, r, status, "search", p)
		return nil
	}
	p.Searched = true
	h.countDemand(r, f, a)
	p.QuickExit = p.QuickExit || wordsMeanSafety(a.res)
	if namedPoint(a.place) {
		// The box says where, as a person would; the links keep the
		// point, so every page of results starts from it.
		p.Form.Near = a.place.Name
	}
	p.Total = a.res.Total
	p.Results = h.resultViews(r.Context(), a.res.Items, (a.res.Page-1)*a.res.Size, a.place, f.href("/search"), a.res.Interpreted)
	searchHref := func(g finderForm) string { return g.href("/search") }
	p.Words = newWordsNote(f, a, searchHref)
	p.Heading = resultsHeading(a.res.Total, f, a.place, p.Words)
	p.Title = searchTitle(f, a.place, a.res)
	p.Map = h.maps.resultsMap(p.Results, a.place, "results", false)
	p.Pagination = paginate(f, "/search", a.res)
	p.Facets = facetsFor(f, &a.res.Facets)
	printForm := f
	printForm.Page = ""
	p.PrintHref = printForm.href("/search/print")
	p.Advice = suggestions(f, a.relaxations, h.units, searchHref, "activity", "activities")
	h.render(w, r, status, "search", p)
	return nil
}

// resultsHeading says how many were found for what, where: for the words
// searched in place of those typed when there are some, and for no words
// when every one was filler.
func resultsHeading(total int, f finderForm, place *directory.Place, words *wordsNote) string {
	noun := "activities"
	if total == 1 {
		noun = "activity"
	}
	h := fmt.Sprintf("%d %s found", total, noun)
	q := f.Q
	switch {
	case words == nil:
	case words.Vague:
		q = ""
	case words.Instead != "":
		q = words.Instead
	case words.Corrected != "":
		q = words.Corrected
	}
	if q != "" {
		h += " for ‘" + q + "’"
	}
	if place != nil {
		h += " near " + place.Name
	}
	return h
}

// searchTitle makes each results page's title unique: words, place, page.
func searchTitle(f finderForm, place *directory.Place, res *engine.Results) string {
	var parts []string
	if f.Q != "" {
		parts = append(parts, "‘"+f.Q+"’")
	}
	if place != nil {
		parts = append(parts, "near "+place.Name)
	}
	t := "Search results"
	if len(parts) > 0 {
		t = "Search results for " + strings.Join(parts, " ")
	}
	if res.Page > 1 {
		t += fmt.Sprintf(", page %d", res.Page)
	}
	return t
}

func facetsFor(f finderForm, fc *engine.Facets) facetsView {
	var v facetsView
	v.Free = option{Value: "1", Label: "Free", Selected: f.Free, ID: "free"}
	if fc != nil {
		v.Free.Count, v.Free.HasCount = fc.Free, true
	}
	v.Delivery = []option{{Value: "", Label: "Any way", Selected: f.Delivery == "", ID: "delivery-any"}}
	for _, d := range directory.Deliveries {
		o := option{Value: string(d), Label: d.Label(), Selected: f.Delivery == string(d), ID: "delivery-" + string(d)}
		if fc != nil {
			for _, c := range fc.Delivery {
				if c.Code == string(d) {
					o.Count, o.HasCount = c.Count, true
				}
			}
		}
		v.Delivery = append(v.Delivery, o)
	}
	v.Needs = termOptions("need", directory.Needs, f.Needs, counts(fc, func(f *engine.Facets) []engine.FacetCount { return f.Needs }))
	v.Interests = termOptions("interest", directory.Interests, f.Interest, counts(fc, func(f *engine.Facets) []engine.FacetCount { return f.Interests }))
	v.Activities = termOptions("activity", directory.Activities, f.Activity, counts(fc, func(f *engine.Facets) []engine.FacetCount { return f.Activities }))
	v.Access = termOptions("accessibility", directory.AccessFeatures, f.AccessFeatures, nil)
	return v
}

func counts(fc *engine.Facets, pick func(*engine.Facets) []engine.FacetCount) map[string]int {
	if fc == nil {
		return nil
	}
	m := map[string]int{}
	for _, c := range pick(fc) {
		m[c.Code] = c.Count
	}
	return m
}

// termOptions lists a vocabulary as checkboxes. With counts, terms that no
// result has are left out (unless ticked), which keeps the page short and
// every choice useful.
func termOptions(field string, vocab []directory.Term, checked []string, counts map[string]int) []option {
	var out []option
	for _, t := range vocab {
		o := option{Value: t.Code, Label: t.Label, ID: field + "-" + t.Code}
		for _, c := range checked {
			if c == t.Code {
				o.Selected = true
			}
		}
		if counts != nil {
			o.Count, o.HasCount = counts[t.Code], true
			if o.Count == 0 && !o.Selected {
				continue
			}
		}
		out = append(out, o)
	}
	return out
}

// radiusWords says a radius: "within 5 miles", "any distance".
func radiusWords(r string, u engine.Units) string {
	n, err := strconv.ParseFloat(r, 64)
	if r == "any" || err != nil {
		return "any distance"
	}
	return "within " + u.Count(n)
}

func without(list []string, drop string) []string {
	var out []string
	for _, x := range list {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}
