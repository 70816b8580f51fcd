// Command signpost-bench1m measures Signpost at a million listings on one
// machine (issue 24): it generates the services, imports them, builds the
// search index, starts the server on the existing index and times
// probe-style queries over its API, recording each step's time, CPU and
// anonymous resident memory (RssAnon: the store's memory-mapped file is
// not counted, since the kernel can drop it). `make bench-1m` runs it; it
// is not part of CI. It checks the free disk first and removes what it made
// afterwards unless --keep is given.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// config is what the flags set.
type config struct {
	bin   string
	dir   string
	n     int
	keep  bool
	reuse bool
	// reuseIndex also skips the index build when an index is there.
	reuseIndex bool
	queries    int
	addr       string
	// minFreeGB is the free disk the run needs before it starts.
	minFreeGB float64
}

func main() {
	var cfg config
	flag.StringVar(&cfg.bin, "bin", "bin/signpost", "the signpost binary to measure")
	flag.StringVar(&cfg.dir, "dir", "tmp/bench-1m", "folder for the generated file, the store and the index")
	flag.IntVar(&cfg.n, "n", 1_000_000, "how many services")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the generated file, store and index afterwards")
	flag.BoolVar(&cfg.reuse, "reuse", false, "reuse a generated file and store kept by --keep (skips gen and import)")
	flag.BoolVar(&cfg.reuseIndex, "reuse-index", false, "with --reuse, also reuse a kept index (skips the index build)")
	flag.IntVar(&cfg.queries, "queries", 300, "queries of each kind")
	flag.StringVar(&cfg.addr, "addr", "127.0.0.1:18282", "address for the server under test")
	flag.Float64Var(&cfg.minFreeGB, "min-free-gb", 0, "free disk needed to start (default 25 GB per million services)")
	flag.Parse()
	if cfg.minFreeGB == 0 {
		cfg.minFreeGB = max(1, 25*float64(cfg.n)/1e6)
	}
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "signpost-bench1m:", err)
		os.Exit(1)
	}
}

// step is one measured command.
type step struct {
	name     string
	wall     time.Duration
	cpu      time.Duration // user + system, of the process and its children
	peakAnon int64         // bytes
	count    int           // services handled, for a rate
}

func (s step) rate() float64 { return float64(s.count) / s.wall.Seconds() }

// cores is how many cores the step kept busy on average.
func (s step) cores() float64 { return s.cpu.Seconds() / s.wall.Seconds() }

func run(cfg config, out io.Writer) error {
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return err
	}
	free, err := freeGB(cfg.dir)
	if err != nil {
		return err
	}
	if free < cfg.minFreeGB && !cfg.reuse {
		return fmt.Errorf("%s has %.1f GB free; the run needs %.0f GB (the store is about 13 GB at 1M services, the generated file 5 GB, the index 2-4 GB)", cfg.dir, free, cfg.minFreeGB)
	}
	if !cfg.keep {
		defer func() {
			if err := os.RemoveAll(cfg.dir); err != nil {
				fmt.Fprintln(os.Stderr, "signpost-bench1m: remove", cfg.dir+":", err)
			}
		}()
	}
	genFile := filepath.Join(cfg.dir, "gen.ndjson")
	data := filepath.Join(cfg.dir, "var")
	m := machine()
	m.freeGB = free
	fmt.Fprintf(out, "bench-1m: %d services in %s; %s\n", cfg.n, cfg.dir, m)

	var steps []step
	measure := func(name string, count int, args ...string) error {
		fmt.Fprintf(out, "\n== %s: %s %s\n", name, cfg.bin, strings.Join(args, " "))
		s, err := runStep(name, count, cfg.bin, args...)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s: %s wall, %s CPU (%.2f cores), peak RssAnon %s", name, round(s.wall), round(s.cpu), s.cores(), mb(s.peakAnon))
		if count > 0 {
			fmt.Fprintf(out, ", %.0f services/s", s.rate())
		}
		fmt.Fprintln(out)
		steps = append(steps, s)
		return nil
	}
	haveStore := fileExists(filepath.Join(data, "signpost.db"))
	if !cfg.reuse || !fileExists(genFile) && !haveStore {
		if err := measure("gen", cfg.n, "gen", "--n", strconv.Itoa(cfg.n), "--seed", "1", "--out", genFile); err != nil {
			return err
		}
	}
	if !cfg.reuse || !haveStore {
		if err := os.RemoveAll(data); err != nil {
			return err
		}
		if err := measure("import", cfg.n, "import", "--data", data, genFile); err != nil {
			return err
		}
	}
	if !cfg.reuse || !cfg.reuseIndex || !fileExists(filepath.Join(data, "index", "index_meta.json")) {
		if err := measure("index build", cfg.n, "reindex", "--data", data); err != nil {
			return err
		}
	}
	if du, err := diskUsage(data); err == nil {
		fmt.Fprintf(out, "on disk: %s\n", du)
	}
	srv, err := serveAndProbe(cfg, data, out)
	if err != nil {
		return err
	}
	m.loadAfter = loadAverage()
	printTable(out, cfg, m, steps, srv)
	return nil
}

