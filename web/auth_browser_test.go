package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"signpost/directory"
)

// newEditorialBrowser is a tab of the shared Chromium on an editorial site
// (the sample directory with accounts).
func newEditorialBrowser(t *testing.T) (*browser, *editorialSite) {
	t.Helper()
	b := newTab(t, "")
	es := newEditorialSite(t)
	b.base = es.ts.URL
	return b, es
}

// signIn signs in through the form, as a person would.
func (b *browser) signIn(t *testing.T, email string) {
	t.Helper()
	b.step(t, "open sign-in", chromedp.Navigate(b.base+"/login"), chromedp.WaitVisible(chromedp.ID("email")))
	b.step(t, "type", chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), testPassword))
	b.follow(t, "sign in", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

// TestBrowserModeration: a provider signs in, rewrites a description in
// Markdown, previews it, sends it; an admin approves it; the public page
// shows it.
func TestBrowserModeration(t *testing.T) {
	t.Parallel()
	b, es := newEditorialBrowser(t)
	id := es.ListingA

	b.signIn(t, emailProvA)
	if u := b.location(t); u.Path != "/provider" {
		t.Fatalf("after signing in, the provider is at %s", u)
	}
	b.follow(t, "open the edit form", chromedp.Click(chromedp.CSS(`#listing-`+id+` a[href$="/edit"]`)))
	const markdown = "A **friendly** drama group.\n\n- no auditions\n- tea and biscuits"
	b.step(t, "write the description", chromedp.SetValue(chromedp.ID("description"), markdown))
	b.follow(t, "preview", chromedp.Click(chromedp.ID("preview-button")))
	if got := run(t, b, "preview", chromedp.Text(chromedp.CSS("#preview .description strong"))); got != "friendly" {
		t.Errorf("preview shows %q in bold", got)
	}
	if n := run(t, b, "preview list", chromedp.Evaluate[int](`document.querySelectorAll("#preview .description li").length`)); n != 2 {
		t.Errorf("preview shows %d list items", n)
	}
	b.follow(t, "send for review", chromedp.Click(chromedp.ID("submit-button")))
	if u := b.location(t); u.Path != "/provider" || u.Query().Get("done") != "submitted" {
		t.Fatalf("after sending, at %s", u)
	}
	b.follow(t, "sign out", chromedp.Click(chromedp.CSS(`form.sign-out button`)))

	b.signIn(t, emailAdmin)
	b.step(t, "open the queue", chromedp.Navigate(b.base+"/admin/queue"), chromedp.WaitVisible(chromedp.CSS("table.queue")))
	b.follow(t, "open the change", chromedp.Click(chromedp.CSS(`table.queue a[href="/admin/queue/`+id+`"]`)))
	diff := run(t, b, "diff", chromedp.Text(chromedp.CSS("table.diff tbody")))
	if !strings.Contains(diff, "Description") || !strings.Contains(diff, "**friendly**") {
		t.Errorf("the diff does not show the new description: %q", diff)
	}
	b.follow(t, "approve", chromedp.Click(chromedp.ID("approve-button")))
	if u := b.location(t); u.Path != "/admin/queue" || u.Query().Get("done") != "approved" {
		t.Fatalf("after approving, at %s", u)
	}

	b.step(t, "open the public page", chromedp.Navigate(b.base+"/activities/"+id), chromedp.WaitVisible(chromedp.CSS(".description")))
	if got := run(t, b, "public description", chromedp.Text(chromedp.CSS(".description strong"))); got != "friendly" {
		t.Errorf("the public page shows %q in bold", got)
	}
}

// TestBrowserSignedInAccessibility runs axe-core on the pages of every
// kind of account while signed in, so the header's account links and
// sign-out button are checked with each area's own pages: the provider's
// listings, edit form and history; the admin's queue (with a change
// waiting), review, corrections and stale report; a link worker's
// shortlists.
func TestBrowserSignedInAccessibility(t *testing.T) {
	t.Parallel()
	b, es := newEditorialBrowser(t)
	axe := loadAxe(t)
	ctx := context.Background()
	id := es.ListingA

	// Something in every list: a change waiting for review, a correction
	// from the public and a link worker's shortlist.
	svc, err := es.store.Service(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	svc.Description = "A **friendly** drama group, now on Thursdays."
	if _, err := es.store.SubmitDraft(ctx, svc, emailProvA); err != nil {
		t.Fatal(err)
	}
	if _, err := es.store.AddCorrection(ctx, directory.Correction{ServiceID: id, Field: "times", Message: "It moved to Thursdays."}); err != nil {
		t.Fatal(err)
	}
	lw := directory.AccountOwner(emailLW)
	list, err := es.store.CreateShortlist(ctx, lw, "Mr P")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := es.store.AddItem(ctx, lw, list.ID, es.ListingB); err != nil {
		t.Fatal(err)
	}
	// And a pair of possible duplicates to review.
	plantDuplicate(t, es.store, es.ListingB)
	team, err := es.store.CreateTeam(ctx, "Bootle PCN", directory.TeamPCN)
	if err != nil {
		t.Fatal(err)
	}
	if err := es.store.AddTeamMember(ctx, team.ID, emailLW); err != nil {
		t.Fatal(err)
	}
	// A feed's listing (offered for adoption) and an adopted one.
	fromFeed, _ := plantFeedListings(t, es.store, es.ListingB)

	for _, role := range []struct {
		name, email string
		paths       []string
	}{
		{"provider", emailProvA, []string{
			"/provider",
			"/provider/listings/" + id + "/edit",
			"/provider/listings/" + id + "/history",
			"/provider/listings/new",
		}},
		{"admin", emailAdmin, []string{
			"/admin",
			"/admin/queue",
			"/admin/queue/" + id,
			"/admin/corrections",
			"/admin/stale",
			"/admin/accounts",
			"/admin/duplicates",
			"/admin/teams",
			"/admin/feeds",
			"/activities/" + fromFeed,
		}},
		{"link worker", emailLW, []string{
			"/shortlists",
			"/shortlists/" + list.ID,
			"/add-to-list?service=" + es.ListingB,
			"/search?q=gardening",
			"/shortlists/profile",
		}},
	} {
		t.Run(role.name, func(t *testing.T) {
			tab := b.freshContext(t)
			tab.signIn(t, role.email)
			if signedIn := run(t, tab, "signed in?", chromedp.Evaluate[bool](`!!document.querySelector("form.sign-out button")`)); !signedIn {
				t.Fatalf("no sign-out button after signing in as %s", role.email)
			}
			for _, path := range role.paths {
				t.Run(path, func(t *testing.T) { tab.assertAccessible(t, axe, path) })
			}
		})
	}
}

// freshContext is another browser context of b's Chromium: its own
// cookies, like a different person's browser.
func (b *browser) freshContext(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// Open the tab on ctx itself: a tab first opened under a step's
	// timeout would close when the step ends.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return &browser{ctx: ctx, base: b.base}
}
