package web

import (
	"net/http"
	"net/url"
	"strings"

	"signpost/web/mail"
)

// A follower (serve --primary) is a read replica: its listings are
// mirrored from the primary, and everything kept per site lives only on
// the primary: accounts and sessions, the provider and admin areas,
// shortlists, share links, My lists, insights, corrections. A load
// balancer sends those requests to the primary (README, "Followers");
// when one reaches a follower anyway, the follower sends it on.

// primaryPaths are the per-site areas of the site: each path and all
// below it.
var primaryPaths = []string{
	"/login", "/logout", "/account", mail.ResetPath, mail.StillRunningPath,
	"/provider", "/admin", "/insights",
	"/shortlists", "/my-list", "/current-list", "/add-to-list", "/s",
}

// forPrimary reports whether a follower must not answer r itself: a
// request that changes something (any method but GET, HEAD and OPTIONS),
// or one for a per-site area.
func forPrimary(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		return true
	}
	for _, p := range primaryPaths {
		if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
			return true
		}
	}
	return false
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
