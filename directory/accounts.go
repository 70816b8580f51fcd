package directory

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Role is what an account may do. The policy that turns a role into
// permissions lives in one place in the web package; the directory only
// stores it.
type Role string

// The roles of DESIGN.md's "Who it serves".
const (
	RoleAdmin      Role = "admin"
	RoleProvider   Role = "provider"
	RoleLinkWorker Role = "linkworker"
	// RoleCommissioner reads anonymous aggregates only (the insight
	// pages): never a list, an answer, an account or a listing draft.
	RoleCommissioner Role = "commissioner"
)

// Roles lists the roles in the order forms and the CLI offer them.
var Roles = []Role{RoleAdmin, RoleProvider, RoleLinkWorker, RoleCommissioner}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the plain-English name of the role.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Admin"
	case RoleProvider:
		return "Provider"
	case RoleLinkWorker:
		return "Link worker"
	case RoleCommissioner:
		return "Commissioner"
	}
	return string(r)
}

// Account is a person who signs in: an admin, a provider of one or more
// organisations, or a link worker. The e-mail address is its identity.
type Account struct {
	Email string `json:"email"`
	Role  Role   `json:"role"`
	// Orgs are the organisations a provider edits the listings of; other
	// roles have none.
	Orgs []string `json:"orgs,omitempty"`
	// PasswordHash is an argon2id hash in the PHC string form; the password
	// itself is never stored.
	PasswordHash string    `json:"password_hash"`
	Disabled     bool      `json:"disabled,omitempty"`
	Created      time.Time `json:"created"`
}

// MemberOf reports whether the account belongs to organisation orgID.
func (a *Account) MemberOf(orgID string) bool {
	return orgID != "" && slices.Contains(a.Orgs, orgID)
}

// ErrBadCredentials is the one answer to a failed sign-in, whether the
// account is unknown, disabled or the password wrong, so that the answer
// does not tell a guesser which accounts exist.
var ErrBadCredentials = errors.New("wrong e-mail address or password")

// NormalizeEmail is the key an e-mail address is stored under: trimmed,
// lower-cased and in Unicode's composed form (NFC), so "Ann@Example.org" and
// "ann@example.org" are one account, and so are the two ways of encoding
// "josé".
func NormalizeEmail(email string) string {
	return norm.NFC.String(strings.ToLower(strings.TrimSpace(email)))
}

// Validate reports what is wrong with an account's own fields.
func (a *Account) Validate() Problems {
	var ch checker
	switch addr, err := mail.ParseAddress(a.Email); {
	case a.Email == "":
		ch.errorf("email", "is required")
	case err != nil || addr.Address != a.Email:
		ch.errorf("email", "%q is not an e-mail address", clip(a.Email))
	default:
		ch.accountEmail("email", a.Email)
	}
	if !a.Role.Valid() {
		ch.errorf("role", "%q is not one of admin, provider, linkworker, commissioner", clip(string(a.Role)))
	}
	switch {
	case a.Role == RoleProvider && len(a.Orgs) == 0:
		ch.errorf("orgs", "a provider needs at least one organisation")
	case a.Role != RoleProvider && len(a.Orgs) > 0:
		ch.errorf("orgs", "only providers belong to organisations")
	}
	for i, org := range a.Orgs {
		ch.required(index("orgs", i), org)
	}
	return ch.problems
}

// AddAccount stores a new account with the given password. It fails with an
// error wrapping ErrConflict when the address is taken, and with a
// *ValidationError when a field or the password is unacceptable. The
// organisations a provider belongs to must exist.
func (s *Store) AddAccount(ctx context.Context, a Account, password string) (Account, error) {
	a.Email = NormalizeEmail(a.Email)
	a.Orgs = slices.Compact(slices.Sorted(slices.Values(a.Orgs)))
	problems := a.Validate()
	if why := PasswordProblem(password, a.Email); why != "" {
		problems = append(problems, Problem{Path: "password", Message: why})
	}
	if errs := problems.Errors(); len(errs) > 0 {
		return Account{}, &ValidationError{ID: a.Email, Problems: errs}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return Account{}, err
	}
	a.PasswordHash = hash
	a.Created = s.now().UTC()
	a.Disabled = false
	err = s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		b := tx.Bucket(bucketAccounts)
		if b.Get([]byte(a.Email)) != nil {
			return nil, fmt.Errorf("account %s: %w: the address already has an account", a.Email, ErrConflict)
		}
		for _, org := range a.Orgs {
			if tx.Bucket(bucketOrganizations).Get([]byte(org)) == nil {
				return nil, fmt.Errorf("account %s: organisation %s: %w", a.Email, org, ErrNotFound)
			}
		}
		return nil, putAccount(tx, &a)
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

func putAccount(tx *bbolt.Tx, a *Account) error {
	raw, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode account %s: %w", a.Email, err)
	}
	return tx.Bucket(bucketAccounts).Put([]byte(a.Email), raw)
}

func getAccount(tx *bbolt.Tx, email string) (*Account, error) {
	raw := tx.Bucket(bucketAccounts).Get([]byte(NormalizeEmail(email)))
	if raw == nil {
		return nil, fmt.Errorf("account %s: %w", email, ErrNotFound)
	}
	var a Account
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("account %s: decode: %w", email, err)
	}
	return &a, nil
}

// Account returns one account by e-mail address.
func (s *Store) Account(ctx context.Context, email string) (*Account, error) {
	var a *Account
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		var err error
		a, err = getAccount(tx, email)
		return err
	})
	return a, err
}

