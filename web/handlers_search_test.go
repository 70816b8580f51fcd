package web

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/engine"
)

func TestSearchResolvesThePlaceForTheEngine(t *testing.T) {
	site := newFakeSite(t)
	tests := []struct {
		name     string
		target   string
		lat, lon float64
		radiusM  float64
	}{
		{"town with the default radius, 5 miles", "/search?q=gardening&near=bootle", 53.446, -2.992, 5 * engine.MetresPerMile},
		{"postcode to its district", "/search?near=L20+3AB&radius=2", 0, 0, 2 * engine.MetresPerMile},
		{"typed coordinates", "/search?near=53.4,-2.9&radius=any", 53.4, -2.9, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := get(t, site.srv, tt.target)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			q := site.finder.last(t)
			if !q.HasPoint || q.RadiusM != tt.radiusM {
				t.Fatalf("query HasPoint=%v RadiusM=%v, want a point and %v", q.HasPoint, q.RadiusM, tt.radiusM)
			}
			if tt.lat != 0 && (math.Abs(q.Lat-tt.lat) > 1e-6 || math.Abs(q.Lon-tt.lon) > 1e-6) {
				t.Errorf("point %v,%v, want %v,%v", q.Lat, q.Lon, tt.lat, tt.lon)
			}
		})
	}
	t.Run("filters reach the engine", func(t *testing.T) {
		get(t, site.srv, "/search?q=walk&free=1&day=TU&delivery=online&need=lonely&interest=walking&activity=class&sort=nearest&page=2")
		q := site.finder.last(t)
		if q.Text != "walk" || !q.Free || q.Day != "TU" || q.Delivery != "online" || q.Sort != engine.SortNearest || q.Page != 2 || q.Size != resultsPerPage ||
			strings.Join(q.Needs, ",") != "lonely" || strings.Join(q.Interests, ",") != "walking" || strings.Join(q.Activities, ",") != "class" {
			t.Errorf("engine query = %+v", q)
		}
	})
}

func TestSearchPage(t *testing.T) {
	site := newFakeSite(t)
	rec, doc := get(t, site.srv, "/search?q=gardening&near=Bootle&free=1")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	checks := []struct {
		name, sel, want string
	}{
		{"title names the search", "title", "Search results for ‘gardening’ near Bootle – Signpost"},
		{"result count heading", "#results-heading", "1 activity found for ‘gardening’ near Bootle"},
		{"result links to its page", "#result-1 h3 a", "Bootle Garden Club"},
		{"organisation", "#result-1 .org", "Friends of Derby Park"},
		{"why heading", "#result-1 .why h4", "Why this is suggested"},
		{"free facet count", "label[for=free]", "Free (1)"},
		{"interest facet count", "label[for=interest-gardening]", "Gardening (1)"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := textOf(doc.Find(c.sel)); !strings.Contains(got, c.want) {
				t.Errorf("%s = %q, want it to contain %q", c.sel, got, c.want)
			}
		})
	}
	t.Run("facts", func(t *testing.T) {
		got := facts(doc.Find("#result-1 .facts"))
		want := map[string]string{"Distance": "0.3 miles away", "Where": "Derby Park, Park Road, Bootle, L20 3AB",
			"When": "Tuesdays and Thursdays", "Cost": "Free", "Places": "Waiting list"}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %q, want %q", k, got[k], v)
			}
		}
	})
	t.Run("why reasons", func(t *testing.T) {
		if got := items(doc.Find("#result-1 .why li")); got != "You said you enjoy: gardening|0.3 miles away" {
			t.Errorf("reasons = %q", got)
		}
	})
	t.Run("practical facts are not repeated as reasons", func(t *testing.T) {
		if strings.Contains(textOf(doc.Find("#result-1 .why")), "Free") {
			t.Errorf("why list repeats the cost: %q", textOf(doc.Find("#result-1 .why")))
		}
	})
	t.Run("form keeps what was asked", func(t *testing.T) {
		if v, _ := doc.Find("#q").Attr("value"); v != "gardening" {
			t.Errorf("q = %q", v)
		}
		if v, _ := doc.Find("#near").Attr("value"); v != "Bootle" {
			t.Errorf("near = %q", v)
		}
		if _, ok := doc.Find("#free").Attr("checked"); !ok {
			t.Error("Free is not ticked")
		}
		if v := doc.Find("#radius option[selected]").AttrOr("value", ""); v != "5" {
			t.Errorf("radius selected = %q, want the default 5", v)
		}
	})
	t.Run("map markers link to results", func(t *testing.T) {
		markers := doc.Find("svg.map a")
		if markers.Length() != 1 || markers.AttrOr("href", "") != "#result-1" {
			t.Fatalf("map links: %d, first %q", markers.Length(), markers.AttrOr("href", ""))
		}
		if doc.Find(".map-you").Length() != 1 || doc.Find(".map-water").Length() != 1 {
			t.Error("map lacks the searched place or the water")
		}
	})
	t.Run("printable list keeps the search", func(t *testing.T) {
		href := doc.Find(".tools a").AttrOr("href", "")
		u, _ := url.Parse(href)
		if u.Path != "/search/print" || u.Query().Get("q") != "gardening" || u.Query().Get("free") != "1" {
			t.Errorf("print link = %q", href)
		}
	})
}

