package directory

import (
	"iter"
	"net/url"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Duplicate detection finds listings that are probably one activity listed
// twice: the council's feed, the voluntary sector's feed and the group's own
// listing. A pair is a candidate when the names are alike once the usual
// variations are taken out, and the two share at least one strong signal: a
// full postcode, a phone number, an e-mail address, a web page or an
// organisation identifier such as a charity number.
//
// Finding them is near-linear: listings are grouped (blocked) by each strong
// signal value and only pairs inside a group are compared. Because every
// candidate must share a strong signal, blocking by the signals themselves
// loses nothing; a coarser block such as a postcode district would only add
// pairs that fail the test. A value shared by more than MaxBlock listings (a
// council switchboard, a national helpline, a shared community centre) says
// nothing about any one pair, so it is neither a block nor a signal.

// DuplicateOptions tune candidate finding; the zero value takes defaults.
type DuplicateOptions struct {
	// MaxBlock is the most listings that may share a value for it to count.
	MaxBlock int
	// MinName is the least name similarity (0–1) a candidate needs.
	MinName float64
}

// Defaults for DuplicateOptions.
const (
	DefaultMaxBlock = 20
	DefaultMinName  = 0.72
)

// SignalKind names a kind of strong shared signal.
type SignalKind string

// The strong signals.
const (
	SignalPostcode   SignalKind = "postcode"
	SignalPhone      SignalKind = "phone"
	SignalEmail      SignalKind = "email"
	SignalWebsite    SignalKind = "website"
	SignalIdentifier SignalKind = "identifier"
)

// Signal is one normalised value of one kind.
type Signal struct {
	Kind  SignalKind
	Value string
}

func (s Signal) key() string { return string(s.Kind) + ":" + s.Value }

// DuplicateCandidate is a pair of listings that may be one activity.
type DuplicateCandidate struct {
	A, B string // service ids, A < B
	// Name is how alike the normalised names are, 0–1.
	Name float64
	// Shared lists the strong signals the two have in common.
	Shared []Signal
	// Score orders candidates, best first: name likeness plus a little for
	// each further kind of signal.
	Score float64
}

// Key is the pair's stable key: the two ids in order.
func (c DuplicateCandidate) Key() string { return PairKey(c.A, c.B) }

// PairKey is the order-free key of two service ids.
func PairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "|" + b
}

// DuplicateFinder collects listings and then finds candidate pairs. Add keeps
// only what comparison needs, so 100k listings fit in little memory.
type DuplicateFinder struct {
	opts  DuplicateOptions
	items []dupItem
}

type dupItem struct {
	id      string
	grams   []uint32 // sorted, distinct character bigrams of the normalised name
	words   []string // sorted, distinct words of three letters or more of the normalised name
	signals []string // sorted, distinct signal keys
	// skip holds listings never to pair with, such as those already merged.
	skip bool
}

// NewDuplicateFinder returns an empty finder.
func NewDuplicateFinder(opts DuplicateOptions) *DuplicateFinder {
	if opts.MaxBlock <= 0 {
		opts.MaxBlock = DefaultMaxBlock
	}
	if opts.MinName <= 0 {
		opts.MinName = DefaultMinName
	}
	return &DuplicateFinder{opts: opts}
}

// Add records a listing. Listings merged into another are skipped: they are
// already dealt with.
func (f *DuplicateFinder) Add(s *Service) {
	name := NormalizeName(s.Name)
	it := dupItem{id: s.ID, grams: nameGrams(name), skip: s.SupersededBy != ""}
	for _, w := range strings.Fields(name) {
		if len([]rune(w)) >= 3 {
			it.words = append(it.words, w)
		}
	}
	sort.Strings(it.words)
	it.words = compactStrings(it.words)
	for _, sig := range ServiceSignals(s) {
		it.signals = append(it.signals, sig.key())
	}
	sort.Strings(it.signals)
	it.signals = compactStrings(it.signals)
	f.items = append(f.items, it)
}

