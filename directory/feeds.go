package directory

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"go.etcd.io/bbolt"
)

// Feeds: other directories' Open Referral APIs that Signpost follows. The
// store keeps each feed's settings and sync state, and for every listing a
// feed brought, where it came from. Provenance lives beside the listing
// rather than in it, so that "checked again, unchanged" is a cheap write that
// adds no revision.
var (
	bucketFeeds = []byte("feeds")
	// bucketFeedSources maps a service id to its Source.
	bucketFeedSources = []byte("feed_sources")
	// bucketFeedMembers holds "feed\x00serviceID" keys, so a feed's listings
	// are found without walking every source.
	bucketFeedMembers = []byte("feed_members")
)

// createFeeds makes the feeds' buckets (a migration).
func createFeeds(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bucketFeeds, bucketFeedSources, bucketFeedMembers} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}

// ActionWithdraw hides a listing that its feed no longer publishes; the
// record stays, inactive, and comes back if the feed publishes it again.
const ActionWithdraw RevisionAction = "withdraw"

// ActionFeed is a write made by a feed's sync.
const ActionFeed RevisionAction = "feed"

// FeedActor is the revision actor of a feed's writes.
func FeedActor(name string) string { return "feed:" + name }

// Feed is one followed directory and the state of its syncing.
type Feed struct {
	Name string `json:"name"`
	// URL is the API's base, such as https://example.org/api/v1.
	URL    string        `json:"url"`
	Every  time.Duration `json:"every"`
	Mirror bool          `json:"mirror,omitempty"`

	// LastAttempt is when a sync last started; LastSuccess when one last
	// finished without error.
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	// SyncedFrom is the start of the last complete sync: the next
	// incremental pull asks for what was modified after it.
	SyncedFrom time.Time `json:"synced_from,omitzero"`
	// LastFull is when the last complete full pull of ids finished.
	LastFull time.Time `json:"last_full,omitzero"`

	// Resume says where an interrupted sync stopped: the next run carries
	// on from this page of the same pull rather than starting again.
	Resume *FeedResume `json:"resume,omitempty"`

	// Counts of the last sync.
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"`
	Withdrawn int `json:"withdrawn"`
	Restored  int `json:"restored"`
	// NotApplied counts the adopted listings whose changes on the feed
	// the last sync left unapplied.
	NotApplied int `json:"not_applied,omitempty"`
	// Listings is how many published listings the feed has.
	Listings int `json:"listings"`
	// Errors of the last sync: skipped records (with id and field) and
	// faults of the feed itself.
	Errors []string `json:"errors,omitempty"`
	// Held is a withdrawal too large to make without an admin's say-so.
	Held *HeldWithdrawal `json:"held,omitempty"`
}

// FeedResume is where an unfinished pull stopped.
type FeedResume struct {
	Full bool `json:"full"`
	// Started is when the pull began; it becomes SyncedFrom when it ends.
	Started time.Time `json:"started"`
	// Since is the modified_after of an incremental pull.
	Since time.Time `json:"since,omitzero"`
	// Page is the next page to fetch.
	Page int `json:"page"`
}

// HeldWithdrawal is a full pull's withdrawal waiting for an admin.
type HeldWithdrawal struct {
	At  time.Time `json:"at"`
	IDs []string  `json:"ids"`
	Of  int       `json:"of"`
}

// Due reports whether the feed should sync at now.
func (f *Feed) Due(now time.Time) bool {
	return f.LastAttempt.IsZero() || !now.Before(f.NextRun())
}

// resumeAfter is how soon an interrupted sync is taken up again when the
// feed's interval is longer: soon enough to finish after a restart, not so
// soon that a feed which keeps failing is hammered.
const resumeAfter = 5 * time.Minute

// NextRun is when the feed is next due: its interval after the last
// attempt, or sooner when that attempt stopped part-way.
func (f *Feed) NextRun() time.Time {
	if f.LastAttempt.IsZero() {
		return time.Time{}
	}
	every := f.Every
	if f.Resume != nil && every > resumeAfter {
		every = resumeAfter
	}
	return f.LastAttempt.Add(every)
}

