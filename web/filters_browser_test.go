package web

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserResultsBeforeFilters: on a phone the results come before the
// filters, which wait behind "Filter results" and open without
// JavaScript; on a desktop the filters show beside the results.
func TestBrowserResultsBeforeFilters(t *testing.T) {
	b, _ := newBrowser(t)
	const page = "/search?q=gardening&near=Bootle"
	shown := `document.getElementById("free").checkVisibility()`

	b.step(t, "phone", chromedp.EmulateViewport(375, 800), chromedp.Navigate(b.base+page), chromedp.WaitReady(chromedp.CSS("main")))
	if run(t, b, "filters shown", chromedp.Evaluate[bool](shown)) {
		t.Error("at 375 px the filters are open")
	}
	top := run(t, b, "results top", chromedp.Evaluate[float64](`document.getElementById("results-heading").getBoundingClientRect().top`))
	filterTop := run(t, b, "disclosure top", chromedp.Evaluate[float64](`document.querySelector("#filters > summary").getBoundingClientRect().top`))
	if top > 800 || top < filterTop {
		t.Errorf("at 375 px the results start at %v px, the filters' disclosure at %v px", top, filterTop)
	}
	b.step(t, "open the filters", chromedp.Click(chromedp.CSS("#filters > summary")))
	if !run(t, b, "filters shown", chromedp.Evaluate[bool](shown)) {
		t.Error("Filter results did not open the filters")
	}

	b.step(t, "desktop", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(b.base+page), chromedp.WaitReady(chromedp.CSS("main")))
	if !run(t, b, "filters shown", chromedp.Evaluate[bool](shown)) {
		t.Error("at 1280 px the filters are hidden")
	}
}
