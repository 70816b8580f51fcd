package api

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/synth"
	"signpost/engine"
)

// synthListings is a store of any size that holds nothing: each pass makes
// the services again, one at a time, as directory/synth promises. Streaming
// over it measures what the API itself holds while it answers.
type synthListings struct {
	n    int
	seed int64
}

func (l synthListings) Generation(context.Context) (uint64, error) { return 1, nil }

func (l synthListings) EachService(ctx context.Context, fn func(*directory.Service) error) error {
	for s := range synth.Services(l.n, l.seed) {
		if err := fn(s); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (l synthListings) Service(_ context.Context, id string) (*directory.Service, error) {
	return nil, fmt.Errorf("service %s: %w", id, directory.ErrNotFound)
}

func (l synthListings) Organization(_ context.Context, id string) (*directory.Organization, error) {
	return nil, fmt.Errorf("organization %s: %w", id, directory.ErrNotFound)
}

func (l synthListings) EachOrganization(context.Context, func(*directory.Organization) error) error {
	return nil
}

func (l synthListings) FeedMetadata(context.Context, string) ([]directory.Metadata, error) {
	return nil, nil
}

func (l synthListings) EachImportedTerm(context.Context, func(directory.TaxonomyTerm) error) error {
	return nil
}

// unusedSearcher fails when asked: a stream without words must come from
// the store, not from paging through the engine.
type unusedSearcher struct{}

func (unusedSearcher) Search(context.Context, engine.Query) (*engine.Results, error) {
	return nil, fmt.Errorf("the engine was asked")
}

func (unusedSearcher) Match(context.Context, engine.Query) (*engine.Results, error) {
	return nil, fmt.Errorf("the engine was asked")
}

// streamStats is what one streamed answer cost.
type streamStats struct {
	lines    int
	bytes    int64
	peakHeap uint64 // the most the heap grew above where it started
}

// streamAll streams every one of n synthetic services through a real HTTP
// server and client, sampling the heap as it goes.
func streamAll(tb testing.TB, n int, query string) streamStats {
	tb.Helper()
	srv := httptest.NewServer(mustNew(tb, Config{Store: synthListings{n: n, seed: 1}, Engine: unusedSearcher{}}))
	defer srv.Close()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	// Collect against a fixed budget above the start, not one in proportion
	// to whatever else the test binary keeps alive (the password-strength
	// dictionaries the directory package loads are 6 MB, which let as much
	// garbage float again): the growth measured is then what streaming holds.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(base.HeapAlloc) + 4<<20))
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapAlloc)
				mu.Unlock()
			}
		}
	}()

	resp, err := srv.Client().Get(srv.URL + "/api/v1/services?format=ndjson" + query)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		tb.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var st streamStats
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		st.bytes += int64(len(line))
		if err == bufio.ErrBufferFull {
			continue // a long line: keep reading it
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		st.lines++
	}
	close(done)
	wg.Wait()
	if peak > base.HeapAlloc {
		st.peakHeap = peak - base.HeapAlloc
	}
	return st
}

// activeSynth counts the active services among n synthetic ones: the
// stream lists only those.
func activeSynth(n int) int {
	active := 0
	for s := range synth.Services(n, 1) {
		if s.Status == directory.StatusActive {
			active++
		}
	}
	return active
}

// TestNDJSONStreamsInFlatMemory streams 1,500 and then 15,000 services:
// ten times the output must not take anything like ten times the heap.
func TestNDJSONStreamsInFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 16,500 services")
	}
	const smallN, largeN = 1500, 15000
	small := streamAll(t, smallN, "")
	large := streamAll(t, largeN, "")
	if want := activeSynth(smallN); small.lines != want {
		t.Errorf("streamed %d lines of %d services, want the %d active ones", small.lines, smallN, want)
	}
	if want := activeSynth(largeN); large.lines != want {
		t.Errorf("streamed %d lines of %d services, want the %d active ones", large.lines, largeN, want)
	}
	t.Logf("small: %d MB out, heap +%.1f MB; large: %d MB out, heap +%.1f MB",
		small.bytes>>20, float64(small.peakHeap)/(1<<20), large.bytes>>20, float64(large.peakHeap)/(1<<20))
	// Holding the list would need at least the bytes sent; streaming needs
	// about what the garbage collector lets float, whatever the length.
	if limit := uint64(large.bytes / 2); large.peakHeap > limit {
		t.Errorf("the heap grew %d bytes while streaming %d: the list is being held", large.peakHeap, large.bytes)
	}
	if large.peakHeap > 3*small.peakHeap+(8<<20) {
		t.Errorf("heap growth rose with the list: +%d bytes for %d services, +%d for %d", small.peakHeap, smallN, large.peakHeap, largeN)
	}
}

// BenchmarkNDJSON streams 10k and 100k synthetic services and reports the
// peak heap growth beside the bytes sent (make bench). Flat memory shows as
// the same peak for both sizes.
func BenchmarkNDJSON(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			var st streamStats
			for b.Loop() {
				st = streamAll(b, n, "")
				if st.lines < n*9/10 {
					b.Fatalf("%d lines of %d services", st.lines, n)
				}
			}
			b.ReportMetric(float64(st.peakHeap)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(st.bytes)/(1<<20), "streamed-MB")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "services/s")
		})
	}
}
