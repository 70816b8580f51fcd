package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// listSite is the sample site served on a real listener, with accounts
// signed in through the session machinery, for the shortlist tests.
type listSite struct {
	*sampleSite
	ts *httptest.Server
}

func newListSite(t *testing.T) *listSite {
	t.Helper()
	site := newSampleSite(t)
	ts := httptest.NewServer(site.srv)
	t.Cleanup(ts.Close)
	return &listSite{sampleSite: site, ts: ts}
}

// visitor is one browser: its own cookies, following redirects.
type visitor struct {
	t    *testing.T
	site *listSite
	c    *http.Client
}

func (s *listSite) visitor(t *testing.T) *visitor {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &visitor{t: t, site: s, c: &http.Client{Jar: jar}}
}

// linkWorker is a visitor signed in as a new link worker account.
func (s *listSite) linkWorker(t *testing.T, email string) *visitor {
	return s.signedIn(t, email, directory.RoleLinkWorker)
}

func (s *listSite) signedIn(t *testing.T, email string, role directory.Role) *visitor {
	t.Helper()
	ctx := context.Background()
	a := directory.Account{Email: email, Role: role}
	if _, err := s.store.AddAccount(ctx, a, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	v := s.visitor(t)
	v.startSession(email)
	return v
}

// startSession signs the visitor in as email with a new session, as the
// sign-in form would.
func (v *visitor) startSession(email string) {
	v.t.Helper()
	token, err := v.site.store.CreateSession(context.Background(), email)
	if err != nil {
		v.t.Fatal(err)
	}
	u, err := url.Parse(v.site.ts.URL)
	if err != nil {
		v.t.Fatal(err)
	}
	v.c.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
}

// page is a response with its body read and parsed.
type testPage struct {
	status int
	url    *url.URL
	header http.Header
	body   string
	doc    *goquery.Document
}

func (v *visitor) do(req *http.Request) *testPage {
	v.t.Helper()
	resp, err := v.c.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		v.t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		v.t.Fatal(err)
	}
	return &testPage{status: resp.StatusCode, url: resp.Request.URL, header: resp.Header, body: string(body), doc: doc}
}

func (v *visitor) get(path string) *testPage {
	v.t.Helper()
	target := path
	if strings.HasPrefix(path, "/") {
		target = v.site.ts.URL + path
	}
	req, err := http.NewRequest("GET", target, nil)
	if err != nil {
		v.t.Fatal(err)
	}
	return v.do(req)
}

// submit fills in and posts the form matched by sel on p, as a browser
// would: the form's own fields (the CSRF token among them) plus values.
func (v *visitor) submit(p *testPage, sel string, values url.Values) *testPage {
	v.t.Helper()
	target, fields := v.fillForm(p, sel, "input, textarea", values)
	return v.post(target, fields)
}

// fillForm reads the form matched by sel on p: the address it posts to,
// and the fields matched by fieldSel as the page fills them in (unticked
// checkboxes left out), with values on top.
func (v *visitor) fillForm(p *testPage, sel, fieldSel string, values url.Values) (string, url.Values) {
	v.t.Helper()
	form := p.doc.Find(sel).First()
	if form.Length() == 0 {
		v.t.Fatalf("no form %q on %s", sel, p.url)
	}
	fields := url.Values{}
	form.Find(fieldSel).Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		typ, _ := in.Attr("type")
		if name == "" || (typ == "checkbox" && !in.Is("[checked]")) {
			return
		}
		if in.Is("textarea") {
			fields.Set(name, in.Text())
			return
		}
		val, _ := in.Attr("value")
		fields.Set(name, val)
	})
	for k, vals := range values {
		fields[k] = vals
	}
	action, _ := form.Attr("action")
	u, err := p.url.Parse(action)
	if err != nil {
		v.t.Fatal(err)
	}
	return u.String(), fields
}

// post sends a form with a CSRF token taken from any page of the site, for
// requests no page of this visitor offers (trying someone else's list).
func (v *visitor) post(target string, fields url.Values) *testPage {
	v.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = v.site.ts.URL + target
	}
	if fields.Get("csrf_token") == "" {
		if tok, ok := v.get("/my-list").doc.Find("input[name=csrf_token]").Attr("value"); ok {
			fields.Set("csrf_token", tok)
		}
	}
	req, err := http.NewRequest("POST", target, strings.NewReader(fields.Encode()))
	if err != nil {
		v.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return v.do(req)
}

// sampleServices returns n published sample activities that have a place,
// a schedule and a phone, so every line of a list shows.
func (s *listSite) sampleServices(t *testing.T, n int) []*directory.Service {
	t.Helper()
	var out []*directory.Service
	err := s.store.EachService(context.Background(), func(svc *directory.Service) error {
		if len(out) < n && svc.Status == directory.StatusActive && len(svc.PhysicalPoints()) > 0 &&
			len(svc.Days()) > 0 && len(svc.Phones) > 0 && svc.Capacity != directory.CapacityFull && svc.Capacity != directory.CapacityPaused {
			out = append(out, svc)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < n {
		t.Fatalf("the sample directory has %d complete activities, want %d", len(out), n)
	}
	return out
}
