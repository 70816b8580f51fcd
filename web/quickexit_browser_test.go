package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// neutralSite is where "Leave this page quickly" goes; the browser tests
// answer it themselves, so that no test reaches the network.
const neutralSite = "https://www.bbc.co.uk/weather"

// answerNeutralSite makes the tab answer requests to the neutral site with
// a small page of its own instead of fetching it.
func (b *browser) answerNeutralSite(t *testing.T) {
	t.Helper()
	b.step(t, "answer the neutral site", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		// The subscription lives as long as the tab, not this step.
		paused := cdp.Events(b.ctx, tg, fetch.RequestPaused)
		go func() {
			for ev, err := range paused {
				if err != nil {
					return
				}
				cdp.Call(b.ctx, tg, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID: ev.RequestID, ResponseCode: 200,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/html; charset=utf-8"}},
					Body:            []byte("<!doctype html><title>Weather</title><h1>Weather</h1>"),
				})
			}
		}()
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "https://www.bbc.co.uk/*"}}})
		return err
	}))
}

// history is the tab's history, as addresses, and the current entry.
func (b *browser) history(t *testing.T) ([]string, int) {
	t.Helper()
	h := run(t, b, "history", chromedp.NavigationEntries())
	var urls []string
	for _, e := range h.Entries {
		urls = append(urls, e.URL)
	}
	return urls, int(h.CurrentIndex)
}

// pressShift presses and releases Shift alone, as a person would.
func pressShift() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, p := range []input.DispatchKeyEventParams{
			{Type: input.DispatchKeyEventTypeRawKeyDown, Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16, Modifiers: 8, Location: 1},
			{Type: input.DispatchKeyEventTypeKeyUp, Key: "Shift", Code: "ShiftLeft", WindowsVirtualKeyCode: 16, Location: 1},
		} {
			if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestBrowserQuickExit: "Leave this page quickly" leaves for the neutral
// site with JavaScript and without; with it, the page left is gone from
// the tab's history, and pressing Shift three times leaves too.
func TestBrowserQuickExit(t *testing.T) {
	b, _ := newBrowser(t)
	atNeutralSite := `location.href.startsWith("` + neutralSite + `") && document.readyState === "complete"`

	t.Run("without JavaScript, a plain link", func(t *testing.T) {
		nojs := newTab(t, b.base)
		nojs.answerNeutralSite(t)
		nojs.step(t, "turn off scripts", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}))
		nojs.step(t, "open /help-now", chromedp.Navigate(nojs.base+"/help-now"), chromedp.WaitVisible(chromedp.CSS(".quick-exit-button")))
		nojs.step(t, "leave", chromedp.Click(chromedp.CSS(".quick-exit-button")))
		nojs.waitFor(t, "the neutral site", atNeutralSite)
	})

	t.Run("with JavaScript, the page left is replaced in the history", func(t *testing.T) {
		b.answerNeutralSite(t)
		b.step(t, "a search", chromedp.Navigate(b.base+"/search?need=lonely"), chromedp.WaitReady(chromedp.CSS("main")))
		b.step(t, "a search about safety", chromedp.Navigate(b.base+"/search?need=safety"), chromedp.WaitVisible(chromedp.CSS(".quick-exit-button")))
		b.step(t, "leave", chromedp.Click(chromedp.CSS(".quick-exit-button")))
		b.waitFor(t, "the neutral site", atNeutralSite)
		urls, cur := b.history(t)
		for _, u := range urls {
			if strings.Contains(u, "safety") {
				t.Errorf("the history still holds %s: %v", u, urls)
			}
		}
		if cur < 1 || !strings.HasSuffix(urls[cur-1], "/search?need=lonely") {
			t.Errorf("Back would go to %v (history %v)", urls[max(cur-1, 0)], urls)
		}
	})

	t.Run("Shift three times leaves", func(t *testing.T) {
		b.step(t, "open /help-now", chromedp.Navigate(b.base+"/help-now"), chromedp.WaitVisible(chromedp.CSS(".quick-exit-button")))
		b.step(t, "Shift twice", pressShift(), pressShift())
		said := run(t, b, "announced", chromedp.Evaluate[string](`document.querySelector("[data-quick-exit] [aria-live]").textContent`))
		if !strings.Contains(said, "press 1 more time") {
			t.Errorf("after two presses the page says %q", said)
		}
		if u := b.location(t); u.Path != "/help-now" {
			t.Fatalf("left after two presses, for %s", u)
		}
		b.step(t, "Shift a third time", pressShift())
		b.waitFor(t, "the neutral site", atNeutralSite)
		urls, _ := b.history(t)
		for _, u := range urls {
			if p, err := url.Parse(u); err == nil && p.Path == "/help-now" {
				t.Errorf("the history still holds /help-now: %v", urls)
			}
		}
	})
}
