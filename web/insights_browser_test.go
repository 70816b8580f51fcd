package web

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserInsights: a commissioner's insight pages have no WCAG 2.2 A
// or AA violation and do not scroll sideways, at 1280 and 375 px. With
// SIGNPOST_SCREENSHOTS set, each page is kept as a picture, and the gaps
// map for the README.
func TestBrowserInsights(t *testing.T) {
	b, es := newEditorialBrowser(t)
	axe := loadAxe(t)
	seedInsights(t, es)
	// The editorial site draws maps on a plain ground; the gaps map is
	// shown here on the land and water a deployment has.
	es.basemap = mustBasemap(t)
	srv, err := New(es.config(es.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	b.base = ts.URL
	dir := os.Getenv("SIGNPOST_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pages := [][2]string{
		{"insights", "/insights"},
		{"insights-lonely", "/insights?period=0&need=lonely&area=L20"},
		{"provider-outcomes", "/provider/outcomes"},
	}
	tab := b.freshContext(t)
	tab.signIn(t, emailComm)
	prov := b.freshContext(t)
	prov.signIn(t, emailProvA)
	for _, width := range []int64{1280, 375} {
		for _, p := range pages {
			tb := tab
			if p[0] == "provider-outcomes" {
				tb = prov
			}
			t.Run(fmt.Sprintf("%s at %d", p[0], width), func(t *testing.T) {
				tb.step(t, "viewport", chromedp.EmulateViewport(width, 900))
				tb.assertAccessible(t, axe, p[1])
				if w := run(t, tb, "width", chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); w > width {
					t.Errorf("%s scrolls sideways at %d px: %d px wide", p[1], width, w)
				}
				if dir == "" {
					return
				}
				png := run(t, tb, "screenshot", chromedp.FullScreenshot(100))
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", p[0], width)), png, 0o644); err != nil {
					t.Fatal(err)
				}
				if p[0] == "insights-lonely" {
					png := run(t, tb, "map", chromedp.Screenshot(chromedp.CSS("#gaps-map")))
					if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("readme-map-gaps-%d.png", width)), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}
