package directory

import (
	"context"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"
)

// A link worker adds activities to one list at a time during a
// conversation: their current list, chosen once and then used by every
// "Add to list" button. It is kept per account, so it follows them from
// the search to the matcher and across sign-ins.

// Keys in bucketLinkWorkers: "current/<email>" holds the id of the
// account's current list, "profile/<email>" its profile.
func currentListKey(email string) []byte { return []byte("current/" + email) }

// CurrentList returns the id of the link worker's current list, or "" when
// none is chosen or the list is gone (deleted, or no longer shared with
// their team).
func (s *Store) CurrentList(ctx context.Context, owner Owner) (string, error) {
	if owner.account == "" {
		return "", nil
	}
	var id string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketLinkWorkers).Get(currentListKey(owner.account))
		if raw == nil {
			return nil
		}
		_, err := ownedShortlist(tx, owner, string(raw))
		switch {
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		id = string(raw)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("current list of %s: %w", owner.account, err)
	}
	return id, nil
}

// SetCurrentList makes one of the lists owner may work on their current
// list. A list they cannot reach is not found.
func (s *Store) SetCurrentList(ctx context.Context, owner Owner, id string) error {
	if owner.account == "" {
		return fmt.Errorf("set current list: only a signed-in link worker has one: %w", ErrForbidden)
	}
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		if _, err := ownedShortlist(tx, owner, id); err != nil {
			return nil, err
		}
		return nil, tx.Bucket(bucketLinkWorkers).Put(currentListKey(owner.account), []byte(id))
	})
	if err != nil {
		return fmt.Errorf("set current list of %s: %w", owner.account, err)
	}
	return nil
}
