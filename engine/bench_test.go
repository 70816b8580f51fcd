package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"signpost/directory"
	"signpost/directory/synth"
)

// BenchmarkEngine measures what issue 3 asks for, per directory size:
// rebuild rate, memory, start-up with an existing index to the first
// answer, and p50/p99 of four query kinds beside a naive scan of the same
// services in the same run. It prints a table (copied into BENCHMARKS.md)
// and reports the key figures as benchmark metrics. It runs its whole
// measurement once whatever b.N is, so run it with -benchtime 1x:
//
//	go test -run '^$' -bench Engine -benchtime 1x -timeout 30m ./engine/
//
// SIGNPOST_BENCH_SIZES (comma-separated, default "10000,100000") changes
// the sizes.
func BenchmarkEngine(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if s := os.Getenv("SIGNPOST_BENCH_SIZES"); s != "" {
		sizes = nil
		for _, part := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || n < 1 {
				b.Fatalf("SIGNPOST_BENCH_SIZES: bad size %q", part)
			}
			sizes = append(sizes, n)
		}
	}
	fmt.Printf("\nEngine benchmark: %s/%s, %d CPUs (GOMAXPROCS %d), %s, %s\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel(), time.Now().Format("2006-01-02"))
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			benchSize(b, n)
		})
	}
}

