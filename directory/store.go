package directory

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"time"

	"go.etcd.io/bbolt"
)

// Bucket names. Every bucket the store uses is created by a migration.
var (
	bucketMeta             = []byte("meta")
	bucketServices         = []byte("services")
	bucketOrganizations    = []byte("organizations")
	bucketRevisions        = []byte("revisions")
	bucketServiceRevisions = []byte("service_revisions")
	bucketImportUndo       = []byte("import_undo")

	// Buckets of the people-facing features: suggested corrections,
	// moderated drafts, accounts and their sessions, shortlists.
	bucketCorrections = []byte("corrections")
	bucketDrafts      = []byte("drafts")
	bucketAccounts    = []byte("accounts")
	bucketSessions    = []byte("sessions")
	bucketShortlists  = []byte("shortlists")
	bucketShares      = []byte("shares")
	// Link workers' own settings (their current list and profile) and the
	// teams they share lists with.
	bucketLinkWorkers = []byte("linkworkers")
	bucketTeams       = []byte("teams")

	keySchema        = []byte("schema")
	keyGeneration    = []byte("generation")
	keyImportPending = []byte("import_pending")
	// keyImportBase holds the generation and the revisions' sequence from
	// before an import that no one watched, for its rollback to restore.
	keyImportBase = []byte("import_base")
	// keyServiceCount holds how many services are published, kept by
	// writeService in the transaction of every write, so counting does not
	// walk the services bucket's pages.
	keyServiceCount = []byte("service_count")
)

// migrations bring a store up to the current schema, one version each, in
// order. Never edit a released migration: append a new one.
var migrations = []func(tx *bbolt.Tx) error{
	// 1: the initial layout.
	func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketServices, bucketOrganizations, bucketRevisions, bucketServiceRevisions, bucketImportUndo} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 2: corrections, drafts, accounts, sessions, shortlists and share links.
	func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketCorrections, bucketDrafts, bucketAccounts, bucketSessions, bucketShortlists, bucketShares} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 3: services indexed by organization and by assured date.
	indexServices,
	// 4: the terms of other taxonomies that listings brought with them.
	indexImportedTerms,
	// 5: the count of published services.
	countServices,
	// 6: the e-mail outbox and when each listing was last reminded.
	createOutbox,
	// 7: link workers' settings and profiles, and their teams.
	func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketLinkWorkers, bucketTeams} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 8: followed feeds and where each of their listings came from.
	createFeeds,
	// 9: decisions about candidate duplicates, and the merges they made.
	createDuplicates,
	// 10: answers to shared lists' follow-ups, wellbeing start scores and
	// the weekly outcome aggregates.
	createOutcomes,
	// 11: counts of unmet demand by week, need and postcode district.
	createDemand,
	// 12: a service's newest revision may refer to its record for its
	// snapshot (revision_ref.go). Nothing to convert: the version is there
	// so that an older Signpost, which would read such a revision as one
	// without a snapshot, refuses the store.
	func(*bbolt.Tx) error { return nil },
}

// SchemaVersion is the store layout this build reads and writes.
var SchemaVersion = uint64(len(migrations))

// ErrInUse means another process holds the store open.
var ErrInUse = errors.New("store in use")

// ErrNewerSchema refuses a store written by a newer Signpost.
var ErrNewerSchema = errors.New("store written by a newer version of Signpost")

// Change tells watchers what a committed write touched.
type Change struct {
	Generation uint64
	// ServiceIDs were upserted or deleted; look each up again to tell which.
	ServiceIDs []string
}

// Store is Signpost's source of truth: one bbolt file.
type Store struct {
	db  *bbolt.DB
	now func() time.Time

	mu       sync.Mutex
	watchers []func(Change)

	// mailQueued wakes the mail sender when a commit queued a message.
	mailQueued chan struct{}

	// dups holds the last candidate duplicates found, by generation.
	dups duplicateCache
}

