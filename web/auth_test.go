package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"signpost/directory"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	tests := []struct {
		name, email, password, next string
		wantStatus                  int
		wantLocation                string
		wantError                   string
	}{
		{"admin lands on admin", emailAdmin, testPassword, "", 303, "/admin", ""},
		{"provider lands on listings", " A@Provider.example ", testPassword, "", 303, "/provider", ""},
		{"link worker lands on the start", emailLW, testPassword, "", 303, "/", ""},
		{"commissioner lands on insights", emailComm, testPassword, "", 303, "/insights", ""},
		{"back where they were going", emailProvA, testPassword, "/provider?org=x", 303, "/provider?org=x", ""},
		{"no open redirect", emailProvA, testPassword, "//evil.example/", 303, "/provider", ""},
		{"wrong password", emailAdmin, "guess", "", 401, "", "The e-mail address or password is not right"},
		{"unknown account", "who@example.org", testPassword, "", 401, "", "The e-mail address or password is not right"},
		{"empty: each field says what it needs, in order", "", "", "", 400, "", "Enter your e-mail address|Enter your password"},
		{"no password", emailAdmin, "", "", 400, "", "Enter your password"},
		{"no e-mail address", "", testPassword, "", 400, "", "Enter your e-mail address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := es.client(t)
			resp, doc := c.post("/login", url.Values{"email": {tt.email}, "password": {tt.password}, "next": {tt.next}})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if loc := resp.Header.Get("Location"); loc != tt.wantLocation {
				t.Errorf("Location %q, want %q", loc, tt.wantLocation)
			}
			if tt.wantError != "" {
				if got := items(doc.Find(".error-summary li")); got != tt.wantError {
					t.Errorf("error summary %q, want %q", got, tt.wantError)
				}
				for _, a := range doc.Find(".error-summary a").EachIter() {
					id := strings.TrimPrefix(a.AttrOr("href", ""), "#")
					if doc.Find("#"+id).Length() != 1 || textOf(doc.Find("#"+id+"-error")) != "Error: "+textOf(a) {
						t.Errorf("the summary's %q does not link to its field and message", textOf(a))
					}
				}
				if v, _ := doc.Find("#password").Attr("value"); v != "" {
					t.Error("the password was echoed back into the form")
				}
			}
		})
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	c := es.client(t)
	resp, _ := c.post("/login", url.Values{"email": {emailProvA}, "password": {testPassword}})
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil {
		t.Fatalf("no %s cookie in %v", sessionCookie, resp.Header["Set-Cookie"])
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", session)
	}
	if len(session.Value) != 43 {
		t.Errorf("token %q is not 256 bits in base64url", session.Value)
	}

	// The header shows who is signed in and signs out with a POST.
	_, doc := c.get("/")
	if doc.Find(`form[action="/logout"] input[name="csrf_token"]`).Length() != 1 {
		t.Fatal("no sign-out form with a CSRF field in the header")
	}
	if got := items(doc.Find(".site-header nav li a")); !strings.Contains(got, "Listings") || strings.Contains(got, "Admin") {
		t.Errorf("provider's header links: %s", got)
	}
	resp, _ = c.post("/logout", nil)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/login?done=signed-out" {
		t.Fatalf("sign out: %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, doc := c.get(resp.Header.Get("Location")); textOf(doc.Find("#done[role=status]")) != "You have signed out." {
		t.Errorf("after signing out, the sign-in page says %q", textOf(doc.Find("#done")))
	}
	// The old token no longer signs anyone in, even if replayed.
	replay := es.client(t)
	u, err := url.Parse(es.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session.Value}})
	if resp, _ := replay.get("/provider"); resp.StatusCode != 303 {
		t.Errorf("replayed token after sign-out: status %d, want 303 to sign in", resp.StatusCode)
	}
}

func TestSessionIdleExpiry(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	c := es.signedIn(t, emailProvA)
	es.clock.Advance(directory.SessionIdle - time.Minute)
	if resp, _ := c.get("/provider"); resp.StatusCode != 200 {
		t.Fatalf("within the idle limit: status %d", resp.StatusCode)
	}
	es.clock.Advance(directory.SessionIdle - time.Minute)
	if resp, _ := c.get("/provider"); resp.StatusCode != 200 {
		t.Fatalf("kept busy: status %d", resp.StatusCode)
	}
	es.clock.Advance(directory.SessionIdle)
	resp, _ := c.get("/provider")
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("after %v idle: status %d to %s, want the sign-in page", directory.SessionIdle, resp.StatusCode, resp.Header.Get("Location"))
	}
	es.clock.Advance(-10 * time.Hour) // even if the clock goes back, the session is gone
	if resp, _ := c.get("/provider"); resp.StatusCode != 303 {
		t.Errorf("an expired session came back: status %d", resp.StatusCode)
	}
}

