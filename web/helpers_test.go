package web

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/data"
	"signpost/directory"
	"signpost/engine"
)

// testClock pins dates shown on pages.
var testNow = func() time.Time { return time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC) }

// sampleSite is the real stack over the embedded sample directory: a store
// in a temporary folder, the engine and the gazetteer.
type sampleSite struct {
	store  *directory.Store
	engine *engine.Engine
	places *directory.Gazetteer
	srv    *Server
}

func newSampleSite(tb testing.TB) *sampleSite {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	store, err := directory.Open(filepath.Join(dir, "signpost.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	im, err := store.BeginImport(ctx, "sample", directory.Save{Actor: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	sc := bufio.NewScanner(data.SampleServices())
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var svc directory.Service
		if err := json.Unmarshal(sc.Bytes(), &svc); err != nil {
			tb.Fatal(err)
		}
		if err := im.Put(ctx, &svc); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := im.Commit(ctx); err != nil {
		tb.Fatal(err)
	}
	basemap := mustBasemap(tb)
	eng, err := engine.Open(filepath.Join(dir, "index"), store, engine.WithClock(testNow), engine.WithWaters(basemap))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { eng.Close() })
	store.Watch(func(ch directory.Change) { eng.Apply(context.Background(), ch) })
	places, err := directory.LoadGazetteer(data.Gazetteer())
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := New(Config{Engine: eng, Store: store, Gazetteer: places, Now: testNow, Basemap: basemap, MapPlaces: places.Places()})
	if err != nil {
		tb.Fatal(err)
	}
	return &sampleSite{store: store, engine: eng, places: places, srv: srv}
}

// mustBasemap loads the embedded basemap and water names.
func mustBasemap(tb testing.TB) *directory.Basemap {
	tb.Helper()
	b, err := directory.LoadBasemap(data.Basemap(), data.WaterNames())
	if err != nil {
		tb.Fatal(err)
	}
	return b
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
