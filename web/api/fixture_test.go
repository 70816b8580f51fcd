package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"signpost/data"
	"signpost/directory"
	"signpost/directory/hsds"
	"signpost/engine"
)

// fixture is the API over a real store and engine, served on :0.
type fixture struct {
	store *directory.Store
	eng   *engine.Engine
	srv   *httptest.Server
}

// newFixture opens an empty store and engine in t.TempDir(), stores svcs in
// one import, imports the HSDS files given, and serves the API.
func newFixture(t testing.TB, svcs []*directory.Service, files ...string) *fixture {
	t.Helper()
	return newFixtureWith(t, nil, svcs, files...)
}

// newFixtureWith is newFixture with engine options.
func newFixtureWith(t testing.TB, opts []engine.Option, svcs []*directory.Service, files ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if len(svcs) > 0 {
		im, err := st.BeginImport(ctx, "test", directory.Save{Actor: "test", Action: directory.ActionImport})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range svcs {
			if err := im.Put(ctx, s); err != nil {
				t.Fatalf("store %s: %v", s.ID, err)
			}
		}
		if _, err := im.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		if _, err := hsds.ImportFile(ctx, st, f, hsds.ImportOptions{Actor: "test"}); err != nil {
			t.Fatalf("import %s: %v", f, err)
		}
	}
	eng, err := engine.Open(filepath.Join(dir, "index"), st, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	st.Watch(func(ch directory.Change) {
		if err := eng.Apply(context.Background(), ch); err != nil {
			t.Errorf("engine apply: %v", err)
		}
	})
	gaz := loadGazetteer(t)
	srv := httptest.NewServer(mustNew(t, Config{Store: st, Engine: eng, Gazetteer: gaz, Provision: eng}))
	t.Cleanup(srv.Close)
	return &fixture{store: st, eng: eng, srv: srv}
}

// loadGazetteer reads the project's own gazetteer (data/gazetteer.csv).
func loadGazetteer(t testing.TB) *directory.Gazetteer {
	t.Helper()
	f, err := os.Open("../../data/gazetteer.csv")
	if err != nil {
		t.Fatalf("the gazetteer: %v", err)
	}
	defer f.Close()
	g, err := directory.LoadGazetteer(f)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// get fetches path and returns the response with its body read.
func (f *fixture) get(t testing.TB, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	return fetch(t, f.srv, path, header...)
}

func fetch(t testing.TB, srv *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// Synthetic services for the paging and oracle tests: every field the
// filters read is varied, around Liverpool, where the gazetteer knows
// places.

var (
	synthOrgs = func() []*directory.Organization {
		var out []*directory.Organization
		for i, name := range []string{"Riverside Trust", "Northside Community Centre", "Open Door Project", "Harbour Friends", "Green Lane Allotments"} {
			out = append(out, &directory.Organization{
				ID:          uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprintf("org-%d", i))).String(),
				Name:        name,
				Description: name + " runs activities for local people.",
			})
		}
		return out
	}()
	// otherTaxonomy stands for a council's own taxonomy in imported data.
	otherTaxonomy = directory.Taxonomy{
		ID:          uuid.NewSHA1(uuid.NameSpaceURL, []byte("other-taxonomy")).String(),
		Name:        "council-categories",
		Description: "A council's own categories",
	}
	otherTerms = func() []directory.TaxonomyTerm {
		var out []directory.TaxonomyTerm
		for _, name := range []string{"Older people", "Young carers", "Veterans"} {
			out = append(out, directory.TaxonomyTerm{
				ID:          uuid.NewSHA1(uuid.NameSpaceURL, []byte("other-term/"+name)).String(),
				Code:        strings.ToLower(strings.ReplaceAll(name, " ", "-")),
				Name:        name,
				Description: name,
				Taxonomy:    otherTaxonomy.Name,
				TaxonomyID:  otherTaxonomy.ID,
			})
		}
		return out
	}()
	synthWords = []string{"gardening", "choir", "walking", "cooking", "art", "coffee", "support", "reading", "swimming", "chess"}
)

func synthID(seed uint64, kind string, i int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(fmt.Sprintf("%d/%s/%d", seed, kind, i))).String()
}

