package engine

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"signpost/directory"
)

// Vocabulary maps everyday phrases to the Signpost terms they mean, so that
// "skint" finds money advice and "I don't know anyone round here" finds
// groups for people new to an area, whatever words the listings use. It is
// read from a data file (data/everyday-phrases.tsv by default; a deployment
// replaces it) and handed to Open with WithVocabulary. Read-only once
// parsed.
type Vocabulary struct {
	// phrases maps a phrase's tokens, joined by single spaces, to its terms.
	phrases map[string][]termRef
	// longest is the most tokens any phrase has.
	longest int
	// single holds the one-word phrases, sorted.
	single []string
}

// termRef names one Signpost term.
type termRef struct{ taxonomy, code string }

// taxonomyPrefixes are the short names a vocabulary file writes codes with.
var taxonomyPrefixes = map[string]string{
	"need":     directory.TaxonomyNeeds,
	"interest": directory.TaxonomyInterests,
	"activity": directory.TaxonomyActivities,
}

// ParseVocabulary reads everyday phrases as tab-separated lines:
//
//	# a comment
//	skint	need:money need:benefits
//	lost my job	need:work need:money
//
// The phrase is matched as people type it, ignoring case and apostrophes
// ("cant" is "can't"); the codes are need:, interest: or activity: and a
// Signpost term code. A bad line fails the whole file with its line number,
// since a half-read vocabulary would quietly lose meanings.
func ParseVocabulary(r io.Reader) (*Vocabulary, error) {
	v := &Vocabulary{phrases: map[string][]termRef{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		phrase, codes, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("everyday phrases line %d: want a phrase, a tab, then codes, got %q", n, line)
		}
		toks := tokens(phrase)
		if len(toks) == 0 {
			return nil, fmt.Errorf("everyday phrases line %d: the phrase %q has no words", n, phrase)
		}
		key := strings.Join(toks, " ")
		if _, dup := v.phrases[key]; dup {
			return nil, fmt.Errorf("everyday phrases line %d: %q is listed twice", n, phrase)
		}
		var refs []termRef
		for _, c := range strings.Fields(codes) {
			ref, err := parseTermRef(c)
			if err != nil {
				return nil, fmt.Errorf("everyday phrases line %d: %w", n, err)
			}
			if !slices.Contains(refs, ref) {
				refs = append(refs, ref)
			}
		}
		if len(refs) == 0 {
			return nil, fmt.Errorf("everyday phrases line %d: %q maps to no codes", n, phrase)
		}
		v.phrases[key] = refs
		v.longest = max(v.longest, len(toks))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("everyday phrases: %w", err)
	}
	for k := range v.phrases {
		if !strings.Contains(k, " ") {
			v.single = append(v.single, k)
		}
	}
	slices.Sort(v.single)
	return v, nil
}

func parseTermRef(c string) (termRef, error) {
	prefix, code, ok := strings.Cut(c, ":")
	taxonomy := taxonomyPrefixes[prefix]
	if !ok || taxonomy == "" {
		return termRef{}, fmt.Errorf("code %q must start need:, interest: or activity:", c)
	}
	if _, known := directory.LookupTerm(taxonomy, code); !known {
		return termRef{}, fmt.Errorf("%q is not a Signpost %s", c, prefix)
	}
	return termRef{taxonomy, code}, nil
}

// Len is the number of phrases.
func (v *Vocabulary) Len() int {
	if v == nil {
		return 0
	}
	return len(v.phrases)
}

// lookup returns the terms of a phrase given as tokens joined by spaces.
// A lone word is also tried without a plural "s" ("choirs").
func (v *Vocabulary) lookup(key string) ([]termRef, bool) {
	if v == nil {
		return nil, false
	}
	if refs, ok := v.phrases[key]; ok {
		return refs, true
	}
	if !strings.Contains(key, " ") && runeLen(key) > 3 && strings.HasSuffix(key, "s") {
		refs, ok := v.phrases[strings.TrimSuffix(key, "s")]
		return refs, ok
	}
	return nil, false
}

// words returns every one-word phrase: words that find results through
// their meaning, and so are words a misspelling may be corrected to.
func (v *Vocabulary) words() []string {
	if v == nil {
		return nil
	}
	return v.single
}
