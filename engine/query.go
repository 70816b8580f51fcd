package engine

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"signpost/directory"
)

// Sort orders results.
type Sort string

// The result orders.
const (
	// SortBest ranks by score; ties break by distance, name, then id.
	SortBest Sort = "best"
	// SortNearest ranks by distance (services without one last); ties break
	// by score, name, then id.
	SortNearest Sort = "nearest"
)

// Paging defaults and limits.
const (
	DefaultSize = 20
	MaxSize     = 100
	// MaxRadiusM caps proximity: 1,000 km covers any reasonable question and
	// rejects nonsense early.
	MaxRadiusM = 1_000_000
	// MaxTextLen caps the words searched for: a question, not a document.
	MaxTextLen = 500
	maxAge     = 130
)

// Query is one search or match. The zero value matches every active service.
type Query struct {
	// Text is what the person typed, in everyday words.
	Text string

	// Lat and Lon are where the person is, in degrees; they count only when
	// HasPoint is set. The caller resolves place names and postcodes.
	Lat, Lon float64
	HasPoint bool
	// RadiusM keeps services whose nearest physical location lies within
	// this many metres of the point; 0 means no limit. Services that can be
	// taken part in online, and services with no physical location, pass
	// unless Delivery asks for in-person.
	RadiusM float64

	// Needs, Interests and Activities are term codes of Signpost's
	// vocabularies. Search requires every one; Match scores them.
	Needs, Interests, Activities []string

	// Free keeps services with no cost option above zero.
	Free bool
	// Age keeps services whose age bounds include it.
	Age *int
	// Day keeps services with a schedule on that day ("MO".."SU").
	Day string
	// Delivery keeps services offered that way.
	Delivery directory.Delivery
	// Accessibility keeps services whose locations' accessibility notes
	// mention every word of it ("wheelchair", "hearing loop").
	Accessibility string
	// AccessFeatures are codes of the signpost-access taxonomy; a service
	// is kept when its places offer every one.
	AccessFeatures []string
	// Language keeps services working in that language (code or name,
	// any case). A service that names no language is taken to work in
	// English.
	Language string

	// OrganizationID keeps one organisation's services.
	OrganizationID string
	// ModifiedAfter keeps services whose last_modified is later.
	ModifiedAfter time.Time
	// TaxonomyTermIDs keeps services carrying every one of these taxonomy
	// term ids (Signpost's or any other taxonomy's).
	TaxonomyTermIDs []string

	Sort Sort
	// Page is 1-based; Size is the page length (DefaultSize when 0, at most
	// MaxSize).
	Page, Size int
}

