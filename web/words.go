package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"signpost/directory"
	"signpost/engine"
)

// wordsNote says, above a page of results, what was made of the words the
// person typed, so that a page showing other results in place of matches
// says plainly what it did (issue 13): a corrected word, a near word tried
// when nothing matched, the needs and interests everyday words were read
// as, or words that said nothing to search for.
type wordsNote struct {
	// Corrected is the text searched for in place of Typed ("lonely" for
	// "lonley"); TypedHref searches for Typed as it is.
	Corrected string
	Typed     string
	TypedHref string
	// Instead is a near word whose results are shown because nothing
	// matched Typed ("walks" for "wlkas").
	Instead string
	// Readings are the everyday phrases recognised, with what they were
	// taken to mean.
	Readings []reading
	// Vague is set when every word was filler ("I need help"): the results
	// are everything, and the page asks for a word or two more.
	Vague bool
}

// reading is one everyday phrase, as typed, and what it was read as:
// "activities that help with money worries and debt".
type reading struct {
	Typed   string
	Meaning string
}

// show reports whether the note has anything to say.
func (n *wordsNote) show() bool {
	return n != nil && (n.Corrected != "" || n.Instead != "" || len(n.Readings) > 0 || n.Vague)
}

// newWordsNote reads the answer's interpretation; href makes a link to the
// same page for another form.
func newWordsNote(f finderForm, a finderAnswer, href func(finderForm) string) *wordsNote {
	in := a.res.Interpreted
	if a.instead != nil {
		in = a.asked
	}
	if in == nil {
		return nil
	}
	n := &wordsNote{Vague: in.Empty, Typed: f.Q}
	if a.instead != nil {
		n.Instead = a.instead.Query.Text
		if a.res.Interpreted != nil {
			in = a.res.Interpreted
		}
	} else if len(in.Corrections) > 0 {
		n.Corrected = correctedAsTyped(in)
		g := f
		g.Verbatim, g.Page = true, ""
		n.TypedHref = href(g)
	}
	// Readings explain the results shown; with none shown they would
	// only confuse.
	if a.res.Total > 0 {
		for _, ph := range in.Phrases {
			if m := phraseMeaning(ph, in.Corrections); m != "" {
				n.Readings = append(n.Readings, reading{Typed: in.AsTyped(ph.Phrase), Meaning: m})
			}
		}
	}
	if !n.show() {
		return nil
	}
	return n
}

// correctedAsTyped is the text as typed with each corrected word replaced,
// keeping the person's capitals, apostrophes and spacing elsewhere: "I'm
// lonely" for "I'm lonley" (the engine's CorrectedText gives its tokens,
// "im lonely").
func correctedAsTyped(in *engine.Interpreted) string {
	fixed := map[string]string{}
	for _, c := range in.Corrections {
		fixed[in.AsTyped(c.Typed)] = c.Corrected
	}
	return typedWord.ReplaceAllStringFunc(in.Text, func(w string) string {
		if c, ok := fixed[w]; ok {
			return c
		}
		return w
	})
}

// typedWord is a word as the engine splits text: letters, digits and
// apostrophes.
var typedWord = regexp.MustCompile(`[\p{L}\p{N}'’‘ʼ]+`)

// phraseMeaning writes the terms a phrase was read as: "activities that
// help with money worries and debt or benefits and entitlements, and
// involving arts and crafts". Terms that only repeat a word typed (or its
// correction) are left out: "gardening" read as gardening, "walks" as
// walking, "lonley" as feeling lonely tell the person nothing.
func phraseMeaning(ph engine.PhraseMatch, corrections []engine.Correction) string {
	words := strings.Fields(ph.Phrase)
	for _, c := range corrections {
		if c.Typed == ph.Phrase {
			words = append(words, c.Corrected)
		}
	}
	labels := func(taxonomy string, codes []string) string {
		var out []string
		for _, c := range codes {
			if t, ok := directory.LookupTerm(taxonomy, c); ok && !repeats(t.Label, words) {
				out = append(out, strings.ToLower(t.Label))
			}
		}
		return orJoin(out)
	}
	var parts []string
	if l := labels(directory.TaxonomyNeeds, ph.Needs); l != "" {
		parts = append(parts, "that help with "+l)
	}
	if l := labels(directory.TaxonomyInterests, ph.Interests); l != "" {
		parts = append(parts, "involving "+l)
	}
	if l := labels(directory.TaxonomyActivities, ph.Activities); l != "" {
		parts = append(parts, "of the kind "+l)
	}
	if len(parts) == 0 {
		return ""
	}
	return "activities " + strings.Join(parts, ", and ")
}

