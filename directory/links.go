package directory

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.etcd.io/bbolt"
)

// Signed links. A link in an e-mail carries a token that says what it is
// for, about whom, until when, and the state it is good for; an HMAC-SHA256
// under a key kept in the store (so links survive restarts and backups)
// shows Signpost made it. The state ("bind") is what makes a link
// single-use without a table of used links: a reset link is bound to the
// account's password hash, which the reset replaces; a reminder is bound to
// the listing's assured date, which confirming moves on.

// linkKeyName names the secret that signs links.
const linkKeyName = "links"

// Link purposes: a token made for one is refused by the others.
const (
	linkReset  = "reset"
	linkRemind = "remind"
)

// maxTokenLen refuses absurd tokens before any decoding.
const maxTokenLen = 1024

// Errors a link can fail with; pages explain each in plain English.
var (
	ErrLinkInvalid = errors.New("the link is not one Signpost made, or it was cut short or changed")
	ErrLinkExpired = errors.New("the link has expired")
	ErrLinkUsed    = errors.New("the link has been used already")
)

// linkClaims is what a token says.
type linkClaims struct {
	Purpose string `json:"p"`
	// Subject is the account's address (reset) or the service id (remind).
	Subject string `json:"s"`
	// To is whom a reminder was sent to, recorded in the history when the
	// listing is confirmed through it.
	To      string `json:"t,omitempty"`
	Expires int64  `json:"e"`
	Bind    string `json:"b"`
}

func signLink(key []byte, c linkClaims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("sign link: %w", err)
	}
	b64 := base64.RawURLEncoding
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(linkMAC(key, payload)), nil
}

func linkMAC(key, payload []byte) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write(payload)
	return mac.Sum(nil)
}

// openLink checks a token's signature, purpose and expiry, and returns
// what it says. The state it is bound to is for the caller to compare.
func openLink(tx *bbolt.Tx, token, purpose string, now time.Time) (linkClaims, error) {
	var c linkClaims
	if len(token) > maxTokenLen {
		return c, ErrLinkInvalid
	}
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return c, ErrLinkInvalid
	}
	b64 := base64.RawURLEncoding
	payload, err1 := b64.DecodeString(p)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return c, ErrLinkInvalid
	}
	key, err := secretIn(tx, linkKeyName)
	if errors.Is(err, ErrNotFound) {
		return c, ErrLinkInvalid
	}
	if err != nil {
		return c, err
	}
	if !hmac.Equal(mac, linkMAC(key, payload)) {
		return c, ErrLinkInvalid
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Purpose != purpose {
		return linkClaims{}, ErrLinkInvalid
	}
	if !now.Before(time.Unix(c.Expires, 0)) {
		return linkClaims{}, ErrLinkExpired
	}
	return c, nil
}

// hashBind is the state a reset link is bound to: a short digest of the
// account's password hash, so the token does not carry the hash itself.
func hashBind(passwordHash string) string {
	sum := sha256.Sum256([]byte(passwordHash))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}
