package directory

import (
	"context"
	"crypto/rand"
	"fmt"

	"go.etcd.io/bbolt"
)

// Secret returns the named server secret (such as the key that signs CSRF
// tokens), creating 32 random bytes the first time. Keeping it in the store
// means forms opened before a restart still post after it, and a backup
// restores it with everything else.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	var secret []byte
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		var err error
		secret, err = secretIn(tx, name)
		return nil, err
	})
	return secret, err
}

// secretIn reads (or, in a write transaction, first creates) the named
// secret inside tx.
func secretIn(tx *bbolt.Tx, name string) ([]byte, error) {
	key := []byte("secret/" + name)
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get(key); len(v) == 32 {
		return append([]byte{}, v...), nil
	}
	if !tx.Writable() {
		return nil, fmt.Errorf("secret %s: %w: not made yet", name, ErrNotFound)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return secret, meta.Put(key, secret)
}
