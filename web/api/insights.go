package api

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"

	"signpost/directory"
	"signpost/engine"
)

// ProvisionSource measures how far each postcode district lies from
// in-person support for each need. *engine.Engine satisfies it.
type ProvisionSource interface {
	Provision(ctx context.Context) (*engine.Provision, error)
}

// Gap is one item of /insights/gaps: a need, a postcode district, and the
// distance in metres from the district's centre to the nearest in-person
// activity meeting the need; null when the directory has none.
type Gap struct {
	Need     string   `json:"need"`
	District string   `json:"district"`
	NearestM *float64 `json:"nearest_m"`
}

// listGaps answers GET /insights/gaps: need and district (repeatable or
// comma-separated) narrow the list; page, per_page. Items come by need in
// vocabulary order, then district in gazetteer order. These are facts
// about listings, not people, so nothing is rounded.
func (s *server) listGaps(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := parsePaging(q)
	if err != nil {
		return err
	}
	needs, err := codesParam(q, "need", directory.TaxonomyNeeds)
	if err != nil {
		return err
	}
	if s.cfg.Provision == nil {
		return &Error{Status: http.StatusNotFound, Message: "provision gaps are not served here"}
	}
	prov, err := s.cfg.Provision.Provision(r.Context())
	if err != nil {
		return err
	}
	var districts []string
	for _, d := range splitList(q["district"]) {
		d = strings.ToUpper(strings.Join(strings.Fields(d), ""))
		if !slices.ContainsFunc(prov.Districts, func(p directory.Place) bool { return p.Name == d }) {
			return badParam("district", "unknown postcode district %q", d)
		}
		districts = append(districts, d)
	}
	var out []Gap
	for _, g := range prov.All() {
		if (len(needs) > 0 && !slices.Contains(needs, g.Need.Code)) || (len(districts) > 0 && !slices.Contains(districts, g.District.Name)) {
			continue
		}
		item := Gap{Need: g.Need.Code, District: g.District.Name}
		if !g.None() {
			m := math.Round(g.NearestM)
			item.NearestM = &m
		}
		out = append(out, item)
	}
	return writeJSON(w, http.StatusOK, pageOf(out, p))
}
