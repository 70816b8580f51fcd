package web

import (
	"cmp"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gorilla/csrf"

	"signpost/directory"
)

// Adding without leaving: every "Add to list" button on results, the
// matcher and activity pages adds to the person's current list and comes
// back to where they were. A link worker chooses which of their lists is
// current in the header; anyone else's is their My list. Without
// JavaScript the button posts and the answer sends the browser back to
// the same result (#result-N), which then says it was added; with
// JavaScript the same post is sent in the background and answered with
// JSON, and the page says so in a polite live region.

// currentListView is what every page knows of the current list: the
// header's chooser, and each add button's state.
type currentListView struct {
	// Worker: a link worker, who chooses among Choices. Anyone else's
	// current list is their My list.
	Worker bool
	// ID is empty for a link worker who has not chosen a list yet, and for
	// someone with no My list yet.
	ID        string
	Reference string
	Href      string
	Choices   []listChoice
	// Return is this page's address, for the forms to come back to.
	Return string
	// Added is the activity the address says was just added (?added=), if
	// it is on the list: its result says so.
	Added     string
	CSRFField template.HTML
	has       map[string]bool
}

type listChoice struct {
	ID        string
	Reference string
	Current   bool
}

// Has reports whether the activity is on the current list.
func (v *currentListView) Has(serviceID string) bool { return v != nil && v.has[serviceID] }

// Name is how sentences name the list: "list Monday 10am", or "My list".
func (v *currentListView) Name() string {
	if v == nil || !v.Worker {
		return "My list"
	}
	return "list " + v.Reference
}

// addButton is one "Add to list" button: the activity, whether it is on
// the current list, and where the form posts and comes back to. Its
// fields are worked out once in Go: a results page draws twenty, and each
// method a template calls costs a reflective call.
type addButton struct {
	ID string
	// On: the activity is on the current list; the button removes it.
	On bool
	// Return is the address to come back to: this page, at this result.
	Return string
	// JustAdded: this is the activity the page was asked to confirm.
	JustAdded bool
	ListName  string
	CSRFField template.HTML
}

// newAddButton is the button for an activity at place n in the results (0
// on an activity's own page).
func newAddButton(l *currentListView, id string, n int) addButton {
	b := addButton{ID: id, On: l.Has(id)}
	if l == nil {
		return b
	}
	b.Return = l.Return
	if n > 0 {
		b.Return = l.Return + "#result-" + strconv.Itoa(n)
	}
	b.JustAdded = b.On && l.Added == id
	b.ListName = l.Name()
	b.CSRFField = l.CSRFField
	return b
}

// withList gives each result its add button for the current list.
func withList(results []resultView, l *currentListView) []resultView {
	out := make([]resultView, len(results))
	for i, r := range results {
		r.Add = newAddButton(l, r.ID, r.N)
		out[i] = r
	}
	return out
}

// maxHeaderChoices bounds the header's chooser: the lists changed most
// recently; every list is on /shortlists.
const maxHeaderChoices = 12

// currentList works out the request's current list for the page being
// drawn. A fault reading it is logged and leaves the page without one:
// the page itself still works.
func (h *shortlistHandlers) currentList(r *http.Request) *currentListView {
	v := &currentListView{Return: returnAddress(r), CSRFField: csrf.TemplateField(r)}
	sl, err := h.findCurrent(r, v)
	if err != nil {
		h.log.WarnContext(r.Context(), "current list", "err", err)
		return v
	}
	if sl != nil {
		v.ID, v.Reference = sl.ID, sl.Reference
		v.has = make(map[string]bool, len(sl.Items))
		for _, it := range sl.Items {
			v.has[it.ServiceID] = true
		}
		if id := r.URL.Query().Get("added"); v.has[id] {
			v.Added = id
		}
	}
	return v
}

// findCurrent finds the current list itself, filling in a link worker's
// choices; it returns nil when there is none yet.
func (h *shortlistHandlers) findCurrent(r *http.Request, v *currentListView) (*directory.Shortlist, error) {
	if a := currentAccount(r); can(a, permShortlists, "") {
		v.Worker = true
		owner := directory.AccountOwner(a.Email)
		id, err := h.lists.CurrentList(r.Context(), owner)
		if err != nil {
			return nil, err
		}
		lists, err := h.lists.Shortlists(r.Context(), owner)
		if err != nil {
			return nil, err
		}
		var current *directory.Shortlist
		for i, sl := range lists {
			if sl.ID == id {
				current = sl
			}
			if i < maxHeaderChoices || sl.ID == id {
				v.Choices = append(v.Choices, listChoice{ID: sl.ID, Reference: sl.Reference, Current: sl.ID == id})
			}
		}
		if current == nil && id != "" {
			// A colleague's list shared with the team.
			if current, err = h.lists.Shortlist(r.Context(), owner, id); err != nil {
				return nil, err
			}
			v.Choices = append(v.Choices, listChoice{ID: id, Reference: current.Reference, Current: true})
		}
		if current != nil {
			v.Href = "/shortlists/" + url.PathEscape(current.ID)
		}
		return current, nil
	}
	v.Href = "/my-list"
	token := myListToken(r)
	if token == "" {
		return nil, nil
	}
	sl, err := h.lists.FindMyList(r.Context(), token)
	if errors.Is(err, directory.ErrNotFound) {
		return nil, nil
	}
	return sl, err
}

