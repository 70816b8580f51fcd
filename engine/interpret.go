package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	index "github.com/blevesearch/bleve_index_api"

	"signpost/directory"
)

// Interpreted is what the engine understood of the words a person typed,
// for the page and the API to show: the words searched for, corrections
// ("Showing results for lonely; search instead for lonley"), everyday
// phrases and the terms they were read as, and the filler left out.
// Treat it as read-only.
type Interpreted struct {
	// Text is the text as typed.
	Text string `json:"text"`
	// Words are the words searched for: corrected, without filler.
	Words []string `json:"words"`
	// Corrections are typed words that are no word of the directory,
	// replaced by the nearest that is.
	Corrections []Correction `json:"corrections"`
	// Phrases are everyday phrases recognised, with the terms they mean.
	Phrases []PhraseMatch `json:"phrases"`
	// Ignored are filler words, which neither match nor rank.
	Ignored []string `json:"ignored"`
	// Empty is set when words were typed but all were filler: the query
	// was answered as if nothing was typed, and the page should ask what
	// the person is looking for.
	Empty bool `json:"empty"`
	// Crisis is set when the text as typed holds crisis language: the page
	// puts urgent help first (see CrisisPhrases).
	Crisis bool `json:"crisis"`
}

// Correction is one typed word replaced by a word of the directory.
type Correction struct {
	Typed     string `json:"typed"`
	Corrected string `json:"corrected"`
}

// PhraseMatch is one everyday phrase recognised in the text (as typed,
// normalised: lower case, no apostrophes) and the term codes it means.
type PhraseMatch struct {
	Phrase     string   `json:"phrase"`
	Needs      []string `json:"needs,omitempty"`
	Interests  []string `json:"interests,omitempty"`
	Activities []string `json:"activities,omitempty"`
}

// CorrectedText is the text with every correction made, as the link
// "Showing results for …" searches; "" when nothing was corrected.
func (in *Interpreted) CorrectedText() string {
	if in == nil || len(in.Corrections) == 0 {
		return ""
	}
	toks := tokens(in.Text)
	for i, t := range toks {
		for _, c := range in.Corrections {
			if t == c.Typed {
				toks[i] = c.Corrected
			}
		}
	}
	return strings.Join(toks, " ")
}

// AsTyped returns the words of Text that phrase (a Correction's Typed or
// a PhraseMatch's Phrase, normalised) was read from, as the person wrote
// them: "can't sleep" for "cant sleep". It returns phrase itself when
// Text does not hold it.
func (in *Interpreted) AsTyped(phrase string) string {
	if in == nil {
		return phrase
	}
	want := strings.Fields(phrase)
	raw := strings.FieldsFunc(in.Text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !isApostrophe(r)
	})
	// Each raw field is one token, or none when it is all apostrophes.
	var toks, typed []string
	for _, f := range raw {
		if t := tokens(f); len(t) == 1 {
			toks, typed = append(toks, t[0]), append(typed, f)
		}
	}
	for i := 0; i+len(want) <= len(toks); i++ {
		if slices.Equal(toks[i:i+len(want)], want) {
			return strings.Join(typed[i:i+len(want)], " ")
		}
	}
	return phrase
}

// wordGroup is one thing the person asked for: a word, or a recognised
// phrase. A listing matches the group when it holds every one of words
// (a phrase's filler left out) or carries one of refs.
type wordGroup struct {
	typed string
	words []string
	refs  []termRef
	// fuzzy is set for a word that is no word of the directory and has no
	// near one: the text index then tries its stem loosely.
	fuzzy bool
}

// textPlan is the text pipeline's output for one normalised text: cached
// with its hits, so a repeated search does not interpret again.
type textPlan struct {
	// interp has Text left empty: it is per query. Crisis is filled in
	// here, once per entry: the crisis check reads only the text's tokens,
	// which are the cache key, so every text sharing the entry has the same
	// answer, and a cached search need not run it again.
	interp *Interpreted
	groups []wordGroup
}

