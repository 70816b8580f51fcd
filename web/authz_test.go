package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// The five kinds of visitor of the route table, in column order.
var visitors = []string{"anonymous", "provider A", "provider B", "link worker", "admin", "commissioner"}

var visitorEmail = map[string]string{
	"anonymous": "", "provider A": emailProvA, "provider B": emailProvB, "link worker": emailLW, "admin": emailAdmin,
	"commissioner": emailComm,
}

// TestRouteAccess runs every route of the site as each kind of visitor
// and checks the status. 303 for an anonymous visitor is the redirect to
// sign in; 403 is a signed-in visitor without permission. It walks the
// router too: a route that no row of the table reaches fails the test, so
// a new route cannot be added without saying who may use it.
func TestRouteAccess(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	a, b := es.ListingA, es.ListingB
	const unknown = "00000000-0000-4000-8000-000000000000"
	lists := newRouteLists(t, es)
	corr, err := es.store.AddCorrection(context.Background(), directory.Correction{ServiceID: a, Message: "It moved to Thursdays."})
	if err != nil {
		t.Fatal(err)
	}
	correction := "/admin/corrections/" + a + "/" + corr.ID
	mine, theirs := "/shortlists/"+lists.mine, "/shortlists/"+lists.theirs
	type want [6]int // anonymous, provider A, provider B, link worker, admin, commissioner
	routes := []struct {
		method, path string
		form         url.Values
		want         want
	}{
		// Public pages stay open to everyone.
		{"GET", "/", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/help-now", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/search?q=gardening", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/search/print?q=gardening", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/match", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/match/print?need=lonely", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/activities/" + a, nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/activities/" + a + "/print", nil, want{200, 200, 200, 200, 200, 200}},
		// Every visitor of the table sends from one address, so the sixth
		// correction meets the limit of five per address (throttle.go).
		{"POST", "/activities/" + a + "/corrections", url.Values{"message": {"It moved to Thursdays."}}, want{303, 303, 303, 303, 303, 429}},
		{"GET", "/healthz", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/static/site.css", nil, want{200, 200, 200, 200, 200, 200}},

		// Sign-in is open to everyone; a form without a password is
		// refused before any password is checked.
		{"GET", "/login", nil, want{200, 200, 200, 200, 200, 200}},
		{"POST", "/login", url.Values{"email": {"nobody@example.org"}}, want{400, 400, 400, 400, 400, 400}},

		// The provider area.
		{"GET", "/provider", nil, want{303, 200, 200, 403, 200, 403}},
		{"GET", "/provider?org=" + es.OrgA, nil, want{303, 200, 403, 403, 200, 403}},
		// Outcome figures of the provider's own listings; an admin picks an
		// organisation first, and downloads one at a time.
		{"GET", "/provider/outcomes", nil, want{303, 200, 200, 403, 200, 403}},
		{"GET", "/provider/outcomes?org=" + es.OrgA, nil, want{303, 200, 403, 403, 200, 403}},
		{"GET", "/provider/outcomes.csv", nil, want{303, 200, 200, 403, 400, 403}},
		{"GET", "/provider/outcomes.csv?org=" + es.OrgA, nil, want{303, 200, 403, 403, 200, 403}},
		{"GET", "/provider/listings/new", nil, want{303, 200, 200, 403, 200, 403}},
		{"GET", "/provider/listings/new?org=" + es.OrgA, nil, want{303, 200, 403, 403, 200, 403}},
		// An empty form is refused (400) by those allowed to send it.
		{"POST", "/provider/listings/new", url.Values{"org": {es.OrgA}}, want{303, 400, 403, 403, 400, 403}},
		{"GET", "/provider/listings/" + a + "/edit", nil, want{303, 200, 403, 403, 200, 403}},
		{"GET", "/provider/listings/" + b + "/edit", nil, want{303, 403, 200, 403, 200, 403}},
		{"GET", "/provider/listings/" + unknown + "/edit", nil, want{303, 404, 404, 403, 404, 403}},
		{"POST", "/provider/listings/" + a + "/edit", url.Values{"action": {"preview"}, "name": {"x"}, "status": {"active"}}, want{303, 200, 403, 403, 200, 403}},
		{"POST", "/provider/listings/" + a + "/capacity", url.Values{"capacity": {"full"}}, want{303, 303, 403, 403, 303, 403}},
		{"POST", "/provider/listings/" + a + "/confirm", nil, want{303, 303, 403, 403, 303, 403}},
		// Nothing is waiting to withdraw.
		{"POST", "/provider/listings/" + a + "/withdraw", nil, want{303, 404, 403, 403, 404, 403}},
		{"GET", "/provider/listings/" + a + "/history", nil, want{303, 200, 403, 403, 200, 403}},
		{"GET", "/provider/listings/" + b + "/history", nil, want{303, 403, 200, 403, 200, 403}},
		// Only admins restore; "x" is not a revision.
		{"POST", "/provider/listings/" + a + "/restore", url.Values{"seq": {"x"}}, want{303, 403, 403, 403, 400, 403}},
		{"GET", "/provider/listings/" + a + "/restore?seq=x", nil, want{303, 403, 403, 403, 400, 403}},
		// A correction's status: the listing's providers and admins; an
		// unknown correction is not found.
		{"POST", "/provider/listings/" + a + "/corrections/" + unknown, url.Values{"status": {"done"}}, want{303, 404, 403, 403, 404, 403}},

		// The admin area. Nothing is waiting, so the queue entry is 404.
		{"GET", "/admin", nil, want{303, 403, 403, 403, 200, 403}},
		{"GET", "/admin/queue", nil, want{303, 403, 403, 403, 200, 403}},
		{"GET", "/admin/queue/" + a, nil, want{303, 403, 403, 403, 404, 403}},
		{"POST", "/admin/queue/" + a + "/approve", nil, want{303, 403, 403, 403, 404, 403}},
		{"POST", "/admin/queue/" + a + "/reject", url.Values{"reason": {"no"}}, want{303, 403, 403, 403, 404, 403}},
		{"GET", "/admin/organizations", nil, want{303, 403, 403, 403, 200, 403}},
		{"GET", "/admin/accounts", nil, want{303, 403, 403, 403, 200, 403}},
		{"POST", "/admin/accounts", url.Values{"email": {"bad"}}, want{303, 403, 403, 403, 400, 403}},
		{"POST", "/admin/accounts/disable", url.Values{"email": {"nobody@example.org"}}, want{303, 403, 403, 403, 404, 403}},
		{"POST", "/admin/accounts/enable", url.Values{"email": {"nobody@example.org"}}, want{303, 403, 403, 403, 404, 403}},
		{"GET", "/admin/teams", nil, want{303, 403, 403, 403, 200, 403}},
		{"POST", "/admin/teams", url.Values{"name": {""}}, want{303, 403, 403, 403, 400, 403}},
		{"POST", "/admin/teams/" + unknown + "/members", url.Values{"email": {emailLW}}, want{303, 403, 403, 403, 400, 403}},
		{"POST", "/admin/teams/" + unknown + "/members/remove", url.Values{"email": {emailLW}}, want{303, 403, 403, 403, 404, 403}},
		{"GET", "/admin/feeds", nil, want{303, 403, 403, 403, 200, 403}},
		{"POST", "/admin/feeds/nosuch/confirm", nil, want{303, 403, 403, 403, 404, 403}},
		{"POST", "/admin/feeds/adopt", url.Values{"listing": {unknown}}, want{303, 403, 403, 403, 404, 403}},
		{"GET", "/admin/stale", nil, want{303, 403, 403, 403, 200, 403}},
		{"GET", "/admin/corrections", nil, want{303, 403, 403, 403, 200, 403}},
		{"POST", correction, url.Values{"status": {"dismissed"}}, want{303, 403, 403, 403, 303, 403}},
		{"POST", correction, url.Values{"status": {"deleted"}}, want{303, 403, 403, 403, 400, 403}},
		{"POST", "/admin/corrections/" + a + "/" + unknown, url.Values{"status": {"done"}}, want{303, 403, 403, 403, 404, 403}},
		{"GET", "/admin/duplicates", nil, want{303, 403, 403, 403, 200, 403}},
		{"POST", "/admin/duplicates/decide", url.Values{"a": {a}, "b": {unknown}, "decision": {"different"}}, want{303, 403, 403, 403, 404, 403}},
		{"POST", "/admin/duplicates/undo", url.Values{"a": {a}, "b": {unknown}}, want{303, 403, 403, 403, 303, 403}},
		{"GET", "/admin/import", nil, want{303, 403, 403, 403, 200, 403}},
		{"POST", "/admin/import", nil, want{303, 403, 403, 403, 400, 403}},
		{"GET", "/admin/export", nil, want{303, 403, 403, 403, 200, 403}},
		// E-mail and passwords (mailpages.go). Nobody is named, and no
		// listing is waiting to be reminded about.
		{"POST", "/admin/accounts/reset", url.Values{"email": {"nobody@example.org"}}, want{303, 403, 403, 403, 404, 403}},
		{"POST", "/admin/stale/remind", nil, want{303, 403, 403, 403, 400, 403}},
		{"GET", "/admin/outbox", nil, want{303, 403, 403, 403, 200, 403}},
		{"GET", "/account/password", nil, want{303, 200, 200, 200, 200, 200}},
		{"POST", "/account/password", url.Values{"current_password": {"wrong"}}, want{303, 400, 400, 400, 400, 400}},
		// The link pages are open to anyone with a link; this is not one.
		{"GET", "/password/reset?token=nope", nil, want{404, 404, 404, 404, 404, 404}},
		{"POST", "/password/reset", url.Values{"token": {"nope"}}, want{404, 404, 404, 404, 404, 404}},
		{"GET", "/still-running?token=nope", nil, want{404, 404, 404, 404, 404, 404}},
		{"POST", "/still-running", url.Values{"token": {"nope"}}, want{404, 404, 404, 404, 404, 404}},

		// Adding to a list is offered to everyone: link workers choose
		// one of their lists, anyone else their My list.
		{"GET", "/add-to-list?service=" + a, nil, want{200, 200, 200, 200, 200, 200}},
		// The current list is My list for everyone but a link worker, who
		// has not chosen one yet and is sent to choose (303 all round).
		{"POST", "/current-list/items", url.Values{"service": {a}}, want{303, 303, 303, 303, 303, 303}},
		{"POST", "/current-list/remove", url.Values{"service": {a}}, want{303, 303, 303, 303, 303, 303}},

		// A link worker's shortlists: only link workers keep them, and
		// another link worker's list does not exist for them (404).
		{"GET", "/shortlists", nil, want{303, 403, 403, 200, 403, 403}},
		{"POST", "/shortlists", url.Values{"reference": {"Mr T"}}, want{303, 403, 403, 303, 403, 403}},
		{"GET", mine, nil, want{303, 403, 403, 200, 403, 403}},
		{"POST", "/shortlists/current", url.Values{"list": {lists.mine}}, want{303, 403, 403, 303, 403, 403}},
		{"GET", "/shortlists/profile", nil, want{303, 403, 403, 200, 403, 403}},
		{"POST", "/shortlists/profile", url.Values{"display_name": {"A. Khan"}}, want{303, 403, 403, 303, 403, 403}},
		{"POST", "/shortlists/current", url.Values{"list": {lists.theirs}}, want{303, 403, 403, 404, 403, 403}},
		{"GET", theirs, nil, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/items", url.Values{"service": {b}}, want{303, 403, 403, 303, 403, 403}},
		{"POST", theirs + "/items", url.Values{"service": {b}}, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/save", url.Values{"note-" + a: {"ask for Jo"}, "move": {"up:" + b}, "reference": {"Mrs K"}}, want{303, 403, 403, 303, 403, 403}},
		{"POST", theirs + "/save", url.Values{"note-" + a: {"mine now"}}, want{303, 403, 403, 404, 403, 403}},
		{"GET", mine + "/print", nil, want{303, 403, 403, 200, 403, 403}},
		{"GET", theirs + "/print", nil, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/print", nil, want{303, 403, 403, 200, 403, 403}},
		{"GET", mine + "/text", nil, want{303, 403, 403, 200, 403, 403}},
		{"GET", theirs + "/text", nil, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/text", nil, want{303, 403, 403, 200, 403, 403}},
		{"POST", mine + "/share", nil, want{303, 403, 403, 200, 403, 403}},
		{"POST", theirs + "/share", nil, want{303, 403, 403, 404, 403, 403}},
		// The table's link worker is in no team, so has none to share with.
		{"POST", mine + "/team", url.Values{"share": {"1"}}, want{303, 403, 403, 403, 403, 403}},
		{"POST", theirs + "/team", url.Values{"share": {"1"}}, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/shares/" + lists.mineShare + "/revoke", nil, want{303, 403, 403, 303, 403, 403}},
		{"POST", theirs + "/shares/" + lists.theirShare + "/revoke", nil, want{303, 403, 403, 404, 403, 403}},
		{"POST", theirs + "/save", url.Values{"remove": {a}}, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/save", url.Values{"remove": {a}}, want{303, 403, 403, 303, 403, 403}},
		{"GET", "/shortlists/" + unknown, nil, want{303, 403, 403, 404, 403, 403}},

		// Share links open for anyone holding them, signed in or not.
		{"GET", "/s/" + lists.token, nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/s/" + lists.token + "/print", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/s/" + lists.token + "/text", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/s/not-a-token", nil, want{404, 404, 404, 404, 404, 404}},
		// The follow-up form on a share link is taken only from the link's
		// own page, by its Origin; these posts carry none.
		{"POST", "/s/" + lists.token, url.Values{"form": {"answer"}, "status": {"went"}}, want{403, 403, 403, 403, 403, 403}},

		// My list needs no account and is open to everyone. Each visitor
		// has their own, made by the first activity added.
		{"GET", "/my-list", nil, want{200, 200, 200, 200, 200, 200}},
		{"POST", "/my-list/items", url.Values{"service": {a}}, want{303, 303, 303, 303, 303, 303}},
		{"POST", "/my-list/items", url.Values{"service": {b}}, want{303, 303, 303, 303, 303, 303}},
		{"POST", "/my-list/save", url.Values{"note-" + a: {"Tuesdays"}, "move": {"up:" + b}}, want{303, 303, 303, 303, 303, 303}},
		{"GET", "/my-list/print", nil, want{200, 200, 200, 200, 200, 200}},
		{"POST", "/my-list/print", nil, want{200, 200, 200, 200, 200, 200}},
		{"GET", "/my-list/text", nil, want{200, 200, 200, 200, 200, 200}},
		{"POST", "/my-list/text", nil, want{200, 200, 200, 200, 200, 200}},
		{"POST", "/my-list/share", nil, want{200, 200, 200, 200, 200, 200}},
		// A My list belongs to no team.
		{"POST", "/my-list/team", url.Values{"share": {"1"}}, want{403, 403, 403, 403, 403, 403}},
		// Not a share of this visitor's list.
		{"POST", "/my-list/shares/" + lists.mineShare + "/revoke", nil, want{404, 404, 404, 404, 404, 404}},
		// A My list has no reference: one sent is ignored.
		{"POST", "/my-list/save", url.Values{"reference": {"Mine"}, "remove": {a}}, want{303, 303, 303, 303, 303, 303}},
		{"POST", "/my-list/delete", nil, want{303, 303, 303, 303, 303, 303}},

		// Deleting goes after every other request about the lists.
		{"POST", theirs + "/delete", nil, want{303, 403, 403, 404, 403, 403}},
		{"POST", mine + "/delete", nil, want{303, 403, 403, 303, 403, 403}},

		// Insights: anonymous aggregates, for commissioners and admins
		// only. A CSV download is one of the page's tables.
		{"GET", "/insights", nil, want{303, 403, 403, 403, 200, 200}},
		{"GET", "/insights?period=52&need=lonely", nil, want{303, 403, 403, 403, 200, 200}},
		{"GET", "/insights/demand.csv", nil, want{303, 403, 403, 403, 200, 200}},
		{"GET", "/insights/nosuch.csv", nil, want{303, 403, 403, 403, 404, 404}},

		// Signing out always lands on the sign-in page; it goes last.
		{"POST", "/logout", nil, want{303, 303, 303, 303, 303, 303}},
	}
	t.Run("every route of the router is in the table", func(t *testing.T) {
		err := es.site.routes().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
			path, err := route.GetPathTemplate()
			if err != nil {
				return err
			}
			methods, err := route.GetMethods()
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			for _, m := range methods {
				if m == http.MethodHead {
					continue // served by the GET handler, and checked with it
				}
				reached := false
				for _, rt := range routes {
					var match mux.RouteMatch
					if rt.method == m && route.Match(httptest.NewRequest(m, rt.path, nil), &match) {
						reached = true
						break
					}
				}
				if !reached {
					t.Errorf("%s %s is not in TestRouteAccess's table: add a row saying who may use it (and its guard in routes.go)", m, path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	clients := map[string]*client{}
	for _, v := range visitors {
		clients[v] = es.signedIn(t, visitorEmail[v])
	}
	for _, rt := range routes {
		for i, v := range visitors {
			t.Run(rt.method+" "+rt.path+"/"+v, func(t *testing.T) {
				c := clients[v]
				c.t = t
				var resp *http.Response
				if rt.method == "GET" {
					resp, _ = c.get(rt.path)
				} else {
					form := url.Values{}
					for k, vals := range rt.form {
						form[k] = append([]string(nil), vals...)
					}
					resp, _ = c.post(rt.path, form)
				}
				if resp.StatusCode != rt.want[i] {
					t.Errorf("status %d, want %d", resp.StatusCode, rt.want[i])
				}
				if v == "anonymous" && resp.StatusCode == http.StatusSeeOther && areaOf(rt.path) == areaSignIn {
					if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/login?next=") {
						t.Errorf("anonymous redirect to %q, want the sign-in page", loc)
					}
				}
			})
		}
	}
}

// routeLists are the shortlists of the route table: one of the table's
// link worker (emailLW) and one of another link worker, each holding an
// activity and shared by a link.
type routeLists struct {
	mine, theirs          string
	mineShare, theirShare string // share ids, for revoking
	token                 string // a share link of mine, never revoked
}

func newRouteLists(t *testing.T, es *editorialSite) routeLists {
	t.Helper()
	ctx := context.Background()
	var out routeLists
	for _, l := range []struct {
		owner      directory.Owner
		id, shared *string
	}{
		{directory.AccountOwner(emailLW), &out.mine, &out.mineShare},
		{directory.AccountOwner("another-lw@example.org"), &out.theirs, &out.theirShare},
	} {
		sl, err := es.store.CreateShortlist(ctx, l.owner, "Mr P")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := es.store.AddItem(ctx, l.owner, sl.ID, es.ListingA); err != nil {
			t.Fatal(err)
		}
		_, sh, err := es.store.ShareShortlist(ctx, l.owner, sl.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		*l.id, *l.shared = sl.ID, sh.ID
	}
	token, _, err := es.store.ShareShortlist(ctx, directory.AccountOwner(emailLW), out.mine, 0)
	if err != nil {
		t.Fatal(err)
	}
	out.token = token
	return out
}

// TestPolicy checks the table itself: who may do what to whose listing.
func TestPolicy(t *testing.T) {
	t.Parallel()
	const org1, org2 = "org-1", "org-2"
	admin := &directory.Account{Email: "a@x", Role: directory.RoleAdmin}
	prov := &directory.Account{Email: "p@x", Role: directory.RoleProvider, Orgs: []string{org1}}
	lw := &directory.Account{Email: "l@x", Role: directory.RoleLinkWorker}
	gone := &directory.Account{Email: "g@x", Role: directory.RoleAdmin, Disabled: true}
	comm := &directory.Account{Email: "c@x", Role: directory.RoleCommissioner}
	tests := []struct {
		name string
		a    *directory.Account
		p    permission
		org  string
		want bool
	}{
		{"anonymous edits nothing", nil, permEditListing, org1, false},
		{"provider edits own", prov, permEditListing, org1, true},
		{"provider edits other", prov, permEditListing, org2, false},
		{"provider opens the area", prov, permProviderArea, "", true},
		{"provider publishes nothing directly", prov, permPublish, org1, false},
		{"provider cannot moderate", prov, permModerate, "", false},
		{"provider cannot restore own", prov, permRestore, org1, false},
		{"link worker edits nothing", lw, permEditListing, org1, false},
		{"link worker sees no history", lw, permViewListing, org1, false},
		{"admin edits any", admin, permEditListing, org2, true},
		{"admin publishes", admin, permPublish, org2, true},
		{"admin restores", admin, permRestore, org1, true},
		{"disabled admin does nothing", gone, permModerate, "", false},
		{"link worker keeps shortlists", lw, permShortlists, "", true},
		{"shortlists belong to no organisation", lw, permShortlists, org1, false},
		{"provider keeps no shortlists", prov, permShortlists, "", false},
		{"admin keeps no shortlists", admin, permShortlists, "", false},
		{"anonymous keeps no shortlists", nil, permShortlists, "", false},
		{"commissioner reads insights", comm, permInsights, "", true},
		{"admin reads insights", admin, permInsights, "", true},
		{"provider reads no insights", prov, permInsights, "", false},
		{"link worker reads no insights", lw, permInsights, "", false},
		{"commissioner sees no listing", comm, permViewListing, org1, false},
		{"commissioner keeps no shortlists", comm, permShortlists, "", false},
		{"commissioner cannot moderate", comm, permModerate, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := can(tt.a, tt.p, tt.org); got != tt.want {
				t.Errorf("can = %v, want %v", got, tt.want)
			}
		})
	}
	for p, row := range policy {
		if _, ok := row[directory.RoleLinkWorker]; ok && p != permShortlists && p != permOwnAccount {
			t.Errorf("policy gives link workers %q; they keep shortlists and change no listing", p)
		}
		if _, ok := row[directory.RoleCommissioner]; ok && p != permInsights && p != permOwnAccount {
			t.Errorf("policy gives commissioners %q; they read aggregates only", p)
		}
	}
}

// TestHeaderLinks: the header offers each visitor the areas the policy
// opens to them, and My list to anyone without an account.
func TestHeaderLinks(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	want := map[string]string{
		"anonymous":   "/search|/match|/my-list",
		"provider A":  "/search|/match|/provider",
		"provider B":  "/search|/match|/provider",
		"link worker": "/search|/match|/shortlists",
		"admin":       "/search|/match|/provider|/admin|/insights",
		// A commissioner keeps no list (not even My list) and edits
		// nothing: the insight pages are all there is.
		"commissioner": "/search|/match|/insights",
	}
	for _, v := range visitors {
		t.Run(v, func(t *testing.T) {
			_, doc := es.signedIn(t, visitorEmail[v]).get("/")
			var hrefs []string
			for _, a := range doc.Find(".site-header nav a").EachIter() {
				hrefs = append(hrefs, a.AttrOr("href", ""))
			}
			if got := strings.Join(hrefs, "|"); got != want[v] {
				t.Errorf("header links %s, want %s", got, want[v])
			}
			if signOut := doc.Find(".site-header form.sign-out").Length() == 1; signOut != (v != "anonymous") {
				t.Errorf("sign-out button shown: %v", signOut)
			}
		})
	}
}

// routeRequest is one method of a route of the router, with its path's
// variables filled in with "x".
type routeRequest struct {
	method, template, path string
}

var pathVariable = regexp.MustCompile(`\{[^}]*\}`)

// everyRoute lists every route of the router by method, leaving out HEAD,
// which the GET handler serves.
func everyRoute(t *testing.T, r *mux.Router) []routeRequest {
	t.Helper()
	var out []routeRequest
	err := r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return fmt.Errorf("%s: %w", tmpl, err)
		}
		for _, m := range methods {
			if m != http.MethodHead {
				out = append(out, routeRequest{m, tmpl, pathVariable.ReplaceAllString(tmpl, "x")})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAreas walks every route of the router and checks the table of areas
// against it: every route is in an area, the routes that send an
// anonymous visitor to sign in (the guarded ones) are the routes of
// areaSignIn, and a follower sends a route's requests to the primary
// exactly when they change something or the route's area is kept per
// site. So a new route, or a new area added to the table, is sent to the
// primary with no change to the follower's middleware, and an area
// forgotten in the table fails here.
func TestAreas(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	cfg := es.config(es.clock.Now)
	cfg.Primary, _ = url.Parse("https://primary.signpost.example")
	follower, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	anonymous := es.client(t)
	for _, rt := range everyRoute(t, es.site.routes()) {
		t.Run(rt.method+" "+rt.template, func(t *testing.T) {
			anonymous.t = t
			first, _, _ := strings.Cut(strings.TrimPrefix(rt.path, "/"), "/")
			a, listed := areas[first]
			if !listed {
				t.Fatalf("%q is in no area: add it to areas in authz.go", "/"+first)
			}

			var resp *http.Response
			if rt.method == http.MethodGet {
				resp, _ = anonymous.get(rt.path)
			} else {
				resp, _ = anonymous.post(rt.path, nil)
			}
			guarded := resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next=")
			if guarded != (a == areaSignIn) {
				t.Errorf("guarded %v (anonymous: %d to %q), but in areaSignIn %v: the guard in routes.go and areas in authz.go disagree",
					guarded, resp.StatusCode, resp.Header.Get("Location"), a == areaSignIn)
			}

			rec := httptest.NewRecorder()
			follower.ServeHTTP(rec, httptest.NewRequest(rt.method, rt.path, strings.NewReader("a=1")))
			sent := rec.Code == http.StatusTemporaryRedirect && rec.Header().Get("Location") == "https://primary.signpost.example"+rt.path
			if want := rt.method != http.MethodGet || a.perSite(); sent != want {
				t.Errorf("the follower sent it to the primary: %v (%d to %q), want %v", sent, rec.Code, rec.Header().Get("Location"), want)
			}
		})
	}
}
