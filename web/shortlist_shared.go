package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"signpost/directory"
)

// sharedPage is /s/{token}: a list as its owner shared it, read-only, for
// anyone holding the link. Private notes never appear.
type sharedPage struct {
	BasePage
	Items     []listItemView
	Expires   string
	PrintHref string
	TextHref  string
	ShareURL  string
	ShareQR   template.HTML
	Maker     makerView
	// Robots is the meta robots value; share links must never be indexed.
	Robots string
	// FollowUp asks how it went; nil for a My list.
	FollowUp *followUpSection
	Problems problemList
}

// Share links are private by being unguessable, so nothing may leak them:
// search engines are told not to index or follow, and no Referer goes with
// a click to another site. The policy is same-origin, not no-referrer:
// under no-referrer browsers send "Origin: null" with the page's own
// follow-up form, and that post is checked by its origin.
func sharedHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Referrer-Policy", "same-origin")
}

var (
	errShareGone = &httpError{
		status:  http.StatusGone,
		heading: "This link has been withdrawn",
		message: "The person who shared this list has stopped the link working. Ask them for a new one.",
	}
	errShareExpired = &httpError{
		status:  http.StatusGone,
		heading: "This link has expired",
		message: "Share links stop working after 90 days. Ask the person who shared it for a new one.",
	}
	errShareUnknown = &httpError{
		status:  http.StatusNotFound,
		heading: "This link does not open a list",
		message: "Check the link was copied in full. The list may have been deleted; ask the person who shared it for a new one.",
	}
)

// sharedList opens the list behind the path's token.
func (h *shortlistHandlers) sharedList(w http.ResponseWriter, r *http.Request) (token string, items []directory.ItemView, sh directory.Share, maker makerView, err error) {
	sharedHeaders(w)
	token = mux.Vars(r)["token"]
	sl, sh, err := h.lists.SharedShortlist(r.Context(), token)
	switch {
	case errors.Is(err, directory.ErrShareRevoked):
		return "", nil, sh, maker, errShareGone
	case errors.Is(err, directory.ErrShareExpired):
		return "", nil, sh, maker, errShareExpired
	case errors.Is(err, directory.ErrNotFound):
		return "", nil, sh, maker, errShareUnknown
	case err != nil:
		return "", nil, sh, maker, err
	}
	if items, err = h.lists.ShortlistItems(r.Context(), sl); err != nil {
		return "", nil, sh, maker, err
	}
	maker, err = h.makerOf(r, sl)
	return token, items, sh, maker, err
}

func (h *shortlistHandlers) shared(w http.ResponseWriter, r *http.Request) error {
	return h.renderShared(noStore(w), r, http.StatusOK, nil)
}

// renderShared shows the shared page; refused is a follow-up post to show
// again with its problem.
func (h *shortlistHandlers) renderShared(w http.ResponseWriter, r *http.Request, status int, refused *followUpPost) error {
	token, items, sh, maker, err := h.sharedList(w, r)
	if err != nil {
		return err
	}
	base := "/s/" + url.PathEscape(token)
	link := h.shareURL(r, token)
	qr, err := qrSVG(link, "QR code of the link to this list")
	if err != nil {
		return err
	}
	p := &sharedPage{
		ShareQR:   qr,
		BasePage:  BasePage{Title: "A list of activities shared with you"},
		Items:     listItemViews(h.md, items, forOthers),
		Expires:   dateText(sh.Expires),
		PrintHref: base + "/print",
		TextHref:  base + "/text",
		ShareURL:  link,
		Maker:     maker,
		Robots:    "noindex, nofollow",
	}
	if p.FollowUp, err = h.followUpOf(r, token, p.Items, refused); err != nil {
		return err
	}
	if refused != nil && p.FollowUp != nil {
		if pr := p.FollowUp.problemOf(refused); pr != nil {
			p.Title = "Error: " + p.Title
			p.Problems = problemList{*pr}
		}
	}
	h.render(w, r, status, "shortlist_shared", p)
	return nil
}

func (h *shortlistHandlers) sharedPrint(w http.ResponseWriter, r *http.Request) error {
	w = noStore(w) // the address holds the token
	token, items, _, maker, err := h.sharedList(w, r)
	if err != nil {
		return err
	}
	link := h.shareURL(r, token)
	qr, err := qrSVG(link, "QR code of the link to this list")
	if err != nil {
		return err
	}
	p := &printPage{
		ShareQR:  qr,
		BasePage: BasePage{Title: "Printable list of activities", Print: true},
		Heading:  "Your list of activities",
		Items:    listItemViews(h.md, items, forOthers),
		ShareURL: link,
		Maker:    maker,
		Printed:  dateText(h.now()),
		BackHref: "/s/" + url.PathEscape(token),
		Robots:   "noindex, nofollow",
	}
	h.render(w, r, http.StatusOK, "shortlist_print", p)
	return nil
}

func (h *shortlistHandlers) sharedText(w http.ResponseWriter, r *http.Request) error {
	w = noStore(w) // the address holds the token
	token, items, _, maker, err := h.sharedList(w, r)
	if err != nil {
		return err
	}
	writeListText(w, r, listText(listItemViews(h.md, items, forOthers), h.site.URL(r), h.shareURL(r, token), h.now(), maker))
	return nil
}
