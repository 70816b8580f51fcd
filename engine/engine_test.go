package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"signpost/directory"
)

func ids(res *Results) []string {
	var out []string
	for _, it := range res.Items {
		out = append(out, it.Service.ID)
	}
	return out
}

func TestOpenRebuildsWhenIndexMissingOrStale(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(50, 1)...)
	dir := t.TempDir() + "/index"

	var progress bytes.Buffer
	e, err := Open(dir, src, WithProgress(&progress))
	if err != nil {
		t.Fatalf("first Open: %v", err)
	}
	if !strings.Contains(progress.String(), "rebuilding (no index") {
		t.Errorf("first open progress = %q, want a rebuild because there is no index", progress.String())
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("current index is reused", func(t *testing.T) {
		progress.Reset()
		e, err := Open(dir, src, WithProgress(&progress))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer e.Close()
		if progress.Len() != 0 {
			t.Errorf("progress = %q, want no rebuild", progress.String())
		}
		res, err := e.Search(ctx, Query{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total == 0 {
			t.Error("no services found after reopening")
		}
	})

	t.Run("store moved on while closed", func(t *testing.T) {
		src.put(mk("new-one", "Late Night Chess Club", "Chess for night owls"))
		progress.Reset()
		e, err := Open(dir, src, WithProgress(&progress))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer e.Close()
		if !strings.Contains(progress.String(), "the index is at generation 1, the store at 2") {
			t.Errorf("progress = %q, want a rebuild naming both generations", progress.String())
		}
		res, err := e.Search(ctx, Query{Text: "chess"})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(ids(res), "new-one") {
			t.Errorf("chess search = %v, want new-one", ids(res))
		}
	})

	t.Run("index folder deleted", func(t *testing.T) {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		e, err := Open(dir, src)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer e.Close()
		rep, err := e.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.IndexCount != 51 {
			t.Errorf("after rebuild, check = %+v, want 51 services in step", rep)
		}
	})

	t.Run("garbage in the index folder", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := Open(dir, src)
		if err != nil {
			t.Fatalf("Open over a broken index: %v", err)
		}
		defer e.Close()
		if rep, err := e.Check(ctx); err != nil || !rep.OK() {
			t.Errorf("check = %v, %v", rep, err)
		}
	})
}

func TestOpenRefusesToReplaceAForeignFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir, newMemSource(genServices(3, 1)...))
	if err == nil || !strings.Contains(err.Error(), "holds no search index; refusing to replace it") {
		t.Fatalf("Open over a folder of other files: err = %v, want a refusal", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious.txt")); err != nil {
		t.Errorf("the folder's file is gone: %v", err)
	}
}

func TestApplyMakesWritesSearchableAtOnce(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(30, 2)...)
	e, _ := mustOpen(t, src)

	// Insert.
	ch := src.put(mk("quilt", "Patchwork Quilting Circle", "Sew a quilt together", needs("lonely"), atKm(0, 0)))
	if err := e.Apply(ctx, ch); err != nil {
		t.Fatalf("Apply insert: %v", err)
	}
	res, err := e.Search(ctx, Query{Text: "quilting"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Equal(got, []string{"quilt"}) {
		t.Fatalf("after insert, quilting = %v, want [quilt]", got)
	}

	// Update: the text, the filters and the service returned all follow
	// (the page's services are cached between queries).
	ch = src.put(mk("quilt", "Patchwork Quilting Circle", "Sew a quilt together, now on Fridays", needs("money"), atKm(0, 0)))
	if err := e.Apply(ctx, ch); err != nil {
		t.Fatalf("Apply update: %v", err)
	}
	if res, err = e.Search(ctx, Query{Text: "quilting", Needs: []string{"lonely"}}); err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("after update, quilting+lonely total = %d, want 0", res.Total)
	}
	if res, err = e.Search(ctx, Query{Text: "quilting", Needs: []string{"money"}}); err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 {
		t.Fatalf("after update, quilting+money total = %d, want 1", res.Total)
	}
	if got := res.Items[0].Service.Description; got != "Sew a quilt together, now on Fridays" {
		t.Errorf("after update, the result's description = %q, want the new one", got)
	}

	// Delete.
	ch = src.delete("quilt")
	if err := e.Apply(ctx, ch); err != nil {
		t.Fatalf("Apply delete: %v", err)
	}
	// (Other listings may still match "quilting" as a misspelling, now
	// that no listing holds the word.)
	if res, err = e.Search(ctx, Query{Text: "quilting", Size: MaxSize}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(ids(res), "quilt") {
		t.Errorf("after delete, quilting = %v, still has quilt", ids(res))
	}

	rep, err := e.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.IndexGeneration != rep.StoreGeneration {
		t.Errorf("check after applies = %v", rep)
	}
}

func TestCheckReportsDrift(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(10, 3)...)
	e, _ := mustOpen(t, src)

	// A write the engine never heard of.
	src.put(mk("unheard", "Unheard Of Group", "Nobody told the index"))
	rep, err := e.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatalf("check = %v, want drift", rep)
	}
	if !slices.Equal(rep.Missing, []string{"unheard"}) || len(rep.Extra) != 0 {
		t.Errorf("missing = %v, extra = %v; want [unheard], []", rep.Missing, rep.Extra)
	}
	if rep.StoreGeneration != 2 || rep.IndexGeneration != 1 {
		t.Errorf("generations = store %d, index %d; want 2, 1", rep.StoreGeneration, rep.IndexGeneration)
	}
	if !strings.Contains(rep.String(), "DRIFT") {
		t.Errorf("report text %q does not say DRIFT", rep.String())
	}

	if err := e.Rebuild(ctx); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if rep, err := e.Check(ctx); err != nil || !rep.OK() {
		t.Errorf("after Rebuild, check = %v, %v", rep, err)
	}
}

