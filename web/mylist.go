package web

import (
	"errors"
	"net/http"
	"time"

	"signpost/directory"
)

// "My list" lets anyone keep a list without an account. The list is found
// by a random token in a cookie; the store keeps only the token's hash, and
// the list holds activities and the person's own notes, nothing about who
// they are. Clearing cookies or deleting the list forgets it.

const (
	myListCookie = "signpost_mylist"
	// myListCookieAge is a year from the last addition; viewing does not
	// renew it. The store keeps a list for as long after its last opening
	// (directory.MyListLife), so the cookie never outlives its list.
	myListCookieAge = directory.MyListLife
	// maxTokenLen ignores cookies too long to be one of ours.
	maxTokenLen = 64
)

var errTooManyMyLists = &httpError{
	status:  http.StatusTooManyRequests,
	heading: "Too many new lists",
	message: "Lots of lists have been started from your connection in the last hour. Wait a while and try again.",
}

// myListToken is the token in the request's My list cookie, or "".
func myListToken(r *http.Request) string {
	c, err := r.Cookie(myListCookie)
	if err != nil || c.Value == "" || len(c.Value) > maxTokenLen {
		return ""
	}
	return c.Value
}

func (h *shortlistHandlers) setMyListCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: myListCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: h.site.Secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// forgetMyList deletes the cookie, after the list itself was deleted.
func (h *shortlistHandlers) forgetMyList(w http.ResponseWriter, r *http.Request) {
	h.setMyListCookie(w, r, "", -1)
}

// myList resolves the request's My list. Adding to a list that does not
// exist yet makes one, with a new cookie; any other request without one is
// answered here: the list's page shows an empty list, a form post goes
// back to it.
func (h *shortlistHandlers) myList(w http.ResponseWriter, r *http.Request, mode listMode) (listRef, error) {
	token := myListToken(r)
	var sl *directory.Shortlist
	var err error
	switch {
	case mode == newOrExistingList:
		if token == "" {
			if !h.newMyLists.Allow(clientKey(r)) {
				return listRef{}, errTooManyMyLists
			}
			if token, err = directory.NewToken(); err != nil {
				return listRef{}, err
			}
		}
		if sl, err = h.lists.MyList(r.Context(), token); err != nil {
			return listRef{}, err
		}
		h.setMyListCookie(w, r, token, int(myListCookieAge/time.Second))
	case token != "":
		sl, err = h.lists.FindMyList(r.Context(), token)
		if err != nil && !errors.Is(err, directory.ErrNotFound) {
			return listRef{}, err
		}
	}
	if sl == nil {
		return listRef{}, h.noMyList(w, r)
	}
	return listRef{owner: directory.TokenOwner(token), id: sl.ID, base: "/my-list", mine: true}, nil
}

// noMyList answers a request about a My list that does not exist.
func (h *shortlistHandlers) noMyList(w http.ResponseWriter, r *http.Request) error {
	switch {
	case r.URL.Path == "/my-list" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		p := &shortlistListPage{BasePage: BasePage{Title: "My list", Nav: "my-list"}, Base: "/my-list", Mine: true}
		h.render(w, r, http.StatusOK, "shortlist_list", p)
		return nil
	case r.Method == http.MethodPost:
		return redirect(w, r, "/my-list")
	}
	return errPageNotFound
}
