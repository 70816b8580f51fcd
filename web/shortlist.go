package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
	"signpost/web/origin"
)

// Shortlists: link workers build short lists of activities for the people
// they see (/shortlists), anyone can keep their own "My list" without an
// account (/my-list), and either can be shared read-only by a link that
// needs no login (/s/{token}), printed on one page and copied as text.
//
// Nothing here stores personal data. A link worker's list is named by a
// pseudonymous reference that refuses identifiers; a My list is found by
// the hash of a random token in a cookie.

// ShortlistStore is what the shortlist pages need of the store.
// *directory.Store satisfies it.
type ShortlistStore interface {
	CreateShortlist(ctx context.Context, owner directory.Owner, reference string) (*directory.Shortlist, error)
	Shortlist(ctx context.Context, owner directory.Owner, id string) (*directory.Shortlist, error)
	Shortlists(ctx context.Context, owner directory.Owner) ([]*directory.Shortlist, error)
	DeleteShortlist(ctx context.Context, owner directory.Owner, id string) error
	MyList(ctx context.Context, token string) (*directory.Shortlist, error)
	FindMyList(ctx context.Context, token string) (*directory.Shortlist, error)

	AddItem(ctx context.Context, owner directory.Owner, id, serviceID string) (*directory.Shortlist, error)
	SaveShortlist(ctx context.Context, owner directory.Owner, id string, e directory.ListEdit) (*directory.Shortlist, error)
	RemoveItem(ctx context.Context, owner directory.Owner, id, serviceID string) (*directory.Shortlist, error)
	ShortlistItems(ctx context.Context, sl *directory.Shortlist) ([]directory.ItemView, error)

	ShareShortlist(ctx context.Context, owner directory.Owner, id string, ttl time.Duration) (string, directory.Share, error)
	Shares(ctx context.Context, owner directory.Owner, id string) ([]directory.Share, error)
	RevokeShare(ctx context.Context, owner directory.Owner, id, shareID string) error
	SharedShortlist(ctx context.Context, token string) (*directory.Shortlist, directory.Share, error)
	ShareLinkOf(ctx context.Context, owner directory.Owner, id, token string) (directory.Share, error)

	Profile(ctx context.Context, email string) (directory.Profile, error)
	SetProfile(ctx context.Context, email string, p directory.Profile) (directory.Profile, error)
	MakerOf(ctx context.Context, sl *directory.Shortlist) (directory.ListMaker, error)

	ShareWithTeam(ctx context.Context, owner directory.Owner, id string, share bool) (*directory.Shortlist, error)
	TeamShortlists(ctx context.Context, owner directory.Owner) ([]*directory.Shortlist, error)
	TeamOf(ctx context.Context, email string) (*directory.Team, error)

	CurrentList(ctx context.Context, owner directory.Owner) (string, error)
	SetCurrentList(ctx context.Context, owner directory.Owner, id string) error
}

// serviceReader reads one published listing. *directory.Store satisfies
// it.
type serviceReader interface {
	Service(ctx context.Context, id string) (*directory.Service, error)
}

// shortlistHandlers serve the shortlist pages: a link worker's lists
// (/shortlists), My list (/my-list), the "Add to a list" chooser and share
// links (/s/{token}).
type shortlistHandlers struct {
	*renderer
	lists ShortlistStore
	// listings names the activity being added to a list.
	listings serviceReader
	// places finds a list's postcode district for its map, which maps
	// draws.
	places Places
	maps   *mapper
	site   *origin.Origin
	md     *markdown
	now    func() time.Time
	// newMyLists slows anyone making My lists in bulk: each is a record
	// kept without an account.
	newMyLists *throttle
	// crisis recognises crisis language in a list's notes.
	crisis CrisisCheck
	// outcomes keeps the answers to shared lists' follow-ups.
	outcomes OutcomeStore
}

// A person makes one My list per browser; a family or a library PC a few.
// More than this from one address in the window is a script.
const (
	myListsPerWindow = 20
	myListWindow     = time.Hour
)

func newShortlistHandlers(pages *renderer, lists ShortlistStore, listings serviceReader, places Places, maps *mapper, site *origin.Origin, md *markdown, now func() time.Time) *shortlistHandlers {
	return &shortlistHandlers{renderer: pages, lists: lists, listings: listings, places: places, maps: maps, site: site, md: md, now: now,
		newMyLists: newThrottle(myListsPerWindow, myListWindow, now)}
}

// listPage is a handler of one list's page, given the list it is about.
type listPage func(w http.ResponseWriter, r *http.Request, ref listRef) error

// onList adapts a list page to a handlerFunc: resolve finds the list, in
// the way mode says, and answers the request itself when it returns an
// empty ref (a redirect, or an empty My list page).
func onList(resolve listResolver, mode listMode, page listPage) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ref, err := resolve(w, r, mode)
		if err != nil || ref.id == "" {
			return err
		}
		return page(w, r, ref)
	}
}

// listRef is a list being worked on and who is working on it.
type listRef struct {
	owner directory.Owner
	id    string
	// base is the path of the list's own page: /shortlists/{id} or
	// /my-list. Every form and link on its pages hangs off it.
	base string
	mine bool // an individual's My list
}

// listResolver finds the list a request is about. It returns an empty ref
// when it has answered the request itself (a redirect to sign in, or an
// empty My list page).
type listResolver func(w http.ResponseWriter, r *http.Request, mode listMode) (listRef, error)

// listMode says whether a request may start the list it is about.
type listMode int

const (
	// existingList: the list must exist already.
	existingList listMode = iota
	// newOrExistingList: a My list that does not exist yet is made (adding the
	// first activity).
	newOrExistingList
)

// workerList is the signed-in link worker's list named in the path. The
// guard has decided that the account may keep lists; whose list it is, is
// the store's to say: another link worker's list is "not found", the same
// as one that does not exist.
func (h *shortlistHandlers) workerList(_ http.ResponseWriter, r *http.Request, _ listMode) (listRef, error) {
	id := mux.Vars(r)["id"]
	return listRef{owner: accountOwner(r), id: id, base: "/shortlists/" + url.PathEscape(id)}, nil
}

// accountOwner is the signed-in account as the owner of its shortlists.
// Only routes behind guard(permShortlists) ask; without an account it is
// the zero Owner, for which the store finds and keeps nothing.
func accountOwner(r *http.Request) directory.Owner {
	a := currentAccount(r)
	if a == nil {
		return directory.Owner{}
	}
	return directory.AccountOwner(a.Email)
}

func (h *shortlistHandlers) shareURL(r *http.Request, token string) string {
	return h.site.URL(r) + "/s/" + url.PathEscape(token)
}

// shortlistProblems turns a validation error from the store into a form's
// error summary, pointing each problem at the control with id field.
func shortlistProblems(err error, field string) (problemList, bool) {
	var ve *directory.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	var out problemList
	for _, p := range ve.Problems {
		out = append(out, problem{Field: field, Message: p.Message})
	}
	return out, true
}

// listTitle is how a list is named on its pages.
func listTitle(sl *directory.Shortlist) string {
	if sl.IsMyList() {
		return "My list"
	}
	return "Shortlist: " + sl.Reference
}

// noStore makes a response uncacheable even by the browser, whatever the
// renderer sets: for pages that show a share link's secret token.
func noStore(w http.ResponseWriter) http.ResponseWriter { return &noStoreWriter{ResponseWriter: w} }

type noStoreWriter struct {
	http.ResponseWriter
	wroteHeader bool
}

func (w *noStoreWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		w.Header().Set("Cache-Control", "no-store")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *noStoreWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *noStoreWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
