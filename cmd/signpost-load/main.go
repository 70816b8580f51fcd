// Command signpost-load drives a running Signpost server the way a busy
// morning would: many readers searching, matching, opening activity pages
// and calling the API, while one writer applies provider edits, capacity
// changes and admin approvals. It prints throughput and latency per kind of
// request and the server's memory, for BENCHMARKS.md. `make load` runs it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/web/formclient"
)

// config is what the flags set.
type config struct {
	base     string
	clients  int
	duration time.Duration
	// pid is the server's process id, to sample its memory; 0: do not.
	pid int
	// provider and admin are email:password; no provider means no writes.
	provider, admin string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.base, "base", "http://127.0.0.1:18181", "server to load")
	flag.IntVar(&cfg.clients, "clients", 32, "concurrent readers")
	flag.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to run")
	flag.IntVar(&cfg.pid, "pid", 0, "server process id, to sample its memory")
	flag.StringVar(&cfg.provider, "provider", "", "provider account email:password for the writer (none: no writes)")
	flag.StringVar(&cfg.admin, "admin", "", "admin account email:password for approvals")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "signpost-load:", err)
		os.Exit(1)
	}
}

// kinds of request, in report order.
var kinds = []string{"search", "match", "activity", "api", "write"}

type sample struct {
	kind string
	d    time.Duration
	err  error
}

func run(cfg config) error {
	ids, err := serviceIDs(cfg.base)
	if err != nil {
		return fmt.Errorf("read service ids from the API: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	mem := watchMemory(ctx, cfg.pid)
	start := time.Now()
	rep := collect(startLoad(ctx, cfg, ids))
	elapsed := time.Since(start)

	fmt.Printf("%d readers for %s against %s (%d services)\n\n", cfg.clients, cfg.duration, cfg.base, len(ids))
	failed := rep.print(elapsed)
	if cfg.pid > 0 {
		rssStart, rssPeak := mem()
		fmt.Printf("\nserver resident memory: %d MB at start, %d MB at peak\n", rssStart>>20, rssPeak>>20)
	}
	for k, err := range rep.firstErr {
		fmt.Printf("first %s error: %v\n", k, err)
	}
	if failed > 0 {
		return fmt.Errorf("%d request(s) failed", failed)
	}
	return nil
}

// startLoad starts the readers and, with a provider account, the writer,
// until ctx ends; the channel closes when all of them have stopped.
func startLoad(ctx context.Context, cfg config, ids []string) <-chan sample {
	samples := make(chan sample, 4096)
	var wg sync.WaitGroup
	transport := &http.Transport{MaxIdleConns: cfg.clients * 2, MaxIdleConnsPerHost: cfg.clients * 2}
	for i := range cfg.clients {
		wg.Go(func() {
			reader(ctx, &http.Client{Transport: transport, Timeout: 10 * time.Second}, cfg.base, ids, uint64(i), samples)
		})
	}
	if cfg.provider != "" {
		wg.Go(func() { writer(ctx, cfg.base, cfg.provider, cfg.admin, samples) })
	}
	go func() { wg.Wait(); close(samples) }()
	return samples
}

// watchMemory samples the resident memory of process pid every half second
// until ctx ends. The func it returns waits for the sampling to stop and
// reports the memory at the start and at the peak.
func watchMemory(ctx context.Context, pid int) func() (start, peak int64) {
	if pid <= 0 {
		return func() (int64, int64) { return 0, 0 }
	}
	start, peak := rss(pid), int64(0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				peak = max(peak, rss(pid))
			}
		}
	}()
	return func() (int64, int64) {
		<-done
		return start, peak
	}
}

// report gathers the samples by kind.
type report struct {
	by       map[string][]time.Duration
	errs     map[string]int
	firstErr map[string]error
}

func collect(samples <-chan sample) report {
	r := report{by: map[string][]time.Duration{}, errs: map[string]int{}, firstErr: map[string]error{}}
	for s := range samples {
		r.by[s.kind] = append(r.by[s.kind], s.d)
		if s.err != nil {
			r.errs[s.kind]++
			if r.firstErr[s.kind] == nil {
				r.firstErr[s.kind] = s.err
			}
		}
	}
	return r
}

