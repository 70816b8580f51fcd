package directory

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kinds of gazetteer place. A "point" never comes from the gazetteer file: it
// is what Lookup returns when a person typed coordinates.
const (
	PlaceTown             = "town"
	PlaceNeighbourhood    = "neighbourhood"
	PlacePostcodeDistrict = "postcode-district"
	PlacePoint            = "point"
)

// Place is a named position people can search near: a town, a neighbourhood
// or a postcode district, or a bare point typed as "lat,lon".
type Place struct {
	Name string
	Kind string
	Lat  float64
	Lon  float64
}

// Gazetteer resolves what a person types as a place ("Bootle", "L20 3AB",
// "53.45,-2.99") to a position. It is read-only once loaded, so one value can
// serve many goroutines.
type Gazetteer struct {
	places []Place
	// keys holds each place's normalised name (placeKey), parallel to places.
	keys []string
	// byKey maps a normalised name to its index in places.
	byKey map[string]int
}

// gazetteerHeader is the column order LoadGazetteer requires.
var gazetteerHeader = []string{"name", "kind", "lat", "lon"}

// maxQueryRunes bounds the text Lookup and Suggest will consider. Place names
// are short; anything longer is not a place, and bounding it keeps the edit
// distance cheap whatever is typed.
const maxQueryRunes = 64

// LoadGazetteer reads a gazetteer as CSV with the header name,kind,lat,lon.
// A bad row fails the whole load with an error naming its line and field,
// because a half-loaded gazetteer would silently misplace searches.
func LoadGazetteer(r io.Reader) (*Gazetteer, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted below, for a clearer message
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("gazetteer: empty input, want header name,kind,lat,lon")
	}
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	if err := checkGazetteerHeader(header); err != nil {
		return nil, err
	}

	g := &Gazetteer{byKey: map[string]int{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
		line, _ := cr.FieldPos(0)
		p, err := parsePlace(rec)
		if err != nil {
			return nil, fmt.Errorf("gazetteer line %d: %w", line, err)
		}
		key := placeKey(p.Name)
		if prev, dup := g.byKey[key]; dup {
			return nil, fmt.Errorf("gazetteer line %d: name: %q repeats %q", line, p.Name, g.places[prev].Name)
		}
		g.byKey[key] = len(g.places)
		g.places = append(g.places, p)
		g.keys = append(g.keys, key)
	}
	return g, nil
}

func checkGazetteerHeader(header []string) error {
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheet exports add a BOM
	}
	ok := len(header) == len(gazetteerHeader)
	for i := 0; ok && i < len(header); i++ {
		ok = strings.EqualFold(strings.TrimSpace(header[i]), gazetteerHeader[i])
	}
	if !ok {
		return fmt.Errorf("gazetteer line 1: header is %q, want %q",
			strings.Join(header, ","), strings.Join(gazetteerHeader, ","))
	}
	return nil
}

func parsePlace(rec []string) (Place, error) {
	if len(rec) != len(gazetteerHeader) {
		return Place{}, fmt.Errorf("want %d fields (name,kind,lat,lon), got %d", len(gazetteerHeader), len(rec))
	}
	p := Place{Name: strings.TrimSpace(rec[0]), Kind: strings.TrimSpace(rec[1])}
	if p.Name == "" || placeKey(p.Name) == "" {
		return Place{}, fmt.Errorf("name: %q has no letters or digits", rec[0])
	}
	switch p.Kind {
	case PlaceTown, PlaceNeighbourhood, PlacePostcodeDistrict:
	default:
		return Place{}, fmt.Errorf("kind: %q is not one of town, neighbourhood, postcode-district", rec[1])
	}
	var err error
	if p.Lat, err = parseDegrees(rec[2], 90); err != nil {
		return Place{}, fmt.Errorf("lat: %w", err)
	}
	if p.Lon, err = parseDegrees(rec[3], 180); err != nil {
		return Place{}, fmt.Errorf("lon: %w", err)
	}
	return p, nil
}

// parseDegrees reads a latitude or longitude and checks it lies within
// ±limit degrees.
func parseDegrees(s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if v < -limit || v > limit {
		return 0, fmt.Errorf("%q is outside -%g to %g", s, limit, limit)
	}
	return v, nil
}

