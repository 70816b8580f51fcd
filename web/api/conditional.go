package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Every answer is a function of the request URL and of the store's
// contents, and the store's generation moves on every write that changes
// anything. So one generation number is a validator for every resource:
// the ETag is the generation, and Last-Modified is when this process first
// saw that generation. A client holding either gets a 304 with no body
// until something changes.

// versions remembers when each generation was first seen.
type versions struct {
	// instance tells this process's ETags apart from another's (a restart
	// may render the same generation differently after an upgrade).
	instance string
	now      func() time.Time

	mu  sync.Mutex
	gen uint64
	// seen is when gen was first seen, to the second (HTTP dates have no
	// finer unit); the zero time when it cannot be told apart from the
	// previous generation's, see at.
	seen  time.Time
	known bool
}

func newVersions(now func() time.Time) *versions {
	return &versions{instance: strconv.FormatInt(now().UnixNano(), 36), now: now}
}

// at returns the Last-Modified time of gen, or the zero time when there is
// none to give.
func (v *versions) at(gen uint64) time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.known && v.gen == gen {
		return v.seen
	}
	now := v.now().UTC().Truncate(time.Second)
	prev := v.seen
	v.gen, v.known, v.seen = gen, true, now
	if !prev.IsZero() && !now.After(prev) {
		// Two generations within one second would share a Last-Modified
		// and a client holding the older one would wrongly get a 304. Give
		// none; the ETag still tells them apart.
		v.seen = time.Time{}
	}
	return v.seen
}

func (v *versions) etag(gen uint64) string {
	return `W/"` + strconv.FormatUint(gen, 10) + "-" + v.instance + `"`
}

// generationer is what conditional needs of the store.
type generationer interface {
	Generation(ctx context.Context) (uint64, error)
}

// conditional sets ETag and Last-Modified on GET and HEAD and answers 304
// Not Modified when the client's copy is current. The generation is read
// before the handler runs, so the validators can only ever be older than
// the body, never newer: the worst case is one needless full answer.
func conditional(store generationer, v *versions) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			gen, err := store.Generation(r.Context())
			if err != nil {
				// Without a generation there is no validator; the handler
				// will meet the same fault and report it.
				next.ServeHTTP(w, r)
				return
			}
			etag := v.etag(gen)
			modified := v.at(gen)
			h := w.Header()
			h.Set("ETag", etag)
			if !modified.IsZero() {
				h.Set("Last-Modified", modified.Format(http.TimeFormat))
			}
			// Caches may keep answers but must ask before reusing them.
			h.Set("Cache-Control", "public, no-cache")
			if notModified(r, etag, modified, v.now()) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// notModified applies RFC 9110 §13.2.2: If-None-Match, when present,
// decides alone (weak comparison); otherwise If-Modified-Since. A date
// later than now is ignored (RFC 9110 §13.1.3): no copy can be newer than
// the server's clock, and honouring it would let one wrong or hostile date
// pin a cache to a stale answer until that date passes.
func notModified(r *http.Request, etag string, modified, now time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagListMatches(inm, etag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || modified.IsZero() {
		return false
	}
	t, err := http.ParseTime(ims)
	if err != nil || t.After(now) {
		return false
	}
	return !modified.After(t)
}

func etagListMatches(list, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(list, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}
