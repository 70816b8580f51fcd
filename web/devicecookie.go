package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"

	"signpost/web/origin"
)

// A device cookie (OWASP, "Slow down online guessing attacks with device
// cookies") marks a browser that has signed in to an account before. Such
// a browser is exempt from the account's sign-in delay, so someone
// guessing at an account cannot lock its owner out; the guesser, who has
// never signed in to it, has no such cookie. The cookie is signed, names
// the account only by a hash of its address, and is replaced at each
// sign-in. Failures with one cookie are counted, and past a few it stops
// exempting, so a stolen cookie buys few guesses.

const (
	deviceCookieName       = "signpost_device"
	deviceCookieNameSecure = "__Host-signpost_device"
	// deviceCookieAge is how long a browser stays known without signing in.
	deviceCookieAge = 180 * 24 * time.Hour
)

// deviceCookies issues and reads device cookies.
type deviceCookies struct {
	codec *securecookie.SecureCookie
	site  *origin.Origin
}

// deviceToken is what a device cookie holds.
type deviceToken struct {
	// Account is the SHA-256 of the account's address, in hex.
	Account string `json:"a"`
	// Nonce tells one cookie from another, to count its failures.
	Nonce string `json:"n"`
}

// newDeviceCookies signs device cookies with key (32 bytes); nil makes a
// random key, so device cookies from before a restart are not recognised.
func newDeviceCookies(key []byte, site *origin.Origin) (*deviceCookies, error) {
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("web: device cookie key: %w", err)
		}
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("web: Config.DeviceKey must be 32 bytes, not %d", len(key))
	}
	codec := securecookie.New(key, nil)
	codec.SetSerializer(securecookie.JSONEncoder{})
	codec.MaxAge(int(deviceCookieAge / time.Second))
	return &deviceCookies{codec: codec, site: site}, nil
}

func (d *deviceCookies) name(r *http.Request) string {
	if d.site.Secure(r) {
		return deviceCookieNameSecure
	}
	return deviceCookieName
}

func accountHash(email string) string {
	sum := sha256.Sum256([]byte(email))
	return hex.EncodeToString(sum[:])
}

// read returns the nonce of the request's device cookie when it is valid
// and for the account email, or "".
func (d *deviceCookies) read(r *http.Request, email string) string {
	c, err := r.Cookie(d.name(r))
	if err != nil || len(c.Value) > 512 {
		return ""
	}
	var tok deviceToken
	if err := d.codec.Decode(d.name(r), c.Value, &tok); err != nil || tok.Account != accountHash(email) || tok.Nonce == "" {
		return ""
	}
	return tok.Nonce
}

// issue gives the browser a new device cookie for email.
func (d *deviceCookies) issue(w http.ResponseWriter, r *http.Request, email string) error {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("device cookie: %w", err)
	}
	v, err := d.codec.Encode(d.name(r), deviceToken{Account: accountHash(email), Nonce: hex.EncodeToString(nonce)})
	if err != nil {
		return fmt.Errorf("device cookie: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name: d.name(r), Value: v, Path: "/", MaxAge: int(deviceCookieAge / time.Second),
		HttpOnly: true, Secure: d.site.Secure(r), SameSite: http.SameSiteLaxMode,
	})
	return nil
}
