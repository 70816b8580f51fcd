package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A radius that is not a distance is refused on the search page and by the
// matcher, with a summary that links to the control; NaN once meant "any
// distance" because it fails every comparison.
func TestFinderRefusesARadiusThatIsNotADistance(t *testing.T) {
	site := newFakeSite(t)
	for _, radius := range []string{"NaN", "nan", "Inf", "-Inf", "-3", "0", "1e309", "622", "1001", "far"} {
		for _, target := range []string{
			"/search?near=Bootle&radius=" + radius,
			"/search?q=walking&radius=" + radius,
			"/match?step=results&need=lonely&near=Bootle&radius=" + radius,
		} {
			t.Run(target, func(t *testing.T) {
				before := len(site.finder.queries)
				rec, doc := get(t, site.srv, target)
				if rec.Code != 400 {
					t.Errorf("status %d, want 400", rec.Code)
				}
				a := doc.Find(".error-summary a")
				if a.AttrOr("href", "") != "#radius" || !strings.Contains(textOf(a), "Choose a distance from the list") {
					t.Errorf("summary link %q %q, want #radius and the reason", a.AttrOr("href", ""), textOf(a))
				}
				if doc.Find("#radius").Length() != 1 {
					t.Error("the page lacks the radius control the summary links to")
				}
				if len(site.finder.queries) != before {
					t.Error("the search ran with a radius that is not a distance")
				}
			})
		}
	}
	t.Run("unknown place and bad radius are both reported", func(t *testing.T) {
		_, doc := get(t, site.srv, "/search?near=Bootel&radius=NaN")
		var hrefs []string
		doc.Find(".error-summary a").Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")) })
		if strings.Join(hrefs, " ") != "#near #radius" {
			t.Errorf("summary links %q, want #near and #radius", hrefs)
		}
	})
	for _, radius := range []string{"0.5", "3", "621", "any"} {
		t.Run("a distance: "+radius, func(t *testing.T) {
			rec, _ := get(t, site.srv, "/search?near=Bootle&radius="+radius)
			if rec.Code != 200 {
				t.Errorf("status %d, want 200", rec.Code)
			}
		})
	}
}