// runStep runs the binary with args, sampling its RssAnon every 200 ms.
func runStep(name string, count int, bin string, args ...string) (step, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return step{}, fmt.Errorf("%s: %w", name, err)
	}
	stop := make(chan struct{})
	peak := make(chan int64)
	go func() { peak <- samplePeak(cmd.Process.Pid, stop) }()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	s := step{name: name, wall: wall, peakAnon: <-peak, count: count}
	if cmd.ProcessState != nil {
		s.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return s, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// samplePeak reads pid's RssAnon every 200 ms until stop closes.
func samplePeak(pid int, stop <-chan struct{}) int64 {
	var peak int64
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		if a, err := rssAnon(pid); err == nil {
			peak = max(peak, a)
		}
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}

// rssAnon is the process's anonymous resident memory in bytes.
func rssAnon(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "RssAnon:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no RssAnon in /proc status")
}

// serverFigures are what the serving part measured.
type serverFigures struct {
	startup    time.Duration // process start to the first answered search
	healthy    time.Duration // process start to /healthz
	anonAfter  int64         // RssAnon after start-up
	anonServed int64         // RssAnon after the queries
	anonPeak   int64
	kinds      []kindFigures
}

type kindFigures struct {
	name          string
	n             int
	p50, p99, max time.Duration
	// firstP99 is over the first query of each distinct text, which no
	// cache has seen.
	firstMax  time.Duration
	firstN    int
	minTotal  int
	maxTotal  int
	withTotal int
}

func serveAndProbe(cfg config, data string, out io.Writer) (serverFigures, error) {
	var f serverFigures
	fmt.Fprintf(out, "\n== serve: %s serve --data %s --addr %s --no-sample\n", cfg.bin, data, cfg.addr)
	logPath := filepath.Join(cfg.dir, "serve.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return f, err
	}
	defer logFile.Close()
	cmd := exec.Command(cfg.bin, "serve", "--data", data, "--addr", cfg.addr, "--no-sample")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return f, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	stop := make(chan struct{})
	peak := make(chan int64)
	go func() { peak <- samplePeak(cmd.Process.Pid, stop) }()
	defer func() {
		if stop != nil {
			close(stop)
			<-peak
		}
	}()

	base := "http://" + cfg.addr
	client := &http.Client{Timeout: 60 * time.Second}
	deadline := time.Now().Add(15 * time.Minute) // a stale index is rebuilt first
	for {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			return f, fmt.Errorf("the server did not answer /healthz within 15 minutes; see %s", logPath)
		}
		time.Sleep(20 * time.Millisecond)
	}
	f.healthy = time.Since(start)
	if _, err := getTotal(client, base+"/api/v1/services?search=gardening&per_page=10"); err != nil {
		return f, fmt.Errorf("first search: %w", err)
	}
	f.startup = time.Since(start)
	f.anonAfter, _ = rssAnon(cmd.Process.Pid)
	fmt.Fprintf(out, "serve: /healthz after %s, first search answered after %s, RssAnon %s\n", round(f.healthy), round(f.startup), mb(f.anonAfter))

	for _, k := range probeKinds {
		kf, err := probe(client, base, k, cfg.queries)
		if err != nil {
			return f, err
		}
		fmt.Fprintf(out, "%-46s p50 %7s  p99 %7s  max %7s  totals %d-%d\n", k.name, ms(kf.p50), ms(kf.p99), ms(kf.max), kf.minTotal, kf.maxTotal)
		f.kinds = append(f.kinds, kf)
	}
	f.anonServed, _ = rssAnon(cmd.Process.Pid)
	close(stop)
	f.anonPeak = max(<-peak, f.anonServed)
	stop = nil
	fmt.Fprintf(out, "serve: RssAnon after the queries %s, peak %s\n", mb(f.anonServed), mb(f.anonPeak))
	return f, nil
}

