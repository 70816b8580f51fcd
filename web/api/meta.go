package api

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"strconv"
)

// HSDSVersion is the Open Referral HSDS version the API follows.
const HSDSVersion = "3.0"

// openAPIDocument describes exactly what the router serves; a test holds
// the two together.
//
//go:embed openapi.json
var openAPIDocument []byte

// root answers GET /api/v1/: which standard this is and where its
// description lives. Both are absolute URLs, as the standard asks.
func (s *server) root(w http.ResponseWriter, r *http.Request) error {
	base := s.baseURL(r)
	return writeJSON(w, http.StatusOK, struct {
		Version    string `json:"version"`
		Profile    string `json:"profile"`
		OpenAPIURL string `json:"openapi_url"`
	}{
		Version:    HSDSVersion,
		Profile:    base + "/api",
		OpenAPIURL: base + "/api/v1/openapi.json",
	})
}

// openAPI answers GET /api/v1/openapi.json.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(openAPIDocument)))
	_, err := w.Write(openAPIDocument)
	return err
}

// baseURL is the scheme and host clients reach the API at (see package
// origin: never a Host header from elsewhere).
func (s *server) baseURL(r *http.Request) string { return s.cfg.Origin.URL(r) }

//go:embed page.html
var pageHTML string

// guideTemplate is the human page at /api, parsed once when the package
// loads; a broken template fails every test at once rather than a visitor.
var guideTemplate = template.Must(template.New("api").Parse(pageHTML))

// guidePage is what the human page shows.
type guidePage struct {
	Base       string
	PerPage    int
	MaxPerPage int
}

// guide answers GET /api: a plain page for people, with curl examples.
func (s *server) guide(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	page := guidePage{Base: s.baseURL(r), PerPage: DefaultPerPage, MaxPerPage: MaxPerPage}
	if err := guideTemplate.Execute(&buf, page); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err := w.Write(buf.Bytes())
	return err
}
