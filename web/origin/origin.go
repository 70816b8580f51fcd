// Package origin says where people reach the site: the scheme and host
// that every absolute link starts with (share links, the text version of a
// list, the API's own links, e-mails), and whether the site is served over
// HTTPS. The site (package web), the API (web/api) and the mail wiring in
// cmd all take their links from one *Origin, built once from serve's
// --base-url and --addr.
//
// A request's Host header is chosen by whoever sends it, so it is never
// put into a link as it came: without a base URL it is used only when it
// names this machine (the listen address, localhost or 127.0.0.1), which
// is what a developer's browser sends, and otherwise the listen address
// stands in. No request is refused because of its Host.
package origin

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Origin is where the site is reached. The zero value and nil are a site
// with no base URL and no known listen address. Safe for concurrent use.
type Origin struct {
	// base is the configured base URL without a trailing slash, or "".
	base string
	// baseHost is its host, for the CSRF check's trusted origins.
	baseHost string
	// listen is the address the server listens on (host:port), or "".
	listen string
	// https says the site is reached over HTTPS even when this process
	// sees plain HTTP (behind a TLS-terminating proxy).
	https bool
}

// New returns the origin for a base URL ("" for none; "https://host[:port]"
// with nothing after the host but an optional "/"), the address the server
// listens on, and whether it serves HTTPS itself. An https base URL means
// the site is reached over HTTPS, so cookies are Secure.
func New(baseURL, listenAddr string, https bool) (*Origin, error) {
	o := &Origin{listen: listenAddr, https: https}
	if baseURL == "" {
		return o, nil
	}
	u, err := url.Parse(baseURL)
	switch {
	case err != nil, u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Opaque != "":
		return nil, fmt.Errorf("base URL %q: give the address people reach the site at, such as https://signpost.example", baseURL)
	case u.User != nil, u.RawQuery != "", u.Fragment != "", u.ForceQuery:
		return nil, fmt.Errorf("base URL %q: give only the scheme and host, with no user, query or fragment", baseURL)
	case u.Path != "" && u.Path != "/":
		return nil, fmt.Errorf("base URL %q: the site is served at the root of its address, so give no path", baseURL)
	}
	o.base = u.Scheme + "://" + strings.ToLower(u.Host)
	o.baseHost = strings.ToLower(u.Host)
	o.https = o.https || u.Scheme == "https"
	return o, nil
}

// BaseURL is the configured base URL ("https://signpost.example", with no
// trailing slash), or "" when none was given. Links made without a
// request, such as those in e-mails, need it.
func (o *Origin) BaseURL() string {
	if o == nil {
		return ""
	}
	return o.base
}

// BaseHost is the host of the base URL, or "".
func (o *Origin) BaseHost() string {
	if o == nil {
		return ""
	}
	return o.baseHost
}

// Secure reports whether r reached the site over HTTPS, here or at a
// proxy. r may be nil.
func (o *Origin) Secure(r *http.Request) bool {
	return (o != nil && o.https) || (r != nil && r.TLS != nil)
}

// URL is the scheme and host that absolute links answering r start with,
// with no trailing slash: the base URL when there is one; otherwise r's
// Host when it names this machine, or else the listen address. r may be
// nil (a link made outside any request).
func (o *Origin) URL(r *http.Request) string {
	if o != nil && o.base != "" {
		return o.base
	}
	scheme := "http"
	if o.Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + o.host(r)
}

// host is the host (and port) of links when there is no base URL.
func (o *Origin) host(r *http.Request) string {
	listen := ""
	if o != nil {
		listen = o.listen
	}
	if r != nil && r.Host != "" && (r.Host == listen || IsLoopbackHost(hostOnly(r.Host))) {
		return r.Host
	}
	if listen == "" {
		return "localhost"
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		// Listening everywhere names no one address; this machine's own
		// name is the one that is never wrong here. serve warns about it.
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// hostOnly drops the port of a Host header.
func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return strings.Trim(hostport, "[]")
}

// IsLoopbackHost reports whether host (without a port) names this machine
// only: localhost, 127.0.0.1 or ::1.
func IsLoopbackHost(host string) bool {
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

// ListensBeyondLoopback reports whether the listen address can be reached
// from other machines, where links taken from it may be wrong: serve warns
// when this is so and no base URL is set.
func (o *Origin) ListensBeyondLoopback() bool {
	if o == nil || o.listen == "" {
		return false
	}
	host, _, err := net.SplitHostPort(o.listen)
	if err != nil {
		host = o.listen
	}
	if IsLoopbackHost(host) {
		return false
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return false
	}
	return true
}
