// Package feed follows other directories' Open Referral APIs (HSDS 3 or
// ORUK v1): it pages through their services, validates each record on its
// own, and writes the valid ones through the store with revisions
// attributed to the feed, recording where each listing came from.
package feed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"signpost/directory"
	"signpost/directory/hsds"
)

// Store is what a sync needs of the store; *directory.Store has it.
type Store interface {
	Feed(ctx context.Context, name string) (*directory.Feed, error)
	PutFeed(ctx context.Context, f directory.Feed) error
	ApplyFeedPage(ctx context.Context, f directory.Feed, recs []directory.FeedRecord, checked time.Time) (directory.FeedPageStats, error)
	FeedSources(ctx context.Context, feed string) (map[string]directory.Source, error)
	WithdrawFeedListings(ctx context.Context, feed string, ids []string, note string) (int, error)
}

// Options tune a Syncer; zero values take the defaults.
type Options struct {
	// PerPage is asked of the feed (default 100).
	PerPage int
	// Timeout bounds each request (default 30s).
	Timeout time.Duration
	// MaxBytes bounds each response (default 32 MB).
	MaxBytes int64
	// Retries after a failed request (default 3), waiting Backoff (default
	// 1s) and twice as long each time after.
	Retries int
	Backoff time.Duration
	// FullEvery is how often a sync is a full pull of ids, the only kind
	// that sees removals (default a day).
	FullEvery time.Duration
	// MaxWithdraw is the share of a feed's listings one full pull may
	// withdraw without an admin's confirmation (default 0.2).
	MaxWithdraw float64
	// MaxPages stops a feed that never ends (default 100000).
	MaxPages int
	// Transport is the HTTP transport (default http.DefaultTransport).
	Transport http.RoundTripper
	Now       func() time.Time
	Logger    *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.PerPage <= 0 {
		o.PerPage = 100
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 32 << 20
	}
	if o.Retries < 0 {
		o.Retries = 0
	} else if o.Retries == 0 {
		o.Retries = 3
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.FullEvery <= 0 {
		o.FullEvery = 24 * time.Hour
	}
	if o.MaxWithdraw <= 0 {
		o.MaxWithdraw = 0.2
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 100000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Syncer runs feeds' syncs.
type Syncer struct {
	store  Store
	opt    Options
	client *client
	// mu runs one sync or confirmation at a time: each reads a feed's
	// record, works, and writes it back, and two at once would lose one's
	// update. Share one Syncer between the background runner and the
	// admin pages.
	mu sync.Mutex
}

// New makes a Syncer over st.
func New(st Store, o Options) *Syncer {
	o = o.withDefaults()
	return &Syncer{store: st, opt: o, client: newClient(o)}
}

// ErrHeld means a full pull found more listings gone than it may withdraw
// alone; an admin confirms with Confirm.
var ErrHeld = errors.New("withdrawal held for an admin to confirm")

// maxErrors bounds the problems a feed's record keeps.
const maxErrors = 50

// LocalID is the id a feed's listing gets here: the upstream id for a
// mirror, otherwise a UUIDv5 of the feed's name and the upstream id, so two
// feeds cannot collide.
func LocalID(feed string, mirror bool, upstreamID string) string {
	if mirror {
		return upstreamID
	}
	return uuid.NewSHA1(feedNamespace, []byte(feed+"\x00"+upstreamID)).String()
}

// feedNamespace is the UUIDv5 namespace of feed ids; never change it.
var feedNamespace = uuid.MustParse("5b0e7c1e-7a51-4a5e-9d4c-2f1f6c0b9a01")

// Sync pulls one feed now. A full pull reads every page without
// modified_after and then withdraws the listings it did not see; it runs
// when asked, on the first sync, and when the last one is older than
// FullEvery. An interrupted pull is resumed from the page after the last
// one written.
func (s *Syncer) Sync(ctx context.Context, name string, full bool) (*directory.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.store.Feed(ctx, name)
	if err != nil {
		return nil, err
	}
	base, err := CheckURL(f.URL)
	if err != nil {
		return f, err
	}
	now := s.opt.Now().UTC()
	full = full || f.SyncedFrom.IsZero() || now.Sub(f.LastFull) >= s.opt.FullEvery
	f.LastAttempt = now
	if f.Resume == nil || (full && !f.Resume.Full) {
		f.Resume = &directory.FeedResume{Full: full, Started: now, Page: 1}
		if !full {
			f.Resume.Since = f.SyncedFrom
		}
		f.Added, f.Updated, f.Unchanged, f.Skipped, f.Withdrawn, f.Restored, f.NotApplied = 0, 0, 0, 0, 0, 0, 0
		f.Errors = nil
	}
	if err := s.store.PutFeed(ctx, *f); err != nil {
		return f, err
	}
	if err := s.pull(ctx, f, base); err != nil {
		f.Errors = appendError(f.Errors, err.Error())
		// The store may be closing (ctx cancelled): record the fault with a
		// fresh context so the page to resume from is not lost.
		if perr := s.store.PutFeed(context.WithoutCancel(ctx), *f); perr != nil {
			return f, errors.Join(err, perr)
		}
		return f, err
	}
	r := f.Resume
	f.Resume = nil
	f.SyncedFrom = r.Started
	f.LastSuccess = s.opt.Now().UTC()
	var held error
	if r.Full {
		f.LastFull = f.LastSuccess
		held = s.removals(ctx, f, r.Started)
	}
	if err := s.count(ctx, f); err != nil {
		return f, err
	}
	if err := s.store.PutFeed(ctx, *f); err != nil {
		return f, err
	}
	return f, held
}

// pull reads pages from f.Resume.Page until the feed ends, writing each.
func (s *Syncer) pull(ctx context.Context, f *directory.Feed, base *url.URL) error {
	r := f.Resume
	seen := map[string]bool{}
	for page := r.Page; page < r.Page+s.opt.MaxPages; page++ {
		items, totalPages, err := s.page(ctx, base, page, r)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		recs, fresh, err := s.records(ctx, f, base, items, seen)
		if err != nil {
			return err
		}
		if fresh == 0 {
			// A page that adds nothing new is a feed repeating itself
			// (page numbers ignored, or total_pages lying): stop rather
			// than loop.
			s.opt.Logger.Warn("feed page added nothing new; stopping", "feed", f.Name, "page", page)
			return nil
		}
		next := *r
		next.Page = page + 1
		f.Resume = &next
		st, err := s.store.ApplyFeedPage(ctx, *f, recs, r.Started)
		if err != nil {
			f.Resume = r
			return fmt.Errorf("write page %d: %w", page, err)
		}
		r = f.Resume
		f.Added += st.Added
		f.Updated += st.Updated
		f.Unchanged += st.Unchanged
		f.Restored += st.Restored
		f.NotApplied += st.NotApplied
		for _, id := range st.Conflicts {
			f.Errors = appendError(f.Errors, fmt.Sprintf("id %s: the listing exists here and is not this feed's; left alone", id))
		}
		if totalPages > 0 && page >= totalPages {
			return nil
		}
	}
	return fmt.Errorf("stopped after %d pages: the feed does not end", s.opt.MaxPages)
}

// page fetches one page of services and returns its items.
func (s *Syncer) page(ctx context.Context, base *url.URL, page int, r *directory.FeedResume) ([]json.RawMessage, int, error) {
	u := endpoint(base, "services")
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(s.opt.PerPage))
	// HSDS 3's full=true asks for fully nested items, saving a request per
	// listing; a server that ignores it sends summaries, which records
	// fetches whole.
	q.Set("full", "true")
	if !r.Full && !r.Since.IsZero() {
		q.Set("modified_after", r.Since.UTC().Format(time.RFC3339))
	}
	u.RawQuery = q.Encode()
	body, err := s.client.get(ctx, u.String())
	if err != nil {
		return nil, 0, fmt.Errorf("page %d: %w", page, err)
	}
	items, total, err := parsePage(body)
	if err != nil {
		return nil, 0, fmt.Errorf("page %d (%s): %w", page, u, err)
	}
	return items, total, nil
}

// envelope accepts the HSDS 3 page ({total_pages, contents}) and ORUK v1's
// Spring-style page ({totalPages, content}).
type envelope struct {
	TotalPages   *int            `json:"total_pages"`
	TotalPagesV1 *int            `json:"totalPages"`
	Contents     json.RawMessage `json:"contents"`
	Content      json.RawMessage `json:"content"`
}

func parsePage(body []byte) ([]json.RawMessage, int, error) {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))
	var items []json.RawMessage
	if bytes.HasPrefix(body, []byte("[")) {
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, 0, fmt.Errorf("not a JSON list of services: %w", err)
		}
		return items, 1, nil
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, 0, fmt.Errorf("not a JSON page of services: %w", err)
	}
	list := env.Contents
	if list == nil {
		list = env.Content
	}
	if list == nil {
		return nil, 0, errors.New("not a page of services: no contents")
	}
	if string(list) != "null" {
		if err := json.Unmarshal(list, &items); err != nil {
			return nil, 0, fmt.Errorf("contents is not a list: %w", err)
		}
	}
	total := 0
	switch {
	case env.TotalPages != nil:
		total = *env.TotalPages
	case env.TotalPagesV1 != nil:
		total = *env.TotalPagesV1
	}
	return items, total, nil
}

