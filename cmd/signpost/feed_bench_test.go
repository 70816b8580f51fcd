package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"signpost/directory"
	"signpost/engine"
	"signpost/web/api"
)

// TestFeedSyncTimes measures a follower's full sync from a local Signpost
// of SIGNPOST_FEED_BENCH synthetic listings, then an incremental sync of
// 100 changes (BENCHMARKS.md). Skipped unless the variable is set.
func TestFeedSyncTimes(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SIGNPOST_FEED_BENCH"))
	if n <= 0 {
		t.Skip("set SIGNPOST_FEED_BENCH=100000 to measure feed syncs")
	}
	ctx := context.Background()
	src := filepath.Join(t.TempDir(), "gen.ndjson")
	if code, _, stderr := runCmd(t, "", "gen", "--n", strconv.Itoa(n), "--seed", "1", "--out", src); code != 0 {
		t.Fatal(stderr)
	}
	primaryDir := t.TempDir()
	if code, _, stderr := runCmd(t, "", "import", "--data", primaryDir, src); code != 0 {
		t.Fatal(stderr)
	}
	st, err := openStore(primaryDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng, err := engine.Open(indexDir(primaryDir), st)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	st.Watch(func(ch directory.Change) { eng.Apply(context.Background(), ch) })
	h, err := api.New(api.Config{Store: st, Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, page := range []int{1, n / 200} {
		t0 := time.Now()
		resp, err := srv.Client().Get(srv.URL + "/api/v1/services?per_page=100&page=" + strconv.Itoa(page))
		if err == nil {
			resp.Body.Close()
		}
		t.Logf("API page %d of 100: %s", page, time.Since(t0))
	}
	data := t.TempDir()
	if code, _, stderr := runCmd(t, "", "feed", "add", "--data", data, "--name", "primary", "--mirror", srv.URL+"/api/v1"); code != 0 {
		t.Fatal(stderr)
	}
	start, cpu := time.Now(), cpuTime(t)
	code, out, stderr := runCmd(t, "", "feed", "sync", "--data", data, "primary")
	full := time.Since(start)
	if code != 0 {
		t.Fatalf("%s %s", out, stderr)
	}
	t.Logf("full sync of %d: %s (%.0f listings/s), CPU %s (primary and follower): %s", n, full.Round(time.Millisecond),
		float64(n)/full.Seconds(), (cpuTime(t) - cpu).Round(time.Millisecond), out)

	// 100 changes on the primary, a second later than the sync began.
	time.Sleep(1100 * time.Millisecond)
	var edits []directory.Service
	st.EachService(ctx, func(s *directory.Service) error {
		if len(edits) < 100 && s.Status == directory.StatusActive {
			edits = append(edits, *s)
		}
		return nil
	})
	for i := range edits {
		e := edits[i]
		e.Source, e.LastModified = nil, ""
		e.Description += " Now also on Saturdays."
		if _, err := st.PutService(ctx, &e, directory.Save{Actor: "bench"}); err != nil {
			t.Fatal(err)
		}
	}
	start, cpu = time.Now(), cpuTime(t)
	code, out, stderr = runCmd(t, "", "feed", "sync", "--data", data, "primary")
	inc := time.Since(start)
	if code != 0 {
		t.Fatalf("%s %s", out, stderr)
	}
	t.Logf("incremental sync of %d changes: %s, CPU %s: %s", len(edits), inc.Round(time.Millisecond), (cpuTime(t) - cpu).Round(time.Millisecond), out)
}
