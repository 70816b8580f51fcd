package feed_test

import (
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/feed"
)

// Two feeds list one activity; an admin merges the two listings. Re-syncing
// both feeds, fully and after an upstream edit, keeps the merge: the
// decision is kept by the listings' ids, which are made from the feed and
// the upstream id, and every write takes superseded_by from it.
func TestMergeSurvivesResync(t *testing.T) {
	st := openStore(t)
	up, srv := newUpstream(t)
	ids := up.add(2, time.Now().Add(-time.Hour))
	sync := func() {
		t.Helper()
		for _, name := range []string{"council", "cvs"} {
			if _, err := feed.New(st, feed.Options{}).Sync(ctx, name, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range []string{"council", "cvs"} {
		if err := st.AddFeed(ctx, directory.Feed{Name: name, URL: srv.URL + "/api/v1", Every: time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	sync()
	lead, hidden := feed.LocalID("council", false, ids[0]), feed.LocalID("cvs", false, ids[0])
	if err := st.DecideDuplicate(ctx, lead, hidden, directory.VerdictSame, lead, "admin"); err != nil {
		t.Fatal(err)
	}

	up.edit(ids[0], "description", "Now on Tuesdays", time.Now())
	sync()
	svc, err := st.Service(ctx, hidden)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Description != "Now on Tuesdays" {
		t.Fatalf("the re-sync did not update the listing: %q", svc.Description)
	}
	if svc.SupersededBy != lead {
		t.Fatalf("after re-sync superseded_by %q, want %q", svc.SupersededBy, lead)
	}
	decisions, err := st.DuplicateDecisions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := decisions[directory.PairKey(lead, hidden)]; d.Verdict != directory.VerdictSame || d.Lead != lead {
		t.Fatalf("decision after re-sync: %+v", d)
	}
}
