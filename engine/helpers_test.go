package engine

import (
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"signpost/directory"
)

// memSource is an in-memory Source: a map of services and a generation.
type memSource struct {
	mu       sync.Mutex
	gen      uint64
	services map[string]*directory.Service
	// reads counts EachService calls.
	reads int
}

func newMemSource(svcs ...*directory.Service) *memSource {
	m := &memSource{services: map[string]*directory.Service{}}
	for _, s := range svcs {
		m.services[s.ID] = s
	}
	if len(svcs) > 0 {
		m.gen = 1
	}
	return m
}

func (m *memSource) Generation(ctx context.Context) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.gen, nil
}

func (m *memSource) EachService(ctx context.Context, fn func(*directory.Service) error) error {
	m.mu.Lock()
	m.reads++
	ids := slices.Sorted(maps.Keys(m.services))
	svcs := make([]*directory.Service, len(ids))
	for i, id := range ids {
		svcs[i] = m.services[id]
	}
	m.mu.Unlock()
	for _, s := range svcs {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

func (m *memSource) Service(ctx context.Context, id string) (*directory.Service, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.services[id]
	if !ok {
		return nil, fmt.Errorf("service %s: %w", id, directory.ErrNotFound)
	}
	return s, nil
}

// put stores services as one committed write and returns its Change.
func (m *memSource) put(svcs ...*directory.Service) directory.Change {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	ch := directory.Change{Generation: m.gen}
	for _, s := range svcs {
		m.services[s.ID] = s
		ch.ServiceIDs = append(ch.ServiceIDs, s.ID)
	}
	return ch
}

func (m *memSource) delete(ids ...string) directory.Change {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gen++
	ch := directory.Change{Generation: m.gen}
	for _, id := range ids {
		delete(m.services, id)
		ch.ServiceIDs = append(ch.ServiceIDs, id)
	}
	return ch
}

func (m *memSource) all() []*directory.Service {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*directory.Service, 0, len(m.services))
	for _, id := range slices.Sorted(maps.Keys(m.services)) {
		out = append(out, m.services[id])
	}
	return out
}

// testNow is the clock every test engine runs at.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// mustOpen opens an engine over src in a fresh folder, closed at cleanup.
func mustOpen(tb testing.TB, src Source, opts ...Option) (*Engine, string) {
	tb.Helper()
	dir := tb.TempDir() + "/index"
	e, err := Open(dir, src, append([]Option{WithClock(func() time.Time { return testNow })}, opts...)...)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { e.Close() })
	return e, dir
}

// The centre of the test fixtures: Liverpool city centre.
const centreLat, centreLon = 53.4084, -2.9916

// offsetKm returns the point north and east of the centre by the given
// kilometres.
func offsetKm(north, east float64) (lat, lon float64) {
	lat = centreLat + north/111.195
	lon = centreLon + east/(111.195*math.Cos(centreLat*math.Pi/180))
	return lat, lon
}

// svcOpt changes a fixture service.
type svcOpt func(*directory.Service)

