package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
	"signpost/engine"
)

// sampleSite is the real stack over the embedded sample directory: a store
// in a temporary folder, the engine and the gazetteer.
type sampleSite struct {
	store   *directory.Store
	engine  *engine.Engine
	places  *directory.Gazetteer
	basemap *directory.Basemap
	srv     *Server
	// demand counts unmet demand into the store; tests Flush it.
	demand *engine.DemandCounter
}

func (s *sampleSite) demandCounter() *engine.DemandCounter {
	if s.demand == nil {
		s.demand = engine.NewDemandCounter(s.engine, s.store, nil)
	}
	return s.demand
}

// newSampleSite opens a copy of the package's sample fixture.
func newSampleSite(tb testing.TB) *sampleSite {
	tb.Helper()
	f := sampleFiles(tb)
	store, eng := f.open(tb, "sample")
	site := &sampleSite{store: store, engine: eng, places: f.places, basemap: mustBasemap(tb)}
	var err error
	if site.srv, err = New(site.config(testNow)); err != nil {
		tb.Fatal(err)
	}
	return site
}

// config is the site's Config over the real stack: the store serves every
// area.
func (s *sampleSite) config(now func() time.Time) Config {
	return Config{Engine: s.engine, Store: s.store, Gazetteer: s.places, Now: now,
		Accounts: s.store, Provider: s.store, Admin: s.store, Shortlists: s.store,
		Basemap: s.basemap, MapPlaces: s.places.Places(), Mail: s.store, HelpNow: helpNowText(), Crisis: s.engine,
		Demand: s.demandCounter(), Insights: s.store, Provision: s.engine, Outcomes: s.store}
}

// get serves one request and parses the page.
func get(t *testing.T, h http.Handler, target string) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	return rec, doc
}

// post sends a form as a browser would: it first loads tokenPage (a page
// with a form that posts) for the CSRF cookie and field, then posts with
// both, from the given remote address.
func post(t *testing.T, h http.Handler, target string, form url.Values, remote, tokenPage string) (*httptest.ResponseRecorder, *goquery.Document) {
	t.Helper()
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest("GET", tokenPage, nil))
	pageDoc, err := goquery.NewDocumentFromReader(strings.NewReader(page.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	body := url.Values{}
	for k, v := range form {
		body[k] = v
	}
	if tok, ok := pageDoc.Find(`input[name="csrf_token"]`).Attr("value"); ok {
		body.Set("csrf_token", tok)
	}
	req := httptest.NewRequest("POST", target, strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range page.Result().Cookies() {
		req.AddCookie(c)
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	doc, err := goquery.NewDocumentFromReader(io.NopCloser(strings.NewReader(rec.Body.String())))
	if err != nil {
		t.Fatal(err)
	}
	return rec, doc
}

func textOf(s *goquery.Selection) string {
	return strings.Join(strings.Fields(s.Text()), " ")
}

// facts reads a definition list as term → description.
func facts(dl *goquery.Selection) map[string]string {
	m := map[string]string{}
	dl.Find("dt").Each(func(_ int, dt *goquery.Selection) {
		m[textOf(dt)] = textOf(dt.NextFiltered("dd"))
	})
	return m
}

// items joins the texts of the selected elements with "|".
func items(s *goquery.Selection) string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, textOf(e)) })
	return strings.Join(out, "|")
}

// parseHTML parses a fragment or page for CSS selectors.
func parseHTML(t *testing.T, s string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
