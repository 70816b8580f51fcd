package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// shortlistIndexPage is /shortlists: a link worker's lists and the form to
// start one.
type shortlistIndexPage struct {
	BasePage
	Lists []listSummary
	// TeamLists are colleagues' lists shared with the team.
	TeamLists []listSummary
	Reference string
	// Service, when set, is added to the new list: the "new list" choice
	// of "Add to shortlist", and Return where to go back to afterwards.
	Service  string
	Return   string
	Problems problemList
}

type listSummary struct {
	// Owner names a colleague's list's owner (or the team, once they
	// have left).
	Owner     string
	Href      string
	Reference string
	Count     int
	Updated   string
}

// shortlistListPage is one list, for its owner: /shortlists/{id} or
// /my-list.
type shortlistListPage struct {
	BasePage
	Base      string
	Mine      bool
	Reference string
	// Place is the list's postcode district; Map draws the list around
	// it.
	Place  string
	Map    template.HTML
	Items  []listItemView
	Shares []shareView
	// NewShareURL is the link just made. Only its hash is stored, so this
	// page is the one time it is shown; NewShareToken lets the print and
	// text forms include it.
	NewShareURL   string
	NewShareToken string
	// NewShareQR is the link as a QR code.
	NewShareQR template.HTML
	// Text is the plain-text version, ready to copy.
	Text     string
	Problems problemList
	// Team is what the page says of the team; nil without one.
	Team *teamListView
	// History is the latest changes: "Notes changed by A. Khan, 3 June".
	History []historyLine
	// Typed holds what was sent in a refused form, by control id, so the
	// box shows exactly what the person typed rather than what is stored.
	Typed   map[string]string
	Updated string
	// Kept is set when the list exists: for My list, when this device
	// keeps one, which the page then offers to forget.
	Kept bool
	// Answers are the person's follow-up answers by service id, from the
	// shared link; never their wellbeing scores.
	Answers map[string]*answerOfWorker
}

// Value is what the control id shows: what was typed, after a refusal, or
// else what is stored.
func (p *shortlistListPage) Value(id, stored string) string {
	if v, ok := p.Typed[id]; ok {
		return v
	}
	return stored
}

// Checked is whether the checkbox id is ticked: as sent, after a refusal,
// or else as stored.
func (p *shortlistListPage) Checked(id string, stored bool) bool {
	if v, ok := p.Typed[id]; ok {
		return v != ""
	}
	return stored
}

type shareView struct {
	ID      string
	Created string
	Status  string
	Active  bool
}

func (h *shortlistHandlers) index(w http.ResponseWriter, r *http.Request) error {
	p := &shortlistIndexPage{Service: r.URL.Query().Get("service")}
	return h.renderIndex(w, r, accountOwner(r), http.StatusOK, p)
}

func (h *shortlistHandlers) renderIndex(w http.ResponseWriter, r *http.Request, owner directory.Owner, status int, p *shortlistIndexPage) error {
	lists, err := h.lists.Shortlists(r.Context(), owner)
	if err != nil {
		return err
	}
	for _, sl := range lists {
		p.Lists = append(p.Lists, listSummary{
			Href: "/shortlists/" + url.PathEscape(sl.ID), Reference: sl.Reference,
			Count: len(sl.Items), Updated: dateText(sl.Updated),
		})
	}
	if p.TeamLists, err = h.teamSummaries(r, owner); err != nil {
		return err
	}
	p.Title = "Your shortlists"
	p.Nav = "shortlists"
	h.render(w, r, status, "shortlist_index", p)
	return nil
}

// create starts a list and makes it the current one, adding the activity
// the person came from, if any, and going back to where they were.
func (h *shortlistHandlers) create(w http.ResponseWriter, r *http.Request) error {
	owner := accountOwner(r)
	ref, service, ret := r.PostFormValue("reference"), r.PostFormValue("service"), r.PostFormValue("return")
	sl, err := h.lists.CreateShortlist(r.Context(), owner, ref)
	if probs, ok := shortlistProblems(err, "reference"); ok {
		return h.renderIndex(w, r, owner, http.StatusBadRequest, &shortlistIndexPage{Reference: ref, Service: service, Return: safeNext(ret), Problems: probs})
	}
	if err != nil {
		return err
	}
	if err := h.lists.SetCurrentList(r.Context(), owner, sl.ID); err != nil {
		return err
	}
	base := "/shortlists/" + url.PathEscape(sl.ID)
	if service == "" {
		return redirect(w, r, withFlash(base, "created"))
	}
	if _, err := h.lists.AddItem(r.Context(), owner, sl.ID, service); err != nil && !errors.Is(err, directory.ErrNotFound) {
		return err
	}
	return redirect(w, r, backTo(ret, service, true, withFlash(base, "added")))
}

