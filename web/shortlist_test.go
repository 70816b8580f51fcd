package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// startList has a link worker start a list from the "Add to a list" page
// of svc, and returns the list's page.
func startList(t *testing.T, v *visitor, reference string, svc *directory.Service) *testPage {
	t.Helper()
	chooser := v.get("/add-to-list?service=" + url.QueryEscape(svc.ID))
	if chooser.status != http.StatusOK {
		t.Fatalf("add-to-list page: status %d", chooser.status)
	}
	return v.submit(chooser, `form[action="/shortlists"]`, url.Values{"reference": {reference}})
}

// addTo adds svc to the list called reference through the chooser.
func addTo(t *testing.T, v *visitor, reference string, svc *directory.Service) *testPage {
	t.Helper()
	chooser := v.get("/add-to-list?service=" + url.QueryEscape(svc.ID))
	var sel string
	chooser.doc.Find(".add-choices form").EachWithBreak(func(_ int, f *goquery.Selection) bool {
		if strings.Contains(textOf(f), reference) {
			action, _ := f.Attr("action")
			sel = `form[action="` + action + `"]`
			return false
		}
		return true
	})
	if sel == "" {
		t.Fatalf("the chooser offers no list %q: %s", reference, textOf(chooser.doc.Find("main")))
	}
	return v.submit(chooser, sel, nil)
}

// listItems reads the names of a list page's items, in order.
func listItems(p *testPage) []string {
	var names []string
	p.doc.Find(".shortlist-item h2").Each(func(_ int, h *goquery.Selection) {
		_, name, _ := strings.Cut(textOf(h), ". ")
		names = append(names, name)
	})
	return names
}

