package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"signpost/directory"
)

// A follower is `serve --primary URL` over a store whose only feed mirrors
// the primary's API (README, "Followers"). These read serve's follower
// settings.

// parsePrimary reads --primary: the primary's own address, to which a
// follower redirects per-site requests. It may not be the follower's own
// --base-url, or every such request would come straight back.
func parsePrimary(v, baseURL string) (*url.URL, error) {
	if v == "" {
		return nil, nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--primary: %q is not an http or https address", v)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("--primary: %q: give the site's address without a query", v)
	}
	if baseURL != "" && strings.TrimSuffix(baseURL, "/") == strings.TrimSuffix(u.String(), "/") {
		return nil, errors.New("--primary is this server's own --base-url: give the primary's own address")
	}
	return u, nil
}

// parseCSRFKey reads SIGNPOST_CSRF_KEY: 32 bytes in hex (openssl rand -hex
// 32). A primary and its followers share it, so a form on a page a
// follower served is accepted when it is posted to the primary.
func parseCSRFKey(v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	key, err := hex.DecodeString(strings.TrimSpace(v))
	if err != nil || len(key) != 32 {
		return nil, errors.New("SIGNPOST_CSRF_KEY must be 64 hexadecimal digits (openssl rand -hex 32)")
	}
	return key, nil
}

// csrfSecret is the key that signs CSRF tokens: the shared one when given,
// otherwise the store's own.
func csrfSecret(ctx context.Context, st *directory.Store, shared []byte) ([]byte, error) {
	if shared != nil {
		return shared, nil
	}
	return st.Secret(ctx, "csrf")
}
