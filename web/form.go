package web

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"signpost/directory"
	"signpost/engine"
)

// finderForm is what a person asked the search page or the matcher, as
// read from the query string. The query string is the whole state, so Back,
// refresh and sharing a link all work.
type finderForm struct {
	Q        string
	Near     string
	Radius   string // kilometres, or "any"
	Sort     string
	Day      string
	Delivery string
	Age      string
	Access   string
	Free     bool
	Needs    []string
	Interest []string
	Activity []string
	Page     string
	// Verbatim searches the words as typed, without correcting them: the
	// link "search instead for lonley".
	Verbatim bool
}

// defaultRadius is the distance used when a place is given without one: a
// short bus ride.
const defaultRadius = "5"

func readFinderForm(v url.Values) finderForm {
	f := finderForm{
		Q:        clean(v.Get("q"), 200),
		Near:     clean(v.Get("near"), 100),
		Radius:   clean(v.Get("radius"), 10),
		Sort:     clean(v.Get("sort"), 10),
		Day:      clean(v.Get("day"), 10),
		Delivery: clean(v.Get("delivery"), 20),
		Age:      clean(v.Get("age"), 5),
		Access:   clean(v.Get("access"), 100),
		Page:     clean(v.Get("page"), 10),
		Needs:    codes(v["need"]),
		Interest: codes(v["interest"]),
		Activity: codes(v["activity"]),
	}
	switch strings.ToLower(v.Get("free")) {
	case "1", "true", "yes", "on":
		f.Free = true
	}
	if f.Radius == "" {
		f.Radius = defaultRadius
	}
	f.Verbatim = v.Get("verbatim") == "1" && f.Q != ""
	return f
}

// clean trims a value and caps its length, so that a huge parameter cannot
// be echoed back into every link on the page. A cut through a multi-byte
// character drops the broken bytes.
func clean(s string, max int) string {
	s = strings.TrimSpace(s)
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "")
	}
	return s
}

// codes reads repeated or comma-separated term codes, dropping blanks and
// repeats; at most 30, more than any vocabulary holds.
func codes(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, c := range strings.Split(v, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			if c != "" && len(c) <= 40 && !slices.Contains(out, c) && len(out) < 30 {
				out = append(out, c)
			}
		}
	}
	return out
}

// values is the form as a query string, leaving out defaults, for links
// that keep the person's answers (pagination, print, did-you-mean, the
// matcher's steps).
func (f finderForm) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", f.Q)
	set("near", f.Near)
	if f.Near != "" && f.Radius != defaultRadius {
		set("radius", f.Radius)
	}
	for _, c := range f.Needs {
		v.Add("need", c)
	}
	for _, c := range f.Interest {
		v.Add("interest", c)
	}
	for _, c := range f.Activity {
		v.Add("activity", c)
	}
	if f.Free {
		v.Set("free", "1")
	}
	set("day", f.Day)
	set("delivery", f.Delivery)
	set("age", f.Age)
	set("access", f.Access)
	if f.Sort != "" && f.Sort != "best" {
		set("sort", f.Sort)
	}
	if f.Page != "" && f.Page != "1" {
		set("page", f.Page)
	}
	if f.Verbatim && f.Q != "" {
		v.Set("verbatim", "1")
	}
	return v
}

