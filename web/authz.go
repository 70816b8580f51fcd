package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// Authorization lives here and only here: a table of what each role may
// do, one guard that every account route is wrapped in, and a table of the
// site's areas, which says what the middleware before the router must know
// of a route (a follower's redirect, the CSRF check). Handlers do not
// check roles. routes.go registers every route, and TestRouteAccess walks
// the router: a route missing from its table of who may reach what fails
// the test.

// permission is something a signed-in person may be allowed to do.
type permission string

const (
	// permProviderArea opens /provider.
	permProviderArea permission = "provider-area"
	// permViewListing shows a listing's edit form, drafts and history.
	permViewListing permission = "view-listing"
	// permEditListing submits an edit for moderation, changes capacity and
	// confirms a listing; permCreateListing submits a new one.
	permEditListing   permission = "edit-listing"
	permCreateListing permission = "create-listing"
	// permPublish saves an edit without moderation.
	permPublish permission = "publish"
	// permModerate opens /admin: the queue, approval and rejection, the
	// stale report and the corrections inbox.
	permModerate permission = "moderate"
	// permRestore publishes an earlier revision again.
	permRestore permission = "restore"
	// permManageAccounts adds and disables accounts.
	permManageAccounts permission = "manage-accounts"
	// permManageTeams makes teams of link workers and says who is in them.
	permManageTeams permission = "manage-teams"
	// permManageFeeds sees the followed feeds, confirms a withdrawal a
	// full pull held back and adopts a feed's listing for local editing.
	permManageFeeds permission = "manage-feeds"
	// permMergeDuplicates decides whether listings are one activity and
	// merges them, hiding one from search.
	permMergeDuplicates permission = "merge-duplicates"
	// permImportExport loads and downloads the whole directory.
	permImportExport permission = "import-export"
	// permShortlists opens /shortlists: keeping pseudonymous lists of
	// activities for the people one sees. Which list is whose is data, not
	// role: the store finds a list only for its owner, so another link
	// worker's list is "not found".
	permShortlists permission = "shortlists"
	// permInsights opens /insights: anonymous aggregates (uptake,
	// helpfulness, wellbeing change, unmet demand, provision gaps), never
	// a list, an answer, an account or a listing draft.
	permInsights permission = "insights"
	// permOwnAccount changes one's own password: every role has it, about
	// no organisation.
	permOwnAccount permission = "own-account"
)

// scope is how far a role's permission reaches.
type scope int

const (
	scopeNone    scope = iota // not at all
	scopeOwnOrgs              // the organisations the account belongs to
	scopeAll                  // every organisation
	// scopeOwnRecords is for permissions about no organisation: the
	// account's own records (its shortlists), which the store finds by
	// owner.
	scopeOwnRecords
)

// policy is the whole of Signpost's authorization. Link workers are in
// the shortlists and own-account rows only: they use the public site and
// their shortlists, and change no listing. A role missing from a row has
// scopeNone.
var policy = map[permission]map[directory.Role]scope{
	permProviderArea:   {directory.RoleProvider: scopeOwnOrgs, directory.RoleAdmin: scopeAll},
	permViewListing:    {directory.RoleProvider: scopeOwnOrgs, directory.RoleAdmin: scopeAll},
	permEditListing:    {directory.RoleProvider: scopeOwnOrgs, directory.RoleAdmin: scopeAll},
	permCreateListing:  {directory.RoleProvider: scopeOwnOrgs, directory.RoleAdmin: scopeAll},
	permPublish:        {directory.RoleAdmin: scopeAll},
	permModerate:       {directory.RoleAdmin: scopeAll},
	permRestore:        {directory.RoleAdmin: scopeAll},
	permManageAccounts: {directory.RoleAdmin: scopeAll},
	permManageTeams:    {directory.RoleAdmin: scopeAll},
	permManageFeeds:    {directory.RoleAdmin: scopeAll},
	permImportExport:   {directory.RoleAdmin: scopeAll},
	permShortlists:     {directory.RoleLinkWorker: scopeOwnRecords},
	permOwnAccount: {directory.RoleAdmin: scopeOwnRecords, directory.RoleProvider: scopeOwnRecords, directory.RoleLinkWorker: scopeOwnRecords,
		directory.RoleCommissioner: scopeOwnRecords},
	permMergeDuplicates: {directory.RoleAdmin: scopeAll},
	// Commissioners are in this row and own-account only.
	permInsights: {directory.RoleAdmin: scopeAll, directory.RoleCommissioner: scopeAll},
}