// Places returns every place in file order. The slice is a copy.
func (g *Gazetteer) Places() []Place {
	return append([]Place(nil), g.places...)
}

// Lookup resolves q to a place. It accepts, in this order:
//   - "lat,lon" in decimal degrees ("53.4,-2.9"), returned as a Place of
//     kind "point";
//   - a place name, ignoring case, spaces and punctuation ("st helens",
//     "Newton le Willows");
//   - a full postcode ("L20 3AB", "l203ab") or a district ("l20"), resolved
//     to its postcode district, since the gazetteer holds no finer grain;
//   - any of these as people write them: after "near", "in" or "around"
//     ("near Bootle"), and followed by a county, a country or another place
//     ("Bootle, Merseyside", "bootle merseyside", "Bootle L20 3AB").
func (g *Gazetteer) Lookup(q string) (Place, bool) {
	q = strings.TrimSpace(q)
	if q == "" || utf8.RuneCountInString(q) > maxQueryRunes {
		return Place{}, false
	}
	if p, ok := parsePoint(q); ok {
		return p, true
	}
	if p, ok := g.lookupName(q); ok {
		return p, true
	}
	q = stripPlacePrefix(q)
	if p, ok := g.lookupName(q); ok {
		return p, true
	}
	// "Bootle, Merseyside": the first part that is a place.
	if strings.Contains(q, ",") {
		for _, part := range strings.Split(q, ",") {
			if p, ok := g.lookupName(part); ok {
				return p, true
			}
		}
	}
	// "bootle merseyside": the longest run of leading words that is a
	// place, when what follows is a region or itself a place.
	words := strings.FieldsFunc(q, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	for n := len(words) - 1; n >= 1; n-- {
		rest := strings.Join(words[n:], " ")
		if !isRegion(rest) {
			if _, ok := g.lookupName(rest); !ok {
				continue
			}
		}
		if p, ok := g.lookupName(strings.Join(words[:n], " ")); ok {
			return p, true
		}
	}
	return Place{}, false
}

// lookupName resolves a place name or a postcode, as written.
func (g *Gazetteer) lookupName(q string) (Place, bool) {
	if i, ok := g.byKey[placeKey(q)]; ok {
		return g.places[i], true
	}
	if district, ok := postcodeDistrict(q); ok {
		if i, ok := g.byKey[placeKey(district)]; ok && g.places[i].Kind == PlacePostcodeDistrict {
			return g.places[i], true
		}
	}
	return Place{}, false
}

// placePrefixes are words people put before a place ("near Bootle").
var placePrefixes = []string{"near to ", "close to ", "near ", "nr ", "in ", "around ", "round "}

func stripPlacePrefix(q string) string {
	lower := strings.ToLower(q)
	for _, p := range placePrefixes {
		if strings.HasPrefix(lower, p) {
			return strings.TrimSpace(q[len(p):])
		}
	}
	return q
}

// regions are counties and countries people add after a place name; they
// narrow nothing the gazetteer does not already know.
var regions = map[string]bool{
	"merseyside": true, "lancashire": true, "cheshire": true, "greater manchester": true,
	"liverpool city region": true, "city region": true,
	"england": true, "wales": true, "scotland": true, "uk": true, "gb": true,
	"united kingdom": true, "great britain": true, "britain": true,
}

func isRegion(s string) bool {
	return regions[strings.ToLower(strings.Join(strings.Fields(strings.Trim(s, " ,.")), " "))]
}

// parsePoint reads "lat,lon" (spaces allowed around either number).
func parsePoint(q string) (Place, bool) {
	latText, lonText, found := strings.Cut(q, ",")
	if !found {
		return Place{}, false
	}
	lat, err := parseDegrees(latText, 90)
	if err != nil {
		return Place{}, false
	}
	lon, err := parseDegrees(lonText, 180)
	if err != nil {
		return Place{}, false
	}
	name := strconv.FormatFloat(lat, 'f', -1, 64) + "," + strconv.FormatFloat(lon, 'f', -1, 64)
	return Place{Name: name, Kind: PlacePoint, Lat: lat, Lon: lon}, true
}

// postcodeDistrict returns the outward code of a UK postcode or district
// ("L20 3AB" → "L20", "ch41" → "CH41"). It checks the shape only: one or two
// letters, a digit, then an optional digit or letter, then an optional
// inward code of a digit and two letters.
func postcodeDistrict(q string) (string, bool) {
	code := strings.ToUpper(strings.Join(strings.Fields(q), ""))
	if n := len(code); n >= 5 && isInwardCode(code[n-3:]) {
		code = code[:n-3]
	}
	if !isOutwardCode(code) {
		return "", false
	}
	return code, true
}

func isInwardCode(s string) bool {
	return len(s) == 3 && isDigit(s[0]) && isUpper(s[1]) && isUpper(s[2])
}

func isOutwardCode(s string) bool {
	i := 0
	for i < len(s) && i < 2 && isUpper(s[i]) {
		i++
	}
	if i == 0 || i >= len(s) || !isDigit(s[i]) {
		return false
	}
	rest := s[i+1:]
	return rest == "" || (len(rest) == 1 && (isDigit(rest[0]) || isUpper(rest[0])))
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// placeKey normalises a name for matching: lower case, letters and digits
// only, so "St. Helens", "st helens" and "ST HELENS" meet, as do
// "Newton-le-Willows" and "newton le willows". "Saint" as a word is read as
// "St", the way the region's place names are written.
func placeKey(s string) string {
	var b strings.Builder
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	for _, w := range words {
		if w == "saint" {
			w = "st"
		}
		b.WriteString(w)
	}
	return b.String()
}

// Suggest returns up to n places whose names are closest to q by edit
// distance (adjacent transpositions count as one edit, so "Bootel" finds
// Bootle), for a "Did you mean …?" prompt. Only names within a few edits are
// offered, fewer for short queries, so that nonsense gets no suggestion. A
// name that starts with a query of four or more letters ("Birken") is offered
// too, after the close misspellings. Ties go to towns before neighbourhoods
// before postcode districts, then to the name in alphabetical order.
func (g *Gazetteer) Suggest(q string, n int) []Place {
	q = stripPlacePrefix(strings.TrimSpace(q))
	if first, _, ok := strings.Cut(q, ","); ok {
		q = first
	}
	key := placeKey(q)
	if n <= 0 || key == "" || utf8.RuneCountInString(key) > maxQueryRunes {
		return nil
	}
	limit := suggestLimit(utf8.RuneCountInString(key))
	type candidate struct {
		place Place
		dist  int
	}
	var found []candidate
	prefixes := utf8.RuneCountInString(key) >= minPrefixRunes
	for i, p := range g.places {
		d := EditDistance(key, g.keys[i])
		switch {
		case d <= limit:
		case prefixes && strings.HasPrefix(g.keys[i], key):
			d = limit + 1 // a completion ranks after every misspelling
		default:
			continue
		}
		found = append(found, candidate{p, d})
	}
	sort.Slice(found, func(a, b int) bool {
		ca, cb := found[a], found[b]
		if ca.dist != cb.dist {
			return ca.dist < cb.dist
		}
		if ra, rb := kindRank(ca.place.Kind), kindRank(cb.place.Kind); ra != rb {
			return ra < rb
		}
		return ca.place.Name < cb.place.Name
	})
	if len(found) > n {
		found = found[:n]
	}
	out := make([]Place, len(found))
	for i, c := range found {
		out[i] = c.place
	}
	return out
}

// minPrefixRunes is the shortest query Suggest completes as a prefix;
// shorter ones ("L", "Bi") would match half the region.
const minPrefixRunes = 4

// suggestLimit is how many edits a suggestion may be from a query of the
// given length: one slip in a short word, up to three in a long one.
func suggestLimit(runes int) int {
	switch {
	case runes <= 4:
		return 1
	case runes <= 8:
		return 2
	default:
		return 3
	}
}

func kindRank(kind string) int {
	switch kind {
	case PlaceTown:
		return 0
	case PlaceNeighbourhood:
		return 1
	default:
		return 2
	}
}

// EditDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent letters each
// cost one. It works on runes so that accented names are measured fairly.
// Place names here and typed words in the engine are measured alike.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows suffice: the swap rule looks two rows back.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