func TestDisabledAccountIsSignedOut(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	prov := es.signedIn(t, emailProvA)
	admin := es.signedIn(t, emailAdmin)
	if resp, _ := admin.post("/admin/accounts/disable", url.Values{"email": {emailProvA}}); resp.StatusCode != 303 {
		t.Fatalf("disable: status %d", resp.StatusCode)
	}
	if resp, _ := prov.get("/provider"); resp.StatusCode != 303 {
		t.Errorf("a disabled provider still signed in: status %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/admin/accounts/disable", url.Values{"email": {emailAdmin}}); resp.StatusCode != 400 {
		t.Errorf("an admin disabled themselves: status %d", resp.StatusCode)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	admin := es.signedIn(t, emailAdmin)
	other := es.signedIn(t, emailProvA)
	foreign := other.token() // valid, but for another browser's cookie
	corr, err := es.store.AddCorrection(context.Background(), directory.Correction{ServiceID: es.ListingA, Message: "It moved."})
	if err != nil {
		t.Fatal(err)
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/login", url.Values{"email": {emailAdmin}, "password": {testPassword}}},
		{"/logout", nil},
		{"/provider/listings/" + es.ListingA + "/capacity", url.Values{"capacity": {"full"}}},
		{"/provider/listings/" + es.ListingA + "/confirm", nil},
		{"/admin/accounts", url.Values{"email": {"new@example.org"}, "role": {"admin"}, "password": {testPassword}}},
		{"/activities/" + es.ListingA + "/corrections", url.Values{"message": {"Closed now."}}},
		{"/admin/corrections/" + es.ListingA + "/" + corr.ID, url.Values{"status": {"done"}}},
	}
	tokens := []struct{ name, value string }{
		{"missing", ""},
		{"garbage", "not-a-token"},
		{"another browser's", foreign},
	}
	for _, p := range posts {
		for _, tok := range tokens {
			t.Run(p.path+"/"+tok.name, func(t *testing.T) {
				admin.t = t
				form := url.Values{"csrf_token": {tok.value}}
				for k, v := range p.form {
					form[k] = v
				}
				resp, doc := admin.post(p.path, form)
				if resp.StatusCode != http.StatusForbidden {
					t.Fatalf("status %d, want 403", resp.StatusCode)
				}
				if h := textOf(doc.Find("h1")); h != "This form has expired" {
					t.Errorf("page heading %q", h)
				}
			})
		}
	}
	// None of the refused posts changed anything.
	svc, err := es.store.Service(context.Background(), es.ListingA)
	if err != nil {
		t.Fatal(err)
	}
	if svc.Capacity == directory.CapacityFull {
		t.Error("a post without a valid CSRF token changed capacity")
	}
	if _, err := es.store.Account(context.Background(), "new@example.org"); err == nil {
		t.Error("a post without a valid CSRF token added an account")
	}
	if resp, _ := admin.get("/admin"); resp.StatusCode != 200 {
		t.Errorf("a refused sign-out signed the admin out: %d", resp.StatusCode)
	}
	if cs, err := es.store.Corrections(context.Background(), es.ListingA); err != nil || len(cs) != 1 || cs[0].Status != directory.CorrectionOpen {
		t.Errorf("a post without a valid CSRF token closed a correction: %+v, %v", cs, err)
	}
}

func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	c := es.client(t)
	for i := range loginFreeFailures {
		if resp, _ := c.post("/login", url.Values{"email": {emailProvA}, "password": {"guess " + string(rune('a'+i))}}); resp.StatusCode != 401 {
			t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
		}
	}
	resp, doc := c.post("/login", url.Values{"email": {emailProvA}, "password": {testPassword}})
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(textOf(doc.Find(".error-summary")), "Too many failed attempts") {
		t.Fatalf("right password after %d failures: status %d", loginFreeFailures, resp.StatusCode)
	}
	// Other accounts are unaffected…
	if resp, _ := es.client(t).post("/login", url.Values{"email": {emailProvB}, "password": {testPassword}}); resp.StatusCode != 303 {
		t.Errorf("another account: status %d", resp.StatusCode)
	}
	// …and waiting out the delay lets the person in.
	es.clock.Advance(loginDelay(loginFreeFailures))
	if resp, _ := c.post("/login", url.Values{"email": {emailProvA}, "password": {testPassword}}); resp.StatusCode != 303 {
		t.Errorf("after the delay: status %d", resp.StatusCode)
	}
}

func TestNoSecretsInLogs(t *testing.T) {
	t.Parallel()
	base := newSampleSite(t)
	if _, err := base.store.AddAccount(context.Background(), directory.Account{Email: emailAdmin, Role: directory.RoleAdmin}, testPassword); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cfg := base.config(nil)
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	es := &editorialSite{sampleSite: base, site: srv, ts: ts}
	c := es.client(t)
	c.post("/login", url.Values{"email": {emailAdmin}, "password": {"wrong password 123"}})
	resp, _ := c.post("/login", url.Values{"email": {emailAdmin}, "password": {testPassword}})
	var token string
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			token = ck.Value
		}
	}
	c.get("/admin")
	if token == "" || logs.Len() == 0 {
		t.Fatalf("token %q, %d bytes of log", token, logs.Len())
	}
	for _, secret := range []string{testPassword, "wrong password 123", token} {
		if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), url.QueryEscape(secret)) {
			t.Errorf("the log holds %q:\n%s", secret, logs.String())
		}
	}
}