func TestShortlistJourney(t *testing.T) {
	site := newListSite(t)
	svcs := site.sampleServices(t, 3)
	alice := site.linkWorker(t, "alice@example.org")

	t.Run("a reference that identifies the person is refused with a reason", func(t *testing.T) {
		tests := []struct{ ref, want string }{
			{"943 476 5919", "This looks like an NHS number. Remove it — a shortlist must not identify the person."},
			{"Mrs K SW1A 1AA", "This looks like a full postcode."},
			{"k.smith@example.org", "This looks like an e-mail address."},
			{"Mrs K 07700 900123", "This looks like a phone number."},
		}
		for _, tt := range tests {
			p := startList(t, alice, tt.ref, svcs[0])
			if p.status != http.StatusBadRequest {
				t.Errorf("reference %q: status %d, want 400", tt.ref, p.status)
			}
			if msg := textOf(p.doc.Find("#reference-error")); !strings.Contains(msg, tt.want) {
				t.Errorf("reference %q: error %q, want %q", tt.ref, msg, tt.want)
			}
			if v, _ := p.doc.Find("input#reference").Attr("value"); v != tt.ref {
				t.Errorf("the form lost what was typed: %q", v)
			}
		}
		lists, err := site.store.Shortlists(context.Background(), directory.AccountOwner("alice@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		if len(lists) != 0 {
			t.Errorf("%d lists stored after refusals", len(lists))
		}
	})

	list := startList(t, alice, "Mrs K, Tuesday", svcs[0])
	if list.status != http.StatusOK || !strings.HasPrefix(list.url.Path, "/shortlists/") {
		t.Fatalf("starting a list: status %d at %s", list.status, list.url)
	}
	base := list.url.Path
	addTo(t, alice, "Mrs K, Tuesday", svcs[1])
	list = addTo(t, alice, "Mrs K, Tuesday", svcs[2])
	if got, want := strings.Join(listItems(list), "|"), svcs[0].Name+"|"+svcs[1].Name+"|"+svcs[2].Name; got != want {
		t.Fatalf("items %q, want %q", got, want)
	}

	t.Run("notes, shared and private", func(t *testing.T) {
		p := alice.submit(list, "#list-form", url.Values{"note-" + svcs[0].ID: {"Ask for Jo on Tuesday"}, "shared-" + svcs[0].ID: {"1"}})
		p = alice.submit(p, "#list-form", url.Values{"note-" + svcs[1].ID: {"Worried about the bus fare"}})
		if got := p.doc.Find("#note-" + svcs[1].ID).Text(); got != "Worried about the bus fare" {
			t.Errorf("private note on the owner's page = %q", got)
		}
		refused := alice.submit(p, "#list-form", url.Values{"note-" + svcs[2].ID: {"her mobile 07700 900123"}})
		if refused.status != http.StatusBadRequest || !strings.Contains(textOf(refused.doc.Find("#note-"+svcs[2].ID+"-error")), "phone number") {
			t.Errorf("a note with a phone number: status %d, error %q", refused.status, textOf(refused.doc.Find(".error-summary")))
		}
	})

	t.Run("reorder with up and down", func(t *testing.T) {
		p := alice.get(base)
		p = alice.submit(p, "#list-form", url.Values{"move": {"up:" + svcs[2].ID}})
		if got, want := strings.Join(listItems(p), "|"), svcs[0].Name+"|"+svcs[2].Name+"|"+svcs[1].Name; got != want {
			t.Errorf("after moving the last up: %q, want %q", got, want)
		}
		p = alice.submit(p, "#list-form", url.Values{"move": {"down:" + svcs[0].ID}})
		if got, want := strings.Join(listItems(p), "|"), svcs[2].Name+"|"+svcs[0].Name+"|"+svcs[1].Name; got != want {
			t.Errorf("after moving the first down: %q, want %q", got, want)
		}
		if p.doc.Find(`#item-`+svcs[2].ID+` button[name=move][value^=up]`).Length() != 0 || p.doc.Find(`#item-`+svcs[1].ID+` button[name=move][value^=down]`).Length() != 0 {
			t.Error("the first item offers Move up or the last Move down")
		}
	})

	var shareURL string
	t.Run("share, and the link opens without signing in", func(t *testing.T) {
		p := alice.submit(alice.get(base), `form[action="`+base+`/share"]`, nil)
		shareURL, _ = p.doc.Find("#share-url").Attr("value")
		if !strings.HasPrefix(shareURL, site.ts.URL+"/s/") || len(strings.TrimPrefix(shareURL, site.ts.URL+"/s/")) < 22 {
			t.Fatalf("share link %q", shareURL)
		}
		if !strings.Contains(p.header.Get("Cache-Control"), "no-store") {
			t.Errorf("the page showing a new link is cacheable: %q", p.header.Get("Cache-Control"))
		}
		stranger := site.visitor(t)
		s := stranger.get(shareURL)
		if s.status != http.StatusOK {
			t.Fatalf("share link: status %d", s.status)
		}
		if got := s.header.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
			t.Errorf("X-Robots-Tag = %q", got)
		}
		if got := s.header.Get("Referrer-Policy"); got != "same-origin" {
			t.Errorf("Referrer-Policy = %q", got)
		}
		if robots, _ := s.doc.Find(`head meta[name=robots]`).Attr("content"); !strings.Contains(robots, "noindex") {
			t.Errorf("meta robots = %q", robots)
		}
		if got := len(listItems(s)); got != 3 {
			t.Errorf("shared page shows %d items, want 3", got)
		}
		main := textOf(s.doc.Find("main"))
		if !strings.Contains(main, "Ask for Jo on Tuesday") {
			t.Error("the shared note is missing from the share link")
		}
		if strings.Contains(s.body, "bus fare") || strings.Contains(s.body, "Mrs K") {
			t.Error("the share link shows a private note or the reference")
		}
		// The list itself is read-only: the only forms are the
		// follow-up's, posting back to the link (shortlist_followup.go).
		s.doc.Find("main form").Each(func(_ int, f *goquery.Selection) {
			if action, _ := f.Attr("action"); action != strings.TrimPrefix(shareURL, site.ts.URL) {
				t.Errorf("the share link has a form posting to %q", action)
			}
		})
	})

	t.Run("print and text views hold every item", func(t *testing.T) {
		checks := map[string]*testPage{
			"owner print": alice.get(base + "/print"),
			"owner text":  alice.get(base + "/text"),
			"share print": site.visitor(t).get(shareURL + "/print"),
			"share text":  site.visitor(t).get(shareURL + "/text"),
		}
		for name, p := range checks {
			if p.status != http.StatusOK {
				t.Errorf("%s: status %d", name, p.status)
				continue
			}
			for _, svc := range svcs {
				if !strings.Contains(p.body, svc.Name) {
					t.Errorf("%s lacks %q", name, svc.Name)
				}
				if ph := svc.Phones[0].Number; !strings.Contains(p.body, ph) {
					t.Errorf("%s lacks the contact %q of %q", name, ph, svc.Name)
				}
			}
			if !strings.Contains(p.body, "Ask for Jo on Tuesday") || strings.Contains(p.body, "bus fare") {
				t.Errorf("%s: want the shared note and not the private one", name)
			}
		}
		if got := checks["share text"].header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
			t.Errorf("text version Content-Type %q", got)
		}
		if !strings.Contains(checks["share text"].body, shareURL) || !strings.Contains(checks["share print"].body, shareURL) {
			t.Error("the share link's print and text views do not carry the link")
		}
		if n := len(checks["share text"].body); n > 2000 {
			t.Errorf("text version of three activities is %d characters; keep it short enough for a message", n)
		}
		pr := checks["owner print"]
		for _, dt := range []string{"What", "Where", "When", "How to join", "Contact", "Cost"} {
			if n := pr.doc.Find(`.print-facts dt:contains("` + dt + `")`).Length(); n != 3 {
				t.Errorf("print view has %q for %d items, want 3", dt, n)
			}
		}
		if pr.doc.Find(".site-header").Length() != 0 {
			t.Error("the print view carries the site header")
		}
	})

	t.Run("the owner's print and text can carry a link just made", func(t *testing.T) {
		p := alice.submit(alice.get(base), `form[action="`+base+`/share"]`, nil)
		link, _ := p.doc.Find("#share-url").Attr("value")
		text := alice.submit(p, `form[action="`+base+`/text"]`, nil)
		if !strings.Contains(text.body, link) || text.header.Get("Content-Disposition") == "" {
			t.Errorf("downloaded text lacks the link %q or is not a download", link)
		}
		print := alice.submit(p, `form[action="`+base+`/print"]`, nil)
		if !strings.Contains(print.body, link) {
			t.Error("the print view lacks the link just made")
		}
		forged := alice.post(base+"/text", url.Values{"token": {"made-up-token-made-up-token"}})
		if strings.Contains(forged.body, "made-up") {
			t.Error("a token that is not this list's share link was printed as one")
		}
	})

	t.Run("remove, rename and delete", func(t *testing.T) {
		p := alice.submit(alice.get(base), "#list-form", url.Values{"remove": {svcs[1].ID}})
		if got := len(listItems(p)); got != 2 {
			t.Errorf("after remove: %d items", got)
		}
		p = alice.submit(p, "#list-form", url.Values{"reference": {"Mr P, Thursday"}})
		if h1 := textOf(p.doc.Find("h1")); h1 != "Shortlist: Mr P, Thursday" {
			t.Errorf("after rename h1 = %q", h1)
		}
		index := alice.get("/shortlists")
		if got := textOf(index.doc.Find(".shortlists")); !strings.Contains(got, "Mr P, Thursday") || !strings.Contains(got, "2 activities") {
			t.Errorf("index shows %q", got)
		}
		p = alice.submit(p, `form[action="`+base+`/delete"]`, nil)
		if p.url.Path != "/shortlists" || alice.get(base).status != http.StatusNotFound {
			t.Errorf("after delete at %s; list page status %d", p.url, alice.get(base).status)
		}
		if s := site.visitor(t).get(shareURL); s.status != http.StatusNotFound {
			t.Errorf("share link of a deleted list: status %d, want 404", s.status)
		}
	})
}

