package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"signpost/directory"
	"signpost/engine"
)

// fakeFinder answers every search with the same results and remembers
// the queries it was asked.
type fakeFinder struct {
	mu      sync.Mutex
	results *engine.Results
	err     error
	panics  bool
	queries []engine.Query
	matched []bool
	// relaxations are offered for every search.
	relaxations []engine.Relaxation
}

func (f *fakeFinder) answer(q engine.Query, match bool) (*engine.Results, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.panics {
		panic("finder exploded")
	}
	f.queries = append(f.queries, q)
	f.matched = append(f.matched, match)
	if f.err != nil {
		return nil, f.err
	}
	res := *f.results
	res.Page = max(q.Page, 1)
	res.Size = max(q.Size, 1)
	return &res, nil
}

func (f *fakeFinder) Search(_ context.Context, q engine.Query) (*engine.Results, error) {
	return f.answer(q, false)
}

func (f *fakeFinder) Match(_ context.Context, q engine.Query) (*engine.Results, error) {
	return f.answer(q, true)
}

func (f *fakeFinder) Relaxations(_ context.Context, q engine.Query) ([]engine.Relaxation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.relaxations, f.err
}

func (f *fakeFinder) MatchRelaxations(ctx context.Context, q engine.Query) ([]engine.Relaxation, error) {
	return f.Relaxations(ctx, q)
}

func (f *fakeFinder) last(t *testing.T) engine.Query {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.queries) == 0 {
		t.Fatal("the finder was not asked")
	}
	return f.queries[len(f.queries)-1]
}

// fakeListings holds services in memory and validates corrections as the
// store does.
type fakeListings struct {
	mu          sync.Mutex
	services    map[string]*directory.Service
	corrections []directory.Correction
}

func (l *fakeListings) Service(_ context.Context, id string) (*directory.Service, error) {
	if svc, ok := l.services[id]; ok {
		return svc, nil
	}
	return nil, fmt.Errorf("service %s: %w", id, directory.ErrNotFound)
}

func (l *fakeListings) ServiceNames(_ context.Context, ids []string) (map[string]string, error) {
	names := map[string]string{}
	for _, id := range ids {
		if svc, ok := l.services[id]; ok {
			names[id] = svc.Name
		}
	}
	return names, nil
}

func (l *fakeListings) MergedInto(_ context.Context, lead string) ([]*directory.Service, error) {
	var out []*directory.Service
	for _, s := range l.services {
		if s.SupersededBy == lead {
			out = append(out, s)
		}
	}
	return out, nil
}

