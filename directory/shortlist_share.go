package directory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"go.etcd.io/bbolt"
)

// Share is a read-only link to a shortlist, /s/{token}, that anyone holding
// it can open without signing in. Only the token's hash is stored, so a copy
// of the database does not hand out working links.
type Share struct {
	// ID names the share in the owner's forms (to revoke it); it is not
	// the token and opens nothing.
	ID          string    `json:"id"`
	TokenHash   string    `json:"token_hash"`
	ShortlistID string    `json:"shortlist_id"`
	Created     time.Time `json:"created"`
	Expires     time.Time `json:"expires"`
	Revoked     bool      `json:"revoked,omitempty"`
}

// DefaultShareTTL is how long a share link works unless its owner says
// otherwise: long enough for a person to try a few activities, short enough
// that old links die on their own.
const DefaultShareTTL = 90 * 24 * time.Hour

// MaxActiveShares caps the working links of one list: a link is made for
// a person or two, and the cap stops a My list, which anyone can make,
// being used to mint links without end.
const MaxActiveShares = 10

// Active reports whether the link still opens the list at now.
func (sh Share) Active(now time.Time) bool { return !sh.Revoked && now.Before(sh.Expires) }

// Errors a share link's page tells apart. Both wrap ErrNotFound, so a
// caller that does not care treats them as a missing link.
var (
	ErrShareRevoked = fmt.Errorf("this link has been withdrawn: %w", ErrNotFound)
	ErrShareExpired = fmt.Errorf("this link has expired: %w", ErrNotFound)
)

// Keys in bucketShares: each share under "token/<hash>", and an index of a
// list's shares under "list/<shortlist id>/<share id>" holding the hash.
func shareKey(hash string) []byte { return []byte("token/" + hash) }
func listSharePrefix(shortlistID string) []byte {
	return []byte("list/" + shortlistID + "/")
}

// ShareShortlist makes a new share link to one of owner's lists, working
// for ttl (DefaultShareTTL when ttl is not positive). It returns the token,
// which is shown to the owner once and never stored.
func (s *Store) ShareShortlist(ctx context.Context, owner Owner, id string, ttl time.Duration) (string, Share, error) {
	if ttl <= 0 {
		ttl = DefaultShareTTL
	}
	token, err := NewToken()
	if err != nil {
		return "", Share{}, err
	}
	now := s.now().UTC()
	sh := Share{ID: uuid.NewString(), TokenHash: HashToken(token), ShortlistID: id, Created: now, Expires: now.Add(ttl)}
	err = s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return nil, err
		}
		existing, err := sharesOf(tx, id)
		if err != nil {
			return nil, err
		}
		active := 0
		for _, old := range existing {
			if old.Active(now) {
				active++
			}
		}
		if active >= MaxActiveShares {
			return nil, &ValidationError{ID: id, Problems: Problems{{Path: "share", Message: fmt.Sprintf(
				"This list already has %d working share links. Withdraw one you no longer need first.", active)}}}
		}
		return nil, putShare(tx, sh)
	})
	if err != nil {
		return "", Share{}, fmt.Errorf("share shortlist %s: %w", id, err)
	}
	return token, sh, nil
}

// Shares returns the share links of one of owner's lists, newest first,
// including revoked and expired ones so the owner sees what was handed out.
func (s *Store) Shares(ctx context.Context, owner Owner, id string) ([]Share, error) {
	var out []Share
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return err
		}
		var err error
		out, err = sharesOf(tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("shares of shortlist %s: %w", id, err)
	}
	slices.SortStableFunc(out, func(a, b Share) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// RevokeShare stops a share link of one of owner's lists working. Revoking
// a revoked link changes nothing.
func (s *Store) RevokeShare(ctx context.Context, owner Owner, id, shareID string) error {
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return nil, err
		}
		hash := tx.Bucket(bucketShares).Get(append(listSharePrefix(id), shareID...))
		if hash == nil {
			return nil, fmt.Errorf("share %s: %w", shareID, ErrNotFound)
		}
		sh, err := getShare(tx, string(hash))
		if err != nil {
			return nil, err
		}
		sh.Revoked = true
		return nil, putShare(tx, sh)
	})
	if err != nil {
		return fmt.Errorf("revoke share of shortlist %s: %w", id, err)
	}
	return nil
}

