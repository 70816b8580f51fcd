package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"signpost/web/origin"
)

// siteAt is the sample site served with the given origin.
func siteAt(t *testing.T, o *origin.Origin) *listSite {
	t.Helper()
	base := newSampleSite(t)
	cfg := base.config(testNow)
	cfg.Origin = o
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base.srv = srv
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &listSite{sampleSite: base, ts: ts}
}

// Share links and the text version never carry a Host header from
// elsewhere: they name the base URL, or without one the listen address;
// and a request with a strange Host is still answered.
func TestAbsoluteLinksIgnoreForeignHost(t *testing.T) {
	tests := []struct {
		name, base, listen string
		host               string
		want               string
	}{
		{"base URL", "http://signpost.example", "127.0.0.1:8080", "evil.example", "http://signpost.example/s/"},
		{"no base URL", "", "192.0.2.5:8080", "evil.example", "http://192.0.2.5:8080/s/"},
		{"no base URL, the listen address asked for", "", "192.0.2.5:8080", "192.0.2.5:8080", "http://192.0.2.5:8080/s/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := origin.New(tt.base, tt.listen, false)
			if err != nil {
				t.Fatal(err)
			}
			site := siteAt(t, o)
			svcs := site.sampleServices(t, 1)
			alice := site.linkWorker(t, "alice@example.org")
			list := startList(t, alice, "Mrs K", svcs[0]).url.Path
			// The owner shares the list, the form posted to a strange name.
			form := formValues(alice.get(list).doc, `form[action="`+list+`/share"]`)
			req, err := http.NewRequest("POST", site.ts.URL+list+"/share", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// The client keys its cookies by the Host it sends, so the
			// browser's cookies for the site go along by hand.
			for _, c := range alice.c.Jar.Cookies(req.URL) {
				req.AddCookie(c)
			}
			req.Host = tt.host
			shared := alice.do(req)
			if shared.status != http.StatusOK {
				t.Fatalf("sharing, asked for as %s: %d", tt.host, shared.status)
			}
			link, _ := shared.doc.Find("#share-url").Attr("value")
			if !strings.HasPrefix(link, tt.want) {
				t.Fatalf("share link %q, want it to start %q", link, tt.want)
			}
			token := link[strings.LastIndex(link, "/")+1:]
			req, err = http.NewRequest("GET", site.ts.URL+"/s/"+token+"/text", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			text := site.visitor(t).do(req)
			if text.status != http.StatusOK || strings.Contains(text.body, "evil.example") || !strings.Contains(text.body, tt.want+token) {
				t.Errorf("text version asked for as %s: %d\n%s", tt.host, text.status, text.body)
			}
		})
	}
}