// Open opens or creates the store at path, upgrading its schema and undoing
// any import a crash left half written.
func Open(path string) (*Store, error) {
	db, err := openLocked(path)
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w: another Signpost process (probably the server) has it open; stop it first", path, ErrInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, now: time.Now, mailQueued: make(chan struct{}, 1)}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.recoverImport(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: undo an interrupted import: %w", path, err)
	}
	return s, nil
}

// openLocked opens the bbolt file at path and makes sure the file it locked
// is still the one at path: Compact renames a new file over the store while
// holding the old one's lock, and a process that was waiting for that lock
// would otherwise go on with a file that is no longer there.
func openLocked(path string) (*bbolt.DB, error) {
	for {
		var f *os.File
		db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 2 * time.Second,
			// The default free list is an array searched end to end for
			// every allocation: at a million services (13 GB) it took a
			// ninth of an import's time. The map kind is bbolt's planned
			// default and writes the same file format.
			FreelistType: bbolt.FreelistMapType,
			OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
				var err error
				f, err = os.OpenFile(name, flag, perm)
				return f, err
			}})
		if err != nil {
			return nil, err
		}
		locked, err1 := f.Stat()
		current, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || os.SameFile(locked, current) {
			return db, nil
		}
		db.Close()
	}
}

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

// Path is the file the store lives in.
func (s *Store) Path() string { return s.db.Path() }

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		have := u64(meta.Get(keySchema))
		if have > SchemaVersion {
			return fmt.Errorf("%w: the file has schema version %d and this build reads up to %d; upgrade Signpost or restore a backup", ErrNewerSchema, have, SchemaVersion)
		}
		for v := have; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", v+1, err)
			}
		}
		return meta.Put(keySchema, be(SchemaVersion))
	})
}

// Watch registers fn to be called after every committed write, in commit
// order. The engine uses it to keep its index in step with the store.
func (s *Store) Watch(fn func(Change)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watchers = append(s.watchers, fn)
}

// update runs fn in one write transaction. When fn reports touched services
// the generation moves and watchers hear of it after the commit; a write
// that changed nothing leaves the generation alone.
func (s *Store) update(ctx context.Context, fn func(tx *bbolt.Tx) ([]string, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var change Change
	// The watcher lock is held across the commit so that watchers hear of
	// commits in the order they happened.
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		ids, err := fn(tx)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		meta := tx.Bucket(bucketMeta)
		gen := u64(meta.Get(keyGeneration)) + 1
		if err := meta.Put(keyGeneration, be(gen)); err != nil {
			return err
		}
		change = Change{Generation: gen, ServiceIDs: ids}
		return nil
	})
	if err != nil {
		return err
	}
	if change.Generation != 0 {
		for _, w := range s.watchers {
			w(change)
		}
	}
	return nil
}

func (s *Store) view(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

// Generation moves on every committed write that changed something.
func (s *Store) Generation(ctx context.Context) (uint64, error) {
	var gen uint64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		gen = u64(tx.Bucket(bucketMeta).Get(keyGeneration))
		return nil
	})
	return gen, err
}

// Service returns the published version of a service.
func (s *Store) Service(ctx context.Context, id string) (*Service, error) {
	var svc *Service
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		svc, err = getService(tx, id)
		if err == nil {
			svc.Source = sourceOf(tx, id)
		}
		return err
	})
	return svc, err
}

// ServiceNames returns the names of those of the services that are in the
// store, by id, in one read, decoding no more of each record than its
// name: a page naming thousands of activities (the insights' uptake
// table) need not decode each whole.
func (s *Store) ServiceNames(ctx context.Context, ids []string) (map[string]string, error) {
	names := make(map[string]string, len(ids))
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketServices)
		for _, id := range ids {
			raw := b.Get([]byte(id))
			if raw == nil {
				continue
			}
			var named struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal(raw, &named); err != nil {
				return fmt.Errorf("service %s: decode: %w", id, err)
			}
			names[id] = named.Name
		}
		return nil
	})
	return names, err
}