// SharedShortlist opens a share link: the list behind token, if the link
// is still active. A revoked link wraps ErrShareRevoked, an expired one
// ErrShareExpired, an unknown one (or one whose list was deleted)
// ErrNotFound.
func (s *Store) SharedShortlist(ctx context.Context, token string) (*Shortlist, Share, error) {
	var (
		sl *Shortlist
		sh Share
	)
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		sl, sh, err = s.openShare(tx, token)
		return err
	})
	if err != nil {
		return nil, Share{}, fmt.Errorf("shared shortlist: %w", err)
	}
	return sl, sh, nil
}

// openShare opens the share link token inside tx: its list, if the link
// is still active.
func (s *Store) openShare(tx *bbolt.Tx, token string) (*Shortlist, Share, error) {
	sh, err := getShare(tx, HashToken(token))
	if err != nil {
		return nil, Share{}, err
	}
	switch {
	case sh.Revoked:
		return nil, sh, ErrShareRevoked
	case !s.now().Before(sh.Expires):
		return nil, sh, ErrShareExpired
	}
	sl, err := getShortlist(tx, sh.ShortlistID)
	return sl, sh, err
}

// ShareLinkOf reports whether token opens an active share link of one of
// owner's lists. The owner's pages use it to put a link they were just
// given into the print and text views without the store keeping it.
func (s *Store) ShareLinkOf(ctx context.Context, owner Owner, id, token string) (Share, error) {
	var sh Share
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return err
		}
		var err error
		if sh, err = getShare(tx, HashToken(token)); err != nil {
			return err
		}
		if sh.ShortlistID != id || !sh.Active(s.now()) {
			return fmt.Errorf("share link: %w", ErrNotFound)
		}
		return nil
	})
	return sh, err
}

func putShare(tx *bbolt.Tx, sh Share) error {
	raw, err := json.Marshal(sh)
	if err != nil {
		return fmt.Errorf("encode share: %w", err)
	}
	b := tx.Bucket(bucketShares)
	if err := b.Put(shareKey(sh.TokenHash), raw); err != nil {
		return err
	}
	return b.Put(append(listSharePrefix(sh.ShortlistID), sh.ID...), []byte(sh.TokenHash))
}

func getShare(tx *bbolt.Tx, hash string) (Share, error) {
	raw := tx.Bucket(bucketShares).Get(shareKey(hash))
	if raw == nil {
		return Share{}, fmt.Errorf("share link: %w", ErrNotFound)
	}
	var sh Share
	if err := json.Unmarshal(raw, &sh); err != nil {
		return Share{}, fmt.Errorf("share link: decode: %w", err)
	}
	return sh, nil
}

func sharesOf(tx *bbolt.Tx, shortlistID string) ([]Share, error) {
	var out []Share
	c := tx.Bucket(bucketShares).Cursor()
	prefix := listSharePrefix(shortlistID)
	for k, hash := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, hash = c.Next() {
		sh, err := getShare(tx, string(hash))
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, nil
}

// deleteSharesOf removes every share of a list, index and all. Keys are
// collected first: bbolt cursors must not see deletes mid-walk.
func deleteSharesOf(tx *bbolt.Tx, shortlistID string) error {
	b := tx.Bucket(bucketShares)
	var keys [][]byte
	c := b.Cursor()
	prefix := listSharePrefix(shortlistID)
	for k, hash := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, hash = c.Next() {
		keys = append(keys, slices.Clone(k), shareKey(string(hash)))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("delete share: %w", err)
		}
	}
	return nil
}
