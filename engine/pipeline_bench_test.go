package engine

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"signpost/directory"
	"signpost/directory/synth"
)

// BenchmarkTextPipeline times what a cached text-only search costs per
// query beyond the table pass (issue 13's speed clause): the crisis check
// on the text as typed, and the whole cached search, over 10k synthetic
// services. It is the quick loop for profiling; BenchmarkEngine gives the
// figures for BENCHMARKS.md.
func BenchmarkTextPipeline(b *testing.B) {
	ctx := context.Background()
	b.Run("crisis", func(b *testing.B) {
		c := defaultCrisis(b)
		for i := 0; b.Loop(); i++ {
			c.Match(benchWords[i%len(benchWords)])
		}
	})
	b.Run("crisis-sentence", func(b *testing.B) {
		c := defaultCrisis(b)
		for b.Loop() {
			c.Match("I don't know anyone round here since my husband died and I can't sleep")
		}
	})
	b.Run("cached-search", func(b *testing.B) {
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
		for s := range synth.Services(10_000, 1) {
			if err := imp.Put(ctx, s); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := imp.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		e, err := Open(filepath.Join(dir, "index"), store, WithVocabulary(defaultVocab(b)), WithCrisisPhrases(defaultCrisis(b)))
		if err != nil {
			b.Fatal(err)
		}
		defer e.Close()
		for _, w := range benchWords { // fill the cache
			if _, err := e.Search(ctx, Query{Text: w}); err != nil {
				b.Fatal(err)
			}
		}
		b.Run("all", func(b *testing.B) {
			defer reportCPU(b)()
			for i := 0; b.Loop(); i++ {
				if _, err := e.Search(ctx, Query{Text: benchWords[i%len(benchWords)]}); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, w := range benchWords {
			b.Run(w, func(b *testing.B) {
				defer reportCPU(b)()
				for b.Loop() {
					res, err := e.Search(ctx, Query{Text: w})
					if err != nil {
						b.Fatal(err)
					}
					b.ReportMetric(float64(res.Total), "total")
				}
			})
		}
	})
}

// reportCPU reports the process's CPU time per op: on a machine shared
// with other work, wall time swings by 2-3x, CPU time far less.
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() { b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op") }
}

// threadCPU is the calling thread's user and system CPU time so far, in
// ns (lock the goroutine to its thread first).
// (clock_gettime's thread clock, which is exact; getrusage's thread
// figure moves in scheduler ticks.)
func threadCPU() int64 {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Nano()
}

// processCPU is the process's user and system CPU time so far, in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkTextStore times text-only searches, the text cache kept and
// emptied before every query, over an existing store: SIGNPOST_BENCH_STORE
// names a folder holding a signpost.db (make load's tmp/load/var, say;
// the index is built beside it in index-bench on the first run, and
// nothing is written to the store). Without it the benchmark is skipped.
// It reports p50 and p99 of 400 queries (the 20 benchmark words, 20 times,
// after one warming round) and the process's CPU time per query, which
// moves far less than wall time on a shared machine.
//
//	SIGNPOST_BENCH_STORE=$PWD/tmp/load/var go test -run '^$' -bench TextStore -benchtime 1x ./engine/
func BenchmarkTextStore(b *testing.B) {
	dir := os.Getenv("SIGNPOST_BENCH_STORE")
	if dir == "" {
		b.Skip("SIGNPOST_BENCH_STORE is not set")
	}
	ctx := context.Background()
	store, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	e, err := Open(filepath.Join(dir, "index-bench"), store, WithVocabulary(defaultVocab(b)), WithCrisisPhrases(defaultCrisis(b)))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	// What each kind asks, by the benchmark word it is given: text only
	// (cache kept or emptied), the words near a place within 10 km (as
	// make load's searches), and the matcher with two needs, two interests
	// and a place (the word picks them).
	near := func(i int, w string) (Query, bool) {
		r := rand.New(rand.NewPCG(uint64(i), 11))
		lat, lon := benchPoint(r)
		return Query{Text: w, HasPoint: true, Lat: lat, Lon: lon, RadiusM: 10_000}, false
	}
	match := func(i int, w string) (Query, bool) {
		r := rand.New(rand.NewPCG(uint64(i), 13))
		lat, lon := benchPoint(r)
		return Query{HasPoint: true, Lat: lat, Lon: lon, Needs: pickCodes(r, directory.Needs, 2), Interests: pickCodes(r, directory.Interests, 2)}, true
	}
	kinds := []struct {
		name     string
		uncached bool
		query    func(i int, w string) (Query, bool)
	}{
		{"cached", false, func(_ int, w string) (Query, bool) { return Query{Text: w}, false }},
		{"uncached", true, func(_ int, w string) (Query, bool) { return Query{Text: w}, false }},
		{"near", false, near},
		{"match", false, match},
	}
	for _, kind := range kinds {
		b.Run(kind.name, func(b *testing.B) {
			calls := 0
			run := func(w string) {
				if kind.uncached {
					e.cache = newTextCache(textCacheSize)
				}
				q, isMatch := kind.query(calls%len(benchWords), w)
				calls++
				var err error
				if isMatch {
					_, err = e.Match(ctx, q)
				} else {
					_, err = e.Search(ctx, q)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			for _, w := range benchWords {
				run(w)
			}
			// The query's own thread's CPU time is measured too: on a
			// loaded machine it is close to what the wall time would be
			// on a quiet one (it leaves out the collector's background
			// work, which the process figure counts).
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var took, own []time.Duration
			cpu0, queries := processCPU(), 0
			for b.Loop() {
				took, own = took[:0], own[:0]
				for range 20 {
					for _, w := range benchWords {
						start, start0 := time.Now(), threadCPU()
						run(w)
						took = append(took, time.Since(start))
						own = append(own, time.Duration(threadCPU()-start0))
						queries++
					}
				}
			}
			b.ReportMetric(float64(processCPU()-cpu0)/float64(queries)/1e6, "cpu-ms/query")
			slices.Sort(took)
			slices.Sort(own)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(own[len(own)/2].Microseconds())/1000, "thread-cpu-p50-ms")
		})
	}
}
