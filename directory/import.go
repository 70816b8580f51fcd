package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"
)

// An import writes in transactions of importBatch services at first,
// doubling up to maxImportBatch. Batches keep memory flat on a file of any
// size, and the undo journal keeps the file all-or-nothing across them;
// the growth is for large files, where each commit's sync to disk cost
// more than the writing (a 1M-service import made 2,000 of them at 500).
const (
	importBatch    = 500
	maxImportBatch = 8000
)

// Undo journal keys: what each key held before the import touched it.
const (
	undoService  = "s/"
	undoOrg      = "o/"
	undoRevision = "r/"
	undoTerm     = "t/"
)

// Import writes one file's services as a unit: all of them or, after Abort
// or a crash, none. Open a store and the journal of an interrupted import is
// played back before anything else can read it.
type Import struct {
	store *Store
	save  Save
	// pending holds the services of the next transaction; pendingAt finds
	// them by id, so that a later record with the same id replaces an
	// earlier one not yet written (nil marks the replaced entry).
	pending   []*Service
	pendingAt map[string]int
	batch     int // services in the next transaction
	puts      int // Put calls so far
	flushed   int // Put calls whose services were written or are being
	// inflight, when set, yields the result of the transaction writing the
	// previous batch: it runs while the caller reads and checks the next.
	inflight chan error
	stats    ImportStats
	closed   bool
}

// ImportStats counts what an import did.
type ImportStats struct {
	Written   int // new or changed services
	Unchanged int // identical to what the store held
}

// BeginImport starts an import; source names the file in the journal.
func (s *Store) BeginImport(ctx context.Context, source string, save Save) (*Import, error) {
	if save.Action == "" {
		save.Action = ActionImport
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		meta := tx.Bucket(bucketMeta)
		if p := meta.Get(keyImportPending); p != nil {
			return nil, fmt.Errorf("an import of %s is still in progress", p)
		}
		if len(s.watchers) == 0 { // update holds s.mu
			// Nothing in this process follows the generation, and no other
			// process can open the store while this one holds it, so no one
			// can have seen the import's generations: a rollback may put the
			// counters back as they were (see rollbackImport).
			base := append(be(u64(meta.Get(keyGeneration))), be(tx.Bucket(bucketRevisions).Sequence())...)
			if err := meta.Put(keyImportBase, base); err != nil {
				return nil, err
			}
		}
		return nil, meta.Put(keyImportPending, []byte(source))
	})
	if err != nil {
		return nil, err
	}
	return &Import{store: s, save: save, batch: importBatch, pendingAt: map[string]int{}}, nil
}

// Put adds a service, which must be valid. A service with the id of one put
// earlier replaces it when that one is still waiting for its transaction;
// Flushed tells whether it is. (Importers check for an id written already,
// since a second write would give it a second revision.)
func (im *Import) Put(ctx context.Context, svc *Service) error {
	if im.closed {
		return errors.New("import already finished")
	}
	im.puts++
	if i, ok := im.pendingAt[svc.ID]; ok {
		im.pending[i] = nil
	}
	im.pendingAt[svc.ID] = len(im.pending)
	im.pending = append(im.pending, svc)
	if len(im.pending) >= im.batch {
		im.batch = min(2*im.batch, maxImportBatch)
		// One transaction at a time, behind the caller: on two cores the
		// writes (about half an import's work) overlap the reading.
		if err := im.wait(); err != nil {
			return err
		}
		batch := im.take()
		done := make(chan error, 1)
		im.inflight = done
		go func() { done <- im.write(ctx, batch) }()
	}
	return nil
}

// wait waits for the transaction running behind Put, if any.
func (im *Import) wait() error {
	if im.inflight == nil {
		return nil
	}
	err := <-im.inflight
	im.inflight = nil
	return err
}

// take hands over the pending services for writing.
func (im *Import) take() []*Service {
	batch := im.pending
	im.pending = nil
	clear(im.pendingAt)
	im.flushed = im.puts
	return batch
}

