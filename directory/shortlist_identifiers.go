package directory

import (
	"regexp"
	"strings"
)

// Signpost keeps no personal data about the people a shortlist is for. A
// link worker's reference and notes are free text, so they are checked for
// the identifiers people most often type by habit: an NHS number, an e-mail
// address, a full postcode and a phone number. Names and street addresses
// cannot be told from ordinary words reliably; the forms warn about those in
// words instead.

// IdentifierKind names a kind of personal identifier.
type IdentifierKind string

// The identifiers that shortlist text refuses.
const (
	IdentifierNHSNumber IdentifierKind = "nhs-number"
	IdentifierEmail     IdentifierKind = "email"
	IdentifierPostcode  IdentifierKind = "postcode"
	IdentifierPhone     IdentifierKind = "phone"
)

// describe is how a reason names the kind to a person.
func (k IdentifierKind) describe() string {
	switch k {
	case IdentifierNHSNumber:
		return "an NHS number"
	case IdentifierEmail:
		return "an e-mail address"
	case IdentifierPostcode:
		return "a full postcode"
	case IdentifierPhone:
		return "a phone number"
	}
	return "personal information"
}

// FindIdentifier reports the first kind of personal identifier text seems
// to hold, and false when it holds none.
func FindIdentifier(text string) (IdentifierKind, bool) {
	// NHS numbers and phone numbers are both runs of digits; the NHS check
	// comes first so that a valid NHS number is named as one.
	for _, digits := range digitCandidates(text) {
		if isNHSNumber(digits) {
			return IdentifierNHSNumber, true
		}
	}
	if emailPattern.MatchString(text) {
		return IdentifierEmail, true
	}
	if postcodePattern.MatchString(text) {
		return IdentifierPostcode, true
	}
	for _, digits := range digitCandidates(text) {
		if isUKPhone(digits) {
			return IdentifierPhone, true
		}
	}
	return "", false
}

// identifierReason is the plain sentence a form shows when field (a
// shortlist's reference or an item's note) holds an identifier of kind k.
func identifierReason(k IdentifierKind, example string) string {
	return "This looks like " + k.describe() + ". Please use something that doesn't identify the person, like '" + example + "'."
}

var (
	// emailPattern is deliberately loose: anything@anything.tld is refused,
	// since a false alarm costs a retype and a miss costs privacy.
	emailPattern = regexp.MustCompile(`[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}`)

	// postcodePattern matches a full UK postcode (outward and inward code,
	// the space optional), including the special GIR 0AA. An outward code
	// alone ("SW1A") names a district, not a home, and is allowed.
	postcodePattern = regexp.MustCompile(`(?i)(^|[^A-Za-z0-9])([A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)($|[^A-Za-z0-9])`)
)

// digitCandidates returns the numbers text might hold, as bare digit strings
// with a leading "+" kept. People write numbers in groups ("943 476 5919",
// "07700-900 123", "+44 (0)20 7946 0000"), so every run of consecutive
// digit groups separated only by spaces, hyphens, dots, slashes or brackets
// is a candidate, starting at every group: a longer run may hold two numbers
// side by side. Digits inside a longer group are never split, so "ref
// 12345678901234" is not mistaken for anything.
func digitCandidates(text string) []string {
	type group struct {
		digits string
		plus   bool // the group was written with a leading "+"
	}
	var runs [][]group
	var run []group
	flush := func() {
		if len(run) > 0 {
			runs = append(runs, run)
			run = nil
		}
	}
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case r >= '0' && r <= '9':
			j := i
			for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
				j++
			}
			// A group glued to letters ("B12") is part of a word, not a
			// number: it breaks the run.
			if (i > 0 && isLetter(rs[i-1])) || (j < len(rs) && isLetter(rs[j])) {
				flush()
			} else {
				run = append(run, group{digits: string(rs[i:j]), plus: i > 0 && rs[i-1] == '+'})
			}
			i = j
		case strings.ContainsRune(" \t-./()+\u00a0", r):
			i++
		default:
			flush()
			i++
		}
	}
	flush()

	var out []string
	for _, run := range runs {
		for start := range run {
			var b strings.Builder
			if run[start].plus {
				b.WriteByte('+')
			}
			for end := start; end < len(run) && b.Len() <= 16; end++ {
				b.WriteString(run[end].digits)
				out = append(out, b.String())
			}
		}
	}
	return out
}

func isLetter(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
}

// isNHSNumber reports whether digits is ten digits whose last is the
// modulus 11 check digit of the first nine (weights 10 down to 2). Ten
// digits that fail the check are not an NHS number and are allowed.
func isNHSNumber(digits string) bool {
	if len(digits) != 10 || strings.HasPrefix(digits, "+") {
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
// (0 then ten digits, the second not 0) or international (+44 or 0044, an
// optional 0 written in brackets, then nine or ten digits). Ten-digit
// national numbers are rare and mostly freephone lines of services, and
// treating them as phones would refuse ordinary ten-digit references, so
// they pass.
func isUKPhone(digits string) bool {
	var rest string
	switch {
	case strings.HasPrefix(digits, "+44"):
		rest = digits[3:]
	case strings.HasPrefix(digits, "0044"):
		rest = digits[4:]
	case strings.HasPrefix(digits, "+"):
		return false
	default:
		return len(digits) == 11 && digits[0] == '0' && digits[1] != '0'
	}
	if len(rest) == 11 && rest[0] == '0' {
		rest = rest[1:] // "+44 (0)20 …"
	}
	return (len(rest) == 9 || len(rest) == 10) && rest[0] != '0'
}
