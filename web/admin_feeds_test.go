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
	svc, _ := keptByFeed(t, site, false)
	org := svc.OrgID()
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

// TestAdoptFeedListing: an admin adopts a feed's listing from its page; it
// becomes editable here, the feeds page lists it with the feed's later
// change marked as not applied, and corrections to feed listings are
// marked with the feed in the inbox.
func TestAdoptFeedListing(t *testing.T) {
	site := newListSite(t)
	ctx := context.Background()
	svc, f := keptByFeed(t, site, true)
	org := svc.OrgID()
	if _, err := site.store.AddCorrection(ctx, directory.Correction{ServiceID: svc.ID, Message: "The phone number is wrong"}); err != nil {
		t.Fatal(err)
	}

	// Only those who manage feeds are offered the button, and may use it.
	if _, err := site.store.AddAccount(ctx, directory.Account{Email: "prov-adopt@example.org", Role: directory.RoleProvider, Orgs: []string{org}}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	prov := site.visitor(t)
	prov.startSession("prov-adopt@example.org")
	page := prov.get("/activities/" + svc.ID)
	if n := page.doc.Find(`form[action="/admin/feeds/adopt"]`).Length(); n != 0 {
		t.Errorf("a provider is offered %d adopt buttons", n)
	}
	if page := prov.post("/admin/feeds/adopt", url.Values{"listing": {svc.ID}}); page.status != 403 {
		t.Errorf("a provider adopting: %d, want 403", page.status)
	}

	admin := site.signedIn(t, "admin-adopt@example.org", directory.RoleAdmin)
	inbox := admin.get("/admin/corrections")
	if got := textOf(inbox.doc.Find(".correction-feed")); !strings.Contains(got, "Sefton Directory") {
		t.Errorf("the inbox marks a feed listing's correction with %q, want the feed's name", got)
	}
	page = admin.get("/activities/" + svc.ID)
	if got := textOf(page.doc.Find(".source dd")); !strings.Contains(got, "Sefton Directory, checked") {
		t.Errorf("source before adoption = %q", got)
	}
	page = admin.submit(page, `form.adopt`, url.Values{})
	if page.url.Query().Get("done") != "listing-adopted" || page.url.Path != "/activities/"+svc.ID {
		t.Fatalf("adopting went to %s", page.url)
	}
	if got := textOf(page.doc.Find(".source dd")); !strings.Contains(got, "Adopted from Sefton Directory") {
		t.Errorf("source after adoption = %q, want it adopted", got)
	}
	if page.doc.Find(`form.adopt`).Length() != 0 {
		t.Error("an adopted listing still offers adoption")
	}
	revs, _ := site.store.Revisions(ctx, svc.ID)
	if len(revs) == 0 || revs[0].Action != directory.ActionAdopt || revs[0].Actor != "admin-adopt@example.org" || !strings.Contains(revs[0].Note, "adopted from Sefton Directory") {
		t.Errorf("newest revision = %+v, want the adoption by the admin", revs[0])
	}
	// Its provider may now edit it; corrections are no longer the feed's.
	if page := prov.get("/provider/listings/" + svc.ID + "/edit"); page.status != 200 {
		t.Errorf("the provider opening the adopted listing's edit form: %d, want 200", page.status)
	}
	if inbox := admin.get("/admin/corrections"); inbox.doc.Find(".correction-feed").Length() != 0 {
		t.Error("the inbox still marks an adopted listing's correction with its feed")
	}
	// Adopting again is refused.
	if page := admin.post("/admin/feeds/adopt", url.Values{"listing": {"https://signpost.example/activities/" + svc.ID + "?back=x"}}); page.status != 409 {
		t.Errorf("adopting twice: %d, want 409", page.status)
	}

	// The feed changes it: noted, not applied, and listed on the feeds page.
	changed := svc
	changed.Name = "Renamed upstream"
	st, err := site.store.ApplyFeedPage(ctx, f, []directory.FeedRecord{{ID: svc.ID, Service: &changed, UpstreamID: "up-1"}}, testNow().Add(time.Hour))
	if err != nil || st.NotApplied != 1 {
		t.Fatalf("a page with the adopted listing changed: %+v, %v; want one not applied", st, err)
	}
	feeds := admin.get("/admin/feeds")
	item := feeds.doc.Find(".feed-adopted li")
	if got := textOf(item); !strings.Contains(got, svc.Name) || !strings.Contains(got, "Upstream changed") || !strings.Contains(got, "not applied") {
		t.Errorf("adopted listing on the feeds page = %q", got)
	}
	if href, _ := item.Find(`a[href^="https://"]`).Attr("href"); href != "https://sefton.example/api/v1/services/up-1" {
		t.Errorf("link to the feed's version = %q", href)
	}
	if got := textOf(feeds.doc.Find(".feed-changed-count")); !strings.Contains(got, "1 changed") {
		t.Errorf("changed count = %q", got)
	}
	if got, _ := site.store.Service(ctx, svc.ID); got.Name != svc.Name {
		t.Errorf("the feed's change was applied: name %q", got.Name)
	}
}

// plantFeedListings puts two copies of the listing fromID into the store
// as a feed's ("Sefton Directory"), adopts the second, and then has the
// feed change it: the feeds page has a feed, an adopted listing and an
// upstream change to show. It returns the ids of the kept and the adopted
// listing.
func plantFeedListings(t *testing.T, store *directory.Store, fromID string) (kept, adopted string) {
	t.Helper()
	ctx := context.Background()
	svc, err := store.Service(ctx, fromID)
	if err != nil {
		t.Fatal(err)
	}
	f := directory.Feed{Name: "Sefton Directory", URL: "https://sefton.example/api/v1", Every: time.Hour}
	if err := store.AddFeed(ctx, f); err != nil {
		t.Fatal(err)
	}
	var recs []directory.FeedRecord
	for _, up := range []string{"up-1", "up-2"} {
		c := *svc
		c.Source, c.LastModified = nil, ""
		c.ID = feed.LocalID(f.Name, false, up)
		c.Name = svc.Name + " (" + up + ")"
		recs = append(recs, directory.FeedRecord{ID: c.ID, Service: &c, UpstreamID: up})
	}
	if _, err := store.ApplyFeedPage(ctx, f, recs, testNow()); err != nil {
		t.Fatal(err)
	}
	if _, err := store.AdoptFeedListing(ctx, recs[1].ID, "admin@example.org"); err != nil {
		t.Fatal(err)
	}
	recs[1].Service.Description += " Now on Fridays."
	if _, err := store.ApplyFeedPage(ctx, f, recs[1:], testNow().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return recs[0].ID, recs[1].ID
}

// keptByFeed copies a sample listing with an organisation into the store as
// the Sefton Directory feed's record "up-1", first adding the feed itself
// when withFeed (a listing can outlive its feed's entry).
func keptByFeed(t *testing.T, site *listSite, withFeed bool) (directory.Service, directory.Feed) {
	t.Helper()
	ctx := context.Background()
	var svc directory.Service
	if err := site.store.EachService(ctx, func(s *directory.Service) error {
		if svc.ID == "" && s.OrgID() != "" {
			svc = *s
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	svc.ID = feed.LocalID("Sefton Directory", false, "up-1")
	f := directory.Feed{Name: "Sefton Directory", URL: "https://sefton.example/api/v1", Every: time.Hour}
	if withFeed {
		if err := site.store.AddFeed(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := site.store.ApplyFeedPage(ctx, f, []directory.FeedRecord{{ID: svc.ID, Service: &svc, UpstreamID: "up-1"}}, testNow()); err != nil {
		t.Fatal(err)
	}
	return svc, f
}

func TestIntervalWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour:        "every hour",
		6 * time.Hour:    "every 6 hours",
		24 * time.Hour:   "every day",
		48 * time.Hour:   "every 2 days",
		90 * time.Minute: "every 90 minutes",
		time.Minute:      "every minute",
		90 * time.Second: "every 1m30s",
	} {
		if got := intervalWords(d); got != want {
			t.Errorf("intervalWords(%v) = %q, want %q", d, got, want)
		}
	}
}
