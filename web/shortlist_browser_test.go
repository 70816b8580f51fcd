package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"signpost/directory"
)

// TestShortlistBrowser: in headless Chromium, a link worker builds a list
// from a search, shares it, and the link opens in a fresh browser context
// (no cookies, no login); an anonymous visitor builds "My list" and prints
// it. It opens tabs of browser_test.go's shared Chromium.
func TestShortlistBrowser(t *testing.T) {
	t.Parallel()
	site := newListSite(t)
	b := newTab(t, site.ts.URL)
	if _, err := site.store.AddAccount(context.Background(), directory.Account{Email: "alice@example.org", Role: directory.RoleLinkWorker}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	// fresh is another tab in a browser context of its own: its own
	// cookies and storage, like a different person's browser.
	fresh := func(t *testing.T) *browser { return newTab(t, b.base) }
	const search = "/search?q=gardening&near=Bootle"

	var shareURL string
	var names []string
	t.Run("a link worker builds a list from a search and shares it", func(t *testing.T) {
		b.step(t, "open sign-in", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.ID("email")))
		b.step(t, "type", chromedp.SendKeys(chromedp.ID("email"), "alice@example.org"), chromedp.SendKeys(chromedp.ID("password"), "a long enough password"))
		// A 403 here means no form post works in a real browser: with
		// Referrer-Policy: no-referrer, Chromium sends "Origin: null" on
		// same-origin posts, and gorilla/csrf refuses it (ErrBadOrigin).
		b.follow(t, "sign in", chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")))

		// The first add asks which list to add to, and comes back.
		b.step(t, "search", chromedp.Navigate(b.base+search), chromedp.WaitVisible(chromedp.CSS("#result-1")))
		names = append(names, run(t, b, "name", chromedp.Text(chromedp.CSS("#result-1 h3 a"))))
		b.step(t, "add to a list", chromedp.Click(chromedp.CSS("#result-1 .add-to-list button")))
		b.step(t, "reference", chromedp.WaitVisible(chromedp.ID("reference")), chromedp.SendKeys(chromedp.ID("reference"), "Mrs K, Tuesday"))
		b.follow(t, "start the list", chromedp.Click(chromedp.CSS("form[action='/shortlists'] button[type=submit]")))
		if u := b.location(t); u.Path != "/search" || u.Fragment != "result-1" {
			t.Fatalf("after starting the list, at %s", u)
		}
		// The next adds in place.
		names = append(names, run(t, b, "name", chromedp.Text(chromedp.CSS("#result-2 h3 a"))))
		b.step(t, "add in place", chromedp.Click(chromedp.CSS("#result-2 .add-to-list button")))
		b.waitFor(t, "added", `document.querySelector("#result-2 .add-to-list button").textContent === "Added ✓ — remove" && document.querySelector("#list-status").textContent === "Added to list Mrs K, Tuesday"`)
		b.follow(t, "open the list", chromedp.Click(chromedp.CSS(".current-list a")))
		got := run(t, b, "items", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".shortlist-item h2 a")].map(a => a.textContent)`))
		if strings.Join(got, "|") != strings.Join(names, "|") {
			t.Errorf("list holds %q, want %q", got, names)
		}
		b.follow(t, "share", chromedp.Click(chromedp.ID("share-button")))
		shareURL = run(t, b, "share link", chromedp.Value(chromedp.ID("share-url")))
		if !strings.HasPrefix(shareURL, b.base+"/s/") {
			t.Fatalf("share link %q", shareURL)
		}
	})

	t.Run("the link opens in a fresh browser without login", func(t *testing.T) {
		if shareURL == "" {
			t.Fatal("no share link was made: the journey before this one failed")
		}
		other := fresh(t)
		other.follow(t, "open the link", chromedp.Navigate(shareURL))
		if u := other.location(t); u.Path != strings.TrimPrefix(shareURL, b.base) {
			t.Fatalf("the share link went to %s", u)
		}
		got := run(t, other, "items", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".shortlist-item h2 a")].map(a => a.textContent)`))
		if strings.Join(got, "|") != strings.Join(names, "|") {
			t.Errorf("shared list shows %q, want %q", got, names)
		}
		if signOut := run(t, other, "signed in?", chromedp.Evaluate[bool](`!!document.querySelector("form[action='/logout']")`)); signOut {
			t.Error("the fresh browser is signed in")
		}
	})

	t.Run("an anonymous visitor builds My list and prints it", func(t *testing.T) {
		anon := fresh(t)
		anon.step(t, "search", chromedp.Navigate(anon.base+search), chromedp.WaitVisible(chromedp.CSS("#result-1")))
		name := run(t, anon, "name", chromedp.Text(chromedp.CSS("#result-1 h3 a")))
		anon.step(t, "add to my list", chromedp.Click(chromedp.CSS("#result-1 .add-to-list button")))
		anon.waitFor(t, "added", `document.querySelector("#list-status").textContent === "Added to My list"`)
		anon.follow(t, "my list", chromedp.Navigate(anon.base+"/my-list"))
		if got := run(t, anon, "item", chromedp.Text(chromedp.CSS(".shortlist-item h2 a"))); got != name {
			t.Errorf("my list holds %q, want %q", got, name)
		}
		anon.follow(t, "print view", chromedp.Click(chromedp.ID("print-link")))
		shown := run(t, anon, "print layout", chromedp.Evaluate[map[string]any](`({
			items: [...document.querySelectorAll(".print-list > li h2")].map(h => h.textContent),
			header: !!document.querySelector(".site-header"),
			fontSize: parseFloat(getComputedStyle(document.body).fontSize)
		})`))
		items, _ := shown["items"].([]any)
		if len(items) != 1 || !strings.Contains(items[0].(string), name) || shown["header"] == true {
			t.Errorf("print view: %v", shown)
		}
		if fs, _ := shown["fontSize"].(float64); fs < 20 {
			t.Errorf("print view type is %vpx; it should be large", fs)
		}
	})

	t.Run("the list pages: usable at 320 px, no WCAG 2.2 A or AA violations", func(t *testing.T) {
		if shareURL == "" {
			t.Fatal("no share link was made: the journey before this one failed")
		}
		b.step(t, "index", chromedp.Navigate(b.base+"/shortlists"), chromedp.WaitReady(chromedp.CSS("main")))
		list := run(t, b, "first list", chromedp.Evaluate[string](`document.querySelector(".shortlists a").getAttribute("href")`))
		pages := []string{"/shortlists", list, list + "/print", "/add-to-list?service=" + site.sampleServices(t, 1)[0].ID, strings.TrimPrefix(shareURL, b.base)}

		b.step(t, "narrow", chromedp.EmulateViewport(320, 640))
		for _, path := range pages {
			b.step(t, path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
			if width := run(t, b, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 320 {
				t.Errorf("%s scrolls sideways at 320 px: %d px wide", path, width)
			}
		}
		b.step(t, "wide", chromedp.EmulateViewport(1280, 900))

		// Signed in as a link worker: the header, with its sign-out
		// button, is checked too.
		axe := loadAxe(t)
		for _, path := range pages {
			t.Run(path, func(t *testing.T) { b.assertAccessible(t, axe, path) })
		}
	})
}
