package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/mux"

	"signpost/directory"
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
	RenameShortlist(ctx context.Context, owner directory.Owner, id, reference string) (*directory.Shortlist, error)
	DeleteShortlist(ctx context.Context, owner directory.Owner, id string) error
	MyList(ctx context.Context, token string) (*directory.Shortlist, error)
	FindMyList(ctx context.Context, token string) (*directory.Shortlist, error)

	AddItem(ctx context.Context, owner directory.Owner, id, serviceID string) (*directory.Shortlist, error)
	SetItemNote(ctx context.Context, owner directory.Owner, id, serviceID string, note directory.ItemNote) (*directory.Shortlist, error)
	MoveItem(ctx context.Context, owner directory.Owner, id, serviceID string, delta int) (*directory.Shortlist, error)
	RemoveItem(ctx context.Context, owner directory.Owner, id, serviceID string) (*directory.Shortlist, error)
	ShortlistItems(ctx context.Context, sl *directory.Shortlist) ([]directory.ItemView, error)

	ShareShortlist(ctx context.Context, owner directory.Owner, id string, ttl time.Duration) (string, directory.Share, error)
	Shares(ctx context.Context, owner directory.Owner, id string) ([]directory.Share, error)
	RevokeShare(ctx context.Context, owner directory.Owner, id, shareID string) error
	SharedShortlist(ctx context.Context, token string) (*directory.Shortlist, directory.Share, error)
	ShareLinkOf(ctx context.Context, owner directory.Owner, id, token string) (directory.Share, error)
}

// shortlistHandlers serve the shortlist pages. They are kept apart from
// Server's public pages because they carry their own store dependency.
type shortlistHandlers struct {
	*Server
	lists ShortlistStore
	// newMyLists slows anyone making My lists in bulk: each is a record
	// kept without an account.
	newMyLists *throttle
}

// A person makes one My list per browser; a family or a library PC a few.
// More than this from one address in the window is a script.
const (
	myListsPerWindow = 20
	myListWindow     = time.Hour
)

// shortlistRoutes registers the shortlist pages when the store can keep
// shortlists (a test server with a fake store that cannot has none).
func (s *Server) shortlistRoutes(r *mux.Router) {
	lists, ok := s.listings.(ShortlistStore)
	if !ok {
		return
	}
	h := &shortlistHandlers{Server: s, lists: lists, newMyLists: newThrottle(myListsPerWindow, myListWindow, s.now)}
	get := []string{http.MethodGet, http.MethodHead}
	post := http.MethodPost

	r.Handle("/add-to-list", s.handle(h.addChooser)).Methods(get...)

	// A link worker's lists, behind the guard of authz.go. The fixed paths
	// come before /shortlists/{id}.
	worker := func(fn handlerFunc) http.Handler { return s.guard(permShortlists, anything, fn) }
	r.Handle("/shortlists", worker(h.index)).Methods(get...)
	r.Handle("/shortlists", worker(h.create)).Methods(post)
	h.listRoutes(r, "/shortlists/{id}", worker, h.workerList)

	// An individual's own list, kept against a cookie: open to everyone,
	// with or without an account.
	h.listRoutes(r, "/my-list", s.handle, h.myList)

	// Share links: read-only, no login.
	r.Handle("/s/{token}", s.handle(h.shared)).Methods(get...)
	r.Handle("/s/{token}/print", s.handle(h.sharedPrint)).Methods(get...)
	r.Handle("/s/{token}/text", s.handle(h.sharedText)).Methods(get...)
}

// listRoutes registers the pages every list has, under base: wrap decides
// who may reach them (the guard, or everyone) and resolve finds the list
// and who is asking.
func (h *shortlistHandlers) listRoutes(r *mux.Router, base string, wrap func(handlerFunc) http.Handler, resolve listResolver) {
	get := []string{http.MethodGet, http.MethodHead}
	post := http.MethodPost
	with := func(fn func(http.ResponseWriter, *http.Request, listRef) error, create bool) http.Handler {
		return wrap(func(w http.ResponseWriter, r *http.Request) error {
			ref, err := resolve(w, r, create)
			if err != nil || ref.id == "" {
				return err // the resolver has answered (a redirect) when ref is empty
			}
			return fn(w, r, ref)
		})
	}
	r.Handle(base, with(h.show, false)).Methods(get...)
	r.Handle(base+"/rename", with(h.rename, false)).Methods(post)
	r.Handle(base+"/delete", with(h.delete, false)).Methods(post)
	r.Handle(base+"/items", with(h.addItem, true)).Methods(post)
	r.Handle(base+"/items/{service}/note", with(h.setNote, false)).Methods(post)
	r.Handle(base+"/items/{service}/move", with(h.moveItem, false)).Methods(post)
	r.Handle(base+"/items/{service}/remove", with(h.removeItem, false)).Methods(post)
	r.Handle(base+"/share", with(h.share, false)).Methods(post)
	r.Handle(base+"/shares/{share}/revoke", with(h.revoke, false)).Methods(post)
	r.Handle(base+"/print", with(h.print, false)).Methods(get[0], get[1], post)
	r.Handle(base+"/text", with(h.text, false)).Methods(get[0], get[1], post)
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
// empty My list page). create makes a My list that does not exist yet.
type listResolver func(w http.ResponseWriter, r *http.Request, create bool) (listRef, error)

// workerList is the signed-in link worker's list named in the path. The
// guard has decided that the account may keep lists; whose list it is, is
// the store's to say: another link worker's list is "not found", the same
// as one that does not exist.
func (h *shortlistHandlers) workerList(_ http.ResponseWriter, r *http.Request, _ bool) (listRef, error) {
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

// siteURL is the origin that share links and the text version's links
// use: https when the site is reached over TLS, here or at a proxy.
func (h *shortlistHandlers) siteURL(r *http.Request) string {
	scheme := "http"
	if h.auth.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *shortlistHandlers) shareURL(r *http.Request, token string) string {
	return h.siteURL(r) + "/s/" + url.PathEscape(token)
}

// redirectTo answers a form post by sending the browser to a page, so that
// a refresh does not post again.
func redirectTo(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
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