// FieldError reports a query parameter with a bad value. Field is the URL
// parameter name, so the API can return {"error": ..., "field": ...}.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ParseQuery reads a query from URL parameters, the one place the site and
// the API turn parameters into a Query:
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
//	organization_id, modified_after (RFC 3339 or YYYY-MM-DD)
//	sort                   best | nearest
//	page, per_page         paging (size is accepted for per_page)
//
// Unknown parameters are ignored: callers have their own (postcode, format).
// A bad value returns a *FieldError naming the parameter.
func ParseQuery(v url.Values) (Query, error) {
	var q Query
	q.Text = strings.TrimSpace(first(v, "q", "search", "text"))
	if n := utf8.RuneCountInString(q.Text); n > MaxTextLen {
		return q, fieldErr(textField(v), "is %d characters long; at most %d can be searched", n, MaxTextLen)
	}

	lat, lon := strings.TrimSpace(v.Get("lat")), strings.TrimSpace(v.Get("lon"))
	if lat != "" || lon != "" {
		if lat == "" {
			return Query{}, fieldErr("lat", "is needed with lon")
		}
		if lon == "" {
			return Query{}, fieldErr("lon", "is needed with lat")
		}
		var err error
		if q.Lat, err = parseFloat(lat, -90, 90); err != nil {
			return Query{}, fieldErr("lat", "%s", err)
		}
		if q.Lon, err = parseFloat(lon, -180, 180); err != nil {
			return Query{}, fieldErr("lon", "%s", err)
		}
		q.HasPoint = true
	}
	if p := strings.TrimSpace(v.Get("proximity")); p != "" {
		r, err := parseFloat(p, 0, MaxRadiusM)
		if err != nil {
			return Query{}, fieldErr("proximity", "%s (metres)", err)
		}
		q.RadiusM = r
	}

	var err error
	if q.Needs, err = parseCodes(v, "need", directory.Needs); err != nil {
		return Query{}, err
	}
	if q.Interests, err = parseCodes(v, "interest", directory.Interests); err != nil {
		return Query{}, err
	}
	if q.Activities, err = parseCodes(v, "activity", directory.Activities); err != nil {
		return Query{}, err
	}
	q.TaxonomyTermIDs = splitValues(v["taxonomy_term_id"])

	if f := strings.TrimSpace(v.Get("free")); f != "" {
		switch strings.ToLower(f) {
		case "1", "true", "yes", "on":
			q.Free = true
		case "0", "false", "no", "off":
		default:
			return Query{}, fieldErr("free", "must be true or false, not %q", f)
		}
	}
	if a := strings.TrimSpace(v.Get("age")); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 || n > maxAge {
			return Query{}, fieldErr("age", "must be a whole number of years from 0 to %d, not %q", maxAge, a)
		}
		q.Age = &n
	}
	if d := strings.TrimSpace(v.Get("day")); d != "" {
		code, ok := dayCode(d)
		if !ok {
			return Query{}, fieldErr("day", "must be one of MO, TU, WE, TH, FR, SA, SU, not %q", d)
		}
		q.Day = code
	}
	if d := strings.TrimSpace(v.Get("delivery")); d != "" {
		dv := directory.Delivery(strings.ToLower(d))
		if !dv.Valid() {
			return Query{}, fieldErr("delivery", "must be online, in-person or phone, not %q", d)
		}
		q.Delivery = dv
	}
	q.Accessibility = strings.TrimSpace(v.Get("access"))
	if q.AccessFeatures, err = parseCodes(v, "accessibility", directory.AccessFeatures); err != nil {
		return Query{}, err
	}
	q.Language = strings.TrimSpace(v.Get("language"))
	q.OrganizationID = strings.TrimSpace(v.Get("organization_id"))
	if m := strings.TrimSpace(v.Get("modified_after")); m != "" {
		t, ok := parseTime(m)
		if !ok {
			return Query{}, fieldErr("modified_after", "must be a date (2025-03-31) or an RFC 3339 time, not %q", m)
		}
		q.ModifiedAfter = t
	}
	switch s := Sort(strings.ToLower(strings.TrimSpace(v.Get("sort")))); s {
	case "", SortBest:
		q.Sort = SortBest
	case SortNearest:
		q.Sort = SortNearest
	default:
		return Query{}, fieldErr("sort", "must be best or nearest, not %q", s)
	}
	if q.Page, err = parsePositive(v, "page", 1, math.MaxInt32); err != nil {
		return Query{}, err
	}
	sizeField := "per_page"
	if v.Get(sizeField) == "" && v.Get("size") != "" {
		sizeField = "size"
	}
	if q.Size, err = parsePositive(v, sizeField, DefaultSize, MaxSize); err != nil {
		return Query{}, err
	}
	return q, nil
}

// first returns the first non-empty value among the named parameters.
// textField names the parameter the words came in, for error messages.
func textField(v url.Values) string {
	for _, name := range []string{"q", "search", "text"} {
		if v.Get(name) != "" {
			return name
		}
	}
	return "q"
}

func first(v url.Values, names ...string) string {
	for _, n := range names {
		if s := v.Get(n); s != "" {
			return s
		}
	}
	return ""
}

func parseFloat(s string, lo, hi float64) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("must be a number, not %q", s)
	}
	if f < lo || f > hi {
		return 0, fmt.Errorf("must be between %g and %g, not %s", lo, hi, s)
	}
	return f, nil
}

func parsePositive(v url.Values, field string, def, max int) (int, error) {
	s := strings.TrimSpace(v.Get(field))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, fieldErr(field, "must be a whole number from 1 to %d, not %q", max, s)
	}
	return n, nil
}

// splitValues flattens repeated and comma-separated values, dropping blanks
// and repeats.
func splitValues(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			if part != "" && !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

func parseCodes(v url.Values, field string, vocab []directory.Term) ([]string, error) {
	var codes []string
	for _, c := range splitValues(v[field]) {
		c = strings.ToLower(c)
		if termIndex(vocab, c) < 0 {
			return nil, fieldErr(field, "unknown code %q", c)
		}
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	return codes, nil
}

var dayNames = map[string]string{
	"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
	"friday": "FR", "saturday": "SA", "sunday": "SU",
	"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU",
}

func dayCode(s string) (string, bool) {
	up := strings.ToUpper(s)
	if slices.Contains(directory.Weekdays, up) {
		return up, true
	}
	code, ok := dayNames[strings.ToLower(s)]
	return code, ok
}

func parseTime(s string) (time.Time, bool) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// termIndex is the position of code in vocab, or -1. Positions are the bit
// numbers of the table's term masks.
func termIndex(vocab []directory.Term, code string) int {
	for i, t := range vocab {
		if t.Code == code {
			return i
		}
	}
	return -1
}
