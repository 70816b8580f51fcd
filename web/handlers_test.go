package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestQualityBar checks what every page must have: a unique title, one h1,
// a skip link to main, a label for every control, no inline script or
// style (the CSP would block them) and nothing loaded from elsewhere.
func TestQualityBar(t *testing.T) {
	site := newSampleSite(t)
	id := firstActivityID(t, site)
	pages := []struct {
		path   string
		status int
	}{
		{"/", 200},
		{"/search", 200},
		{"/search?q=gardening&near=Bootle", 200},
		{"/search?q=gardening&near=Bootle&page=2", 200},
		{"/search?q=gardening&near=Bootel", 400},
		{"/search/print?q=gardening&near=Bootle", 200},
		{"/match", 200},
		{"/match?step=interests", 200},
		{"/match?step=place", 200},
		{"/match?step=fit", 200},
		{"/match?step=results&need=lonely&near=Bootle", 200},
		{"/match/print?need=lonely&near=Bootle", 200},
		{"/activities/" + id, 200},
		{"/activities/" + id + "/print", 200},
		{"/no/such/page", 404},
	}
	titles := map[string]string{}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			rec, doc := get(t, site.srv, p.path)
			if rec.Code != p.status {
				t.Fatalf("status %d, want %d", rec.Code, p.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			title := doc.Find("title").Text()
			if other, dup := titles[title]; dup {
				t.Errorf("title %q is also the title of %s", title, other)
			}
			titles[title] = p.path
			if n := doc.Find("h1").Length(); n != 1 {
				t.Errorf("%d h1 elements, want 1", n)
			}
			if doc.Find(`a.skip-link[href="#main"]`).Length() != 1 || doc.Find("main#main").Length() != 1 {
				t.Error("no skip link to main")
			}
			if lang := doc.Find("html").AttrOr("lang", ""); lang == "" {
				t.Error("html has no lang")
			}
			doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, c *goquery.Selection) {
				id := c.AttrOr("id", "")
				if id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0 {
					t.Errorf("control %s (id %q) has no label", goquery.NodeName(c), id)
				}
			})
			seen := map[string]bool{}
			doc.Find("[id]").Each(func(_ int, e *goquery.Selection) {
				if id := e.AttrOr("id", ""); seen[id] {
					t.Errorf("id %q is used twice", id)
				} else {
					seen[id] = true
				}
			})
			doc.Find("[style]").Each(func(_ int, e *goquery.Selection) {
				t.Errorf("inline style on %s", goquery.NodeName(e))
			})
			doc.Find("script").Each(func(_ int, e *goquery.Selection) {
				if src := e.AttrOr("src", ""); !strings.HasPrefix(src, "/static/") || strings.TrimSpace(e.Text()) != "" {
					t.Errorf("script %q is not a file of this site", src)
				}
			})
			doc.Find("link[href], img[src], script[src], iframe, form[action]").Each(func(_ int, e *goquery.Selection) {
				ref := e.AttrOr("href", e.AttrOr("src", e.AttrOr("action", "")))
				if u, err := url.Parse(ref); err != nil || (u.Host != "" && u.Scheme != "data") {
					t.Errorf("%s loads %q from elsewhere", goquery.NodeName(e), ref)
				}
			})
		})
	}
}

func TestPageWeight(t *testing.T) {
	site := newSampleSite(t)
	rec, doc := get(t, site.srv, "/search?near=Liverpool&radius=any")
	if n := doc.Find(".result").Length(); n != resultsPerPage {
		t.Fatalf("%d results on the page, want a full page of %d", n, resultsPerPage)
	}
	if size := rec.Body.Len(); size > 60<<10 {
		t.Errorf("search page with %d results is %d bytes, over 60 KB", resultsPerPage, size)
	}
	css := httptest.NewRecorder()
	site.srv.ServeHTTP(css, httptest.NewRequest("GET", "/static/site.css", nil))
	if css.Code != 200 || css.Body.Len() == 0 || css.Body.Len() > 30<<10 {
		t.Errorf("site.css: status %d, %d bytes; want 200 and under 30 KB", css.Code, css.Body.Len())
	}
}

func TestStaticFiles(t *testing.T) {
	site := newFakeSite(t)
	assets := site.srv.pages.tmpl.assets
	tests := []struct {
		name      string
		path      string
		status    int
		ctype     string
		immutable bool
	}{
		{"versioned CSS is cached for good", assets.CSS, 200, "text/css; charset=utf-8", true},
		{"versioned script", assets.JS, 200, "text/javascript; charset=utf-8", true},
		{"old version is cached briefly", "/static/site.css?v=000000", 200, "text/css; charset=utf-8", false},
		{"no directory listing", "/static/", 404, "", false},
		{"missing file", "/static/nope.css", 404, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			site.srv.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.ctype != "" && rec.Header().Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tt.ctype)
			}
			if got := strings.Contains(rec.Header().Get("Cache-Control"), "immutable"); tt.status == 200 && got != tt.immutable {
				t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
			}
			if rec.Header().Get("Content-Security-Policy") == "" {
				t.Error("static files lack the security headers")
			}
		})
	}
}