// probeKind is one kind of query, as the engine benchmark's (b)-(d) but
// through the API, with exact totals (and facets, which the engine counts
// for every search).
type probeKind struct {
	name string
	// text says whether the query has words, whose first use misses the
	// text cache.
	text bool
	url  func(r *rand.Rand) (path, word string)
}

var probeWords = []string{"gardening", "walking", "choir", "counselling", "debt", "anxiety", "lonely", "art", "cooking",
	"computers", "swimming", "bereavement", "yoga", "football", "reading", "coffee", "support", "dementia", "carers", "english"}

var needs = []string{"lonely", "low-mood", "worry", "bereavement", "money", "benefits", "housing", "work", "active",
	"healthy-eating", "long-term-condition", "carer", "confidence", "new-to-area", "digital", "english", "family",
	"alcohol-drugs", "safety", "food"}

var interests = []string{"arts-crafts", "music", "singing", "gardening", "walking", "sport", "dance", "cooking", "reading",
	"nature", "faith", "volunteering", "learning", "technology", "games", "history", "photography", "mindfulness",
	"swimming", "cycling", "animals", "drama", "writing", "outdoors"}

// point is a random place in the region the generator spreads services
// over (the Liverpool City Region).
func point(r *rand.Rand) (string, string) {
	return strconv.FormatFloat(53.30+r.Float64()*0.35, 'f', 5, 64), strconv.FormatFloat(-3.10+r.Float64()*0.40, 'f', 5, 64)
}

func pick(r *rand.Rand, from []string, k int) []string {
	var out []string
	for _, i := range r.Perm(len(from))[:k] {
		out = append(out, from[i])
	}
	return out
}

var probeKinds = []probeKind{
	{"(b) text + place + 10 km + need", true, func(r *rand.Rand) (string, string) {
		lat, lon := point(r)
		w := probeWords[r.IntN(len(probeWords))]
		v := url.Values{"search": {w}, "lat": {lat}, "lon": {lon}, "proximity": {"10000"}, "need": pick(r, needs, 1)}
		return "/api/v1/services?" + v.Encode(), w
	}},
	{"(c) matcher: 2 needs + 2 interests + place", false, func(r *rand.Rand) (string, string) {
		lat, lon := point(r)
		v := url.Values{"lat": {lat}, "lon": {lon}, "need": pick(r, needs, 2), "interest": pick(r, interests, 2)}
		return "/api/v1/match?" + v.Encode(), ""
	}},
	{"(d) everything within 10 km, nearest first", false, func(r *rand.Rand) (string, string) {
		lat, lon := point(r)
		v := url.Values{"lat": {lat}, "lon": {lon}, "proximity": {"10000"}, "sort": {"nearest"}}
		return "/api/v1/services?" + v.Encode(), ""
	}},
	{"(a) text only", true, func(r *rand.Rand) (string, string) {
		w := probeWords[r.IntN(len(probeWords))]
		return "/api/v1/services?" + url.Values{"search": {w}}.Encode(), w
	}},
}

// probe runs n queries of one kind one after another (after 10 to warm
// up) and returns their latencies.
func probe(client *http.Client, base string, k probeKind, n int) (kindFigures, error) {
	r := rand.New(rand.NewPCG(7, uint64(len(k.name))))
	kf := kindFigures{name: k.name, n: n, minTotal: -1}
	seen := map[string]bool{}
	var ds []time.Duration
	for i := range n + 10 {
		path, word := k.url(r)
		first := k.text && !seen[word]
		seen[word] = true
		start := time.Now()
		total, err := getTotal(client, base+path)
		d := time.Since(start)
		if err != nil {
			return kf, fmt.Errorf("%s: %s: %w", k.name, path, err)
		}
		if first {
			kf.firstN++
			kf.firstMax = max(kf.firstMax, d)
		}
		if i < 10 && !first {
			continue
		}
		ds = append(ds, d)
		if kf.minTotal < 0 || total < kf.minTotal {
			kf.minTotal = total
		}
		kf.maxTotal = max(kf.maxTotal, total)
	}
	slices.Sort(ds)
	kf.n = len(ds)
	kf.p50, kf.p99, kf.max = ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1]
	return kf, nil
}

