package feed_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"signpost/directory"
	"signpost/directory/feed"
)

// mocksDir holds the ORUK API mocks beside the checkout.
const mocksDir = "../../../shared/hsds/oruk-mocks"

// requireShared skips a test that needs ../shared when it is absent, with
// a message; under SIGNPOST_REQUIRE_TOOLS (set by CI) it fails instead.
func requireShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(mocksDir, "valid", "service_list.json")); err != nil {
		if os.Getenv("SIGNPOST_REQUIRE_TOOLS") != "" {
			t.Fatalf("the ORUK mocks are not beside the checkout (%s), and SIGNPOST_REQUIRE_TOOLS is set: %v", mocksDir, err)
		}
		t.Skipf("the ORUK mocks are not beside the checkout (%s): %v", mocksDir, err)
	}
}

// mockServer serves one of the mock sets (valid, warn, fail) as a feed:
// service_list.json is its only page and service_full.json answers every
// /services/{id}.
func mockServer(t *testing.T, set string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/services":
			if r.URL.Query().Get("page") != "1" {
				// Past its one page, as total_pages says.
				w.Write([]byte(`{"total_pages":1,"contents":[]}`))
				return
			}
			http.ServeFile(w, r, filepath.Join(mocksDir, set, "service_list.json"))
		case strings.HasPrefix(r.URL.Path, "/services/"):
			http.ServeFile(w, r, filepath.Join(mocksDir, set, "service_full.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestORUKMocksAsAFeed(t *testing.T) {
	requireShared(t)
	st := openStore(t)
	srv := mockServer(t, "valid")
	if err := st.AddFeed(ctx, directory.Feed{Name: "oruk", URL: srv.URL, Every: time.Hour}); err != nil {
		t.Fatal(err)
	}
	f, err := feed.New(st, feed.Options{}).Sync(ctx, "oruk", false)
	if err != nil {
		t.Fatalf("sync: %v (errors %v)", err, f.Errors)
	}
	// The mock's list repeats one service; it is one listing, fetched whole
	// because the list's items are summaries.
	const upstreamID = "ac148810-d857-441c-9679-408f346de14b"
	if f.Listings != 1 || f.Skipped != 0 {
		t.Fatalf("listings %d, skipped %d, errors %v; want 1, 0", f.Listings, f.Skipped, f.Errors)
	}
	svc, err := st.Service(ctx, feed.LocalID("oruk", false, upstreamID))
	if err != nil {
		t.Fatal(err)
	}
	if svc.Name != "Community Counselling" || len(svc.ServiceAtLocations) == 0 {
		t.Errorf("name %q, %d service_at_locations: want the full record", svc.Name, len(svc.ServiceAtLocations))
	}
	if svc.Organization == nil || svc.Organization.ID == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610" {
		t.Errorf("organization %+v: want its id namespaced by the feed", svc.Organization)
	}
	if svc.Source == nil || svc.Source.UpstreamID != upstreamID {
		t.Errorf("source = %+v", svc.Source)
	}
}

func TestORUKFailMocksAreSkippedWithReasons(t *testing.T) {
	requireShared(t)
	st := openStore(t)
	srv := mockServer(t, "fail")
	st.AddFeed(ctx, directory.Feed{Name: "bad", URL: srv.URL, Every: time.Hour})
	f, err := feed.New(st, feed.Options{}).Sync(ctx, "bad", false)
	if err != nil {
		t.Fatalf("a feed of bad records should sync, skipping them: %v", err)
	}
	if f.Skipped == 0 || f.Listings != 0 {
		t.Fatalf("skipped %d, listings %d; want the failing records skipped", f.Skipped, f.Listings)
	}
	for _, e := range f.Errors {
		if !strings.Contains(e, "id ") {
			t.Errorf("error %q does not name the record", e)
		}
	}
	t.Logf("reported: %v", f.Errors)
}
