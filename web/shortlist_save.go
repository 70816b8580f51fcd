package web

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"signpost/directory"
)

// The list's page is one form: the reference, every note and the order
// are saved together by any of its buttons (Save, Move up, Move down,
// Remove), so nothing typed in one box is lost by pressing another's
// button. A refused box keeps exactly what was typed in every box, with
// the reason beside the refused one.

// save handles the list's form: it saves every box, then does what the
// pressed button asked (move an item, remove one).
func (h *shortlistHandlers) save(w http.ResponseWriter, r *http.Request, ref listRef) error {
	if err := readForm(r); err != nil {
		return err
	}
	sl, err := h.lists.Shortlist(r.Context(), ref.owner, ref.id)
	if err != nil {
		return err
	}
	f := r.PostForm
	edit := directory.ListEdit{Notes: map[string]directory.ItemNote{}}
	typed := map[string]string{}
	if !ref.mine && f.Has("reference") {
		reference := f.Get("reference")
		edit.Reference = &reference
		typed["reference"] = reference
	}
	if f.Has("place") {
		place := f.Get("place")
		edit.Place = &place
		typed["place"] = place
	}
	ids := make([]string, len(sl.Items))
	positions := make(map[string]int, len(sl.Items))
	for i, it := range sl.Items {
		id := it.ServiceID
		ids[i] = id
		noteID, sharedID, posID := "note-"+id, "shared-"+id, "pos-"+id
		if f.Has(noteID) {
			n := directory.ItemNote{Text: f.Get(noteID)}
			if ref.mine || f.Get(sharedID) != "" {
				n.Visibility = directory.NoteShared
			}
			edit.Notes[id] = n
			typed[noteID], typed[sharedID] = f.Get(noteID), f.Get(sharedID)
		}
		if p, err := strconv.Atoi(strings.TrimSpace(f.Get(posID))); err == nil {
			positions[id] = p
		}
		if f.Has(posID) {
			typed[posID] = f.Get(posID)
		}
	}
	moved, dir := "", 0
	if how, id, ok := strings.Cut(f.Get("move"), ":"); ok && slices.Contains(ids, id) {
		moved, dir = id, map[string]int{"up": -1, "down": 1}[how]
	}
	edit.Order = reorder(ids, positions, moved, dir)
	sortNear := f.Get("sort") == "near"
	if sortNear {
		// Nearest first, from the place as just typed.
		district, _ := directory.PostcodeDistrict(f.Get("place"))
		if place := h.listPlace(cmp.Or(district, sl.Place)); place != nil {
			items, err := h.lists.ShortlistItems(r.Context(), sl)
			if err != nil {
				return err
			}
			edit.Order = nearestFirst(items, place)
		}
	}

	_, err = h.lists.SaveShortlist(r.Context(), ref.owner, ref.id, edit)
	var ve *directory.ValidationError
	if errors.As(err, &ve) {
		return h.renderList(w, r, ref, http.StatusBadRequest, &shortlistListPage{Problems: listProblems(ve), Typed: typed})
	}
	if err != nil {
		return err
	}
	if id := f.Get("remove"); id != "" && slices.Contains(ids, id) {
		if _, err := h.lists.RemoveItem(r.Context(), ref.owner, ref.id, id); err != nil {
			return err
		}
		return redirect(w, r, withFlash(ref.base, "saved-removed"))
	}
	if sortNear {
		return redirect(w, r, withFlash(ref.base, "saved-sorted"))
	}
	if moved != "" {
		return redirect(w, r, withFlash(ref.base+"#item-"+url.PathEscape(moved), "saved-moved"))
	}
	return redirect(w, r, withFlash(ref.base, "saved"))
}

// listProblems points each refused box's reason at its control.
func listProblems(ve *directory.ValidationError) problemList {
	var out problemList
	for _, p := range ve.Problems {
		field := p.Path
		if id, ok := strings.CutPrefix(p.Path, directory.NoteProblemPath("")); ok {
			field = "note-" + id
		}
		out = append(out, problem{Field: field, Message: p.Message})
	}
	return out
}

// reorder works out the new order of ids (the current order) from the
// positions typed into the form ("move to position N"), then moves one
// item a place up (dir -1) or down (+1) if a button asked. An item given
// a new position lands exactly there: moving 2 to 4 puts it after the
// item that was 4th, moving 4 to 2 before the one that was 2nd. Missing
// or out-of-range positions keep an item where it was, relative to the
// others.
func reorder(ids []string, positions map[string]int, moved string, dir int) []string {
	type entry struct {
		id        string
		old, want int
		// bias breaks a tie between an item moved to a place and the one
		// already there: up goes before it, down after.
		bias int
	}
	es := make([]entry, len(ids))
	for i, id := range ids {
		e := entry{id: id, old: i + 1, want: i + 1, bias: 1}
		if p, ok := positions[id]; ok && p >= 1 && p <= len(ids) && p != e.old {
			e.want = p
			if p < e.old {
				e.bias = 0
			} else {
				e.bias = 2
			}
		}
		es[i] = e
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		if a.want != b.want {
			return a.want - b.want
		}
		return a.bias - b.bias
	})
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	if i := slices.Index(out, moved); i >= 0 && dir != 0 {
		if j := i + dir; j >= 0 && j < len(out) {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}
