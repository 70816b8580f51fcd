package directory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// ResetLinkValid is how long a password-reset link works.
const ResetLinkValid = time.Hour

// PasswordResetLink makes a reset link token for an account without
// mailing it, for a site with no mail relay: the admin who asked passes it
// on in person. The link works once, for ResetLinkValid.
func (s *Store) PasswordResetLink(ctx context.Context, email string) (string, error) {
	var token string
	err := s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		m, err := s.resetMessage(tx, email)
		token = m.Token
		return nil, err
	})
	return token, err
}

// MailPasswordReset queues an e-mail to the account with a reset link, in
// the same transaction that makes the link.
func (s *Store) MailPasswordReset(ctx context.Context, email string) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		m, err := s.resetMessage(tx, email)
		if err != nil {
			return nil, err
		}
		return nil, s.queueMessage(tx, m)
	})
}

// resetMessage makes the reset link of an account inside tx, as the
// message that would carry it.
func (s *Store) resetMessage(tx *bbolt.Tx, email string) (Message, error) {
	a, err := getAccount(tx, email)
	if err != nil {
		return Message{}, err
	}
	if a.Disabled {
		return Message{}, fmt.Errorf("account %s: %w: it is disabled; enable it before resetting its password", a.Email, ErrConflict)
	}
	key, err := secretIn(tx, linkKeyName)
	if err != nil {
		return Message{}, err
	}
	expires := s.now().Add(ResetLinkValid).UTC()
	token, err := signLink(key, linkClaims{Purpose: linkReset, Subject: a.Email, Expires: expires.Unix(), Bind: hashBind(a.PasswordHash)})
	if err != nil {
		return Message{}, err
	}
	return Message{Kind: MessagePasswordReset, To: a.Email, Token: token, Expires: expires}, nil
}

// resetAccount finds the account a reset token is for, refusing a token
// that is forged, expired, or used (the password has changed since).
func (s *Store) resetAccount(tx *bbolt.Tx, token string) (*Account, error) {
	c, err := openLink(tx, token, linkReset, s.now())
	if err != nil {
		return nil, err
	}
	a, err := getAccount(tx, c.Subject)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, err
	}
	if a.Disabled {
		return nil, ErrLinkInvalid
	}
	if c.Bind != hashBind(a.PasswordHash) {
		return nil, ErrLinkUsed
	}
	return a, nil
}

// PasswordResetAccount returns the address of the account a reset link is
// for, or ErrLinkInvalid, ErrLinkExpired or ErrLinkUsed.
func (s *Store) PasswordResetAccount(ctx context.Context, token string) (string, error) {
	var email string
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		a, err := s.resetAccount(tx, token)
		if err == nil {
			email = a.Email
		}
		return err
	})
	return email, err
}

// ResetPassword sets a new password through a reset link and ends every
// session of the account, so whoever knew the old password is signed out
// too. The link then stops working. A password that is not acceptable
// comes back as a *ValidationError with the path new_password, and the
// link still works.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (string, error) {
	email, err := s.PasswordResetAccount(ctx, token)
	if err != nil {
		return "", err
	}
	if why := PasswordProblem(password, email); why != "" {
		return "", &ValidationError{ID: email, Problems: Problems{{Path: "new_password", Message: why}}}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	err = s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		// Checked again inside the write, so two uses at once cannot both
		// succeed.
		a, err := s.resetAccount(tx, token)
		if err != nil {
			return nil, err
		}
		a.PasswordHash = hash
		if err := putAccount(tx, a); err != nil {
			return nil, err
		}
		return nil, deleteSessionsOf(tx, a.Email)
	})
	if err != nil {
		return "", err
	}
	return email, nil
}