func getService(tx *bbolt.Tx, id string) (*Service, error) {
	raw := tx.Bucket(bucketServices).Get([]byte(id))
	if raw == nil {
		return nil, fmt.Errorf("service %s: %w", id, ErrNotFound)
	}
	var svc Service
	if err := json.Unmarshal(raw, &svc); err != nil {
		return nil, fmt.Errorf("service %s: decode: %w", id, err)
	}
	return &svc, nil
}

// EachService calls fn for every published service in id order, inside one
// read transaction so the sequence is a consistent snapshot. The services
// are decoded ahead of fn on every core (decoding is most of the work of
// reading a million of them); fn is called from one goroutine, in order.
func (s *Store) EachService(ctx context.Context, fn func(*Service) error) error {
	return s.view(ctx, func(tx *bbolt.Tx) error {
		// Decoder i takes every workers-th service, and fn takes them from
		// each decoder's queue in turn, so the order is the cursor's.
		workers := max(1, runtime.GOMAXPROCS(0))
		type record struct {
			k, v []byte
			svc  *Service
			err  error
		}
		in := make([]chan record, workers)
		out := make([]chan record, workers)
		for w := range workers {
			in[w], out[w] = make(chan record, 32), make(chan record, 32)
			go func() {
				defer close(out[w])
				for r := range in[w] {
					r.svc = new(Service)
					r.err = json.Unmarshal(r.v, r.svc)
					out[w] <- r
				}
			}()
		}
		stop := make(chan struct{})
		go func() {
			defer func() {
				for _, c := range in {
					close(c)
				}
			}()
			c := tx.Bucket(bucketServices).Cursor()
			w := 0
			for k, v := c.First(); k != nil; k, v = c.Next() {
				select {
				case in[w] <- record{k: k, v: v}:
				case <-stop:
					return
				}
				w = (w + 1) % workers
			}
		}()
		err := func() error {
			for n := 0; ; n++ {
				r, ok := <-out[n%workers]
				if !ok {
					return nil
				}
				if n%1024 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if r.err != nil {
					return fmt.Errorf("service %s: decode: %w", r.k, r.err)
				}
				r.svc.Source = sourceOf(tx, string(r.k))
				if err := fn(r.svc); err != nil {
					return err
				}
			}
		}()
		// The decoders read values in place in the store's memory map, so
		// they must be done before the transaction ends.
		close(stop)
		for _, c := range out {
			for range c {
			}
		}
		return err
	})
}

// CountServices returns how many services are published.
func (s *Store) CountServices(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		n = int(u64(tx.Bucket(bucketMeta).Get(keyServiceCount)))
		return nil
	})
	return n, err
}

// Organization returns one organization.
func (s *Store) Organization(ctx context.Context, id string) (*Organization, error) {
	var org Organization
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketOrganizations).Get([]byte(id))
		if raw == nil {
			return fmt.Errorf("organization %s: %w", id, ErrNotFound)
		}
		if err := json.Unmarshal(raw, &org); err != nil {
			return fmt.Errorf("organization %s: decode: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &org, nil
}

// EachOrganization calls fn for every organization in id order.
func (s *Store) EachOrganization(ctx context.Context, fn func(*Organization) error) error {
	return s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketOrganizations).ForEach(func(k, v []byte) error {
			var org Organization
			if err := json.Unmarshal(v, &org); err != nil {
				return fmt.Errorf("organization %s: decode: %w", k, err)
			}
			return fn(&org)
		})
	})
}

// Revision is one entry of the append-only history of a service.
type Revision struct {
	Seq       uint64         `json:"seq"`
	ServiceID string         `json:"service_id"`
	Actor     string         `json:"actor"`
	At        time.Time      `json:"at"`
	Action    RevisionAction `json:"action"`
	Note      string         `json:"note,omitempty"`
	Changes   []FieldChange  `json:"changes"`
	// Snapshot is the whole service after the change, so any revision can
	// be restored exactly.
	Snapshot json.RawMessage `json:"snapshot,omitempty"`
}

