package web

import (
	"fmt"
	"net/http"
	"net/url"

	"signpost/directory"
)

// addPage is /add-to-list?service=…: the small form behind every "Add to
// list" button, choosing which list. It is a page of its own so that the
// buttons on results work without JavaScript and without each results page
// knowing who is signed in.
type addPage struct {
	BasePage
	ServiceID string
	Name      string
	Return    string
	// LinkWorker: choose one of Lists or start a new list; otherwise the
	// choice is My list.
	LinkWorker bool
	Lists      []addChoice
	// InMyList says the activity is already on the person's My list.
	InMyList bool
}

type addChoice struct {
	Action    string
	Reference string
	Count     int
	Has       bool
}

func (h *shortlistHandlers) addChooser(w http.ResponseWriter, r *http.Request) error {
	id := clean(r.URL.Query().Get("service"), 100)
	svc, err := h.listings.Service(r.Context(), id)
	if err != nil {
		return fmt.Errorf("add to list: %w", err)
	}
	p := &addPage{
		BasePage:  BasePage{Title: "Add “" + svc.Name + "” to a list"},
		ServiceID: svc.ID,
		Name:      svc.Name,
		Return:    safeNext(r.URL.Query().Get("return")),
	}
	// Open to everyone: the policy decides only which lists to offer.
	if a := currentAccount(r); can(a, permShortlists, "") {
		p.LinkWorker = true
		lists, err := h.lists.Shortlists(r.Context(), directory.AccountOwner(a.Email))
		if err != nil {
			return err
		}
		for _, sl := range lists {
			p.Lists = append(p.Lists, addChoice{
				Action: "/shortlists/" + url.PathEscape(sl.ID) + "/items", Reference: sl.Reference,
				Count: len(sl.Items), Has: sl.Has(svc.ID),
			})
		}
	} else if token := myListToken(r); token != "" {
		if sl, err := h.lists.FindMyList(r.Context(), token); err == nil {
			p.InMyList = sl.Has(svc.ID)
		}
	}
	h.render(w, r, http.StatusOK, "shortlist_add", p)
	return nil
}
