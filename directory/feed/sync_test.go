package feed_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/feed"
)

var ctx = context.Background()

func TestFullThenIncrementalPull(t *testing.T) {
	r := newRig(t, "sefton", false, feed.Options{})
	ids := r.up.add(25, r.clock.Now().Add(-48*time.Hour))

	f, err := r.sync.Sync(ctx, "sefton", false)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	if f.Added != 25 || f.Listings != 25 || f.Skipped != 0 {
		t.Fatalf("first sync: added %d, listings %d, skipped %d; want 25, 25, 0 (errors %v)", f.Added, f.Listings, f.Skipped, f.Errors)
	}
	if got := len(r.up.listRequests()); got != 3 {
		t.Errorf("25 services at 10 a page took %d list requests, want 3", got)
	}
	svc := r.service(t, "sefton", ids[0], false)
	if svc.ID == ids[0] {
		t.Errorf("a namespaced feed kept the upstream id %s", svc.ID)
	}
	if svc.Source == nil || svc.Source.Feed != "sefton" || svc.Source.UpstreamID != ids[0] || svc.Source.CheckedAt.IsZero() {
		t.Fatalf("source = %+v, want feed sefton, upstream %s, a checked time", svc.Source, ids[0])
	}
	revs, err := r.st.Revisions(ctx, svc.ID)
	if err != nil || len(revs) != 1 || revs[0].Actor != "feed:sefton" {
		t.Fatalf("revisions = %+v (%v), want one by feed:sefton", revs, err)
	}
	// The API form of a listing carries its source.
	raw, _ := json.Marshal(svc)
	var out struct {
		Source map[string]any `json:"source"`
	}
	json.Unmarshal(raw, &out)
	for _, k := range []string{"feed", "upstream_id", "checked_at"} {
		if _, ok := out.Source[k]; !ok {
			t.Errorf("service JSON source lacks %q: %s", k, out.Source)
		}
	}

	// Two edits upstream; the next sync asks only for what changed since
	// the last one started.
	r.clock.Advance(time.Hour)
	r.up.edit(ids[3], "name", "Renamed walk", r.clock.Now())
	r.up.edit(ids[7], "description", "Now on Tuesdays", r.clock.Now())
	r.clock.Advance(time.Minute)
	f, err = r.sync.Sync(ctx, "sefton", false)
	if err != nil {
		t.Fatalf("incremental sync: %v", err)
	}
	reqs := r.up.listRequests()
	last := reqs[len(reqs)-1]
	if !strings.Contains(last, "modified_after=") {
		t.Errorf("incremental request %q has no modified_after", last)
	}
	if f.Updated != 2 || f.Added != 0 || f.Unchanged != 0 {
		t.Errorf("incremental sync: updated %d, added %d, unchanged %d; want 2, 0, 0", f.Updated, f.Added, f.Unchanged)
	}
	if got := r.service(t, "sefton", ids[3], false).Name; got != "Renamed walk" {
		t.Errorf("edited name = %q", got)
	}
	revs, _ = r.st.Revisions(ctx, feed.LocalID("sefton", false, ids[3]))
	if len(revs) != 2 || revs[0].Actor != "feed:sefton" || len(revs[0].Changes) == 0 {
		t.Errorf("revisions after the edit = %+v", revs)
	}
}

func TestMirrorKeepsUpstreamIDs(t *testing.T) {
	r := newRig(t, "primary", true, feed.Options{})
	ids := r.up.add(3, r.clock.Now())
	if _, err := r.sync.Sync(ctx, "primary", false); err != nil {
		t.Fatal(err)
	}
	if svc := r.service(t, "primary", ids[1], true); svc.ID != ids[1] {
		t.Errorf("mirror id = %s, want %s", svc.ID, ids[1])
	}
}