// detailKeys are fields a full service has and a list's summary item may
// leave out; an item with none of them is fetched on its own.
var detailKeys = []string{"service_at_locations", "phones", "schedules", "contacts", "languages", "service_areas", "attributes"}

func partial(item json.RawMessage) bool {
	var keys map[string]json.RawMessage
	if json.Unmarshal(item, &keys) != nil {
		return false
	}
	for _, k := range detailKeys {
		if _, ok := keys[k]; ok {
			return false
		}
	}
	return true
}

// records decodes, completes and validates one page's items. Invalid
// records are reported with their id and field and written only as "seen",
// so a full pull does not withdraw a listing that is present but broken.
// fresh counts items not seen earlier in this pull.
func (s *Syncer) records(ctx context.Context, f *directory.Feed, base *url.URL, items []json.RawMessage, seen map[string]bool) ([]directory.FeedRecord, int, error) {
	var recs []directory.FeedRecord
	fresh := 0
	for _, item := range items {
		svc, upstream, err := decode(item)
		if upstream != "" {
			if seen[upstream] {
				continue
			}
			seen[upstream] = true
			fresh++
		} else {
			fresh++
		}
		if err == nil && partial(item) {
			var detail json.RawMessage
			detail, err = s.client.get(ctx, endpoint(base, "services", upstream).String())
			if err == nil {
				svc, _, err = decode(detail)
			}
			if ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
		}
		if err == nil {
			if problems := svc.Validate().Errors(); len(problems) > 0 {
				err = &directory.ValidationError{ID: upstream, Problems: problems}
			}
		}
		if err == nil && svc.ID != upstream {
			err = fmt.Errorf("id %s: the full record has id %q", upstream, svc.ID)
		}
		if err != nil {
			f.Skipped++
			f.Errors = appendError(f.Errors, "skipped "+describe(upstream, err))
			if upstream != "" {
				recs = append(recs, directory.FeedRecord{UpstreamID: upstream, ID: LocalID(f.Name, f.Mirror, upstream)})
			}
			continue
		}
		localize(svc, f.Name, f.Mirror)
		recs = append(recs, directory.FeedRecord{Service: svc, UpstreamID: upstream, ID: svc.ID})
	}
	return recs, fresh, nil
}

