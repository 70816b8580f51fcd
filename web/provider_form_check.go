package web

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The listing form's own rules, stricter than the standard's: what a
// person types into the provider and admin forms must make sense to the
// people who read it ("Up to age 1e+299" does not), so ages are whole years
// of a human life and prices what a community activity costs. Imports and
// feeds keep the standard's validation (Service.Validate) and are not
// held to these. Messages follow the GOV.UK error message patterns: say
// what went wrong and how to put it right, in the words of the label.

// Length limits of the form's fields, in characters. Each is well below
// the route's body limit (maxListingBody) even with every row filled, so
// a person who types too much gets a message beside the field and keeps
// their text; only a body past the limit (not something the form can
// produce) gets the 413 page. TestFormLimitsFitTheBody holds them to that.
const (
	maxNameLen        = 200
	maxDescriptionLen = 10000
	maxLineLen        = 200 // an address line, a place name, a label
	maxNoteLen        = 500 // a sentence or two: getting there, access, joining
	maxURLLen         = 500
	maxEmailLen       = 254
	maxPhoneLen       = 40
	maxPostcodeLen    = 10
	maxTimeLen        = 10
	maxNumberLen      = 12
	// maxRows caps each repeated group (times, places, phones, costs).
	maxRows = 10
)

// Ranges of the form's numbers.
const (
	maxFormAge   = 120
	maxFormPrice = 10000
)

// tooLong is the message for a field over its limit.
func tooLong(label string, max int) string {
	return fmt.Sprintf("%s must be %s characters or fewer", label, groupThousands(max))
}

// checkLen adds a problem when v is longer than max characters.
func checkLen(ps *problemList, field, label, v string, max int) bool {
	if utf8.RuneCountInString(v) > max {
		*ps = append(*ps, problem{Field: field, Message: tooLong(label, max)})
		return false
	}
	return true
}

func groupThousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	return s[:len(s)-3] + "," + s[len(s)-3:]
}

// ukPostcode is the shape of a full UK postcode (outward code, space,
// inward code), as the ONS publishes it, and GIR 0AA.
var ukPostcode = regexp.MustCompile(`^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})$`)

// normalisePostcode upper-cases a postcode and puts one space before the
// inward code; ok is false when it is not a UK postcode.
func normalisePostcode(v string) (string, bool) {
	v = strings.ToUpper(strings.Join(strings.Fields(v), ""))
	if !ukPostcode.MatchString(v) {
		return v, false
	}
	return v[:len(v)-3] + " " + v[len(v)-3:], true
}

// wholeNumber reads digits only: no sign, point, exponent, hex, Inf or
// NaN, which strconv would otherwise accept ("0x1p10", "1e308").
var wholeNumber = regexp.MustCompile(`^[0-9]{1,4}$`)

// checkAge reads an age in whole years; "" is nil.
func checkAge(ps *problemList, field, label, v string) *float64 {
	if v == "" {
		return nil
	}
	if !wholeNumber.MatchString(v) {
		*ps = append(*ps, problem{Field: field, Message: label + " must be a whole number of years, like 18"})
		return nil
	}
	n, _ := strconv.Atoi(v)
	if n > maxFormAge {
		*ps = append(*ps, problem{Field: field, Message: fmt.Sprintf("%s must be between 0 and %d", label, maxFormAge)})
		return nil
	}
	x := float64(n)
	return &x
}

// price is pounds with at most two decimal places, with or without a
// pound sign or a thousands comma.
var price = regexp.MustCompile(`^[0-9]{1,6}(\.[0-9]{1,2})?$`)

// checkPrice reads an amount in pounds; "" is nil.
func checkPrice(ps *problemList, field, label, v string) *float64 {
	v = strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(v), "£"), ",", "")
	if v == "" {
		return nil
	}
	if !price.MatchString(v) {
		*ps = append(*ps, problem{Field: field, Message: label + " must be an amount in pounds, like 3 or 2.50"})
		return nil
	}
	x, _ := strconv.ParseFloat(v, 64)
	if x > maxFormPrice {
		*ps = append(*ps, problem{Field: field, Message: fmt.Sprintf("%s must be £%s or less", label, groupThousands(maxFormPrice))})
		return nil
	}
	return &x
}

// timeOfDay reads a time as a time input sends it ("14:00") or as people
// type it where there is no time input ("2pm", "2.30pm", "noon"), and
// returns it as HH:MM.
func timeOfDay(v string) (string, bool) {
	s := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(v), " ", ""))
	switch s {
	case "noon", "midday", "12noon":
		return "12:00", true
	case "midnight":
		return "00:00", true
	}
	suffix := ""
	for _, x := range []string{"am", "pm"} {
		if strings.HasSuffix(s, x) {
			suffix, s = x, strings.TrimSuffix(s, x)
		}
	}
	s = strings.ReplaceAll(s, ".", ":")
	hs, ms, hasMin := strings.Cut(s, ":")
	if hasMin && len(ms) == 5 && ms[2] == ':' {
		ms = ms[:2] // seconds, as HSDS writes times
	}
	if !wholeNumber.MatchString(hs) || len(hs) > 2 || (hasMin && (len(ms) != 2 || !wholeNumber.MatchString(ms))) {
		return "", false
	}
	h, _ := strconv.Atoi(hs)
	m := 0
	if hasMin {
		m, _ = strconv.Atoi(ms)
	}
	switch {
	case suffix == "" && !hasMin:
		return "", false // "2" could be 2am or 2pm
	case suffix != "" && (h < 1 || h > 12):
		return "", false
	case suffix == "pm" && h != 12:
		h += 12
	case suffix == "am" && h == 12:
		h = 0
	}
	if h > 23 || m > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", h, m), true
}

// checkTime reads a time of day; "" stays "".
func checkTime(ps *problemList, field, label, v string) string {
	if v == "" {
		return ""
	}
	t, ok := timeOfDay(v)
	if !ok {
		*ps = append(*ps, problem{Field: field, Message: label + " must be a time of day, like 10:00 or 2pm"})
		return v
	}
	return t
}

// checkWebAddress accepts an http or https address with a host name; a
// bare "www.example.org" gets https:// in front, as browsers do.
func checkWebAddress(ps *problemList, field, label, v string) string {
	if v == "" || !checkLen(ps, field, label, v, maxURLLen) {
		return v
	}
	s := v
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Hostname(), ".") ||
		strings.ContainsAny(s, " \t\n") || u.User != nil {
		*ps = append(*ps, problem{Field: field, Message: "Enter " + label + " in the correct format, like https://www.example.org"})
		return v
	}
	return s
}

// checkEmail accepts a bare address whose domain has a dot.
func checkEmail(ps *problemList, field, v string) {
	if v == "" || !checkLen(ps, field, "Email address", v, maxEmailLen) {
		return
	}
	a, err := mail.ParseAddress(v)
	_, domain, _ := strings.Cut(v, "@")
	if err != nil || a.Address != v || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		*ps = append(*ps, problem{Field: field, Message: "Enter an email address in the correct format, like name@example.org"})
	}
}

// phoneNumber is digits with the spaces, brackets, dashes and leading +
// people write numbers with; short numbers such as 116 123 count.
var phoneNumber = regexp.MustCompile(`^\+?[0-9 ()\-]{3,}$`)

func checkPhone(ps *problemList, field, v string) {
	if v == "" || !checkLen(ps, field, "Phone number", v, maxPhoneLen) {
		return
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if !phoneNumber.MatchString(v) || digits < 3 || digits > 15 {
		*ps = append(*ps, problem{Field: field, Message: "Enter a phone number, like 0151 496 0000"})
	}
}