func TestApplyUnknownDeleteIsHarmless(t *testing.T) {
	src := newMemSource(genServices(5, 4)...)
	e, _ := mustOpen(t, src)
	if err := e.Apply(context.Background(), directory.Change{Generation: 2, ServiceIDs: []string{"never-was"}}); err != nil {
		t.Fatalf("Apply of a delete for an unknown id: %v", err)
	}
}

func TestRestartUsesTheTableSnapshot(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(80, 11)...)
	dir := t.TempDir() + "/index"
	q := Query{Text: "walking", HasPoint: true, Lat: centreLat, Lon: centreLon, Size: MaxSize}

	e, err := Open(dir, src)
	if err != nil {
		t.Fatal(err)
	}
	// A write after the rebuild must be in the snapshot Close saves.
	if err := e.Apply(ctx, src.put(mk("late", "Late Walkers", "Walking after work", atKm(0, 0)))); err != nil {
		t.Fatal(err)
	}
	before, err := e.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	reads := src.reads
	e, err = Open(dir, src)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if src.reads != reads {
		t.Errorf("reopening read the store %d times, want 0 (the snapshot is current)", src.reads-reads)
	}
	after, err := e.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(before), ids(after)) || before.Total != after.Total || !slices.Contains(ids(after), "late") {
		t.Errorf("after restart: %d %v, before: %d %v", after.Total, ids(after), before.Total, ids(before))
	}
	for i := range before.Items {
		if before.Items[i].Score != after.Items[i].Score {
			t.Errorf("%s: score %v before restart, %v after", before.Items[i].Service.ID, before.Items[i].Score, after.Items[i].Score)
		}
	}
}

func TestStaleSnapshotIsIgnored(t *testing.T) {
	src := newMemSource(genServices(20, 12)...)
	dir := t.TempDir() + "/index"
	e, err := Open(dir, src)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	// A snapshot for another generation (as after a crash) is not used.
	tab, err := readSnapshot(dir, 99)
	if !errors.Is(err, errStaleSnapshot) || tab != nil {
		t.Errorf("readSnapshot for another generation = %v, %v; want errStaleSnapshot", tab, err)
	}
	if _, err := readSnapshot(dir, 1); err != nil {
		t.Errorf("readSnapshot for its own generation: %v", err)
	}
}

func TestDistanceBoundsNeverExceedTheDistance(t *testing.T) {
	pts := []geoPoint{
		newGeoPoint(53.4, -2.99), newGeoPoint(53.65, -3.0), newGeoPoint(53.3, -2.6),
		newGeoPoint(0, 179.9), newGeoPoint(0, -179.9), newGeoPoint(89.9, 10), newGeoPoint(-60, 45),
	}
	for _, p := range pts {
		for _, q := range pts {
			d := p.distanceM(q)
			lo, hi := p.haversineBounds(q)
			if dLo, dHi := 2*earthRadiusM*math.Sqrt(lo), 2*earthRadiusM*math.Asin(math.Sqrt(min(hi, 1))); dLo > d*(1+1e-12) || dHi < d*(1-1e-12) {
				t.Errorf("%v→%v: bounds %.3f, %.3f do not hold the distance %.3f", p, q, dLo, dHi, d)
			}
		}
	}
}