// area is what a part of the site is, named by the first segment of its
// paths (an "area" of routes.go). The guard decides who may use a route;
// the area decides what the guard cannot, before the router runs: where a
// follower sends the route's requests (toPrimary) and how the CSRF check
// treats them (sessions, in auth.go). TestAreas walks the router: a route
// in no area, or a guarded route outside areaSignIn, fails it.
type area int

const (
	// areaPublic is open to everyone and holds nothing kept per site: a
	// follower answers its reads. Its posts carry a CSRF token.
	areaPublic area = iota
	// areaNoForms is public and has no forms (static files, the API, the
	// health check): its reads set no CSRF cookie, so an open-data API
	// hands out no cookies.
	areaNoForms
	// areaPerSite is open to everyone but shows or keeps what only the
	// primary has: sign-in, e-mail links, My list and choosing a list.
	areaPerSite
	// areaSignIn is behind the guard: every route needs an account.
	areaSignIn
	// areaOriginChecked is per site and takes posts without a CSRF cookie:
	// a share link, whose holder is not signed in. It sets them no cookie,
	// and its post checks its Origin instead of a CSRF token
	// (shortlist_followup.go). A signed-in visitor's posts are checked by
	// the token as everywhere else.
	areaOriginChecked
)

// areas are the areas of the site by their paths' first segment. A path in
// none (a page that does not exist) is public.
var areas = map[string]area{
	"": areaPublic, "help-now": areaPublic, "search": areaPublic, "match": areaPublic, "activities": areaPublic,
	"static": areaNoForms, "api": areaNoForms, "healthz": areaNoForms,
	// mail.ResetPath and mail.StillRunningPath are /password/reset and
	// /still-running.
	"login": areaPerSite, "logout": areaPerSite, "password": areaPerSite, "still-running": areaPerSite,
	"add-to-list": areaPerSite, "current-list": areaPerSite, "my-list": areaPerSite,
	"account": areaSignIn, "provider": areaSignIn, "admin": areaSignIn, "shortlists": areaSignIn, "insights": areaSignIn,
	"s": areaOriginChecked,
}

// areaOf is the area path is in.
func areaOf(path string) area {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return areas[first]
}

// perSite reports whether only the primary may answer the area's
// requests: everything but the public areas.
func (a area) perSite() bool {
	return a != areaPublic && a != areaNoForms
}

// can reports whether account a may do p to something of organisation
// orgID. An empty orgID asks whether a may do p to anything at all (to
// show a link or open an area).
func can(a *directory.Account, p permission, orgID string) bool {
	if a == nil || a.Disabled {
		return false
	}
	switch policy[p][a.Role] {
	case scopeAll:
		return true
	case scopeOwnOrgs:
		if orgID == "" {
			return len(a.Orgs) > 0
		}
		return a.MemberOf(orgID)
	case scopeOwnRecords:
		// Own records belong to an account, never to an organisation.
		return orgID == ""
	}
	return false
}

// orgsFor returns the organisations whose listings a may see under p: nil
// with all=true for every organisation.
func orgsFor(a *directory.Account, p permission) (orgs []string, all bool) {
	switch {
	case a == nil || a.Disabled:
		return nil, false
	case policy[p][a.Role] == scopeAll:
		return nil, true
	case policy[p][a.Role] == scopeOwnOrgs:
		return a.Orgs, false
	}
	return nil, false
}

// resolver finds the organisation a request is about, or "" when it is
// about no one organisation. It fails with an error wrapping
// directory.ErrNotFound when the resource does not exist.
type resolver func(r *http.Request) (orgID string, err error)

