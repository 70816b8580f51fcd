package directory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// A My list belongs to whoever holds its cookie, and a cookie that is lost
// (cleared, another browser, a lost phone) leaves the list behind with no
// way to reach it or delete it. So a My list not opened for as long as its
// cookie lives is removed: by then no cookie can point to it, because the
// cookie is set when the list is added to and adding is opening.

// MyListLife is how long a My list is kept after it was last opened, and
// how long its cookie lives after it was last added to.
const MyListLife = 365 * 24 * time.Hour

// openedGrain is how stale the stored "last opened" date may get before a
// view writes it again: a list opened ten times a day costs one write.
const openedGrain = 24 * time.Hour

// lastOpened is when the list was last opened; lists stored before the date
// was kept count from their last change.
func (sl *Shortlist) lastOpened() time.Time {
	t := sl.Created
	for _, u := range []time.Time{sl.Updated, sl.Opened} {
		if u.After(t) {
			t = u
		}
	}
	return t
}

// openedLongAgo reports whether sl's "last opened" date is due a rewrite.
func openedLongAgo(sl *Shortlist, now time.Time) bool {
	return now.Sub(sl.lastOpened()) >= openedGrain
}

// touchMyList records that sl was opened at now, when the stored date is
// over a day old.
func touchMyList(tx *bbolt.Tx, sl *Shortlist, now time.Time) error {
	if !openedLongAgo(sl, now) {
		return nil
	}
	sl.Opened = now
	return putShortlist(tx, sl)
}

// expireBatch bounds one transaction of the sweep.
const expireBatch = 500

// ExpireMyLists removes every My list not opened for MyListLife, with its
// share links, and returns how many it removed. Link workers' lists are
// never removed by age.
func (s *Store) ExpireMyLists(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-MyListLife)
	expired := func(sl *Shortlist) bool { return sl.IsMyList() && sl.lastOpened().Before(cutoff) }
	var ids []string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketShortlists).Cursor()
		prefix := shortlistKey("")
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			sl, err := getShortlist(tx, string(k[len(prefix):]))
			if err != nil {
				return err
			}
			if expired(sl) {
				ids = append(ids, sl.ID)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire my lists: %w", err)
	}
	removed := 0
	for len(ids) > 0 {
		batch := ids[:min(expireBatch, len(ids))]
		ids = ids[len(batch):]
		n := 0
		err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
			n = 0
			for _, id := range batch {
				// Read again: the list may have been opened since the scan.
				sl, err := getShortlist(tx, id)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, err
				}
				if !expired(sl) {
					continue
				}
				if err := deleteShortlist(tx, sl); err != nil {
					return nil, err
				}
				n++
			}
			return nil, nil
		})
		if err != nil {
			return removed, fmt.Errorf("expire my lists: %w", err)
		}
		removed += n
	}
	return removed, nil
}