// returnAddress is the request's own path and query, without the
// confirmation parameters of an earlier add, for forms to come back to.
func returnAddress(r *http.Request) string {
	q := r.URL.Query()
	if !q.Has("added") && !q.Has("done") {
		return r.URL.RequestURI()
	}
	q.Del("added")
	q.Del("done")
	out := r.URL.EscapedPath()
	if enc := q.Encode(); enc != "" {
		out += "?" + enc
	}
	return out
}

// backTo is the address to send the browser back to after adding or
// removing service: ret, when it is a path on this site, with ?added= so
// the result says what happened, keeping its #fragment; else fallback.
func backTo(ret, service string, added bool, fallback string) string {
	ret = safeNext(ret)
	if ret == "" {
		return fallback
	}
	path, fragment, hasFragment := strings.Cut(ret, "#")
	u, err := url.Parse(path)
	if err != nil {
		return fallback
	}
	q := u.Query()
	q.Del("added")
	q.Del("done")
	if added {
		q.Set("added", service)
	}
	u.RawQuery = q.Encode()
	out := u.RequestURI()
	if hasFragment {
		out += "#" + fragment
	}
	return out
}

// wantsJSON reports whether the request came from the page's script,
// which asks for JSON to update the page in place.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// addResult is the JSON answer to the script's add or remove.
type addResult struct {
	// OnList says whether the activity is now on the list.
	OnList bool `json:"on_list"`
	// Message is for the live region: "Added to list Monday 10am".
	Message string `json:"message"`
	// Button is the button's new words and Action where it now posts.
	Button string `json:"button"`
	Action string `json:"action"`
}

// Words of the add button, here and in the "add-button" partial.
const (
	addWords   = "Add to list"
	addedWords = "Added ✓ — remove"
)

// currentRef resolves the current list for an add or a remove: a link
// worker's chosen list, or else the person's My list (made by the first
// add). An empty ref means a link worker has not chosen a list yet or,
// for anyone else, that the request has been answered already (there is
// no My list to remove from).
func (h *shortlistHandlers) currentRef(w http.ResponseWriter, r *http.Request, mode listMode) (ref listRef, name string, worker bool, err error) {
	if a := currentAccount(r); can(a, permShortlists, "") {
		owner := directory.AccountOwner(a.Email)
		id, err := h.lists.CurrentList(r.Context(), owner)
		if err != nil || id == "" {
			return listRef{}, "", true, err
		}
		sl, err := h.lists.Shortlist(r.Context(), owner, id)
		if err != nil {
			return listRef{}, "", true, err
		}
		return listRef{owner: owner, id: id, base: "/shortlists/" + url.PathEscape(id)}, "list " + sl.Reference, true, nil
	}
	ref, err = h.myList(w, r, mode)
	return ref, "My list", false, err
}

// addCurrent adds the posted activity to the current list. A link worker
// who has not chosen one yet is sent to choose (or start) one.
func (h *shortlistHandlers) addCurrent(w http.ResponseWriter, r *http.Request) error {
	service := clean(r.PostFormValue("service"), 100)
	ret := r.PostFormValue("return")
	ref, name, worker, err := h.currentRef(w, r, newOrExistingList)
	switch {
	case err != nil:
		return err
	case ref.id == "" && worker:
		q := url.Values{"service": {service}}
		if ret = safeNext(ret); ret != "" {
			q.Set("return", ret)
		}
		return redirect(w, r, "/add-to-list?"+q.Encode())
	case ref.id == "":
		return nil
	}
	if _, err := h.lists.AddItem(r.Context(), ref.owner, ref.id, service); err != nil {
		if probs, ok := shortlistProblems(err, "items"); ok && !wantsJSON(r) {
			return h.renderList(w, r, ref, http.StatusBadRequest, &shortlistListPage{Problems: probs})
		}
		return err
	}
	if wantsJSON(r) {
		return writeJSON(w, addResult{OnList: true, Message: "Added to " + name, Button: addedWords, Action: "/current-list/remove"})
	}
	return redirect(w, r, backTo(ret, service, true, withFlash(ref.base, "added")))
}

// removeCurrent takes the posted activity off the current list: the
// "Added ✓ — remove" button.
func (h *shortlistHandlers) removeCurrent(w http.ResponseWriter, r *http.Request) error {
	service := clean(r.PostFormValue("service"), 100)
	ret := r.PostFormValue("return")
	ref, name, worker, err := h.currentRef(w, r, existingList)
	switch {
	case err != nil:
		return err
	case ref.id == "" && worker:
		return redirect(w, r, cmp.Or(safeNext(ret), "/shortlists"))
	case ref.id == "":
		return nil
	}
	if _, err := h.lists.RemoveItem(r.Context(), ref.owner, ref.id, service); err != nil {
		return err
	}
	if wantsJSON(r) {
		return writeJSON(w, addResult{OnList: false, Message: "Removed from " + name, Button: addWords, Action: "/current-list/items"})
	}
	return redirect(w, r, backTo(ret, service, false, withFlash(ref.base, "removed")))
}

// chooseCurrent is the header's chooser: it makes one of the link
// worker's lists current and goes back to the page it was on.
func (h *shortlistHandlers) chooseCurrent(w http.ResponseWriter, r *http.Request) error {
	id := clean(r.PostFormValue("list"), 100)
	if err := h.lists.SetCurrentList(r.Context(), accountOwner(r), id); err != nil {
		return err
	}
	return redirect(w, r, cmp.Or(safeNext(r.PostFormValue("return")), "/shortlists/"+url.PathEscape(id)))
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(v)
}
