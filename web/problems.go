package web

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"signpost/directory"
	"signpost/engine"
)

// Errors on forms follow the GOV.UK error-message patterns: each says what
// to do in plain English ("Enter an e-mail address in the correct format,
// like name@example.org"), never a field path ("email: ..."), and the
// summary lists them in the order of the fields on the page, each linking
// to its field.
//
// A form describes its fields once, in page order, as a errorFields; that
// turns the domain's validation problems into the summary. Any form can use
// it: the domain says what is wrong, the form says it in its own words.

// errorField is one control of a form.
type errorField struct {
	// path is the domain's name for the field: a Problem's Path up to any
	// "[" or "." ("orgs[0]" is "orgs").
	path string
	// control is the id of the control the summary links to.
	control string
	// message says in plain words what to do about p. It may look at the
	// form's values to tell cases apart (empty or badly written).
	message func(p directory.Problem) string
}

// errorFields are a form's controls in the order they appear on the page.
type errorFields []errorField

// problems turns validation problems into the form's summary, in page
// order. A problem for no listed field goes to the first control, in
// words without its path, so that no summary ever shows a path.
func (ff errorFields) problems(ps directory.Problems) problemList {
	type placed struct {
		at int
		p  problem
	}
	var out []placed
	for _, pr := range ps {
		i := slices.IndexFunc(ff, func(f errorField) bool { return f.path == problemPath(pr.Path) })
		switch {
		case i >= 0:
			out = append(out, placed{i, problem{Field: ff[i].control, Message: ff[i].message(pr)}})
		case len(ff) > 0:
			out = append(out, placed{len(ff), problem{Field: ff[0].control, Message: sentence(pr.Message)}})
		}
	}
	slices.SortStableFunc(out, func(a, b placed) int { return cmp.Compare(a.at, b.at) })
	var list problemList
	for _, o := range out {
		if list.For(o.p.Field) == nil { // one message per control, the first
			list = append(list, o.p)
		}
	}
	return list
}

// problemPath is a Problem's field without an index or subfield.
func problemPath(path string) string {
	if i := strings.IndexAny(path, "[."); i >= 0 {
		return path[:i]
	}
	return path
}

// inPageOrder sorts a summary by the order of its controls on the page;
// controls not in order keep their place after those that are.
func (ps problemList) inPageOrder(order ...string) problemList {
	rank := func(p problem) int {
		if i := slices.Index(order, p.Field); i >= 0 {
			return i
		}
		return len(order)
	}
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b problem) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// sentence is a domain message as a sentence: capitalised, and without a
// path if it carries one.
func sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return "Check this answer"
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

// thousands writes a count with a comma between thousands: "2,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// emailMessage is the GOV.UK message for an e-mail address that is missing
// or not one.
func emailMessage(typed string) string {
	if strings.TrimSpace(typed) == "" {
		return "Enter an e-mail address"
	}
	return "Enter an e-mail address in the correct format, like name@example.org"
}

// finderProblem says what to do about a bad search or matcher value, and
// which control to fix. Values the form offers as choices can be wrong
// only in an edited address, so the words send the person to the choices.
func finderProblem(fe *engine.FieldError) problem {
	switch fe.Field {
	case engine.FieldText:
		return problem{Field: "q", Message: fmt.Sprintf("Enter fewer words: at most %d characters", engine.MaxTextLen)}
	case engine.FieldLat, engine.FieldLon:
		return problem{Field: "near", Message: "Enter a place: a town, an area or a postcode"}
	case engine.FieldRadius:
		return problem{Field: "radius", Message: radiusProblem}
	case engine.FieldSort:
		return problem{Field: "sort", Message: "Choose an order from the list"}
	case engine.FieldFree:
		return problem{Field: "free", Message: "Tick Free, or leave it empty"}
	case engine.FieldDay:
		return problem{Field: "day", Message: "Choose a day from the list"}
	case engine.FieldDelivery:
		return problem{Field: "delivery-any", Message: "Choose how you would like to take part from the list"}
	case engine.FieldAge:
		return problem{Field: "age", Message: "Enter an age in whole years, like 30"}
	case engine.FieldNeeds:
		return problem{Field: "need", Message: "Choose what is hard at the moment from the list"}
	case engine.FieldInterests:
		return problem{Field: "interest", Message: "Choose what you enjoy from the list"}
	case engine.FieldActivities:
		return problem{Field: "activity", Message: "Choose a kind of activity from the list"}
	case engine.FieldPage, engine.FieldSize:
		return problem{Field: "page", Message: "Choose a page of results from the links"}
	}
	return problem{Field: strings.ToLower(string(fe.Field)), Message: sentence(fe.Message)}
}