// TestShortlistPrivacy: a list is its author's alone. Another link worker
// is told it does not exist, for every page and form.
func TestShortlistPrivacy(t *testing.T) {
	site := newListSite(t)
	svcs := site.sampleServices(t, 2)
	alice := site.linkWorker(t, "alice@example.org")
	base := startList(t, alice, "Mrs K", svcs[0]).url.Path
	alice.submit(alice.get(base), "#list-form", url.Values{"note-" + svcs[0].ID: {"private words"}})

	bob := site.linkWorker(t, "bob@example.org")
	for _, path := range []string{base, base + "/print", base + "/text"} {
		if p := bob.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "private words") || strings.Contains(p.body, "Mrs K") {
			t.Errorf("bob GET %s: status %d, want 404 and nothing of the list", path, p.status)
		}
	}
	posts := map[string]url.Values{
		base + "/items":  {"service": {svcs[1].ID}},
		base + "/save":   {"note-" + svcs[0].ID: {"mine now"}, "reference": {"Bob's now"}, "remove": {svcs[0].ID}},
		base + "/share":  nil,
		base + "/delete": nil,
	}
	for path, form := range posts {
		if form == nil {
			form = url.Values{}
		}
		if p := bob.post(path, form); p.status != http.StatusNotFound {
			t.Errorf("bob POST %s: status %d, want 404", path, p.status)
		}
	}
	if got := bob.get("/shortlists").doc.Find(".shortlists li"); got.Length() != 0 {
		t.Errorf("bob's index shows lists: %q", textOf(got))
	}
	sl, err := site.store.Shortlists(context.Background(), directory.AccountOwner("alice@example.org"))
	if err != nil || len(sl) != 1 || sl[0].Reference != "Mrs K" || len(sl[0].Items) != 1 || sl[0].Items[0].Note != "private words" {
		t.Errorf("alice's list after bob's attempts: %+v, %v", sl, err)
	}

	t.Run("not signed in: sent to sign in", func(t *testing.T) {
		v := site.visitor(t)
		v.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		p := v.get(base)
		if loc := p.header.Get("Location"); p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("anonymous GET %s: status %d to %q, want 303 to sign in", base, p.status, loc)
		}
	})
	t.Run("another kind of account: refused", func(t *testing.T) {
		admin := site.signedIn(t, "admin@example.org", directory.RoleAdmin)
		for _, path := range []string{"/shortlists", base} {
			if p := admin.get(path); p.status != http.StatusForbidden || strings.Contains(p.body, "Mrs K,") {
				t.Errorf("admin GET %s: status %d, want 403", path, p.status)
			}
		}
	})
}