// RevisionAction is what a revision did to a service.
type RevisionAction string

// Revision actions.
const (
	ActionImport   RevisionAction = "import"
	ActionCreate   RevisionAction = "create"
	ActionEdit     RevisionAction = "edit"
	ActionApprove  RevisionAction = "approve"
	ActionReject   RevisionAction = "reject"
	ActionCapacity RevisionAction = "capacity"
	ActionConfirm  RevisionAction = "confirm"
	ActionRestore  RevisionAction = "restore"
	// ActionDelete removed the service; its revision has no snapshot.
	ActionDelete RevisionAction = "delete"
)

// Revisions returns a service's history, newest first.
func (s *Store) Revisions(ctx context.Context, serviceID string) ([]Revision, error) {
	var revs []Revision
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		revs, err = revisionsOf(tx, serviceID)
		return err
	})
	return revs, err
}

// revisionsOf reads a service's history inside tx, newest first.
func revisionsOf(tx *bbolt.Tx, serviceID string) ([]Revision, error) {
	var revs []Revision
	idx := tx.Bucket(bucketServiceRevisions).Cursor()
	all := tx.Bucket(bucketRevisions)
	prefix := []byte(serviceID + "/")
	for k, _ := idx.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = idx.Next() {
		raw := all.Get(k[len(prefix):])
		if raw == nil {
			continue
		}
		var r Revision
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("revision %x: decode: %w", k[len(prefix):], err)
		}
		fillSnapshot(tx, &r, raw)
		revs = append(revs, r)
	}
	sort.Slice(revs, func(i, j int) bool { return revs[i].Seq > revs[j].Seq })
	return revs, nil
}

// Save is what a write records about itself in the revision log.
type Save struct {
	Actor  string
	Action RevisionAction
	Note   string
}

// PutService validates and stores a service as published, appending a
// revision. It returns false, and writes nothing, when the service is
// unchanged apart from last_modified.
func (s *Store) PutService(ctx context.Context, svc *Service, save Save) (bool, error) {
	if errs := svc.Validate().Errors(); len(errs) > 0 {
		return false, &ValidationError{ID: svc.ID, Problems: errs}
	}
	var changed bool
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		var err error
		changed, err = s.putService(tx, svc, save)
		if err != nil || !changed {
			return nil, err
		}
		return []string{svc.ID}, nil
	})
	return changed, err
}

// putService writes svc inside tx. last_modified keeps the publisher's value
// when one came with the record, and otherwise moves to now. The unchanged
// test compares encoded bytes before anything is diffed, because re-imports
// of unchanged files are the common case and must be cheap.
func (s *Store) putService(tx *bbolt.Tx, svc *Service, save Save) (bool, error) {
	services := tx.Bucket(bucketServices)
	prevRaw := services.Get([]byte(svc.ID))
	stored := *svc
	// Provenance is kept beside the record (see feeds.go), never in it.
	stored.Source = nil
	// A merge decision outlives every copy a publisher sends.
	stored.SupersededBy = supersededBy(tx, svc.ID)
	var prev *Service
	if prevRaw != nil {
		// Only last_modified is needed to tell "unchanged"; the whole record
		// is decoded only when it did change, for the diff.
		var stamp struct {
			LastModified string `json:"last_modified"`
		}
		if err := json.Unmarshal(prevRaw, &stamp); err != nil {
			return false, fmt.Errorf("service %s: decode: %w", svc.ID, err)
		}
		same := stored
		same.LastModified = stamp.LastModified
		sameRaw, err := json.Marshal(&same)
		if err != nil {
			return false, fmt.Errorf("encode service %s: %w", svc.ID, err)
		}
		if bytes.Equal(sameRaw, prevRaw) {
			return false, nil
		}
		prev = new(Service)
		if err := json.Unmarshal(prevRaw, prev); err != nil {
			return false, fmt.Errorf("service %s: decode: %w", svc.ID, err)
		}
	}
	if stored.LastModified == "" || (prev != nil && stored.LastModified == prev.LastModified) {
		stored.LastModified = s.now().UTC().Format(time.RFC3339)
	}
	raw, err := json.Marshal(&stored)
	if err != nil {
		return false, fmt.Errorf("encode service %s: %w", svc.ID, err)
	}
	if err := writeService(tx, svc.ID, prev, &stored, raw); err != nil {
		return false, err
	}
	if err := putOrganization(tx, stored.Organization); err != nil {
		return false, err
	}
	action := save.Action
	if action == "" {
		action = ActionEdit
	}
	// A new service's revision holds only its snapshot: listing every field
	// as "changed from nothing" would double the log and tell no one more.
	var changes []FieldChange
	if prev != nil {
		changes = Diff(prev, &stored)
	}
	// The snapshot is the record just written: the revision refers to it
	// (writeService made the service's previous revision a copy).
	return true, s.putRevision(tx, Revision{
		ServiceID: svc.ID, Actor: save.Actor, Action: action, Note: save.Note,
		Changes: changes, Snapshot: raw,
	}, true)
}

