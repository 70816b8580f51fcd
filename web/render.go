package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// BasePage is what every page shares; page structs embed it. Areas added
// later (link workers, providers, admins) set their own fields on their
// page structs and use the same layout.
type BasePage struct {
	// Title is the page's own title, unique to it; the layout adds the
	// site's name.
	Title string
	// Print drops the site's header, navigation, footer and scripts, for
	// the print views.
	Print bool
	// Nav marks the current section in the header ("search", "match").
	Nav string
	// QuickExit shows the "Leave this page quickly" button: on pages about
	// feeling unsafe at home (see quickexit.go).
	QuickExit bool
	// Crisis opens the page with the urgent-help panel, speaking to the
	// person ("you") or to a link worker about them ("them"): the words
	// typed or noted hold crisis language (see crisis.go).
	Crisis crisisFor
	// UrgentHelp is the panel's numbers, set by render when Crisis is.
	UrgentHelp template.HTML
	// CurrentList is the list "Add to list" buttons add to, set by render
	// (nil on print views).
	CurrentList *currentListView

	// Set by render.

	// Flash is the confirmation the address asks for (?done=), shown by
	// the "flash" partial.
	Flash flash
	// Assets are the versioned URLs of the CSS and script.
	Assets assets
	// Session is the signed-in account, if any, and the CSRF field every
	// form that posts must carry ({{.Session.CSRFField}}).
	Session sessionView
}

func (b *BasePage) base() *BasePage { return b }

// page is any page struct: one that embeds BasePage.
type page interface{ base() *BasePage }

// checkGroup is a list of checkboxes sharing one parameter name.
type checkGroup struct {
	Name    string
	Options []option
}

// assets are the URLs of the static files, each with a version taken from
// its content so that a changed file is never served from a stale cache.
type assets struct {
	CSS string
	JS  string
}

// templates holds every page, each parsed once with the layout and the
// partials.
type templates struct {
	pages  map[string]*template.Template
	assets assets
	static fs.FS
	// buffers holds page buffers between requests: a results page is
	// about 40 KB, and growing a fresh buffer to that size for every
	// request made a tenth of the garbage under load.
	buffers sync.Pool
}

// maxPooledBuffer is the largest buffer kept for reuse, so that one huge
// page (an admin list) does not stay in memory for good.
const maxPooledBuffer = 256 << 10

// pageNames are the files in templates/pages, without .html.
var pageNames = []string{"home", "help-now", "search", "search-print", "match", "activity", "activity-print", "error",
	"login", "provider-home", "provider-edit", "provider-history", "provider-restore",
	"admin-home", "admin-queue", "admin-review", "admin-organizations", "admin-accounts", "admin-stale",
	"admin-corrections", "admin-import", "admin-teams", "admin-feeds", "admin-duplicates",
	"shortlist_index", "shortlist_list", "shortlist_print", "shortlist_shared", "shortlist_add", "shortlist_profile",
	"account-password", "password-reset", "still-running", "admin-reset", "admin-outbox", "insights", "provider-outcomes"}

func parseTemplates() (*templates, error) {
	funcs := template.FuncMap{
		"plural": pluralWord,
		// group names a list of checkboxes for the "checkboxes" partial.
		"group": func(name string, opts []option) checkGroup { return checkGroup{name, opts} },
		// withList and addButton give each "Add to list" button the
		// current list.
		"withList": withList,
		// profileField is one box of the profile form.
		"profileField": func(probs problemList, id, label, hint, value, autocomplete, max string) profileField {
			return profileField{Problems: probs, ID: id, Label: label, Hint: hint, Value: value, Autocomplete: autocomplete, Max: max}
		},
		"addButton": newAddButton,
		// field describes one text input of a row of the listing form.
		"field": func(p *editPage, prefix, name, label, value string, max int) textField {
			id := prefix + name
			return textField{ID: id, Label: label, Value: value, Max: max, Problem: p.Problems.For(id), Focus: p.Focus == id}
		},
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, name := range pageNames {
		tmpl, err := template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials/*.html", "templates/pages/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		if tmpl.Lookup("main") == nil {
			return nil, fmt.Errorf("web: template %s defines no \"main\"", name)
		}
		t.pages[name] = tmpl
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	t.static = static
	if t.assets.CSS, err = versioned(static, "site.css"); err != nil {
		return nil, err
	}
	if t.assets.JS, err = versioned(static, "site.js"); err != nil {
		return nil, err
	}
	return t, nil
}

func versioned(static fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(static, name)
	if err != nil {
		return "", fmt.Errorf("web: static file %s: %w", name, err)
	}
	sum := sha256.Sum256(b)
	return "/static/" + name + "?v=" + hex.EncodeToString(sum[:6]), nil
}

// renderer draws pages and error pages. Every area's handlers share one:
// it holds the templates and the log, and nothing of the stores.
type renderer struct {
	tmpl *templates
	log  *slog.Logger
	// current finds the request's current list for the header and the
	// add buttons; nil draws pages without one.
	current func(*http.Request) *currentListView
	// urgent is the urgent-help panel's numbers (help-now.md's lead).
	urgent template.HTML
}

// render executes a page into a buffer first, so that a template fault
// becomes a clean 500 page rather than half a page with a 200 status.
func (rd *renderer) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	b := p.base()
	b.Assets = rd.tmpl.assets
	b.Session = sessionViewOf(r)
	b.Flash = flashOf(r)
	if rd.current != nil && !b.Print && b.CurrentList == nil {
		b.CurrentList = rd.current(r)
	}
	if b.Crisis != "" && !b.Print {
		b.UrgentHelp = rd.urgent
	}
	tmpl, ok := rd.tmpl.pages[name]
	buf, _ := rd.tmpl.buffers.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxPooledBuffer {
			buf.Reset()
			rd.tmpl.buffers.Put(buf)
		}
	}()
	err := fmt.Errorf("no page template %q", name)
	if ok {
		err = tmpl.ExecuteTemplate(buf, "layout", p)
	}
	if err != nil {
		rd.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		if name != "error" {
			rd.render(w, r, http.StatusInternalServerError, "error", &errorPage{
				BasePage:  BasePage{Title: "Sorry, there is a problem with the service"},
				Heading:   "Sorry, there is a problem with the service",
				Message:   "Try again later. If it keeps happening, tell us the reference below.",
				RequestID: RequestID(r.Context()),
			})
			return
		}
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages hold what a person searched for; keep them out of shared caches.
	h.Set("Cache-Control", "private, no-cache")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// serveStatic serves the embedded CSS, script and images. A request that
// names the current version may be cached for a year.
func (rd *renderer) serveStatic() http.Handler {
	files := http.FileServerFS(rd.tmpl.static)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("v"); v != "" && strings.HasSuffix(rd.tmpl.assetURL(r.URL.Path), "?v="+v) {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		if strings.HasSuffix(r.URL.Path, "/") || r.URL.Path == "" {
			http.NotFound(w, r) // no directory listings
			return
		}
		files.ServeHTTP(w, r)
	}))
}

func (t *templates) assetURL(name string) string {
	switch path.Clean("/" + name) {
	case "/site.css":
		return t.assets.CSS
	case "/site.js":
		return t.assets.JS
	}
	return ""
}
