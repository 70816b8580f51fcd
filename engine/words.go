package engine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokens splits text into the words of the text pipeline: lower case,
// split at anything but letters, digits and apostrophes, with apostrophes
// then dropped, so that "Can't", "can’t" and "cant" are one word, as people
// type them all three ways. Hyphens split ("self-harm" is "self harm").
func tokens(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !isApostrophe(r)
	})
	out := fields[:0]
	for _, f := range fields {
		if strings.IndexFunc(f, isApostrophe) >= 0 {
			f = strings.Map(func(r rune) rune {
				if isApostrophe(r) {
					return -1
				}
				return r
			}, f)
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' || r == 'ʼ' }

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func hasDigit(s string) bool { return strings.IndexFunc(s, unicode.IsDigit) >= 0 }

// fillerWords are words that say nothing about what a person is looking
// for: pronouns, articles, the words of asking ("I need help with…"), and
// conversational padding. They neither match listings nor rank them. A
// phrase of the vocabulary is recognised before they are dropped, so "on my
// own", "new to the area" and "can't sleep" still mean what they say.
// Written as tokens gives them (apostrophes dropped).
var fillerWords = setOf(`
	a an the and or but nor so yet if then than as of to in on at by for
	from with without into onto upon about above after before over under
	up out off down near nearby around round here there where when what
	which who whom whose why how
	i me my mine myself im ive id ill we us our ours you your yours youre
	he him his she her hers it its they them their theirs itself
	is am are was were be been being have has had having do does did doing
	dont doesnt didnt cant cannot couldnt wont wouldnt shouldnt isnt arent
	wasnt werent havent hasnt hadnt aint
	can could would should will shall may might must
	want wants wanted wanting wanna need needs needed needing help helps
	helping please looking look find finding get getting got gets go going
	goes went gone try trying tried
	some any something anything somewhere anywhere someone anyone somebody
	anybody all every each other another such own same
	just really very quite bit little lot lots much many more most less
	also too only even still again already ever never always often
	this that these those thing things stuff kind sort type
	new local nearest area place places
	like know think thought feel feels felt make makes made
	hi hello hey thanks thank cheers ok okay yes yeah no not
	today tonight tomorrow now currently lately recently
	one two three
`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
