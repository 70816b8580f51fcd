package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"signpost/data"
	"signpost/directory"
	"signpost/engine"
)

// The tests of this package run over the embedded sample directory. It is
// imported into a store and indexed once per package (fixture.build); each
// test gets its own copy of the files, opened afresh, so tests may change
// their store without meeting each other, and none pays for an import or
// an index build. The sample is read here and nowhere else in web, and only
// by tests (TestWebDoesNotImportData).

// testNow pins dates shown on pages.
var testNow = func() time.Time { return time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC) }

// editorialNow is the editorial sites' starting time.
var editorialNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// fixture is the package's one build of the sample: the store and index
// files, the gazetteer, and what the editorial tests need to know of the
// sample.
var fixture sampleFixture

type sampleFixture struct {
	once sync.Once
	err  error
	// dir holds sample/ (the sample, indexed) and editorial/ (the same
	// with an account for every role).
	dir    string
	places *directory.Gazetteer
	// orgA and orgB are the two organisations with the most listings;
	// listingA and listingB an active listing of each.
	orgA, orgB, listingA, listingB string
}

// indexBuilds counts the search index builds of the package's tests: one,
// by the fixture, when every test opens a copy.
var indexBuilds atomic.Int32

// buildCounter is the engine's progress writer in tests: it counts the
// builds the engine announces.
type buildCounter struct{}

func (buildCounter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("rebuilding")) {
		indexBuilds.Add(1)
	}
	return len(p), nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	closeSharedBrowser()
	if n := indexBuilds.Load(); n > 1 && code == 0 {
		fmt.Fprintf(os.Stderr, "FAIL: the sample was indexed %d times; every test should open a copy of the one fixture\n", n)
		code = 1
	}
	os.Exit(code)
}

// gazetteer is read once: it is only read after loading, so
// every test and site shares it.
var gazetteer struct {
	once sync.Once
	g    *directory.Gazetteer
	err  error
}

func loadPlaces() (*directory.Gazetteer, error) {
	gazetteer.once.Do(func() { gazetteer.g, gazetteer.err = directory.LoadGazetteer(data.Gazetteer()) })
	return gazetteer.g, gazetteer.err
}

// everydayPhrases is the embedded everyday-phrases file, for tests that
// type a phrase meaning a term.
func everydayPhrases() io.Reader { return data.EverydayPhrases() }

// crisisWords is the embedded crisis language as a CrisisCheck, for
// sites over fakes, parsed once.
var crisisWords = sync.OnceValue(func() CrisisCheck {
	p, err := engine.ParseCrisisPhrases(data.CrisisPhrases())
	if err != nil {
		panic(err)
	}
	return phraseCheck{p}
})

type phraseCheck struct{ p *engine.CrisisPhrases }

func (c phraseCheck) Crisis(text string) bool {
	_, ok := c.p.Match(text)
	return ok
}

// helpNowText is the embedded urgent-help page, as cmd passes it. (A
// strings.Reader does not fail.)
func helpNowText() string {
	b, _ := io.ReadAll(data.HelpNow())
	return string(b)
}

// basemap is the embedded basemap and water names, read once.
var basemap struct {
	once sync.Once
	b    *directory.Basemap
	err  error
}

// mustBasemap is the embedded basemap and water names.
func mustBasemap(tb testing.TB) *directory.Basemap {
	tb.Helper()
	basemap.once.Do(func() { basemap.b, basemap.err = directory.LoadBasemap(data.Basemap(), data.WaterNames()) })
	if basemap.err != nil {
		tb.Fatalf("load the basemap: %v", basemap.err)
	}
	return basemap.b
}

// engineOptions open the engine as serve does: with the embedded
// vocabulary, crisis phrases and basemap, the pinned clock, and the build
// counter.
func engineOptions() ([]engine.Option, error) {
	vocab, err := engine.ParseVocabulary(data.EverydayPhrases())
	if err != nil {
		return nil, err
	}
	crisis, err := engine.ParseCrisisPhrases(data.CrisisPhrases())
	if err != nil {
		return nil, err
	}
	bm, err := directory.LoadBasemap(data.Basemap(), data.WaterNames())
	if err != nil {
		return nil, err
	}
	places, err := loadPlaces()
	if err != nil {
		return nil, err
	}
	return []engine.Option{engine.WithClock(testNow), engine.WithProgress(buildCounter{}),
		engine.WithVocabulary(vocab), engine.WithCrisisPhrases(crisis), engine.WithWaters(bm),
		engine.WithDistricts(places.Places())}, nil
}

// testPlaces is the gazetteer, for sites over fakes.
func testPlaces(tb testing.TB) *directory.Gazetteer {
	tb.Helper()
	g, err := loadPlaces()
	if err != nil {
		tb.Fatalf("load the gazetteer: %v", err)
	}
	return g
}

// sampleFiles returns the fixture, building it on first use.
func sampleFiles(tb testing.TB) *sampleFixture {
	tb.Helper()
	fixture.once.Do(func() { fixture.err = fixture.build() })
	if fixture.err != nil {
		tb.Fatalf("build the sample fixture: %v", fixture.err)
	}
	return &fixture
}

