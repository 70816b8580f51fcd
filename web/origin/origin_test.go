package origin

import (
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct {
		name, base, listen string
		https              bool
		host               string
		tls                bool
		want               string
	}{
		{"the base URL, whatever the Host", "https://signpost.example/", "0.0.0.0:8080", false, "evil.example", false, "https://signpost.example"},
		{"the base URL's host lower-cased", "http://Signpost.Example:8080", "", false, "x", false, "http://signpost.example:8080"},
		{"no base: the listen address as Host", "", "192.0.2.5:8080", false, "192.0.2.5:8080", false, "http://192.0.2.5:8080"},
		{"no base: localhost", "", "0.0.0.0:8080", false, "localhost:8080", false, "http://localhost:8080"},
		{"no base: 127.0.0.1 on another port", "", "127.0.0.1:8080", false, "127.0.0.1:9999", false, "http://127.0.0.1:9999"},
		{"no base: [::1]", "", "[::1]:8080", false, "[::1]:8080", false, "http://[::1]:8080"},
		{"no base: another Host gets the listen address", "", "192.0.2.5:8080", false, "evil.example", false, "http://192.0.2.5:8080"},
		{"no base: listening everywhere names localhost", "", ":8080", false, "evil.example", false, "http://localhost:8080"},
		{"no base: 0.0.0.0 names localhost", "", "0.0.0.0:8080", false, "evil.example:8080", false, "http://localhost:8080"},
		{"no base, no listen address", "", "", false, "evil.example", false, "http://localhost"},
		{"served over TLS here", "", "127.0.0.1:8443", true, "127.0.0.1:8443", true, "https://127.0.0.1:8443"},
		{"behind a TLS proxy", "", "127.0.0.1:8080", true, "127.0.0.1:8080", false, "https://127.0.0.1:8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := New(tt.base, tt.listen, tt.https)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/s/x/text", nil)
			r.Host = tt.host
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			if got := o.URL(r); got != tt.want {
				t.Errorf("URL = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNew(t *testing.T) {
	o, err := New("https://signpost.example", "127.0.0.1:8080", false)
	if err != nil {
		t.Fatal(err)
	}
	if o.BaseURL() != "https://signpost.example" || !o.Secure(nil) || o.URL(nil) != "https://signpost.example" || o.BaseHost() != "signpost.example" {
		t.Errorf("an https base URL: base %q, secure %v, URL %q", o.BaseURL(), o.Secure(nil), o.URL(nil))
	}
	var none *Origin
	if none.BaseURL() != "" || none.Secure(nil) || none.URL(nil) != "http://localhost" {
		t.Errorf("a nil Origin: %q %v %q", none.BaseURL(), none.Secure(nil), none.URL(nil))
	}
	for base, want := range map[string]string{
		"signpost.example":             "give the address people reach the site at",
		"ftp://signpost.example":       "give the address people reach the site at",
		"https://":                     "give the address people reach the site at",
		"https://u:p@signpost.example": "no user, query or fragment",
		"https://signpost.example/?x":  "no user, query or fragment",
		"https://signpost.example/#x":  "no user, query or fragment",
		"https://signpost.example/sp/": "give no path",
	} {
		if _, err := New(base, "", false); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%q) = %v, want an error saying %q", base, err, want)
		}
	}
}

func TestListensBeyondLoopback(t *testing.T) {
	for listen, want := range map[string]bool{
		"127.0.0.1:8080": false, "localhost:8080": false, "[::1]:8080": false, "127.0.0.2:8080": false,
		":8080": true, "0.0.0.0:8080": true, "192.0.2.5:8080": true, "signpost.example:80": true,
	} {
		o, _ := New("", listen, false)
		if got := o.ListensBeyondLoopback(); got != want {
			t.Errorf("%s: %v, want %v", listen, got, want)
		}
	}
}