// href is path with the form's query string.
func (f finderForm) href(path string) string {
	if q := f.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// hasCriteria reports whether the person asked for anything at all.
func (f finderForm) hasCriteria() bool {
	return f.Q != "" || f.Near != "" || f.Free || f.Day != "" || f.Delivery != "" || f.Age != "" ||
		f.Access != "" || len(f.Needs)+len(f.Interest)+len(f.Activity) > 0
}

// radiusMetres reads the radius; ok is false when it is not a distance.
// ParseFloat reads "NaN" and "Inf"; the comparison is written so that NaN,
// which fails every comparison, is refused rather than meaning no limit.
func (f finderForm) radiusMetres() (m float64, ok bool) {
	if f.Radius == "any" {
		return 0, true
	}
	km, err := strconv.ParseFloat(f.Radius, 64)
	if err != nil || !(km > 0 && km <= 1000) {
		return 0, false
	}
	return km * 1000, true
}

// radiusProblem is the message for a radius that is not a distance.
const radiusProblem = "Choose a distance from the list (up to 1,000 km, or any distance)"

// query is the form as the engine's query, with the place resolved to a
// point and radiusM its radius (0: no limit). Values the engine has no
// type for (an age or a page that is not a number) are refused here; the
// rest by the engine's own check, each as a problem for the form control
// that set it.
func (f finderForm) query(place *directory.Place, radiusM float64, size int) (engine.Query, []problem) {
	q := engine.Query{
		Text:          f.Q,
		Verbatim:      f.Verbatim,
		Needs:         f.Needs,
		Interests:     f.Interest,
		Activities:    f.Activity,
		Free:          f.Free,
		Day:           strings.ToUpper(f.Day),
		Delivery:      directory.Delivery(strings.ToLower(f.Delivery)),
		Accessibility: f.Access,
		Sort:          engine.Sort(strings.ToLower(f.Sort)),
		Size:          size,
	}
	if place != nil {
		q.Lat, q.Lon, q.HasPoint, q.RadiusM = place.Lat, place.Lon, true, radiusM
	}
	var problems []problem
	if f.Age != "" {
		n, err := strconv.Atoi(f.Age)
		if err != nil || n < 0 || n > engine.MaxAge {
			problems = append(problems, problem{Field: "age",
				Message: fmt.Sprintf("The age must be a whole number of years from 0 to %d, not %q", engine.MaxAge, f.Age)})
		}
		q.Age = &n
	}
	q.Page = 1
	if f.Page != "" {
		n, err := strconv.Atoi(f.Page)
		if err != nil || n < 1 || n > math.MaxInt32 {
			problems = append(problems, problem{Field: "page",
				Message: fmt.Sprintf("The page must be a whole number from 1 to %d, not %q", math.MaxInt32, f.Page)})
		}
		q.Page = n
	}
	if len(problems) > 0 {
		return q, problems
	}
	var fe *engine.FieldError
	if err := q.Validate(); errors.As(err, &fe) {
		return q, []problem{formProblem(fe)}
	}
	return q, nil
}

// formControls name, for each field of the engine's query, the id of the
// form control that sets it and the words the error summary uses for it.
var formControls = map[engine.Field]struct{ id, label string }{
	engine.FieldText:       {"q", "What you are looking for"},
	engine.FieldLat:        {"near", "The place"},
	engine.FieldLon:        {"near", "The place"},
	engine.FieldRadius:     {"radius", "The distance"},
	engine.FieldNeeds:      {"filters", "The need filter"},
	engine.FieldInterests:  {"filters", "The interest filter"},
	engine.FieldActivities: {"filters", "The activity filter"},
	engine.FieldFree:       {"free", "The cost filter"},
	engine.FieldAge:        {"age", "The age"},
	engine.FieldDay:        {"day", "The day"},
	engine.FieldDelivery:   {"delivery-any", "The way of taking part"},
	engine.FieldAccess:     {"access", "The accessibility filter"},
	engine.FieldSort:       {"sort", "The order"},
	engine.FieldPage:       {"page", "The page"},
	engine.FieldSize:       {"page", "The page size"},
}

// formProblem is the engine's refusal of a field as a problem for the
// form control that set it.
func formProblem(fe *engine.FieldError) problem {
	c, ok := formControls[fe.Field]
	if !ok {
		c.id, c.label = strings.ToLower(string(fe.Field)), "The "+strings.ToLower(string(fe.Field))
	}
	return problem{Field: c.id, Message: c.label + " " + fe.Message}
}

// option is one choice of a select, radio group or checkbox list.
type option struct {
	Value    string
	Label    string
	Count    int
	HasCount bool
	Selected bool
	ID       string
}

func radiusOptions(selected string) []option {
	opts := []option{
		{Value: "1", Label: "Within 1 km"}, {Value: "2", Label: "Within 2 km"}, {Value: "5", Label: "Within 5 km"},
		{Value: "10", Label: "Within 10 km"}, {Value: "25", Label: "Within 25 km"}, {Value: "any", Label: "Any distance"},
	}
	// A distance the list lacks (a "look further away" link's, 4 km from
	// 2) is offered too, so that the list shows what was asked.
	if km, err := strconv.ParseFloat(selected, 64); err == nil && km > 0 && km <= 1000 &&
		!slices.ContainsFunc(opts, func(o option) bool { return o.Value == selected }) {
		at := slices.IndexFunc(opts, func(o option) bool {
			v, err := strconv.ParseFloat(o.Value, 64)
			return err != nil || v > km
		})
		opts = slices.Insert(opts, at, option{Value: selected, Label: "Within " + selected + " km"})
	}
	return markSelected(opts, selected)
}

func dayOptions(selected string) []option {
	opts := []option{{Value: "", Label: "Any day"}}
	for _, d := range directory.Weekdays {
		opts = append(opts, option{Value: d, Label: daySingular[d]})
	}
	return markSelected(opts, strings.ToUpper(selected))
}

func sortOptions(selected string) []option {
	return markSelected([]option{{Value: "best", Label: "Best match"}, {Value: "nearest", Label: "Nearest first"}}, selected)
}

func markSelected(opts []option, selected string) []option {
	for i := range opts {
		opts[i].Selected = opts[i].Value == selected
	}
	return opts
}