// Source is where a listing came from.
type Source struct {
	Feed       string    `json:"feed"`
	UpstreamID string    `json:"upstream_id"`
	CheckedAt  time.Time `json:"checked_at"`
	// Withdrawn is set while the listing is hidden because its feed stopped
	// publishing it.
	Withdrawn bool `json:"withdrawn,omitempty"`

	// AdoptedAt is when an admin adopted the listing: it left the feed and
	// is edited here. The feed's later versions of it are compared with
	// the one last seen (UpstreamVersion, a digest) and reported, never
	// applied: UpstreamChangedAt is when the feed last published a
	// different one, zero while it has not.
	AdoptedAt         time.Time `json:"adopted_at,omitzero"`
	UpstreamVersion   string    `json:"upstream_version,omitempty"`
	UpstreamChangedAt time.Time `json:"upstream_changed_at,omitzero"`
}

// Adopted reports whether an admin took the listing over from its feed.
func (s *Source) Adopted() bool { return s != nil && !s.AdoptedAt.IsZero() }

// ActionAdopt is an admin taking a feed's listing over.
const ActionAdopt RevisionAction = "adopt"

// adoptedMember is the feed_members value of an adopted listing, so the
// feed's own listings and its adopted ones are told apart without
// decoding every source.
var adoptedMember = []byte("adopted")

// upstreamVersion is a digest of a feed's version of a listing, leaving
// out what the store sets on its own, so that the version a sync brings
// and the one stored from it compare equal when the feed has not changed.
func upstreamVersion(svc *Service) (string, error) {
	c := *svc
	c.LastModified, c.Source, c.SupersededBy = "", nil, ""
	raw, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("encode service %s: %w", svc.ID, err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16]), nil
}

func feedMemberKey(feed, id string) []byte { return []byte(feed + "\x00" + id) }

// PutFeed creates or replaces a feed's record.
func (s *Store) PutFeed(ctx context.Context, f Feed) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		return nil, putFeed(tx, &f)
	})
}

// AddFeed creates a feed, refusing a name already in use.
func (s *Store) AddFeed(ctx context.Context, f Feed) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if tx.Bucket(bucketFeeds).Get([]byte(f.Name)) != nil {
			return nil, fmt.Errorf("feed %s: %w: a feed of that name exists", f.Name, ErrConflict)
		}
		return nil, putFeed(tx, &f)
	})
}

func putFeed(tx *bbolt.Tx, f *Feed) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode feed %s: %w", f.Name, err)
	}
	return tx.Bucket(bucketFeeds).Put([]byte(f.Name), raw)
}

func getFeed(tx *bbolt.Tx, name string) (*Feed, error) {
	raw := tx.Bucket(bucketFeeds).Get([]byte(name))
	if raw == nil {
		return nil, fmt.Errorf("feed %s: %w", name, ErrNotFound)
	}
	var f Feed
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("feed %s: decode: %w", name, err)
	}
	return &f, nil
}

// Feed returns one feed.
func (s *Store) Feed(ctx context.Context, name string) (*Feed, error) {
	var f *Feed
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		f, err = getFeed(tx, name)
		return err
	})
	return f, err
}

// Feeds returns every feed in name order.
func (s *Store) Feeds(ctx context.Context) ([]Feed, error) {
	var out []Feed
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketFeeds).ForEach(func(k, v []byte) error {
			var f Feed
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("feed %s: decode: %w", k, err)
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}

// FeedSources returns the provenance of every listing a feed brought and
// still keeps, by service id. Adopted listings have left the feed: they are
// neither counted nor withdrawn with it (see AdoptedFrom).
func (s *Store) FeedSources(ctx context.Context, feed string) (map[string]Source, error) {
	out := map[string]Source{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		prefix := feedMemberKey(feed, "")
		c := tx.Bucket(bucketFeedMembers).Cursor()
		sources := tx.Bucket(bucketFeedSources)
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if bytes.Equal(v, adoptedMember) {
				continue
			}
			id := string(k[len(prefix):])
			var src Source
			if err := json.Unmarshal(sources.Get([]byte(id)), &src); err != nil {
				return fmt.Errorf("source of %s: decode: %w", id, err)
			}
			out[id] = src
		}
		return nil
	})
	return out, err
}

// SourceOf returns where a listing came from, or nil for a local one.
func (s *Store) SourceOf(ctx context.Context, serviceID string) (*Source, error) {
	var src *Source
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		src = sourceOf(tx, serviceID)
		return nil
	})
	return src, err
}