func TestTwoFeedsDoNotCollide(t *testing.T) {
	st := openStore(t)
	up, srv := newUpstream(t)
	up.add(4, time.Now())
	for _, name := range []string{"a", "b"} {
		if err := st.AddFeed(ctx, directory.Feed{Name: name, URL: srv.URL + "/api/v1", Every: time.Hour}); err != nil {
			t.Fatal(err)
		}
		if _, err := feed.New(st, feed.Options{}).Sync(ctx, name, false); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := st.CountServices(ctx); n != 8 {
		t.Errorf("two feeds of the same 4 services gave %d listings, want 8", n)
	}
}

func TestRemovalsOnFullPull(t *testing.T) {
	r := newRig(t, "council", false, feed.Options{})
	ids := r.up.add(20, r.clock.Now().Add(-time.Hour))
	if _, err := r.sync.Sync(ctx, "council", false); err != nil {
		t.Fatal(err)
	}
	gone := r.up.remove(ids[0], ids[1])

	// An incremental pull cannot see removals.
	r.clock.Advance(time.Hour)
	if _, err := r.sync.Sync(ctx, "council", false); err != nil {
		t.Fatal(err)
	}
	if s := r.service(t, "council", ids[0], false); s.Status != directory.StatusActive {
		t.Fatalf("an incremental pull withdrew %s", ids[0])
	}

	r.clock.Advance(time.Hour)
	f, err := r.sync.Sync(ctx, "council", true)
	if err != nil {
		t.Fatalf("full sync: %v", err)
	}
	if f.Withdrawn != 2 || f.Listings != 18 {
		t.Errorf("full sync withdrew %d, listings %d; want 2, 18", f.Withdrawn, f.Listings)
	}
	s := r.service(t, "council", ids[0], false)
	if s.Status != directory.StatusInactive || s.Source == nil || !s.Source.Withdrawn {
		t.Errorf("removed upstream: status %q, source %+v; want inactive, withdrawn", s.Status, s.Source)
	}
	revs, _ := r.st.Revisions(ctx, s.ID)
	if revs[0].Action != directory.ActionWithdraw || revs[0].Actor != "feed:council" {
		t.Errorf("latest revision = %s by %s, want withdraw by feed:council", revs[0].Action, revs[0].Actor)
	}
	if r.service(t, "council", ids[5], false).Status != directory.StatusActive {
		t.Error("a listing still published was withdrawn")
	}

	// It comes back upstream: the next full pull restores it.
	r.up.put(gone)
	r.clock.Advance(time.Hour)
	f, err = r.sync.Sync(ctx, "council", true)
	if err != nil {
		t.Fatal(err)
	}
	if f.Restored != 2 || f.Listings != 20 {
		t.Errorf("restored %d, listings %d; want 2, 20", f.Restored, f.Listings)
	}
	if s := r.service(t, "council", ids[0], false); s.Status != directory.StatusActive || s.Source.Withdrawn {
		t.Errorf("back upstream: status %q, source %+v", s.Status, s.Source)
	}
}

func TestDailyFullPull(t *testing.T) {
	r := newRig(t, "daily", false, feed.Options{})
	ids := r.up.add(10, r.clock.Now().Add(-time.Hour))
	if _, err := r.sync.Sync(ctx, "daily", false); err != nil {
		t.Fatal(err)
	}
	r.up.remove(ids[0])
	r.clock.Advance(25 * time.Hour)
	f, err := r.sync.Sync(ctx, "daily", false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Withdrawn != 1 {
		t.Errorf("a sync a day after the last full pull withdrew %d, want 1 (it should be a full pull)", f.Withdrawn)
	}
}

func TestLargeWithdrawalIsHeld(t *testing.T) {
	r := newRig(t, "big", false, feed.Options{})
	ids := r.up.add(20, r.clock.Now().Add(-time.Hour))
	if _, err := r.sync.Sync(ctx, "big", false); err != nil {
		t.Fatal(err)
	}
	r.up.remove(ids[:5]...) // 25% > 20%
	r.clock.Advance(time.Hour)
	f, err := r.sync.Sync(ctx, "big", true)
	if !errors.Is(err, feed.ErrHeld) {
		t.Fatalf("withdrawing 5 of 20: err = %v, want ErrHeld", err)
	}
	if f.Held == nil || len(f.Held.IDs) != 5 || f.Withdrawn != 0 {
		t.Fatalf("held = %+v, withdrawn %d", f.Held, f.Withdrawn)
	}
	if s := r.service(t, "big", ids[0], false); s.Status != directory.StatusActive {
		t.Fatal("a held withdrawal was made")
	}
	stored, _ := r.st.Feed(ctx, "big")
	if stored.Held == nil {
		t.Fatal("the held withdrawal was not stored for the admin")
	}
	n, err := r.sync.Confirm(ctx, "big")
	if err != nil || n != 5 {
		t.Fatalf("confirm: %d, %v; want 5", n, err)
	}
	if s := r.service(t, "big", ids[0], false); s.Status != directory.StatusInactive {
		t.Error("confirmed withdrawal not made")
	}
	stored, _ = r.st.Feed(ctx, "big")
	if stored.Held != nil || stored.Listings != 15 {
		t.Errorf("after confirm: held %+v, listings %d", stored.Held, stored.Listings)
	}
}

func TestBadRecordsAreSkippedAndReported(t *testing.T) {
	r := newRig(t, "messy", false, feed.Options{})
	ids := r.up.add(5, r.clock.Now())
	r.up.edit(ids[1], "status", "bogus", r.clock.Now())
	r.up.edit(ids[2], "email", 42, r.clock.Now())
	f, err := r.sync.Sync(ctx, "messy", false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Added != 3 || f.Skipped != 2 {
		t.Fatalf("added %d, skipped %d; want 3, 2", f.Added, f.Skipped)
	}
	all := strings.Join(f.Errors, "\n")
	for _, want := range []string{ids[1] + ": status", ids[2] + ": email"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors %q do not name %q", all, want)
		}
	}
	// A bad record is still published upstream: a full pull keeps the
	// good version it had rather than withdrawing it.
	r.up.edit(ids[1], "status", "active", r.clock.Now())
	r.clock.Advance(time.Hour)
	if _, err := r.sync.Sync(ctx, "messy", false); err != nil {
		t.Fatal(err)
	}
	r.up.edit(ids[1], "status", "bogus", r.clock.Now())
	r.clock.Advance(time.Hour)
	f, err = r.sync.Sync(ctx, "messy", true)
	if err != nil {
		t.Fatal(err)
	}
	if f.Withdrawn != 0 {
		t.Errorf("a full pull withdrew %d listings that were present but invalid", f.Withdrawn)
	}
}

func TestPartialItemsAreFetchedWhole(t *testing.T) {
	r := newRig(t, "brief", false, feed.Options{})
	ids := r.up.add(2, r.clock.Now())
	r.up.edit(ids[0], "description", "The whole story", r.clock.Now())
	r.up.partialFields = true
	if _, err := r.sync.Sync(ctx, "brief", false); err != nil {
		t.Fatal(err)
	}
	if got := r.service(t, "brief", ids[0], false).Description; got != "The whole story" {
		t.Errorf("description = %q: the partial item was not fetched whole", got)
	}
}

func TestORUKv1Pages(t *testing.T) {
	r := newRig(t, "v1", false, feed.Options{})
	r.up.v1 = true
	r.up.add(15, r.clock.Now())
	f, err := r.sync.Sync(ctx, "v1", false)
	if err != nil || f.Added != 15 {
		t.Fatalf("ORUK v1 feed: added %d, %v", f.Added, err)
	}
}

func TestMisbehavingFeeds(t *testing.T) {
	t.Run("total_pages lies high", func(t *testing.T) {
		r := newRig(t, "liar", false, feed.Options{})
		r.up.extraPages = 1000
		r.up.add(25, r.clock.Now())
		f, err := r.sync.Sync(ctx, "liar", false)
		if err != nil || f.Added != 25 {
			t.Fatalf("added %d, %v", f.Added, err)
		}
		if n := len(r.up.listRequests()); n > 4 {
			t.Errorf("%d requests for 3 pages and a lie", n)
		}
	})
	t.Run("pages repeat", func(t *testing.T) {
		r := newRig(t, "parrot", false, feed.Options{})
		r.up.ignorePage = true
		r.up.add(25, r.clock.Now())
		f, err := r.sync.Sync(ctx, "parrot", false)
		if err != nil || f.Added != 10 {
			t.Fatalf("added %d, %v; want the first page's 10", f.Added, err)
		}
		if n := len(r.up.listRequests()); n != 2 {
			t.Errorf("%d requests; want 2 (stop on the page that added nothing)", n)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		r := newRig(t, "sleepy", false, feed.Options{Timeout: 50 * time.Millisecond, Retries: -1})
		r.up.add(3, r.clock.Now())
		r.up.slow = time.Second
		f, err := r.sync.Sync(ctx, "sleepy", false)
		if err == nil {
			t.Fatal("a feed slower than the timeout synced")
		}
		if f.Resume == nil || f.Resume.Page != 1 || len(f.Errors) == 0 {
			t.Errorf("after a timeout: resume %+v, errors %v", f.Resume, f.Errors)
		}
		if n, _ := r.st.CountServices(ctx); n != 0 {
			t.Errorf("%d listings after a failed first page", n)
		}
	})
	t.Run("server errors are retried", func(t *testing.T) {
		r := newRig(t, "flaky", false, feed.Options{Retries: 2})
		r.up.add(5, r.clock.Now())
		r.up.failFromPage, r.up.failTimes = 1, 2
		f, err := r.sync.Sync(ctx, "flaky", false)
		if err != nil || f.Added != 5 {
			t.Fatalf("added %d, %v after two 500s and two retries", f.Added, err)
		}
	})
	for name, body := range map[string]string{
		"bad JSON":     `{"total_pages": 1, "contents": [{"id": `,
		"not a page":   `{"hello": "world"}`,
		"contents map": `{"contents": {"a": 1}}`,
	} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, "broken", false, feed.Options{})
			r.up.rawPage = body
			if _, err := r.sync.Sync(ctx, "broken", false); err == nil {
				t.Fatalf("%s synced", body)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		r := newRig(t, "huge", false, feed.Options{MaxBytes: 1000})
		r.up.add(30, r.clock.Now())
		_, err := r.sync.Sync(ctx, "huge", false)
		if err == nil || !strings.Contains(err.Error(), "too large") {
			t.Fatalf("err = %v, want too large", err)
		}
	})
	t.Run("redirect loop", func(t *testing.T) {
		st := openStore(t)
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, srv.URL+r.URL.Path+"?x="+r.URL.Query().Get("x")+"x", http.StatusFound)
		}))
		defer srv.Close()
		st.AddFeed(ctx, directory.Feed{Name: "loop", URL: srv.URL + "/api", Every: time.Hour})
		_, err := feed.New(st, feed.Options{Retries: -1}).Sync(ctx, "loop", false)
		if err == nil || !strings.Contains(err.Error(), "redirects") {
			t.Fatalf("err = %v, want a redirect loop", err)
		}
	})
	t.Run("HTTP 404 is not retried", func(t *testing.T) {
		st := openStore(t)
		calls := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls++
			http.NotFound(w, r)
		}))
		defer srv.Close()
		st.AddFeed(ctx, directory.Feed{Name: "gone", URL: srv.URL, Every: time.Hour})
		_, err := feed.New(st, feed.Options{Backoff: time.Millisecond}).Sync(ctx, "gone", false)
		if err == nil || !strings.Contains(err.Error(), "404") || calls != 1 {
			t.Fatalf("err = %v after %d calls, want one 404", err, calls)
		}
	})
}

