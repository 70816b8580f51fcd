package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"signpost/directory"
)

// safeHouse is a listing that helps people who feel unsafe at home.
func safeHouse() *directory.Service {
	svc := gardenClub()
	svc.ID = "33333333-3333-4333-8333-333333333333"
	svc.Name = "Safe at Home Drop-in"
	t, ok := directory.LookupTerm(directory.TaxonomyNeeds, safetyNeed)
	if !ok {
		panic("no safety need in the vocabulary")
	}
	svc.Attributes = []directory.Attribute{directory.TermAttribute(svc.ID, t)}
	return svc
}

// TestQuickExit: "Leave this page quickly" is on the pages about feeling
// unsafe at home, and nowhere else; deciding it sets no cookie.
func TestQuickExit(t *testing.T) {
	t.Parallel()
	site := newFakeSite(t)
	house := safeHouse()
	site.listings.services[house.ID] = house
	tests := []struct {
		path, twin string // a page, and the same page without the need
		want       bool
	}{
		{"/search?need=safety", "/search?need=lonely", true},
		{"/search?q=advice&need=safety&need=money&near=Bootle", "/search?q=advice&need=money&near=Bootle", true},
		{"/match?need=safety&step=results", "/match?need=lonely&step=results", true},
		{"/match?need=safety&step=interests", "/match?step=interests", true},
		{"/activities/" + house.ID, "/activities/" + gardenClub().ID, true},
		{"/activities/" + gardenClub().ID + "?back=" + url.QueryEscape("/search?need=safety&q=garden"),
			"/activities/" + gardenClub().ID + "?back=" + url.QueryEscape("/search?need=lonely&q=garden"), true},
		{"/help-now", "", true},
		{"/search/print?need=safety", "", false},
		{"/activities/" + house.ID + "/print", "", false},
		{"/", "", false},
	}
	cookies := func(rec interface{ Result() *http.Response }) []string {
		var names []string
		for _, c := range rec.Result().Cookies() {
			names = append(names, c.Name)
		}
		slices.Sort(names)
		return names
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			rec, doc := get(t, site.srv, tt.path)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			a := doc.Find(".quick-exit a.quick-exit-button")
			if got := a.Length() == 1; got != tt.want {
				t.Fatalf("quick exit shown: %v, want %v", got, tt.want)
			}
			if tt.want {
				href, rel := a.AttrOr("href", ""), a.AttrOr("rel", "")
				if !strings.HasPrefix(href, "https://www.bbc.co.uk/") || !strings.Contains(rel, "noreferrer") {
					t.Errorf("the button goes to %q (rel %q)", href, rel)
				}
				if textOf(a) != "Emergency: Leave this page quickly" || textOf(a.Find(".visually-hidden")) != "Emergency:" {
					t.Errorf("the button reads %q", textOf(a))
				}
				if !doc.Find("body").Children().Not(".skip-link").First().Is(".quick-exit") {
					t.Error("the button is not the first thing on the page after the skip link")
				}
			}
			if tt.twin == "" {
				return
			}
			twin, twinDoc := get(t, site.srv, tt.twin)
			if twinDoc.Find(".quick-exit").Length() != 0 {
				t.Errorf("%s shows the quick exit too", tt.twin)
			}
			if a, b := cookies(rec), cookies(twin); !slices.Equal(a, b) {
				t.Errorf("cookies set %v, without the quick exit %v: nothing may be stored to decide it", a, b)
			}
		})
	}
}

// TestMyListSaysItIsOnThisDevice: My list says plainly where it is kept,
// and forgetting it deletes the list and its cookie.
func TestMyListSaysItIsOnThisDevice(t *testing.T) {
	site := newListSite(t)
	v := site.visitor(t)
	empty := v.get("/my-list")
	if !strings.Contains(textOf(empty.doc.Find("#stored-here")), "the list is stored on this device") {
		t.Errorf("an empty My list says %q", textOf(empty.doc.Find("#stored-here")))
	}
	if empty.doc.Find(`#stored-here form[action="/my-list/delete"]`).Length() != 0 {
		t.Error("there is nothing to forget, but the page offers to")
	}
	activity := firstActivityID(t, site.sampleSite)
	v.submit(v.get("/add-to-list?service="+url.QueryEscape(activity)), `form[action="/my-list/items"]`, nil)
	kept := v.get("/my-list")
	if len(listItems(kept)) == 0 {
		t.Fatal("nothing was added")
	}
	stored := kept.doc.Find("#stored-here")
	if !strings.Contains(textOf(stored), "This list is stored on this device") {
		t.Errorf("My list says %q", textOf(stored))
	}
	forgot := v.submit(kept, `#stored-here form[action="/my-list/delete"][method=post]`, nil)
	if forgot.status != http.StatusOK || len(listItems(forgot)) != 0 {
		t.Errorf("after forgetting: status %d, %d items", forgot.status, len(listItems(forgot)))
	}
	for _, c := range v.c.Jar.Cookies(forgot.url) {
		if c.Name == myListCookie {
			t.Errorf("the My list cookie is still there: %+v", c)
		}
	}
}