// Candidates returns the candidate pairs, best first.
func (f *DuplicateFinder) Candidates() []DuplicateCandidate {
	blocks := map[string][]int32{}
	for i, it := range f.items {
		if it.skip {
			continue
		}
		for _, k := range it.signals {
			blocks[k] = append(blocks[k], int32(i))
		}
	}
	// A value too common to tell listings apart may still do so together
	// with a word of the name: one phone number of a busy organisation,
	// and the one "walking" activity among all it runs.
	narrowed := map[string][]int32{}
	for k, members := range blocks {
		if len(members) <= f.opts.MaxBlock {
			continue
		}
		for _, i := range members {
			for _, w := range f.items[i].words {
				nk := k + "#" + w
				narrowed[nk] = append(narrowed[nk], i)
			}
		}
	}
	// counts tells whether a shared value is a signal for the pair, and
	// whether only with a word of the name.
	counts := func(k string, a, b *dupItem) (ok, weak bool) {
		if len(blocks[k]) <= f.opts.MaxBlock {
			return true, false
		}
		for _, w := range intersectSorted(a.words, b.words) {
			if n := len(narrowed[k+"#"+w]); n <= f.opts.MaxBlock {
				return true, true
			}
		}
		return false, false
	}
	seen := map[uint64]struct{}{}
	var out []DuplicateCandidate
	for members := range all(blocks, narrowed) {
		if len(members) < 2 || len(members) > f.opts.MaxBlock {
			continue
		}
		for x := 0; x < len(members); x++ {
			for y := x + 1; y < len(members); y++ {
				i, j := members[x], members[y]
				pk := uint64(i)<<32 | uint64(uint32(j))
				if _, ok := seen[pk]; ok {
					continue
				}
				seen[pk] = struct{}{}
				a, b := &f.items[i], &f.items[j]
				sim := dice(a.grams, b.grams)
				// Cheap test first: even the most signals lower the bar
				// only so far.
				if sim < f.opts.MinName-maxNameRelief {
					continue
				}
				c := DuplicateCandidate{A: a.id, B: b.id, Name: sim}
				if c.B < c.A {
					c.A, c.B = c.B, c.A
				}
				common := intersectSorted(a.signals, b.signals)
				kinds := map[SignalKind]bool{}
				strong := false
				for _, k := range common {
					ok, weak := counts(k, a, b)
					if !ok {
						continue
					}
					strong = strong || !weak
					kind, val, _ := strings.Cut(k, ":")
					c.Shared = append(c.Shared, Signal{Kind: SignalKind(kind), Value: val})
					kinds[SignalKind(kind)] = true
				}
				// Two listings at different venues with different phone
				// numbers are two activities however alike their names
				// ("Walking Group" is run in every town), unless several
				// other signals say otherwise.
				if len(kinds) == 0 || conflicts(a.signals, b.signals, common) >= len(kinds) {
					continue
				}
				// Each further kind of signal lowers the bar for the name a
				// little: the same venue, phone and e-mail outweigh a typo
				// in a short name ("Yoga Club", "Yoga Culb").
				if sim < f.opts.MinName-min(maxNameRelief, nameRelief*float64(len(kinds)-1)) {
					continue
				}
				// A common value narrowed by a word is the weakest evidence:
				// alone it needs the names all but the same.
				if !strong && sim < weakMinName {
					continue
				}
				c.Score = sim + 0.1*float64(len(kinds))
				out = append(out, c)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Key() < out[j].Key()
	})
	return out
}

// How far each further kind of shared signal lowers the name bar, and the
// most it may.
const (
	nameRelief    = 0.06
	maxNameRelief = 0.18
	weakMinName   = 0.9
)

// nameStopWords are dropped wherever they stand: they change nothing about
// what an activity is.
var nameStopWords = map[string]bool{"the": true, "and": true, "a": true, "of": true, "for": true, "at": true, "in": true}

// nameSuffixes are dropped from the end of a name, repeatedly: "Bootle
// Walking Group" and "Bootle Walking" are one activity.
var nameSuffixes = map[string]bool{
	"group": true, "groups": true, "club": true, "clubs": true, "session": true, "sessions": true,
	"society": true, "association": true, "project": true, "meetup": true, "meet": true, "up": true,
	"network": true, "cic": true, "ltd": true, "limited": true, "charity": true, "team": true,
	"class": true, "classes": true, "circle": true, "service": true, "services": true,
}

// NormalizeName reduces an activity's name to the words that identify it:
// lower case, accents and punctuation gone ("Men's" is "mens"), "&" read as
// "and", little words such as "the" and "and" dropped, and trailing words
// such as "group", "club" or "session" dropped.
func NormalizeName(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == '.':
			// accents; apostrophes and full stops join ("men's", "st.").
		case r == '&' || r == '+':
			b.WriteString(" and ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	var words []string
	for _, w := range strings.Fields(b.String()) {
		if !nameStopWords[w] {
			words = append(words, w)
		}
	}
	for len(words) > 1 && nameSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// nameGrams returns the distinct character bigrams of a normalised name,
// spaces left out so that "walkinggroup" and "walking group" agree.
func nameGrams(s string) []uint32 {
	rs := []rune(strings.ReplaceAll(s, " ", ""))
	if len(rs) == 1 {
		return []uint32{uint32(rs[0])}
	}
	g := make([]uint32, 0, len(rs))
	for i := 0; i+1 < len(rs); i++ {
		g = append(g, uint32(rs[i])<<16^uint32(rs[i+1]))
	}
	sort.Slice(g, func(i, j int) bool { return g[i] < g[j] })
	out := g[:0]
	for i, v := range g {
		if i == 0 || v != g[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// NameSimilarity is how alike two names are once normalised: the Dice
// coefficient of their character bigrams, 1 for the same name.
func NameSimilarity(a, b string) float64 {
	return dice(nameGrams(NormalizeName(a)), nameGrams(NormalizeName(b)))
}

func dice(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// ServiceSignals returns the strong signals of a listing, normalised.
func ServiceSignals(s *Service) []Signal {
	var out []Signal
	add := func(k SignalKind, v string) {
		if v != "" {
			out = append(out, Signal{Kind: k, Value: v})
		}
	}
	phones := func(ps []Phone) {
		for _, p := range ps {
			add(SignalPhone, NormalizePhone(p.Number))
		}
	}
	phones(s.Phones)
	add(SignalEmail, normalizeContactEmail(s.Email))
	add(SignalWebsite, NormalizeWebsite(s.URL))
	for _, sal := range s.ServiceAtLocations {
		phones(sal.Phones)
		if l := sal.Location; l != nil {
			phones(l.Phones)
			for _, a := range l.Addresses {
				add(SignalPostcode, NormalizePostcode(a.PostalCode))
			}
		}
	}
	if o := s.Organization; o != nil {
		for _, id := range o.OrganizationIdentifiers {
			if v := strings.ToUpper(strings.Join(strings.Fields(id.Identifier), "")); v != "" {
				scheme := strings.ToUpper(strings.TrimSpace(id.IdentifierScheme))
				if scheme == "" {
					scheme = strings.ToUpper(strings.TrimSpace(id.IdentifierType))
				}
				add(SignalIdentifier, scheme+"/"+v)
			}
		}
	}
	return out
}

// NormalizePhone keeps a number's digits in UK national form: "+44 (0)151
// 496 0123", "0151-496-0123" and "01514960123" are one number. Extensions
// ("x12", "ext. 12") are dropped. Numbers too short to identify anyone give
// "".
func NormalizePhone(s string) string {
	lower := strings.ToLower(s)
	for _, cut := range []string{"ext", "x", "#"} {
		if i := strings.Index(lower, cut); i > 0 {
			lower = lower[:i]
		}
	}
	lower = strings.ReplaceAll(lower, "(0)", "")
	var d strings.Builder
	for _, r := range lower {
		if r >= '0' && r <= '9' {
			d.WriteRune(r)
		}
	}
	n := d.String()
	switch {
	case strings.HasPrefix(n, "0044"):
		n = "0" + n[4:]
	case strings.HasPrefix(n, "44") && len(n) == 12:
		n = "0" + n[2:]
	}
	if len(n) < 6 {
		return ""
	}
	return n
}

// normalizeContactEmail lower-cases an address and strips a "mailto:"; the
// domain and local part both count, so two addresses at one council do not
// match.
func normalizeContactEmail(s string) string {
	s = NormalizeEmail(s)
	s = strings.TrimPrefix(s, "mailto:")
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" {
		return ""
	}
	return local + "@" + domain
}

// NormalizeWebsite reduces a web address to host and path: scheme, "www.",
// query, fragment and a trailing slash do not tell pages apart.
func NormalizeWebsite(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	return host + strings.ToLower(strings.TrimRight(u.Path, "/"))
}

// NormalizePostcode upper-cases a UK postcode and drops its spaces; a
// partial postcode (a district alone) gives "", as it does not identify a
// building.
func NormalizePostcode(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) < 5 {
		return ""
	}
	return s
}

// all yields the members of every block of the maps.
func all(maps ...map[string][]int32) iter.Seq[[]int32] {
	return func(yield func([]int32) bool) {
		for _, m := range maps {
			for _, members := range m {
				if !yield(members) {
					return
				}
			}
		}
	}
}

// conflicts counts the kinds of place-bound signal (postcode, phone) that
// both listings have without any value in common.
func conflicts(a, b, common []string) int {
	n := 0
	for _, kind := range []SignalKind{SignalPostcode, SignalPhone} {
		p := string(kind) + ":"
		if hasPrefix(a, p) && hasPrefix(b, p) && !hasPrefix(common, p) {
			n++
		}
	}
	return n
}

func hasPrefix(keys []string, prefix string) bool {
	for _, k := range keys {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func intersectSorted(a, b []string) []string {
	var out []string
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return out
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