func (h *shortlistHandlers) show(w http.ResponseWriter, r *http.Request, ref listRef) error {
	return h.renderList(w, r, ref, http.StatusOK, &shortlistListPage{})
}

// renderList fills in a list's page from the store and renders it, with
// whatever the caller has set already (problems, a new share link).
func (h *shortlistHandlers) renderList(w http.ResponseWriter, r *http.Request, ref listRef, status int, p *shortlistListPage) error {
	sl, err := h.lists.Shortlist(r.Context(), ref.owner, ref.id)
	if err != nil {
		return err
	}
	items, err := h.lists.ShortlistItems(r.Context(), sl)
	if err != nil {
		return err
	}
	shares, err := h.lists.Shares(r.Context(), ref.owner, ref.id)
	if err != nil {
		return err
	}
	now := h.now()
	for _, sh := range shares {
		v := shareView{ID: sh.ID, Created: dateText(sh.Created), Active: sh.Active(now)}
		switch {
		case sh.Revoked:
			v.Status = "Withdrawn"
		case !v.Active:
			v.Status = "Expired on " + dateText(sh.Expires)
		default:
			v.Status = "Works until " + dateText(sh.Expires)
		}
		p.Shares = append(p.Shares, v)
	}
	p.Title = listTitle(sl)
	p.Nav = "shortlists"
	if ref.mine {
		p.Nav = "my-list"
	}
	p.Base, p.Mine, p.Reference = ref.base, ref.mine, sl.Reference
	p.Items = listItemViews(h.md, items, forOwner)
	p.Place = sl.Place
	if p.Team, err = h.teamView(r, sl); err != nil {
		return err
	}
	if p.History, err = h.history(r, sl); err != nil {
		return err
	}
	if p.Answers, err = h.workerAnswers(r, ref); err != nil {
		return err
	}
	p.Map = h.placeItems(p.Items, items, h.listPlace(sl.Place), false)
	p.Updated = dateText(sl.Updated)
	p.Kept = true
	var notes []string
	for _, it := range items {
		notes = append(notes, it.Note)
	}
	if crisisIn(h.crisis, notes...) {
		p.Crisis = crisisThem
	}
	// The text version on the owner's page holds only shared notes, like
	// every copy that leaves the owner's hands.
	maker, err := h.makerOf(r, sl)
	if err != nil {
		return err
	}
	p.Text = listText(listItemViews(h.md, items, forOthers), h.site.URL(r), p.NewShareURL, now, maker)
	h.render(w, r, status, "shortlist_list", p)
	return nil
}

func (h *shortlistHandlers) delete(w http.ResponseWriter, r *http.Request, ref listRef) error {
	if err := h.lists.DeleteShortlist(r.Context(), ref.owner, ref.id); err != nil {
		return err
	}
	if ref.mine {
		h.forgetMyList(w, r)
		return redirect(w, r, withFlash("/my-list", "deleted"))
	}
	return redirect(w, r, withFlash("/shortlists", "deleted"))
}

// addItem adds an activity and goes back to where the person was: the
// results or activity page they added from, or else the list.
func (h *shortlistHandlers) addItem(w http.ResponseWriter, r *http.Request, ref listRef) error {
	service := r.PostFormValue("service")
	_, err := h.lists.AddItem(r.Context(), ref.owner, ref.id, service)
	if errors.Is(err, directory.ErrNotFound) {
		// The list was found by the resolver, so what is missing is the
		// activity: it was removed between the results page and the click.
		if _, lerr := h.lists.Shortlist(r.Context(), ref.owner, ref.id); lerr == nil {
			return redirect(w, r, withFlash(ref.base, "notfound"))
		}
		return err
	}
	if probs, ok := shortlistProblems(err, "items"); ok {
		return h.renderList(w, r, ref, http.StatusBadRequest, &shortlistListPage{Problems: probs})
	}
	if err != nil {
		return err
	}
	if !ref.mine {
		// Choosing a list to add to makes it the current one.
		if err := h.lists.SetCurrentList(r.Context(), ref.owner, ref.id); err != nil {
			return err
		}
	}
	return redirect(w, r, backTo(r.PostFormValue("return"), service, true, withFlash(ref.base, "added")))
}

