package engine

import (
	"fmt"
	"math"
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
	// MaxAge bounds Query.Age.
	MaxAge = 130
)

// Query is one search or match. The zero value matches every active service.
type Query struct {
	// Text is what the person typed, in everyday words.
	Text string
	// Verbatim searches the words as typed: a word no listing holds is
	// not corrected to one that does (the page's "search instead for
	// lonley").
	Verbatim bool

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

// Field names a field of Query, so that a caller can point at what it
// set: the API names its URL parameter, the site its form control.
type Field string

// The fields a FieldError can name, spelt as Query's.
const (
	FieldText       Field = "Text"
	FieldLat        Field = "Lat"
	FieldLon        Field = "Lon"
	FieldRadius     Field = "RadiusM"
	FieldNeeds      Field = "Needs"
	FieldInterests  Field = "Interests"
	FieldActivities Field = "Activities"
	FieldFree       Field = "Free"
	FieldAge        Field = "Age"
	FieldDay        Field = "Day"
	FieldDelivery   Field = "Delivery"
	FieldAccess     Field = "Accessibility"
	FieldFeatures   Field = "AccessFeatures"
	FieldLanguage   Field = "Language"
	FieldSort       Field = "Sort"
	FieldPage       Field = "Page"
	FieldSize       Field = "Size"
)

// FieldError reports a Query field with a bad value. Message reads after
// the name of whatever set it: "must be between -90 and 90, not 200".
type FieldError struct {
	Field   Field
	Message string
}

func (e *FieldError) Error() string { return string(e.Field) + ": " + e.Message }

func fieldErr(field Field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Validate reports the first field of q with a value the engine cannot
// answer, as a *FieldError; Search, Match and Relaxations refuse such a
// query with the same error. Callers build a Query from their own input
// (the API from URL parameters, the site from its form) and may check it
// first.
func (q Query) Validate() error {
	_, err := q.normalize()
	return err
}

// normalize checks q and fills in its defaults (page 1, DefaultSize, best
// first).
func (q Query) normalize() (Query, error) {
	if n := utf8.RuneCountInString(q.Text); n > MaxTextLen {
		return q, fieldErr(FieldText, "is %d characters long; at most %d can be searched", n, MaxTextLen)
	}
	if q.HasPoint {
		if math.IsNaN(q.Lat) || q.Lat < -90 || q.Lat > 90 {
			return q, fieldErr(FieldLat, "must be between -90 and 90, not %g", q.Lat)
		}
		if math.IsNaN(q.Lon) || q.Lon < -180 || q.Lon > 180 {
			return q, fieldErr(FieldLon, "must be between -180 and 180, not %g", q.Lon)
		}
	}
	if math.IsNaN(q.RadiusM) || q.RadiusM < 0 || q.RadiusM > MaxRadiusM {
		return q, fieldErr(FieldRadius, "must be between 0 and %d metres, not %g", MaxRadiusM, q.RadiusM)
	}
	for _, c := range []struct {
		field Field
		codes []string
		vocab []directory.Term
	}{{FieldNeeds, q.Needs, directory.Needs}, {FieldInterests, q.Interests, directory.Interests}, {FieldActivities, q.Activities, directory.Activities},
		{FieldFeatures, q.AccessFeatures, directory.AccessFeatures}} {
		for _, code := range c.codes {
			if termIndex(c.vocab, code) < 0 {
				return q, fieldErr(c.field, "unknown code %q", code)
			}
		}
	}
	if q.Age != nil && (*q.Age < 0 || *q.Age > MaxAge) {
		return q, fieldErr(FieldAge, "must be from 0 to %d, not %d", MaxAge, *q.Age)
	}
	if q.Day != "" && dayBit(q.Day) == 0 {
		return q, fieldErr(FieldDay, "must be one of MO, TU, WE, TH, FR, SA, SU, not %q", q.Day)
	}
	if q.Delivery != "" && !q.Delivery.Valid() {
		return q, fieldErr(FieldDelivery, "must be online, in-person or phone, not %q", q.Delivery)
	}
	switch q.Sort {
	case "":
		q.Sort = SortBest
	case SortBest, SortNearest:
	default:
		return q, fieldErr(FieldSort, "must be best or nearest, not %q", q.Sort)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 0 {
		return q, fieldErr(FieldPage, "must be 1 or more, not %d", q.Page)
	}
	if q.Size == 0 {
		q.Size = DefaultSize
	}
	if q.Size < 0 || q.Size > MaxSize {
		return q, fieldErr(FieldSize, "must be from 1 to %d, not %d", MaxSize, q.Size)
	}
	return q, nil
}

// parseTime reads a date or an RFC 3339 time, as listings give
// last_modified.
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
