package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

func accountOwnerOf(email string) directory.Owner { return directory.AccountOwner(email) }

func TestReorder(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	tests := []struct {
		name      string
		positions map[string]int
		moved     string
		dir       int
		want      string
	}{
		{"nothing asked", nil, "", 0, "abcde"},
		{"positions as they are", map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, "", 0, "abcde"},
		{"2nd to 4th", map[string]int{"b": 4}, "", 0, "acdbe"},
		{"4th to 2nd", map[string]int{"d": 2}, "", 0, "adbce"},
		{"last to first", map[string]int{"e": 1}, "", 0, "eabcd"},
		{"first to last", map[string]int{"a": 5}, "", 0, "bcdea"},
		{"two swapped", map[string]int{"a": 5, "e": 1}, "", 0, "ebcda"},
		{"out of range is ignored", map[string]int{"a": 0, "b": 9}, "", 0, "abcde"},
		{"move up", nil, "c", -1, "acbde"},
		{"move down", nil, "c", 1, "abdce"},
		{"the first cannot go up", nil, "a", -1, "abcde"},
		{"the last cannot go down", nil, "e", 1, "abcde"},
		{"a position, then a move", map[string]int{"e": 1}, "a", 1, "ebacd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(reorder(ids, tt.positions, tt.moved, tt.dir), ""); got != tt.want {
				t.Errorf("reorder = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestListFormSavesEverything: the list's one form saves every note, the
// order and the reference together; a refused note keeps what was typed
// in every box, with the reason beside the refused one.
func TestListFormSavesEverything(t *testing.T) {
	site := newListSite(t)
	svcs := site.sampleServices(t, 4)
	v := site.linkWorker(t, "lw-save@example.org")
	list := startList(t, v, "Mrs K", svcs[0])
	base := list.url.Path
	for _, s := range svcs[1:] {
		list = addTo(t, v, "Mrs K", s)
	}
	id := func(i int) string { return svcs[i].ID }

	t.Run("three notes, a position and the reference at once", func(t *testing.T) {
		p := v.submit(v.get(base), "#list-form", url.Values{
			"reference":       {"Mrs K, Monday"},
			"note-" + id(0):   {"Ask for Jo"},
			"shared-" + id(0): {"1"},
			"note-" + id(1):   {"Bring trainers"},
			"note-" + id(2):   {"Free on Tuesdays"},
			"pos-" + id(3):    {"1"},
		})
		if p.status != http.StatusOK || p.url.Query().Get("done") != "saved" {
			t.Fatalf("saving: %d at %s", p.status, p.url)
		}
		if got, want := strings.Join(listItems(p), "|"), strings.Join([]string{svcs[3].Name, svcs[0].Name, svcs[1].Name, svcs[2].Name}, "|"); got != want {
			t.Errorf("order %q, want %q", got, want)
		}
		for i, want := range []string{"Ask for Jo", "Bring trainers", "Free on Tuesdays"} {
			if got := p.doc.Find("#note-" + id(i)).Text(); got != want {
				t.Errorf("note %d = %q, want %q", i, got, want)
			}
		}
		if p.doc.Find("#shared-"+id(0)+"[checked]").Length() != 1 || p.doc.Find("#shared-"+id(1)+"[checked]").Length() != 0 {
			t.Error("the shared boxes are not as saved")
		}
		if got := p.doc.Find("#reference").AttrOr("value", ""); got != "Mrs K, Monday" {
			t.Errorf("reference %q", got)
		}
	})

	t.Run("a refused note keeps every box as typed", func(t *testing.T) {
		typed := url.Values{
			"note-" + id(0):   {"Changed my mind about Jo"},
			"note-" + id(1):   {"her mobile is 07700 900123"},
			"shared-" + id(1): {"1"},
			"note-" + id(2):   {"  spaces kept  "},
			"pos-" + id(2):    {"4"},
			"reference":       {"Mrs K, Wednesday"},
		}
		p := v.submit(v.get(base), "#list-form", typed)
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		if got := textOf(p.doc.Find("#note-" + id(1) + "-error")); !strings.Contains(got, "phone number") {
			t.Errorf("beside the refused note: %q", got)
		}
		if got := p.doc.Find(".error-summary a").AttrOr("href", ""); got != "#note-"+id(1) {
			t.Errorf("the summary links %q", got)
		}
		for _, i := range []int{0, 1, 2} {
			if got, want := p.doc.Find("#note-"+id(i)).Text(), typed.Get("note-"+id(i)); got != want {
				t.Errorf("box %d holds %q, want what was typed, %q", i, got, want)
			}
		}
		if p.doc.Find("#shared-"+id(1)+"[checked]").Length() != 1 || p.doc.Find("#pos-"+id(2)).AttrOr("value", "") != "4" ||
			p.doc.Find("#reference").AttrOr("value", "") != "Mrs K, Wednesday" {
			t.Error("the refused form lost a tick, a position or the reference")
		}
		stored := v.get(base)
		if got := stored.doc.Find("#note-" + id(0)).Text(); got != "Ask for Jo" {
			t.Errorf("a refused form saved a note: %q", got)
		}
	})

	t.Run("a button saves the boxes too", func(t *testing.T) {
		p := v.submit(v.get(base), "#list-form", url.Values{"note-" + id(2): {"Saved by Move up"}, "move": {"up:" + id(2)}})
		if got := p.doc.Find("#note-" + id(2)).Text(); got != "Saved by Move up" {
			t.Errorf("after Move up the note reads %q", got)
		}
		if got := listItems(p); len(got) != 4 || got[2] != svcs[2].Name {
			t.Errorf("order after Move up: %q", got)
		}
		p = v.submit(p, "#list-form", url.Values{"note-" + id(3): {"Saved by Remove"}, "remove": {id(1)}})
		if got := listItems(p); len(got) != 3 || p.doc.Find("#note-"+id(3)).Text() != "Saved by Remove" {
			t.Errorf("after Remove: %q, note %q", got, p.doc.Find("#note-"+id(3)).Text())
		}
	})
}

// TestListPlace: a list keeps its person's postcode district, never more,
// and uses it to map the list and put the nearest activities first.
func TestListPlace(t *testing.T) {
	site := newListSite(t)
	svcs := site.sampleServices(t, 4)
	v := site.linkWorker(t, "lw-place@example.org")
	list := startList(t, v, "Mrs K", svcs[0])
	base := list.url.Path
	for _, s := range svcs[1:] {
		list = addTo(t, v, "Mrs K", s)
	}

	p := v.submit(list, "#list-form", url.Values{"place": {"x 1"}})
	if p.status != http.StatusBadRequest || p.doc.Find("#place").AttrOr("value", "") != "x 1" || p.doc.Find("#place-error").Length() != 1 {
		t.Errorf("a place that is no postcode: status %d, box %q", p.status, p.doc.Find("#place").AttrOr("value", ""))
	}
	p = v.submit(v.get(base), "#list-form", url.Values{"place": {"l20 3ab"}})
	if got := p.doc.Find("#place").AttrOr("value", ""); got != "L20" {
		t.Errorf("a full postcode is kept as %q, want L20", got)
	}
	sl, err := site.store.Shortlist(t.Context(), accountOwnerOf("lw-place@example.org"), strings.TrimPrefix(base, "/shortlists/"))
	if err != nil || sl.Place != "L20" {
		t.Fatalf("stored place %q, %v", sl.Place, err)
	}
	if strings.Contains(p.body, "3AB") {
		t.Error("the page shows the full postcode")
	}
	svg := p.doc.Find("figure.map-figure svg")
	if svg.Find(".map-marker").Length() != 4 || svg.Find(".map-you").Length() != 1 {
		t.Errorf("the map has %d pins and %d You markers", svg.Find(".map-marker").Length(), svg.Find(".map-you").Length())
	}
	if got := textOf(p.doc.Find(".shortlist-item dd:contains('from L20')").First()); !strings.HasSuffix(got, "from L20") {
		t.Errorf("distance %q", got)
	}

	p = v.submit(p, "#list-form", url.Values{"sort": {"near"}})
	if p.url.Query().Get("done") != "saved-sorted" {
		t.Fatalf("sorting went to %s", p.url)
	}
	var last float64
	p.doc.Find(".shortlist-item").Each(func(i int, s *goquery.Selection) {
		d := distanceOf(t, textOf(s.Find("dd:contains('from L20')")))
		if d < last {
			t.Errorf("item %d is %v km away, after one %v km away", i+1, d, last)
		}
		last = d
	})
}

// distanceOf reads "1.2 km away from L20" (or "300 m away") in km.
func distanceOf(t *testing.T, s string) float64 {
	t.Helper()
	var n float64
	var unit string
	if _, err := fmt.Sscanf(s, "%g %s", &n, &unit); err != nil {
		t.Fatalf("distance %q: %v", s, err)
	}
	if unit == "m" {
		n /= 1000
	}
	return n
}
