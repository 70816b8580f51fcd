package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddresses learns each request's client address for the throttles.
// It is the direct peer's, unless the peer is one of the trusted proxies
// (serve --trusted-proxy): then X-Forwarded-For is read from the right,
// each proxy having appended the address it was reached from, and the
// first address that is not itself a trusted proxy is the client's. What a
// client writes into the header itself lies to the left of that and is
// never believed. Without trusted proxies the header is ignored.
func clientAddresses(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			addr := peerAddr(r)
			if addr.IsValid() && len(trusted) > 0 {
				addr = forwardedFor(addr, r.Header.Values("X-Forwarded-For"), trusted)
			}
			if addr.IsValid() {
				r = r.WithContext(context.WithValue(r.Context(), clientAddrKey{}, addr))
			}
			next.ServeHTTP(w, r)
		})
	}
}

type clientAddrKey struct{}

// peerAddr is the address of the direct peer, or the zero Addr.
func peerAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// forwardedFor walks the X-Forwarded-For hops from the nearest while each
// one is a trusted proxy, and returns the first that is not (or, if every
// hop is a proxy, the furthest). A hop that does not parse ends the walk
// at the proxy that passed it on.
func forwardedFor(peer netip.Addr, headers []string, trusted []netip.Prefix) netip.Addr {
	var hops []string
	for _, h := range headers {
		hops = append(hops, strings.Split(h, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0 && isTrusted(addr, trusted); i-- {
		hop, err := parseHop(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = hop
	}
	return addr
}

// parseHop reads one X-Forwarded-For entry: an address, perhaps with a
// port, an IPv6 one perhaps in brackets.
func parseHop(s string) (netip.Addr, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), nil
	}
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	return a.Unmap(), err
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey is the key the throttles count a request's client under: its
// IPv4 address, or the /64 network of its IPv6 one, since one household or
// host is usually given a whole /64.
func clientKey(r *http.Request) string {
	a, ok := r.Context().Value(clientAddrKey{}).(netip.Addr)
	if !ok {
		a = peerAddr(r)
	}
	switch {
	case !a.IsValid():
		return r.RemoteAddr
	case a.Is6():
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// ParseTrustedProxies reads addresses and CIDR ranges (a bare address is a
// range of one), each argument perhaps a comma-separated list, for
// Config.TrustedProxies.
func ParseTrustedProxies(args []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, arg := range args {
		for _, s := range strings.Split(arg, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if !strings.Contains(s, "/") {
				a, err := netip.ParseAddr(s)
				if err != nil {
					return nil, fmt.Errorf("trusted proxy %q is not an address or a CIDR range such as 10.0.0.0/8", s)
				}
				out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an address or a CIDR range such as 10.0.0.0/8", s)
			}
			if p.Addr().Is4In6() && p.Bits() >= 96 {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			out = append(out, p.Masked())
		}
	}
	return out, nil
}
