package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// The maps on the real pages, over the sample directory.
func TestMapsOnPages(t *testing.T) {
	site := newSampleSite(t)

	t.Run("search: land and water, names, pins that are the results", func(t *testing.T) {
		_, doc := get(t, site.srv, "/search?q=gardening&near=Bootle")
		svg := doc.Find(".results-panel svg.map")
		if svg.Length() != 1 {
			t.Fatal("no map on the search page")
		}
		if svg.Find("path.map-water").Length() != 1 {
			t.Error("no land and water")
		}
		if n := svg.Find(".map-town text, .map-hood text").Length(); n < 3 {
			t.Errorf("%d place labels, want at least 3", n)
		}
		pins := svg.Find("a[href^='#result-']")
		if pins.Length() != doc.Find("li.result").Length() || pins.Length() == 0 {
			t.Errorf("%d pins for %d results", pins.Length(), doc.Find("li.result").Length())
		}
		pins.Each(func(_ int, a *goquery.Selection) {
			id := strings.TrimPrefix(a.AttrOr("href", ""), "#")
			li := doc.Find("li#" + id)
			n := strings.TrimSpace(a.Find("text").Text())
			if li.Length() != 1 || strings.TrimSuffix(textOf(li.Find(".result-n")), ".") != n {
				t.Errorf("pin %s links to %q, which is not the result with that number", n, id)
			}
			name := textOf(li.Find("h3 a"))
			if a.AttrOr("aria-label", "") != n+". "+name {
				t.Errorf("pin %s is named %q, want %q", n, a.AttrOr("aria-label", ""), n+". "+name)
			}
		})
	})

	t.Run("search: across the Mersey from Bootle", func(t *testing.T) {
		_, doc := get(t, site.srv, "/search?q=gardening&near=Bootle")
		var across, same int
		doc.Find("li.result").Each(func(_ int, li *goquery.Selection) {
			where := textOf(li.Find(".facts"))
			warned := strings.Contains(textOf(li.Find(".across")), "Across the Mersey — check your route")
			switch {
			case strings.Contains(where, "Wallasey") || strings.Contains(where, "CH4"):
				across++
				if !warned {
					t.Errorf("a result in Wallasey says nothing of the Mersey: %q", where)
				}
			case warned:
				t.Errorf("a result on Bootle's shore is said to be across the water: %q", where)
			default:
				same++
			}
		})
		if across == 0 || same == 0 {
			t.Errorf("%d results across the water and %d on the same shore; the sample should have both", across, same)
		}
	})

	t.Run("pages stay light", func(t *testing.T) {
		for _, target := range []string{"/search?q=gardening&near=Bootle", "/search?near=Liverpool", "/search?near=Birkenhead&radius=10", "/match?need=lonely&near=Bootle&step=results"} {
			rec, doc := get(t, site.srv, target)
			size := rec.Body.Len()
			t.Logf("%s: %d bytes (%d results, map %d bytes)", target, size, doc.Find("li.result").Length(), len(outerHTML(doc.Find("svg.map"))))
			if size >= 100<<10 {
				t.Errorf("%s is %d bytes of HTML and SVG; keep it under 100 KB", target, size)
			}
		}
	})

	id := firstActivityID(t, site)
	t.Run("activity: zoomed in, with towns and neighbourhoods, and directions", func(t *testing.T) {
		_, doc := get(t, site.srv, "/activities/"+id+"?near=Bootle")
		svg := doc.Find("svg.map")
		if svg.Find("path.map-water").Length()+svg.Find("rect.map-land").Length() < 2 || svg.Find(".map-marker").Length() == 0 {
			t.Error("activity map lacks the ground or the pin")
		}
		if svg.Find(".map-town text, .map-hood text").Length() < 3 {
			t.Errorf("activity map names %d places, want at least 3", svg.Find(".map-town text, .map-hood text").Length())
		}
		link := doc.Find(".directions a").First()
		u, err := url.Parse(link.AttrOr("href", ""))
		if err != nil || u.Host != "www.openstreetmap.org" || u.Path != "/directions" {
			t.Fatalf("directions link %q", link.AttrOr("href", ""))
		}
		from, to, _ := strings.Cut(u.Query().Get("route"), ";")
		if from != "53.44600,-2.99200" || !strings.Contains(to, ",") {
			t.Errorf("route %q: want from Bootle to the activity", u.Query().Get("route"))
		}
		if !strings.HasPrefix(textOf(link), "Get directions") || !strings.Contains(textOf(doc.Find(".directions")), "from Bootle") {
			t.Errorf("directions read %q", textOf(doc.Find(".directions")))
		}
		geo := doc.Find(`.directions a[href^="geo:"]`).AttrOr("href", "")
		if geo != "geo:"+to {
			t.Errorf("geo link %q, want geo:%s", geo, to)
		}
		if lines := doc.Find(".place .address br").Length(); lines < 2 {
			t.Errorf("address has %d line breaks; want the full address", lines)
		}
	})

	t.Run("activity without a place: directions to it from wherever", func(t *testing.T) {
		_, doc := get(t, site.srv, "/activities/"+id)
		u, _ := url.Parse(doc.Find(".directions a").First().AttrOr("href", ""))
		if r := u.Query().Get("route"); !strings.HasPrefix(r, ";") {
			t.Errorf("route %q: want no starting point", r)
		}
	})

	t.Run("results link to their activity with the place, for directions", func(t *testing.T) {
		_, doc := get(t, site.srv, "/search?q=gardening&near=Bootle")
		href := doc.Find("li.result h3 a").First().AttrOr("href", "")
		u, _ := url.Parse(href)
		if !strings.HasPrefix(u.Path, "/activities/") || u.Query().Get("near") != "Bootle" {
			t.Errorf("result link %q", href)
		}
	})

	for _, target := range []string{"/search/print?q=gardening&near=Bootle", "/activities/" + id + "/print"} {
		t.Run("print: "+target, func(t *testing.T) {
			_, doc := get(t, site.srv, target)
			svg := doc.Find("svg.map")
			if svg.Length() != 1 || !svg.HasClass("map-mono") {
				t.Fatalf("print view has %d maps; want one in black and white", svg.Length())
			}
			if svg.Find("a").Length() != 0 || svg.AttrOr("role", "") != "img" {
				t.Error("a map on paper has links")
			}
			if n := svg.Find(".map-marker").Length(); n == 0 {
				t.Error("no pins on the printed map")
			}
		})
	}
}

func outerHTML(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}
