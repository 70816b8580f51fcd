package directory_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/synth"
)

// dupQuality finds candidates in a synthetic batch with planted duplicates
// and scores them against the truth: recall is the share of planted pairs
// found, precision the share of candidates that were planted.
func dupQuality(tb testing.TB, n int, rate float64) (recall, precision float64, candidates int, took, cpu time.Duration) {
	tb.Helper()
	truth := map[string]bool{}
	// cluster maps a planted copy to the service first copied, so that two
	// copies of one original also count as a true pair.
	cluster := map[string]string{}
	root := func(id string) string {
		if r, ok := cluster[id]; ok {
			return r
		}
		return id
	}
	f := directory.NewDuplicateFinder(directory.DuplicateOptions{})
	// Services are added as they are made, so that 100k need not be held;
	// only the finder's own work is timed.
	for p := range synth.ServicesWithDuplicates(n, 1, rate) {
		if p.DuplicateOf != "" {
			truth[directory.PairKey(p.Service.ID, p.DuplicateOf)] = true
			cluster[p.Service.ID] = root(p.DuplicateOf)
		}
		start, c0 := time.Now(), cpuTime()
		f.Add(p.Service)
		took += time.Since(start)
		cpu += cpuTime() - c0
	}
	start, c0 := time.Now(), cpuTime()
	got := f.Candidates()
	took += time.Since(start)
	cpu += cpuTime() - c0
	found, right := 0, 0
	for _, c := range got {
		if truth[c.Key()] {
			found++
		}
		if root(c.A) == root(c.B) {
			right++
		}
	}
	return float64(found) / float64(len(truth)), float64(right) / float64(max(1, len(got))), len(got), took, cpu
}

func TestDuplicateCandidatesOnPlantedDuplicates(t *testing.T) {
	recall, precision, n, _, _ := dupQuality(t, 10000, 0.05)
	t.Logf("10k, 5%% planted: %d candidates, recall %.3f, precision %.3f", n, recall, precision)
	if recall < 0.95 || precision < 0.8 {
		t.Fatalf("recall %.3f (want ≥ 0.95), precision %.3f (want ≥ 0.8)", recall, precision)
	}
}

// BenchmarkDuplicateCandidates reports quality beside time; see
// BENCHMARKS.md.
func BenchmarkDuplicateCandidates(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			for b.Loop() {
				recall, precision, c, took, cpu := dupQuality(b, n, 0.05)
				b.ReportMetric(recall, "recall")
				b.ReportMetric(precision, "precision")
				b.ReportMetric(float64(c), "candidates")
				b.ReportMetric(took.Seconds(), "find-s")
				// CPU time, as the wall time of a shared machine says more
				// about the neighbours than about the finder.
				b.ReportMetric(cpu.Seconds(), "find-cpu-s")
			}
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