func benchSize(b *testing.B, n int) {
	ctx := context.Background()
	dir := b.TempDir()
	store, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	imp, err := store.BeginImport(ctx, "bench", directory.Save{Actor: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for s := range synth.Services(n, 1) {
		if err := imp.Put(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := imp.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	measureEngine(b, store, filepath.Join(dir, "index"), n)
}

// measureEngine runs the measurements over a store holding n services,
// building the index in indexDir.
func measureEngine(b *testing.B, store *directory.Store, indexDir string, n int) {
	ctx := context.Background()
	runtime.GC()

	// Rebuild: no index yet.
	start := time.Now()
	e, err := Open(indexDir, store, WithVocabulary(defaultVocab(b)), WithCrisisPhrases(defaultCrisis(b)))
	if err != nil {
		b.Fatal(err)
	}
	rebuild := time.Since(start)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heapMB := float64(ms.HeapInuse) / (1 << 20)
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}

	// Start-up with an existing index, to the first answer. Drop what
	// the rebuild left in memory first, as a restarted process would not
	// have it.
	runtime.GC()
	debug.FreeOSMemory()
	start = time.Now()
	e, err = Open(indexDir, store, WithVocabulary(defaultVocab(b)), WithCrisisPhrases(defaultCrisis(b)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Search(ctx, Query{Text: "gardening"}); err != nil {
		b.Fatal(err)
	}
	startup := time.Since(start)
	defer e.Close()

	var svcs []*directory.Service
	if err := store.EachService(ctx, func(s *directory.Service) error { svcs = append(svcs, s); return nil }); err != nil {
		b.Fatal(err)
	}
	naive := newNaiveScan(svcs)

	fmt.Printf("\nn=%d\n", n)
	fmt.Printf("  rebuild from the store: %.1f s, %.0f services/s\n", rebuild.Seconds(), float64(n)/rebuild.Seconds())
	fmt.Printf("  Go heap in use after open: %.0f MB; peak resident (whole test process so far): %s\n", heapMB, peakRSS())
	fmt.Printf("  start-up with an existing index to the first answer: %d ms\n", startup.Milliseconds())
	fmt.Printf("  %-42s %17s %17s %9s\n", "query (200 each, warm)", "engine p50/p99", "naive p50/p99", "p50 ratio")
	b.ReportMetric(float64(n)/rebuild.Seconds(), "rebuild-services/s")
	b.ReportMetric(float64(startup.Milliseconds()), "startup-ms")
	b.ReportMetric(heapMB, "heap-MB")

	for _, kind := range benchKinds {
		r := rand.New(rand.NewPCG(7, uint64(len(kind.name))))
		queries := make([]Query, 200)
		for i := range queries {
			queries[i] = kind.make(r)
		}
		run := func(q Query) error {
			if kind.uncached {
				e.cache = newTextCache(textCacheSize)
			}
			var err error
			if kind.match {
				_, err = e.Match(ctx, q)
			} else {
				_, err = e.Search(ctx, q)
			}
			return err
		}
		eng, nv := timeInterleaved(b, queries, run, func(q Query) error { naive.run(q, kind.match); return nil })
		ratio := eng.p50.Seconds() / nv.p50.Seconds()
		fmt.Printf("  %-42s %8s/%8s %8s/%8s %8.2f×\n", kind.name, ms2(eng.p50), ms2(eng.p99), ms2(nv.p50), ms2(nv.p99), ratio)
		short := strings.Trim(strings.Fields(kind.name)[0], "()")
		if kind.uncached {
			short += "-uncached"
		}
		b.ReportMetric(eng.p50.Seconds()*1000, short+"-p50-ms")
		b.ReportMetric(eng.p99.Seconds()*1000, short+"-p99-ms")
		b.ReportMetric(nv.p50.Seconds()*1000, short+"-naive-p50-ms")
	}
}

func ms2(d time.Duration) string { return fmt.Sprintf("%.2fms", d.Seconds()*1000) }

type benchKind struct {
	name  string
	match bool
	// uncached empties the text cache before each query, to time the
	// text index itself.
	uncached bool
	make     func(r *rand.Rand) Query
}

var benchWords = []string{"gardening", "walking", "choir", "counselling", "debt", "anxiety", "lonely", "art", "cooking",
	"computers", "swimming", "bereavement", "yoga", "football", "reading", "coffee", "support", "dementia", "carers", "english"}

func benchPoint(r *rand.Rand) (float64, float64) {
	return 53.30 + r.Float64()*0.35, -3.10 + r.Float64()*0.40
}

func pickCodes(r *rand.Rand, vocab []directory.Term, k int) []string {
	var out []string
	for _, i := range r.Perm(len(vocab))[:k] {
		out = append(out, vocab[i].Code)
	}
	return out
}

func textOnly(r *rand.Rand) Query { return Query{Text: benchWords[r.IntN(len(benchWords))]} }

func textNearNeed(r *rand.Rand) Query {
	lat, lon := benchPoint(r)
	return Query{Text: benchWords[r.IntN(len(benchWords))], HasPoint: true, Lat: lat, Lon: lon, RadiusM: 10_000,
		Needs: pickCodes(r, directory.Needs, 1)}
}

var benchKinds = []benchKind{
	{"(a) text only", false, false, textOnly},
	{"(a) text only, uncached", false, true, textOnly},
	{"(b) text + 10 km + need", false, false, textNearNeed},
	{"(b) text + 10 km + need, uncached", false, true, textNearNeed},
	{"(c) match: 2 needs + 2 interests + place", true, false, func(r *rand.Rand) Query {
		lat, lon := benchPoint(r)
		return Query{HasPoint: true, Lat: lat, Lon: lon, Needs: pickCodes(r, directory.Needs, 2), Interests: pickCodes(r, directory.Interests, 2)}
	}},
	{"(d) everything within 10 km, nearest first", false, false, func(r *rand.Rand) Query {
		lat, lon := benchPoint(r)
		return Query{HasPoint: true, Lat: lat, Lon: lon, RadiusM: 10_000, Sort: SortNearest}
	}},
}

type latencies struct{ p50, p99 time.Duration }

// timeInterleaved times a and b over the same queries, alternating query
// by query so that both see the same load on a shared machine.
func timeInterleaved(b *testing.B, qs []Query, runA, runB func(Query) error) (latencies, latencies) {
	for _, q := range qs[:20] { // warm up
		if err := runA(q); err != nil {
			b.Fatal(err)
		}
		if err := runB(q); err != nil {
			b.Fatal(err)
		}
	}
	da, db := make([]time.Duration, len(qs)), make([]time.Duration, len(qs))
	for i, q := range qs {
		start := time.Now()
		if err := runA(q); err != nil {
			b.Fatal(err)
		}
		da[i] = time.Since(start)
		start = time.Now()
		if err := runB(q); err != nil {
			b.Fatal(err)
		}
		db[i] = time.Since(start)
	}
	pct := func(ds []time.Duration) latencies {
		slices.Sort(ds)
		return latencies{p50: ds[len(ds)/2], p99: ds[len(ds)*99/100]}
	}
	return pct(da), pct(db)
}

// naiveScan is the baseline the issue compares against: a plain loop over
// one struct per service, with the text lower-cased once and distances by
// orb's geo.Distance. It applies the same filters and formula, without
// bit masks, column layout or a bounded heap.
type naiveScan struct{ rows []naiveRow }

type naiveRow struct {
	svc                           *directory.Service
	text                          string
	needs, interests, activities  []string
	points                        []orb.Point
	active, free, online, offline bool
}

func newNaiveScan(svcs []*directory.Service) *naiveScan {
	ns := &naiveScan{}
	for _, s := range svcs {
		row := naiveRow{svc: s, text: strings.ToLower(s.Name + " " + s.Description),
			needs: s.TermCodes(directory.TaxonomyNeeds), interests: s.TermCodes(directory.TaxonomyInterests),
			activities: s.TermCodes(directory.TaxonomyActivities), active: s.Status == directory.StatusActive,
			free: s.Free(), online: s.Offers(directory.DeliveryOnline)}
		for _, p := range s.PhysicalPoints() {
			row.points = append(row.points, orb.Point{p.Lon, p.Lat})
		}
		ns.rows = append(ns.rows, row)
	}
	return ns
}

type naiveHit struct {
	row   *naiveRow
	score float64
	dist  float64
}

func (ns *naiveScan) run(q Query, match bool) int {
	var hits []naiveHit
	words := strings.Fields(strings.ToLower(q.Text))
	at := orb.Point{q.Lon, q.Lat}
	share := func(have, want []string) (float64, int) {
		n := 0
		for _, w := range want {
			if slices.Contains(have, w) {
				n++
			}
		}
		if len(want) == 0 {
			return 0, 0
		}
		return float64(n) / float64(len(want)), n
	}
	for i := range ns.rows {
		row := &ns.rows[i]
		if !row.active {
			continue
		}
		text := 0.0
		for _, w := range words {
			text += float64(strings.Count(row.text, w))
		}
		if len(words) > 0 && text == 0 && !match {
			continue
		}
		needShare, nn := share(row.needs, q.Needs)
		intShare, in := share(row.interests, q.Interests)
		if !match && (nn < len(q.Needs) || in < len(q.Interests)) {
			continue
		}
		if match && nn+in == 0 && text == 0 && len(q.Needs)+len(q.Interests) > 0 {
			continue
		}
		dist := math.NaN()
		if q.HasPoint {
			for _, p := range row.points {
				if d := geo.Distance(at, p); math.IsNaN(dist) || d < dist {
					dist = d
				}
			}
			if q.RadiusM > 0 && !row.online && len(row.points) > 0 && !(dist <= q.RadiusM) {
				continue
			}
		}
		score := WeightText*math.Min(text, 1) + WeightNeed*needShare + WeightInterest*intShare
		if !math.IsNaN(dist) {
			score += WeightNear * math.Exp(-dist/NearScaleM)
		}
		hits = append(hits, naiveHit{row, score, dist})
	}
	slices.SortFunc(hits, func(a, b naiveHit) int {
		if q.Sort == SortNearest {
			return compareNaN(a.dist, b.dist)
		}
		if a.score != b.score {
			return compareNaN(b.score, a.score)
		}
		if c := compareNaN(a.dist, b.dist); c != 0 {
			return c
		}
		return strings.Compare(a.row.svc.Name, b.row.svc.Name)
	})
	return len(hits)
}

func compareNaN(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func peakRSS() string {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err == nil {
				return fmt.Sprintf("%d MB", kb/1024)
			}
		}
	}
	return "unknown"
}

func cpuModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return "unknown CPU"
}