func TestSearchUnknownPlace(t *testing.T) {
	site := newFakeSite(t)
	rec, doc := get(t, site.srv, "/search?q=gardening&near=Bootel")
	if rec.Code != 400 {
		t.Errorf("status %d, want 400", rec.Code)
	}
	if got := textOf(doc.Find(".error-summary li a")); got != "We couldn't find 'Bootel'. Did you mean Bootle?" {
		t.Errorf("error summary = %q", got)
	}
	if href := doc.Find(".error-summary li a").AttrOr("href", ""); href != "#near" || doc.Find("#near").Length() != 1 {
		t.Errorf("summary links to %q; it must reach the place field", href)
	}
	link := doc.Find(".did-you-mean a")
	u, _ := url.Parse(link.AttrOr("href", ""))
	if textOf(link) != "Bootle" || u.Query().Get("near") != "Bootle" || u.Query().Get("q") != "gardening" {
		t.Errorf("did-you-mean link %q → %q, want Bootle keeping the words", textOf(link), link.AttrOr("href", ""))
	}
	if doc.Find("#near-error").Length() != 1 || !strings.Contains(doc.Find("#near").AttrOr("aria-describedby", ""), "near-error") {
		t.Error("the place field does not carry its error")
	}
	if strings.HasPrefix(doc.Find("title").Text(), "Error: ") == false {
		t.Errorf("title %q should start with Error:", doc.Find("title").Text())
	}
	if len(site.finder.queries) != 0 {
		t.Error("the engine was asked about an unknown place")
	}

	t.Run("nonsense gets advice instead of a suggestion", func(t *testing.T) {
		_, doc := get(t, site.srv, "/search?near=Xyzzyqwv")
		if got := textOf(doc.Find(".error-summary")); !strings.Contains(got, "We couldn't find 'Xyzzyqwv'. Try a town") {
			t.Errorf("summary = %q", got)
		}
	})
}

func TestSearchBadValueShowsAnErrorSummary(t *testing.T) {
	site := newFakeSite(t)
	tests := []struct {
		target, field, want string
	}{
		{"/search?day=someday", "day", "Choose a day from the list"},
		{"/search?need=sadness", "need", "Choose what is hard at the moment from the list"},
		{"/search?page=0", "page", "Choose a page of results from the links"},
		{"/search?near=Bootle&radius=far", "radius", "Choose a distance"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec, doc := get(t, site.srv, tt.target)
			if rec.Code != 400 {
				t.Errorf("status %d, want 400", rec.Code)
			}
			a := doc.Find(".error-summary a")
			if a.AttrOr("href", "") != "#"+tt.field || !strings.Contains(textOf(a), tt.want) {
				t.Errorf("summary link %q %q, want #%s and %q", a.AttrOr("href", ""), textOf(a), tt.field, tt.want)
			}
		})
	}
}

