package web

// Browser tests: a person's journeys through the site in headless Chromium,
// axe-core's WCAG 2.2 A/AA checks on every kind of page, and screenshots at
// desktop and phone widths for a person to look at (kept in
// $SIGNPOST_SCREENSHOTS when it names a folder).
//
// Every browser test of the package opens tabs of one shared Chromium
// (newTab); keep it that way when adding journeys. They need Debian's
// chromium (or $SIGNPOST_CHROMIUM) and the accessibility checks axe-core at
// $SIGNPOST_AXE (.ci/run installs both): without them they skip with a
// message, or fail when SIGNPOST_REQUIRE_TOOLS is set, as in CI.
// `go test -short` skips them all.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"signpost/directory"
)

func findChromium() string {
	if p := os.Getenv("SIGNPOST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is one tab of the package's shared Chromium, in a browser
// context of its own (its own cookies and storage, like a separate
// person's browser), with the page's console errors collected.
type browser struct {
	ctx  context.Context
	base string

	mu       sync.Mutex
	problems []string
}

// chromium is the package's one headless Chromium: started by the first
// browser test, shared by every test after it, closed by TestMain.
// Starting Chromium takes a second or two of a busy machine; a browser per
// test would spend most of the budget on it.
var chromium struct {
	once    sync.Once
	ctx     context.Context
	cancel  func()
	dataDir string
	err     error
}

func startChromium(path string) {
	dir, err := os.MkdirTemp("", "signpost-chromium-")
	if err != nil {
		chromium.err = err
		return
	}
	chromium.dataDir = dir
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dir),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	chromium.ctx = ctx
	chromium.cancel = func() { cancel(); cancelAlloc() }
	// Start the browser on its own context: a tab first opened under a
	// test's context would close the browser with it.
	chromium.err = chromedp.Do(ctx)
}

// closeSharedBrowser stops the package's Chromium, if a test started it.
func closeSharedBrowser() {
	if chromium.cancel != nil {
		chromium.cancel()
	}
	if chromium.dataDir != "" {
		os.RemoveAll(chromium.dataDir)
	}
}

// newTab opens a tab of the shared Chromium on the site at base, in a
// fresh browser context. Without Chromium the test is skipped with what to
// install, or fails under SIGNPOST_REQUIRE_TOOLS; `go test -short` skips
// it.
func newTab(t *testing.T, base string) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	path := findChromium()
	if path == "" {
		missingTool(t, "browser tests skipped: no chromium found (apt-get install -y chromium, or set SIGNPOST_CHROMIUM)")
	}
	chromium.once.Do(func() { startChromium(path) })
	if chromium.err != nil {
		missingTool(t, "browser tests skipped: chromium at %s would not start: %v", path, chromium.err)
	}
	ctx, cancel := chromedp.NewContext(chromium.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Open the tab on ctx itself: a tab first opened under a step's
	// timeout would close when the step ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	b := &browser{ctx: ctx, base: base}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// A 4xx page is sometimes the point of a test (an unknown
			// place is a 400); a 4xx for an asset is still a fault.
			if strings.HasPrefix(m.Text, "Failed to load resource: the server responded with a status of 4") && !strings.Contains(m.URL, "/static/") {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				b.mu.Lock()
				b.problems = append(b.problems, fmt.Sprintf("%s: %s", m.URL, m.Text))
				b.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		// A CSP violation (an inline style or script) or a failed request
		// shows here.
		for _, p := range b.problems {
			t.Errorf("browser console error: %s", p)
		}
	})
	return b
}

// newBrowser is a tab on a test server of the sample directory.
func newBrowser(t *testing.T) (*browser, *sampleSite) {
	t.Helper()
	b := newTab(t, "")
	site := newSampleSite(t)
	ts := httptest.NewServer(site.srv)
	t.Cleanup(ts.Close)
	b.base = ts.URL
	return b, site
}

// missingTool skips a test whose tool (Chromium, axe-core) is missing,
// saying what to install. Under SIGNPOST_REQUIRE_TOOLS, which .ci/run
// sets, it fails instead: CI must not pass without running the test.
func missingTool(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("SIGNPOST_REQUIRE_TOOLS") != "" {
		t.Fatalf(format+" (SIGNPOST_REQUIRE_TOOLS is set, so this fails)", args...)
	}
	t.Skipf(format, args...)
}