func sourceOf(tx *bbolt.Tx, serviceID string) *Source {
	b := tx.Bucket(bucketFeedSources)
	if b == nil {
		return nil
	}
	raw := b.Get([]byte(serviceID))
	if raw == nil {
		return nil
	}
	var src Source
	if json.Unmarshal(raw, &src) != nil {
		return nil
	}
	return &src
}

func putSource(tx *bbolt.Tx, serviceID string, src Source) error {
	raw, err := json.Marshal(src)
	if err != nil {
		return fmt.Errorf("encode source of %s: %w", serviceID, err)
	}
	var member []byte
	if src.Adopted() {
		member = adoptedMember
	}
	if err := tx.Bucket(bucketFeedMembers).Put(feedMemberKey(src.Feed, serviceID), member); err != nil {
		return err
	}
	return tx.Bucket(bucketFeedSources).Put([]byte(serviceID), raw)
}

// FeedRecord is one record of a feed page. Service is the valid listing,
// its id already the local one (ID); a nil Service is a record the feed
// still publishes but that failed validation: only its checked time moves,
// so a full pull does not take it for gone.
type FeedRecord struct {
	ID         string
	Service    *Service
	UpstreamID string
}

// FeedPageStats counts what one page did.
type FeedPageStats struct {
	Added, Updated, Unchanged, Restored int
	// NotApplied counts adopted listings the feed changed: reported on
	// the feeds page, not written.
	NotApplied int
	// Conflicts are ids of listings that exist and are not this feed's;
	// they are left alone.
	Conflicts []string
}

// ApplyFeedPage writes one page of a feed and the feed's new state in one
// transaction, so a sync interrupted between pages leaves every page either
// wholly written, with the resume point after it, or not at all. A listing
// some other feed (or a local editor) already owns is not overwritten.
func (s *Store) ApplyFeedPage(ctx context.Context, feed Feed, recs []FeedRecord, checked time.Time) (FeedPageStats, error) {
	var st FeedPageStats
	save := Save{Actor: FeedActor(feed.Name), Action: ActionFeed}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		st = FeedPageStats{}
		var touched []string
		for _, r := range recs {
			id := r.ID
			prev := sourceOf(tx, id)
			if r.Service == nil {
				if prev != nil && prev.Feed == feed.Name {
					prev.CheckedAt = checked
					if err := putSource(tx, id, *prev); err != nil {
						return nil, err
					}
				}
				continue
			}
			if prev.Adopted() && prev.Feed == feed.Name {
				if err := noteUpstream(tx, id, prev, r.Service, checked, &st); err != nil {
					return nil, err
				}
				continue
			}
			existed := tx.Bucket(bucketServices).Get([]byte(id)) != nil
			if existed && (prev == nil || prev.Feed != feed.Name) {
				st.Conflicts = append(st.Conflicts, id)
				continue
			}
			changed, err := s.putService(tx, r.Service, save)
			if err != nil {
				return nil, fmt.Errorf("service %s: %w", id, err)
			}
			switch {
			case prev != nil && prev.Withdrawn:
				st.Restored++
			case !existed:
				st.Added++
			case changed:
				st.Updated++
			default:
				st.Unchanged++
			}
			if changed {
				touched = append(touched, id)
			}
			if err := putSource(tx, id, Source{Feed: feed.Name, UpstreamID: r.UpstreamID, CheckedAt: checked}); err != nil {
				return nil, err
			}
		}
		if err := putFeed(tx, &feed); err != nil {
			return nil, err
		}
		// The generation moves only with a listing's change: a page of
		// unchanged listings is no news to the index.
		return touched, nil
	})
	return st, err
}

// WithdrawFeedListings hides the given listings of a feed: each becomes
// inactive with a revision saying why, and its source remembers it so a
// later sync that finds it again restores it. It returns how many it
// withdrew.
func (s *Store) WithdrawFeedListings(ctx context.Context, feed string, ids []string, note string) (int, error) {
	sort.Strings(ids)
	n := 0
	save := Save{Actor: FeedActor(feed), Action: ActionWithdraw, Note: note}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		n = 0
		var touched []string
		for _, id := range ids {
			src := sourceOf(tx, id)
			if src == nil || src.Feed != feed || src.Withdrawn || src.Adopted() {
				continue
			}
			svc, err := getService(tx, id)
			if err != nil {
				return nil, err
			}
			svc.Status = StatusInactive
			svc.LastModified = ""
			changed, err := s.putService(tx, svc, save)
			if err != nil {
				return nil, fmt.Errorf("withdraw %s: %w", id, err)
			}
			if changed {
				touched = append(touched, id)
			}
			src.Withdrawn = true
			if err := putSource(tx, id, *src); err != nil {
				return nil, err
			}
			n++
		}
		return touched, nil
	})
	return n, err
}

