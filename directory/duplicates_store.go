package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"go.etcd.io/bbolt"
)

// Decisions about candidate duplicates are kept apart from the listings,
// keyed by the pair of service ids. A listing's id is the id its publisher
// gave it (imports and feeds keep upstream ids; a local listing's is its
// own), so a re-import or a re-sync rewrites the listings but never the
// decisions; and every write of a merged listing takes its superseded_by
// from here, so no publisher's copy can clear it.
var (
	bucketDuplicateDecisions = []byte("duplicate_decisions")
	// bucketMerges holds "h/<hidden id>" → lead id, and "l/<lead id>/<hidden
	// id>" → nothing, to list what was merged into a lead.
	bucketMerges = []byte("merges")
)

// createDuplicates makes the buckets of duplicate decisions.
func createDuplicates(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bucketDuplicateDecisions, bucketMerges} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("create bucket %s: %w", b, err)
		}
	}
	return nil
}

// DuplicateVerdict is an admin's decision about a candidate pair.
type DuplicateVerdict string

// Verdicts.
const (
	VerdictSame      DuplicateVerdict = "same"      // one activity: merge, Lead leads
	VerdictDifferent DuplicateVerdict = "different" // two activities: never offer again
	VerdictLater     DuplicateVerdict = "later"     // keep offering, after the undecided
)

// DuplicateDecision is what was decided about a pair.
type DuplicateDecision struct {
	A       string           `json:"a"`
	B       string           `json:"b"`
	Verdict DuplicateVerdict `json:"verdict"`
	Lead    string           `json:"lead,omitempty"`
	Actor   string           `json:"actor"`
	Decided time.Time        `json:"decided"`
}

// Hidden is the listing a merge hides: the one that is not the lead.
func (d DuplicateDecision) Hidden() string {
	if d.Lead == d.A {
		return d.B
	}
	return d.A
}

// DecideDuplicate records a decision about the pair a, b. VerdictSame merges
// them: lead stays in search and the other is hidden, pointing to it. Any
// other verdict on a merged pair un-merges it, restoring both.
func (s *Store) DecideDuplicate(ctx context.Context, a, b string, verdict DuplicateVerdict, lead, actor string) error {
	if a == b {
		return fmt.Errorf("decide duplicate: a listing cannot duplicate itself: %w", ErrConflict)
	}
	switch verdict {
	case VerdictSame:
		if lead != a && lead != b {
			return fmt.Errorf("decide duplicate: the lead must be one of the pair: %w", ErrConflict)
		}
	case VerdictDifferent, VerdictLater:
		lead = ""
	default:
		return fmt.Errorf("decide duplicate: unknown verdict %q: %w", verdict, ErrConflict)
	}
	if b < a {
		a, b = b, a
	}
	d := DuplicateDecision{A: a, B: b, Verdict: verdict, Lead: lead, Actor: actor, Decided: s.now().UTC()}
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		for _, id := range []string{a, b} {
			if _, err := getService(tx, id); err != nil {
				return nil, err
			}
		}
		key := []byte(PairKey(a, b))
		var touched []string
		if prev, ok, err := getDecision(tx, key); err != nil {
			return nil, err
		} else if ok && prev.Verdict == VerdictSame {
			ids, err := s.unmerge(tx, prev, actor)
			if err != nil {
				return nil, err
			}
			touched = append(touched, ids...)
		}
		if verdict == VerdictSame {
			ids, err := s.merge(tx, d)
			if err != nil {
				return nil, err
			}
			touched = append(touched, ids...)
		}
		raw, err := json.Marshal(&d)
		if err != nil {
			return nil, fmt.Errorf("encode decision: %w", err)
		}
		if err := tx.Bucket(bucketDuplicateDecisions).Put(key, raw); err != nil {
			return nil, err
		}
		// The generation moves with every decision so that pages that list
		// candidates see it.
		if len(touched) == 0 {
			touched = []string{a, b}
		}
		return touched, nil
	})
}

