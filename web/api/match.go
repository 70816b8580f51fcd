package api

import (
	"net/http"

	"signpost/engine"
)

// matchItem is one result of /match: a service, the score it got, how far
// away it is and why it was chosen, in plain English.
type matchItem struct {
	Service any     `json:"service"`
	Score   float64 `json:"score"`
	// DistanceM is absent for a service with no place to visit (online or
	// by phone) and when no place was given.
	DistanceM *float64        `json:"distance_m,omitempty"`
	Reasons   []engine.Reason `json:"reasons"`
}

// match answers GET /match: the same parameters as /services, but needs,
// interests, activity types and words are weighed rather than required.
func (s *server) match(w http.ResponseWriter, r *http.Request) error {
	q, err := s.parseServiceQuery(r.Context(), r.URL.Query())
	if err != nil {
		return err
	}
	if q.ndjson {
		return badParam("format", "match answers in pages; use /services?format=ndjson to stream a whole list")
	}
	page, err := pageOfMatches(r.Context(), s.search.Match, &q, func(res engine.Result) matchItem {
		reasons := res.Reasons
		if reasons == nil {
			reasons = []engine.Reason{}
		}
		return matchItem{Service: q.shape.render(res.Service), Score: res.Score, DistanceM: res.DistanceM, Reasons: reasons}
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, page)
}
