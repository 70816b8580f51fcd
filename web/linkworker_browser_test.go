package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"signpost/directory"
)

// TestLinkWorkerBrowser is issue 16's journey in headless Chromium: a link
// worker builds a list of five activities from one search without leaving
// it, with JavaScript (in place) and without (each add comes back to its
// result); saves three notes at once, one refused and kept as typed;
// shares the list; and the shared copy, opened in a fresh browser, shows
// the link worker's profile and a QR code that decodes to the link. The
// changed pages are checked with axe.
func TestLinkWorkerBrowser(t *testing.T) {
	site := newListSite(t)
	b := newTab(t, site.ts.URL)
	ctx := context.Background()
	const email = "khan@example.org"
	if _, err := site.store.AddAccount(ctx, directory.Account{Email: email, Role: directory.RoleLinkWorker}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	profile := directory.Profile{DisplayName: "A. Khan", JobTitle: "Social prescribing link worker", Organisation: "Bootle Village Surgery", Phone: "0151 496 0000"}
	if _, err := site.store.SetProfile(ctx, email, profile); err != nil {
		t.Fatal(err)
	}
	const search = "/search?q=walking&near=Bootle"
	signIn := func(t *testing.T, tab *browser) {
		tab.step(t, "open sign-in", chromedp.Navigate(tab.base+"/login"), chromedp.WaitVisible(chromedp.ID("email")))
		tab.step(t, "type", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), "a long enough password"))
		tab.follow(t, "sign in", chromedp.Click(chromedp.CSS("form[action='/login'] button[type=submit]")))
	}
	names := func(t *testing.T, tab *browser) []string {
		return run(t, tab, "items", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".shortlist-item h2 a")].map(a => a.textContent)`))
	}

	var listPath string
	var added []string
	t.Run("with JavaScript: five activities added in place", func(t *testing.T) {
		signIn(t, b)
		b.step(t, "search", chromedp.Navigate(b.base+search), chromedp.WaitVisible(chromedp.CSS("#result-5")))
		added = append(added, run(t, b, "name", chromedp.Text(chromedp.CSS("#result-1 h3 a"))))
		// The first add asks which list; the new list becomes current and
		// the browser comes back to the result.
		b.step(t, "add the first", chromedp.Click(chromedp.CSS("#result-1 .add-to-list button")))
		b.step(t, "reference", chromedp.WaitVisible(chromedp.ID("reference")), chromedp.SendKeys(chromedp.ID("reference"), "Monday 10am"))
		b.follow(t, "start the list", chromedp.Click(chromedp.CSS("form[action='/shortlists'] button[type=submit]")))
		for n := 2; n <= 5; n++ {
			sel := fmt.Sprintf("#result-%d", n)
			added = append(added, run(t, b, "name", chromedp.Text(chromedp.CSS(sel+" h3 a"))))
			b.step(t, "add "+sel, chromedp.Click(chromedp.CSS(sel+" .add-to-list button")))
			b.waitFor(t, "added "+sel, fmt.Sprintf(`document.querySelector(%q).textContent === "Added ✓ — remove" && document.querySelector("#list-status").textContent === "Added to list Monday 10am"`, sel+" .add-to-list button"))
		}
		if u := b.location(t); u.Path != "/search" || u.Query().Get("q") != "walking" {
			t.Errorf("the search was left for %s", u)
		}
		listPath = run(t, b, "list link", chromedp.Evaluate[string](`document.querySelector(".current-list a").getAttribute("href")`))
		b.follow(t, "open the list", chromedp.Navigate(b.base+listPath))
		if got := names(t, b); strings.Join(got, "|") != strings.Join(added, "|") {
			t.Errorf("the list holds %q, want %q", got, added)
		}
	})

	t.Run("without JavaScript: each add comes back to its result", func(t *testing.T) {
		plain := b.freshContext(t)
		if _, err := chromedp.Run(plain.ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		signIn(t, plain)
		plain.step(t, "new list", chromedp.Navigate(plain.base+"/shortlists"), chromedp.WaitVisible(chromedp.ID("reference")), chromedp.SendKeys(chromedp.ID("reference"), "Tuesday 2pm"))
		plain.follow(t, "start the list", chromedp.Click(chromedp.CSS("form[action='/shortlists'] button[type=submit]")))
		plain.follow(t, "search", chromedp.Navigate(plain.base+search))
		var want []string
		for n := 1; n <= 5; n++ {
			sel := fmt.Sprintf("#result-%d", n)
			want = append(want, run(t, plain, "name", chromedp.Text(chromedp.CSS(sel+" h3 a"))))
			plain.follow(t, "add "+sel, chromedp.Click(chromedp.CSS(sel+" .add-to-list button")))
			u := plain.location(t)
			if u.Path != "/search" || u.Fragment != sel[1:] {
				t.Fatalf("adding %s came back to %s", sel, u)
			}
			if got := run(t, plain, "confirmation", chromedp.Text(chromedp.CSS(sel+" .added"))); got != "Added to list Tuesday 2pm." {
				t.Errorf("%s says %q", sel, got)
			}
			if got := run(t, plain, "button", chromedp.Text(chromedp.CSS(sel+" .add-to-list button"))); got != "Added ✓ — remove" {
				t.Errorf("%s button reads %q", sel, got)
			}
		}
		if scripted := run(t, plain, "script ran?", chromedp.Evaluate[bool](`!!document.querySelector("#list-status")`)); scripted {
			t.Error("the script ran: this journey must be without it")
		}
		plain.follow(t, "open the list", chromedp.Click(chromedp.CSS(".current-list a")))
		if got := names(t, plain); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("the list holds %q, want %q", got, want)
		}
	})

	var shareURL string
	t.Run("three notes at once; a refused one keeps its text", func(t *testing.T) {
		if listPath == "" {
			t.Fatal("no list: the journey before this one failed")
		}
		b.step(t, "list", chromedp.Navigate(b.base+listPath), chromedp.WaitVisible(chromedp.ID("list-form")))
		ids := run(t, b, "ids", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".shortlist-item")].map(li => li.id.replace("item-", ""))`))
		notes := []string{"Ask for Jo at the door", "call her on 07700 900123", "Bring walking boots"}
		for i, n := range notes {
			b.step(t, "type a note", chromedp.SendKeys(chromedp.ID("note-"+ids[i]), n))
		}
		// The refusal is a 400 page, the same form with the reason.
		b.step(t, "save", chromedp.Click(chromedp.ID("save-list")))
		b.waitFor(t, "refused", fmt.Sprintf(`!!document.getElementById(%q)`, "note-"+ids[1]+"-error"))
		for i, n := range notes {
			if got := run(t, b, "box", chromedp.Value(chromedp.ID("note-"+ids[i]))); got != n {
				t.Errorf("after the refusal box %d holds %q, want what was typed, %q", i+1, got, n)
			}
		}
		if msg := run(t, b, "error", chromedp.Text(chromedp.ID("note-"+ids[1]+"-error"))); !strings.Contains(msg, "phone number") {
			t.Errorf("beside the refused note: %q", msg)
		}
		b.step(t, "fix the note", chromedp.Clear(chromedp.ID("note-"+ids[1])), chromedp.SendKeys(chromedp.ID("note-"+ids[1]), "Ring the group first"))
		b.step(t, "share the notes", chromedp.Click(chromedp.ID("shared-"+ids[0])))
		b.follow(t, "save", chromedp.Click(chromedp.ID("save-list")))
		for i, n := range []string{notes[0], "Ring the group first", notes[2]} {
			if got := run(t, b, "saved", chromedp.Value(chromedp.ID("note-"+ids[i]))); got != n {
				t.Errorf("note %d saved as %q, want %q", i+1, got, n)
			}
		}
		b.follow(t, "share", chromedp.Click(chromedp.ID("share-button")))
		shareURL = run(t, b, "share link", chromedp.Value(chromedp.ID("share-url")))
		if !strings.HasPrefix(shareURL, b.base+"/s/") {
			t.Fatalf("share link %q", shareURL)
		}
		b.step(t, "copy link", chromedp.Click(chromedp.CSS(".copy-row button")))
		b.waitFor(t, "copied", `/copied|copy the selected/.test(document.querySelector(".copy-status").textContent)`)
	})

	t.Run("the shared copy in a fresh browser: profile and QR code", func(t *testing.T) {
		if shareURL == "" {
			t.Fatal("no share link: the journey before this one failed")
		}
		other := b.freshContext(t)
		other.follow(t, "open the link", chromedp.Navigate(shareURL))
		if got := run(t, other, "maker", chromedp.Text(chromedp.CSS(".maker-who"))); got != "A. Khan, Social prescribing link worker, Bootle Village Surgery" {
			t.Errorf("the shared copy names %q", got)
		}
		if got := run(t, other, "phone", chromedp.Text(chromedp.CSS(".maker-contact"))); !strings.Contains(got, "0151 496 0000") {
			t.Errorf("contact %q", got)
		}
		svg := run(t, other, "qr", chromedp.OuterHTML(chromedp.CSS("svg.qr-code")))
		if got := decodeQRSVG(t, svg); got != shareURL {
			t.Errorf("the QR code reads %q, want %q", got, shareURL)
		}
		if got := names(t, other); strings.Join(got, "|") != strings.Join(added, "|") {
			t.Errorf("the shared copy holds %q", got)
		}
	})

	t.Run("no WCAG 2.2 A or AA violations on the changed pages", func(t *testing.T) {
		axe := loadAxe(t)
		pages := []string{search, listPath, "/shortlists", "/shortlists/profile"}
		if shareURL != "" {
			pages = append(pages, strings.TrimPrefix(shareURL, b.base), strings.TrimPrefix(shareURL, b.base)+"/print")
		}
		for _, path := range pages {
			t.Run(path, func(t *testing.T) { b.assertAccessible(t, axe, path) })
		}
	})
}
