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
	"runtime"
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
	// pid is the server's process id, to sample its memory and CPU time;
	// 0: do not.
	pid int
	// stall is how long the writes-alone phase runs after the load (0:
	// none): one reader searching while the writer writes, to see how
	// long a write can hold up a read when the server is not saturated.
	stall time.Duration
	// provider and admin are email:password; no provider means no writes.
	provider, admin string
}

func main() {
	var cfg config
	flag.StringVar(&cfg.base, "base", "http://127.0.0.1:18181", "server to load")
	flag.IntVar(&cfg.clients, "clients", 32, "concurrent readers")
	flag.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to run")
	flag.IntVar(&cfg.pid, "pid", 0, "server process id, to sample its memory and CPU time")
	flag.DurationVar(&cfg.stall, "stall", 0, "after the load, run one reader beside the writer this long, and report reads held up by writes")
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
	kind  string
	start time.Time
	d     time.Duration
	err   error
}

func run(cfg config) error {
	ids, err := serviceIDs(cfg.base)
	if err != nil {
		return fmt.Errorf("read service ids from the API: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	mem := watchMemory(ctx, cfg.pid)
	cpuStart := cpuTime(cfg.pid)
	start := time.Now()
	rep := collect(startLoad(ctx, cfg, cfg.clients, 0, ids))
	elapsed := time.Since(start)
	cpu := cpuTime(cfg.pid) - cpuStart

	fmt.Printf("%d readers for %s against %s (%d services)\n\n", cfg.clients, cfg.duration, cfg.base, len(ids))
	failed := rep.print(elapsed)
	if cfg.pid > 0 {
		rssStart, rssPeak := mem()
		fmt.Printf("\nserver resident memory: %d MB at start, %d MB at peak\n", rssStart>>20, rssPeak>>20)
		n := rep.requests()
		fmt.Printf("server CPU time: %.1f s for %d requests, %.2f ms per request (%.2f of %d cores busy)\n",
			cpu.Seconds(), n, cpu.Seconds()*1000/float64(max(n, 1)), cpu.Seconds()/elapsed.Seconds(), runtime.NumCPU())
	}
	for k, err := range rep.firstErr {
		fmt.Printf("first %s error: %v\n", k, err)
	}
	if cfg.stall > 0 && cfg.provider != "" {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.stall)
		defer cancel()
		srep := collect(startLoad(ctx, cfg, 1, 250*time.Millisecond, ids))
		fmt.Printf("\nwrites alone, %s: one reader beside the writer, which pauses 250 ms after each write\n\n", cfg.stall)
		failed += srep.print(cfg.stall)
		srep.printStalls()
	}
	if failed > 0 {
		return fmt.Errorf("%d request(s) failed", failed)
	}
	return nil
}

// cpuTime reads a process's user and system CPU time from /proc (0 when
// pid is 0 or unreadable).
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces; fields count
	// from after it. utime and stime are fields 14 and 15, in ticks of
	// 1/100 s (USER_HZ on Linux).
	_, rest, ok := strings.Cut(string(raw), ") ")
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// startLoad starts the readers and, with a provider account, the writer
// (pausing after each write), until ctx ends; the channel closes when all
// of them have stopped.
func startLoad(ctx context.Context, cfg config, clients int, pause time.Duration, ids []string) <-chan sample {
	samples := make(chan sample, 4096)
	var wg sync.WaitGroup
	transport := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2}
	for i := range clients {
		wg.Go(func() {
			reader(ctx, &http.Client{Transport: transport, Timeout: 10 * time.Second}, cfg.base, ids, uint64(i), samples)
		})
	}
	if cfg.provider != "" {
		wg.Go(func() { writer(ctx, cfg.base, cfg.provider, cfg.admin, pause, samples) })
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
	// reads and writes are every sample's interval, for printStalls.
	reads, writes []sample
}

func collect(samples <-chan sample) report {
	r := report{by: map[string][]time.Duration{}, errs: map[string]int{}, firstErr: map[string]error{}}
	for s := range samples {
		r.by[s.kind] = append(r.by[s.kind], s.d)
		if s.kind == "write" {
			r.writes = append(r.writes, s)
		} else {
			r.reads = append(r.reads, s)
		}
		if s.err != nil {
			r.errs[s.kind]++
			if r.firstErr[s.kind] == nil {
				r.firstErr[s.kind] = s.err
			}
		}
	}
	return r
}

// requests counts the samples of every kind.
func (r report) requests() int {
	n := 0
	for _, ds := range r.by {
		n += len(ds)
	}
	return n
}

// printStalls compares the reads that ran while a write was in flight
// with those that did not: on a server that is not saturated, the slowest
// read beside a write is the longest a write held a read up.
func (r report) printStalls() {
	var during, apart []time.Duration
	for _, rd := range r.reads {
		end := rd.start.Add(rd.d)
		overlaps := false
		for _, w := range r.writes {
			if w.start.Before(end) && rd.start.Before(w.start.Add(w.d)) {
				overlaps = true
				break
			}
		}
		if overlaps {
			during = append(during, rd.d)
		} else {
			apart = append(apart, rd.d)
		}
	}
	line := func(name string, ds []time.Duration) {
		if len(ds) == 0 {
			fmt.Printf("%s: none\n", name)
			return
		}
		slices.Sort(ds)
		fmt.Printf("%s: %d, p50 %s, p99 %s, max %s\n", name, len(ds), pct(ds, 0.5), pct(ds, 0.99), pct(ds, 1))
	}
	fmt.Println()
	line("reads while a write was in flight", during)
	line("reads with no write in flight", apart)
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
		out <- sample{kind, start, time.Since(start), err}
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
func writer(ctx context.Context, base, provider, admin string, pause time.Duration, out chan<- sample) {
	prov, err := login(ctx, base, provider)
	if err != nil {
		out <- sample{"write", time.Now(), 0, fmt.Errorf("provider login: %w", err)}
		return
	}
	var adm *formclient.Client
	if admin != "" {
		if adm, err = login(ctx, base, admin); err != nil {
			out <- sample{"write", time.Now(), 0, fmt.Errorf("admin login: %w", err)}
			return
		}
	}
	doc, err := prov.Page(ctx, "/provider")
	if err != nil {
		out <- sample{"write", time.Now(), 0, err}
		return
	}
	var listings []string
	doc.Find(`a[href^="/provider/listings/"][href$="/edit"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		listings = append(listings, strings.TrimSuffix(strings.TrimPrefix(href, "/provider/listings/"), "/edit"))
	})
	if len(listings) == 0 {
		out <- sample{"write", time.Now(), 0, errors.New("the provider has no listings to edit")}
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
			out <- sample{"write", start, time.Since(start), err}
			if pause > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(pause):
				}
			}
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
