package directory

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
)

// An account's e-mail address is its identity and what an admin reads when
// granting a role, so an address must not be able to pass for another one.
// The usual trick mixes look-alike letters of two alphabets in one word:
// "exаmple.org" with a Cyrillic "а". Each dot-separated part of the address
// must therefore be written in one script, with the combinations that Unicode's
// "highly restrictive" profile (UTS #39 §5.2) allows for Chinese, Japanese
// and Korean, which are written mixed with Latin as a matter of course.
// Digits, hyphens and other shared characters belong to no script.
//
// Words written wholly in another alphabet ("пример.org") are accepted: they
// are real addresses, and telling them from look-alikes needs the confusables
// tables, which is more than this check is for.

// registration validates a domain as a registry would (IDNA2008 with its
// bidi and joiner rules, no mapping): an address we store must be one a
// mail server can resolve.
var registration = idna.New(idna.ValidateForRegistration(), idna.BidiRule())

// unicodeForm decodes "xn--" labels, so a mixed-script label is caught in
// its punycode form as well.
var unicodeForm = idna.New()

// cjkScripts are the mixtures UTS #39's highly restrictive level allows.
var cjkScripts = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// accountEmail adds a problem at path when email, already known to
// parse as a bare address, has an invalid domain or mixes scripts in one
// part.
func (c *checker) accountEmail(path, email string) {
	at := strings.LastIndex(email, "@")
	local, domain := email[:at], strings.ToLower(email[at+1:])
	if _, err := registration.ToASCII(domain); err != nil {
		c.errorf(path, "%q is not an e-mail address: %q is not a valid domain name", clip(email), clip(domain))
		return
	}
	if u, err := unicodeForm.ToUnicode(domain); err == nil {
		domain = u
	}
	for _, part := range append(strings.Split(local, "."), strings.Split(domain, ".")...) {
		if msg := mixedScripts(part); msg != "" {
			c.errorf(path, "%q mixes %s; each part of an address must use one alphabet, so that it cannot imitate another address", clip(email), msg)
			return
		}
	}
}

// mixedScripts describes how word mixes scripts ("Latin and Cyrillic
// letters in "exаmple" (the "а", U+0430, is Cyrillic)"), or returns ""
// when it uses one script or an allowed mixture. The letter named is the
// first of the rarest script: the one most likely to be the impostor.
func mixedScripts(word string) string {
	var scripts []string
	count := map[string]int{}
	first := map[string]rune{}
	for _, r := range word {
		s := scriptOf(r)
		if s == "" {
			continue
		}
		if count[s] == 0 {
			scripts = append(scripts, s)
			first[s] = r
		}
		count[s]++
	}
	if len(scripts) < 2 {
		return ""
	}
	for _, allowed := range cjkScripts {
		if !slices.ContainsFunc(scripts, func(s string) bool { return !slices.Contains(allowed, s) }) {
			return ""
		}
	}
	// Most used first; a stable sort keeps the order of appearance on ties.
	slices.SortStableFunc(scripts, func(a, b string) int { return count[b] - count[a] })
	rarest := scripts[len(scripts)-1]
	names := strings.Join(scripts[:len(scripts)-1], ", ") + " and " + rarest
	return fmt.Sprintf("%s letters in %q (the %q, %U, is %s)", names, word, string(first[rarest]), first[rarest], rarest)
}

// scriptOf names the Unicode script of r, or "" for characters every
// script shares (digits, punctuation, combining marks).
func scriptOf(r rune) string {
	if r < 0x80 {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
			return "Latin"
		}
		return ""
	}
	if unicode.Is(unicode.Common, r) || unicode.Is(unicode.Inherited, r) {
		return ""
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}