func describe(id string, err error) string {
	var ve *directory.ValidationError
	if errors.As(err, &ve) {
		parts := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			parts[i] = p.String()
		}
		return fmt.Sprintf("id %s: %s", orUnknown(id), strings.Join(parts, "; "))
	}
	return fmt.Sprintf("id %s: %v", orUnknown(id), err)
}

func orUnknown(id string) string {
	if id == "" {
		return "(none)"
	}
	return id
}

// decode reads one service with the importer's rules, naming each field
// that is wrong. It returns the upstream id whenever one could be read.
func decode(item json.RawMessage) (*directory.Service, string, error) {
	var head struct {
		ID any `json:"id"`
	}
	_ = json.Unmarshal(item, &head)
	upstream, _ := head.ID.(string)
	rd := hsds.NewReader(bytes.NewReader(item))
	defer rd.Close()
	rec, err := rd.Next()
	if err != nil {
		return nil, upstream, err
	}
	if rec.Err != nil {
		return nil, upstream, rec.Err
	}
	if rec.Service == nil {
		return nil, upstream, errors.New("not a service")
	}
	if upstream == "" {
		return nil, "", &directory.ValidationError{Problems: directory.Problems{{Path: "id", Message: "is required"}}}
	}
	return rec.Service, upstream, nil
}

