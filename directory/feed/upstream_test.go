package feed_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"signpost/directory"
	"signpost/directory/directorytest"
	"signpost/directory/feed"
)

// upstream is an in-process Open Referral API whose services a test edits.
// Its misbehaviours are switched on per test.
type upstream struct {
	mu       sync.Mutex
	services map[string]map[string]any // by id
	// requests records the query of every list request, in order.
	requests []string

	v1            bool          // answer in ORUK v1's page shape
	ignorePage    bool          // always answer page 1 (a repeating feed)
	extraPages    int           // claim this many more pages than there are
	failFromPage  int           // answer 500 from this page on (0: never)
	failTimes     int           // ... this many times (-1: always)
	slow          time.Duration // sleep before answering
	rawPage       string        // answer every list request with this body
	partialFields bool          // list items carry only id and name
}

func newUpstream(t *testing.T) (*upstream, *httptest.Server) {
	u := &upstream{services: map[string]map[string]any{}}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	return u, srv
}

func (u *upstream) add(n int, modified time.Time) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var ids []string
	for i := 0; i < n; i++ {
		id := uuid.NewString()
		u.services[id] = map[string]any{
			"id": id, "name": fmt.Sprintf("Service %d", len(u.services)+1), "status": "active",
			"description": "Walks in the park", "phones": []any{},
			"last_modified": modified.UTC().Format(time.RFC3339),
		}
		ids = append(ids, id)
	}
	return ids
}

func (u *upstream) edit(id string, field string, v any, modified time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.services[id][field] = v
	u.services[id]["last_modified"] = modified.UTC().Format(time.RFC3339)
}

func (u *upstream) remove(ids ...string) map[string]map[string]any {
	u.mu.Lock()
	defer u.mu.Unlock()
	gone := map[string]map[string]any{}
	for _, id := range ids {
		gone[id] = u.services[id]
		delete(u.services, id)
	}
	return gone
}

func (u *upstream) put(svcs map[string]map[string]any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for id, s := range svcs {
		u.services[id] = s
	}
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if u.slow > 0 {
		select {
		case <-time.After(u.slow):
		case <-r.Context().Done():
			return
		}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	const prefix = "/api/v1/services"
	switch {
	case r.URL.Path == prefix:
		u.list(w, r)
	case len(r.URL.Path) > len(prefix)+1 && r.URL.Path[:len(prefix)+1] == prefix+"/":
		svc, ok := u.services[r.URL.Path[len(prefix)+1:]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		json.NewEncoder(w).Encode(svc)
	default:
		http.NotFound(w, r)
	}
}

func (u *upstream) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	u.requests = append(u.requests, r.URL.RawQuery)
	if u.rawPage != "" {
		fmt.Fprint(w, u.rawPage)
		return
	}
	page, _ := strconv.Atoi(q.Get("page"))
	per, _ := strconv.Atoi(q.Get("per_page"))
	if u.failFromPage > 0 && page >= u.failFromPage && u.failTimes != 0 {
		if u.failTimes > 0 {
			u.failTimes--
		}
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	if u.ignorePage {
		page = 1
	}
	var after time.Time
	if s := q.Get("modified_after"); s != "" {
		after, _ = time.Parse(time.RFC3339, s)
	}
	var ids []string
	for id, s := range u.services {
		m, _ := time.Parse(time.RFC3339, s["last_modified"].(string))
		if after.IsZero() || m.After(after) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	total := (len(ids) + per - 1) / per
	var items []any
	for i := (page - 1) * per; i < page*per && i < len(ids); i++ {
		s := u.services[ids[i]]
		if u.partialFields {
			items = append(items, map[string]any{"id": s["id"], "name": s["name"], "status": s["status"]})
			continue
		}
		items = append(items, s)
	}
	if items == nil {
		items = []any{}
	}
	if u.v1 {
		json.NewEncoder(w).Encode(map[string]any{"totalElements": len(ids), "totalPages": total + u.extraPages, "number": page, "content": items})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"total_items": len(ids), "total_pages": total + u.extraPages, "page_number": page, "contents": items})
}

func (u *upstream) listRequests() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.requests...)
}

func openStore(t *testing.T) *directory.Store {
	t.Helper()
	st, err := directory.Open(filepath.Join(t.TempDir(), "signpost.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

type rig struct {
	st    *directory.Store
	up    *upstream
	srv   *httptest.Server
	clock *directorytest.Clock
	sync  *feed.Syncer
}

func newRig(t *testing.T, name string, mirror bool, opt feed.Options) *rig {
	t.Helper()
	st := openStore(t)
	up, srv := newUpstream(t)
	c := directorytest.NewClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	opt.Now = c.Now
	if opt.PerPage == 0 {
		opt.PerPage = 10
	}
	if opt.Backoff == 0 {
		opt.Backoff = time.Millisecond
	}
	if err := st.AddFeed(context.Background(), directory.Feed{Name: name, URL: srv.URL + "/api/v1", Every: time.Hour, Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	return &rig{st: st, up: up, srv: srv, clock: c, sync: feed.New(st, opt)}
}

func (r *rig) service(t *testing.T, name, upstreamID string, mirror bool) *directory.Service {
	t.Helper()
	svc, err := r.st.Service(context.Background(), feed.LocalID(name, mirror, upstreamID))
	if err != nil {
		t.Fatalf("listing of upstream %s: %v", upstreamID, err)
	}
	return svc
}
