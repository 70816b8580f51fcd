package engine

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"signpost/directory"
)

// CrisisPhrases recognises crisis language (wanting to die, self-harm, not
// being safe at home) in what a person writes, so that the site can put
// urgent help first. It reads text exactly as typed, before filler words
// are dropped or words corrected: many of these phrases are all filler
// ("no way out", "can't go on"). It is read from a data file
// (data/crisis-phrases.txt by default; a deployment replaces it) and handed
// to Open with WithCrisisPhrases. Read-only once parsed.
//
// A phrase matches when its words appear together, in order. Words of six
// letters or more also match a misspelling one edit away ("sucidal",
// "overdoes"), two from eight letters. Ambiguous words are listed only in
// context ("cutting myself", never "cutting"). A line starting "!" is a
// phrase that is never crisis language ("killing myself laughing",
// "overdue"): a match inside it does not count.
type CrisisPhrases struct {
	phrases [][]string
	never   [][]string
	// byFirst lists the phrases (by index, ascending) starting with each
	// first word, and fuzzyFirst those first words long enough to match a
	// misspelling: every search runs the check, and most of its words
	// start no phrase, so Match tries only the phrases a word can start
	// rather than every phrase at every word.
	byFirst    map[string][]int
	fuzzyFirst []string
	shortest   map[string]int // the fewest words of a phrase by first word
	neverFirst map[string][]int
}

// ParseCrisisPhrases reads one phrase per line; blank lines and lines
// starting "#" are ignored, and a line starting "!" is an exception. A
// line with no words fails the file with its line number.
func ParseCrisisPhrases(r io.Reader) (*CrisisPhrases, error) {
	c := &CrisisPhrases{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		never := strings.HasPrefix(line, "!")
		toks := tokens(strings.TrimPrefix(line, "!"))
		if len(toks) == 0 {
			return nil, fmt.Errorf("crisis phrases line %d: %q has no words", n, line)
		}
		if never {
			c.never = append(c.never, toks)
		} else {
			c.phrases = append(c.phrases, toks)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("crisis phrases: %w", err)
	}
	c.byFirst, c.shortest, c.neverFirst = map[string][]int{}, map[string]int{}, map[string][]int{}
	for i, p := range c.phrases {
		if n, seen := c.shortest[p[0]]; !seen || len(p) < n {
			c.shortest[p[0]] = len(p)
		}
		if _, seen := c.byFirst[p[0]]; !seen && runeLen(p[0]) >= 6 {
			c.fuzzyFirst = append(c.fuzzyFirst, p[0])
		}
		c.byFirst[p[0]] = append(c.byFirst[p[0]], i)
	}
	for i, p := range c.never {
		c.neverFirst[p[0]] = append(c.neverFirst[p[0]], i)
	}
	return c, nil
}

// candidates are the phrases (by index, ascending) whose first word is
// one of toks or, for a long word, a misspelling of one, and that fit in
// the words from there: no other phrase can match.
func (c *CrisisPhrases) candidates(toks []string) []int {
	var out []int
	add := func(i int, w string) {
		for _, k := range c.byFirst[w] {
			if i+len(c.phrases[k]) <= len(toks) {
				out = append(out, k)
			}
		}
	}
	for i, t := range toks {
		add(i, t)
		if runeLen(t) < 6 {
			continue
		}
		for _, w := range c.fuzzyFirst {
			// The length test first: it spares most edit distances.
			if w != t && i+c.shortest[w] <= len(toks) && crisisMisspelling(t, w) {
				add(i, w)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Len is the number of crisis phrases (not counting exceptions).
func (c *CrisisPhrases) Len() int {
	if c == nil {
		return 0
	}
	return len(c.phrases)
}

// Match reports whether text holds crisis language, and the phrase found
// (as listed, lower case) for logs and tests.
func (c *CrisisPhrases) Match(text string) (string, bool) {
	if c == nil {
		return "", false
	}
	toks := tokens(text)
	if len(toks) == 0 {
		return "", false
	}
	// Spans covered by an exception ("killing myself laughing").
	excused := make([]bool, len(toks))
	for i, t := range toks {
		for _, k := range c.neverFirst[t] {
			if p := c.never[k]; phraseAt(toks, i, p, false) {
				for j := i; j < i+len(p); j++ {
					excused[j] = true
				}
			}
		}
	}
	// Phrases in the order listed, so the phrase reported is the one the
	// whole list would find first.
	for _, k := range c.candidates(toks) {
		p := c.phrases[k]
		for i := range toks {
			if !phraseAt(toks, i, p, true) {
				continue
			}
			inside := true
			for j := i; j < i+len(p); j++ {
				inside = inside && excused[j]
			}
			if !inside {
				return strings.Join(p, " "), true
			}
		}
	}
	return "", false
}

// phraseAt reports whether phrase p starts at toks[i].
func phraseAt(toks []string, i int, p []string, fuzzy bool) bool {
	if i+len(p) > len(toks) {
		return false
	}
	for j, w := range p {
		t := toks[i+j]
		if t == w {
			continue
		}
		if !fuzzy || !crisisMisspelling(t, w) {
			return false
		}
	}
	return true
}

// crisisMisspelling reports whether typed is a slip for the phrase word w:
// both six letters or more and one edit apart, or both eight or more and
// two apart. Shorter words must be exact: "die" is one letter from "dye"
// and "due".
func crisisMisspelling(typed, w string) bool {
	n := min(runeLen(typed), runeLen(w))
	if n < 6 {
		return false
	}
	limit := 1
	if n >= 8 {
		limit = 2
	}
	if d := runeLen(typed) - runeLen(w); d > limit || -d > limit {
		return false
	}
	return directory.EditDistance(typed, w) <= limit
}

// Crisis reports whether text, exactly as typed, holds crisis language.
// The site asks it of searches, matcher answers and link workers' notes,
// and puts urgent help first when it says yes.
func (e *Engine) Crisis(text string) bool {
	_, ok := e.cfg.crisis.Match(text)
	return ok
}