func TestCheckURL(t *testing.T) {
	for _, u := range []string{"ftp://example.org/api", "file:///etc/passwd", "example.org/api", "javascript:alert(1)", "http://"} {
		if _, err := feed.CheckURL(u); err == nil {
			t.Errorf("CheckURL(%q) accepted it", u)
		}
	}
	for _, u := range []string{"http://example.org/api/v1", "https://example.org/"} {
		if _, err := feed.CheckURL(u); err != nil {
			t.Errorf("CheckURL(%q): %v", u, err)
		}
	}
}

// A sync that fails mid-way keeps the pages it wrote, and the next run
// carries on from the page after them; the full pull it completes still
// withdraws nothing wrongly.
func TestInterruptedSyncResumes(t *testing.T) {
	r := newRig(t, "resume", false, feed.Options{Retries: -1})
	r.up.add(35, r.clock.Now().Add(-time.Hour))
	r.up.failFromPage, r.up.failTimes = 3, -1
	f, err := r.sync.Sync(ctx, "resume", false)
	if err == nil {
		t.Fatal("sync through a failing page 3 succeeded")
	}
	if f.Resume == nil || f.Resume.Page != 3 {
		t.Fatalf("resume = %+v, want page 3", f.Resume)
	}
	if n, _ := r.st.CountServices(ctx); n != 20 {
		t.Fatalf("%d listings after two good pages, want 20", n)
	}
	stored, _ := r.st.Feed(ctx, "resume")
	if stored.Resume == nil || stored.Resume.Page != 3 || !stored.SyncedFrom.IsZero() {
		t.Fatalf("stored feed: resume %+v, synced from %v", stored.Resume, stored.SyncedFrom)
	}

	r.up.failFromPage = 0
	before := len(r.up.listRequests())
	r.clock.Advance(10 * time.Minute)
	f, err = r.sync.Sync(ctx, "resume", false)
	if err != nil {
		t.Fatal(err)
	}
	reqs := r.up.listRequests()[before:]
	if len(reqs) == 0 || !strings.Contains(reqs[0], "page=3") {
		t.Errorf("resumed with %v, want page 3 first", reqs)
	}
	if f.Listings != 35 || f.Withdrawn != 0 || f.Resume != nil {
		t.Errorf("after resuming: listings %d, withdrawn %d, resume %+v", f.Listings, f.Withdrawn, f.Resume)
	}
}