func (l *fakeListings) AddCorrection(_ context.Context, c directory.Correction) (directory.Correction, error) {
	if errs := c.Validate().Errors(); len(errs) > 0 {
		return directory.Correction{}, &directory.ValidationError{ID: c.ServiceID, Problems: errs}
	}
	if _, ok := l.services[c.ServiceID]; !ok {
		return directory.Correction{}, directory.ErrNotFound
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c.ID, c.Status = fmt.Sprint(len(l.corrections)+1), directory.CorrectionOpen
	l.corrections = append(l.corrections, c)
	return c, nil
}

func num(v float64) *float64 { return &v }

// gardenClub is a listing with everything a page shows.
func gardenClub() *directory.Service {
	id := "11111111-1111-4111-8111-111111111111"
	svc := &directory.Service{
		ID:                 id,
		Name:               "Bootle Garden Club",
		Description:        "# Welcome\n\nWe grow **vegetables** together.\n\n- tea\n- cake",
		Status:             directory.StatusActive,
		Email:              "garden@example.org",
		URL:                "https://example.org/garden",
		ApplicationProcess: "Just come along.",
		MinimumAge:         num(18),
		AssuredDate:        "2025-03-04",
		Capacity:           directory.CapacityWaitingList,
		Organization:       &directory.Organization{ID: "22222222-2222-4222-8222-222222222222", Name: "Friends of Derby Park"},
		Phones:             []directory.Phone{{ID: "p1", Number: "0151 496 0000"}},
		Schedules:          []directory.Schedule{{ID: "s1", Freq: "WEEKLY", ByDay: "TU,TH", OpensAt: "10:00", ClosesAt: "12:00"}},
		CostOptions:        []directory.CostOption{{ID: "c1", Amount: num(0)}},
		ServiceAtLocations: []directory.ServiceAtLocation{{ID: "sal1", Location: &directory.Location{
			ID: "l1", LocationType: directory.LocationPhysical, Name: "Derby Park", Latitude: num(53.447), Longitude: num(-2.989),
			Addresses:     []directory.Address{{ID: "a1", Address1: "Park Road", City: "Bootle", PostalCode: "L20 3AB"}},
			Accessibility: []directory.Accessibility{{ID: "x1", Description: "Raised beds for wheelchair users"}},
		}}},
	}
	svc.Attributes = []directory.Attribute{directory.TermAttribute(id, directory.Interests[3])}
	return svc
}

// unusedStores stands in for the stores of the account areas on a site
// whose tests never reach them: any call is a nil-interface panic, which
// the site turns into a 500 a test would see.
type unusedStores struct {
	AccountStore
	ProviderStore
	AdminStore
	ShortlistStore
	MailStore
	InsightStore
	OutcomeStore
}

// Service is ambiguous between the embedded interfaces; it is unused too.
func (unusedStores) Service(context.Context, string) (*directory.Service, error) {
	panic("unusedStores.Service")
}

// Draft is ambiguous between the embedded interfaces; it is unused too.
func (unusedStores) Draft(context.Context, string) (*directory.Draft, error) {
	panic("unusedStores.Draft")
}

// EachOrganization is ambiguous between the embedded interfaces.
func (unusedStores) EachOrganization(context.Context, func(*directory.Organization) error) error {
	panic("unusedStores.EachOrganization")
}

// Corrections is ambiguous between the embedded interfaces.
func (unusedStores) Corrections(context.Context, string) ([]directory.Correction, error) {
	panic("unusedStores.Corrections")
}

// SetCorrectionStatus is ambiguous between the embedded interfaces.
func (unusedStores) SetCorrectionStatus(context.Context, directory.CorrectionUpdate) (directory.Correction, error) {
	panic("unusedStores.SetCorrectionStatus")
}

// fakeSite is a Server over fakes, with its log captured.
type fakeSite struct {
	srv      *Server
	finder   *fakeFinder
	listings *fakeListings
	places   *directory.Gazetteer
	logs     *bytes.Buffer
}

// config is the Config of a site over the fakes.
func (fs *fakeSite) config() Config {
	var none unusedStores
	return Config{Engine: fs.finder, Store: fs.listings, Gazetteer: fs.places,
		Accounts: none, Provider: none, Admin: none, Shortlists: none, Mail: none, HelpNow: helpNowText(), Crisis: crisisWords(),
		Demand: &fakeDemand{}, Insights: none, Provision: unusedProvision{}, Outcomes: none}
}

func newFakeSite(t *testing.T) *fakeSite {
	t.Helper()
	places := testPlaces(t)
	club := gardenClub()
	fs := &fakeSite{
		finder: &fakeFinder{results: &engine.Results{
			Total: 1,
			Items: []engine.Result{{Service: club, Score: 1.2, DistanceM: num(420),
				Reasons: []engine.Reason{{Kind: engine.ReasonInterest, Text: "You said you enjoy: gardening"}, {Kind: engine.ReasonDistance, Text: "0.3 miles away"}, {Kind: engine.ReasonFree, Text: "Free"}}}},
			Facets: engine.Facets{Free: 1, Interests: []engine.FacetCount{{Code: "gardening", Label: "Gardening", Count: 1}}},
		}},
		listings: &fakeListings{services: map[string]*directory.Service{club.ID: club}},
		places:   places,
		logs:     &bytes.Buffer{},
	}
	cfg := fs.config()
	cfg.Now, cfg.Logger = testNow, slog.New(slog.NewTextHandler(fs.logs, nil))
	cfg.Basemap, cfg.MapPlaces = mustBasemap(t), places.Places()
	var err error
	fs.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// fakeDemand keeps the searches counted as unmet demand.
type fakeDemand struct {
	mu   sync.Mutex
	asks []engine.DemandAsk
}

func (d *fakeDemand) Count(a engine.DemandAsk) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asks = append(d.asks, a)
}

// unusedProvision stands in for the provision gaps on a site whose tests
// never reach the insight pages.
type unusedProvision struct{}

func (unusedProvision) Provision(context.Context) (*engine.Provision, error) {
	panic("unusedProvision.Provision")
}
