package directory

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Session lifetimes. A session ends after SessionIdle without a request, and
// in any case SessionAbsolute after sign-in, so a cookie left on a shared
// computer in a surgery stops working the same day.
const (
	SessionIdle     = 2 * time.Hour
	SessionAbsolute = 12 * time.Hour
)

// sessionTouchEvery limits how often a request moves LastSeen: writing on
// every page view would make each one a disk sync, and idle expiry does
// not need minute precision.
const sessionTouchEvery = time.Minute

// ErrNoSession means a session token is unknown, expired or belongs to a
// disabled account: the person must sign in again.
var ErrNoSession = errors.New("no such session, or it has expired")

// Session is a signed-in browser. The store keys it by the SHA-256 of its
// token and never holds the token itself, so a copy of the database (a
// backup, say) signs nobody in.
type Session struct {
	Email    string    `json:"email"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
}

// Expired reports whether the session has ended by idleness or age at now.
func (s *Session) Expired(now time.Time) bool {
	return !now.Before(s.LastSeen.Add(SessionIdle)) || !now.Before(s.Created.Add(SessionAbsolute))
}

// sessionKey is the bucket key of a token: its SHA-256.
func sessionKey(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CreateSession signs an account in and returns the token for its cookie:
// 256 random bits, base64url-encoded. Expired sessions are swept in the
// same transaction, so the bucket never grows without bound.
func (s *Store) CreateSession(ctx context.Context, email string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("new session: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now().UTC()
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		a, err := getAccount(tx, email)
		if err != nil {
			return nil, err
		}
		if a.Disabled {
			return nil, fmt.Errorf("account %s: %w", a.Email, ErrBadCredentials)
		}
		if err := sweepSessions(tx, now); err != nil {
			return nil, err
		}
		return nil, putSession(tx, sessionKey(token), &Session{Email: a.Email, Created: now, LastSeen: now})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

func putSession(tx *bbolt.Tx, key []byte, sess *Session) error {
	raw, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	return tx.Bucket(bucketSessions).Put(key, raw)
}

// SessionAccount returns the account a session token signs in, moving the
// session's idle clock on. It fails with ErrNoSession when the token is
// unknown or expired or the account is disabled or gone; an expired
// session is deleted.
func (s *Store) SessionAccount(ctx context.Context, token string) (*Account, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	key := sessionKey(token)
	now := s.now().UTC()
	var sess Session
	var acct *Account
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		raw := tx.Bucket(bucketSessions).Get(key)
		if raw == nil {
			return ErrNoSession
		}
		if err := json.Unmarshal(raw, &sess); err != nil {
			return fmt.Errorf("session: decode: %w", err)
		}
		a, err := getAccount(tx, sess.Email)
		if errors.Is(err, ErrNotFound) {
			return ErrNoSession
		}
		acct = a
		return err
	})
	if err != nil {
		return nil, err
	}
	switch {
	case sess.Expired(now) || acct.Disabled:
		if err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
			return nil, tx.Bucket(bucketSessions).Delete(key)
		}); err != nil {
			return nil, err
		}
		return nil, ErrNoSession
	case now.Sub(sess.LastSeen) >= sessionTouchEvery:
		sess.LastSeen = now
		if err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
			// The session may have been ended (sign-out, disabled account)
			// since it was read; touching must not bring it back.
			if tx.Bucket(bucketSessions).Get(key) == nil {
				return nil, ErrNoSession
			}
			return nil, putSession(tx, key, &sess)
		}); err != nil {
			return nil, err
		}
	}
	return acct, nil
}

// DeleteSession signs a session out. An unknown token is not an error:
// signing out twice is fine.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		return nil, tx.Bucket(bucketSessions).Delete(sessionKey(token))
	})
}

// CountSessions returns how many sessions are stored, expired or not.
func (s *Store) CountSessions(ctx context.Context) (int, error) {
	var n int
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		n = tx.Bucket(bucketSessions).Stats().KeyN
		return nil
	})
	return n, err
}

// sweepSessions deletes sessions that have expired at now.
func sweepSessions(tx *bbolt.Tx, now time.Time) error {
	return deleteSessionsWhere(tx, func(_ []byte, sess *Session) bool { return sess.Expired(now) })
}

// deleteSessionsOf ends every session of one account.
func deleteSessionsOf(tx *bbolt.Tx, email string) error {
	email = NormalizeEmail(email)
	return deleteSessionsWhere(tx, func(_ []byte, sess *Session) bool { return sess.Email == email })
}

func deleteSessionsWhere(tx *bbolt.Tx, match func(key []byte, sess *Session) bool) error {
	b := tx.Bucket(bucketSessions)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var sess Session
		// A session that cannot be read can never sign anyone in: drop it.
		if err := json.Unmarshal(v, &sess); err != nil || match(k, &sess) {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