// Flushed is how many of the Put calls so far were written in a
// transaction: the services of later ones are still pending.
func (im *Import) Flushed() int { return im.flushed }

// flush writes what is pending, after the transaction running behind.
func (im *Import) flush(ctx context.Context) error {
	if err := im.wait(); err != nil {
		return err
	}
	return im.write(ctx, im.take())
}

// write writes one batch in one transaction.
func (im *Import) write(ctx context.Context, batch []*Service) error {
	if len(batch) == 0 {
		return nil
	}
	s := im.store
	var stats ImportStats
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		stats = ImportStats{}
		undo := tx.Bucket(bucketImportUndo)
		var touched []string
		for _, svc := range batch {
			if svc == nil {
				continue // replaced by a later record with its id
			}
			// What the service, its organisation and its imported terms held
			// is journaled only when the service changes (an unchanged one
			// writes nothing), so it is read, and copied, before putService
			// writes over it.
			keys := []journalKey{{bucketServices, undoService, svc.ID}}
			if svc.Organization != nil && svc.Organization.ID != "" {
				keys = append(keys, journalKey{bucketOrganizations, undoOrg, svc.Organization.ID})
			}
			for _, a := range svc.Attributes {
				if term, ok := importedTerm(a); ok {
					keys = append(keys, journalKey{bucketImportedTerms, undoTerm, term.ID})
				}
			}
			saved := make([][2][]byte, 0, len(keys))
			for _, k := range keys {
				key := []byte(k.prefix + k.id)
				if undo.Get(key) != nil {
					continue // the first value seen is the one to restore
				}
				// An empty value means "did not exist"; a record is never
				// empty JSON.
				saved = append(saved, [2][]byte{key, append([]byte{}, tx.Bucket(k.bucket).Get([]byte(k.id))...)})
			}
			before := tx.Bucket(bucketRevisions).Sequence()
			changed, err := s.putService(tx, svc, im.save)
			if err != nil {
				return nil, fmt.Errorf("service %s: %w", svc.ID, err)
			}
			if !changed {
				stats.Unchanged++
				continue
			}
			for _, kv := range saved {
				if err := undo.Put(kv[0], kv[1]); err != nil {
					return nil, err
				}
			}
			stats.Written++
			touched = append(touched, svc.ID)
			for seq := before + 1; seq <= tx.Bucket(bucketRevisions).Sequence(); seq++ {
				if err := undo.Put(append([]byte(undoRevision), be(seq)...), nil); err != nil {
					return nil, err
				}
			}
		}
		return touched, nil
	})
	if err != nil {
		return err
	}
	im.stats.Written += stats.Written
	im.stats.Unchanged += stats.Unchanged
	return nil
}

// journalKey names a key whose value before the import the journal keeps.
type journalKey struct {
	bucket []byte
	prefix string // the undo journal's prefix for the bucket
	id     string
}

// Commit writes what is left and makes the import permanent.
func (im *Import) Commit(ctx context.Context) (ImportStats, error) {
	if im.closed {
		return im.stats, errors.New("import already finished")
	}
	if err := im.flush(ctx); err != nil {
		return im.stats, err
	}
	im.closed = true
	err := im.store.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if err := tx.DeleteBucket(bucketImportUndo); err != nil {
			return nil, err
		}
		if _, err := tx.CreateBucket(bucketImportUndo); err != nil {
			return nil, err
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete(keyImportBase); err != nil {
			return nil, err
		}
		return nil, meta.Delete(keyImportPending)
	})
	return im.stats, err
}

// Abort undoes everything the import wrote.
func (im *Import) Abort(ctx context.Context) error {
	im.closed = true
	im.pending = nil
	// The transaction running behind may have failed; either way it is
	// over before the journal is played back.
	_ = im.wait()
	return im.store.rollbackImport(ctx)
}

func (s *Store) recoverImport() error {
	var pending bool
	if err := s.db.View(func(tx *bbolt.Tx) error {
		pending = tx.Bucket(bucketMeta).Get(keyImportPending) != nil
		return nil
	}); err != nil {
		return err
	}
	if !pending {
		return nil
	}
	return s.rollbackImport(context.Background())
}

