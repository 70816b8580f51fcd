package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBackTo: after an add the browser goes back only to a path on this
// site, never to another site however the address is dressed up.
func TestBackTo(t *testing.T) {
	const fallback = "/shortlists/l1?done=added"
	tests := []struct {
		name, ret string
		added     bool
		want      string
	}{
		{"a results page at its result", "/search?q=gardening&near=Bootle#result-3", true, "/search?added=s1&near=Bootle&q=gardening#result-3"},
		{"an activity page", "/activities/s1", true, "/activities/s1?added=s1"},
		{"an earlier confirmation is replaced", "/search?q=x&added=s0&done=added#result-1", true, "/search?added=s1&q=x#result-1"},
		{"a removal says nothing", "/search?q=x&added=s1#result-1", false, "/search?q=x#result-1"},
		{"nothing to go back to", "", true, fallback},
		{"another site, scheme-relative", "//evil.example", true, fallback},
		{"another site, scheme-relative with a path", "//evil.example/search", true, fallback},
		{"another site, absolute", "https://evil.example", true, fallback},
		{"another site, absolute with our path", "https://evil.example/search?q=x", true, fallback},
		{"a backslash browsers read as a slash", `/\evil.example`, true, fallback},
		{"a script", "javascript:alert(1)", true, fallback},
		{"a relative path", "search?q=x", true, fallback},
		{"a header split", "/search\r\nLocation: https://evil.example", true, fallback},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := backTo(tt.ret, "s1", tt.added, fallback); got != tt.want {
				t.Errorf("backTo(%q) = %q, want %q", tt.ret, got, tt.want)
			}
		})
	}
}

// noFollow makes the visitor's next requests stop at a redirect, to read
// where it goes; the returned function restores following.
func (v *visitor) noFollow() func() {
	v.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return func() { v.c.CheckRedirect = nil }
}