// A write that changes no indexed word (capacity, a confirmation) keeps the
// cached text hits, and the results still show it; one that changes words
// is searchable at once.
func TestTextCacheSurvivesWritesThatKeepTheWords(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(genServices(30, 3)...)
	e, _ := mustOpen(t, src)
	quilt := func(opts ...svcOpt) *directory.Service {
		return mk("quilt", "Patchwork Quilting Circle", "Sew a quilt together", append(opts, atKm(0, 0))...)
	}
	if err := e.Apply(ctx, src.put(quilt())); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Search(ctx, Query{Text: "quilting"}); err != nil {
		t.Fatal(err)
	}
	before := e.textGen.Load()

	if err := e.Apply(ctx, src.put(quilt(capacity(directory.CapacityFull)))); err != nil {
		t.Fatal(err)
	}
	if got := e.textGen.Load(); got != before {
		t.Errorf("a capacity change moved the text generation from %d to %d", before, got)
	}
	res, err := e.Search(ctx, Query{Text: "quilting"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 1 || res.Items[0].Components.Penalty != PenaltyFull {
		t.Fatalf("after the capacity change, quilting = %+v, want quilt with the full penalty", res.Items)
	}

	if err := e.Apply(ctx, src.put(mk("quilt", "Patchwork Quilting Circle", "Sew a quilt and knit together", atKm(0, 0)))); err != nil {
		t.Fatal(err)
	}
	if got := e.textGen.Load(); got == before {
		t.Error("a description change left the text generation alone")
	}
	res, err = e.Search(ctx, Query{Text: "knit"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res); !slices.Contains(got, "quilt") {
		t.Errorf("after the description change, knit = %v, want quilt among them", got)
	}
}

// Readers missing the cache together share one text search and all get
// the same answer.
func TestConcurrentTextMissesShareOneSearch(t *testing.T) {
	ctx := context.Background()
	e, _ := mustOpen(t, newMemSource(genServices(200, 4)...))
	want, err := e.Search(ctx, Query{Text: "walking group"})
	if err != nil {
		t.Fatal(err)
	}
	e.textGen.Add(1) // as a write that changed words would
	var wg sync.WaitGroup
	results := make([]*Results, 16)
	errs := make([]error, len(results))
	for i := range results {
		wg.Go(func() { results[i], errs[i] = e.Search(ctx, Query{Text: "walking group"}) })
	}
	wg.Wait()
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("reader %d: %v", i, errs[i])
		}
		if res.Total != want.Total || !slices.Equal(ids(res), ids(want)) {
			t.Errorf("reader %d: total %d %v, want %d %v", i, res.Total, ids(res), want.Total, ids(want))
		}
	}
	if n := len(e.cache.flights); n != 0 {
		t.Errorf("%d searches still marked under way", n)
	}
}

// The radius test decides from bounds as the exact distance would, even
// for radii a hair either side of the distance.
func TestWithinAgreesWithTheExactDistance(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	tab := newTable()
	var rows []row
	for i := range 2000 {
		lat, lon := 53.4+r.Float64()-0.5, -2.9+r.Float64()-0.5
		if i%10 == 0 { // anywhere on Earth
			lat, lon = r.Float64()*180-90, r.Float64()*360-180
		}
		rows = append(rows, row{flags: flagLive | flagPhysical, point: newGeoPoint(lat, lon), info: rowInfo{ID: fmt.Sprint(i)}})
	}
	tab.apply(rows, nil)
	q := newGeoPoint(53.41, -2.95)
	for slot := range uint32(len(rows)) {
		d := tab.nearestM(slot, q)
		if lo := tab.point[slot].distanceAtLeastM(q); lo > d {
			t.Fatalf("slot %d: lower bound %v above the distance %v", slot, lo, d)
		}
		for _, limit := range []float64{d, math.Nextafter(d, 0), math.Nextafter(d, math.Inf(1)), d * (1 - 1e-12), d * 1.001, d * 0.999, 10000} {
			if in, _ := tab.withinM(slot, q, newRadiusTest(limit)); in != (d <= limit) {
				t.Fatalf("slot %d at %v m: withinM(%v) = %v, exact %v", slot, d, limit, in, d <= limit)
			}
		}
	}
}

// TestFailedSwapKeepsTheOldIndex makes each step of a rebuild's swap fail
// in turn: the engine must go on answering from the index it had, and a
// later rebuild must succeed.
func TestFailedSwapKeepsTheOldIndex(t *testing.T) {
	ctx := context.Background()
	errInjected := errors.New("injected failure")
	tests := []struct {
		name   string
		inject func(e *Engine, dir string)
	}{
		{"moving the old index aside", func(e *Engine, dir string) {
			e.cfg.rename = func(from, to string) error {
				if from == dir {
					return errInjected
				}
				return os.Rename(from, to)
			}
		}},
		{"moving the new index into place", func(e *Engine, dir string) {
			e.cfg.rename = func(from, to string) error {
				if to == dir {
					return errInjected
				}
				return os.Rename(from, to)
			}
		}},
		{"opening the new index", func(e *Engine, dir string) {
			e.cfg.openIndex = func(string) (bleve.Index, error) { return nil, errInjected }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newMemSource(genServices(20, 5)...)
			e, dir := mustOpen(t, src)
			src.put(mk("late", "Late Night Chess Club", "Chess for night owls"))

			tt.inject(e, dir)
			if err := e.Rebuild(ctx); !errors.Is(err, errInjected) {
				t.Fatalf("Rebuild = %v, want the injected failure", err)
			}
			res, err := e.Search(ctx, Query{Size: MaxSize})
			if err != nil {
				t.Fatalf("search after the failed swap: %v", err)
			}
			if res.Total != 20 || slices.Contains(ids(res), "late") {
				t.Errorf("after the failed swap: %d results %v, want the 20 of the old index", res.Total, ids(res))
			}
			for _, left := range []string{dir + ".old", dir + ".rebuild"} {
				if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s left behind: %v", left, err)
				}
			}

			e.cfg.rename, e.cfg.openIndex = os.Rename, bleve.Open
			if err := e.Rebuild(ctx); err != nil {
				t.Fatalf("Rebuild after the failure: %v", err)
			}
			if rep, err := e.Check(ctx); err != nil || !rep.OK() || rep.IndexCount != 21 {
				t.Errorf("check after a good rebuild = %v, %v; want 21 services in step", rep, err)
			}
		})
	}
}