func TestShareRevocationAndExpiry(t *testing.T) {
	site := newListSite(t)
	now := time.Now()
	site.store.SetClock(func() time.Time { return now })
	svcs := site.sampleServices(t, 1)
	alice := site.linkWorker(t, "alice@example.org")
	base := startList(t, alice, "Mrs K", svcs[0]).url.Path

	share := func() (string, *testPage) {
		p := alice.submit(alice.get(base), `form[action="`+base+`/share"]`, nil)
		link, _ := p.doc.Find("#share-url").Attr("value")
		return link, p
	}
	first, _ := share()
	now = now.Add(time.Minute) // so the list page orders the links
	second, _ := share()
	stranger := site.visitor(t)

	t.Run("revoked", func(t *testing.T) {
		p := alice.get(base)
		if n := p.doc.Find(".shares li").Length(); n != 2 {
			t.Fatalf("the list page shows %d links, want 2", n)
		}
		// The newest link is listed first; withdraw the older.
		p = alice.submit(p, `.shares li:nth-child(2) form`, nil)
		if !strings.Contains(textOf(p.doc.Find(".shares")), "Withdrawn") {
			t.Errorf("the list page does not say the link was withdrawn: %q", textOf(p.doc.Find(".shares")))
		}
		if s := stranger.get(first); s.status != http.StatusGone || !strings.Contains(textOf(s.doc.Find("h1")), "withdrawn") {
			t.Errorf("revoked link: status %d, heading %q; want 410 withdrawn", s.status, textOf(s.doc.Find("h1")))
		}
		for _, suffix := range []string{"/print", "/text"} {
			if s := stranger.get(first + suffix); s.status != http.StatusGone {
				t.Errorf("revoked link %s: status %d, want 410", suffix, s.status)
			}
		}
		if s := stranger.get(second); s.status != http.StatusOK {
			t.Errorf("the other link after revoking one: status %d", s.status)
		}
	})
	t.Run("expired after 90 days", func(t *testing.T) {
		now = now.Add(90*24*time.Hour - time.Minute)
		if s := stranger.get(second); s.status != http.StatusOK {
			t.Errorf("a minute before 90 days: status %d", s.status)
		}
		now = now.Add(time.Minute)
		s := stranger.get(second)
		if s.status != http.StatusGone || !strings.Contains(textOf(s.doc.Find("h1")), "expired") {
			t.Errorf("after 90 days: status %d, heading %q; want 410 expired", s.status, textOf(s.doc.Find("h1")))
		}
		if got := s.header.Get("X-Robots-Tag"); !strings.Contains(got, "noindex") {
			t.Errorf("the expired page may be indexed: X-Robots-Tag %q", got)
		}
	})
	t.Run("made up", func(t *testing.T) {
		if s := stranger.get("/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); s.status != http.StatusNotFound {
			t.Errorf("unknown token: status %d, want 404", s.status)
		}
	})
}