// TestAddWithoutLeaving: the "Add to list" button of a result adds to the
// current list and comes back to the same result, which says so; a link
// worker chooses the current list in the header.
func TestAddWithoutLeaving(t *testing.T) {
	site := newListSite(t)
	const search = "/search?q=walking&near=Bootle"

	t.Run("anyone adds to My list and comes back to the result", func(t *testing.T) {
		v := site.visitor(t)
		results := v.get(search)
		name := textOf(results.doc.Find("#result-2 h3 a"))
		restore := v.noFollow()
		back := v.submit(results, "#result-2 form.add-to-list", nil)
		restore()
		loc := back.header.Get("Location")
		if back.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/search?added=") || !strings.HasSuffix(loc, "#result-2") {
			t.Fatalf("adding answered %d to %q, want the results at #result-2", back.status, loc)
		}
		p := v.get(loc)
		if got := textOf(p.doc.Find("#result-2 .added[role=status]")); got != "Added to My list." {
			t.Errorf("confirmation at the result = %q", got)
		}
		if got := textOf(p.doc.Find("#result-2 form.add-to-list button")); got != "Added ✓ — remove" {
			t.Errorf("button now reads %q", got)
		}
		if got := textOf(p.doc.Find("#result-1 form.add-to-list button")); got != "Add to list" {
			t.Errorf("another result's button reads %q", got)
		}
		if got := listItems(v.get("/my-list")); len(got) != 1 || got[0] != name {
			t.Errorf("My list holds %q, want %q", got, name)
		}
		// The same button now takes it off again.
		p = v.submit(p, "#result-2 form.add-to-list", nil)
		if got := textOf(p.doc.Find("#result-2 form.add-to-list button")); got != "Add to list" || p.url.Query().Has("added") {
			t.Errorf("after removing, the button reads %q at %s", got, p.url)
		}
		if got := listItems(v.get("/my-list")); len(got) != 0 {
			t.Errorf("My list still holds %q", got)
		}
	})

	t.Run("a link worker chooses a list once, then adds in one click", func(t *testing.T) {
		v := site.linkWorker(t, "lw-add@example.org")
		results := v.get(search)
		if got := textOf(results.doc.Find(".current-list")); !strings.Contains(got, "start one") {
			t.Errorf("header without a list says %q", got)
		}
		// The first add asks which list, and comes back afterwards.
		chooser := v.submit(results, "#result-1 form.add-to-list", nil)
		if chooser.url.Path != "/add-to-list" {
			t.Fatalf("the first add went to %s", chooser.url)
		}
		back := v.submit(chooser, `form[action="/shortlists"]`, url.Values{"reference": {"Monday 10am"}})
		if back.url.Path != "/search" || back.url.Query().Get("q") != "walking" {
			t.Fatalf("starting the list went to %s", back.url)
		}
		if got := textOf(back.doc.Find("#result-1 .added")); got != "Added to list Monday 10am." {
			t.Errorf("confirmation %q", got)
		}
		if got := textOf(back.doc.Find("#current-list-choice option[selected]")); got != "Monday 10am" {
			t.Errorf("the header's current list is %q", got)
		}
		for _, n := range []string{"2", "3"} {
			back = v.submit(back, "#result-"+n+" form.add-to-list", nil)
			if back.url.Path != "/search" || textOf(back.doc.Find("#result-"+n+" .added")) != "Added to list Monday 10am." {
				t.Fatalf("adding result %s came back to %s saying %q", n, back.url, textOf(back.doc.Find("#result-"+n+" .added")))
			}
		}
		list := v.get(back.doc.Find(".current-list a").AttrOr("href", ""))
		if got := listItems(list); len(got) != 3 {
			t.Errorf("the list holds %q", got)
		}

		t.Run("in place, with JSON for the script", func(t *testing.T) {
			p := v.get(search)
			form := p.doc.Find("#result-4 form.add-to-list")
			fields := url.Values{"service": {form.Find("input[name=service]").AttrOr("value", "")},
				"csrf_token": {form.Find("input[name=csrf_token]").AttrOr("value", "")}}
			req, err := http.NewRequest("POST", site.ts.URL+"/current-list/items", strings.NewReader(fields.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Accept", "application/json")
			resp := v.do(req)
			var got addResult
			if err := json.Unmarshal([]byte(resp.body), &got); err != nil || resp.status != http.StatusOK {
				t.Fatalf("status %d, %v: %s", resp.status, err, resp.body)
			}
			want := addResult{OnList: true, Message: "Added to list Monday 10am", Button: "Added ✓ — remove", Action: "/current-list/remove"}
			if got != want {
				t.Errorf("answer %+v, want %+v", got, want)
			}
		})

		t.Run("the return address must be a path on this site", func(t *testing.T) {
			p := v.get(search)
			for _, evil := range []string{"//evil.example", "https://evil.example", `/\evil.example`} {
				restore := v.noFollow()
				resp := v.submit(p, "#result-5 form.add-to-list", url.Values{"return": {evil}})
				restore()
				loc := resp.header.Get("Location")
				if u, err := url.Parse(loc); err != nil || u.Host != "" || !strings.HasPrefix(loc, "/shortlists/") {
					t.Errorf("return %q went to %q, want the list", evil, loc)
				}
			}
		})

		t.Run("the header chooses another list", func(t *testing.T) {
			second := v.post("/shortlists", url.Values{"reference": {"Tuesday 2pm"}})
			if !strings.HasPrefix(second.url.Path, "/shortlists/") {
				t.Fatalf("new list at %s", second.url)
			}
			p := v.get(search)
			if got := textOf(p.doc.Find("#current-list-choice option[selected]")); got != "Tuesday 2pm" {
				t.Errorf("a new list is not current: %q", got)
			}
			firstID := strings.TrimPrefix(list.url.Path, "/shortlists/")
			back := v.submit(p, `form[action="/shortlists/current"]`, url.Values{"list": {firstID}})
			if back.url.Path != "/search" || textOf(back.doc.Find("#current-list-choice option[selected]")) != "Monday 10am" {
				t.Errorf("choosing went to %s with %q current", back.url, textOf(back.doc.Find("#current-list-choice option[selected]")))
			}
			// Someone else's list cannot be made current.
			other := site.linkWorker(t, "lw-other@example.org")
			if resp := other.post("/shortlists/current", url.Values{"list": {firstID}}); resp.status != http.StatusNotFound {
				t.Errorf("choosing another's list: %d", resp.status)
			}
		})
	})
}
