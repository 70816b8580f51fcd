package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"signpost/directory"
)

// TestFollowUpBrowser: in headless Chromium with no cookies, the person
// holding a share link answers about an activity, changes the answer,
// gives wellbeing scores and, five weeks later, follows up; each state of
// the page is checked with axe-core for WCAG 2.2 A and AA, and at 375 px
// for sideways scrolling. Screenshots at 1280 and 375 px go to
// $SIGNPOST_SCREENSHOTS when it names a folder.
func TestFollowUpBrowser(t *testing.T) {
	t.Parallel()
	site := newListSite(t)
	b := newTab(t, site.ts.URL)
	axe := loadAxe(t)
	ctx := context.Background()
	// The store's clock is read by the server's goroutines.
	var mu sync.Mutex
	now := testNow()
	site.store.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }

	alice := directory.AccountOwner("alice@example.org")
	if _, err := site.store.AddAccount(ctx, directory.Account{Email: "alice@example.org", Role: directory.RoleLinkWorker}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	if _, err := site.store.SetProfile(ctx, "alice@example.org", directory.Profile{DisplayName: "A. Khan", JobTitle: "Social prescribing link worker"}); err != nil {
		t.Fatal(err)
	}
	sl, err := site.store.CreateShortlist(ctx, alice, "Mrs K, Tuesday")
	if err != nil {
		t.Fatal(err)
	}
	svcs := site.sampleServices(t, 2)
	for _, svc := range svcs {
		if _, err := site.store.AddItem(ctx, alice, sl.ID, svc.ID); err != nil {
			t.Fatal(err)
		}
	}
	place := "L20"
	if _, err := site.store.SaveShortlist(ctx, alice, sl.ID, directory.ListEdit{Place: &place}); err != nil {
		t.Fatal(err)
	}
	token, _, err := site.store.ShareShortlist(ctx, alice, sl.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	shared := "/s/" + token
	first := "#answer-" + svcs[0].ID
	second := "#answer-" + svcs[1].ID

	dir := os.Getenv("SIGNPOST_SCREENSHOTS")
	// check runs axe on the page as it stands, checks it does not scroll
	// sideways at 375 px, and takes its screenshots.
	check := func(t *testing.T, name string) {
		t.Helper()
		b.assertAccessibleHere(t, axe, name)
		b.step(t, "narrow", chromedp.EmulateViewport(375, 800))
		if width := run(t, b, "width", chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 375 {
			t.Errorf("%s scrolls sideways at 375 px: %d px wide", name, width)
		}
		if dir != "" {
			for _, width := range []int64{1280, 375} {
				b.step(t, "viewport", chromedp.EmulateViewport(width, 900))
				png := run(t, b, "screenshot", chromedp.FullScreenshot(100))
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("follow-up-%s-%d.png", name, width)), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		b.step(t, "wide", chromedp.EmulateViewport(1280, 900))
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// choose clicks the label of a radio, as a person would.
	choose := func(t *testing.T, form, id string) {
		t.Helper()
		b.step(t, "choose "+id, chromedp.Click(chromedp.CSS(form+` label[for="`+id+`"]`)))
	}

	t.Run("the shared page before any answer", func(t *testing.T) {
		b.follow(t, "open the link", chromedp.Navigate(b.base+shared))
		if n := run(t, b, "cookies", chromedp.Evaluate[int](`document.cookie.length`)); n != 0 {
			t.Errorf("the page set cookies: %d characters", n)
		}
		check(t, "start")
	})

	t.Run("an answer, then a changed one", func(t *testing.T) {
		b.waitFor(t, "no help question yet", `document.querySelector("`+first+` fieldset.answer-help").hidden`)
		choose(t, first, "status-"+svcs[0].ID+"-going")
		b.follow(t, "save", chromedp.Click(chromedp.CSS(first+" button[type=submit]")))
		b.waitFor(t, "saved", `!!document.querySelector("`+first+` .answer-saved") && document.querySelector("`+first+` input[value=going]").checked`)
		choose(t, first, "status-"+svcs[0].ID+"-went")
		b.waitFor(t, "the help question after I went", `!document.querySelector("`+first+` fieldset.answer-help").hidden`)
		choose(t, first, "help-"+svcs[0].ID+"-a-lot")
		b.follow(t, "save again", chromedp.Click(chromedp.CSS(first+" button[type=submit]")))
		b.waitFor(t, "changed", `document.querySelector("`+first+` input[value=went]").checked && document.querySelector("`+first+` input[value=a-lot]").checked`)
		if got := run(t, b, "said", chromedp.Text(chromedp.CSS(first+" .hint"))); !strings.Contains(got, "I went, and it helped a lot") {
			t.Errorf("the page says %q", got)
		}
		check(t, "answered")
	})

	t.Run("a form sent with nothing chosen shows the problem", func(t *testing.T) {
		b.step(t, "send", chromedp.Click(chromedp.CSS(second+" button[type=submit]")))
		b.waitFor(t, "error", `!!document.querySelector(".error-summary a[href='`+second+`']")`)
		check(t, "error")
	})

	t.Run("wellbeing at the start", func(t *testing.T) {
		b.follow(t, "reload", chromedp.Navigate(b.base+shared+"?open=1"))
		for q, v := range map[string]string{"life-satisfaction": "4", "worthwhile": "6", "happiness": "5", "anxiety": "7"} {
			choose(t, "#wellbeing", "wb-"+q+"-"+v)
		}
		b.follow(t, "save", chromedp.Click(chromedp.CSS("#wellbeing button[type=submit]")))
		b.waitFor(t, "waiting", `document.querySelector("#wellbeing").textContent.includes("again from")`)
		check(t, "wellbeing-started")
	})

	t.Run("five weeks on, the follow-up", func(t *testing.T) {
		advance(35 * 24 * time.Hour)
		b.follow(t, "reload", chromedp.Navigate(b.base+shared+"?open=1"))
		b.waitFor(t, "asked", `!!document.querySelector("#wellbeing form")`)
		check(t, "follow-up")
		for q, v := range map[string]string{"life-satisfaction": "6", "worthwhile": "6", "happiness": "7", "anxiety": "4"} {
			choose(t, "#wellbeing", "wb-"+q+"-"+v)
		}
		b.follow(t, "save", chromedp.Click(chromedp.CSS("#wellbeing button[type=submit]")))
		b.waitFor(t, "done", `!document.querySelector("#wellbeing form") && document.querySelector("#wellbeing").textContent.includes("deleted")`)
		check(t, "done")
	})

	rows, err := site.store.OutcomeAggregates(ctx, directory.OutcomeFilter{ServiceIDs: []string{svcs[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	sum := directory.SumOutcomes(rows)
	if sum.Status[directory.StatusWent] != 1 || sum.Answers() != 1 || sum.Help[directory.HelpALot] != 1 {
		t.Errorf("aggregates for the activity: %+v", sum)
	}
	if h := sum.Wellbeing[directory.WellbeingAnxiety]; h == nil || h.N() != 1 {
		t.Errorf("anxiety change not counted: %v", sum.Wellbeing)
	} else if m, _ := h.Median(); m != -3 {
		t.Errorf("anxiety changed by %d, want -3", m)
	}
}