// TestShareCurrentState: the share link says what has become of each
// activity since it was added, from the listing as it is now.
func TestShareCurrentState(t *testing.T) {
	ctx := context.Background()
	site := newListSite(t)
	now := time.Now()
	site.store.SetClock(func() time.Time { return now })
	svcs := site.sampleServices(t, 5)
	// Every activity starts freshly confirmed, so only the changes below
	// can warn.
	for _, svc := range svcs {
		svc.AssuredDate = now.Format(time.DateOnly)
		if _, err := site.store.PutService(ctx, svc, directory.Save{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	alice := site.linkWorker(t, "alice@example.org")
	base := startList(t, alice, "Mrs K", svcs[0]).url.Path
	for _, svc := range svcs[1:] {
		addTo(t, alice, "Mrs K", svc)
	}
	// Then, over a year: one closes, one fills up, one pauses, one is
	// removed, and the last is never confirmed again.
	now = now.AddDate(1, 0, 2)
	alice.startSession("alice@example.org") // the old session has lapsed
	edit := func(svc *directory.Service, change func(*directory.Service)) {
		c := *svc
		change(&c)
		if _, err := site.store.PutService(ctx, &c, directory.Save{Actor: "provider"}); err != nil {
			t.Fatal(err)
		}
	}
	fresh := now.Format(time.DateOnly)
	edit(svcs[0], func(s *directory.Service) { s.Status, s.AssuredDate = directory.StatusDefunct, fresh })
	edit(svcs[1], func(s *directory.Service) { s.Capacity, s.AssuredDate = directory.CapacityFull, fresh })
	edit(svcs[2], func(s *directory.Service) { s.Capacity, s.AssuredDate = directory.CapacityPaused, fresh })
	if err := site.store.DeleteService(ctx, svcs[3].ID, directory.Save{Actor: "admin"}); err != nil {
		t.Fatal(err)
	}
	// Share links last 90 days, so the link is made a year on.
	p := alice.submit(alice.get(base), `form[action="`+base+`/share"]`, nil)
	link, _ := p.doc.Find("#share-url").Attr("value")

	s := site.visitor(t).get(link)
	if s.status != http.StatusOK {
		t.Fatalf("share link: status %d", s.status)
	}
	want := []string{
		"This activity has closed.",
		"This activity is full and not taking new people right now.",
		"This activity has paused and is not taking new people right now.",
		"This activity is no longer in the directory.",
		"Nobody has confirmed this listing since " + dateText(now.AddDate(-1, 0, -2)),
	}
	items := s.doc.Find(".shortlist-item")
	if items.Length() != len(want) {
		t.Fatalf("%d items shown, want %d", items.Length(), len(want))
	}
	items.Each(func(i int, item *goquery.Selection) {
		warnings := textOf(item.Find(".item-warning"))
		if !strings.Contains(warnings, want[i]) {
			t.Errorf("item %d warns %q, want %q", i+1, warnings, want[i])
		}
	})
	text := site.visitor(t).get(link + "/text").body
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the text version lacks the warning %q", w)
		}
	}
}

func TestMyListAnonymous(t *testing.T) {
	site := newListSite(t)
	svcs := site.sampleServices(t, 2)
	v := site.visitor(t)

	if p := v.get("/my-list"); p.status != http.StatusOK || len(listItems(p)) != 0 {
		t.Fatalf("empty my list: status %d, %d items", p.status, len(listItems(p)))
	}
	for _, svc := range svcs {
		chooser := v.get("/add-to-list?service=" + url.QueryEscape(svc.ID))
		p := v.submit(chooser, `form[action="/my-list/items"]`, nil)
		if p.status != http.StatusOK || p.url.Path != "/my-list" {
			t.Fatalf("adding to my list: status %d at %s", p.status, p.url)
		}
	}
	p := v.get("/my-list")
	if got := strings.Join(listItems(p), "|"); got != svcs[0].Name+"|"+svcs[1].Name {
		t.Errorf("my list holds %q", got)
	}
	if again := v.get("/add-to-list?service=" + url.QueryEscape(svcs[0].ID)); again.doc.Find(`form[action="/my-list/items"]`).Length() != 0 {
		t.Error("the chooser offers to add an activity already on my list")
	}

	t.Run("nothing personal is kept: only the token's hash", func(t *testing.T) {
		u, err := url.Parse(site.ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		var token string
		for _, c := range v.c.Jar.Cookies(u) {
			if c.Name == myListCookie {
				token = c.Value
			}
		}
		if len(token) < 22 {
			t.Fatalf("my list cookie %q", token)
		}
		sl, err := site.store.FindMyList(context.Background(), token)
		if err != nil || sl.Owner != "" || sl.OwnerToken == token || sl.OwnerToken != directory.HashToken(token) {
			t.Errorf("stored my list %+v, %v", sl, err)
		}
	})
	t.Run("another visitor has their own", func(t *testing.T) {
		if got := len(listItems(site.visitor(t).get("/my-list"))); got != 0 {
			t.Errorf("a fresh visitor sees %d items", got)
		}
	})
	t.Run("print", func(t *testing.T) {
		pr := v.get("/my-list/print")
		if pr.status != http.StatusOK || pr.doc.Find(".print-list > li").Length() != 2 {
			t.Errorf("print: status %d, %d items", pr.status, pr.doc.Find(".print-list > li").Length())
		}
	})
	t.Run("share with a link worker", func(t *testing.T) {
		p := v.submit(v.get("/my-list"), `form[action="/my-list/share"]`, nil)
		link, _ := p.doc.Find("#share-url").Attr("value")
		s := site.linkWorker(t, "lw@example.org").get(link)
		if s.status != http.StatusOK || len(listItems(s)) != 2 {
			t.Errorf("my list's share link: status %d, %d items", s.status, len(listItems(s)))
		}
	})
	t.Run("delete forgets it", func(t *testing.T) {
		p := v.submit(v.get("/my-list"), `form[action="/my-list/delete"]`, nil)
		if p.status != http.StatusOK || len(listItems(p)) != 0 {
			t.Errorf("after delete: status %d, %d items", p.status, len(listItems(p)))
		}
	})
}

func TestAddToListButtons(t *testing.T) {
	site := newListSite(t)
	v := site.visitor(t)
	activity := firstActivityID(t, site.sampleSite)
	pages := map[string]string{
		"search":   "/search?q=gardening&near=Bootle",
		"match":    "/match?need=lonely&interest=gardening&near=Bootle&step=results",
		"activity": "/activities/" + activity,
	}
	for name, path := range pages {
		t.Run(name, func(t *testing.T) {
			p := v.get(path)
			forms := p.doc.Find(`form.add-to-list[action="/current-list/items"][method=post]`)
			if forms.Length() == 0 {
				t.Fatalf("%s has no Add to list button", path)
			}
			if ret := forms.First().Find("input[name=return]").AttrOr("value", ""); !strings.HasPrefix(path, strings.SplitN(ret, "#", 2)[0]) {
				t.Errorf("the button comes back to %q, not %s", ret, path)
			}
			id, _ := forms.First().Find("input[name=service]").Attr("value")
			if _, err := site.store.Service(context.Background(), id); err != nil {
				t.Errorf("the button names service %q: %v", id, err)
			}
		})
	}
	if p := v.get("/add-to-list?service=nope"); p.status != http.StatusNotFound {
		t.Errorf("chooser for an unknown activity: status %d", p.status)
	}
}

// TestMyListThrottle: My lists need no account, so one address cannot
// start them without end.
func TestMyListThrottle(t *testing.T) {
	site := newListSite(t)
	svc := site.sampleServices(t, 1)[0]
	add := func() *testPage {
		v := site.visitor(t) // a new browser each time: no cookie, a new list
		return v.submit(v.get("/add-to-list?service="+url.QueryEscape(svc.ID)), `form[action="/my-list/items"]`, nil)
	}
	for i := range myListsPerWindow {
		if p := add(); p.status != http.StatusOK {
			t.Fatalf("list %d: status %d", i+1, p.status)
		}
	}
	if p := add(); p.status != http.StatusTooManyRequests {
		t.Errorf("one list too many: status %d, want 429", p.status)
	}
}

// Behind a TLS-terminating proxy (Config.HTTPS) the My list cookie is
// Secure, like the session cookie, though this process sees plain HTTP.
func TestMyListCookieSecureBehindProxy(t *testing.T) {
	site := newSampleSite(t)
	cfg := site.config(testNow)
	cfg.HTTPS = true
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	svc := (&listSite{sampleSite: site}).sampleServices(t, 1)[0]
	page := httptest.NewRecorder()
	srv.ServeHTTP(page, httptest.NewRequest("GET", "/add-to-list?service="+url.QueryEscape(svc.ID), nil))
	doc, err := goquery.NewDocumentFromReader(page.Body)
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := doc.Find(`form[action="/my-list/items"] input[name="csrf_token"]`).Attr("value")
	form := url.Values{"csrf_token": {tok}, "service": {svc.ID}}
	req := httptest.NewRequest("POST", "/my-list/items", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "https://example.com/add-to-list")
	for _, c := range page.Result().Cookies() {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("add to my list: status %d", rec.Code)
	}
	var mine *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == myListCookie {
			mine = c
		}
	}
	if mine == nil || !mine.Secure || !mine.HttpOnly {
		t.Errorf("my list cookie behind an HTTPS proxy: %+v", mine)
	}
}
