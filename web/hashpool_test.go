package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// The pool runs at most its size at once, lets its waiters wait, and
// refuses the rest at once.
func TestHashPool(t *testing.T) {
	const size, waiters, extra = 2, 3, 4
	p := newHashPool(size, waiters, time.Hour)
	var running, peak atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, size+waiters)
	results := make(chan error, size+waiters+extra)
	for range size + waiters + extra {
		go func() {
			results <- p.Do(context.Background(), func() {
				n := running.Add(1)
				for {
					old := peak.Load()
					if n <= old || peak.CompareAndSwap(old, n) {
						break
					}
				}
				entered <- struct{}{}
				<-release
				running.Add(-1)
			})
		}()
	}
	// Those beyond the pool and its queue are refused without waiting.
	for range extra {
		if err := <-results; !errors.Is(err, errHashesBusy) {
			t.Fatalf("beyond the queue: %v, want errHashesBusy", err)
		}
	}
	for range size {
		<-entered
	}
	close(release)
	for range size + waiters {
		if err := <-results; err != nil {
			t.Errorf("admitted: %v", err)
		}
	}
	if got := peak.Load(); got != size {
		t.Errorf("at most %d hashes ran at once, want %d", got, size)
	}

	t.Run("a waiter whose request ends stops waiting", func(t *testing.T) {
		p := newHashPool(1, 1, time.Hour)
		hold, held := make(chan struct{}), make(chan struct{})
		go p.Do(context.Background(), func() { close(held); <-hold })
		<-held
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := p.Do(ctx, func() { t.Error("ran after its request ended") }); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
		close(hold)
	})
}

// countingAccounts counts the password checks running at once.
type countingAccounts struct {
	AccountStore
	running, peak, calls atomic.Int32
}

func (c *countingAccounts) Authenticate(ctx context.Context, email, password string) (*directory.Account, error) {
	c.calls.Add(1)
	n := c.running.Add(1)
	defer c.running.Add(-1)
	for {
		old := c.peak.Load()
		if n <= old || c.peak.CompareAndSwap(old, n) {
			break
		}
	}
	return c.AccountStore.Authenticate(ctx, email, password)
}

// signInBrowser is one browser's CSRF cookie and token, from which many
// sign-ins are sent at once without a testing.T in each goroutine.
type signInBrowser struct {
	h       http.Handler
	cookies []*http.Cookie
	token   string
}

func newSignInBrowser(tb testing.TB, h http.Handler) *signInBrowser {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		tb.Fatal(err)
	}
	tok, _ := doc.Find(`input[name="csrf_token"]`).Attr("value")
	if tok == "" {
		tb.Fatal("no CSRF token on /login")
	}
	return &signInBrowser{h: h, cookies: rec.Result().Cookies(), token: tok}
}

