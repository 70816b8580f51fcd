package directory

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The detectors of the identifier filter. They read normalised text as a
// sequence of tokens — words, numbers and the separators between them — so
// that "any run of spaces or punctuation is one separator" holds for every
// one of them.

type tokenKind uint8

const (
	sepToken tokenKind = iota
	wordToken
	numToken
)

// token is a run of letters, of digits, or of anything else. Combining
// marks belong to the token before them and are left out of its text, so
// a mark laid over a digit does not split a number.
type token struct {
	kind tokenKind
	text string
}

func runeKind(r rune) tokenKind {
	switch {
	case r >= '0' && r <= '9':
		return numToken
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		return wordToken
	}
	return sepToken
}

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) }

func tokenize(rs []rune) []token {
	var toks []token
	var b strings.Builder
	for i := 0; i < len(rs); {
		k := runeKind(rs[i])
		b.Reset()
		b.WriteRune(rs[i])
		j := i + 1
		for ; j < len(rs); j++ {
			if isMark(rs[j]) {
				continue
			}
			if runeKind(rs[j]) != k {
				break
			}
			b.WriteRune(rs[j])
		}
		toks = append(toks, token{kind: k, text: b.String()})
		i = j
	}
	return toks
}

// textScan is one piece of normalised text, read for identifiers.
type textScan struct {
	// plain is the normalised text with look-alike letters read as Latin,
	// for e-mail addresses and postcodes.
	plain string
	// words are the tokens of plain, for names.
	words []token
	// nums are the tokens with a letter O read as the zero it stands for
	// ("O7700 900123"), for numbers, dates and the labels before them.
	nums []token
	// clock and date mark the number tokens of nums that are part of a
	// time of day ("10:30") or a numeric date ("12/03/2025"): they are
	// not part of a longer number.
	clock, date []bool
}

func newTextScan(normalised string) *textScan {
	folded := strings.Map(latinLookalike, normalised)
	rs := []rune(folded)
	sc := &textScan{plain: folded, words: tokenize(rs), nums: tokenize(zerosForOs(rs))}
	sc.clock = make([]bool, len(sc.nums))
	sc.date = make([]bool, len(sc.nums))
	sc.markClockAndDates()
	return sc
}

// lookalikes are the Cyrillic and Greek letters drawn like Latin ones. The
// filter reads them as the Latin letter, so "L20 3АВ" with a Cyrillic А and
// В is still a postcode; the text kept is not changed.
var lookalikes = map[rune]rune{
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C',
	'Т': 'T', 'Х': 'X', 'У': 'Y', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S', 'а': 'a', 'е': 'e', 'о': 'o',
	'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'һ': 'h', 'ԁ': 'd',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N',
	'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'ο': 'o', 'ν': 'v',
}

func latinLookalike(r rune) rune {
	if l, ok := lookalikes[r]; ok {
		return l
	}
	return r
}

