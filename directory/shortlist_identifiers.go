package directory

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Signpost keeps no personal data about the people a shortlist is for. A
// link worker's reference and notes are free text, so every place that
// stores free text about a person's list runs it through one filter,
// IdentifierProblems, which refuses what identifies a person: an NHS
// number, an e-mail address, a full postcode, a phone number, a date of
// birth, a title with a full name and, in a reference, any full date.
//
// The filter reads a normalised copy of the text (NormalizeText), so the
// tricks that make a number look different to a program but not to a
// person — full-width or Arabic-Indic digits, zero-width spaces, soft
// hyphens, thin spaces, odd separators, a letter O for a zero — change
// nothing. A false alarm costs a retype; a miss costs someone's privacy,
// so where the two pull apart the filter leans towards refusing.

// IdentifierKind names a kind of personal identifier.
type IdentifierKind string

// The identifiers that shortlist text refuses, in the order a refusal
// names them.
const (
	IdentifierName        IdentifierKind = "name"
	IdentifierDateOfBirth IdentifierKind = "date-of-birth"
	IdentifierNHSNumber   IdentifierKind = "nhs-number"
	IdentifierPhone       IdentifierKind = "phone"
	IdentifierEmail       IdentifierKind = "email"
	IdentifierPostcode    IdentifierKind = "postcode"
	// IdentifierDate is any full date (day, month and year). It is refused
	// in a reference only: a note may say when an activity starts.
	IdentifierDate IdentifierKind = "date"
)

var identifierOrder = []IdentifierKind{
	IdentifierName, IdentifierDateOfBirth, IdentifierNHSNumber, IdentifierPhone,
	IdentifierEmail, IdentifierPostcode, IdentifierDate,
}

// describe is how a refusal names the kind to a person.
func (k IdentifierKind) describe() string {
	switch k {
	case IdentifierName:
		return "a person’s full name"
	case IdentifierDateOfBirth:
		return "a date of birth"
	case IdentifierNHSNumber:
		return "an NHS number"
	case IdentifierPhone:
		return "a phone number"
	case IdentifierEmail:
		return "an e-mail address"
	case IdentifierPostcode:
		return "a full postcode"
	case IdentifierDate:
		return "a full date"
	}
	return "personal information"
}

// allowed is what a person may write instead, for the kinds where part of
// the thing is fine.
func (k IdentifierKind) allowed() string {
	switch k {
	case IdentifierName:
		return "A title and an initial, like ‘Mrs K’, is fine."
	case IdentifierPostcode:
		return "A postcode district alone, like ‘L20’, is fine."
	case IdentifierDate:
		return "A day of the week, like ‘Tuesday’, is fine."
	}
	return ""
}

// TextUse says what a piece of free text about a person's list is for.
type TextUse int

const (
	// NoteText is a note on an item, or any other free text kept with a
	// list (a follow-up answer, say).
	NoteText TextUse = iota
	// ReferenceText is a list's reference: it names the list wherever the
	// list is shown, so it refuses any full date as well.
	ReferenceText
)

// IdentifierProblems is the filter every place that stores free text about
// a person's list runs: it reports one problem at path naming, in plain
// words, each identifier text holds and asking for it to be removed, or
// nothing when there is none.
func IdentifierProblems(path, text string, use TextUse) Problems {
	kinds := FindIdentifiers(text, use)
	if len(kinds) == 0 {
		return nil
	}
	return Problems{{Path: path, Message: IdentifierMessage(kinds)}}
}

// IdentifierMessage is the sentence a form shows beside a field holding
// identifiers of kinds: "This looks like an NHS number. Remove it — a
// shortlist must not identify the person."
func IdentifierMessage(kinds []IdentifierKind) string {
	var names []string
	var allowed []string
	for _, k := range kinds {
		names = append(names, k.describe())
		if a := k.allowed(); a != "" {
			allowed = append(allowed, a)
		}
	}
	var b strings.Builder
	b.WriteString("This looks like ")
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	if len(kinds) == 1 {
		b.WriteString(". Remove it")
	} else {
		b.WriteString(". Remove them")
	}
	b.WriteString(" — a shortlist must not identify the person.")
	for _, a := range allowed {
		b.WriteString(" ")
		b.WriteString(a)
	}
	return b.String()
}

// FindIdentifiers reports the kinds of personal identifier text seems to
// hold, in a fixed order, and nothing when it holds none.
func FindIdentifiers(text string, use TextUse) []IdentifierKind {
	sc := newTextScan(NormalizeText(text))
	found := map[IdentifierKind]bool{
		IdentifierName:        sc.hasTitledName(),
		IdentifierDateOfBirth: sc.hasDateOfBirth(),
		IdentifierEmail:       sc.hasEmail(),
		IdentifierPostcode:    sc.hasPostcode(),
	}
	found[IdentifierNHSNumber], found[IdentifierPhone] = sc.numbers()
	// A date of birth is a full date too; naming it twice would read oddly.
	found[IdentifierDate] = use == ReferenceText && !found[IdentifierDateOfBirth] && sc.hasFullDate()
	var out []IdentifierKind
	for _, k := range identifierOrder {
		if found[k] {
			out = append(out, k)
		}
	}
	return out
}

// NormalizeText is free text as the identifier filter reads it: invalid
// UTF-8 replaced, format characters (zero-width spaces and joiners, soft
// hyphens, direction marks) removed, Unicode NFKC applied (full-width
// letters and digits, ligatures, the full-width ＠), every decimal digit of
// any script written 0–9, and every run of spaces, line breaks and control
// characters made one space, with none at either end. Punctuation stays:
// the filter treats any run of it as one separator, and needs to tell '@'
// and '.' apart. Normalising twice gives the same text as normalising once.
func NormalizeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// Format characters go before NFKC so that what they separated can
	// compose, as it will when the text is normalised again.
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp) {
			space = true
			continue
		}
		if d, ok := digitValue(r); ok {
			r = '0' + rune(d)
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// digitValue is the value of a decimal digit of any script. Unicode encodes
// every script's decimal digits as a run of ten from 0 to 9, and the tables
// hold whole runs, so a digit's value is its distance from the start of
// its range, modulo ten.
func digitValue(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.IsDigit(r) {
		return 0, false
	}
	for _, rg := range unicode.Digit.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Digit.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}
