package web

import (
	"net/http"
	"regexp"
	"slices"

	"signpost/directory"
	"signpost/engine"
)

// DemandCounter counts searches that found nothing in person for a need
// (unmet demand). *engine.DemandCounter satisfies it: Count only queues,
// so a search never waits on it and never fails because of it.
type DemandCounter interface {
	Count(engine.DemandAsk)
}

// botAgent matches the User-Agent of clients that say they are robots:
// crawlers, link checkers and monitors. Their searches are not people
// looking for support.
var botAgent = regexp.MustCompile(`(?i)bot\b|bot/|crawl|spider|slurp|preview|monitor|headless|curl|wget|python-|go-http-client|scrapy|httpclient|java/|facebookexternalhit|lighthouse|pingdom|uptime`)

// isBot reports whether a request comes from a client that says it is a
// robot, or says nothing at all (no browser sends no User-Agent).
func isBot(r *http.Request) bool {
	ua := r.UserAgent()
	return ua == "" || botAgent.MatchString(ua)
}

// countDemand queues a search or match of the public site for the unmet
// demand figures: only the needs (ticked, or read from the words as a
// need's code — never the words), the place and radius, and the time. A
// search with no place or no need, a later page of the same results and
// a robot's request are not counted.
func (h *publicHandlers) countDemand(r *http.Request, f finderForm, a finderAnswer) {
	if h.demand == nil || a.place == nil || a.res == nil || (f.Page != "" && f.Page != "1") || isBot(r) {
		return
	}
	needs := slices.Clone(f.Needs)
	if in := a.res.Interpreted; in != nil {
		for _, ph := range in.Phrases {
			for _, n := range ph.Needs {
				if !slices.Contains(needs, n) {
					needs = append(needs, n)
				}
			}
		}
	}
	var known []string
	for _, n := range needs {
		if _, ok := directory.LookupTerm(directory.TaxonomyNeeds, n); ok {
			known = append(known, n)
		}
	}
	if len(known) == 0 {
		return
	}
	h.demand.Count(engine.DemandAsk{Needs: known, Place: *a.place, RadiusM: a.radiusM, At: h.now()})
}
