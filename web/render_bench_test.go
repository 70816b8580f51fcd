package web

import (
	"net/http/httptest"
	"syscall"
	"testing"
)

// BenchmarkPages serves the pages make load asks for most, over the
// sample directory, for the CPU time and allocations a request costs
// beyond the engine (which is small at 537 listings): the page layout,
// templates and middleware. Allocations per request are exact, so they
// compare two builds on a busy machine where times do not.
//
//	go test -run '^$' -bench Pages -benchmem ./web/
func BenchmarkPages(b *testing.B) {
	site := newSampleSite(b)
	for _, target := range []string{
		"/search?q=walking&near=Bootle&radius=10",
		"/match?step=results&need=lonely&need=money&interest=gardening&interest=music&near=Bootle",
	} {
		b.Run(target, func(b *testing.B) {
			b.ReportAllocs()
			defer reportPageCPU(b)()
			for b.Loop() {
				rec := httptest.NewRecorder()
				site.srv.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", target, rec.Code)
				}
			}
		})
	}
}

// reportPageCPU reports the process's CPU time per request, which a busy
// machine moves less than wall time.
func reportPageCPU(b *testing.B) func() {
	cpu := func() int64 {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}
