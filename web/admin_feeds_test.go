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

// TestFeedListingsAreReadOnly: a provider of the organisation, and an
// admin, are refused changes to a listing a feed keeps, with a page that
// says why; its history stays open.
func TestFeedListingsAreReadOnly(t *testing.T) {
	site := newListSite(t)
	ctx := context.Background()
	var svc directory.Service
	site.store.EachService(ctx, func(s *directory.Service) error {
		if svc.ID == "" && s.OrgID() != "" {
			svc = *s
		}
		return nil
	})
	org := svc.OrgID()
	svc.ID = feed.LocalID("Sefton Directory", false, "up-1")
	f := directory.Feed{Name: "Sefton Directory", URL: "https://sefton.example/api/v1", Every: time.Hour}
	if _, err := site.store.ApplyFeedPage(ctx, f, []directory.FeedRecord{{ID: svc.ID, Service: &svc, UpstreamID: "up-1"}}, testNow()); err != nil {
		t.Fatal(err)
	}
	prov := site.visitor(t)
	if _, err := site.store.AddAccount(ctx, directory.Account{Email: "prov-feed@example.org", Role: directory.RoleProvider, Orgs: []string{org}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	prov.startSession("prov-feed@example.org")
	admin := site.signedIn(t, "admin-ro@example.org", directory.RoleAdmin)
	for who, v := range map[string]*visitor{"provider": prov, "admin": admin} {
		page := v.get("/provider/listings/" + svc.ID + "/edit")
		if page.status != 403 || !strings.Contains(page.body, "comes from another directory") || !strings.Contains(page.body, "Sefton Directory") {
			t.Errorf("%s opening the edit form: %d, want 403 saying the feed keeps it", who, page.status)
		}
		page = v.post("/provider/listings/"+svc.ID+"/capacity", url.Values{"capacity": {"full"}})
		if page.status != 403 || !strings.Contains(page.body, "comes from another directory") {
			t.Errorf("%s setting capacity: %d, want 403 saying the feed keeps it", who, page.status)
		}
		if page := v.get("/provider/listings/" + svc.ID + "/history"); page.status != 200 {
			t.Errorf("%s reading the history: %d, want 200", who, page.status)
		}
	}
}
