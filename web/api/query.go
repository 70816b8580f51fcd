package api

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"signpost/directory"
	"signpost/engine"
)

// parseEngineQuery reads the parameters the engine answers, once the API's
// own (paging, format, the standard's taxonomy and age forms, places) are
// taken out or translated:
//
//	q | search | text      words
//	lat, lon               degrees (both or neither)
//	proximity              radius in metres
//	need, interest, activity  term codes; repeatable or comma-separated
//	taxonomy_term_id       term ids; repeatable or comma-separated
//	free                   1|true|yes (0|false|no to turn off)
//	age                    whole years
//	day                    MO..SU (or a day name)
//	delivery               online | in-person | phone
//	access                 accessibility words
//	accessibility          access feature codes; repeatable or comma-separated
//	language               language code or name
//	organization_id, modified_after (RFC 3339 or YYYY-MM-DD; on or after)
//	sort                   best | nearest
//
// Unknown parameters are ignored. A bad value is a 400 naming the
// parameter; the query is then checked as the engine would check it.
func parseEngineQuery(v url.Values) (engine.Query, error) {
	var q engine.Query
	q.Text = strings.TrimSpace(firstValue(v, "q", "search", "text"))
	for _, parse := range []func(url.Values, *engine.Query) error{parsePoint, parseTerms, parseFilters, parseSort} {
		if err := parse(v, &q); err != nil {
			return engine.Query{}, err
		}
	}
	if err := q.Validate(); err != nil {
		return engine.Query{}, err
	}
	return q, nil
}

// parsePoint reads lat, lon and proximity.
func parsePoint(v url.Values, q *engine.Query) error {
	lat, lon := strings.TrimSpace(v.Get("lat")), strings.TrimSpace(v.Get("lon"))
	if lat != "" || lon != "" {
		if lat == "" {
			return badParam("lat", "is needed with lon")
		}
		if lon == "" {
			return badParam("lon", "is needed with lat")
		}
		var err error
		if q.Lat, err = floatParam("lat", lat, -90, 90, ""); err != nil {
			return err
		}
		if q.Lon, err = floatParam("lon", lon, -180, 180, ""); err != nil {
			return err
		}
		q.HasPoint = true
	}
	if p := strings.TrimSpace(v.Get("proximity")); p != "" {
		r, err := floatParam("proximity", p, 0, engine.MaxRadiusM, " (metres)")
		if err != nil {
			return err
		}
		q.RadiusM = r
	}
	return nil
}

// parseTerms reads need, interest, activity and taxonomy_term_id.
func parseTerms(v url.Values, q *engine.Query) error {
	var err error
	if q.Needs, err = codesParam(v, "need", directory.TaxonomyNeeds); err != nil {
		return err
	}
	if q.Interests, err = codesParam(v, "interest", directory.TaxonomyInterests); err != nil {
		return err
	}
	if q.Activities, err = codesParam(v, "activity", directory.TaxonomyActivities); err != nil {
		return err
	}
	q.TaxonomyTermIDs = distinct(splitList(v["taxonomy_term_id"]))
	return nil
}

// parseFilters reads free, age, day, delivery, access, language,
// organization_id and modified_after.
func parseFilters(v url.Values, q *engine.Query) error {
	var err error
	if q.Free, err = boolParam(v, "free"); err != nil {
		return err
	}
	if a := strings.TrimSpace(v.Get("age")); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 || n > engine.MaxAge {
			return badParam("age", "must be a whole number of years from 0 to %d, not %q", engine.MaxAge, a)
		}
		q.Age = &n
	}
	if d := strings.TrimSpace(v.Get("day")); d != "" {
		code, ok := dayCode(d)
		if !ok {
			return badParam("day", "must be one of MO, TU, WE, TH, FR, SA, SU, not %q", d)
		}
		q.Day = code
	}
	if d := strings.TrimSpace(v.Get("delivery")); d != "" {
		dv := directory.Delivery(strings.ToLower(d))
		if !dv.Valid() {
			return badParam("delivery", "must be online, in-person or phone, not %q", d)
		}
		q.Delivery = dv
	}
	q.Accessibility = strings.TrimSpace(v.Get("access"))
	if q.AccessFeatures, err = codesParam(v, "accessibility", directory.TaxonomyAccess); err != nil {
		return err
	}
	q.Language = strings.TrimSpace(v.Get("language"))
	q.OrganizationID = strings.TrimSpace(v.Get("organization_id"))
	if m := strings.TrimSpace(v.Get("modified_after")); m != "" {
		t, ok := parseTime(m)
		if !ok {
			return badParam("modified_after", "must be a date (2025-03-31) or an RFC 3339 time, not %q", m)
		}
		// The standard says "modified on or after"; the engine keeps what
		// is strictly later, so it is given the instant before.
		q.ModifiedAfter = t.Add(-time.Nanosecond)
	}
	return nil
}

func parseSort(v url.Values, q *engine.Query) error {
	switch s := engine.Sort(strings.ToLower(strings.TrimSpace(v.Get("sort")))); s {
	case "", engine.SortBest:
		q.Sort = engine.SortBest
	case engine.SortNearest:
		q.Sort = engine.SortNearest
	default:
		return badParam("sort", "must be best or nearest, not %q", s)
	}
	return nil
}

// firstValue returns the first non-empty value among the named parameters.
func firstValue(v url.Values, names ...string) string {
	for _, n := range names {
		if s := v.Get(n); s != "" {
			return s
		}
	}
	return ""
}

// floatParam reads a number from lo to hi; unit is added to the message.
func floatParam(field, s string, lo, hi float64, unit string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, badParam(field, "must be a number, not %q%s", s, unit)
	}
	if f < lo || f > hi {
		return 0, badParam(field, "must be between %g and %g, not %s%s", lo, hi, s, unit)
	}
	return f, nil
}

// codesParam reads the term codes of one Signpost vocabulary, case-folded
// and without repeats.
func codesParam(v url.Values, field, taxonomy string) ([]string, error) {
	var codes []string
	for _, c := range splitList(v[field]) {
		c = strings.ToLower(c)
		if _, ok := directory.LookupTerm(taxonomy, c); !ok {
			return nil, badParam(field, "unknown code %q", c)
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes, nil
}

func distinct(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

var dayNames = map[string]string{
	"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
	"friday": "FR", "saturday": "SA", "sunday": "SU",
	"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
}

// dayCode reads a day as a code (any case) or an English name.
func dayCode(s string) (string, bool) {
	up := strings.ToUpper(s)
	if slices.Contains(directory.Weekdays, up) {
		return up, true
	}
	code, ok := dayNames[strings.ToLower(s)]
	return code, ok
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// engineParam names, for a refusal by the engine, the parameter that set
// the field: the parser checks every value itself, so this is a backstop.
var engineParam = map[engine.Field]string{
	engine.FieldText: "search", engine.FieldLat: "lat", engine.FieldLon: "lon", engine.FieldRadius: "proximity",
	engine.FieldNeeds: "need", engine.FieldInterests: "interest", engine.FieldActivities: "activity",
	engine.FieldFree: "free", engine.FieldAge: "age", engine.FieldDay: "day", engine.FieldDelivery: "delivery",
	engine.FieldAccess: "access", engine.FieldFeatures: "accessibility", engine.FieldLanguage: "language", engine.FieldSort: "sort",
	engine.FieldPage: "page", engine.FieldSize: "per_page",
}