// phrases are the groups that mean Signpost terms, for ranking and reasons.
func (tp *textPlan) phrases() []wordGroup {
	var out []wordGroup
	for _, g := range tp.groups {
		if len(g.refs) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// interpret runs the text pipeline after the crisis check: normalise,
// recognise the vocabulary's phrases (longest first, before filler is
// dropped), drop filler, correct misspellings against the directory's own
// words and the vocabulary, and map corrected words through the
// vocabulary too.
func (e *Engine) interpret(ctx context.Context, ti *textIndex, toks []string, sp spelling) (*textPlan, error) {
	v := e.cfg.vocab
	in := &Interpreted{Words: []string{}, Corrections: []Correction{}, Phrases: []PhraseMatch{}, Ignored: []string{}}
	tp := &textPlan{interp: in}
	seen := map[string]bool{}
	add := func(g wordGroup) {
		key := strings.Join(g.words, " ") + "|" + g.typed
		if seen[key] {
			return
		}
		seen[key] = true
		tp.groups = append(tp.groups, g)
		in.Words = append(in.Words, g.words...)
		if len(g.refs) > 0 {
			in.Phrases = append(in.Phrases, phraseMatch(g.typed, g.refs))
		}
	}
	for i := 0; i < len(toks); {
		if n, refs := longestPhrase(v, toks[i:]); n > 0 {
			var words []string
			for _, t := range toks[i : i+n] {
				if !fillerWords[t] {
					words = append(words, t)
				}
			}
			add(wordGroup{typed: strings.Join(toks[i:i+n], " "), words: words, refs: refs})
			i += n
			continue
		}
		t := toks[i]
		i++
		if fillerWords[t] {
			in.Ignored = append(in.Ignored, t)
			continue
		}
		g := wordGroup{typed: t, words: []string{t}}
		if runeLen(t) >= minCorrectLen && !hasDigit(t) {
			known, err := ti.knownWord(ctx, t)
			if err != nil {
				return nil, err
			}
			if !known {
				c, ok := "", false
				if sp == correctSpelling {
					if c, ok, err = ti.correct(ctx, t, v, correctLimit(t)); err != nil {
						return nil, err
					}
				}
				if ok {
					in.Corrections = append(in.Corrections, Correction{Typed: t, Corrected: c})
					g.words = []string{c}
					g.refs, _ = v.lookup(c)
				} else {
					g.fuzzy = true
				}
			}
		}
		add(g)
	}
	in.Empty = len(toks) > 0 && len(tp.groups) == 0
	return tp, nil
}

// longestPhrase returns how many of toks the longest phrase at their start
// takes, and its terms; 0 when none starts there.
func longestPhrase(v *Vocabulary, toks []string) (int, []termRef) {
	if v == nil {
		return 0, nil
	}
	for n := min(v.longest, len(toks)); n >= 1; n-- {
		if refs, ok := v.lookup(strings.Join(toks[:n], " ")); ok {
			return n, refs
		}
	}
	return 0, nil
}

func phraseMatch(typed string, refs []termRef) PhraseMatch {
	pm := PhraseMatch{Phrase: typed}
	for _, r := range refs {
		switch r.taxonomy {
		case directory.TaxonomyNeeds:
			pm.Needs = append(pm.Needs, r.code)
		case directory.TaxonomyInterests:
			pm.Interests = append(pm.Interests, r.code)
		case directory.TaxonomyActivities:
			pm.Activities = append(pm.Activities, r.code)
		}
	}
	return pm
}

// spelling says whether the pipeline corrects typed words that no listing
// holds.
type spelling int

const (
	correctSpelling spelling = iota
	keepSpelling             // Query.Verbatim
)

func (q Query) spelling() spelling {
	if q.Verbatim {
		return keepSpelling
	}
	return correctSpelling
}

// Correction limits (issue 13): a typed word of minCorrectLen letters or
// more that is no word of the directory is corrected to the nearest word
// within one edit, or two from longCorrectLen letters; a swap of adjacent
// letters is one edit.
const (
	minCorrectLen  = 4
	longCorrectLen = 6
)

func correctLimit(w string) int {
	if runeLen(w) >= longCorrectLen {
		return 2
	}
	return 1
}

// knownWord reports whether any listing holds w as written.
func (ti *textIndex) knownWord(ctx context.Context, w string) (bool, error) {
	n, err := ti.wordCount(ctx, w)
	return n > 0, err
}

// wordCount is how many listings hold w as written. It reads the
// postings, not the term dictionary, whose counts still include listings
// deleted since the last merge.
func (ti *textIndex) wordCount(ctx context.Context, w string) (uint64, error) {
	adv, err := ti.idx.Advanced()
	if err != nil {
		return 0, fmt.Errorf("look up %q: %w", w, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, fmt.Errorf("look up %q: %w", w, err)
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(ctx, []byte(w), fieldWords, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("look up %q: %w", w, err)
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

// correct returns the word of the directory or the vocabulary nearest to w
// within limit edits (at most 2): fewest edits, then a vocabulary word (it finds
// results through its meaning too), then the word more listings hold,
// then alphabetical order so the answer is stable.
func (ti *textIndex) correct(ctx context.Context, w string, v *Vocabulary, limit int) (string, bool, error) {
	type cand struct {
		word  string
		dist  int
		vocab bool
		count uint64
	}
	var found []cand
	adv, err := ti.idx.Advanced()
	if err != nil {
		return "", false, fmt.Errorf("correct %q: %w", w, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return "", false, fmt.Errorf("correct %q: %w", w, err)
	}
	defer r.Close()
	// Levenshtein distance 2 covers one swap (two edits there), which the
	// limit of one counts as one; the exact distance is checked below.
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return "", false, fmt.Errorf("correct %q: the index cannot look up near words", w)
	}
	d, err := fr.FieldDictFuzzy(fieldWords, w, 2, "")
	if err != nil {
		return "", false, fmt.Errorf("correct %q: %w", w, err)
	}
	defer d.Close()
	for {
		if err := ctx.Err(); err != nil {
			return "", false, err
		}
		e, err := d.Next()
		if err != nil {
			return "", false, fmt.Errorf("correct %q: %w", w, err)
		}
		if e == nil {
			break
		}
		if runeLen(e.Term) < minCorrectLen-1 {
			continue
		}
		if dist := directory.EditDistance(w, e.Term); dist <= limit {
			_, inVocab := v.lookup(e.Term)
			found = append(found, cand{word: e.Term, dist: dist, vocab: inVocab})
		}
	}
	// The fuzzy walk gives no counts, and may offer words only deleted
	// listings held: count each near word exactly (there are few).
	kept := found[:0]
	for _, c := range found {
		n, err := ti.wordCount(ctx, c.word)
		if err != nil {
			return "", false, err
		}
		if n > 0 {
			c.count = n
			kept = append(kept, c)
		}
	}
	found = kept
	for _, vw := range v.words() {
		if dist := directory.EditDistance(w, vw); dist <= limit && !slices.ContainsFunc(found, func(c cand) bool { return c.word == vw }) {
			found = append(found, cand{vw, dist, true, 0})
		}
	}
	if len(found) == 0 {
		return "", false, nil
	}
	best := slices.MinFunc(found, func(a, b cand) int {
		if c := cmp.Compare(a.dist, b.dist); c != 0 {
			return c
		}
		if a.vocab != b.vocab {
			if a.vocab {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		return strings.Compare(a.word, b.word)
	})
	return best.word, true, nil
}