func TestSearchNoResultsAdvice(t *testing.T) {
	site := newFakeSite(t)
	site.finder.results = &engine.Results{}
	site.finder.relaxations = []engine.Relaxation{
		{Kind: engine.RelaxFilter, Field: engine.FieldFree, Count: 3},
		{Kind: engine.RelaxFilter, Field: engine.FieldInterests, Value: "gardening", Count: 1},
		{Kind: engine.RelaxFurther, Field: engine.FieldRadius, Value: fmt.Sprint(4 * engine.MetresPerMile), Count: 2},
		{Kind: engine.RelaxFurther, Field: engine.FieldRadius, Value: "0", Count: 40},
		{Kind: engine.RelaxNeed, Field: engine.FieldNeeds, Value: "lonely", Count: 7, Query: engine.Query{Needs: []string{"lonely"}}},
		{Kind: engine.RelaxWords, Field: engine.FieldText, Count: 12},
		{Kind: engine.RelaxFilter, Field: engine.FieldDay, Value: "TU", Count: 0},
		{Kind: engine.RelaxFilter, Field: engine.FieldLanguage, Value: "pl", Count: 5},
	}
	_, doc := get(t, site.srv, "/search?q=pottery+club&near=Bootle&radius=2&free=1&interest=gardening")
	var advice []string
	doc.Find(".no-results li").Each(func(_ int, li *goquery.Selection) {
		advice = append(advice, textOf(li)+" → "+li.Find("a").AttrOr("href", ""))
	})
	want := []string{
		"Include activities that cost something – 3 activities → /search?interest=gardening&near=Bootle&q=pottery+club&radius=2",
		"Remove the filter ‘Gardening’ – 1 activity → /search?free=1&near=Bootle&q=pottery+club&radius=2",
		"Look further away (within 4 miles) – 2 activities → /search?free=1&interest=gardening&near=Bootle&q=pottery+club&radius=4",
		"Look further away (any distance) – 40 activities → /search?free=1&interest=gardening&near=Bootle&q=pottery+club&radius=any",
		"Show everything for ‘feeling lonely or cut off’ – 7 activities → /search?free=1&interest=gardening&near=Bootle&need=lonely&radius=2",
		"Leave out the words ‘pottery club’ – 12 activities → /search?free=1&interest=gardening&near=Bootle&radius=2",
		"answer a few questions and see what fits best → /match",
	}
	if strings.Join(advice, "\n") != strings.Join(want, "\n") {
		t.Errorf("advice:\n%s\nwant:\n%s", strings.Join(advice, "\n"), strings.Join(want, "\n"))
	}
	if doc.Find(".results, svg.map").Length() != 0 {
		t.Error("an empty search shows a list or a map")
	}
	t.Run("a distance the list lacks is offered", func(t *testing.T) {
		_, doc := get(t, site.srv, "/search?q=pottery&near=Bootle&radius=4")
		if got := textOf(doc.Find("#radius option[selected]")); got != "Within 4 miles" {
			t.Errorf("selected distance = %q", got)
		}
	})
	t.Run("nothing to suggest", func(t *testing.T) {
		site.finder.relaxations = nil
		_, doc := get(t, site.srv, "/search?q=pottery")
		if doc.Find(".no-results li").Length() != 0 || !strings.Contains(textOf(doc.Find(".no-results")), "Try a more general word") {
			t.Errorf("no-results block = %q", textOf(doc.Find(".no-results")))
		}
	})
}

func TestSearchPagination(t *testing.T) {
	site := newFakeSite(t)
	site.finder.results.Total = 45
	_, doc := get(t, site.srv, "/search?q=garden&page=2")
	nav := doc.Find("nav.pagination")
	if got := textOf(nav.Find("span")); got != "Page 2 of 3" {
		t.Errorf("pagination says %q", got)
	}
	if prev := nav.Find("a[rel=prev]").AttrOr("href", ""); prev != "/search?q=garden" {
		t.Errorf("previous = %q", prev)
	}
	if next := nav.Find("a[rel=next]").AttrOr("href", ""); next != "/search?page=3&q=garden" {
		t.Errorf("next = %q", next)
	}
	if got := doc.Find("title").Text(); !strings.Contains(got, "page 2") {
		t.Errorf("title %q does not say the page, so it is not unique", got)
	}
	if doc.Find("#result-21").Length() != 1 {
		t.Error("results on page 2 are not numbered from 21")
	}
}

func TestSearchEngineFailureIsA500(t *testing.T) {
	site := newFakeSite(t)
	site.finder.err = errors.New("index on fire")
	rec, doc := get(t, site.srv, "/search?q=x")
	if rec.Code != 500 {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	ref := textOf(doc.Find("code"))
	if len(ref) != 16 || ref != rec.Header().Get("X-Request-ID") {
		t.Errorf("page shows reference %q, want the request id %q", ref, rec.Header().Get("X-Request-ID"))
	}
	if strings.Contains(rec.Body.String(), "index on fire") {
		t.Error("the page leaks the internal error")
	}
	if !strings.Contains(site.logs.String(), "index on fire") || !strings.Contains(site.logs.String(), ref) {
		t.Errorf("the error is not logged with its request id:\n%s", site.logs.String())
	}
}