// putOrganization keeps the organizations bucket in step with the
// organization embedded in a service, writing only when it changed: many
// services share one organization.
func putOrganization(tx *bbolt.Tx, embedded *Organization) error {
	if embedded == nil || embedded.ID == "" {
		return nil
	}
	org := *embedded
	org.Services = nil
	raw, err := json.Marshal(&org)
	if err != nil {
		return fmt.Errorf("encode organization %s: %w", org.ID, err)
	}
	b := tx.Bucket(bucketOrganizations)
	if bytes.Equal(b.Get([]byte(org.ID)), raw) {
		return nil
	}
	return b.Put([]byte(org.ID), raw)
}

// revisionsFill packs the revisions bucket's pages: revisions are only
// ever appended (and a reference replaced by its copy).
const revisionsFill = 0.95

// appendRevision adds r to the history inside tx, giving it the next
// sequence number (and the time now when r has none).
func (s *Store) appendRevision(tx *bbolt.Tx, r Revision) error {
	// Only a service's newest revision may be a reference to its record.
	if err := materialiseLatest(tx, r.ServiceID, tx.Bucket(bucketServices).Get([]byte(r.ServiceID))); err != nil {
		return err
	}
	return s.putRevision(tx, r, false)
}

// putRevision appends r; with ref, r.Snapshot must be the service's stored
// record, and the revision refers to it rather than copying it.
func (s *Store) putRevision(tx *bbolt.Tx, r Revision, ref bool) error {
	all := tx.Bucket(bucketRevisions)
	all.FillPercent = revisionsFill
	seq, err := all.NextSequence()
	if err != nil {
		return err
	}
	r.Seq = seq
	if r.At.IsZero() {
		r.At = s.now().UTC()
	}
	if r.Changes == nil {
		r.Changes = []FieldChange{}
	}
	if ref {
		r.Snapshot = nil
	}
	raw, err := encodeRevision(r)
	if err != nil {
		return err
	}
	if ref {
		raw = append(raw[:len(raw)-1], snapshotRef...)
	}
	key := be(seq)
	if err := all.Put(key, raw); err != nil {
		return err
	}
	return tx.Bucket(bucketServiceRevisions).Put(append([]byte(r.ServiceID+"/"), key...), nil)
}

// encodeRevision is json.Marshal(r), with the snapshot, which is most of
// the bytes, appended as it is: encoding/json would check and compact it
// again, a tenth of an import's time. So the snapshot must be what
// json.Marshal made (compact, HTML escaped), as putService's is.
func encodeRevision(r Revision) ([]byte, error) {
	snap := r.Snapshot
	r.Snapshot = nil
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode revision: %w", err)
	}
	if len(snap) == 0 {
		return raw, nil
	}
	out := make([]byte, 0, len(raw)+len(snap)+12)
	out = append(out, raw[:len(raw)-1]...)
	out = append(out, `,"snapshot":`...)
	out = append(out, snap...)
	return append(out, '}'), nil
}