// localize gives a feed's service its local ids. The organization is
// namespaced too, or two feeds publishing "org-1" would overwrite each
// other's.
func localize(svc *directory.Service, feed string, mirror bool) {
	svc.Source = nil
	if mirror {
		return
	}
	svc.ID = LocalID(feed, false, svc.ID)
	if svc.OrganizationID != "" {
		svc.OrganizationID = LocalID(feed, false, svc.OrganizationID)
	}
	if svc.Organization != nil && svc.Organization.ID != "" {
		svc.Organization.ID = LocalID(feed, false, svc.Organization.ID)
	}
	for i := range svc.ServiceAtLocations {
		if svc.ServiceAtLocations[i].ServiceID != "" {
			svc.ServiceAtLocations[i].ServiceID = svc.ID
		}
	}
}

func endpoint(base *url.URL, parts ...string) *url.URL {
	u := *base
	u.RawQuery = ""
	p := strings.TrimSuffix(u.Path, "/")
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	u.Path = p
	u.RawPath = ""
	return &u
}

func appendError(errs []string, msg string) []string {
	if len(errs) >= maxErrors {
		return errs
	}
	return append(errs, msg)
}

// removals withdraws the listings a complete full pull did not see: those
// not checked since it started. Too many at once are held for an admin.
func (s *Syncer) removals(ctx context.Context, f *directory.Feed, started time.Time) error {
	srcs, err := s.store.FeedSources(ctx, f.Name)
	if err != nil {
		return err
	}
	live := 0
	var gone []string
	for id, src := range srcs {
		if src.Withdrawn {
			continue
		}
		live++
		if src.CheckedAt.Before(started) {
			gone = append(gone, id)
		}
	}
	f.Held = nil
	if len(gone) == 0 {
		return nil
	}
	if float64(len(gone)) > s.opt.MaxWithdraw*float64(live) {
		f.Held = &directory.HeldWithdrawal{At: s.opt.Now().UTC(), IDs: gone, Of: live}
		msg := fmt.Sprintf("%d of %d listings are gone from the feed: held until an admin confirms the withdrawal", len(gone), live)
		f.Errors = appendError(f.Errors, msg)
		return fmt.Errorf("feed %s: %w: %s", f.Name, ErrHeld, msg)
	}
	n, err := s.store.WithdrawFeedListings(ctx, f.Name, gone, "no longer published by the feed")
	f.Withdrawn += n
	return err
}

// Confirm makes a held withdrawal, skipping any listing the feed has
// published again since.
func (s *Syncer) Confirm(ctx context.Context, name string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.store.Feed(ctx, name)
	if err != nil {
		return 0, err
	}
	if f.Held == nil {
		return 0, fmt.Errorf("feed %s: no withdrawal is waiting: %w", name, directory.ErrNotFound)
	}
	srcs, err := s.store.FeedSources(ctx, name)
	if err != nil {
		return 0, err
	}
	var ids []string
	for _, id := range f.Held.IDs {
		if src, ok := srcs[id]; ok && src.CheckedAt.Before(f.Held.At) {
			ids = append(ids, id)
		}
	}
	n, err := s.store.WithdrawFeedListings(ctx, name, ids, "no longer published by the feed (confirmed by an admin)")
	if err != nil {
		return n, err
	}
	f.Held = nil
	f.Withdrawn += n
	if err := s.count(ctx, f); err != nil {
		return n, err
	}
	return n, s.store.PutFeed(ctx, *f)
}

// count sets how many published listings the feed has.
func (s *Syncer) count(ctx context.Context, f *directory.Feed) error {
	srcs, err := s.store.FeedSources(ctx, f.Name)
	if err != nil {
		return err
	}
	f.Listings = 0
	for _, src := range srcs {
		if !src.Withdrawn {
			f.Listings++
		}
	}
	return nil
}