// print writes the table of requests by kind and returns how many failed.
func (r report) print(elapsed time.Duration) int {
	fmt.Println("| kind | requests | per second | p50 | p99 | errors |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	failed := 0
	for _, k := range kinds {
		ds := r.by[k]
		if len(ds) == 0 {
			continue
		}
		failed += r.errs[k]
		slices.Sort(ds)
		fmt.Printf("| %s | %d | %.0f | %s | %s | %d |\n", k, len(ds), float64(len(ds))/elapsed.Seconds(),
			pct(ds, 0.50), pct(ds, 0.99), r.errs[k])
	}
	return failed
}

func pct(ds []time.Duration, p float64) string {
	d := ds[min(len(ds)-1, int(float64(len(ds))*p))]
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// rss reads a process's resident memory from /proc, in bytes.
func rss(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func serviceIDs(base string) ([]string, error) {
	resp, err := http.Get(base + "/api/v1/services?per_page=200")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var page struct {
		Contents []struct {
			ID string `json:"id"`
		} `json:"contents"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range page.Contents {
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return nil, errors.New("the server lists no services")
	}
	return ids, nil
}

var (
	words  = []string{"gardening", "walking", "debt advice", "choir", "counciling", "anxiety", "lonely", "cooking", "art", "job club", "bereavement", "swimming", "computer", "english"}
	places = []string{"Bootle", "Birkenhead", "L8", "Southport", "Huyton", "St Helens", "Widnes", "Wallasey", "Kirkby", "CH41"}
	needs  = []string{"lonely", "low-mood", "worry", "money", "active", "carer", "confidence"}
	likes  = []string{"gardening", "walking", "music", "cooking", "arts-crafts", "reading", "nature"}
)

// reader issues a mix of reads: mostly searches, as on a real site.
func reader(ctx context.Context, c *http.Client, base string, ids []string, seed uint64, out chan<- sample) {
	rng := rand.New(rand.NewPCG(seed, 42))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	for ctx.Err() == nil {
		var kind, path string
		switch n := rng.IntN(10); {
		case n < 5:
			kind = "search"
			q := url.Values{"q": {pick(words)}, "near": {pick(places)}, "radius": {"10"}}
			if rng.IntN(2) == 0 {
				q.Set("free", "1")
			}
			path = "/search?" + q.Encode()
		case n < 7:
			// The matcher's results step: the step pages before it only
			// ask questions and never reach the engine.
			kind = "match"
			q := url.Values{"step": {"results"}, "need": {pick(needs), pick(needs)}, "interest": {pick(likes), pick(likes)}, "near": {pick(places)}}
			path = "/match?" + q.Encode()
		case n < 9:
			kind = "activity"
			path = "/activities/" + pick(ids)
		default:
			kind = "api"
			q := url.Values{"search": {pick(words)}, "postcode": {pick(places)}, "proximity": {"8000"}, "per_page": {"20"}}
			path = "/api/v1/services?" + q.Encode()
		}
		start := time.Now()
		err := get(ctx, c, base+path)
		if ctx.Err() != nil {
			return // the run ended mid-request; not a server error
		}
		out <- sample{kind, time.Since(start), err}
	}
}

func get(ctx context.Context, c *http.Client, u string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

// writer plays a provider keeping listings true and an admin approving:
// each round edits a description (a draft), changes capacity, confirms the
// listing still runs, and approves the draft.
func writer(ctx context.Context, base, provider, admin string, out chan<- sample) {
	prov, err := login(ctx, base, provider)
	if err != nil {
		out <- sample{"write", 0, fmt.Errorf("provider login: %w", err)}
		return
	}
	var adm *formclient.Client
	if admin != "" {
		if adm, err = login(ctx, base, admin); err != nil {
			out <- sample{"write", 0, fmt.Errorf("admin login: %w", err)}
			return
		}
	}
	doc, err := prov.Page(ctx, "/provider")
	if err != nil {
		out <- sample{"write", 0, err}
		return
	}
	var listings []string
	doc.Find(`a[href^="/provider/listings/"][href$="/edit"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		listings = append(listings, strings.TrimSuffix(strings.TrimPrefix(href, "/provider/listings/"), "/edit"))
	})
	if len(listings) == 0 {
		out <- sample{"write", 0, errors.New("the provider has no listings to edit")}
		return
	}
	capacities := []string{"accepting", "waiting-list", "full", "accepting"}
	// Each run's edits must differ from the last run's: resubmitting the
	// listing as it stands is refused ("Nothing has changed yet").
	runID := time.Now().UTC().Format(time.RFC3339Nano)
	for round := 0; ctx.Err() == nil; round++ {
		id := listings[round%len(listings)]
		steps := []func() error{
			func() error {
				return prov.Submit(ctx, "/provider/listings/"+id+"/edit", `form#listing-form`, url.Values{
					"action":      {"submit"},
					"description": {fmt.Sprintf("Updated during the load test of %s, round %d.\n\nEveryone welcome.", runID, round)},
				})
			},
			func() error {
				return prov.Submit(ctx, "/provider", `form[action="/provider/listings/`+id+`/capacity"]`, url.Values{
					"capacity": {capacities[round%len(capacities)]},
				})
			},
			func() error {
				return prov.Submit(ctx, "/provider", `form[action="/provider/listings/`+id+`/confirm"]`, nil)
			},
		}
		if adm != nil {
			steps = append(steps, func() error {
				return adm.Submit(ctx, "/admin/queue/"+id, `form[action$="/approve"]`, nil)
			})
		}
		for _, step := range steps {
			start := time.Now()
			err := step()
			if ctx.Err() != nil {
				return
			}
			out <- sample{"write", time.Since(start), err}
		}
	}
}

func login(ctx context.Context, base, cred string) (*formclient.Client, error) {
	email, password, ok := strings.Cut(cred, ":")
	if !ok {
		return nil, errors.New("want email:password")
	}
	c := formclient.New(base)
	return c, c.Login(ctx, email, password)
}