func TestTLSCookiesAndReferer(t *testing.T) {
	t.Parallel()
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
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := ts.Client()
	hc.Jar = jar
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &client{t: t, base: ts.URL, hc: hc}
	tok := c.token()
	signIn := func(referer string) *http.Response {
		form := url.Values{"email": {emailAdmin}, "password": {testPassword}, "csrf_token": {tok}}
		req, err := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		resp, _ := c.do(req)
		return resp
	}
	if resp := signIn(""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("HTTPS post without a Referer: status %d, want 403", resp.StatusCode)
	}
	if resp := signIn("https://evil.example/login"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("HTTPS post from another site: status %d, want 403", resp.StatusCode)
	}
	resp := signIn(ts.URL + "/login")
	if resp.StatusCode != 303 {
		t.Fatalf("HTTPS sign-in: status %d", resp.StatusCode)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookieSecure {
			session = ck
		}
	}
	if session == nil || !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie under TLS: %+v", session)
	}
	if r, _ := c.get("/admin"); r.StatusCode != 200 {
		t.Errorf("signed in over TLS: /admin status %d", r.StatusCode)
	}
}

func TestMaxBodyForBoundsEachFormByWhatItHolds(t *testing.T) {
	tests := []struct {
		path string
		want int64
	}{
		{"/login", maxLoginBody},
		{"/activities/6d0c5a52-3a9b-4b8c-9d3e-2f1a0b7c8d9e/corrections", maxCorrectionBody},
		{"/provider/listings/new", maxListingBody},
		{"/provider/listings/6d0c5a52-3a9b-4b8c-9d3e-2f1a0b7c8d9e/edit", maxListingBody},
		{"/admin/import", maxImportUpload},
		{"/shortlists", maxPostBody},
	}
	for _, tt := range tests {
		if got := maxBodyFor(tt.path); got != tt.want {
			t.Errorf("maxBodyFor(%s) = %d, want %d", tt.path, got, tt.want)
		}
	}
}

func TestOversizedSignInIsRefusedBeforeItIsRead(t *testing.T) {
	es := newEditorialSite(t)
	c := es.client(t)
	// A real address and password, padded past the sign-in limit.
	resp, _ := c.post("/login", url.Values{"email": {emailAdmin}, "password": {testPassword}, "pad": {strings.Repeat("x", maxLoginBody)}})
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Fatalf("an oversized sign-in got %d, want a 4xx", resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if strings.Contains(ck.Name, "session") && ck.Value != "" {
			t.Fatalf("an oversized sign-in started a session")
		}
	}
	// The same sign-in at a normal size works.
	resp, _ = c.post("/login", url.Values{"email": {emailAdmin}, "password": {testPassword}})
	if resp.StatusCode >= 400 {
		t.Fatalf("a normal sign-in got %d", resp.StatusCode)
	}
}
