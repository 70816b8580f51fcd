package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/feed"
)

// TestAdminFeedsPage: an admin sees each feed's state and problems, and
// confirms a withdrawal a full pull held back.
func TestAdminFeedsPage(t *testing.T) {
	site := newSampleSite(t)
	cfg := site.config(testNow)
	cfg.Feeds = feed.New(site.store, feed.Options{})
	var err error
	if site.srv, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(site.srv)
	t.Cleanup(ts.Close)
	ls := &listSite{sampleSite: site, ts: ts}
	ctx := context.Background()

	// One listing from the feed, then a full pull that found it gone and
	// held the withdrawal.
	var svc directory.Service
	site.store.EachService(ctx, func(s *directory.Service) error {
		if svc.ID == "" {
			svc = *s
		}
		return nil
	})
	svc.ID = feed.LocalID("Sefton Directory", false, "up-1")
	svc.Organization = nil
	svc.OrganizationID = ""
	f := directory.Feed{Name: "Sefton Directory", URL: "https://sefton.example/api/v1", Every: time.Hour}
	checked := testNow().Add(-72 * time.Hour)
	if _, err := site.store.ApplyFeedPage(ctx, f, []directory.FeedRecord{{ID: svc.ID, Service: &svc, UpstreamID: "up-1"}}, checked); err != nil {
		t.Fatal(err)
	}
	f.LastSuccess, f.LastAttempt, f.Listings = testNow(), testNow(), 1
	f.Held = &directory.HeldWithdrawal{At: testNow(), IDs: []string{svc.ID}, Of: 1}
	f.Errors = []string{"skipped id up-9: email: \"x\" is not an e-mail address"}
	if err := site.store.PutFeed(ctx, f); err != nil {
		t.Fatal(err)
	}

	admin := ls.signedIn(t, "admin-feeds@example.org", directory.RoleAdmin)
	page := admin.get("/admin/feeds")
	checks := []struct{ sel, want string }{
		{".feed h2", "Sefton Directory"},
		{".feed-url", "https://sefton.example/api/v1"},
		{".feed-listings", "1"},
		{".feed-held", "1 of 1 listings gone"},
		{".feed-errors li", "up-9: email"},
		{".admin-nav [aria-current], nav [aria-current=page]", "Feeds"},
	}
	for _, c := range checks {
		if got := textOf(page.doc.Find(c.sel)); !strings.Contains(got, c.want) {
			t.Errorf("%s = %q, want %q", c.sel, got, c.want)
		}
	}
	page = admin.submit(page, `.feed-held form`, url.Values{})
	if page.url.Query().Get("done") != "feed-withdrawal-confirmed" {
		t.Fatalf("confirming went to %s", page.url)
	}
	if page.doc.Find(".feed-held").Length() != 0 {
		t.Error("the held withdrawal is still shown after confirming")
	}
	got, err := site.store.Service(ctx, svc.ID)
	if err != nil || got.Status != directory.StatusInactive {
		t.Errorf("after confirming: %v, status %q; want inactive", err, got.Status)
	}
}
