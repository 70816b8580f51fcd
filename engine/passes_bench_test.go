package engine

import (
	"context"
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"signpost/directory/synth"
)

// BenchmarkPasses times the engine's pass (filter, score, rank and count
// the facets, under the table's read lock) for the 1M probe kinds, over a
// table of generated services built in memory: no store and no text
// index, so a million rows take minutes, not the hour `make bench-1m`
// does. A benchmark word's hits are the services whose name or
// description holds it (scores: hitsOf). Each query runs twice in turn,
// visiting the rows the spatial index offers and visiting every row, and
// the query thread's CPU time is reported for both (on a shared machine
// it moves far less than wall time).
//
//	SIGNPOST_BENCH_PASSES_N=1000000 SIGNPOST_BENCH_PASSES_CACHE=/tmp/passes-1m \
//	  go test -run '^$' -bench Passes -benchtime 1x -timeout 60m ./engine/
//
// SIGNPOST_BENCH_PASSES_N is the size (default 100,000);
// SIGNPOST_BENCH_PASSES_CACHE, when set, names a folder where the built
// table is kept between runs (a table snapshot and the hits).
func BenchmarkPasses(b *testing.B) {
	n := sizeFromEnv(b, "SIGNPOST_BENCH_PASSES_N")
	tab, hits := passesTable(b, n, os.Getenv("SIGNPOST_BENCH_PASSES_CACHE"))
	e := &Engine{cfg: config{now: time.Now}}
	ctx := context.Background()
	textOf := func(q Query) *textEntry {
		if q.Text == "" {
			return nil
		}
		return &textEntry{ok: true, hits: hits[q.Text]}
	}
	type kind struct {
		name  string
		match bool
		make  func(r *rand.Rand) Query
	}
	kinds := []kind{
		{"(b) text + place + 10 km + need", false, textNearNeed},
		{"near: text + place + 10 km (make load's search)", false, func(r *rand.Rand) Query {
			q := textNearNeed(r)
			q.Needs = nil
			return q
		}},
		{"(c) matcher: 2 needs + 2 interests + place", true, benchKinds[4].make},
		{"(d) everything within 10 km, nearest first", false, benchKinds[5].make},
	}
	fmt.Printf("\nPasses over %d generated services, %s/%s, %s, %s; query thread CPU, p50/p99 of 300\n",
		n, runtime.GOOS, runtime.GOARCH, cpuModel(), time.Now().UTC().Format("2006-01-02 15:04"))
	fmt.Printf("  %-50s %19s %19s %15s\n", "query", "spatial index", "every row", "rows passing")
	for _, k := range kinds {
		b.Run(strings.Trim(strings.Fields(k.name)[0], "():"), func(b *testing.B) {
			r := rand.New(rand.NewPCG(7, uint64(len(k.name))))
			qs := make([]Query, 300)
			for i := range qs {
				qs[i] = k.make(r)
			}
			m := modeSearch
			if k.match {
				m = modeMatch
			}
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			run := func(q Query, scan bool) (time.Duration, int) {
				nq, err := q.normalize()
				if err != nil {
					b.Fatal(err)
				}
				start := threadCPU()
				p := e.compile(nq, m)
				p.scan = scan
				text := textOf(nq)
				p.hasText = text != nil
				p.soft = m == modeMatch && (p.nNeeds+p.nInt+p.nAct > 0 || p.hasText)
				res, _, err := p.rank(ctx, tab, text, wantPage)
				if err != nil {
					b.Fatal(err)
				}
				return time.Duration(threadCPU() - start), res.Total
			}
			for _, q := range qs[:10] {
				run(q, false)
				run(q, true)
			}
			var idx, scan []time.Duration
			var totals []int
			for b.Loop() {
				idx, scan, totals = idx[:0], scan[:0], totals[:0]
				for _, q := range qs {
					d, total := run(q, false)
					idx = append(idx, d)
					d2, total2 := run(q, true)
					scan = append(scan, d2)
					if total != total2 {
						b.Fatalf("%+v: total %d with the index, %d without", q, total, total2)
					}
					totals = append(totals, total)
				}
			}
			pct := func(ds []time.Duration) (float64, float64) {
				slices.Sort(ds)
				return ds[len(ds)/2].Seconds() * 1000, ds[len(ds)*99/100].Seconds() * 1000
			}
			i50, i99 := pct(idx)
			s50, s99 := pct(scan)
			slices.Sort(totals)
			fmt.Printf("  %-50s %7.2f/%7.2f ms %7.2f/%7.2f ms %7d–%d\n", k.name, i50, i99, s50, s99, totals[0], totals[len(totals)-1])
			b.ReportMetric(i50, "index-p50-ms")
			b.ReportMetric(i99, "index-p99-ms")
			b.ReportMetric(s50, "scan-p50-ms")
			b.ReportMetric(s99, "scan-p99-ms")
		})
	}
}

// passesTable builds (or reads from cache, when set) a table of n
// generated services and each benchmark word's hits.
func passesTable(b *testing.B, n int, cache string) (*table, map[string][]slotHit) {
	hitsFile := filepath.Join(cache, "hits.gob")
	if cache != "" {
		if tab, err := readSnapshot(cache, uint64(n)); err == nil {
			f, err := os.Open(hitsFile)
			if err == nil {
				defer f.Close()
				var slots map[string][]uint32
				if err := gob.NewDecoder(f).Decode(&slots); err == nil {
					return tab, hitsOf(slots)
				}
			}
		}
	}
	start := time.Now()
	tab := newTable()
	slots := map[string][]uint32{}
	for s := range synth.Services(n, 1) {
		r := makeRow(s, textDoc(s))
		tab.put(&r)
		slot := tab.slotOf[s.ID]
		text := strings.ToLower(s.Name + " " + s.Description)
		for _, w := range benchWords {
			if strings.Contains(text, w) {
				slots[w] = append(slots[w], slot)
			}
		}
	}
	fmt.Printf("built a table of %d services in %s\n", n, time.Since(start).Round(time.Second))
	if cache != "" {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := writeSnapshot(cache, tab, uint64(n)); err != nil {
			b.Fatal(err)
		}
		f, err := os.Create(hitsFile)
		if err != nil {
			b.Fatal(err)
		}
		if err := gob.NewEncoder(f).Encode(slots); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return tab, hitsOf(slots)
}

// hitsOf gives each hit a text score spread evenly over 0.2–1, as the
// text index's scores divided by the best are spread, rather than all 1,
// which would leave a text search's ranking nothing to prune by.
func hitsOf(slots map[string][]uint32) map[string][]slotHit {
	out := map[string][]slotHit{}
	for w, ss := range slots {
		r := rand.New(rand.NewPCG(uint64(len(w)), uint64(len(ss))))
		for _, s := range ss {
			out[w] = append(out[w], slotHit{slot: s, score: 0.2 + 0.8*r.Float64()})
		}
	}
	return out
}
