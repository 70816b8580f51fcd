package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"signpost/directory"
	"signpost/engine"
	"signpost/web/api"
)

// primary is a real Signpost's API over its own store, holding the sample
// directory, for a follower to pull from.
type primary struct {
	st  *directory.Store
	srv *httptest.Server
}

func startPrimary(t *testing.T) *primary {
	t.Helper()
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var out strings.Builder
	if err := loadSample(context.Background(), st, &env{stdout: &out, stderr: &out}); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.Open(indexDir(dir), st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	st.Watch(func(ch directory.Change) { eng.Apply(context.Background(), ch) })
	h, err := api.New(api.Config{Store: st, Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &primary{st: st, srv: srv}
}

// A follower added with --mirror holds the primary's listings under the
// same ids, follows an edit, and withdraws its listings when the feed is
// removed.
func TestFeedFollowsASignpost(t *testing.T) {
	ctx := context.Background()
	p := startPrimary(t)
	data := t.TempDir()

	code, out, errs := runCmd(t, "", "feed", "add", "--data", data, "--name", "primary", "--mirror", p.srv.URL+"/api/v1")
	if code != 0 {
		t.Fatalf("feed add: %d %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "", "feed", "sync", "--data", data, "primary")
	if code != 0 {
		t.Fatalf("feed sync: %d\n%s\n%s", code, out, errs)
	}
	// The primary's API publishes its active listings; those are what a
	// follower gets.
	want := 0
	var first directory.Service
	p.st.EachService(ctx, func(s *directory.Service) error {
		if s.Status != directory.StatusActive {
			return nil
		}
		want++
		if first.ID == "" {
			first = *s
		}
		return nil
	})

	check := func(wantName string) {
		t.Helper()
		st, err := openStore(data)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if n, _ := st.CountServices(ctx); n != want {
			t.Errorf("follower has %d listings, primary %d", n, want)
		}
		svc, err := st.Service(ctx, first.ID)
		if err != nil {
			t.Fatalf("mirror lacks %s: %v", first.ID, err)
		}
		if svc.Name != wantName || svc.Source == nil || svc.Source.Feed != "primary" {
			t.Errorf("follower's %s: name %q, source %+v; want %q from primary", first.ID, svc.Name, svc.Source, wantName)
		}
	}
	check(first.Name)
	md := checkAPISource(t, data, first.ID)
	if len(md) != 1 || md[0].LastActionType != "create" || md[0].UpdatedBy != "feed:primary" || md[0].ResourceID != first.ID {
		t.Errorf("metadata after the first sync = %+v, want one creation by feed:primary", md)
	}

	edited := first
	edited.Source = nil
	edited.Name = "Renamed on the primary"
	edited.LastModified = ""
	if _, err := p.st.PutService(ctx, &edited, directory.Save{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCmd(t, "", "feed", "sync", "--data", data, "primary")
	if code != 0 {
		t.Fatalf("second sync: %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "1 changed") {
		t.Errorf("second sync said %q, want 1 changed", out)
	}
	check("Renamed on the primary")
	md = checkAPISource(t, data, first.ID)
	var rename *directory.Metadata
	for i := range md {
		if md[i].FieldName == "name" {
			rename = &md[i]
		}
	}
	if rename == nil || rename.LastActionType != "update" || rename.PreviousValue != first.Name ||
		rename.ReplacementValue != "Renamed on the primary" || rename.UpdatedBy != "feed:primary" || rename.LastActionDate == "" {
		t.Errorf("metadata after the rename = %+v, want an update of name by feed:primary", md)
	}

	code, out, _ = runCmd(t, "", "feed", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "primary") || !strings.Contains(out, p.srv.URL) {
		t.Errorf("feed list: %d %q", code, out)
	}

	code, out, errs = runCmd(t, "", "feed", "remove", "--data", data, "primary")
	if code != 0 {
		t.Fatalf("feed remove: %d %s %s", code, out, errs)
	}
	st, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := st.Service(ctx, first.ID)
	if err != nil || svc.Status != directory.StatusInactive {
		t.Errorf("after remove: %v, status %v; want the listing kept, inactive", err, svc)
	}
	if feeds, _ := st.Feeds(ctx); len(feeds) != 0 {
		t.Errorf("feeds after remove: %+v", feeds)
	}
}

func TestFeedCommandErrors(t *testing.T) {
	data := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"feed"}, "Usage: signpost feed"},
		{[]string{"feed", "frobnicate"}, "unknown action"},
		{[]string{"feed", "add", "--data", data, "--name", "x", "ftp://example.org/api"}, "only http and https"},
		{[]string{"feed", "add", "--data", data, "http://example.org/api"}, "--name is required"},
		{[]string{"feed", "add", "--data", data, "--name", "x", "--every", "1s", "http://example.org/api"}, "too often"},
		{[]string{"feed", "add", "--data", data, "--name", "x"}, "exactly one URL"},
		{[]string{"feed", "sync", "--data", data, "nosuch"}, "not found"},
		{[]string{"feed", "remove", "--data", data, "nosuch"}, "not found"},
		{[]string{"feed", "sync", "--data", data}, "no feeds"},
	} {
		code, out, errs := runCmd(t, "", tc.args...)
		if code == 0 || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%v: exit %d, output %q; want a failure saying %q", tc.args, code, out+errs, tc.want)
		}
	}
	for _, action := range []string{"add", "list", "sync", "remove"} {
		code, _, errs := runCmd(t, "", "feed", action, "--help")
		if code != 0 || !strings.Contains(errs, "Usage: signpost feed "+action) {
			t.Errorf("feed %s --help: %d %q", action, code, errs)
		}
	}
}

// checkAPISource serves the follower's own API and checks that a mirrored
// listing carries its source there; it returns the listing's metadata.
func checkAPISource(t *testing.T, data, id string) []directory.Metadata {
	t.Helper()
	st, err := openStore(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng, err := engine.Open(indexDir(data), st)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	h, err := api.New(api.Config{Store: st, Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/services/"+id, nil))
	var got struct {
		Source *struct {
			Feed       string `json:"feed"`
			UpstreamID string `json:"upstream_id"`
			CheckedAt  string `json:"checked_at"`
		} `json:"source"`
		Metadata []directory.Metadata `json:"metadata"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
		t.Fatalf("GET /api/v1/services/%s: %d %v", id, rec.Code, err)
	}
	if got.Source == nil || got.Source.Feed != "primary" || got.Source.UpstreamID != id || got.Source.CheckedAt == "" {
		t.Errorf("API source = %+v, want feed primary, upstream_id %s, checked_at", got.Source, id)
	}
	return got.Metadata
}