func TestSyncDueRunsOnlyDueFeeds(t *testing.T) {
	r := newRig(t, "hourly", false, feed.Options{})
	r.up.add(3, r.clock.Now())
	if n, err := r.sync.SyncDue(ctx, r.st); err != nil || n != 1 {
		t.Fatalf("first run: %d synced, %v; want 1", n, err)
	}
	r.clock.Advance(30 * time.Minute)
	if n, _ := r.sync.SyncDue(ctx, r.st); n != 0 {
		t.Errorf("half an hour later: %d synced, want 0", n)
	}
	r.clock.Advance(30 * time.Minute)
	if n, _ := r.sync.SyncDue(ctx, r.st); n != 1 {
		t.Errorf("an hour later: %d synced, want 1", n)
	}
}

// Follow stops when its context ends, leaving the store usable.
func TestFollowStopsOnCancel(t *testing.T) {
	r := newRig(t, "bg", false, feed.Options{})
	r.up.add(3, r.clock.Now())
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); r.sync.Follow(cctx, r.st, time.Hour) }()
	deadline := time.After(10 * time.Second)
	for {
		if f, _ := r.st.Feed(ctx, "bg"); f != nil && !f.LastSuccess.IsZero() {
			break
		}
		select {
		case <-deadline:
			t.Fatal("Follow never synced the due feed")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Follow did not stop when cancelled")
	}
}
