package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Can't sleep", []string{"cant", "sleep"}},
		{"can’t  SLEEP!", []string{"cant", "sleep"}},
		{"self-harm", []string{"self", "harm"}},
		{"Bootle, Merseyside", []string{"bootle", "merseyside"}},
		{"'quoted'", []string{"quoted"}},
		{"  ", nil},
	}
	for _, tt := range tests {
		if got := tokens(tt.in); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestIssueExamples holds the four examples that opened issue 13 to what
// they must do on the sample directory.
func TestIssueExamples(t *testing.T) {
	ctx := context.Background()
	e := openSample(t)
	search := func(t *testing.T, text string) *Results {
		t.Helper()
		res, err := e.Search(ctx, Query{Text: text, Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	everything, err := e.Search(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct{ typed, corrected string }{
		{"lonley", "lonely"},
		{"lonliness", "loneliness"},
		{"Lonley", "lonely"},
		{"gardning", "gardening"},
		{"councelling", "counselling"},
		{"bereavment", "bereavement"},
	} {
		t.Run("corrects "+tt.typed, func(t *testing.T) {
			res := search(t, tt.typed)
			if res.Total == 0 {
				t.Fatalf("%q found nothing", tt.typed)
			}
			want := []Correction{{Typed: strings.ToLower(tt.typed), Corrected: tt.corrected}}
			if got := res.Interpreted.Corrections; !slices.Equal(got, want) {
				t.Errorf("corrections = %v, want %v", got, want)
			}
			if got := res.Interpreted.CorrectedText(); got != tt.corrected {
				t.Errorf("CorrectedText = %q, want %q", got, tt.corrected)
			}
		})
	}

	t.Run("bored finds something", func(t *testing.T) {
		if res := search(t, "bored"); res.Total == 0 {
			t.Error("bored found nothing")
		}
	})

	t.Run("filler does not match", func(t *testing.T) {
		res, err := e.Search(ctx, Query{Text: "can't sleep", Size: MaxSize})
		if err != nil {
			t.Fatal(err)
		}
		// Every result is there for sleep or what it means, none for "can".
		for _, it := range res.Items {
			if it.Components.Phrase == 0 && !strings.Contains(strings.ToLower(it.Service.Name+it.Service.Description), "sleep") {
				t.Errorf("can't sleep lists %q, which neither mentions sleep nor carries what it means", it.Service.Name)
			}
		}
		res = search(t, "can't sleep")
		for _, it := range res.Items {
			if strings.Contains(strings.ToLower(it.Service.Name), "book club") {
				t.Errorf("can't sleep lists %q in the top 5", it.Service.Name)
			}
		}
		if !slices.Contains(res.Interpreted.Words, "sleep") || slices.Contains(res.Interpreted.Words, "cant") {
			t.Errorf("words = %q, want sleep and no cant", res.Interpreted.Words)
		}
		res = search(t, "new to the area")
		for _, it := range res.Items {
			if strings.Contains(it.Service.Name, "New Brighton") {
				t.Errorf("new to the area lists %q in the top 5", it.Service.Name)
			}
		}
	})

	t.Run("all filler is empty", func(t *testing.T) {
		res := search(t, "I want to get some help with the")
		if !res.Interpreted.Empty {
			t.Errorf("Interpreted.Empty = false for all filler (words %q)", res.Interpreted.Words)
		}
		if res.Total != everything.Total {
			t.Errorf("all filler: total %d, want every listing (%d), as if nothing was typed", res.Total, everything.Total)
		}
	})

	t.Run("skint names money worries", func(t *testing.T) {
		res := search(t, "skint")
		if len(res.Items) == 0 {
			t.Fatal("skint found nothing")
		}
		if got := res.Interpreted.Phrases; len(got) != 1 || got[0].Phrase != "skint" || !slices.Contains(got[0].Needs, "money") {
			t.Errorf("phrases = %+v, want skint → money", got)
		}
		top := res.Items[0]
		var texts []string
		for _, r := range top.Reasons {
			texts = append(texts, r.Text)
		}
		if !slices.ContainsFunc(texts, func(s string) bool {
			return strings.HasPrefix(s, "Helps with: money worries and debt") && strings.HasSuffix(s, "(you searched skint)")
		}) {
			t.Errorf("top result's reasons %q do not say money worries (you searched skint)", texts)
		}
	})

	t.Run("phrases recognised before words are split", func(t *testing.T) {
		res := search(t, "I don't know anyone round here")
		got := res.Interpreted.Phrases
		if len(got) != 1 || got[0].Phrase != "dont know anyone" {
			t.Fatalf("phrases = %+v, want dont know anyone", got)
		}
		for _, it := range res.Items {
			if !slices.Contains(it.Service.TermCodes("signpost-needs"), "lonely") && !slices.Contains(it.Service.TermCodes("signpost-needs"), "new-to-area") {
				t.Errorf("%q in the top 5 is for neither lonely nor new to the area", it.Service.Name)
			}
		}
	})

	t.Run("mapped codes rank first", func(t *testing.T) {
		res := search(t, "lost my job")
		for _, it := range res.Items {
			if it.Components.Phrase == 0 {
				t.Errorf("%q in the top 5 carries no term lost my job means", it.Service.Name)
			}
		}
	})
}

func TestParseVocabulary(t *testing.T) {
	v := defaultVocab(t)
	if v.Len() < 300 {
		t.Errorf("the default vocabulary has %d phrases, want at least 300", v.Len())
	}
	tests := []struct {
		name, in, wantErr string
	}{
		{"no tab", "skint need:money\n", "line 1: want a phrase, a tab, then codes"},
		{"unknown code", "# c\n\nskint\tneed:monye\n", `line 3: "need:monye" is not a Signpost need`},
		{"no prefix", "skint\tmoney\n", `line 1: code "money" must start need:, interest: or activity:`},
		{"twice", "skint\tneed:money\nSkint\tneed:benefits\n", `line 2: "Skint" is listed twice`},
		{"no words", "!!\tneed:money\n", `line 1: the phrase "!!" has no words`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseVocabulary(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	good, err := ParseVocabulary(strings.NewReader("\ufeffCan't pay the gas\tneed:money need:benefits need:money\n"))
	if err != nil {
		t.Fatal(err)
	}
	if refs, ok := good.lookup("cant pay the gas"); !ok || len(refs) != 2 {
		t.Errorf("lookup = %v, %v; want two terms", refs, ok)
	}
}

// TestCorrectionsFollowTheDirectory checks the dictionary is the
// directory's own words, kept current: a word becomes a correction target
// when a listing gains it, and stops being one when the listing goes.
func TestCorrectionsFollowTheDirectory(t *testing.T) {
	ctx := context.Background()
	src := newMemSource(mk("a", "Quilting Bee", "Make a quilt together."))
	e, _ := mustOpen(t, src)
	correction := func() []Correction {
		t.Helper()
		res, err := e.Search(ctx, Query{Text: "pottrey"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Interpreted.Corrections
	}
	if got := correction(); len(got) != 0 {
		t.Fatalf("corrections before any pottery listing = %v", got)
	}
	if err := e.Apply(ctx, src.put(mk("b", "Pottery Class", "Throw a pot."))); err != nil {
		t.Fatal(err)
	}
	if got := correction(); !slices.Equal(got, []Correction{{"pottrey", "pottery"}}) {
		t.Errorf("corrections after adding pottery = %v", got)
	}
	if err := e.Apply(ctx, src.delete("b")); err != nil {
		t.Fatal(err)
	}
	if got := correction(); len(got) != 0 {
		t.Errorf("corrections after the pottery listing went = %v", got)
	}
}

func TestCorrectionLimits(t *testing.T) {
	ctx := context.Background()
	e, _ := mustOpen(t, newMemSource(
		mk("a", "Walking Group", "Gentle walks with friendly people."),
		mk("b", "Lonely No More", "Company for lonely people."),
	))
	tests := []struct {
		typed string
		want  string // "" for no correction
	}{
		{"wlaks", "walks"},       // a swap is one edit (5 letters: one allowed)
		{"wakls", "walks"},       // swap
		{"wlkas", ""},            // two edits at 5 letters
		{"lonley", "lonely"},     // swap
		{"lnoley", "lonely"},     // swap
		{"lonly", "lonely"},      // 5 letters, one edit
		{"peeple", "people"},     // 6 letters, one edit
		{"frendley", "friendly"}, // 8 letters, two edits
		{"gentel", "gentle"},
		{"wak", ""}, // under four letters: never corrected
		{"xyzzyx", ""},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			res, err := e.Search(ctx, Query{Text: tt.typed})
			if err != nil {
				t.Fatal(err)
			}
			var want []Correction
			if tt.want != "" {
				want = []Correction{{tt.typed, tt.want}}
			}
			if got := res.Interpreted.Corrections; !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("corrections = %v, want %v", got, want)
			}
		})
	}
}

func TestRelaxations(t *testing.T) {
	ctx := context.Background()
	e, _ := mustOpen(t, newMemSource(rankingFixture()...), WithVocabulary(defaultVocab(t)))
	age := 30
	tests := []struct {
		name string
		q    Query
		want []string // Field=Value:Count of every relaxation offered, in order
	}{
		{
			name: "free craft classes: the class costs, the free craft is no class",
			q:    Query{Interests: []string{"arts-crafts"}, Activities: []string{"class"}, Free: true},
			want: []string{"Free=:1", "Activities=class:1"},
		},
		{
			name: "a need at an age nobody serves",
			q:    Query{Needs: []string{"confidence"}, Age: &age},
			want: []string{"Age=30:1", "Needs=confidence:19"},
		},
		{
			name: "too near",
			q:    Query{Interests: []string{"gardening"}, HasPoint: true, Lat: centreLat, Lon: centreLon + 0.12, RadiusM: 2000},
			want: []string{"Interests=gardening:2", "RadiusM=10000:1", "RadiusM=0:2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != 0 {
				t.Fatalf("the query found %d, want none", res.Total)
			}
			rs, err := e.Relaxations(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rs {
				if r.Count == 0 {
					t.Errorf("%s offered with a count of 0", r.Label)
				}
				check, err := e.Search(ctx, r.Query)
				if err != nil {
					t.Fatal(err)
				}
				if check.Total != r.Count {
					t.Errorf("%s: count %d, but searching finds %d", r.Label, r.Count, check.Total)
				}
				got = append(got, fmt.Sprintf("%s=%s:%d", r.Field, r.Value, r.Count))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("relaxations = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("a word too far to correct on its own", func(t *testing.T) {
		// "wlkas" is two edits from "walks": too far for five letters,
		// so it is offered, not made.
		q := Query{Text: "wlkas"}
		res, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 0 || len(res.Interpreted.Corrections) != 0 {
			t.Fatalf("wlkas: total %d, corrections %v; want none of either", res.Total, res.Interpreted.Corrections)
		}
		rs, err := e.Relaxations(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 || rs[0].Kind != RelaxWord || rs[0].Query.Text != "walks" || rs[0].Count == 0 {
			t.Errorf("relaxations = %+v, want walks first", rs)
		}
	})
}

// TestVerbatim: a verbatim search keeps a misspelling, so "search instead
// for lonley" means what it says; its cache entry is its own.
func TestVerbatim(t *testing.T) {
	ctx := context.Background()
	e := openSample(t)
	corrected, err := e.Search(ctx, Query{Text: "lonley"})
	if err != nil {
		t.Fatal(err)
	}
	if corrected.Total == 0 || len(corrected.Interpreted.Corrections) != 1 {
		t.Fatalf("lonley: total %d, corrections %v; want it corrected to results", corrected.Total, corrected.Interpreted.Corrections)
	}
	asTyped, err := e.Search(ctx, Query{Text: "lonley", Verbatim: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(asTyped.Interpreted.Corrections) != 0 || asTyped.Total >= corrected.Total {
		t.Errorf("verbatim lonley: total %d (corrected %d), corrections %v; want no correction and fewer results",
			asTyped.Total, corrected.Total, asTyped.Interpreted.Corrections)
	}
	again, err := e.Search(ctx, Query{Text: "lonley"})
	if err != nil {
		t.Fatal(err)
	}
	if again.Total != corrected.Total {
		t.Errorf("after a verbatim search, lonley finds %d, before %d", again.Total, corrected.Total)
	}
}

func TestAsTyped(t *testing.T) {
	in := &Interpreted{Text: "I Can't sleep,  and I'm SKINT!"}
	tests := []struct{ phrase, want string }{
		{"cant sleep", "Can't sleep"},
		{"skint", "SKINT"},
		{"im skint", "I'm SKINT"},
		{"lonely", "lonely"},
	}
	for _, tt := range tests {
		if got := in.AsTyped(tt.phrase); got != tt.want {
			t.Errorf("AsTyped(%q) = %q, want %q", tt.phrase, got, tt.want)
		}
	}
	var none *Interpreted
	if got := none.AsTyped("skint"); got != "skint" {
		t.Errorf("nil AsTyped = %q", got)
	}
}

// TestMatchRelaxations: the matcher's ways to widen are counted as Match
// counts.
func TestMatchRelaxations(t *testing.T) {
	ctx := context.Background()
	e, _ := mustOpen(t, newMemSource(rankingFixture()...), WithVocabulary(defaultVocab(t)))
	away := Query{Needs: []string{"money"}, HasPoint: true, Lat: centreLat, Lon: centreLon + 0.3, RadiusM: 1000, Free: true}
	if res, err := e.Match(ctx, away); err != nil || res.Total != 0 {
		t.Fatalf("the match far away: %v, %v; want nothing", res, err)
	}
	ms, err := e.MatchRelaxations(ctx, away)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no way to widen a match that found nothing")
	}
	for _, r := range ms {
		res, err := e.Match(ctx, r.Query)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != r.Count || r.Count == 0 {
			t.Errorf("%s: count %d, Match finds %d", r.Label, r.Count, res.Total)
		}
	}
}
