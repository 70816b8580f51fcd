package engine

import (
	"bufio"
	"fmt"
	"io"
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
	return c, nil
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
	for _, p := range c.never {
		for i := range toks {
			if phraseAt(toks, i, p, false) {
				for j := i; j < i+len(p); j++ {
					excused[j] = true
				}
			}
		}
	}
	for _, p := range c.phrases {
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