func (f *sampleFixture) build() error {
	ctx := context.Background()
	var err error
	if f.dir, err = os.MkdirTemp("", "signpost-web-test-"); err != nil {
		return err
	}
	if f.places, err = loadPlaces(); err != nil {
		return err
	}
	sample := filepath.Join(f.dir, "sample")
	if err := os.MkdirAll(sample, 0o755); err != nil {
		return err
	}
	store, err := directory.Open(filepath.Join(sample, "signpost.db"))
	if err != nil {
		return err
	}
	im, err := store.BeginImport(ctx, "sample", directory.Save{Actor: "test"})
	if err != nil {
		store.Close()
		return err
	}
	sc := bufio.NewScanner(data.SampleServices())
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var svc directory.Service
		if err := json.Unmarshal(sc.Bytes(), &svc); err != nil {
			store.Close()
			return err
		}
		if err := im.Put(ctx, &svc); err != nil {
			store.Close()
			return err
		}
	}
	if err := sc.Err(); err != nil {
		store.Close()
		return err
	}
	if _, err := im.Commit(ctx); err != nil {
		store.Close()
		return err
	}
	if err := f.pickOrgs(ctx, store); err != nil {
		store.Close()
		return err
	}
	opts, err := engineOptions()
	if err != nil {
		store.Close()
		return err
	}
	eng, err := engine.Open(filepath.Join(sample, "index"), store, opts...)
	if err != nil {
		store.Close()
		return err
	}
	// Closing writes the table beside the index, so a copy opens without
	// reading every listing.
	if err := eng.Close(); err != nil {
		store.Close()
		return err
	}
	if err := store.Close(); err != nil {
		return err
	}

	// The editorial copy: the same, with an account for every role.
	// Accounts do not move the store's generation, so the index stays
	// current.
	editorial := filepath.Join(f.dir, "editorial")
	if err := copyDir(sample, editorial); err != nil {
		return err
	}
	if store, err = directory.Open(filepath.Join(editorial, "signpost.db")); err != nil {
		return err
	}
	store.SetClock(func() time.Time { return editorialNow })
	for _, a := range []directory.Account{
		{Email: emailAdmin, Role: directory.RoleAdmin},
		{Email: emailProvA, Role: directory.RoleProvider, Orgs: []string{f.orgA}},
		{Email: emailProvB, Role: directory.RoleProvider, Orgs: []string{f.orgB}},
		{Email: emailLW, Role: directory.RoleLinkWorker},
		{Email: emailComm, Role: directory.RoleCommissioner},
	} {
		if _, err := store.AddAccount(ctx, a, testPassword); err != nil {
			store.Close()
			return err
		}
	}
	return store.Close()
}

// pickOrgs finds the two organisations with the most listings, and an
// active listing of each (one hidden from search, closed say, would
// confuse the flow tests).
func (f *sampleFixture) pickOrgs(ctx context.Context, store *directory.Store) error {
	counts := map[string]int{}
	first := map[string]string{}
	err := store.EachService(ctx, func(svc *directory.Service) error {
		org := svc.OrgID()
		counts[org]++
		if first[org] == "" && svc.Status == directory.StatusActive {
			first[org] = svc.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	for org, n := range counts {
		switch {
		case f.orgA == "" || n > counts[f.orgA] || (n == counts[f.orgA] && org < f.orgA):
			f.orgB, f.orgA = f.orgA, org
		case f.orgB == "" || n > counts[f.orgB] || (n == counts[f.orgB] && org < f.orgB):
			f.orgB = org
		}
	}
	f.listingA, f.listingB = first[f.orgA], first[f.orgB]
	if f.listingA == "" || f.listingB == "" {
		return fmt.Errorf("the sample's largest organisations %s and %s have no active listing", f.orgA, f.orgB)
	}
	return nil
}

// open copies the fixture's files named which ("sample" or "editorial")
// into a folder of the test and opens them: a store, and the engine kept
// in step with it.
func (f *sampleFixture) open(tb testing.TB, which string) (*directory.Store, *engine.Engine) {
	tb.Helper()
	dir := tb.TempDir()
	if err := copyDir(filepath.Join(f.dir, which), dir); err != nil {
		tb.Fatal(err)
	}
	store, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	opts, err := engineOptions()
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := engine.Open(filepath.Join(dir, "index"), store, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { eng.Close() })
	store.Watch(func(ch directory.Change) {
		if err := eng.Apply(context.Background(), ch); err != nil {
			tb.Errorf("index update: %v", err)
		}
	})
	return store, eng
}

// copyDir copies the regular files under src into dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestSampleIndexedOnce: opening sites copies the one fixture; nothing
// imports the sample or builds its index again. (TestMain checks the same
// over the whole package.)
func TestSampleIndexedOnce(t *testing.T) {
	newSampleSite(t)
	before := indexBuilds.Load()
	newSampleSite(t)
	newEditorialSite(t)
	if after := indexBuilds.Load(); after != before || after > 1 {
		t.Errorf("the index was built %d times, %d of them by opening copies", after, after-before)
	}
}

// TestWebDoesNotImportData: the site's own code never reads the embedded
// sample or gazetteer (DESIGN: only cmd and directory do; cmd hands web a
// loaded gazetteer). Only this package's tests use data, in this file.
func TestWebDoesNotImportData(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range append(files, more...) {
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if path == "signpost/data" && filepath.Base(name) != "fixture_test.go" {
				t.Errorf("%s imports signpost/data; only fixture_test.go may", name)
			}
		}
	}
}