// zerosForOs reads a letter O as a zero where it stands among digits: inside
// a number ("9OO 123"), or at its edge when no letter is glued on that side
// ("O7700"). An O that starts or ends a word stays a letter: "nhsno943…",
// "PO1", "3Oct".
func zerosForOs(rs []rune) []rune {
	out := make([]rune, len(rs))
	copy(out, rs)
	isO := func(r rune) bool { return r == 'O' || r == 'o' }
	isDigit := func(r rune) bool { return r >= '0' && r <= '9' }
	for i := 0; i < len(rs); {
		if !isO(rs[i]) && !isDigit(rs[i]) {
			i++
			continue
		}
		j, first, last := i, -1, -1
		for ; j < len(rs) && (isO(rs[j]) || isDigit(rs[j])); j++ {
			if isDigit(rs[j]) {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first >= 0 {
			letterBefore := i > 0 && unicode.IsLetter(rs[i-1])
			letterAfter := j < len(rs) && unicode.IsLetter(rs[j])
			for k := i; k < j; k++ {
				if isO(rs[k]) && ((k > first && k < last) || (k < first && !letterBefore) || (k > last && !letterAfter)) {
					out[k] = '0'
				}
			}
		}
		i = j
	}
	return out
}

// numAt reports whether nums[i] is a number token.
func (sc *textScan) numAt(i int) bool {
	return i >= 0 && i < len(sc.nums) && sc.nums[i].kind == numToken
}

// sepAt is the separator at nums[i], or "" when there is none.
func (sc *textScan) sepAt(i int) (string, bool) {
	if i < 0 || i >= len(sc.nums) || sc.nums[i].kind != sepToken {
		return "", false
	}
	return sc.nums[i].text, true
}

// maxSep is the longest run of spaces and punctuation that still joins two
// parts of one number, date or postcode: "943 476", "943 -- 476",
// "+44 (0)20". A word always ends a number, whatever the separators.
const maxSep = 5

// shortSep reports whether nums[i] is a separator short enough to join two
// parts of one number or date.
func (sc *textScan) shortSep(i int) bool {
	s, ok := sc.sepAt(i)
	return ok && utf8.RuneCountInString(s) <= maxSep
}

// chained reports whether the number at i continues, through separator s,
// into another number on the side given by dir (-1 before, +1 after).
func (sc *textScan) chained(i, dir int, s string) bool {
	t, ok := sc.sepAt(i + dir)
	return ok && t == s && sc.numAt(i+2*dir)
}

// markClockAndDates finds times of day ("10:30", "9.15") and numeric dates
// written with one separator ("12/03/2025", "1-2-80"). A longer chain with
// the same separator ("943:476:5919") is neither.
func (sc *textScan) markClockAndDates() {
	for i := range sc.nums {
		if !sc.numAt(i) {
			continue
		}
		s, _ := sc.sepAt(i + 1)
		if !sc.numAt(i+2) || sc.chained(i, -1, s) {
			continue
		}
		h, m := sc.nums[i].text, sc.nums[i+2].text
		if (s == ":" || s == ".") && len(h) <= 2 && atoi(h) <= 24 && len(m) == 2 && atoi(m) <= 59 && !sc.chained(i+2, 1, s) {
			sc.clock[i], sc.clock[i+2] = true, true
			continue
		}
		if (s == "/" || s == "-" || s == ".") && sc.chained(i+2, 1, s) && !sc.chained(i+4, 1, s) {
			if fullNumericDate(h, m, sc.nums[i+4].text) {
				sc.date[i], sc.date[i+2], sc.date[i+4] = true, true, true
			}
		}
	}
}

func atoi(s string) int {
	if len(s) > 9 {
		return 1 << 30
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 1 << 30
	}
	return n
}

func isDay(s string) bool   { return len(s) <= 2 && atoi(s) >= 1 && atoi(s) <= 31 }
func isMonth(s string) bool { return len(s) <= 2 && atoi(s) >= 1 && atoi(s) <= 12 }

// isYear accepts a two-digit year, or a four-digit one from 1900 to 2099.
func isYear(s string) bool {
	return len(s) == 2 || (len(s) == 4 && atoi(s) >= 1900 && atoi(s) <= 2099)
}

// fullNumericDate reports whether a, b, c are a day, month and year in
// British, American or ISO order.
func fullNumericDate(a, b, c string) bool {
	return (isDay(a) && isMonth(b) && isYear(c)) ||
		(isMonth(a) && isDay(b) && isYear(c)) ||
		(len(a) == 4 && isYear(a) && isMonth(b) && isDay(c))
}

// numbers reports whether the text holds an NHS number or a UK phone
// number. Both are runs of digit groups joined by short separators, read
// as one number whatever the grouping: "943 476 5919", "943_476_5919",
// "07700,900,123". Digits inside a group are never split, so a longer
// number ("19434765919") is not mistaken for a shorter one; a word, a time
// of day or a numeric date ends a run, so "Bus 53, 10:30, room 12" holds
// no long number.
func (sc *textScan) numbers() (nhs, phone bool) {
	labelled := sc.hasNHSLabel()
	type group struct {
		digits string
		plus   bool // written with a leading '+'
	}
	var run []group
	check := func() {
		if len(run) == 0 {
			return
		}
		// Phone numbers first: "+44 7700 900123" holds ten digits that
		// could pass the NHS check, but is a phone number.
		type span struct{ a, b int }
		var phones []span
		for a := range run {
			digits := ""
			for b := a; b < len(run) && len(digits) <= 14; b++ {
				digits += run[b].digits
				cand := digits
				if run[a].plus {
					cand = "+" + digits
				}
				if isUKPhone(cand) {
					phones = append(phones, span{a, b})
					phone = true
				}
			}
		}
		// A run written with a leading '+' is an international number.
		if run[0].plus {
			return
		}
		for a := range run {
			digits := ""
			for b := a; b < len(run) && len(digits) < 10; b++ {
				digits += run[b].digits
				if len(digits) != 10 {
					continue
				}
				inPhone := false
				for _, p := range phones {
					inPhone = inPhone || (p.a <= a && b <= p.b)
				}
				if !inPhone && (labelled || isNHSNumber(digits)) {
					nhs = true
				}
			}
		}
	}
	for i, t := range sc.nums {
		switch {
		case t.kind == numToken && !sc.clock[i] && !sc.date[i]:
			s, _ := sc.sepAt(i - 1)
			run = append(run, group{digits: t.text, plus: strings.HasSuffix(s, "+") || strings.HasSuffix(s, "+(")})
		case t.kind == sepToken && sc.shortSep(i) && len(run) > 0:
			// joins the run to the next group, if one follows
		default:
			check()
			run = nil
		}
	}
	check()
	return nhs, phone
}

// hasNHSLabel reports whether the text names an NHS number: "NHS",
// "nhsno…", "N.H.S.". After it, any ten digits are refused whatever their
// check digit, since the writer has said what they are.
func (sc *textScan) hasNHSLabel() bool {
	for i, t := range sc.nums {
		if t.kind == wordToken && strings.Contains(strings.ToLower(t.text), "nhs") {
			return true
		}
		if sc.lettersAt(i, "n", "h", "s") {
			return true
		}
	}
	return false
}

// lettersAt reports whether nums from i spells letters one at a time,
// with short separators between: "N.H.S", "d o b".
func (sc *textScan) lettersAt(i int, letters ...string) bool {
	for n, l := range letters {
		j := i + 2*n
		if j >= len(sc.nums) || sc.nums[j].kind != wordToken || strings.ToLower(sc.nums[j].text) != l {
			return false
		}
		if n > 0 {
			if s, ok := sc.sepAt(j - 1); !ok || utf8.RuneCountInString(s) > 2 {
				return false
			}
		}
	}
	return true
}

// isNHSNumber reports whether digits is ten digits whose last is the
// modulus 11 check digit of the first nine (weights 10 down to 2). Ten
// digits that fail the check are not an NHS number and are allowed,
// unless the text says they are one.
func isNHSNumber(digits string) bool {
	if len(digits) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(digits[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		check = 0
	case 10:
		return false // no NHS number is issued with this remainder
	}
	return int(digits[9]-'0') == check
}

// isUKPhone reports whether digits is a UK phone number: national format
// (0 then ten digits, the second not 0) or international (+44, 0044 or a
// bare 44, an optional 0 written in brackets, then nine or ten digits).
// Ten-digit national numbers are rare and mostly freephone lines of
// services, and treating them as phones would refuse ordinary ten-digit
// references, so they pass.
func isUKPhone(digits string) bool {
	var rest string
	switch {
	case strings.HasPrefix(digits, "+44"):
		rest = digits[3:]
	case strings.HasPrefix(digits, "0044"):
		rest = digits[4:]
	case strings.HasPrefix(digits, "+"):
		return false
	case strings.HasPrefix(digits, "44") && len(digits) >= 12:
		rest = digits[2:]
	default:
		return len(digits) == 11 && digits[0] == '0' && digits[1] != '0'
	}
	if len(rest) == 11 && rest[0] == '0' {
		rest = rest[1:] // "+44 (0)20 …"
	}
	return (len(rest) == 9 || len(rest) == 10) && rest[0] != '0'
}

// Dates.

var monthNames = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

func (sc *textScan) monthAt(i int) bool {
	return i >= 0 && i < len(sc.nums) && sc.nums[i].kind == wordToken && monthNames[strings.ToLower(sc.nums[i].text)]
}

// dateParts says which parts of a date were found.
type dateParts struct{ day, month, year bool }

func (p dateParts) full() bool { return p.day && p.month && p.year }

// freeNum reports whether nums[i] is a number that is not part of a time
// of day.
func (sc *textScan) freeNum(i int) bool { return sc.numAt(i) && !sc.clock[i] }

// yearAt reports whether nums[i] is a year standing alone: not glued to
// letters after it ("10am").
func (sc *textScan) yearAt(i int) bool {
	return sc.freeNum(i) && isYear(sc.nums[i].text) && !(i+1 < len(sc.nums) && sc.nums[i+1].kind == wordToken)
}

// dayAt reports whether nums[i] is a day of the month, and returns the
// index after it and any ordinal ("3rd").
func (sc *textScan) dayAt(i int) (int, bool) {
	if !sc.freeNum(i) || !isDay(sc.nums[i].text) {
		return i, false
	}
	i++
	if i < len(sc.nums) && sc.nums[i].kind == wordToken {
		switch strings.ToLower(sc.nums[i].text) {
		case "st", "nd", "rd", "th":
			i++
		default:
			return i, false // glued to a word: "10am", "2x"
		}
	}
	return i, true
}

// skipSep steps over a short separator at i, if there is one.
func (sc *textScan) skipSep(i int) int {
	if sc.shortSep(i) {
		return i + 1
	}
	return i
}

// dateAt reads a date starting at nums[i]: numeric ("3/3/1950", "03 03
// 50", "1950-03-03", "03031950"), written out ("3rd of March 1950", "March
// 3, 1950", "Mar 50") or a year alone ("1950"), and says which parts it
// holds.
func (sc *textScan) dateAt(i int) dateParts {
	var p dateParts
	switch {
	case sc.monthAt(i):
		// March 3, 1950 · March 1950 · March 3
		p.month = true
		j := sc.skipSep(i + 1)
		if k, ok := sc.dayAt(j); ok {
			p.day = true
			j = sc.skipSep(k)
		}
		p.year = sc.yearAt(j)
		return p
	case !sc.freeNum(i):
		return p
	}
	// 3rd of March 1950 · 3 Mar 50
	if k, ok := sc.dayAt(i); ok {
		j := sc.skipSep(k)
		if j < len(sc.nums) && strings.ToLower(sc.nums[j].text) == "of" {
			j = sc.skipSep(j + 1)
		}
		if sc.monthAt(j) {
			return dateParts{day: true, month: true, year: sc.yearAt(sc.skipSep(j + 1))}
		}
	}
	// Numeric: up to three groups joined by short separators. A comma
	// makes a list ("weeks 8, 9, 10"), not a date.
	var g []string
	for j := i; sc.freeNum(j) && len(g) < 3; j += 2 {
		g = append(g, sc.nums[j].text)
		if s, _ := sc.sepAt(j + 1); !sc.shortSep(j+1) || strings.ContainsAny(s, ",;") {
			break
		}
	}
	switch {
	case len(g) == 3 && fullNumericDate(g[0], g[1], g[2]):
		return dateParts{day: true, month: true, year: true}
	case len(g) >= 2 && ((isDay(g[0]) && isMonth(g[1])) || (isMonth(g[0]) && isDay(g[1]))):
		return dateParts{day: true, month: true}
	case len(g) >= 2 && isMonth(g[0]) && len(g[1]) == 4 && isYear(g[1]):
		return dateParts{month: true, year: true}
	case len(g[0]) == 8 && fullNumericDate(g[0][:2], g[0][2:4], g[0][4:]):
		return dateParts{day: true, month: true, year: true}
	case len(g[0]) == 4 && isYear(g[0]):
		return dateParts{year: true}
	}
	return p
}

// hasFullDate reports whether the text holds a day, month and year
// anywhere.
func (sc *textScan) hasFullDate() bool {
	for i := range sc.nums {
		if sc.dateAt(i).full() {
			return true
		}
	}
	return false
}

// dobFillers are the words that may stand between a date-of-birth label and
// the date: "born on", "DOB is", "date of birth: dd/mm/yyyy".
var dobFillers = map[string]bool{
	"on": true, "in": true, "of": true, "is": true, "was": true, "the": true, "at": true,
	"date": true, "dd": true, "mm": true, "yy": true, "yyyy": true, "ddmmyyyy": true,
}

// hasDateOfBirth reports a date of birth: "DOB", "d.o.b.", "date of birth"
// followed by anything like a date, or "born" followed by a date.
func (sc *textScan) hasDateOfBirth() bool {
	for i, t := range sc.nums {
		next, born := -1, false
		w := strings.ToLower(t.text)
		switch {
		case t.kind != wordToken:
			continue
		case w == "dob" || w == "dateofbirth" || w == "birthdate":
			next = i + 1
		case w == "born":
			next, born = i+1, true
		case sc.lettersAt(i, "d", "o", "b"):
			next = i + 5
		case w == "date" && sc.wordsAt(i, "date", "of", "birth"):
			next = i + 5
		default:
			continue
		}
		// Step over separators and a few filler words.
		for n := 0; next < len(sc.nums) && n < 8; n++ {
			t := sc.nums[next]
			if t.kind == sepToken || (t.kind == wordToken && dobFillers[strings.ToLower(t.text)]) {
				next++
				continue
			}
			break
		}
		if next >= len(sc.nums) {
			continue
		}
		if !born && (sc.numAt(next) || sc.monthAt(next)) {
			return true
		}
		if p := sc.dateAt(next); born && (p.year || (p.day && p.month)) {
			return true
		}
	}
	return false
}

// wordsAt reports whether nums from i holds words, separated by
// separators.
func (sc *textScan) wordsAt(i int, words ...string) bool {
	for n, w := range words {
		j := i + 2*n
		if j >= len(sc.nums) || sc.nums[j].kind != wordToken || strings.ToLower(sc.nums[j].text) != w {
			return false
		}
		if n > 0 && sc.nums[j-1].kind != sepToken {
			return false
		}
	}
	return true
}

// Names.

// titles are the forms of address that, followed by a full name, name a
// person.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true,
	"rev": true, "revd": true, "sir": true, "dame": true, "lady": true, "lord": true,
	"mister": true, "master": true, "madam": true, "madame": true, "mstr": true,
}

// notNames are capitalised words that follow a title and an initial in an
// ordinary reference ("Mrs K Tuesday", "Mr P Walking Group") and are not
// surnames.
var notNames = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "weds": true, "thu": true, "thur": true, "thurs": true,
	"fri": true, "sat": true, "sun": true,
	"january": true, "february": true, "march": true, "july": true, "september": true, "october": true,
	"november": true, "december": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true,
	"jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"am": true, "pm": true, "morning": true, "afternoon": true, "evening": true, "night": true,
	"today": true, "tomorrow": true, "week": true, "weeks": true, "weekly": true, "fortnightly": true,
	"group": true, "groups": true, "room": true, "ward": true, "floor": true, "team": true, "class": true,
	"session": true, "sessions": true, "club": true, "cafe": true, "café": true, "coffee": true,
	"walk": true, "walking": true, "garden": true, "gardening": true, "art": true, "arts": true,
	"craft": true, "crafts": true, "music": true, "singing": true, "choir": true, "yoga": true,
	"swim": true, "swimming": true, "library": true, "centre": true, "center": true, "hall": true,
	"church": true, "surgery": true, "clinic": true, "practice": true, "hospital": true,
	"referral": true, "review": true, "follow": true, "appt": true, "appointment": true,
	"ref": true, "gp": true, "nhs": true, "and": true, "or": true, "at": true, "on": true, "in": true,
	"to": true, "the": true, "for": true, "with": true, "from": true, "via": true, "new": true,
	"first": true, "second": true, "third": true, "next": true, "last": true, "visit": true, "call": true,
}

// hasTitledName reports a title followed by a capitalised full name: at
// least two name parts, the last of them a word ("Mrs Kathleen Jones", "Mr
// J Smith", "Dr A. O'Brien-Lee"). A title with an initial ("Mrs K,
// Tuesday") or with one name ("Mrs Kathleen") passes: that is how a link
// worker is asked to refer to a person.
func (sc *textScan) hasTitledName() bool {
	toks := sc.words
	for i, t := range toks {
		if t.kind != wordToken || !titles[strings.ToLower(t.text)] {
			continue
		}
		j := i + 1
		if j < len(toks) && toks[j].kind == sepToken {
			if !nameSep(toks[j].text) {
				continue
			}
			j++
		}
		// A name has a few parts; looking no further keeps a long run of
		// capitals from being read again after every title in it.
		for parts := 0; parts < 6 && j < len(toks) && toks[j].kind == wordToken; {
			first := toks[j].text
			r, _ := utf8.DecodeRuneInString(first)
			// Another title starts another name: "Mr and Mrs…", "Mrs K Mr P".
			if lw := strings.ToLower(first); !unicode.IsUpper(r) && !unicode.IsTitle(r) || notNames[lw] || titles[lw] {
				break
			}
			// Letters glued to digits are a code ("Mrs K SW1A 1AA"), and a
			// short word in capitals after a title that is not in capitals
			// an acronym ("Mrs K BSL", "Mrs K COPD group").
			if n := utf8.RuneCountInString(first); j+1 < len(toks) && toks[j+1].kind == numToken ||
				(!allCaps(t.text) && allCaps(first) && n > 1 && n <= 4) {
				break
			}
			// O'Brien, Smith-Jones: one part.
			n := utf8.RuneCountInString(first)
			for pieces := 1; pieces < 4 && j+2 < len(toks) && toks[j+1].kind == sepToken && nameJoiner(toks[j+1].text) && toks[j+2].kind == wordToken; pieces++ {
				j += 2
				n += utf8.RuneCountInString(toks[j].text)
			}
			parts++
			if parts >= 2 && n >= 2 {
				return true
			}
			j++
			if j < len(toks) && toks[j].kind == sepToken && nameSep(toks[j].text) {
				j++
				continue
			}
			break
		}
	}
	return false
}

func allCaps(s string) bool { return strings.ToUpper(s) == s && strings.ToLower(s) != s }

// nameSep is what stands between a title and a name, or two parts of a
// name: a space, or a full stop after an initial.
func nameSep(s string) bool { return s == " " || s == "." || s == ". " }

func nameJoiner(s string) bool { return s == "-" || s == "'" || s == "’" || s == "‐" }

// E-mail addresses.

var (
	// emailPattern finds something shaped like an address: a local part,
	// an at ('@', "(at)", " at "), and a domain of labels joined by dots
	// ('.', "(dot)", " dot "). Whether it is one is emailShaped's to say.
	emailPattern = regexp.MustCompile(`([\p{L}\p{N}._%+-]+)(\s*@\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+)` +
		`([\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:(?:\.|\s+\.\s*|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+)`)
	emailDot = regexp.MustCompile(`\.|\s+\.\s*|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+`)
)

// commonTLDs are the top-level domains an address written out in words
// ("jo at example dot com") is recognised by. An address written plainly
// ("jo@example.scot") needs none of them.
var commonTLDs = map[string]bool{
	"com": true, "org": true, "net": true, "uk": true, "co": true, "gov": true, "nhs": true, "ac": true,
	"edu": true, "info": true, "biz": true, "io": true, "me": true, "scot": true, "wales": true,
	"cymru": true, "london": true, "email": true, "online": true, "ie": true, "eu": true, "de": true,
	"fr": true, "es": true, "it": true, "nl": true, "us": true, "ca": true, "au": true, "nz": true,
	"in": true, "pl": true, "ro": true, "pt": true, "app": true, "dev": true, "mail": true, "live": true,
	"page": true, "xyz": true,
}

// hasEmail reports an e-mail address: "jo@example.com", "jo @ example.com",
// "jo(at)example.com", "jo＠example.com", "jo@example dot com", "jo at
// example dot com". An '@' among words ("group @ the library") is not one.
func (sc *textScan) hasEmail() bool {
	lower := strings.ToLower(sc.plain)
	for _, m := range emailPattern.FindAllStringSubmatch(lower, -1) {
		at, domain := m[2], m[3]
		labels := emailDot.Split(domain, -1)
		// Written plainly, with no spaces or words: any top-level domain.
		if at == "@" && !strings.ContainsAny(domain, " ()[]{}<>") {
			tld := labels[len(labels)-1]
			if utf8.RuneCountInString(tld) >= 2 && strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
				return true
			}
		}
		// Written with spaces or in words: only a well-known top-level
		// domain says it is an address ("meet at St.Helens" is not).
		for _, l := range labels[1:] {
			if commonTLDs[l] {
				return true
			}
		}
	}
	return false
}

