package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// TestTeamListsThroughThePages: an admin makes teams; a link worker shares
// a list with theirs; a colleague finds it under Team lists and continues
// it; the history names both; a link worker of another team is refused
// everything; when the owner leaves the list shows the team as its owner.
func TestTeamListsThroughThePages(t *testing.T) {
	site := newListSite(t)
	svcs := site.sampleServices(t, 2)
	admin := site.signedIn(t, "admin-teams@example.org", directory.RoleAdmin)
	khan := site.linkWorker(t, "khan@example.org")
	jones := site.linkWorker(t, "jones@example.org")
	outsider := site.linkWorker(t, "outsider@example.org")
	ctx := context.Background()
	if _, err := site.store.SetProfile(ctx, "khan@example.org", directory.Profile{DisplayName: "A. Khan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := site.store.SetProfile(ctx, "jones@example.org", directory.Profile{DisplayName: "B. Jones"}); err != nil {
		t.Fatal(err)
	}

	page := admin.get("/admin/teams")
	for _, team := range []string{"Bootle PCN", "Wirral Practice"} {
		page = admin.submit(page, `form[action="/admin/teams"]`, url.Values{"name": {team}, "kind": {"pcn"}})
		if page.url.Query().Get("done") != "team-added" {
			t.Fatalf("adding %s went to %s", team, page.url)
		}
	}
	addTo := func(team, email string) {
		t.Helper()
		sel := ""
		page.doc.Find("section.team").Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(textOf(s.Find("h2")), team) {
				sel = `form[action="` + s.Find(`form[action$="/members"]`).AttrOr("action", "") + `"]`
			}
		})
		page = admin.submit(page, sel, url.Values{"email": {email}})
		if page.url.Query().Get("done") != "member-added" {
			t.Fatalf("adding %s to %s: %d at %s: %s", email, team, page.status, page.url, textOf(page.doc.Find(".error-summary")))
		}
	}
	addTo("Bootle PCN", "khan@example.org")
	addTo("Bootle PCN", "jones@example.org")
	addTo("Wirral Practice", "outsider@example.org")

	list := startList(t, khan, "Mr P", svcs[0])
	base := list.url.Path
	if jones.get(base).status != http.StatusNotFound {
		t.Fatal("a colleague opens a list not shared with the team")
	}
	list = khan.submit(khan.get(base), `form[action="`+base+`/team"]`, nil)
	if list.url.Query().Get("done") != "team-shared" {
		t.Fatalf("sharing with the team went to %s", list.url)
	}

	index := jones.get("/shortlists")
	if got := textOf(index.doc.Find(".team-shortlists li")); !strings.Contains(got, "Mr P") || !strings.Contains(got, "A. Khan’s list") {
		t.Errorf("jones's team lists: %q", got)
	}
	theirs := jones.get(base)
	if theirs.status != http.StatusOK || !strings.Contains(textOf(theirs.doc.Find(".team-owner")), "A. Khan") {
		t.Fatalf("jones opens the list: %d, %q", theirs.status, textOf(theirs.doc.Find(".team-owner")))
	}
	saved := jones.submit(theirs, "#list-form", url.Values{"note-" + svcs[0].ID: {"Ask for Jo"}})
	if saved.url.Query().Get("done") != "saved" {
		t.Fatalf("jones saving: %d at %s", saved.status, saved.url)
	}
	// Continuing: the list can be jones's current list, and adds go to it.
	if p := jones.post("/shortlists/current", url.Values{"list": {strings.TrimPrefix(base, "/shortlists/")}}); p.status != http.StatusOK {
		t.Errorf("making the team list current: %d", p.status)
	}
	jones.post("/current-list/items", url.Values{"service": {svcs[1].ID}})

	history := textOf(khan.get(base).doc.Find(".list-history"))
	for _, want := range []string{"Notes changed by B. Jones", "Activities added by B. Jones", "Team sharing changed by A. Khan", "List started by A. Khan"} {
		if !strings.Contains(history, want) {
			t.Errorf("history %q lacks %q", history, want)
		}
	}

	t.Run("another team is refused", func(t *testing.T) {
		id := strings.TrimPrefix(base, "/shortlists/")
		for _, path := range []string{base, base + "/print", base + "/text"} {
			if p := outsider.get(path); p.status != http.StatusNotFound || strings.Contains(p.body, "Mr P") {
				t.Errorf("GET %s: %d", path, p.status)
			}
		}
		for path, form := range map[string]url.Values{
			base + "/save":        {"note-" + svcs[0].ID: {"mine"}},
			base + "/items":       {"service": {svcs[1].ID}},
			base + "/share":       {},
			base + "/team":        {"share": {"0"}},
			base + "/delete":      {},
			"/shortlists/current": {"list": {id}},
		} {
			if p := outsider.post(path, form); p.status != http.StatusNotFound {
				t.Errorf("POST %s: %d", path, p.status)
			}
		}
		if got := outsider.get("/shortlists").doc.Find(".team-shortlists li").Length(); got != 0 {
			t.Errorf("another team's index lists %d team lists", got)
		}
	})

	t.Run("a colleague cannot delete it or stop sharing it", func(t *testing.T) {
		if p := jones.post(base+"/delete", url.Values{}); p.status != http.StatusForbidden {
			t.Errorf("jones deleting: %d", p.status)
		}
		if p := jones.post(base+"/team", url.Values{"share": {"0"}}); p.status != http.StatusForbidden {
			t.Errorf("jones unsharing: %d", p.status)
		}
	})

	t.Run("the owner leaves; the list stays with the team", func(t *testing.T) {
		if err := site.store.DisableAccount(ctx, "khan@example.org"); err != nil {
			t.Fatal(err)
		}
		if got := textOf(jones.get("/shortlists").doc.Find(".team-shortlists li")); !strings.Contains(got, "Bootle PCN’s list") {
			t.Errorf("after khan left, the team list reads %q", got)
		}
		token, _, err := site.store.ShareShortlist(ctx, directory.AccountOwner("jones@example.org"), strings.TrimPrefix(base, "/shortlists/"), 0)
		if err != nil {
			t.Fatal(err)
		}
		shared := site.visitor(t).get("/s/" + token)
		if got := textOf(shared.doc.Find(".maker-who")); !strings.Contains(got, "Bootle PCN") || strings.Contains(shared.body, "A. Khan") {
			t.Errorf("the shared copy's maker: %q", got)
		}
	})
}