// TestSnapshotKeepsEveryColumn writes a table with a deleted row and reads
// it back: every column of the table (found by reflection, so a column
// added to the struct but not to table.columns fails here) must hold the
// live rows' values, in slot order.
func TestSnapshotKeepsEveryColumn(t *testing.T) {
	for _, n := range []int{0, 40} {
		t.Run(fmt.Sprint(n, " services"), func(t *testing.T) {
			svcs := genServices(n, 8)
			tab := newTable()
			var rows []row
			for _, s := range svcs {
				rows = append(rows, makeRow(s, textDoc(s)))
			}
			tab.apply(rows, nil)
			if n > 0 {
				tab.apply(nil, []string{svcs[3].ID}) // a free slot, left out of the snapshot
			}
			dir := t.TempDir()
			if err := writeSnapshot(dir, tab, 7); err != nil {
				t.Fatal(err)
			}
			got, err := readSnapshot(dir, 7)
			if err != nil {
				t.Fatal(err)
			}
			if got.count() != tab.count() {
				t.Fatalf("read back %d rows, want %d", got.count(), tab.count())
			}
			want, have := reflect.ValueOf(tab).Elem(), reflect.ValueOf(got).Elem()
			for i := range want.NumField() {
				f := want.Type().Field(i)
				if f.Type.Kind() != reflect.Slice || f.Name == "freeSlots" || f.Name == "cols" {
					continue
				}
				// (fmt prints the values of unexported fields, which
				// reflect will not hand out.)
				var live, read []string
				for slot, fl := range tab.flags {
					if fl&flagLive != 0 {
						live = append(live, fmt.Sprintf("%+v", want.Field(i).Index(slot)))
					}
				}
				for j := range have.Field(i).Len() {
					read = append(read, fmt.Sprintf("%+v", have.Field(i).Index(j)))
				}
				if !slices.Equal(live, read) {
					t.Errorf("column %s: read back %v, want %v", f.Name, read, live)
				}
			}
			for id, slot := range got.slotOf {
				if got.rows[slot].ID != id {
					t.Errorf("slotOf[%s] = %d, which holds %s", id, slot, got.rows[slot].ID)
				}
			}
		})
	}
	// The comparison above covers a field of rowInfo only if some row
	// has it set: a field the snapshot's codec forgot comes back zero.
	var rows []row
	for _, s := range genServices(40, 8) {
		rows = append(rows, makeRow(s, textDoc(s)))
	}
	for i, f := range reflect.VisibleFields(reflect.TypeFor[rowInfo]()) {
		set := false
		for _, r := range rows {
			set = set || !reflect.ValueOf(r.info).Field(i).IsZero()
		}
		if !set {
			t.Errorf("no generated row sets rowInfo.%s, so the test does not check that the snapshot keeps it", f.Name)
		}
	}
}