// Postcodes.

var postcodePattern = regexp.MustCompile(`(?i)` +
	// Outward code: A9, A99, AA9, AA99, A9A, AA9A.
	`([A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)|GIR)` +
	// Any separator, or none.
	`([^\p{L}\p{N}]{0,` + strconv.Itoa(maxSep) + `})` +
	// Inward code: a digit and two letters never confused with others.
	`([0-9][ABD-HJLNP-UW-Z]{2})` +
	`(?:[^\p{L}\p{N}]|$)`)

// ordinalInward are inward codes that are ordinals when written in lower
// case after a space: "B12 3rd floor", "Room 2, 2nd floor".
var ordinalInward = regexp.MustCompile(`^(1st|2nd|3rd|[0-9]th)$`)

// hasPostcode reports a full UK postcode, with any separator or none
// between its halves, even glued to a word before it ("flatL203AB"). An
// outward code alone ("L20") names a district and passes.
func (sc *textScan) hasPostcode() bool {
	for _, m := range postcodePattern.FindAllStringSubmatch(sc.plain, -1) {
		if strings.EqualFold(m[1], "GIR") && !strings.EqualFold(m[3], "0AA") {
			continue
		}
		if m[2] != "" && ordinalInward.MatchString(m[3]) {
			continue
		}
		return true
	}
	return false
}
