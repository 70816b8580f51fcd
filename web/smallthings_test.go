package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"signpost/engine"
)

// TestNotCheckedIsACautionNotAReason: "Not checked yet" is shown apart
// from why a result is suggested.
func TestNotCheckedIsACautionNotAReason(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	res := *site.finder.results
	res.Items = []engine.Result{res.Items[0]}
	res.Items[0].Reasons = append(res.Items[0].Reasons, engine.Reason{Kind: engine.ReasonNotChecked, Text: "Not checked yet"})
	site.finder.results = &res
	_, doc := get(t, site.srv, "/search?q=gardening&near=Bootle")
	if why := textOf(doc.Find("#result-1 .why")); strings.Contains(why, "Not checked") {
		t.Errorf("the reasons say %q", why)
	}
	if got := textOf(doc.Find("#result-1 > .caution")); got != "Not checked yet: check with the organisers before you go" {
		t.Errorf("caution %q", got)
	}
	if doc.Find("#result-1 .why ~ .caution").Length() != 1 {
		t.Error("the caution does not follow the reasons")
	}
}

// TestUseMyLocationNamesTheNearestPlace: coordinates from "Use my location"
// read as the nearest neighbourhood or town, and the search still starts
// at the point itself.
func TestUseMyLocationNamesTheNearestPlace(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	for _, tt := range []struct{ near, heading string }{
		{"53.471,-2.998", "1 activity found near Litherland"},
		{"51.5,-0.12", "1 activity found near your location"}, // nothing named within 5 km
	} {
		_, doc := get(t, site.srv, "/search?near="+url.QueryEscape(tt.near))
		if got := textOf(doc.Find("#results-heading")); got != tt.heading {
			t.Errorf("near %s: heading %q, want %q", tt.near, got, tt.heading)
		}
		if q := site.finder.last(t); fmt.Sprintf("%g,%g", q.Lat, q.Lon) != tt.near {
			t.Errorf("near %s: the engine was asked about %v,%v", tt.near, q.Lat, q.Lon)
		}
		if want := strings.TrimPrefix(tt.heading, "1 activity found near "); want != yourLocation && doc.Find("#near").AttrOr("value", "") != want {
			t.Errorf("near %s: the box says %q, want %q", tt.near, doc.Find("#near").AttrOr("value", ""), want)
		}
		if strings.Contains(doc.Find("title").Text(), tt.near) {
			t.Errorf("the title shows the coordinates: %q", doc.Find("title").Text())
		}
	}
}

// TestBackLinkReturnsToTheResults: an activity reached from results links
// back to those results; anything but this site's results pages is
// ignored.
func TestBackLinkReturnsToTheResults(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	_, doc := get(t, site.srv, "/search?q=gardening&near=Bootle&free=1")
	href := doc.Find("#result-1 h3 a").AttrOr("href", "")
	u, err := url.Parse(href)
	if err != nil || u.Query().Get("back") != "/search?free=1&near=Bootle&q=gardening" || u.Query().Get("near") != "Bootle" {
		t.Fatalf("result link %q", href)
	}
	_, doc = get(t, site.srv, href)
	back := doc.Find("main .back a")
	if back.AttrOr("href", "") != "/search?free=1&near=Bootle&q=gardening" || textOf(back) != "Back to your search results" {
		t.Errorf("back link %q %q", back.AttrOr("href", ""), textOf(back))
	}

	_, doc = get(t, site.srv, "/match?need=lonely&near=Bootle&step=results")
	href = doc.Find("#result-1 h3 a").AttrOr("href", "")
	_, doc = get(t, site.srv, href)
	back = doc.Find("main .back a")
	if !strings.HasPrefix(back.AttrOr("href", ""), "/match?") || !strings.Contains(back.AttrOr("href", ""), "step=results") || textOf(back) != "Back to your suggestions" {
		t.Errorf("back link from the matcher %q %q", back.AttrOr("href", ""), textOf(back))
	}

	club := gardenClub().ID
	for _, bad := range []string{"", "https://evil.example/search", "//evil.example/search", "/admin", "/search/../admin", "javascript:alert(1)", `/\evil.example`} {
		_, doc := get(t, site.srv, "/activities/"+club+"?back="+url.QueryEscape(bad))
		back := doc.Find("main .back a")
		if back.AttrOr("href", "") != "/search" || textOf(back) != "Search for other activities" {
			t.Errorf("back=%q gave %q %q", bad, back.AttrOr("href", ""), textOf(back))
		}
	}
}

// TestFiltersBehindADisclosure: the search page's filters are in a
// "Filter results" disclosure, closed, saying how many are chosen.
func TestFiltersBehindADisclosure(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	for _, tt := range []struct{ path, summary string }{
		{"/search?q=gardening", "Filter results"},
		{"/search?q=gardening&free=1&interest=gardening", "Filter results (2 chosen)"},
	} {
		_, doc := get(t, site.srv, tt.path)
		d := doc.Find("form[role=search] details#filters")
		if d.Length() != 1 || textOf(d.ChildrenFiltered("summary")) != tt.summary {
			t.Errorf("%s: filters disclosure %d %q", tt.path, d.Length(), textOf(d.ChildrenFiltered("summary")))
		}
		if _, open := d.Attr("open"); open {
			t.Errorf("%s: the filters are open", tt.path)
		}
		if d.Find("#free").Length() != 1 || d.Find("button[type=submit]").Length() != 1 {
			t.Errorf("%s: the disclosure lacks the filters or their button", tt.path)
		}
	}
}
