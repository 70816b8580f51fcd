package web

import (
	"html/template"
	"net/http"
	"time"
)

// printListPage is a clean list of results for paper: /search/print and
// /match/print.
type printListPage struct {
	BasePage
	Heading  string
	Criteria []answer
	Results  []resultView
	Map      template.HTML
	Total    int
	Shown    int
	Printed  string
	BackHref string
}

func (h *publicHandlers) searchPrint(w http.ResponseWriter, r *http.Request) error {
	return h.printList(w, r, searching)
}

func (h *publicHandlers) matchPrint(w http.ResponseWriter, r *http.Request) error {
	return h.printList(w, r, matching)
}

func (h *publicHandlers) printList(w http.ResponseWriter, r *http.Request, mode finderMode) error {
	f := readFinderForm(r.URL.Query())
	a, err := h.find(r, f, mode)
	if err != nil {
		return err
	}
	if len(a.problems) > 0 {
		// The print link is made from a search that worked; a hand-edited
		// one gets the search page, which explains the problem.
		return redirect(w, r, f.href("/search"))
	}
	words := newWordsNote(f, a, func(g finderForm) string { return g.href("/search") })
	p := &printListPage{
		BasePage: BasePage{Title: "Printable list: " + searchTitle(f, a.place, a.res), Print: true},
		Heading:  resultsHeading(a.res.Total, f, a.place, words),
		Criteria: matchAnswers(f, a.place, h.units),
		Results:  h.resultViews(a.res.Items, (a.res.Page-1)*a.res.Size, a.place, "", a.res.Interpreted),
		Total:    a.res.Total,
		Printed:  dateText(h.now()),
		BackHref: f.href("/search"),
	}
	if mode == matching {
		p.Title = "Printable list: suggestions for you"
		p.Heading = "Suggestions for you"
		p.BackHref = withParam(f.href("/match"), "step", matchResultsStep)
	}
	if f.Q != "" {
		searched := []answer{{Question: "You searched for", Answer: f.Q}}
		switch {
		case words == nil:
		case words.Instead != "":
			searched = append(searched, answer{Question: "Nothing matched that, so this list is for", Answer: words.Instead})
		case words.Corrected != "":
			searched = append(searched, answer{Question: "This list is for", Answer: words.Corrected})
		}
		p.Criteria = append(searched, p.Criteria...)
	}
	p.Shown = len(p.Results)
	p.Map = h.maps.resultsMap(p.Results, a.place, "results", true)
	h.render(w, r, http.StatusOK, "search-print", p)
	return nil
}

// dateText writes a date the way people read it: "4 March 2025".
func dateText(t time.Time) string { return t.Format("2 January 2006") }

// dateTimeText writes a date and a time of day: "4 March 2025, 14:05".
func dateTimeText(t time.Time) string { return t.Format("2 January 2006, 15:04") }
