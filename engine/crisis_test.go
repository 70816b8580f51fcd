package engine

import (
	"context"
	"strings"
	"testing"
)

func TestCrisisPhrases(t *testing.T) {
	c := defaultCrisis(t)
	if c.Len() < 60 {
		t.Errorf("the default crisis list has %d phrases, want at least 60", c.Len())
	}
	crisis := []string{
		"suicidal",
		"I feel suicidal",
		"SUICIDAL THOUGHTS",
		"sucidal",       // misspelt, 8 letters
		"suicidle",      // two slips in eight letters
		"i want to die", // all filler
		"just want to die really",
		"wanna die",
		"I want to end it all",
		"thinking of ending it all",
		"going to kill myself",
		"kill my self",
		"self-harm",
		"self harm support",
		"selfharm",
		"I keep cutting myself",
		"been cutting my arms again",
		"took an overdose last year",
		"overdose",
		"overdoes", // swapped letters
		"overdosing",
		"not safe at home",
		"I don't feel safe at home",
		"i dont feel safe at home",
		"he hits me",
		"my boyfriend hits me when he drinks",
		"husband hits me",
		"no way out",
		"there's no way out",
		"can't go on",
		"cant go on like this",
		"I can’t go on", // curly apostrophe
		"can't take it anymore",
		"better off dead",
		"everyone would be better off without me",
		"no reason to live",
		"nothing to live for",
		"don't want to be here anymore",
		"I want to take my own life",
		"scared to go home",
		"he threatened to kill me",
	}
	calm := []string{
		"killing time",
		"killing time on a Tuesday",
		"die-hard fans",
		"die hard football fans",
		"Cut & Sew club",
		"paper cutting",
		"paper cutting workshop",
		"cutting back on sugar",
		"hair cutting",
		"dead good quiz",
		"overdue library books",
		"I've overdone it at the gym",
		"killing myself laughing at the panto",
		"dying to try the new cafe",
		"end of the line",
		"ending loneliness",
		"at the end of my tether with the kids",
		"kills me to ask for help",
		"safe space for women",
		"home safety checks",
		"way out of debt",
		"go on a walk",
		"can't get out much",
		"hits of the 80s disco",
		"harm reduction drugs service",
		"self help books",
		"self-care group",
		"suicide bereavement support", // carries "suicide": see below
	}
	for _, text := range crisis {
		if phrase, ok := c.Match(text); !ok {
			t.Errorf("%q: no crisis language found, want some", text)
		} else {
			t.Logf("%q: %q", text, phrase)
		}
	}
	for _, text := range calm {
		phrase, ok := c.Match(text)
		if text == "suicide bereavement support" {
			// Someone bereaved by suicide is helped by seeing urgent help
			// too; the panel does not hide results, so this is kept.
			if !ok {
				t.Errorf("%q: want crisis language (suicide)", text)
			}
			continue
		}
		if ok {
			t.Errorf("%q: crisis language %q found, want none", text, phrase)
		}
	}
}

func TestParseCrisisPhrases(t *testing.T) {
	_, err := ParseCrisisPhrases(strings.NewReader("# ok\nwant to die\n!\n"))
	if err == nil || !strings.Contains(err.Error(), "crisis phrases line 3") {
		t.Errorf("err = %v, want one naming line 3", err)
	}
	var none *CrisisPhrases
	if _, ok := none.Match("want to die"); ok {
		t.Error("a nil list matched")
	}
}

// TestResultsSayCrisis checks the pipeline's crisis check reads the text
// as typed, even when every word of it is filler.
func TestResultsSayCrisis(t *testing.T) {
	ctx := context.Background()
	e := openSample(t)
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"no way out", true},
		{"can't go on", true},
		{"knitting", false},
		{"killing time", false},
	} {
		res, err := e.Search(ctx, Query{Text: tt.text})
		if err != nil {
			t.Fatal(err)
		}
		if res.Crisis() != tt.want || e.Crisis(tt.text) != tt.want {
			t.Errorf("%q: Results.Crisis() = %v, Engine.Crisis = %v, want %v", tt.text, res.Crisis(), e.Crisis(tt.text), tt.want)
		}
	}
}

// TestCrisisIndexSameAnswer checks that indexing the phrases by first
// word changes no answer: Match gives what trying every phrase at every
// word gives, for every listed phrase as typed, misspelt, padded and cut
// short.
func TestCrisisIndexSameAnswer(t *testing.T) {
	c := defaultCrisis(t)
	every := func(text string) (string, bool) {
		toks := tokens(text)
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
				for j := i; j < i+len(p); j++ {
					if !excused[j] {
						return strings.Join(p, " "), true
					}
				}
			}
		}
		return "", false
	}
	var texts []string
	for _, p := range append(append([][]string{}, c.phrases...), c.never...) {
		s := strings.Join(p, " ")
		texts = append(texts, s, "well "+s+" today", s[:len(s)/2], strings.Join(p[1:], " "))
		for i := 0; i+1 < len(s); i += 3 { // one swap at a time
			b := []byte(s)
			b[i], b[i+1] = b[i+1], b[i]
			texts = append(texts, string(b))
		}
	}
	for _, text := range texts {
		wantP, want := every(text)
		gotP, got := c.Match(text)
		if got != want || gotP != wantP {
			t.Errorf("Match(%q) = %q, %v; every phrase at every word gives %q, %v", text, gotP, got, wantP, want)
		}
	}
}
