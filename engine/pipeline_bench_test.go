package engine

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"

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
	cpu := func() int64 {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}