// share makes a new share link and shows it on the list's page. This
// answer is the only time the link is shown: the store keeps its hash, so
// the page is not a redirect and says so.
func (h *shortlistHandlers) share(w http.ResponseWriter, r *http.Request, ref listRef) error {
	token, _, err := h.lists.ShareShortlist(r.Context(), ref.owner, ref.id, 0)
	if probs, ok := shortlistProblems(err, "share-button"); ok {
		return h.renderList(w, r, ref, http.StatusBadRequest, &shortlistListPage{Problems: probs})
	}
	if err != nil {
		return err
	}
	link := h.shareURL(r, token)
	qr, err := qrSVG(link, "QR code of the share link")
	if err != nil {
		return err
	}
	return h.renderList(noStore(w), r, ref, http.StatusOK, &shortlistListPage{
		NewShareURL: link, NewShareToken: token, NewShareQR: qr,
	})
}

func (h *shortlistHandlers) revoke(w http.ResponseWriter, r *http.Request, ref listRef) error {
	if err := h.lists.RevokeShare(r.Context(), ref.owner, ref.id, mux.Vars(r)["share"]); err != nil {
		return err
	}
	return redirect(w, r, withFlash(ref.base, "revoked"))
}

// ownerShareURL is the share link to put in the owner's print or text
// view: one posted back from the page that showed it, and only if it is an
// active link of this list.
func (h *shortlistHandlers) ownerShareURL(r *http.Request, ref listRef) string {
	if r.Method != http.MethodPost {
		return ""
	}
	token := r.PostFormValue("token")
	if token == "" {
		return ""
	}
	if _, err := h.lists.ShareLinkOf(r.Context(), ref.owner, ref.id, token); err != nil {
		return ""
	}
	return h.shareURL(r, token)
}

// printPage is the one-page, large-type view of a list for paper.
type printPage struct {
	BasePage
	Heading  string
	Items    []listItemView
	ShareURL string
	// ShareQR is ShareURL as a QR code, to scan from the paper.
	ShareQR  template.HTML
	Printed  string
	Maker    makerView
	BackHref string
	// Robots is set on the share link's print view, never indexed.
	Robots string
}

func (h *shortlistHandlers) print(w http.ResponseWriter, r *http.Request, ref listRef) error {
	sl, items, err := h.ownedItems(r, ref)
	if err != nil {
		return err
	}
	maker, err := h.makerOf(r, sl)
	if err != nil {
		return err
	}
	p := &printPage{
		Maker:    maker,
		BasePage: BasePage{Title: "Printable list: " + listTitle(sl), Print: true},
		Heading:  "Your list of activities",
		Items:    listItemViews(h.md, items, forOthers),
		ShareURL: h.ownerShareURL(r, ref),
		Printed:  dateText(h.now()),
		BackHref: ref.base,
	}
	if p.ShareURL != "" {
		w = noStore(w)
		if p.ShareQR, err = qrSVG(p.ShareURL, "QR code of the link to this list"); err != nil {
			return err
		}
	}
	h.render(w, r, http.StatusOK, "shortlist_print", p)
	return nil
}

func (h *shortlistHandlers) text(w http.ResponseWriter, r *http.Request, ref listRef) error {
	sl, items, err := h.ownedItems(r, ref)
	if err != nil {
		return err
	}
	maker, err := h.makerOf(r, sl)
	if err != nil {
		return err
	}
	body := listText(listItemViews(h.md, items, forOthers), h.site.URL(r), h.ownerShareURL(r, ref), h.now(), maker)
	writeListText(w, r, body)
	return nil
}

func (h *shortlistHandlers) ownedItems(r *http.Request, ref listRef) (*directory.Shortlist, []directory.ItemView, error) {
	sl, err := h.lists.Shortlist(r.Context(), ref.owner, ref.id)
	if err != nil {
		return nil, nil, err
	}
	items, err := h.lists.ShortlistItems(r.Context(), sl)
	return sl, items, err
}

// writeListText sends a list's text version, as a download when asked.
func writeListText(w http.ResponseWriter, r *http.Request, body string) {
	hd := w.Header()
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	hd.Set("Cache-Control", "private, no-store")
	if r.FormValue("download") != "" {
		hd.Set("Content-Disposition", `attachment; filename="signpost-list.txt"`)
	}
	if r.Method != http.MethodHead {
		w.Write([]byte(body))
	}
}
