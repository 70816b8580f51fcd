package web

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"signpost/directory/directorytest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Test accounts of the editorial site; every one has testPassword.
const (
	testPassword = "correct horse battery"
	emailAdmin   = "admin@example.org"
	emailProvA   = "a@provider.example"
	emailProvB   = "b@provider.example"
	emailLW      = "lw@example.org"
	emailComm    = "commissioner@example.org"
)

// editorialSite is the real stack with sign-in: a copy of the sample
// directory's store with an account for every role (the fixture's
// "editorial" files), the engine kept in step by Watch, and a real server
// on a free port.
type editorialSite struct {
	*sampleSite
	site  *Server
	ts    *httptest.Server
	clock *directorytest.Clock
	// OrgA and OrgB are organisations of the sample; ListingA and ListingB
	// are one listing of each.
	OrgA, OrgB         string
	ListingA, ListingB string
}

func newEditorialSite(t testing.TB) *editorialSite {
	t.Helper()
	f := sampleFiles(t)
	store, eng := f.open(t, "editorial")
	base := &sampleSite{store: store, engine: eng, places: f.places}
	clock := directorytest.NewClock(editorialNow)
	store.SetClock(clock.Now)
	srv, err := New(base.config(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	base.srv = srv
	es := &editorialSite{sampleSite: base, site: srv, clock: clock,
		OrgA: f.orgA, OrgB: f.orgB, ListingA: f.listingA, ListingB: f.listingB}
	es.ts = httptest.NewServer(srv)
	t.Cleanup(es.ts.Close)
	return es
}

// client is one browser: a cookie jar, no automatic redirects.
type client struct {
	t    testing.TB
	base string
	hc   *http.Client
}

func (es *editorialSite) client(t testing.TB) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: es.ts.URL, hc: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signedIn returns a client signed in as email, or an anonymous one for "".
func (es *editorialSite) signedIn(t testing.TB, email string) *client {
	t.Helper()
	c := es.client(t)
	if email != "" {
		resp, _ := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: status %d", email, resp.StatusCode)
		}
	}
	return c
}

func (c *client) do(req *http.Request) (*http.Response, *goquery.Document) {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp, doc
}

func (c *client) get(path string) (*http.Response, *goquery.Document) {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// token fetches a CSRF token for this client's cookie from the sign-in
// form, which every client can load.
func (c *client) token() string {
	c.t.Helper()
	_, doc := c.get("/login")
	tok, ok := doc.Find(`input[name="csrf_token"]`).Attr("value")
	if !ok || tok == "" {
		c.t.Fatal("no CSRF field on /login")
	}
	return tok
}

// post sends a form with a valid CSRF token, unless the form already has a
// csrf_token entry (set it to "" to send none).
func (c *client) post(path string, form url.Values) (*http.Response, *goquery.Document) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf_token"]; !set {
		form.Set("csrf_token", c.token())
	} else if form.Get("csrf_token") == "" {
		form.Del("csrf_token")
	}
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// formValues reads the named form's fields as a browser would submit them
// (text inputs, textareas, selected options, ticked boxes), so a test can
// change one field and send the rest unchanged.
func formValues(doc *goquery.Document, selector string) url.Values {
	v := url.Values{}
	form := doc.Find(selector)
	form.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		typ, _ := in.Attr("type")
		val, _ := in.Attr("value")
		switch {
		case name == "", typ == "submit":
		case typ == "checkbox" || typ == "radio":
			if _, on := in.Attr("checked"); on {
				v.Add(name, val)
			}
		default:
			v.Add(name, val)
		}
	})
	form.Find("textarea").Each(func(_ int, ta *goquery.Selection) {
		name, _ := ta.Attr("name")
		v.Add(name, ta.Text())
	})
	form.Find("select").Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		val, _ := sel.Find("option[selected]").Attr("value")
		v.Add(name, val)
	})
	return v
}