// step runs actions with a time limit, failing the test on error.
func (b *browser) step(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// follow runs an action that loads a new page, waiting for it.
func (b *browser) follow(t *testing.T, what string, action chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp.Status >= 400 {
		t.Fatalf("%s: status %d for %s", what, resp.Status, resp.URL)
	}
}

func run[T any](t *testing.T, b *browser, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// waitFor evaluates a condition until it holds. It asks again after an
// error, since a navigation can swap the page's script context mid-call; a
// page restored from the back-forward cache sends no new document for a
// DOM query to wait on.
func (b *browser) waitFor(t *testing.T, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q never held (last error %v)", what, cond, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) location(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(run(t, b, "location", chromedp.Location()))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestBrowser(t *testing.T) {
	t.Parallel()
	b, site := newBrowser(t)

	t.Run("search near Bootle, tick Free, open a result, correct it and print it", func(t *testing.T) {
		b.step(t, "open home", chromedp.Navigate(b.base+"/"), chromedp.WaitVisible(chromedp.ID("q")))
		b.step(t, "type", chromedp.SendKeys(chromedp.ID("q"), "gardening"), chromedp.SendKeys(chromedp.ID("near"), "Bootle"))
		b.follow(t, "search", chromedp.Click(chromedp.CSS(".search-home button[type=submit]")))
		if u := b.location(t); u.Path != "/search" || u.Query().Get("near") != "Bootle" {
			t.Fatalf("after searching, at %s", u)
		}
		heading := run(t, b, "heading", chromedp.Text(chromedp.ID("results-heading")))
		if !strings.Contains(heading, "found for ‘gardening’ near Bootle") {
			t.Errorf("results heading %q", heading)
		}
		b.step(t, "tick Free", chromedp.Click(chromedp.ID("free")))
		b.follow(t, "update results", chromedp.Click(chromedp.CSS(".filters button[type=submit]")))
		if u := b.location(t); u.Query().Get("free") != "1" || u.Query().Get("q") != "gardening" {
			t.Fatalf("after ticking Free, at %s", u)
		}
		costs := run(t, b, "costs", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".result .facts")].map(dl => [...dl.querySelectorAll("div")].find(d => d.querySelector("dt").textContent === "Cost")?.querySelector("dd").textContent || "")`))
		if len(costs) == 0 {
			t.Fatal("no free gardening results near Bootle in the sample directory")
		}
		for i, c := range costs {
			if !strings.HasPrefix(c, "Free") {
				t.Errorf("result %d costs %q after ticking Free", i+1, c)
			}
		}
		why := run(t, b, "reasons", chromedp.Text(chromedp.CSS("#result-1 .why")))
		if !strings.Contains(why, "Why this is suggested") {
			t.Errorf("first result explains nothing: %q", why)
		}
		name := run(t, b, "first result", chromedp.Text(chromedp.CSS("#result-1 h3 a")))
		b.follow(t, "open result", chromedp.Click(chromedp.CSS("#result-1 h3 a")))
		if h1 := run(t, b, "h1", chromedp.Text(chromedp.CSS("h1"))); h1 != name {
			t.Errorf("activity page h1 %q, want %q", h1, name)
		}
		b.step(t, "write a correction", chromedp.SendKeys(chromedp.ID("correction-message"), "The group now meets on Fridays."))
		b.follow(t, "send the correction", chromedp.Click(chromedp.CSS(".correction button[type=submit]")))
		if got := run(t, b, "thanks", chromedp.Text(chromedp.ID("done"))); !strings.Contains(got, "Thank you") {
			t.Errorf("after sending a correction: %q", got)
		}
		b.follow(t, "print view", chromedp.Click(chromedp.CSS(".key-facts .tools a")))
		if u := b.location(t); !strings.HasSuffix(u.Path, "/print") {
			t.Errorf("print link went to %s", u)
		}
		shown := run(t, b, "print layout", chromedp.Evaluate[map[string]any](`({
			h1: document.querySelector("h1").textContent,
			header: !!document.querySelector(".site-header"),
			form: !!document.querySelector("form"),
			fontSize: parseFloat(getComputedStyle(document.body).fontSize)
		})`))
		if shown["h1"] != name || shown["header"] == true || shown["form"] == true {
			t.Errorf("print view: %v", shown)
		}
		if fs, _ := shown["fontSize"].(float64); fs < 20 {
			t.Errorf("print view type is %vpx; it should be large", fs)
		}
	})

	t.Run("the matcher, end to end, with a skipped step and Back", func(t *testing.T) {
		b.step(t, "open matcher", chromedp.Navigate(b.base+"/match"), chromedp.WaitVisible(chromedp.ID("need-lonely")))
		b.step(t, "tick a need", chromedp.Click(chromedp.ID("need-lonely")))
		b.follow(t, "continue", chromedp.Click(chromedp.CSS("button[name=step]")))
		b.step(t, "tick an interest", chromedp.WaitVisible(chromedp.ID("interest-gardening")), chromedp.Click(chromedp.ID("interest-gardening")))
		b.follow(t, "continue", chromedp.Click(chromedp.CSS("button[name=step]")))
		b.step(t, "place", chromedp.WaitVisible(chromedp.ID("near")), chromedp.SendKeys(chromedp.ID("near"), "Bootle"))
		b.follow(t, "continue", chromedp.Click(chromedp.CSS("button[name=step]")))
		b.follow(t, "skip the last step", chromedp.Click(chromedp.CSS(".actions a")))
		u := b.location(t)
		if u.Query().Get("step") != "results" || u.Query().Get("need") != "lonely" || u.Query().Get("interest") != "gardening" || u.Query().Get("near") != "Bootle" {
			t.Fatalf("results URL lost answers: %s", u)
		}
		answers := run(t, b, "answers", chromedp.Text(chromedp.CSS(".summary-list")))
		for _, want := range []string{"Feeling lonely or cut off", "Gardening", "Bootle"} {
			if !strings.Contains(answers, want) {
				t.Errorf("answers %q lack %q", answers, want)
			}
		}
		why := run(t, b, "reasons", chromedp.Text(chromedp.CSS("#result-1 .why")))
		if !strings.Contains(why, "Helps with") && !strings.Contains(why, "You said you enjoy") {
			t.Errorf("the first suggestion does not say why: %q", why)
		}
		// Back is the step that was skipped, still carrying every answer;
		// a refresh keeps them too.
		for _, how := range []struct {
			name   string
			action chromedp.Action[chromedp.Void]
		}{{"back", chromedp.Evaluate[chromedp.Void]("history.back()")}, {"refresh", chromedp.Reload()}} {
			// Poll in the page rather than query the DOM: a page restored
			// from the back-forward cache sends no new document to track.
			b.step(t, how.name, how.action)
			b.waitFor(t, how.name, `location.search.includes("step=fit") && document.readyState === "complete" && !!document.getElementById("free")`)
			u := b.location(t)
			kept := run(t, b, "hidden answers", chromedp.Evaluate[[]string](`[...document.querySelectorAll("input[type=hidden]")].map(i => i.name + "=" + i.value).sort()`))
			if u.Query().Get("step") != "fit" || strings.Join(kept, "&") != "interest=gardening&near=Bootle&need=lonely" {
				t.Errorf("after %s: at %s carrying %v", how.name, u, kept)
			}
		}
	})

	activity := firstActivityID(t, site)
	pages := []struct{ name, path string }{
		{"home", "/"},
		{"search", "/search?q=gardening&near=Bootle"},
		{"search-error", "/search?q=gardening&near=Bootel"},
		{"search-corrected", "/search?q=lonley+and+skint"},
		{"search-filler", "/search?q=I+need+some+help"},
		{"search-none", "/search?q=knitting&near=Bootle&radius=1&free=1&day=SU"},
		{"search-print", "/search/print?q=gardening&near=Bootle"},
		{"match", "/match"},
		{"match-fit", "/match?need=lonely&step=fit"},
		{"match-results", "/match?need=lonely&interest=gardening&near=Bootle&step=results"},
		{"activity", "/activities/" + activity},
		{"activity-print", "/activities/" + activity + "/print"},
		{"help-now", "/help-now"},
		{"search-safety", "/search?need=safety&near=Bootle"},
		{"my-list", "/my-list"},
		{"search-crisis", "/search?q=" + url.QueryEscape("I want to die") + "&near=Bootle"},
		{"match-crisis", "/match?need=low-mood&near=Bootle&step=results&q=" + url.QueryEscape("can't go on")},
	}

	t.Run("axe finds no WCAG 2.2 A or AA violations", func(t *testing.T) {
		axe := loadAxe(t)
		for _, p := range pages {
			t.Run(p.name, func(t *testing.T) { b.assertAccessible(t, axe, p.path) })
		}
	})

	t.Run("usable at 320 px: nothing wider than the screen", func(t *testing.T) {
		b.step(t, "narrow", chromedp.EmulateViewport(320, 640))
		for _, p := range pages {
			b.step(t, p.name, chromedp.Navigate(b.base+p.path), chromedp.WaitReady(chromedp.CSS("main")))
			width := run(t, b, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if width > 320 {
				t.Errorf("%s scrolls sideways at 320 px: %d px wide", p.name, width)
			}
		}
	})

	t.Run("map labels, as drawn, overlap nothing", func(t *testing.T) {
		// The server places labels by estimated size; here the browser
		// measures the text it drew.
		for _, width := range []int64{1280, 375} {
			b.step(t, "viewport", chromedp.EmulateViewport(width, 900))
			for _, p := range pages {
				b.step(t, p.name, chromedp.Navigate(b.base+p.path), chromedp.WaitReady(chromedp.CSS("main")))
				clashes := run(t, b, "measure", chromedp.Evaluate[[]string](`(() => {
					const r = el => { const b = el.getBoundingClientRect(); return {t: el.textContent, x0: b.left, y0: b.top, x1: b.right, y1: b.bottom}; };
					const out = [];
					for (const svg of document.querySelectorAll("svg.map")) {
						const labels = [...svg.querySelectorAll(".map-labels text")].map(r);
						const pins = [...svg.querySelectorAll(".map-marker, .map-you")].map(r);
						const frame = svg.getBoundingClientRect();
						const hit = (a, b) => a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5;
						labels.forEach((a, i) => {
							if (a.x0 < frame.left || a.x1 > frame.right || a.y0 < frame.top || a.y1 > frame.bottom) out.push(a.t + " leaves the map");
							labels.slice(i + 1).forEach(b => { if (hit(a, b)) out.push(a.t + " overlaps " + b.t); });
							pins.forEach(p => { if (hit(a, p)) out.push(a.t + " covers a pin"); });
						});
					}
					return out;
				})()`))
				for _, c := range clashes {
					t.Errorf("%s at %d px: %s", p.name, width, c)
				}
			}
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		// Tests never write into the working tree. Every page at two
		// widths goes to the folder SIGNPOST_SCREENSHOTS names, for a
		// person to look at; without it only the README's screenshot is
		// taken, into the test's temporary folder, which checks the
		// machinery without spending the test budget on pictures nobody
		// keeps.
		dir := os.Getenv("SIGNPOST_SCREENSHOTS")
		widths := []int64{1280, 375}
		if dir == "" {
			dir, widths = t.TempDir(), nil
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, width := range widths {
			b.step(t, "viewport", chromedp.EmulateViewport(width, 900))
			for _, p := range pages {
				b.step(t, p.name, chromedp.Navigate(b.base+p.path), chromedp.WaitReady(chromedp.CSS("main")))
				png := run(t, b, "screenshot", chromedp.FullScreenshot(100))
				name := filepath.Join(dir, fmt.Sprintf("%s-%d.png", p.name, width))
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		// For the README: the first screen of a search at desktop width,
		// and each page's map as a desktop and a phone show it.
		b.step(t, "viewport", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(b.base+"/search?q=gardening&near=Bootle"),
			chromedp.WaitReady(chromedp.CSS("main")))
		png := run(t, b, "screenshot", chromedp.CaptureScreenshot())
		if len(png) == 0 {
			t.Fatal("an empty screenshot")
		}
		if err := os.WriteFile(filepath.Join(dir, "readme-search.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		// The urgent-help panel above the results, as a desktop shows it.
		b.step(t, "viewport", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(b.base+"/search?q="+url.QueryEscape("can't go on need someone to talk to")+"&near=Bootle"),
			chromedp.WaitReady(chromedp.CSS("main")))
		png = run(t, b, "screenshot", chromedp.CaptureScreenshot())
		if err := os.WriteFile(filepath.Join(dir, "readme-crisis-panel.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		// The activity is one across the Mersey from Bootle, reached from
		// the search, so that its directions start from Bootle.
		b.step(t, "search", chromedp.Navigate(b.base+"/search?q=gardening&near=Bootle"), chromedp.WaitReady(chromedp.CSS("main")))
		across := run(t, b, "across", chromedp.Evaluate[string](`[...document.querySelectorAll("li.result")].find(li => li.querySelector(".across"))?.querySelector("h3 a").getAttribute("href") || ""`))
		if across == "" {
			t.Fatal("no result across the Mersey from Bootle in the sample")
		}
		shots := []struct{ name, path string }{
			{"search", "/search?q=gardening&near=Bootle"},
			{"activity", across},
			{"match-results", "/match?need=lonely&interest=gardening&near=Bootle&step=results"},
			{"search-print", "/search/print?q=gardening&near=Bootle"},
		}
		for _, width := range []int64{1280, 375} {
			b.step(t, "viewport", chromedp.EmulateViewport(width, 900))
			for _, p := range shots {
				b.step(t, p.name, chromedp.Navigate(b.base+p.path), chromedp.WaitReady(chromedp.CSS("main")))
				png := run(t, b, "map", chromedp.Screenshot(chromedp.CSS(".map-figure")))
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("readme-map-%s-%d.png", p.name, width)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Logf("screenshots in %s", dir)
	})
}

// loadAxe reads axe-core from where .ci/run installs it, or $SIGNPOST_AXE,
// and skips the test without it (see missingTool).
func loadAxe(t *testing.T) []byte {
	t.Helper()
	axe, err := os.ReadFile(axePath())
	if err != nil {
		missingTool(t, "accessibility checks skipped: no axe-core at %s (cd .ci && npm install axe-core@4, or set SIGNPOST_AXE)", axePath())
	}
	return axe
}

// axePath is where .ci/run installs axe-core, or $SIGNPOST_AXE.
func axePath() string {
	if p := os.Getenv("SIGNPOST_AXE"); p != "" {
		return p
	}
	return "../.ci/node_modules/axe-core/axe.min.js"
}

// assertAccessible opens path in b and fails t with every WCAG 2.2 A or AA
// violation axe-core finds on the whole page, header and footer included.
func (b *browser) assertAccessible(t *testing.T, axe []byte, path string) {
	t.Helper()
	b.step(t, "open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
	b.assertAccessibleHere(t, axe, path)
}

// assertAccessibleHere fails t with every WCAG 2.2 A or AA violation axe-core
// finds on the page as it stands now (after a form was sent, say), naming
// it as name.
func (b *browser) assertAccessibleHere(t *testing.T, axe []byte, name string) {
	t.Helper()
	b.step(t, "load axe", chromedp.Evaluate[chromedp.Void](string(axe)))
	raw := run(t, b, "axe", chromedp.Evaluate[[]byte](`axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
	}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))`, chromedp.EvalAwaitPromise))
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal(raw, &violations); err != nil {
		t.Fatalf("axe result %s: %v", raw, err)
	}
	for _, v := range violations {
		t.Errorf("%s: %s (%s): %s at %v", name, v.ID, v.Impact, v.Help, v.Nodes)
	}
}

// firstActivityID finds a sample activity with a place, a schedule and a
// description, so its page shows every section.
func firstActivityID(t *testing.T, site *sampleSite) string {
	t.Helper()
	var id string
	err := site.store.EachService(context.Background(), func(svc *directory.Service) error {
		if id == "" && len(svc.PhysicalPoints()) > 0 && len(svc.Days()) > 0 && svc.Description != "" && len(svc.Phones) > 0 {
			id = svc.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if id == "" {
		t.Fatal("no sample activity has a place, a schedule and a phone")
	}
	return id
}