// repeats reports whether a term's label holds one of the words, near
// enough: its first four letters.
func repeats(label string, words []string) bool {
	for _, lw := range strings.Fields(strings.ToLower(label)) {
		for _, w := range words {
			if stemPrefix(lw) == stemPrefix(w) {
				return true
			}
		}
	}
	return false
}

// stemPrefix is a word's first four letters, near enough to its stem to
// tell a label that repeats it: "walks" and "walking".
func stemPrefix(w string) string {
	r := []rune(w)
	return string(r[:min(len(r), 4)])
}

// suggestion is one way to widen a search that found nothing, with what it
// would find.
type suggestion struct {
	Href  string
	Text  string
	Count string // "12 activities"
}

// suggestions turns the engine's relaxations into links that make them,
// each with its count; those the site's forms cannot express (a language)
// are left out. noun names what is counted.
func suggestions(f finderForm, rels []engine.Relaxation, u engine.Units, href func(finderForm) string, one, many string) []suggestion {
	var out []suggestion
	for _, r := range rels {
		g, text, ok := relaxedForm(f, r, u)
		if !ok || r.Count == 0 {
			continue
		}
		g.Page = ""
		out = append(out, suggestion{Href: href(g), Text: text, Count: fmt.Sprintf("%d %s", r.Count, pluralWord(r.Count, one, many))})
	}
	return out
}

// relaxedForm is the form that asks for a relaxation, and words for a link
// to it.
func relaxedForm(f finderForm, r engine.Relaxation, u engine.Units) (finderForm, string, bool) {
	g := f
	if r.Kind == engine.RelaxAll {
		g.Free, g.Age, g.Day, g.Delivery, g.Access = false, "", "", "", ""
		g.AccessFeatures, g.Needs, g.Interest, g.Activity = nil, nil, nil, nil
		if r.Field == engine.FieldRadius {
			g.Radius = "any"
			return g, "Remove every filter and look at any distance", true
		}
		return g, "Remove every filter", true
	}
	switch r.Field {
	case engine.FieldFree:
		g.Free = false
		return g, "Include activities that cost something", true
	case engine.FieldAge:
		g.Age = ""
		return g, "Do not filter by age", true
	case engine.FieldDay:
		g.Day = ""
		return g, "Include every day of the week", true
	case engine.FieldDelivery:
		g.Delivery = ""
		return g, "Include every way of taking part", true
	case engine.FieldAccess:
		g.Access = ""
		return g, "Do not filter by accessibility", true
	case engine.FieldRadius:
		m, err := strconv.ParseFloat(r.Value, 64)
		if err != nil {
			return g, "", false
		}
		g.Radius = "any"
		if m > 0 {
			// In the site's units, to a hundredth, as the form writes it.
			g.Radius = strconv.FormatFloat(math.Round(m/u.Metres(1)*100)/100, 'f', -1, 64)
		}
		return g, "Look further away (" + radiusWords(g.Radius, u) + ")", true
	case engine.FieldNeeds, engine.FieldInterests, engine.FieldActivities, engine.FieldFeatures:
		return relaxedTerm(g, r)
	case engine.FieldText:
		g.Q, g.Verbatim = r.Query.Text, false
		if r.Kind == engine.RelaxWords || g.Q == "" {
			return g, "Leave out the words ‘" + f.Q + "’", true
		}
		return g, "Search for ‘" + g.Q + "’ instead", true
	}
	return g, "", false
}

// relaxedTerm drops a ticked term, or searches for a term the words mean
// in their place.
func relaxedTerm(g finderForm, r engine.Relaxation) (finderForm, string, bool) {
	taxonomy, list := directory.TaxonomyNeeds, &g.Needs
	switch r.Field {
	case engine.FieldInterests:
		taxonomy, list = directory.TaxonomyInterests, &g.Interest
	case engine.FieldActivities:
		taxonomy, list = directory.TaxonomyActivities, &g.Activity
	case engine.FieldFeatures:
		taxonomy, list = directory.TaxonomyAccess, &g.AccessFeatures
	}
	t, ok := directory.LookupTerm(taxonomy, r.Value)
	if !ok {
		return g, "", false
	}
	if r.Kind == engine.RelaxNeed {
		g.Q, g.Verbatim = "", false
		*list = append(append([]string(nil), *list...), r.Value)
		return g, "Show everything for ‘" + strings.ToLower(t.Label) + "’", true
	}
	*list = without(*list, r.Value)
	return g, "Remove the filter ‘" + t.Label + "’", true
}