// getTotal fetches an API page and returns its total_items.
func getTotal(client *http.Client, u string) (int, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	var page struct {
		Total *int `json:"total_items"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, err
	}
	if page.Total == nil {
		return 0, errors.New("no total_items in the answer")
	}
	return *page.Total, nil
}

// machineInfo describes where the run happened.
type machineInfo struct {
	cpus             int
	model            string
	memGB            float64
	freeGB           float64
	loadBefore       string
	loadAfter        string
	date, goVersion  string
	commit, revState string
}

func (m machineInfo) String() string {
	return fmt.Sprintf("%s, %d CPUs (%s), %.0f GB RAM, %.0f GB free on disk, load average %s, %s",
		m.date, m.cpus, m.model, m.memGB, m.freeGB, m.loadBefore, m.commit)
}

func machine() machineInfo {
	m := machineInfo{cpus: runtime.NumCPU(), date: time.Now().UTC().Format("2006-01-02 15:04 UTC"), loadBefore: loadAverage()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
				m.memGB = kb / (1 << 20)
			}
		}
	}
	if b, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		m.commit = "commit " + strings.TrimSpace(string(b))
	}
	return m
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func freeGB(dir string) (float64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, fmt.Errorf("free disk of %s: %w", dir, err)
	}
	return float64(st.Bavail) * float64(st.Bsize) / 1e9, nil
}

func diskUsage(data string) (string, error) {
	var parts []string
	for _, name := range []string{"signpost.db", "index"} {
		var total int64
		err := filepath.WalkDir(filepath.Join(data, name), func(_ string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if info, err := d.Info(); err == nil && !d.IsDir() {
				total += info.Size()
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("%s %.1f GB", name, float64(total)/1e9))
	}
	return strings.Join(parts, ", "), nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func printTable(out io.Writer, cfg config, m machineInfo, steps []step, srv serverFigures) {
	fmt.Fprintf(out, "\n## %d services on one box\n\n", cfg.n)
	fmt.Fprintf(out, "%s; load average %s before, %s after.\n\n", m, m.loadBefore, m.loadAfter)
	fmt.Fprintln(out, "| step | wall | CPU (cores busy) | rate | peak RssAnon | target | |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---|---|")
	for _, s := range steps {
		target, met := "", ""
		switch s.name {
		case "import":
			target, met = "≥ 10,000/s", metIf(s.rate() >= 10_000)
		case "index build":
			target, met = "≥ 10,000/s on both cores; RssAnon ≤ 4 GB", metIf(s.rate() >= 10_000 && s.peakAnon <= 4<<30)
		}
		fmt.Fprintf(out, "| %s | %s | %s (%.2f) | %.0f/s | %s | %s | %s |\n", s.name, round(s.wall), round(s.cpu), s.cores(), s.rate(), mb(s.peakAnon), target, met)
	}
	fmt.Fprintf(out, "| serve: start-up on the existing index to the first answer | %s | | | %s | ≤ 3 s | %s |\n", round(srv.startup), mb(srv.anonAfter), metIf(srv.startup <= 3*time.Second))
	fmt.Fprintf(out, "| serve: after %d queries of each kind (peak) | | | | %s (%s) | ≤ 3 GB | %s |\n", cfg.queries, mb(srv.anonServed), mb(srv.anonPeak), metIf(srv.anonPeak <= 3<<30))
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| query (API, one at a time) | p50 | p99 | max | first use of a word (max) | totals | target p99 ≤ 50 ms |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---|---|")
	for _, k := range srv.kinds {
		first := ""
		if k.firstN > 0 {
			first = fmt.Sprintf("%s (%d words)", ms(k.firstMax), k.firstN)
		}
		fmt.Fprintf(out, "| %s | %s | %s | %s | %s | %d–%d | %s |\n", k.name, ms(k.p50), ms(k.p99), ms(k.max), first, k.minTotal, k.maxTotal, metIf(k.p99 <= 50*time.Millisecond))
	}
}

func metIf(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}

func round(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", d.Seconds()*1000) }

func mb(b int64) string {
	if b >= 1<<30 {
		return fmt.Sprintf("%.2f GB", float64(b)/(1<<30))
	}
	return fmt.Sprintf("%d MB", b>>20)
}