// anything is the resolver of routes not about one organisation.
func anything(*http.Request) (string, error) { return "", nil }

// listingDrafts finds a listing, published or waiting for review.
// *directory.Store satisfies it.
type listingDrafts interface {
	// Service returns a published listing, or an error wrapping
	// directory.ErrNotFound.
	Service(ctx context.Context, id string) (*directory.Service, error)
	// Draft returns the draft of a listing, or an error wrapping
	// directory.ErrNotFound.
	Draft(ctx context.Context, serviceID string) (*directory.Draft, error)
}

// listingOrg resolves the {id} of a route to its organisation: the
// published listing's, or for a listing not yet published, its draft's.
func listingOrg(store listingDrafts) resolver {
	return func(r *http.Request) (string, error) {
		id := mux.Vars(r)["id"]
		svc, err := store.Service(r.Context(), id)
		if err == nil {
			return svc.OrgID(), nil
		}
		if !errors.Is(err, directory.ErrNotFound) {
			return "", err
		}
		d, err := store.Draft(r.Context(), id)
		if err != nil {
			return "", fmt.Errorf("listing %s: %w", id, err)
		}
		return d.OrganizationID(), nil
	}
}

// notFromFeed wraps resolve for the routes that change a listing: a
// listing another directory's feed keeps is read-only here, since the
// feed's next sync would overwrite any change. Corrections still reach
// the inbox.
func notFromFeed(store listingDrafts, resolve resolver) resolver {
	return func(r *http.Request) (string, error) {
		org, err := resolve(r)
		if err != nil {
			return "", err
		}
		svc, err := store.Service(r.Context(), mux.Vars(r)["id"])
		if err == nil && svc.Source != nil && !svc.Source.Withdrawn && !svc.Source.Adopted() {
			return "", &httpError{status: http.StatusForbidden, heading: "This listing comes from another directory",
				message: "It is kept up to date from the feed “" + svc.Source.Feed + "”, so changes made here would be overwritten. Ask the people who run that directory to change it, or ask an admin to adopt the listing so that it is edited here."}
		}
		return org, nil
	}
}

// formOrg resolves the organisation named by a query or form field, for
// pages that act for one organisation (a new listing). An empty value is
// about no one organisation.
func formOrg(field string) resolver {
	return func(r *http.Request) (string, error) {
		return clean(r.FormValue(field), 100), nil
	}
}

var errForbidden = &httpError{status: http.StatusForbidden, heading: "You cannot do that",
	message: "Your account does not allow this. If you think it should, ask an admin."}

// refusals are the 403 pages of permissions that can say more than
// errForbidden about where to go instead.
var refusals = map[permission]*httpError{
	permShortlists: {
		status:  http.StatusForbidden,
		heading: "Shortlists are for link workers",
		message: "Your account cannot keep shortlists. Anyone can keep their own list on this device with “My list”.",
	},
}

// refusal is the 403 page for someone without permission p.
func refusal(p permission) *httpError {
	if e, ok := refusals[p]; ok {
		return e
	}
	return errForbidden
}

// guard wraps h so that it runs only for a signed-in account that may do p
// to the organisation resolve finds. Anonymous requests are sent to sign
// in (and back afterwards); anyone else without permission gets 403.
func guard(p permission, resolve resolver, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		a := currentAccount(r)
		if a == nil {
			next := r.URL.Path
			if r.Method == http.MethodGet && r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			return redirect(w, r, "/login?next="+url.QueryEscape(next))
		}
		// A role with no reach at all is refused before the resource is
		// looked up, so it learns nothing of which listings exist.
		if !can(a, p, "") {
			return refusal(p)
		}
		orgID, err := resolve(r)
		if err != nil {
			return err
		}
		if orgID != "" && !can(a, p, orgID) {
			return refusal(p)
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), resourceOrgKey{}, orgID)))
	}
}

type resourceOrgKey struct{}

// resourceOrg is the organisation the guard resolved and allowed.
func resourceOrg(r *http.Request) string {
	org, _ := r.Context().Value(resourceOrgKey{}).(string)
	return org
}