// signIn posts the sign-in form from remote and returns the status.
func (b *signInBrowser) signIn(email, password, remote string) int {
	form := url.Values{"email": {email}, "password": {password}, "csrf_token": {b.token}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec.Code
}

// burst sends n sign-ins at once; attempt i gets its address and account
// from who. It returns how many of each status came back.
func (b *signInBrowser) burst(n int, who func(i int) (email, remote string)) map[int]int {
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			email, remote := who(i)
			<-start
			code := b.signIn(email, "not the password", remote)
			mu.Lock()
			statuses[code]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// 150 simultaneous wrong passwords: for one account from one address only
// the limit's worth are checked; spread over 150 accounts and addresses,
// no more hashes run at once than the pool allows; and meanwhile another
// person signs in.
func TestSignInBurst(t *testing.T) {
	es := newEditorialSite(t)
	cfg := es.config(es.clock.Now)
	accounts := &countingAccounts{AccountStore: es.store}
	cfg.Accounts = accounts
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// One hash per core.
	pool := runtime.GOMAXPROCS(0)
	b := newSignInBrowser(t, srv)

	t.Run("one account, one address", func(t *testing.T) {
		accounts.calls.Store(0)
		// Meanwhile someone else signs in from elsewhere.
		other := make(chan int)
		go func() { other <- b.signIn(emailProvB, testPassword, "192.0.2.200:1000") }()
		statuses := b.burst(150, func(int) (string, string) { return emailProvA, "192.0.2.1:1000" })
		if code := <-other; code != http.StatusSeeOther {
			t.Errorf("another account's sign-in during the burst: status %d", code)
		}
		if got := int(accounts.calls.Load()) - 1; got > loginFreeFailures {
			t.Errorf("%d wrong passwords checked, want at most %d", got, loginFreeFailures)
		}
		if statuses[http.StatusTooManyRequests] == 0 {
			t.Errorf("statuses %v: none refused with 429", statuses)
		}
	})
	t.Run("150 accounts from 150 addresses", func(t *testing.T) {
		accounts.peak.Store(0)
		statuses := b.burst(150, func(i int) (string, string) {
			return fmt.Sprintf("nobody%d@example.org", i), fmt.Sprintf("198.51.100.%d:1000", i+1)
		})
		if got := int(accounts.peak.Load()); got > pool {
			t.Errorf("%d passwords hashed at once, want at most %d (statuses %v)", got, pool, statuses)
		}
		for code := range statuses {
			if code != http.StatusUnauthorized && code != http.StatusServiceUnavailable {
				t.Errorf("statuses %v: want only 401 and 503", statuses)
			}
		}
	})
}

// BenchmarkSignInBurst measures the memory of 150 simultaneous sign-ins
// with wrong passwords, each for its own account from its own address, so
// the throttle lets every one through to the password check: the Go heap's
// peak above where it started, and the growth of the process's peak
// resident size (Linux). SIGNPOST_BENCH_UNBOUNDED=1 adds a run with a pool
// as large as the burst, as before the pool; it needs some 3 GB.
func BenchmarkSignInBurst(b *testing.B) {
	es := newEditorialSite(b)
	pools := []struct {
		name string
		pool *hashPool
	}{{"pool per core", newCoreHashPool()}}
	if envSet("SIGNPOST_BENCH_UNBOUNDED") {
		pools = append(pools, struct {
			name string
			pool *hashPool
		}{"unbounded", newHashPool(150, 0, time.Minute)})
	}
	for _, p := range pools {
		b.Run(p.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				srv, err := New(es.config(es.clock.Now))
				if err != nil {
					b.Fatal(err)
				}
				srv.accounts.hashes = p.pool
				br := newSignInBrowser(b, srv)
				m := startMemoryWatch()
				statuses := br.burst(150, func(j int) (string, string) {
					return fmt.Sprintf("nobody%d-%d@example.org", i, j), fmt.Sprintf("[2001:db8:%x:%x::1]:1000", i, j)
				})
				heap, rss := m.stop()
				b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(rss)/(1<<20), "peak-rss-growth-MiB")
				b.ReportMetric(float64(statuses[http.StatusUnauthorized]), "checked")
				b.ReportMetric(float64(statuses[http.StatusServiceUnavailable]), "refused-503")
			}
		})
	}
}

// memoryWatch samples the Go heap while a burst runs.
type memoryWatch struct {
	done          chan struct{}
	peak          chan uint64
	heap0, vmHWM0 uint64
}

var heapMetric = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapBytes() uint64 {
	s := slices.Clone(heapMetric)
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakResident is the process's peak resident size (VmHWM), or 0 where
// /proc does not say.
func peakResident() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func startMemoryWatch() *memoryWatch {
	runtime.GC()
	m := &memoryWatch{done: make(chan struct{}), peak: make(chan uint64, 1), heap0: heapBytes(), vmHWM0: peakResident()}
	go func() {
		peak := m.heap0
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-m.done:
				m.peak <- max(peak, heapBytes())
				return
			case <-tick.C:
				peak = max(peak, heapBytes())
			}
		}
	}()
	return m
}

// stop returns the heap's peak above its start and the growth of the peak
// resident size.
func (m *memoryWatch) stop() (heap, rss uint64) {
	close(m.done)
	return <-m.peak - m.heap0, peakResident() - m.vmHWM0
}

func envSet(name string) bool { return os.Getenv(name) != "" }
