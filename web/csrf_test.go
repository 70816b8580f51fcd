package web

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"signpost/directory"
)

// A CSRF token from before sign-in (planted by someone who loaded the form
// in the victim's browser, or simply older) no longer works once the
// person is signed in, even with its cookie put back; nor does a signed-in
// token after sign-out.
func TestCSRFTokenChangesWithTheSession(t *testing.T) {
	es := newEditorialSite(t)
	c := es.client(t)
	before := c.token()
	u, _ := url.Parse(es.ts.URL)
	plantedCookie := c.hc.Jar.Cookies(u)
	if resp, _ := c.post("/login", url.Values{"email": {emailAdmin}, "password": {testPassword}, "csrf_token": {before}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	c.hc.Jar.SetCookies(u, plantedCookie)
	correction := func(token string) int {
		resp, _ := c.post("/admin/accounts/disable", url.Values{"email": {emailProvB}, "csrf_token": {token}})
		return resp.StatusCode
	}
	if code := correction(before); code != http.StatusForbidden {
		t.Errorf("the token from before sign-in, after it: %d, want 403", code)
	}
	if a, err := es.store.Account(context.Background(), emailProvB); err != nil || a.Disabled {
		t.Fatalf("the planted token disabled an account: %v", err)
	}
	// The signed-in pages carry a token that works.
	signedIn := c.token()
	if signedIn == before {
		t.Error("the page after sign-in offers the token from before it")
	}
	if code := correction(signedIn); code != http.StatusSeeOther {
		t.Errorf("the signed-in token: %d, want 303", code)
	}
	if resp, _ := c.post("/logout", url.Values{"csrf_token": {signedIn}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", resp.StatusCode)
	}
	if resp, _ := c.post("/login", url.Values{"email": {emailProvA}, "password": {"x"}, "csrf_token": {signedIn}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the signed-in token after sign-out: %d, want 403", resp.StatusCode)
	}
}

// Under TLS the CSRF cookie has the __Host- prefix, which browsers accept
// only when it is Secure, host-only and for the whole site.
func TestCSRFCookieUnderTLS(t *testing.T) {
	base := newSampleSite(t)
	if _, err := base.store.AddAccount(context.Background(), directory.Account{Email: emailAdmin, Role: directory.RoleAdmin}, testPassword); err != nil {
		t.Fatal(err)
	}
	srv, err := New(base.config(nil))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewTLSServer(srv)
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	hc := ts.Client()
	hc.Jar = jar
	resp, err := hc.Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var got *http.Cookie
	for _, ck := range resp.Cookies() {
		if strings.Contains(ck.Name, "csrf") {
			got = ck
		}
	}
	if got == nil || got.Name != "__Host-signpost_csrf" || !got.Secure || got.Path != "/" || got.Domain != "" || !got.HttpOnly {
		t.Errorf("CSRF cookie under TLS: %+v", got)
	}
}

// TestPostsWithoutAToken: every post of the router needs a CSRF token,
// even with this site's Origin, except a share link's follow-up (the one
// area marked areaOriginChecked) from a visitor not signed in, which
// needs this site's Origin instead. A signed-in visitor's post there
// needs the token like any other.
func TestPostsWithoutAToken(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	lists := newRouteLists(t, es)
	origin := es.ts.URL
	expired := csrfFailure(nil).message
	// post sends form from c with no CSRF token, and with Origin o if not
	// empty.
	post := func(c *client, path, o string, form url.Values) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, es.ts.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if o != "" {
			req.Header.Set("Origin", o)
		}
		resp, doc := c.do(req)
		return resp.StatusCode, doc.Find("h1").First().Next().Text()
	}
	anonymous, linkWorker := es.client(t), es.signedIn(t, emailLW)
	anonymous.token() // the visitor holds a CSRF cookie, and sends no token
	answer := url.Values{"form": {"answer"}, "service": {es.ListingA}, "status": {"went"}}

	for _, rt := range everyRoute(t, es.site.routes()) {
		if rt.method != http.MethodPost {
			continue
		}
		t.Run(rt.template, func(t *testing.T) {
			anonymous.t, linkWorker.t = t, t
			if areaOf(rt.path) != areaOriginChecked {
				for name, c := range map[string]*client{"anonymous": anonymous, "link worker": linkWorker} {
					if status, msg := post(c, rt.path, origin, url.Values{"a": {"1"}}); status != http.StatusForbidden || msg != expired {
						t.Errorf("%s, no token: %d %q, want 403 %q", name, status, msg, expired)
					}
				}
				return
			}
			path := strings.Replace(rt.path, "/x", "/"+lists.token, 1)
			if status, msg := post(anonymous, path, "", answer); status != http.StatusForbidden || msg == expired {
				t.Errorf("anonymous, no Origin: %d %q, want 403 from the share link", status, msg)
			}
			if status, _ := post(anonymous, path, "https://elsewhere.example", answer); status != http.StatusForbidden {
				t.Errorf("anonymous, another Origin: %d, want 403", status)
			}
			if status, msg := post(linkWorker, path, origin, answer); status != http.StatusForbidden || msg != expired {
				t.Errorf("signed in, no token: %d %q, want 403 %q", status, msg, expired)
			}
			if status, msg := post(anonymous, path, origin, answer); status != http.StatusSeeOther {
				t.Errorf("anonymous, this site's Origin: %d %q, want 303", status, msg)
			}
		})
	}
}
