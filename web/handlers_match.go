package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"signpost/directory"
	"signpost/engine"
)

// The matcher's steps, in order. Each is skippable; the query string holds
// every answer so far, so Back, refresh and sharing work.
var matchSteps = []struct {
	Key     string
	Heading string
	// Fields are the query parameters the step asks for.
	Fields []string
}{
	{"needs", "Is anything hard at the moment?", []string{"need", "q"}},
	{"interests", "What do you enjoy, or would like to try?", []string{"interest"}},
	{"place", "Where would you like to go?", []string{"near", "radius"}},
	{"fit", "Is there anything it must fit?", []string{"free", "day", "delivery", "age", "accessibility", "access"}},
}

const matchResultsStep = "results"

// matchPage is /match: one step of questions, or the results.
type matchPage struct {
	BasePage
	Step      string
	StepNo    int
	StepCount int
	Heading   string
	Form      finderForm
	// Hidden carries the answers of the other steps through this step's
	// form.
	Hidden   []hiddenField
	NextStep string
	SkipHref string
	BackHref string

	Needs         []option
	Interests     []option
	RadiusOptions []option
	DayOptions    []option
	Delivery      []option
	Access        []option

	Problems   problemList
	DidYouMean []link

	// Results step.
	Answers    []answer
	Words      *wordsNote
	Results    []resultView
	Total      int
	ResultHead string
	Map        template.HTML
	Pagination pagination
	PrintHref  string
	Advice     []suggestion
}

type hiddenField struct{ Name, Value string }

// answer is one line of "what you told us", with a link to change it.
type answer struct {
	Question string
	Answer   string
	Href     string
}

func stepIndex(key string) int {
	for i, s := range matchSteps {
		if s.Key == key {
			return i
		}
	}
	return -1
}

// stepHref is the matcher at step key with the form's answers.
func stepHref(f finderForm, key string) string {
	v := f.values()
	v.Del("page")
	v.Set("step", key)
	return "/match?" + v.Encode()
}

func (h *publicHandlers) match(w http.ResponseWriter, r *http.Request) error {
	f := readFinderForm(r.URL.Query())
	step := r.URL.Query().Get("step")
	if step == "" {
		step = matchSteps[0].Key
	}
	if step == matchResultsStep {
		return h.matchResults(w, r, f)
	}
	i := stepIndex(step)
	if i < 0 {
		return &httpError{status: http.StatusBadRequest, heading: "That step does not exist",
			message: "Start the questions again from the beginning."}
	}
	h.render(w, r, http.StatusOK, "match", h.matchStepPage(f, i))
	return nil
}

