package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddresses(t *testing.T) {
	proxies, err := ParseTrustedProxies([]string{"10.0.0.0/8, 192.0.2.1", "2001:db8:ffff::/48"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{"no proxy trusted: the header is ignored", nil, "198.51.100.7:4000", []string{"203.0.113.1"}, "198.51.100.7"},
		{"an untrusted peer's header is ignored", proxies, "198.51.100.7:4000", []string{"203.0.113.1"}, "198.51.100.7"},
		{"a trusted proxy's client", proxies, "10.1.2.3:4000", []string{"203.0.113.1"}, "203.0.113.1"},
		{"a forged hop to the left is not believed", proxies, "10.1.2.3:4000", []string{"1.2.3.4, 203.0.113.1"}, "203.0.113.1"},
		{"through two proxies, over two header lines", proxies, "10.1.2.3:4000", []string{"1.2.3.4, 203.0.113.1", "192.0.2.1"}, "203.0.113.1"},
		{"every hop a proxy: the furthest", proxies, "10.1.2.3:4000", []string{"10.9.9.9"}, "10.9.9.9"},
		{"garbage stops at the proxy that passed it", proxies, "10.1.2.3:4000", []string{"203.0.113.1, not-an-address"}, "10.1.2.3"},
		{"no header: the proxy itself", proxies, "10.1.2.3:4000", nil, "10.1.2.3"},
		{"a hop with a port", proxies, "10.1.2.3:4000", []string{"203.0.113.1:5555"}, "203.0.113.1"},
		{"IPv6 clients are counted by /64", proxies, "10.1.2.3:4000", []string{"[2001:db8:1:2:3:4:5:6]"}, "2001:db8:1:2::/64"},
		{"an IPv6 proxy", proxies, "[2001:db8:ffff::1]:4000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"an IPv4-mapped peer", proxies, "[::ffff:10.1.2.3]:4000", []string{"203.0.113.9"}, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			h := clientAddresses(tt.trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = clientKey(r) }))
			req := httptest.NewRequest("GET", "/", nil)
			req.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), req)
			if got != tt.want {
				t.Errorf("client %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies([]string{"10.0.0.0/8,192.0.2.1", " ::1 ", "10.1.2.3/8"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.1/32", "::1/128", "10.0.0.0/8"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("%d: got %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"proxy.example", "10.0.0.0/33"} {
		if _, err := ParseTrustedProxies([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