// UndoDuplicate forgets the decision about a pair, un-merging it if it was
// merged; the pair is offered again.
func (s *Store) UndoDuplicate(ctx context.Context, a, b, actor string) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		key := []byte(PairKey(a, b))
		prev, ok, err := getDecision(tx, key)
		if err != nil || !ok {
			return nil, err
		}
		var touched []string
		if prev.Verdict == VerdictSame {
			if touched, err = s.unmerge(tx, prev, actor); err != nil {
				return nil, err
			}
		}
		return append(touched, a, b), tx.Bucket(bucketDuplicateDecisions).Delete(key)
	})
}

func getDecision(tx *bbolt.Tx, key []byte) (DuplicateDecision, bool, error) {
	var d DuplicateDecision
	raw := tx.Bucket(bucketDuplicateDecisions).Get(key)
	if raw == nil {
		return d, false, nil
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, false, fmt.Errorf("decision %s: decode: %w", key, err)
	}
	return d, true, nil
}

// merge hides d's non-lead listing behind its lead. Listings already merged
// into the hidden one follow it to the new lead, so no lead is hidden.
func (s *Store) merge(tx *bbolt.Tx, d DuplicateDecision) ([]string, error) {
	hidden, lead := d.Hidden(), d.Lead
	m := tx.Bucket(bucketMerges)
	if cur := m.Get([]byte("h/" + lead)); cur != nil {
		return nil, fmt.Errorf("merge: %s is itself merged into %s; choose that one to lead: %w", lead, cur, ErrConflict)
	}
	if cur := m.Get([]byte("h/" + hidden)); cur != nil && string(cur) != lead {
		return nil, fmt.Errorf("merge: %s is already merged into %s: %w", hidden, cur, ErrConflict)
	}
	followers := mergedInto(tx, hidden)
	var touched []string
	for _, id := range append(followers, hidden) {
		if err := setMerge(tx, id, lead); err != nil {
			return nil, err
		}
		changed, err := s.reapplyMerge(tx, id, Save{Actor: d.Actor, Action: ActionEdit, Note: "merged into " + lead + " as a duplicate"})
		if err != nil {
			return nil, err
		}
		if changed {
			touched = append(touched, id)
		}
	}
	return touched, nil
}

// unmerge restores the hidden listing of a merged pair (and any that
// followed it there).
func (s *Store) unmerge(tx *bbolt.Tx, d DuplicateDecision, actor string) ([]string, error) {
	hidden := d.Hidden()
	m := tx.Bucket(bucketMerges)
	if string(m.Get([]byte("h/"+hidden))) != d.Lead {
		return nil, nil
	}
	if err := clearMerge(tx, hidden, d.Lead); err != nil {
		return nil, err
	}
	changed, err := s.reapplyMerge(tx, hidden, Save{Actor: actor, Action: ActionEdit, Note: "un-merged from " + d.Lead})
	if err != nil || !changed {
		return nil, err
	}
	return []string{hidden}, nil
}

// releaseMerged un-merges the listings merged into a lead that is being
// removed, so that none stays hidden behind a listing that is gone. The
// decisions go too: the pairs may be offered again.
func (s *Store) releaseMerged(tx *bbolt.Tx, lead, actor string) ([]string, error) {
	var touched []string
	for _, hidden := range mergedInto(tx, lead) {
		if err := clearMerge(tx, hidden, lead); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketDuplicateDecisions).Delete([]byte(PairKey(lead, hidden))); err != nil {
			return nil, err
		}
		changed, err := s.reapplyMerge(tx, hidden, Save{Actor: actor, Action: ActionEdit, Note: "un-merged: " + lead + " was removed"})
		if err != nil {
			return nil, err
		}
		if changed {
			touched = append(touched, hidden)
		}
	}
	return touched, nil
}

func setMerge(tx *bbolt.Tx, hidden, lead string) error {
	m := tx.Bucket(bucketMerges)
	if prev := m.Get([]byte("h/" + hidden)); prev != nil {
		if err := m.Delete([]byte("l/" + string(prev) + "/" + hidden)); err != nil {
			return err
		}
	}
	if err := m.Put([]byte("h/"+hidden), []byte(lead)); err != nil {
		return err
	}
	return m.Put([]byte("l/"+lead+"/"+hidden), nil)
}

func clearMerge(tx *bbolt.Tx, hidden, lead string) error {
	m := tx.Bucket(bucketMerges)
	if err := m.Delete([]byte("h/" + hidden)); err != nil {
		return err
	}
	return m.Delete([]byte("l/" + lead + "/" + hidden))
}