func TestHealthzAndErrors(t *testing.T) {
	site := newFakeSite(t)
	t.Run("healthz", func(t *testing.T) {
		rec, _ := get(t, site.srv, "/healthz")
		if rec.Code != 200 || rec.Body.String() != "ok\n" {
			t.Errorf("healthz: %d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("unknown page", func(t *testing.T) {
		rec, doc := get(t, site.srv, "/nowhere")
		if rec.Code != 404 || textOf(doc.Find("h1")) != "Page not found" {
			t.Errorf("got %d %q", rec.Code, textOf(doc.Find("h1")))
		}
	})
	t.Run("unknown activity", func(t *testing.T) {
		rec, doc := get(t, site.srv, "/activities/00000000-0000-4000-8000-000000000000")
		if rec.Code != 404 || textOf(doc.Find("h1")) != "Page not found" {
			t.Errorf("got %d %q", rec.Code, textOf(doc.Find("h1")))
		}
		if site.logs.Len() > 0 && strings.Contains(site.logs.String(), "request failed") {
			t.Errorf("a 404 was logged as a failure: %s", site.logs.String())
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		rec, _ := post(t, site.srv, "/search", url.Values{}, "", "/activities/"+gardenClub().ID)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("POST /search: %d, want 405", rec.Code)
		}
	})
	t.Run("unknown matcher step", func(t *testing.T) {
		rec, _ := get(t, site.srv, "/match?step=sideways")
		if rec.Code != 400 {
			t.Errorf("status %d, want 400", rec.Code)
		}
	})
	t.Run("panic becomes the 500 page", func(t *testing.T) {
		site.finder.panics = true
		defer func() { site.finder.panics = false }()
		rec, doc := get(t, site.srv, "/search?q=x")
		if rec.Code != 500 || !strings.Contains(textOf(doc.Find("h1")), "Sorry") {
			t.Errorf("got %d %q", rec.Code, textOf(doc.Find("h1")))
		}
		if !strings.Contains(site.logs.String(), "finder exploded") {
			t.Error("the panic was not logged")
		}
		if rec.Header().Get("Content-Security-Policy") == "" {
			t.Error("the 500 page lacks the security headers")
		}
	})
	t.Run("HEAD has no body", func(t *testing.T) {
		rec := httptest.NewRecorder()
		site.srv.ServeHTTP(rec, httptest.NewRequest("HEAD", "/", nil))
		if rec.Code != 200 || rec.Body.Len() != 0 {
			t.Errorf("HEAD /: %d with %d bytes", rec.Code, rec.Body.Len())
		}
	})
}

func TestAPIIsMountedInsideTheMiddleware(t *testing.T) {
	site := newFakeSite(t)
	var gotID string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotID = RequestID(r.Context())
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"path":"`+r.URL.Path+`"}`)
	})
	cfg := site.config()
	cfg.API = api
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/services?q=x", nil))
	if rec.Body.String() != `{"path":"/api/v1/services"}` {
		t.Errorf("API answered %q", rec.Body.String())
	}
	if gotID == "" || rec.Header().Get("X-Request-ID") != gotID || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("API response lacks the site's middleware (request id %q, headers %v)", gotID, rec.Header())
	}
	// The API's page for people lives at /api itself.
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/api", nil))
	if rec.Body.String() != `{"path":"/api"}` {
		t.Errorf("/api answered %q", rec.Body.String())
	}
}

func TestNewRequiresItsDependencies(t *testing.T) {
	full := newFakeSite(t).config()
	tests := []struct {
		name string
		drop func(*Config)
		want string
	}{
		{"no engine", func(c *Config) { c.Engine = nil }, "Config.Engine is required"},
		{"no store", func(c *Config) { c.Store = nil }, "Config.Store is required"},
		{"no gazetteer", func(c *Config) { c.Gazetteer = nil }, "Config.Gazetteer is required"},
		{"no accounts", func(c *Config) { c.Accounts = nil }, "Config.Accounts is required"},
		{"no provider area", func(c *Config) { c.Provider = nil }, "Config.Provider is required"},
		{"no admin area", func(c *Config) { c.Admin = nil }, "Config.Admin is required"},
		{"no shortlists", func(c *Config) { c.Shortlists = nil }, "Config.Shortlists is required"},
		{"no urgent help", func(c *Config) { c.HelpNow = " \n" }, "Config.HelpNow is required"},
		{"no crisis check", func(c *Config) { c.Crisis = nil }, "Config.Crisis is required"},
	}
	if _, err := New(full); err != nil {
		t.Fatalf("New with every dependency: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := full
			tt.drop(&cfg)
			if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestHomePage(t *testing.T) {
	site := newFakeSite(t)
	_, doc := get(t, site.srv, "/")
	form := doc.Find(`form[action="/search"][method=get]`)
	if form.Find("#q").Length() != 1 || form.Find("#near").Length() != 1 {
		t.Error("home has no search form with what and where")
	}
	if got := textOf(doc.Find(`label[for=q]`)); got != "What are you looking for?" {
		t.Errorf("q label %q", got)
	}
	if got := textOf(doc.Find(`label[for=near]`)); got != "Where?" {
		t.Errorf("near label %q", got)
	}
	if doc.Find(`a[href="/match"]`).Length() == 0 {
		t.Error("no way into the matcher")
	}
	lonely := doc.Find(`.tiles a[href="/search?need=lonely"]`)
	garden := doc.Find(`.tiles a[href="/search?interest=gardening"]`)
	if textOf(lonely) != "Feeling lonely or cut off" || textOf(garden) != "Gardening" {
		t.Errorf("browse tiles: %q, %q", textOf(lonely), textOf(garden))
	}
	if strings.Contains(strings.ToLower(doc.Find("main").Text()), "mental health") {
		t.Error("the home page labels people with a diagnosis")
	}
}

func TestMatchSteps(t *testing.T) {
	site := newFakeSite(t)
	t.Run("first step", func(t *testing.T) {
		_, doc := get(t, site.srv, "/match")
		if textOf(doc.Find("h1")) != "Is anything hard at the moment?" || textOf(doc.Find(".step")) != "Step 1 of 4" {
			t.Errorf("h1 %q, step %q", textOf(doc.Find("h1")), textOf(doc.Find(".step")))
		}
		if doc.Find(`input[type=checkbox][name=need]`).Length() != 20 {
			t.Errorf("%d needs offered, want all 20", doc.Find(`input[name=need]`).Length())
		}
		if v := doc.Find(`button[name=step]`).AttrOr("value", ""); v != "interests" {
			t.Errorf("continue goes to %q", v)
		}
		if href := doc.Find(".actions a").AttrOr("href", ""); href != "/match?step=interests" {
			t.Errorf("skip goes to %q", href)
		}
	})
	t.Run("answers ride along", func(t *testing.T) {
		_, doc := get(t, site.srv, "/match?step=interests&need=lonely&need=money&interest=music")
		var hidden []string
		doc.Find("input[type=hidden]").Each(func(_ int, h *goquery.Selection) {
			hidden = append(hidden, h.AttrOr("name", "")+"="+h.AttrOr("value", ""))
		})
		if strings.Join(hidden, "&") != "need=lonely&need=money" {
			t.Errorf("hidden answers %v; this step's own answer must be a checkbox, not hidden", hidden)
		}
		if _, ok := doc.Find("#interest-music").Attr("checked"); !ok {
			t.Error("the earlier answer to this step is not ticked")
		}
		if href := doc.Find(".actions a").AttrOr("href", ""); href != "/match?need=lonely&need=money&step=place" {
			t.Errorf("skip = %q; it must keep the other answers and drop this one", href)
		}
		if href := doc.Find(".back a").AttrOr("href", ""); href != "/match?interest=music&need=lonely&need=money&step=needs" {
			t.Errorf("back = %q", href)
		}
	})
	t.Run("results explain themselves", func(t *testing.T) {
		rec, doc := get(t, site.srv, "/match?step=results&need=lonely&interest=gardening&near=Bootle&free=1")
		if rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
		q := site.finder.last(t)
		if !site.finder.matched[len(site.finder.matched)-1] || !q.HasPoint || !q.Free || q.Needs[0] != "lonely" {
			t.Errorf("matcher asked the engine %+v (match=%v)", q, site.finder.matched)
		}
		answers := facts(doc.Find(".summary-list"))
		if answers["What is hard"] != "Feeling lonely or cut off" || answers["What you enjoy"] != "Gardening" ||
			answers["Where"] != "Bootle, within 5 miles" || answers["What it must fit"] != "Free" {
			t.Errorf("answers %v", answers)
		}
		if got := items(doc.Find("#result-1 .why li")); got == "" {
			t.Error("the suggestion gives no reasons")
		}
		if href := doc.Find(".tools a").AttrOr("href", ""); !strings.HasPrefix(href, "/match/print?") {
			t.Errorf("print link %q", href)
		}
	})
	t.Run("unknown place sends the person back to the place step", func(t *testing.T) {
		rec, doc := get(t, site.srv, "/match?step=results&need=lonely&near=Bootel")
		if rec.Code != 400 || doc.Find("#near").Length() != 1 {
			t.Fatalf("status %d; want 400 on the place step", rec.Code)
		}
		link := doc.Find(".did-you-mean a")
		u, _ := url.Parse(link.AttrOr("href", ""))
		if u.Query().Get("near") != "Bootle" || u.Query().Get("step") != "results" || u.Query().Get("need") != "lonely" {
			t.Errorf("did-you-mean = %q", link.AttrOr("href", ""))
		}
	})
}
