package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"signpost/directory"
)

// Team lists: a link worker shares a list with their team (a practice or a
// primary care network), and colleagues see it under "Team lists", open
// it, change it and continue it. Every change names who made it.

// teamListView is what a list's page says about its team.
type teamListView struct {
	// TeamName is the owner's team, or the list's when it is shared.
	TeamName string
	Shared   bool
	// Mine: the person looking is the list's owner, who shares and stops
	// sharing it; a colleague sees who owns it.
	Mine bool
	// CanUnshare is the owner, or a colleague once the owner has left.
	CanUnshare bool
	Owner      string
}

// historyLine is one line of a list's short history.
type historyLine struct{ Text string }

// maxHistoryLines is how much of its history a list's page shows.
const maxHistoryLines = 6

var changeWords = map[directory.ChangeKind]string{
	directory.ChangeCreated:   "List started",
	directory.ChangeAdded:     "Activities added",
	directory.ChangeRemoved:   "Activities removed",
	directory.ChangeNotes:     "Notes changed",
	directory.ChangeOrder:     "Order changed",
	directory.ChangeReference: "Reference changed",
	directory.ChangePlace:     "Area changed",
	directory.ChangeTeam:      "Team sharing changed",
}

// shortDate is "3 June", with the year only when it is not this one.
func shortDate(t, now time.Time) string {
	if t.Year() == now.Year() {
		return t.Format("2 January")
	}
	return t.Format("2 January 2006")
}

// personName is how pages name a link worker: their profile's name, or
// their e-mail address when they have not given one.
func (h *shortlistHandlers) personName(r *http.Request, email string, cache map[string]string) (string, error) {
	if n, ok := cache[email]; ok {
		return n, nil
	}
	p, err := h.lists.Profile(r.Context(), email)
	if err != nil {
		return "", err
	}
	n := p.DisplayName
	if n == "" {
		n = email
	}
	cache[email] = n
	return n, nil
}

// history is the latest of the list's changes, newest first: "Notes
// changed by A. Khan, 3 June".
func (h *shortlistHandlers) history(r *http.Request, sl *directory.Shortlist) ([]historyLine, error) {
	names := map[string]string{}
	var out []historyLine
	for _, c := range slices.Backward(sl.History) {
		if len(out) == maxHistoryLines {
			break
		}
		who, err := h.personName(r, c.By, names)
		if err != nil {
			return nil, err
		}
		out = append(out, historyLine{Text: fmt.Sprintf("%s by %s, %s", changeWords[c.What], who, shortDate(c.At, h.now()))})
	}
	return out, nil
}

// teamView works out what the list's page says about its team.
func (h *shortlistHandlers) teamView(r *http.Request, sl *directory.Shortlist) (*teamListView, error) {
	a := currentAccount(r)
	if sl.IsMyList() || a == nil {
		return nil, nil
	}
	v := &teamListView{Shared: sl.Team != "", Mine: sl.Owner == a.Email}
	team, err := h.lists.TeamOf(r.Context(), a.Email)
	if err != nil {
		return nil, err
	}
	if team == nil && !v.Shared {
		return nil, nil
	}
	if team != nil {
		v.TeamName = team.Name
	}
	maker, err := h.lists.MakerOf(r.Context(), sl)
	if err != nil {
		return nil, err
	}
	v.CanUnshare = v.Mine || maker.Team != ""
	if !v.Mine {
		if maker.Team != "" {
			v.Owner = maker.Team + " (its maker has left)"
		} else if v.Owner, err = h.personName(r, sl.Owner, map[string]string{}); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// shareTeam shares the list with the owner's team, or stops sharing it.
func (h *shortlistHandlers) shareTeam(w http.ResponseWriter, r *http.Request, ref listRef) error {
	share := r.PostFormValue("share") == "1"
	if _, err := h.lists.ShareWithTeam(r.Context(), ref.owner, ref.id, share); err != nil {
		if errors.Is(err, directory.ErrForbidden) {
			return errTeamRefused
		}
		return err
	}
	if share {
		return redirect(w, r, withFlash(ref.base, "team-shared"))
	}
	return redirect(w, r, withFlash(ref.base, "team-unshared"))
}

var errTeamRefused = &httpError{status: http.StatusForbidden, heading: "You cannot change who sees this list",
	message: "Only the list's owner shares it with their team, and only link workers in a team can. Ask an admin to put you in one."}

// teamSummaries are the lists shared with the link worker's team by
// colleagues, for /shortlists.
func (h *shortlistHandlers) teamSummaries(r *http.Request, owner directory.Owner) ([]listSummary, error) {
	lists, err := h.lists.TeamShortlists(r.Context(), owner)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	var out []listSummary
	for _, sl := range lists {
		s := listSummary{Href: "/shortlists/" + url.PathEscape(sl.ID), Reference: sl.Reference, Count: len(sl.Items), Updated: dateText(sl.Updated)}
		maker, err := h.lists.MakerOf(r.Context(), sl)
		if err != nil {
			return nil, err
		}
		if maker.Team != "" {
			s.Owner = maker.Team
		} else if s.Owner, err = h.personName(r, sl.Owner, names); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