// mk builds a fixture service: active, accepting, assured last month, with
// no location, cost or schedule unless opts add them.
func mk(id, name, desc string, opts ...svcOpt) *directory.Service {
	s := &directory.Service{
		ID: id, Name: name, Description: desc, Status: directory.StatusActive,
		AssuredDate: testNow.AddDate(0, -1, 0).Format("2006-01-02"),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

func atKm(north, east float64) svcOpt {
	return func(s *directory.Service) {
		lat, lon := offsetKm(north, east)
		n := len(s.ServiceAtLocations)
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{
			ID: fmt.Sprintf("%s-sal-%d", s.ID, n),
			Location: &directory.Location{
				ID: fmt.Sprintf("%s-loc-%d", s.ID, n), LocationType: directory.LocationPhysical,
				Latitude: &lat, Longitude: &lon,
			},
		})
	}
}

func online() svcOpt {
	return func(s *directory.Service) {
		s.ServiceAtLocations = append(s.ServiceAtLocations, directory.ServiceAtLocation{
			ID:       s.ID + "-virtual",
			Location: &directory.Location{ID: s.ID + "-vloc", LocationType: directory.LocationVirtual, URL: "https://example.org"},
		})
	}
}

func delivery(ds ...directory.Delivery) svcOpt {
	return func(s *directory.Service) { s.Delivery = ds }
}

func terms(taxonomy string, codes ...string) svcOpt {
	return func(s *directory.Service) {
		for _, c := range codes {
			t, ok := directory.LookupTerm(taxonomy, c)
			if !ok {
				panic("fixture uses unknown term " + taxonomy + "/" + c)
			}
			s.Attributes = append(s.Attributes, directory.TermAttribute(s.ID, t))
		}
	}
}

func needs(codes ...string) svcOpt      { return terms(directory.TaxonomyNeeds, codes...) }
func interests(codes ...string) svcOpt  { return terms(directory.TaxonomyInterests, codes...) }
func activities(codes ...string) svcOpt { return terms(directory.TaxonomyActivities, codes...) }

func capacity(c directory.Capacity) svcOpt     { return func(s *directory.Service) { s.Capacity = c } }
func status(st directory.ServiceStatus) svcOpt { return func(s *directory.Service) { s.Status = st } }
func assured(date string) svcOpt               { return func(s *directory.Service) { s.AssuredDate = date } }

func cost(amount float64) svcOpt {
	return func(s *directory.Service) {
		s.CostOptions = append(s.CostOptions, directory.CostOption{ID: s.ID + "-cost", Amount: &amount, Currency: "GBP"})
	}
}

func ages(lo, hi float64) svcOpt {
	return func(s *directory.Service) { s.MinimumAge, s.MaximumAge = &lo, &hi }
}

func days(byday string) svcOpt {
	return func(s *directory.Service) {
		s.Schedules = append(s.Schedules, directory.Schedule{ID: s.ID + "-sched", Freq: "WEEKLY", ByDay: byday})
	}
}

func access(desc string) svcOpt {
	return func(s *directory.Service) {
		for i := range s.ServiceAtLocations {
			if l := s.ServiceAtLocations[i].Location; l != nil {
				l.Accessibility = append(l.Accessibility, directory.Accessibility{ID: l.ID + "-acc", Description: desc})
			}
		}
	}
}

func language(code, name string) svcOpt {
	return func(s *directory.Service) {
		s.Languages = append(s.Languages, directory.Language{ID: s.ID + "-lang-" + code, Code: code, Name: name})
	}
}

// TestMain removes the shared fixtures' folder once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		if shared.ranking != nil {
			shared.ranking.Close()
		}
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// shared holds fixtures built once per test binary: building a Bleve index
// is most of a small test's time, and several tests only read the same
// one.
var shared struct {
	once    sync.Once
	dir     string
	ranking *Engine
	err     error
}

// rankingEngine is one engine over rankingFixture for the tests that only
// search it. A test that writes must open its own with mustOpen.
func rankingEngine(tb testing.TB) *Engine {
	tb.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "signpost-engine-test-"); shared.err != nil {
			return
		}
		shared.ranking, shared.err = Open(filepath.Join(shared.dir, "index"), newMemSource(rankingFixture()...),
			WithClock(func() time.Time { return testNow }), WithVocabulary(defaultVocab(tb)))
	})
	if shared.err != nil {
		tb.Fatalf("shared ranking engine: %v", shared.err)
	}
	return shared.ranking
}

// sizeFromEnv is the number of services a benchmark builds: the environment
// variable's value, or 100,000.
func sizeFromEnv(b *testing.B, env string) int {
	s := os.Getenv(env)
	if s == "" {
		return 100_000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("%s: bad number of services %q", env, s)
	}
	return n
}
