package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A search with two access filters returns only listings whose places
// offer both, and the activity page names the features of each place.
func TestSearchByAccessFeatures(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	public := es.client(t)
	resp, doc := public.get("/search?q=group&accessibility=step-free&accessibility=hearing-loop&near=Liverpool&radius=any")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, code := range []string{"step-free", "hearing-loop"} {
		if _, on := doc.Find("#accessibility-" + code).Attr("checked"); !on {
			t.Errorf("filter %s is not shown ticked", code)
		}
	}
	var hrefs []string
	doc.Find(".result h3 a").Each(func(_ int, a *goquery.Selection) {
		h, _ := a.Attr("href")
		hrefs = append(hrefs, h)
	})
	if len(hrefs) == 0 {
		t.Fatal("no results; the sample has places with both")
	}
	for _, h := range hrefs {
		svc := mustService(t, es, listingID(h))
		codes := svc.AccessCodes()
		if !slices.Contains(codes, "step-free") || !slices.Contains(codes, "hearing-loop") {
			t.Errorf("%s offers %v, not both", svc.Name, codes)
		}
		_, page := public.get(h)
		got := items(page.Find(".place .access-features li"))
		if !strings.Contains(got, "Step-free access") || !strings.Contains(got, "Hearing loop") {
			t.Errorf("activity page of %s shows features %q", svc.Name, got)
		}
	}
	// One filter alone finds more.
	_, doc = public.get("/search?q=group&accessibility=step-free&near=Liverpool&radius=any")
	if n := doc.Find(".result").Length(); n <= len(hrefs) && len(hrefs) < 20 {
		t.Errorf("step-free alone found %d, both found %d", n, len(hrefs))
	}

	// The matcher offers the same filters and keeps them across steps.
	_, doc = public.get("/match?step=fit&need=lonely")
	if doc.Find(`input[type="checkbox"][name="accessibility"]`).Length() != 7 {
		t.Errorf("matcher's fit step offers %d access features, want 7", doc.Find(`input[name="accessibility"]`).Length())
	}
	v := url.Values{"step": {"results"}, "accessibility": {"step-free", "hearing-loop"}, "near": {"Liverpool"}, "radius": {"any"}}
	_, doc = public.get("/match?" + v.Encode())
	doc.Find(".result h3 a").Each(func(_ int, a *goquery.Selection) {
		h, _ := a.Attr("href")
		codes := mustService(t, es, listingID(h)).AccessCodes()
		if !slices.Contains(codes, "step-free") || !slices.Contains(codes, "hearing-loop") {
			t.Errorf("matcher suggested %s offering %v", h, codes)
		}
	})
}

// listingID is the listing a result's link goes to.
func listingID(href string) string {
	id, _, _ := strings.Cut(strings.TrimPrefix(href, "/activities/"), "?")
	return id
}
