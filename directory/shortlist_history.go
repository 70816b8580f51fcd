package directory

import (
	"slices"
	"time"
)

// Every change to a link worker's list records who made it, so that
// colleagues continuing a team list see who did what ("Notes changed by
// A. Khan, 3 June"). A My list keeps no history: it has no account to
// name.

// ChangeKind is what a change did to a list.
type ChangeKind string

// The kinds of change, in the words the list's page builds on.
const (
	ChangeCreated   ChangeKind = "created"
	ChangeAdded     ChangeKind = "added"
	ChangeRemoved   ChangeKind = "removed"
	ChangeNotes     ChangeKind = "notes"
	ChangeOrder     ChangeKind = "order"
	ChangeReference ChangeKind = "reference"
	ChangePlace     ChangeKind = "place"
	ChangeTeam      ChangeKind = "team"
)

// ListChange is one entry of a list's history.
type ListChange struct {
	// By is the account that made the change.
	By   string     `json:"by"`
	At   time.Time  `json:"at"`
	What ChangeKind `json:"what"`
}

// maxHistory bounds a list's history: the page shows the latest few, and
// a list used for months must not grow without end.
const maxHistory = 50

// record adds a change to the history. The same person making the same
// kind of change on the same day is one entry, moved to the latest time:
// ten notes typed in one conversation are "Notes changed", once.
func (sl *Shortlist) record(by string, at time.Time, what ChangeKind) {
	if by == "" {
		return
	}
	if n := len(sl.History); n > 0 {
		last := &sl.History[n-1]
		y1, m1, d1 := last.At.Date()
		y2, m2, d2 := at.Date()
		if last.By == by && last.What == what && y1 == y2 && m1 == m2 && d1 == d2 {
			last.At = at
			return
		}
	}
	sl.History = append(sl.History, ListChange{By: by, At: at, What: what})
	if len(sl.History) > maxHistory {
		sl.History = slices.Delete(sl.History, 0, len(sl.History)-maxHistory)
	}
}

// changesBetween says what kinds of change turned before into after.
func changesBetween(before, after *Shortlist) []ChangeKind {
	var out []ChangeKind
	if before.Reference != after.Reference {
		out = append(out, ChangeReference)
	}
	if before.Place != after.Place {
		out = append(out, ChangePlace)
	}
	if before.Team != after.Team {
		out = append(out, ChangeTeam)
	}
	had := map[string]Item{}
	for _, it := range before.Items {
		had[it.ServiceID] = it
	}
	has := map[string]bool{}
	added, notes := false, false
	for _, it := range after.Items {
		has[it.ServiceID] = true
		old, ok := had[it.ServiceID]
		switch {
		case !ok:
			added = true
		case old.Note != it.Note || old.NoteShared != it.NoteShared:
			notes = true
		}
	}
	removed := false
	for id := range had {
		if !has[id] {
			removed = true
		}
	}
	if added {
		out = append(out, ChangeAdded)
	}
	if removed {
		out = append(out, ChangeRemoved)
	}
	if notes {
		out = append(out, ChangeNotes)
	}
	// The order changed if the items both lists hold are in another order.
	var kept, was []string
	for _, it := range after.Items {
		if _, ok := had[it.ServiceID]; ok {
			kept = append(kept, it.ServiceID)
		}
	}
	for _, it := range before.Items {
		if has[it.ServiceID] {
			was = append(was, it.ServiceID)
		}
	}
	if !slices.Equal(kept, was) {
		out = append(out, ChangeOrder)
	}
	return out
}
