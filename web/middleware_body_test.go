package web

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// zeros reads as many zero bytes as asked.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// largeUpload is a multipart body with the given fields and a file of size
// zero bytes, streamed rather than held in memory.
func largeUpload(t *testing.T, fields url.Values, size int64) (body io.Reader, length int64, contentType string) {
	t.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	for k, vs := range fields {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := mw.CreateFormFile("file", "big.json"); err != nil {
		t.Fatal(err)
	}
	prefix := bytes.Clone(head.Bytes())
	head.Reset()
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	trailer := head.Bytes()
	length = int64(len(prefix)) + size + int64(len(trailer))
	return io.MultiReader(bytes.NewReader(prefix), io.LimitReader(zeros{}, size), bytes.NewReader(trailer)), length, mw.FormDataContentType()
}

// Uploads of 50 MB, from people who may not import and from an admin's
// browser posted to by another site, leave nothing in the temporary
// folder; so does an admin's own upload of a file that is not HSDS.
func TestUploadsLeaveNoTemporaryFiles(t *testing.T) {
	es := newEditorialSite(t)
	// A server of its own around the same site, to know when each request
	// has finished on the server's side, not only on the client's.
	done := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		es.site.ServeHTTP(w, r)
	}))
	defer ts.Close()
	at := func(c *client) *client { c.base = ts.URL; return c }
	anon := at(es.client(t))
	provider := at(es.signedIn(t, emailProvA))
	admin := at(es.signedIn(t, emailAdmin))

	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // mime/multipart writes to os.TempDir

	const size = 50 << 20
	tests := []struct {
		name    string
		c       *client
		tokenIn string // "", "form" or "address"
		length  int64  // the declared length when not the real one
		want    int
	}{
		{"anonymous, no token", anon, "", 0, http.StatusForbidden},
		{"anonymous, its own token in the form", anon, "form", 0, http.StatusForbidden},
		{"anonymous, its own token in the address", anon, "address", 0, http.StatusSeeOther},
		{"provider, token in the form", provider, "form", 0, http.StatusForbidden},
		{"provider, token in the address", provider, "address", 0, http.StatusForbidden},
		{"admin, no token (another site's post)", admin, "", 0, http.StatusForbidden},
		{"admin, more than an import may be", admin, "address", maxImportUpload + 1, http.StatusRequestEntityTooLarge},
		{"admin, a file that is not HSDS", admin, "address", 0, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.t = t
			fields, target := url.Values{}, ts.URL+"/admin/import"
			switch tt.tokenIn {
			case "form":
				fields.Set("csrf_token", tt.c.token())
				<-done // the token's page
			case "address":
				target += "?csrf_token=" + url.QueryEscape(tt.c.token())
				<-done
			}
			body, length, ct := largeUpload(t, fields, size)
			req, err := http.NewRequest(http.MethodPost, target, body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = length
			if tt.length != 0 {
				req.ContentLength = tt.length
				req.Body = io.NopCloser(io.LimitReader(io.MultiReader(body, zeros{}), tt.length))
			}
			req.Header.Set("Content-Type", ct)
			resp, err := tt.c.hc.Do(req)
			<-done
			// A server that refuses a body unread may close the connection
			// while the client still writes it; the answer may then be lost.
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
				}
			} else {
				t.Logf("no answer read: %v", err)
			}
			left, err := os.ReadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range left {
				info, _ := e.Info()
				t.Errorf("left behind: %s (%d bytes)", e.Name(), info.Size())
				os.Remove(tmp + "/" + e.Name())
			}
		})
	}
}

// A multipart body sent to a form that takes no file is refused unread.
func TestMultipartRefusedWhereNoUpload(t *testing.T) {
	es := newEditorialSite(t)
	c := es.client(t)
	body, length, ct := largeUpload(t, url.Values{"email": {emailAdmin}, "password": {testPassword}}, 0)
	req, err := http.NewRequest(http.MethodPost, es.ts.URL+"/login?csrf_token="+url.QueryEscape(c.token()), body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", ct)
	resp, _ := c.do(req)
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("status %d, want 415", resp.StatusCode)
	}
}

// The import form says where its token goes, and an admin's upload
// through it works.
func TestImportFormCarriesItsTokenInTheAddress(t *testing.T) {
	es := newEditorialSite(t)
	admin := es.signedIn(t, emailAdmin)
	_, doc := admin.get("/admin/import")
	action, _ := doc.Find(`form[enctype="multipart/form-data"]`).Attr("action")
	u, err := url.Parse(action)
	if err != nil || u.Path != "/admin/import" || u.Query().Get("csrf_token") == "" {
		t.Fatalf("import form action %q has no token", action)
	}
	body, length, ct := largeUpload(t, url.Values{"dry-run": {"1"}}, 0)
	req, err := http.NewRequest(http.MethodPost, es.ts.URL+action, body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = length
	req.Header.Set("Content-Type", ct)
	resp, doc := admin.do(req)
	// An empty file holds no records: the import's own report, past CSRF
	// and the guard.
	if resp.StatusCode != http.StatusOK || !strings.Contains(textOf(doc.Find("#report-title + p")), "0 records read") {
		t.Errorf("status %d: %s", resp.StatusCode, textOf(doc.Find("main")))
	}
}

func TestBoundBodies(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	pages := &renderer{tmpl: tmpl, log: slog.New(slog.DiscardHandler)}
	var read int64
	h := boundBodies(pages)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		read = n
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
	}))
	tests := []struct {
		name, method, path, contentType string
		body                            int64
		declared                        bool
		want                            int
		wantRead                        int64
	}{
		{"a GET passes as it is", "GET", "/search", "", 0, false, 200, 0},
		{"a sign-in within its bound", "POST", "/login", "application/x-www-form-urlencoded", 100, true, 200, 100},
		{"a declared length over the bound is refused unread", "POST", "/login", "application/x-www-form-urlencoded", maxLoginBody + 1, true, 413, 0},
		{"an undeclared length is cut off at the bound", "POST", "/login", "application/x-www-form-urlencoded", maxLoginBody + 1, false, 413, maxLoginBody},
		{"a file where no file is taken", "POST", "/shortlists", "multipart/form-data; boundary=x", 100, true, 415, 0},
		{"a file where files are taken", "POST", "/admin/import", "multipart/form-data; boundary=x", 100, true, 200, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read = 0
			req := httptest.NewRequest(tt.method, tt.path, io.LimitReader(zeros{}, tt.body))
			req.ContentLength = -1
			if tt.declared {
				req.ContentLength = tt.body
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want || read != tt.wantRead {
				t.Errorf("status %d having read %d bytes, want %d having read %d", rec.Code, read, tt.want, tt.wantRead)
			}
		})
	}
}
