package web

import (
	"errors"
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
	Radius   string // in the site's units (miles or km), or "any"
	Sort     string
	Day      string
	Delivery string
	Age      string
	Access   string
	Free     bool
	Needs    []string
	Interest []string
	Activity []string
	// AccessFeatures are codes of the signpost-access taxonomy the place
	// must offer, every one (the accessibility parameter).
	AccessFeatures []string
	Page           string
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
	// Only known features: the checkboxes send nothing else, and a stray
	// code in a shared link is dropped rather than refused.
	for _, c := range codes(v["accessibility"]) {
		if _, ok := directory.LookupTerm(directory.TaxonomyAccess, c); ok {
			f.AccessFeatures = append(f.AccessFeatures, c)
		}
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
	for _, c := range f.AccessFeatures {
		v.Add("accessibility", c)
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

// filtersChosen counts the search page's filters in force.
func (f finderForm) filtersChosen() int {
	n := len(f.Needs) + len(f.Interest) + len(f.Activity)
	for _, on := range []bool{f.Free, f.Day != "", f.Delivery != "", f.Age != "", f.Access != ""} {
		if on {
			n++
		}
	}
	return n
}

// hasCriteria reports whether the person asked for anything at all.
func (f finderForm) hasCriteria() bool {
	return f.Q != "" || f.Near != "" || f.Free || f.Day != "" || f.Delivery != "" || f.Age != "" ||
		f.Access != "" || len(f.Needs)+len(f.Interest)+len(f.Activity)+len(f.AccessFeatures) > 0
}

// radiusMetres reads the radius, in the site's units; ok is false when it
// is not a distance the engine takes. ParseFloat reads "NaN" and "Inf";
// the comparison is written so that NaN, which fails every comparison, is
// refused rather than meaning no limit.
func (f finderForm) radiusMetres(u engine.Units) (m float64, ok bool) {
	if f.Radius == "any" {
		return 0, true
	}
	n, err := strconv.ParseFloat(f.Radius, 64)
	if err != nil || !(n > 0 && u.Metres(n) <= engine.MaxRadiusM) {
		return 0, false
	}
	return u.Metres(n), true
}

// radiusProblem is the message for a radius that is not a distance.
const radiusProblem = "Choose a distance from the list, or any distance"

// query is the form as the engine's query, with the place resolved to a
// point and radiusM its radius (0: no limit). Every value the engine
// cannot take is a problem for the control that set it, all at once:
// those it has no type for (an age or a page that is not a number) are
// refused here, the rest by the engine's own check, field by field.
func (f finderForm) query(place *directory.Place, radiusM float64, size int) (engine.Query, []problem) {
	q := engine.Query{
		Text:           f.Q,
		Verbatim:       f.Verbatim,
		Needs:          f.Needs,
		Interests:      f.Interest,
		Activities:     f.Activity,
		Free:           f.Free,
		Day:            strings.ToUpper(f.Day),
		Delivery:       directory.Delivery(strings.ToLower(f.Delivery)),
		Accessibility:  f.Access,
		AccessFeatures: f.AccessFeatures,
		Sort:           engine.Sort(strings.ToLower(f.Sort)),
		Page:           1,
		Size:           size,
	}
	if place != nil {
		q.Lat, q.Lon, q.HasPoint, q.RadiusM = place.Lat, place.Lon, true, radiusM
	}
	var problems []problem
	if f.Age != "" {
		if n, err := strconv.Atoi(f.Age); err == nil {
			q.Age = &n
		} else {
			problems = append(problems, finderProblem(&engine.FieldError{Field: engine.FieldAge}))
		}
	}
	if f.Page != "" {
		if n, err := strconv.Atoi(f.Page); err == nil && n >= 1 && n <= math.MaxInt32 {
			q.Page = n
		} else {
			problems = append(problems, finderProblem(&engine.FieldError{Field: engine.FieldPage}))
		}
	}
	return q, append(problems, eachFieldProblem(q)...)
}

// eachFieldProblem checks each field of q alone: the engine stops at the
// first wrong one, and a person should hear of all of them at once.
func eachFieldProblem(q engine.Query) []problem {
	var out []problem
	for _, one := range []engine.Query{
		{Text: q.Text},
		{Lat: q.Lat, Lon: q.Lon, HasPoint: q.HasPoint},
		{RadiusM: q.RadiusM},
		{Needs: q.Needs}, {Interests: q.Interests}, {Activities: q.Activities}, {AccessFeatures: q.AccessFeatures},
		{Age: q.Age}, {Day: q.Day}, {Delivery: q.Delivery}, {Sort: q.Sort},
		{Page: q.Page, Size: q.Size},
	} {
		var fe *engine.FieldError
		if errors.As(one.Validate(), &fe) {
			out = append(out, finderProblem(fe))
		}
	}
	return out
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

// radiusChoices are the distances offered, in the site's units: a walk, a
// short bus ride, a town, a borough, the region.
var radiusChoices = []float64{1, 2, 5, 10, 25}

func radiusOptions(selected string, u engine.Units) []option {
	var opts []option
	for _, n := range radiusChoices {
		opts = append(opts, option{Value: strconv.FormatFloat(n, 'f', -1, 64), Label: "Within " + u.Count(n)})
	}
	// A distance the list lacks (a "look further away" link's, 4 miles
	// from 2) is offered too, so that the list shows what was asked.
	if n, err := strconv.ParseFloat(selected, 64); err == nil && n > 0 && u.Metres(n) <= engine.MaxRadiusM &&
		!slices.Contains(radiusChoices, n) {
		at := slices.IndexFunc(radiusChoices, func(c float64) bool { return c > n })
		if at < 0 {
			at = len(opts)
		}
		opts = slices.Insert(opts, at, option{Value: selected, Label: "Within " + u.Count(n)})
	}
	opts = append(opts, option{Value: "any", Label: "Any distance"})
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
