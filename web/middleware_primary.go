package web

import (
	"net/http"
	"net/url"
	"strings"
)

// A follower (serve --primary) is a read replica: its listings are
// mirrored from the primary, and everything kept per site lives only on
// the primary: accounts and sessions, the provider and admin areas,
// shortlists, share links, My lists, insights, corrections. A load
// balancer sends those requests to the primary (README, "Followers");
// when one reaches a follower anyway, the follower sends it on.

// forPrimary reports whether a follower must not answer r itself: a
// request that changes something (any method but GET, HEAD and OPTIONS),
// or one for an area kept per site (areas, in authz.go).
func forPrimary(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return areaOf(r.URL.Path).perSite()
	}
	return true
}

// toPrimary redirects a follower's per-site requests to the same path and
// query on primary, with 307 so that a POST is sent again as a POST with
// its body. A nil primary (not a follower) changes nothing.
func toPrimary(primary *url.URL) func(http.Handler) http.Handler {
	if primary == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	base := strings.TrimSuffix((&url.URL{Scheme: primary.Scheme, Host: primary.Host, Path: primary.Path}).String(), "/")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !forPrimary(r) {
				next.ServeHTTP(w, r)
				return
			}
			target := base + r.URL.EscapedPath()
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			w.Header().Set("Cache-Control", "no-store")
			http.Redirect(w, r, target, http.StatusTemporaryRedirect)
		})
	}
}