// reapplyMerge rewrites a stored listing so that its superseded_by follows
// the merges bucket.
func (s *Store) reapplyMerge(tx *bbolt.Tx, id string, save Save) (bool, error) {
	svc, err := getService(tx, id)
	if err != nil {
		return false, err
	}
	svc.LastModified = ""
	return s.putService(tx, svc, save)
}

// supersededBy is the lead a listing was merged into, or "".
func supersededBy(tx *bbolt.Tx, id string) string {
	b := tx.Bucket(bucketMerges)
	if b == nil {
		return ""
	}
	return string(b.Get([]byte("h/" + id)))
}

func mergedInto(tx *bbolt.Tx, lead string) []string {
	var ids []string
	prefix := []byte("l/" + lead + "/")
	c := tx.Bucket(bucketMerges).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids
}

// MergedInto returns the listings merged into lead, in id order.
func (s *Store) MergedInto(ctx context.Context, lead string) ([]*Service, error) {
	var out []*Service
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		for _, id := range mergedInto(tx, lead) {
			svc, err := getService(tx, id)
			if err != nil {
				return err
			}
			out = append(out, svc)
		}
		return nil
	})
	return out, err
}

// DuplicateDecisions returns every decision, keyed by PairKey.
func (s *Store) DuplicateDecisions(ctx context.Context) (map[string]DuplicateDecision, error) {
	out := map[string]DuplicateDecision{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketDuplicateDecisions).ForEach(func(k, v []byte) error {
			var d DuplicateDecision
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decision %s: decode: %w", k, err)
			}
			out[string(k)] = d
			return nil
		})
	})
	return out, err
}

// DuplicateReview is a candidate pair with what was decided about it.
type DuplicateReview struct {
	DuplicateCandidate
	Decision *DuplicateDecision
}

// duplicateCache keeps the candidates of one generation: finding them reads
// every listing (seconds at 100k), and the review page asks after every
// decision, each of which moves the generation anyway.
type duplicateCache struct {
	mu    sync.Mutex
	gen   uint64
	opts  DuplicateOptions
	cands []DuplicateCandidate
	ok    bool
}

// DuplicateCandidates finds the candidate pairs still to decide: undecided
// ones best first, then those put off for later. Pairs decided "same" or
// "different" are left out, as are listings already merged.
func (s *Store) DuplicateCandidates(ctx context.Context, opts DuplicateOptions) ([]DuplicateReview, error) {
	cands, err := s.duplicateCandidates(ctx, opts)
	if err != nil {
		return nil, err
	}
	decisions, err := s.DuplicateDecisions(ctx)
	if err != nil {
		return nil, err
	}
	var out []DuplicateReview
	for _, c := range cands {
		r := DuplicateReview{DuplicateCandidate: c}
		if d, ok := decisions[c.Key()]; ok {
			if d.Verdict != VerdictLater {
				continue
			}
			r.Decision = &d
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return (out[i].Decision == nil) && (out[j].Decision != nil) })
	return out, nil
}

func (s *Store) duplicateCandidates(ctx context.Context, opts DuplicateOptions) ([]DuplicateCandidate, error) {
	c := &s.dups
	c.mu.Lock()
	defer c.mu.Unlock()
	var cands []DuplicateCandidate
	var gen uint64
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		gen = u64(tx.Bucket(bucketMeta).Get(keyGeneration))
		if c.ok && c.gen == gen && c.opts == opts {
			cands = c.cands
			return nil
		}
		f := NewDuplicateFinder(opts)
		cur := tx.Bucket(bucketServices).Cursor()
		for k, v := cur.First(); k != nil; k, v = cur.Next() {
			var svc Service
			if err := json.Unmarshal(v, &svc); err != nil {
				return fmt.Errorf("service %s: decode: %w", k, err)
			}
			f.Add(&svc)
		}
		cands = f.Candidates()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("duplicates: %w", err)
	}
	c.gen, c.opts, c.cands, c.ok = gen, opts, cands, true
	return cands, nil
}

// Listed reports whether search should offer the listing: it is running and
// was not merged into another.
func (s *Service) Listed() bool {
	return s.Status == StatusActive && s.SupersededBy == ""
}