// rollbackImport plays the undo journal back in batches, deleting each entry
// in the transaction that applies it, so a crash during rollback resumes.
func (s *Store) rollbackImport(ctx context.Context) error {
	for {
		var remaining bool
		err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
			undo := tx.Bucket(bucketImportUndo)
			c := undo.Cursor()
			var touched []string
			var done [][]byte
			for k, v := c.First(); k != nil && len(done) < importBatch; k, v = c.Next() {
				key := string(k)
				switch {
				case len(key) > 2 && key[:2] == undoService:
					id := key[2:]
					if err := restoreService(tx, id, v); err != nil {
						return nil, err
					}
					touched = append(touched, id)
				case len(key) > 2 && key[:2] == undoOrg:
					if err := restoreKey(tx.Bucket(bucketOrganizations), key[2:], v); err != nil {
						return nil, err
					}
				case len(key) > 2 && key[:2] == undoTerm:
					if err := restoreKey(tx.Bucket(bucketImportedTerms), key[2:], v); err != nil {
						return nil, err
					}
				case len(key) > 2 && key[:2] == undoRevision:
					if err := deleteRevision(tx, k[2:]); err != nil {
						return nil, err
					}
				}
				done = append(done, append([]byte{}, k...))
			}
			for _, k := range done {
				if err := undo.Delete(k); err != nil {
					return nil, err
				}
			}
			if k, _ := undo.Cursor().First(); k != nil {
				remaining = true
				return touched, nil
			}
			meta := tx.Bucket(bucketMeta)
			if err := meta.Delete(keyImportPending); err != nil {
				return nil, err
			}
			if base := meta.Get(keyImportBase); len(base) == 16 && len(s.watchers) == 0 {
				// No one saw the import (BeginImport wrote the base only
				// then): the counters go back too, and the store is as it
				// was, so an index built before the import is still current.
				gen, seq := u64(base[:8]), u64(base[8:])
				if err := tx.Bucket(bucketRevisions).SetSequence(seq); err != nil {
					return nil, err
				}
				if err := meta.Put(keyGeneration, be(gen)); err != nil {
					return nil, err
				}
				return nil, meta.Delete(keyImportBase)
			}
			if err := meta.Delete(keyImportBase); err != nil {
				return nil, err
			}
			if len(touched) == 0 {
				// The generation must still move so that an index built from
				// the aborted rows is seen as stale.
				meta := tx.Bucket(bucketMeta)
				return nil, meta.Put(keyGeneration, be(u64(meta.Get(keyGeneration))+1))
			}
			return touched, nil
		})
		if err != nil {
			return err
		}
		if !remaining {
			return nil
		}
	}
}

// restoreService puts back what a service held before the import: prev
// is its encoded form, or empty when it did not exist.
func restoreService(tx *bbolt.Tx, id string, prev []byte) error {
	current, err := getService(tx, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	var before *Service
	if len(prev) > 0 {
		before = new(Service)
		if err := json.Unmarshal(prev, before); err != nil {
			return fmt.Errorf("service %s: decode journal: %w", id, err)
		}
	}
	return writeService(tx, id, current, before, prev)
}

func restoreKey(b *bbolt.Bucket, id string, prev []byte) error {
	if len(prev) == 0 {
		return b.Delete([]byte(id))
	}
	return b.Put([]byte(id), prev)
}

func deleteRevision(tx *bbolt.Tx, seq []byte) error {
	all := tx.Bucket(bucketRevisions)
	raw := all.Get(seq)
	if raw == nil {
		return nil
	}
	var r struct {
		ServiceID string `json:"service_id"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("revision %x: decode: %w", seq, err)
	}
	if err := tx.Bucket(bucketServiceRevisions).Delete(append([]byte(r.ServiceID+"/"), seq...)); err != nil {
		return err
	}
	return all.Delete(seq)
}
