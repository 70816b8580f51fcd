package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"signpost/directory"
)

// TestBrowserListingJourney: a provider gives a listing two times and two
// places with access features, using "Add another" (which works without
// JavaScript: the form posts and comes back), sends it; an admin approves
// it; the public page shows both times and both places.
func TestBrowserListingJourney(t *testing.T) {
	b, es := newEditorialBrowser(t)
	id := es.ListingA
	b.step(t, "viewport", chromedp.EmulateViewport(1280, 900))
	b.signIn(t, emailProvA)
	b.follow(t, "open the edit form", chromedp.Click(chromedp.CSS(`#listing-`+id+` a[href$="/edit"]`)))

	set := func(id, v string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).value = %q`, id, v))
	}
	tick := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).checked = true`, id))
	}
	untickDays := chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('input[name="schedule-0-day"]').forEach(c => c.checked = false)`)
	b.step(t, "first time", untickDays, tick("schedule-0-day-TU"), set("schedule-0-opens", "10:00"), set("schedule-0-closes", "13:00"), set("schedule-0-note", ""))
	b.follow(t, "add another time", chromedp.Click(chromedp.ID("add-schedule")))
	// autofocus moves the cursor once the page has loaded, which may be
	// a moment after the navigation finishes.
	b.waitFor(t, "after adding a time the cursor is in the new row", `document.activeElement && document.activeElement.id === "schedule-1-day-MO"`)
	if got := run(t, b, "kept", chromedp.Evaluate[string](`document.getElementById("schedule-0-opens").value`)); got != "10:00" {
		t.Errorf("adding a time lost the first one's start: %q", got)
	}
	b.step(t, "second time", tick("schedule-1-day-TH"), set("schedule-1-opens", "18:00"), set("schedule-1-closes", "20:00"))
	b.step(t, "first place's access", tick("place-0-feature-accessible-toilet"))
	b.follow(t, "add another place", chromedp.Click(chromedp.ID("add-place")))
	b.step(t, "second place",
		set("place-1-name", "Bootle Library"), set("place-1-address1", "220 Stanley Road"),
		set("place-1-city", "Bootle"), set("place-1-postcode", "L20 3EY"),
		tick("place-1-feature-step-free"), tick("place-1-feature-hearing-loop"))
	b.follow(t, "preview", chromedp.Click(chromedp.ID("preview-button")))
	if got := run(t, b, "reads as", chromedp.Text(chromedp.ID("when-reads"))); !strings.Contains(got, "Tuesdays, 10am to 1pm; Thursdays, 6pm to 8pm") {
		t.Errorf("the form reads the times as %q", got)
	}
	b.follow(t, "send for review", chromedp.Click(chromedp.ID("submit-button")))
	if u := b.location(t); u.Path != "/provider" || u.Query().Get("done") != "submitted" {
		t.Fatalf("after sending, at %s", u)
	}
	b.follow(t, "sign out", chromedp.Click(chromedp.CSS(`form.sign-out button`)))

	b.signIn(t, emailAdmin)
	b.step(t, "open the change", chromedp.Navigate(b.base+"/admin/queue/"+id), chromedp.WaitVisible(chromedp.ID("approve-button")))
	b.follow(t, "approve", chromedp.Click(chromedp.ID("approve-button")))

	b.step(t, "open the public page", chromedp.Navigate(b.base+"/activities/"+id), chromedp.WaitVisible(chromedp.CSS(".place")))
	when := run(t, b, "when", chromedp.Text(chromedp.CSS("#when-title + ul")))
	for _, want := range []string{"Tuesdays, 10am to 1pm", "Thursdays, 6pm to 8pm"} {
		if !strings.Contains(when, want) {
			t.Errorf("public page's times %q lack %q", when, want)
		}
	}
	places := run(t, b, "places", chromedp.Evaluate[[]string](`[...document.querySelectorAll(".place")].map(p => p.innerText)`))
	if len(places) != 2 || !strings.Contains(places[0], "Accessible toilet") || !strings.Contains(places[1], "Bootle Library") ||
		!strings.Contains(places[1], "Step-free access") || !strings.Contains(places[1], "Hearing loop") {
		t.Errorf("public page's places: %q", places)
	}
	svc, err := es.store.Service(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(svc.Schedules) != 2 || len(svc.PhysicalPoints()) != 2 {
		t.Errorf("stored %d schedules and %d placed locations", len(svc.Schedules), len(svc.PhysicalPoints()))
	}
}

// TestBrowserProviderAndAdminPages: axe finds no WCAG 2.2 A or AA
// violation on the provider's and the admin's pages at 1280 and 375 px,
// and at 375 px nothing scrolls sideways (admin tables reflow). With
// SIGNPOST_SCREENSHOTS set, each page is kept as a picture.
func TestBrowserProviderAndAdminPages(t *testing.T) {
	b, es := newEditorialBrowser(t)
	axe := loadAxe(t)
	ctx := context.Background()
	id := es.ListingA
	svc, err := es.store.Service(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	svc.Description = "A friendly drama group, now on Thursdays."
	if _, err := es.store.PutService(ctx, svc, directory.Save{Actor: emailAdmin}); err != nil {
		t.Fatal(err)
	}
	svc.Name = "Act Up! Thursdays"
	if _, err := es.store.SubmitDraft(ctx, svc, emailProvA); err != nil {
		t.Fatal(err)
	}
	if _, err := es.store.AddCorrection(ctx, directory.Correction{ServiceID: id, Field: "times", Message: "It moved to Thursdays."}); err != nil {
		t.Fatal(err)
	}
	revs, err := es.store.Revisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	oldest := revs[len(revs)-1].Seq
	// A feed's listing (offered for adoption) and an adopted one, so the
	// feeds page shows both lists.
	fromFeed, _ := plantFeedListings(t, es.store, es.ListingB)
	dir := os.Getenv("SIGNPOST_SCREENSHOTS")
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range []struct {
		name, email string
		pages       [][2]string
	}{
		{"provider", emailProvA, [][2]string{
			{"provider-home", "/provider"},
			{"provider-edit", "/provider/listings/" + id + "/edit"},
			{"provider-new", "/provider/listings/new"},
			{"provider-history", "/provider/listings/" + id + "/history"},
		}},
		{"admin", emailAdmin, [][2]string{
			{"admin-home", "/admin"},
			{"admin-queue", "/admin/queue"},
			{"admin-review", "/admin/queue/" + id},
			{"admin-restore", fmt.Sprintf("/provider/listings/%s/restore?seq=%d", id, oldest)},
			{"admin-corrections", "/admin/corrections"},
			{"admin-stale", "/admin/stale"},
			{"admin-stale-filtered", "/admin/stale?months=12&area=Liverpool"},
			{"admin-organizations", "/admin/organizations"},
			{"admin-accounts", "/admin/accounts"},
			{"admin-import", "/admin/import"},
			{"admin-feeds", "/admin/feeds"},
			{"admin-feed-listing", "/activities/" + fromFeed},
		}},
	} {
		t.Run(role.name, func(t *testing.T) {
			tab := b.freshContext(t)
			tab.signIn(t, role.email)
			for _, width := range []int64{1280, 375} {
				tab.step(t, "viewport", chromedp.EmulateViewport(width, 900))
				for _, p := range role.pages {
					t.Run(fmt.Sprintf("%s at %d", p[0], width), func(t *testing.T) {
						tab.assertAccessible(t, axe, p[1])
						if w := run(t, tab, "width", chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)); w > width {
							wide := run(t, tab, "what is wide", chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > %d).slice(0, 3).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`, width)))
							t.Errorf("%s scrolls sideways at %d px: %d px wide (%v)", p[1], width, w, wide)
						}
						if dir != "" {
							png := run(t, tab, "screenshot", chromedp.FullScreenshot(100))
							if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", p[0], width)), png, 0o644); err != nil {
								t.Fatal(err)
							}
							// The first screen alone, at full size, to look at.
							png = run(t, tab, "first screen", chromedp.CaptureScreenshot())
							if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d-top.png", p[0], width)), png, 0o644); err != nil {
								t.Fatal(err)
							}
						}
					})
				}
			}
		})
	}
}