// RestorePreview shows what restoring revision seq of a service would do:
// the listing as it is (nil when it has been removed), as it would be, and
// the content fields that would change. Restoring brings back content
// only; capacity and the assured date stay as they are now.
func (s *Store) RestorePreview(ctx context.Context, serviceID string, seq uint64) (current, restored *Service, changes []FieldChange, err error) {
	err = s.view(ctx, func(tx *bbolt.Tx) error {
		current, restored, err = restoreOf(tx, serviceID, seq)
		return err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return current, restored, ContentDiff(current, restored), nil
}

// restoreOf reads, inside tx, the published service and what restoring
// revision seq would make of it.
func restoreOf(tx *bbolt.Tx, serviceID string, seq uint64) (current, restored *Service, err error) {
	raw := tx.Bucket(bucketRevisions).Get(be(seq))
	if raw == nil {
		return nil, nil, fmt.Errorf("revision %d: %w", seq, ErrNotFound)
	}
	var r Revision
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, nil, fmt.Errorf("revision %d: decode: %w", seq, err)
	}
	fillSnapshot(tx, &r, raw)
	if r.ServiceID != serviceID || len(r.Snapshot) == 0 {
		return nil, nil, fmt.Errorf("revision %d of service %s: %w", seq, serviceID, ErrNotFound)
	}
	restored = new(Service)
	if err := json.Unmarshal(r.Snapshot, restored); err != nil {
		return nil, nil, fmt.Errorf("revision %d: decode: %w", seq, err)
	}
	current, err = getService(tx, serviceID)
	switch {
	case errors.Is(err, ErrNotFound):
		// A removed listing comes back as it was, operational fields too:
		// there is nothing newer to keep.
		current = nil
		restored.LastModified = ""
	case err != nil:
		return nil, nil, err
	default:
		restored.KeepOperational(current)
	}
	return current, restored, nil
}

// RestoreRevision publishes the content of an earlier revision again,
// keeping today's capacity and assured date; the restore is itself a new
// revision. It fails with ErrConflict when the content is already live.
func (s *Store) RestoreRevision(ctx context.Context, serviceID string, seq uint64, actor string) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		current, restored, err := restoreOf(tx, serviceID, seq)
		if err != nil {
			return nil, err
		}
		if current != nil && len(ContentDiff(current, restored)) == 0 {
			return nil, fmt.Errorf("restore revision %d of %s: %w: the listing already reads like this", seq, serviceID, ErrConflict)
		}
		if errs := restored.Validate().Errors(); len(errs) > 0 {
			return nil, &ValidationError{ID: serviceID, Problems: errs}
		}
		if _, err := s.putService(tx, restored, Save{Actor: actor, Action: ActionRestore, Note: fmt.Sprintf("restored revision %d", seq)}); err != nil {
			return nil, err
		}
		return []string{serviceID}, nil
	})
}

// DeleteService removes a published service; its history stays.
func (s *Store) DeleteService(ctx context.Context, id string, save Save) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		prev, err := getService(tx, id)
		if err != nil {
			return nil, err
		}
		if err := writeService(tx, id, prev, nil, nil); err != nil {
			return nil, err
		}
		released, err := s.releaseMerged(tx, id, save.Actor)
		if err != nil {
			return nil, err
		}
		return append(released, id), s.appendRevision(tx, Revision{
			ServiceID: id, Actor: save.Actor, Action: ActionDelete, Note: save.Note, Changes: Diff(prev, nil),
		})
	})
}

// Backup writes a consistent copy of the whole store to w while others keep
// reading and writing.
func (s *Store) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path, atomically: a crash leaves
// either the old file or the whole new one.
func (s *Store) BackupFile(ctx context.Context, path string) (int64, error) {
	tmp := path + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n, err := s.Backup(ctx, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("backup to %s: %w", path, err)
	}
	return n, nil
}

func be(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func u64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
