package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestKilledFeedSyncResumes kills `signpost feed sync` with SIGKILL while
// it waits for page 3 of 5, then checks that the store holds exactly the
// two pages written, says where to resume, and that the next sync carries
// on from page 3 to the end.
func TestKilledFeedSyncResumes(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	const per, pages = 100, 5
	ids := make([]string, per*pages)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	reached := make(chan struct{}, 1)
	var mu sync.Mutex
	hold := true
	var asked []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		mu.Lock()
		asked = append(asked, page)
		held := page == 3 && hold
		mu.Unlock()
		if held {
			reached <- struct{}{}
			<-r.Context().Done()
			return
		}
		var items []map[string]any
		for i := (page - 1) * per; i < page*per && i < len(ids); i++ {
			items = append(items, map[string]any{"id": ids[i], "name": fmt.Sprintf("Walk %d", i), "status": "active", "phones": []any{}})
		}
		json.NewEncoder(w).Encode(map[string]any{"total_pages": pages, "contents": items})
	}))
	defer srv.Close()

	dir := t.TempDir()
	if code, _, stderr := runCmd(t, "", "feed", "add", "--data", dir, "--name", "walks", srv.URL); code != 0 {
		t.Fatal(stderr)
	}
	cmd := exec.Command(bin, "feed", "sync", "--data", dir, "walks")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the sync never asked for page 3")
	}
	cmd.Process.Kill()
	cmd.Wait()
	mu.Lock()
	hold = false
	mu.Unlock()

	ctx := context.Background()
	st, err := openStore(dir)
	if err != nil {
		t.Fatalf("the store does not open after the kill: %v", err)
	}
	n, _ := st.CountServices(ctx)
	f, ferr := st.Feed(ctx, "walks")
	st.Close()
	if n != 2*per {
		t.Errorf("%d listings after the kill, want the two pages written (%d)", n, 2*per)
	}
	if ferr != nil || f.Resume == nil || f.Resume.Page != 3 {
		t.Fatalf("feed after the kill: %+v (%v); want to resume at page 3", f, ferr)
	}

	mu.Lock()
	asked = nil
	mu.Unlock()
	code, out, stderr := runCmd(t, "", "feed", "sync", "--data", dir, "walks")
	if code != 0 {
		t.Fatalf("the next sync: %d %s %s", code, out, stderr)
	}
	mu.Lock()
	if len(asked) == 0 || asked[0] != 3 {
		t.Errorf("the next sync asked for pages %v, want 3 first", asked)
	}
	mu.Unlock()
	if code, out, _ := runCmd(t, "", "check", "--data", dir); code != 0 {
		t.Errorf("check after the resumed sync: %s", out)
	}
	st, err = openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, _ := st.CountServices(ctx); n != per*pages {
		t.Errorf("%d listings after resuming, want %d", n, per*pages)
	}
}