// Accounts returns every account in e-mail order.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	var out []Account
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketAccounts).ForEach(func(k, v []byte) error {
			var a Account
			if err := json.Unmarshal(v, &a); err != nil {
				return fmt.Errorf("account %s: decode: %w", k, err)
			}
			out = append(out, a)
			return nil
		})
	})
	return out, err
}

// DisableAccount stops an account signing in. It also ends every session
// the account has, so it takes effect at once.
func (s *Store) DisableAccount(ctx context.Context, email string) error {
	return s.changeAccount(ctx, email, func(tx *bbolt.Tx, a *Account) error {
		a.Disabled = true
		return deleteSessionsOf(tx, a.Email)
	})
}

// EnableAccount lets a disabled account sign in again.
func (s *Store) EnableAccount(ctx context.Context, email string) error {
	return s.changeAccount(ctx, email, func(_ *bbolt.Tx, a *Account) error {
		a.Disabled = false
		return nil
	})
}

// changeAccount reads an account, lets change edit it and writes it back,
// in one transaction.
func (s *Store) changeAccount(ctx context.Context, email string, change func(*bbolt.Tx, *Account) error) error {
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		a, err := getAccount(tx, email)
		if err != nil {
			return nil, err
		}
		if err := change(tx, a); err != nil {
			return nil, err
		}
		return nil, putAccount(tx, a)
	})
}

// SetPassword replaces an account's password and ends its sessions, so a
// password changed because it leaked locks out whoever used it.
func (s *Store) SetPassword(ctx context.Context, email, password string) error {
	if why := PasswordProblem(password, NormalizeEmail(email)); why != "" {
		return &ValidationError{ID: NormalizeEmail(email), Problems: Problems{{Path: "password", Message: why}}}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		a, err := getAccount(tx, email)
		if err != nil {
			return nil, err
		}
		a.PasswordHash = hash
		if err := putAccount(tx, a); err != nil {
			return nil, err
		}
		return nil, deleteSessionsOf(tx, a.Email)
	})
}

// Authenticate checks a sign-in. Every failure is ErrBadCredentials; an
// unknown address still costs one hash, so timing does not tell which
// addresses have accounts.
func (s *Store) Authenticate(ctx context.Context, email, password string) (*Account, error) {
	a, err := s.Account(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if a == nil {
		CheckPassword(dummyHash, password)
		return nil, ErrBadCredentials
	}
	if !CheckPassword(a.PasswordHash, password) || a.Disabled {
		return nil, ErrBadCredentials
	}
	return a, nil
}

// argon2id parameters: OWASP's recommended minimum (19 MiB, two passes,
// one lane), which takes tens of milliseconds: slow for a guesser, unnoticed
// by a person signing in, and light enough for a small server.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// dummyHash is checked against when an account does not exist, so that the
// failure takes as long as a wrong password. Its password is unknowable.
var dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// HashPassword hashes a password with argon2id and a random salt, in the
// PHC string form ("$argon2id$v=19$m=…,t=…,p=…$salt$key"), which records
// its parameters so they can be raised later without breaking old hashes.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches a hash made by
// HashPassword, comparing in constant time. A malformed hash never matches.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false
	}
	// Refuse parameters that would let a corrupt record exhaust memory.
	if memory == 0 || memory > 1<<20 || passes == 0 || passes > 20 || threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, passes, memory, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// SetClock replaces the store's clock, which stamps revisions, sessions and
// confirmations. Tests use it to move time on; call it before the store is
// shared between goroutines.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// PasswordChange is a signed-in person replacing their own password.
type PasswordChange struct {
	Email   string
	Current string
	New     string
	// KeepSession is the token of the session the change is made from: it
	// stays signed in, and every other session of the account ends, so a
	// password changed because it leaked locks out whoever used it.
	KeepSession string
}

// ChangePassword replaces an account's password after checking the current
// one. Problems come back as a *ValidationError with paths
// current_password and new_password, for the form.
func (s *Store) ChangePassword(ctx context.Context, pc PasswordChange) error {
	email := NormalizeEmail(pc.Email)
	a, err := s.Account(ctx, email)
	if err != nil {
		return err
	}
	var problems Problems
	switch {
	case pc.Current == "":
		problems = append(problems, Problem{Path: "current_password", Message: "type your current password, so no one else can change it at an unattended screen"})
	case len(pc.Current) > MaxPasswordLen || !CheckPassword(a.PasswordHash, pc.Current):
		problems = append(problems, Problem{Path: "current_password", Message: "is not right"})
	}
	switch why := PasswordProblem(pc.New, email); {
	case why != "":
		problems = append(problems, Problem{Path: "new_password", Message: why})
	case pc.New == pc.Current:
		problems = append(problems, Problem{Path: "new_password", Message: "is the same as your current password"})
	}
	if len(problems) > 0 {
		return &ValidationError{ID: email, Problems: problems}
	}
	hash, err := HashPassword(pc.New)
	if err != nil {
		return err
	}
	keep := sessionKey(pc.KeepSession)
	return s.update(ctx, func(tx *bbolt.Tx) ([]string, error) {
		cur, err := getAccount(tx, email)
		if err != nil {
			return nil, err
		}
		// Another change (or a reset) won the race since the check above:
		// the current password typed is no longer current.
		if cur.PasswordHash != a.PasswordHash {
			return nil, &ValidationError{ID: email, Problems: Problems{{Path: "current_password", Message: "has just been changed elsewhere; sign in again"}}}
		}
		cur.PasswordHash = hash
		if err := putAccount(tx, cur); err != nil {
			return nil, err
		}
		return nil, deleteSessionsWhere(tx, func(k []byte, sess *Session) bool {
			return sess.Email == email && !bytes.Equal(k, keep)
		})
	})
}
