package directory

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// FieldChange is one field that differs between two versions of a record,
// named by its HSDS path and shown as plain text.
type FieldChange struct {
	Path string `json:"path"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// Diff lists the fields that differ between two versions of a service, in
// path order. A nil side counts as empty, so Diff(nil, s) lists every field.
// last_modified is left out: it moves on every save and says nothing a
// reviewer needs.
func Diff(before, after *Service) []FieldChange {
	a, b := flatten(before), flatten(after)
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	delete(paths, "last_modified")
	var changes []FieldChange
	for p := range paths {
		if a[p] != b[p] {
			changes = append(changes, FieldChange{Path: p, Old: a[p], New: b[p]})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes
}

// operationalPaths are the fields that say how a listing stands today
// rather than what it is: capacity and the date a person last confirmed
// it, set at once by providers without moderation, and last_modified.
// Restoring content and approving a draft leave them as they are, and the
// diffs shown before either leave them out.
var operationalPaths = map[string]bool{"capacity": true, "assured_date": true, "last_modified": true}

// ContentDiff is Diff on content fields only: what restoring a version or
// approving a draft would change, and all it changes.
func ContentDiff(before, after *Service) []FieldChange {
	all := Diff(before, after)
	out := all[:0]
	for _, c := range all {
		if !operationalPaths[c.Path] {
			out = append(out, c)
		}
	}
	return out
}

// KeepOperational gives svc the operational fields of current (see
// operationalPaths), so that saving svc changes content only. A nil
// current (a listing not yet published) leaves svc as it is.
func (s *Service) KeepOperational(current *Service) {
	if current == nil {
		return
	}
	s.Capacity, s.AssuredDate, s.LastModified = current.Capacity, current.AssuredDate, current.LastModified
}

// flatten turns a record into path → scalar text via its JSON form, so the
// diff follows the same names as the standard and the API.
func flatten(s *Service) map[string]string {
	out := map[string]string{}
	if s == nil {
		return out
	}
	raw, err := json.Marshal(s)
	if err != nil {
		// A Service always marshals; a failure here is a programming error
		// that the diff reports rather than hides.
		out[""] = "cannot show: " + err.Error()
		return out
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		out[""] = "cannot show: " + err.Error()
		return out
	}
	walkJSON("", v, out)
	return out
}

func walkJSON(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			walkJSON(join(path, k), val, out)
		}
	case []any:
		for i, val := range x {
			walkJSON(fmt.Sprintf("%s[%d]", path, i), val, out)
		}
	case string:
		out[path] = x
	case float64:
		out[path] = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		out[path] = strconv.FormatBool(x)
	case nil:
	}
}