// DeleteFeed forgets a feed after withdrawing its listings: they stay in
// the store, inactive, with their history and provenance.
func (s *Store) DeleteFeed(ctx context.Context, name string) (int, error) {
	if _, err := s.Feed(ctx, name); err != nil {
		return 0, err
	}
	srcs, err := s.FeedSources(ctx, name)
	if err != nil {
		return 0, err
	}
	ids := make([]string, 0, len(srcs))
	for id := range srcs {
		ids = append(ids, id)
	}
	n, err := s.WithdrawFeedListings(ctx, name, ids, "the feed was removed")
	if err != nil {
		return n, err
	}
	return n, s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		return nil, tx.Bucket(bucketFeeds).Delete([]byte(name))
	})
}

// noteUpstream records a feed's version of a listing an admin adopted:
// only whether it differs from the version last seen, and when.
func noteUpstream(tx *bbolt.Tx, id string, src *Source, svc *Service, checked time.Time, st *FeedPageStats) error {
	version, err := upstreamVersion(svc)
	if err != nil {
		return err
	}
	if version != src.UpstreamVersion {
		src.UpstreamVersion = version
		src.UpstreamChangedAt = checked
		st.NotApplied++
	}
	src.CheckedAt = checked
	return putSource(tx, id, *src)
}

// AdoptFeedListing takes a feed's listing over for local editing, with a
// revision attributed to actor (the admin). The feed no longer writes,
// counts or withdraws it; its later changes are only noted on the source.
func (s *Store) AdoptFeedListing(ctx context.Context, serviceID, actor string) (*Source, error) {
	var adopted *Source
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		svc, err := getService(tx, serviceID)
		if err != nil {
			return nil, err
		}
		src := sourceOf(tx, serviceID)
		if src == nil {
			return nil, fmt.Errorf("listing %s: %w: it comes from no feed", serviceID, ErrConflict)
		}
		if src.Adopted() {
			return nil, fmt.Errorf("listing %s: %w: adopted already", serviceID, ErrConflict)
		}
		if src.UpstreamVersion, err = upstreamVersion(svc); err != nil {
			return nil, err
		}
		src.AdoptedAt = s.now().UTC()
		src.UpstreamChangedAt = time.Time{}
		src.Withdrawn = false
		if err := putSource(tx, serviceID, *src); err != nil {
			return nil, err
		}
		raw := tx.Bucket(bucketServices).Get([]byte(serviceID))
		if err := s.appendRevision(tx, Revision{
			ServiceID: serviceID, Actor: actor, Action: ActionAdopt,
			Note:     "adopted from " + src.Feed + ": edited here from now on; the feed's changes are reported, not applied",
			Snapshot: append(json.RawMessage(nil), raw...),
		}); err != nil {
			return nil, err
		}
		adopted = src
		// The listing's source changed, so what the API says of it did.
		return []string{serviceID}, nil
	})
	return adopted, err
}

// AdoptedListing is a listing adopted from a feed, as the feeds page
// lists it.
type AdoptedListing struct {
	ID     string
	Name   string
	Source Source
}

// AdoptedFrom returns the listings adopted from a feed, those the feed
// has changed since first, then by name.
func (s *Store) AdoptedFrom(ctx context.Context, feed string) ([]AdoptedListing, error) {
	var out []AdoptedListing
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		prefix := feedMemberKey(feed, "")
		c := tx.Bucket(bucketFeedMembers).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if !bytes.Equal(v, adoptedMember) {
				continue
			}
			id := string(k[len(prefix):])
			src := sourceOf(tx, id)
			if src == nil {
				continue
			}
			a := AdoptedListing{ID: id, Name: id, Source: *src}
			if svc, err := getService(tx, id); err == nil {
				a.Name = svc.Name
			}
			out = append(out, a)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		ci, cj := !out[i].Source.UpstreamChangedAt.IsZero(), !out[j].Source.UpstreamChangedAt.IsZero()
		if ci != cj {
			return ci
		}
		return out[i].Name < out[j].Name
	})
	return out, err
}