func (h *publicHandlers) matchStepPage(f finderForm, i int) *matchPage {
	st := matchSteps[i]
	p := &matchPage{
		BasePage: BasePage{Title: fmt.Sprintf("%s (step %d of %d) – Find what suits you", st.Heading, i+1, len(matchSteps)), Nav: "match",
			QuickExit: quickExitForForm(f)},
		Step:      st.Key,
		StepNo:    i + 1,
		StepCount: len(matchSteps),
		Heading:   st.Heading,
		Form:      f,
		NextStep:  matchResultsStep,
	}
	p.Crisis = h.finderCrisis(f, nil)
	p.QuickExit = p.QuickExit || p.Crisis != ""
	if i+1 < len(matchSteps) {
		p.NextStep = matchSteps[i+1].Key
	}
	// Answers of the other steps ride along as hidden fields.
	v := f.values()
	v.Del("page")
	for _, name := range st.Fields {
		v.Del(name)
	}
	for _, k := range sortedKeys(v) {
		for _, val := range v[k] {
			p.Hidden = append(p.Hidden, hiddenField{k, val})
		}
	}
	skip := v
	skip.Set("step", p.NextStep)
	p.SkipHref = "/match?" + skip.Encode()
	if i == 0 {
		p.BackHref = "/"
	} else {
		p.BackHref = stepHref(f, matchSteps[i-1].Key)
	}
	switch st.Key {
	case "needs":
		p.Needs = termOptions("need", directory.Needs, f.Needs, nil)
	case "interests":
		p.Interests = termOptions("interest", directory.Interests, f.Interest, nil)
	case "place":
		p.RadiusOptions = radiusOptions(f.Radius, h.units)
	case "fit":
		p.DayOptions = dayOptions(f.Day)
		p.Delivery = facetsFor(f, nil).Delivery
		p.Access = termOptions("accessibility", directory.AccessFeatures, f.AccessFeatures, nil)
	}
	return p
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (h *publicHandlers) matchResults(w http.ResponseWriter, r *http.Request, f finderForm) error {
	a, err := h.find(r, f, matching)
	if err != nil {
		return err
	}
	if len(a.problems) > 0 {
		// Send the person back to the first step with a wrong answer, with
		// that step's problems explained there.
		i := len(matchSteps) - 1
		for _, pr := range a.problems {
			i = min(i, problemStep(pr))
		}
		p := h.matchStepPage(f, i)
		p.Title = "Error: " + p.Title
		for _, pr := range a.problems {
			if problemStep(pr) == i {
				p.Problems = append(p.Problems, pr)
			}
		}
		for _, sug := range a.didYou {
			g := f
			g.Near = sug.Name
			p.DidYouMean = append(p.DidYouMean, link{Href: stepHref(g, matchResultsStep), Text: sug.Name})
		}
		h.render(w, r, http.StatusBadRequest, "match", p)
		return nil
	}
	h.countDemand(r, f, a)
	p := &matchPage{
		BasePage:  BasePage{Title: "Suggestions for you – Find what suits you", Nav: "match", QuickExit: quickExitForForm(f)},
		Step:      matchResultsStep,
		StepCount: len(matchSteps),
		Heading:   "Suggestions for you",
		Form:      f,
		Answers:   matchAnswers(f, a.place, h.units),
		Total:     a.res.Total,
		BackHref:  stepHref(f, matchSteps[len(matchSteps)-1].Key),
	}
	p.Crisis = h.finderCrisis(f, a.res)
	p.QuickExit = p.QuickExit || p.Crisis != "" || wordsMeanSafety(a.res)
	if f.Q != "" {
		// The words belong with what is hard: the step that asks for both.
		words := answer{Question: "In your own words", Answer: f.Q, Href: stepHref(f, "needs")}
		p.Answers = slices.Insert(p.Answers, 1, words)
	}
	if a.res.Page > 1 {
		p.Title = fmt.Sprintf("Suggestions for you, page %d – Find what suits you", a.res.Page)
	}
	p.Results = h.resultViews(r.Context(), a.res.Items, (a.res.Page-1)*a.res.Size, a.place, withParam(f.href("/match"), "step", matchResultsStep), a.res.Interpreted)
	resultsHref := func(g finderForm) string { return stepHref(g, matchResultsStep) }
	p.Words = newWordsNote(f, a, resultsHref)
	p.ResultHead = fmt.Sprintf("%d %s, best first", a.res.Total, pluralWord(a.res.Total, "suggestion", "suggestions"))
	p.Map = h.maps.resultsMap(p.Results, a.place, "suggestions", false)
	g := f
	p.Pagination = paginate(g, "/match", a.res)
	if p.Pagination.PrevHref != "" {
		p.Pagination.PrevHref = withParam(p.Pagination.PrevHref, "step", matchResultsStep)
	}
	if p.Pagination.NextHref != "" {
		p.Pagination.NextHref = withParam(p.Pagination.NextHref, "step", matchResultsStep)
	}
	g.Page = ""
	p.PrintHref = g.href("/match/print")
	p.Advice = suggestions(f, a.relaxations, h.units, resultsHref, "suggestion", "suggestions")
	h.render(w, r, http.StatusOK, "match", p)
	return nil
}

// problemStep is the index of the matcher step that asks for the control
// a problem is about.
func problemStep(pr problem) int {
	switch pr.Field {
	case "need", "q":
		return stepIndex("needs")
	case "interest":
		return stepIndex("interests")
	case "near", "radius":
		return stepIndex("place")
	}
	return stepIndex("fit")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// matchAnswers says back what the person told the matcher.
func matchAnswers(f finderForm, place *directory.Place, u engine.Units) []answer {
	labels := func(taxonomy string, codes []string) string {
		var out []string
		for _, c := range codes {
			if t, ok := directory.LookupTerm(taxonomy, c); ok {
				out = append(out, t.Label)
			}
		}
		if len(out) == 0 {
			return "Nothing chosen"
		}
		return strings.Join(out, "; ")
	}
	where := "Anywhere"
	if place != nil {
		where = place.Name + ", " + radiusWords(f.Radius, u)
	}
	var fit []string
	if f.Free {
		fit = append(fit, "Free")
	}
	if f.Day != "" {
		fit = append(fit, "On "+dayPlural[strings.ToUpper(f.Day)])
	}
	if f.Delivery != "" {
		fit = append(fit, directory.Delivery(f.Delivery).Label())
	}
	if f.Age != "" {
		fit = append(fit, "Age "+f.Age)
	}
	if len(f.AccessFeatures) > 0 {
		fit = append(fit, "Access: "+labels(directory.TaxonomyAccess, f.AccessFeatures))
	}
	if f.Access != "" {
		fit = append(fit, "Accessibility: "+f.Access)
	}
	fitText := "Nothing in particular"
	if len(fit) > 0 {
		fitText = strings.Join(fit, "; ")
	}
	return []answer{
		{"What is hard", labels(directory.TaxonomyNeeds, f.Needs), stepHref(f, "needs")},
		{"What you enjoy", labels(directory.TaxonomyInterests, f.Interest), stepHref(f, "interests")},
		{"Where", where, stepHref(f, "place")},
		{"What it must fit", fitText, stepHref(f, "fit")},
	}
}

// withParam adds one query parameter to a link.
func withParam(href, key, value string) string {
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	return href + sep + url.QueryEscape(key) + "=" + url.QueryEscape(value)
}
