package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"signpost/directory"
)

// providerOutcomesPage is /provider/outcomes: what people said of the
// provider's own listings on their shared lists, as anonymous figures
// under the same rules as the insight pages.
type providerOutcomesPage struct {
	BasePage
	PeriodOptions []option
	Org           string
	Orgs          []*insightTable
	// Choose lists every organisation, for an admin who has not picked one.
	Choose []link
}

func (h *providerHandlers) providerOutcomes(w http.ResponseWriter, r *http.Request) error {
	p, err := h.buildOutcomes(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "provider-outcomes", p)
	return nil
}

// providerOutcomesCSV is the page's tables as one CSV file, a column
// naming each row's organisation.
func (h *providerHandlers) providerOutcomesCSV(w http.ResponseWriter, r *http.Request) error {
	p, err := h.buildOutcomes(r)
	if err != nil {
		return err
	}
	if p.Choose != nil {
		return &httpError{status: http.StatusBadRequest, heading: "Choose an organisation", message: "Download the figures of one organisation at a time."}
	}
	var head []string
	var rows [][]string
	for _, t := range p.Orgs {
		head = append([]string{"Organisation"}, t.Head...)
		for _, row := range t.Rows {
			rows = append(rows, append([]string{t.OrgName}, row...))
		}
	}
	if head == nil {
		head = append([]string{"Organisation", "Listing"}, outcomeHead...)
	}
	return writeCSV(w, "signpost-outcomes.csv", head, rows)
}

func (h *providerHandlers) buildOutcomes(r *http.Request) (*providerOutcomesPage, error) {
	ctx := r.Context()
	p := &providerOutcomesPage{BasePage: BasePage{Title: "Did people go, and did it help?", Nav: "provider"}}
	period := defaultInsightPeriod
	if v := r.URL.Query().Get("period"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || !slices.ContainsFunc(insightPeriods, func(x insightPeriod) bool { return x.Weeks == n }) {
			return nil, &httpError{status: http.StatusBadRequest, heading: "That period cannot be shown", message: "Choose a period from the list."}
		}
		period = n
	}
	for _, per := range insightPeriods {
		p.PeriodOptions = append(p.PeriodOptions, option{Value: strconv.Itoa(per.Weeks), Label: per.Label, Selected: per.Weeks == period})
	}
	orgIDs, all := orgsFor(currentAccount(r), permProviderArea)
	if org := resourceOrg(r); org != "" {
		orgIDs, all, p.Org = []string{org}, false, org
	}
	if all {
		err := h.store.EachOrganization(ctx, func(o *directory.Organization) error {
			p.Choose = append(p.Choose, link{Href: "/provider/outcomes?org=" + url.QueryEscape(o.ID), Text: o.Name})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list organisations: %w", err)
		}
		return p, nil
	}
	from, to := insightFilter{Period: period}.weeks(h.now())
	for _, orgID := range orgIDs {
		name := orgID
		if org, err := h.store.Organization(ctx, orgID); err == nil {
			name = org.Name
		} else if !errors.Is(err, directory.ErrNotFound) {
			return nil, fmt.Errorf("organisation %s: %w", orgID, err)
		}
		svcs, err := h.store.ServicesOf(ctx, orgID)
		if err != nil {
			return nil, fmt.Errorf("listings of %s: %w", orgID, err)
		}
		ids := []string{}
		for _, s := range svcs {
			ids = append(ids, s.ID)
		}
		rows, err := h.outcomes.OutcomeAggregates(ctx, directory.OutcomeFilter{From: from, To: to, ServiceIDs: ids})
		if err != nil {
			return nil, fmt.Errorf("outcomes of %s: %w", orgID, err)
		}
		byService := map[string]*directory.OutcomeCounts{}
		for _, row := range rows {
			if byService[row.ServiceID] == nil {
				byService[row.ServiceID] = &directory.OutcomeCounts{}
			}
			byService[row.ServiceID].Add(row.OutcomeCounts)
		}
		t := uptakeTable("outcomes-"+orgID, "Answers about the listings of "+name, "Listing")
		t.Shown = len(svcs)
		for _, s := range svcs {
			if c := byService[s.ID]; c != nil {
				t.Rows = append(t.Rows, append([]string{s.Name}, outcomeCells(*c)...))
			}
		}
		q := url.Values{"period": {strconv.Itoa(period)}}
		if p.Org != "" {
			q.Set("org", p.Org)
		}
		t.CSV = "/provider/outcomes.csv?" + q.Encode()
		t.OrgName = name
		p.Orgs = append(p.Orgs, t)
	}
	return p, nil
}