// synthServices makes n deterministic, valid services.
func synthServices(n int, seed uint64) []*directory.Service {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]*directory.Service, n)
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		id := synthID(seed, "service", i)
		org := synthOrgs[r.IntN(len(synthOrgs))]
		s := &directory.Service{
			ID:             id,
			Name:           fmt.Sprintf("%s %s group %d", strings.ToUpper(synthWords[r.IntN(len(synthWords))][:1])+synthWords[r.IntN(len(synthWords))][1:], []string{"Tuesday", "Friendly", "Community"}[r.IntN(3)], i),
			Description:    "A friendly group for " + synthWords[r.IntN(len(synthWords))] + " and " + synthWords[r.IntN(len(synthWords))] + ".",
			Status:         directory.StatusActive,
			OrganizationID: org.ID,
			Organization:   org,
			LastModified:   base.Add(time.Duration(r.IntN(600*24)) * time.Hour).Format(time.RFC3339),
			AssuredDate:    base.Add(time.Duration(r.IntN(600)) * 24 * time.Hour).Format("2006-01-02"),
			Capacity:       directory.Capacities[r.IntN(len(directory.Capacities))],
		}
		if r.IntN(10) == 0 {
			s.Status = directory.StatusInactive
		}
		for _, vocab := range [][]directory.Term{directory.Needs, directory.Interests, directory.Activities} {
			for k := r.IntN(3); k > 0; k-- {
				s.Attributes = append(s.Attributes, directory.TermAttribute(id, vocab[r.IntN(len(vocab))]))
			}
		}
		if r.IntN(4) == 0 {
			term := otherTerms[r.IntN(len(otherTerms))]
			tax := otherTaxonomy
			term.TaxonomyDetail = &tax
			s.Attributes = append(s.Attributes, directory.Attribute{
				ID: synthID(seed, "attr", i), LinkID: id, LinkType: "service", LinkEntity: "service",
				TaxonomyTermID: term.ID, TaxonomyTerm: &term,
			})
		}
		if r.IntN(2) == 0 {
			v := float64(r.IntN(40))
			s.MinimumAge = &v
		}
		if r.IntN(2) == 0 {
			v := float64(40 + r.IntN(60))
			s.MaximumAge = &v
		}
		if r.IntN(3) == 0 {
			amount := float64(r.IntN(3)) * 2.5
			s.CostOptions = []directory.CostOption{{ID: synthID(seed, "cost", i), Amount: &amount, Currency: "GBP"}}
		}
		if r.IntN(5) != 0 {
			var days []string
			for _, d := range directory.Weekdays {
				if r.IntN(3) == 0 {
					days = append(days, d)
				}
			}
			if len(days) > 0 {
				s.Schedules = []directory.Schedule{{ID: synthID(seed, "schedule", i), Freq: "WEEKLY", ByDay: strings.Join(days, ",")}}
			}
		}
		for k := r.IntN(3); k > 0; k-- {
			lat := 53.40 + (r.Float64()-0.5)*0.4
			lon := -2.98 + (r.Float64()-0.5)*0.4
			loc := &directory.Location{ID: synthID(seed, fmt.Sprintf("loc%d", k), i), LocationType: directory.LocationPhysical, Name: "Hall", Latitude: &lat, Longitude: &lon}
			if r.IntN(4) == 0 {
				loc.Accessibility = []directory.Accessibility{{ID: synthID(seed, fmt.Sprintf("acc%d", k), i), Description: "Wheelchair access and a hearing loop"}}
			}
			s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: synthID(seed, fmt.Sprintf("sal%d", k), i), ServiceID: id, LocationID: loc.ID, Location: loc})
		}
		if r.IntN(3) == 0 {
			loc := &directory.Location{ID: synthID(seed, "vloc", i), LocationType: directory.LocationVirtual, URL: "https://example.org/join", Name: "Online"}
			s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{ID: synthID(seed, "vsal", i), ServiceID: id, LocationID: loc.ID, Location: loc})
		}
		if r.IntN(6) == 0 {
			s.Delivery = []directory.Delivery{directory.DeliveryPhone}
		}
		if r.IntN(5) == 0 {
			s.Languages = []directory.Language{{ID: synthID(seed, "lang", i), Code: "pl", Name: "Polish"}}
		}
		out[i] = s
	}
	return out
}

// mustNew builds the API handler or fails the test.
func mustNew(tb testing.TB, cfg Config) http.Handler {
	tb.Helper()
	h, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// sampleFixture serves the sample directory with the default vocabulary
// and crisis phrases, as `signpost serve` does.
func sampleFixture(t *testing.T) *fixture {
	t.Helper()
	var svcs []*directory.Service
	sc := bufio.NewScanner(data.SampleServices())
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var s directory.Service
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatal(err)
		}
		svcs = append(svcs, &s)
	}
	vocab, err := engine.ParseVocabulary(data.EverydayPhrases())
	if err != nil {
		t.Fatal(err)
	}
	crisis, err := engine.ParseCrisisPhrases(data.CrisisPhrases())
	if err != nil {
		t.Fatal(err)
	}
	return newFixtureWith(t, []engine.Option{engine.WithVocabulary(vocab), engine.WithCrisisPhrases(crisis),
		engine.WithDistricts(loadGazetteer(t).Places())}, svcs)
}
