package api

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"signpost/engine"
)

func TestInterpretedWords(t *testing.T) {
	f := sampleFixture(t)
	type page struct {
		TotalItems  int                 `json:"total_items"`
		Interpreted *engine.Interpreted `json:"interpreted"`
		Contents    []struct {
			Reasons []engine.Reason `json:"reasons"`
		} `json:"contents"`
	}
	for _, path := range []string{"/api/v1/services", "/api/v1/match"} {
		t.Run(path, func(t *testing.T) {
			p := getJSON[page](t, f, path+"?search="+url.QueryEscape("lonley and skint"))
			if p.TotalItems == 0 || p.Interpreted == nil {
				t.Fatalf("total %d, interpreted %v", p.TotalItems, p.Interpreted)
			}
			in := p.Interpreted
			if in.Text != "lonley and skint" {
				t.Errorf("text = %q", in.Text)
			}
			if !slices.Equal(in.Corrections, []engine.Correction{{Typed: "lonley", Corrected: "lonely"}}) {
				t.Errorf("corrections = %+v, want lonley → lonely", in.Corrections)
			}
			var phrases []string
			for _, ph := range in.Phrases {
				phrases = append(phrases, ph.Phrase+"→"+strings.Join(ph.Needs, ","))
			}
			if !slices.Contains(phrases, "skint→money,benefits") || !slices.Contains(phrases, "lonley→lonely") {
				t.Errorf("phrases = %q, want skint and lonley mapped to needs", phrases)
			}
			if !slices.Contains(in.Ignored, "and") {
				t.Errorf("ignored = %q, want and", in.Ignored)
			}
			if path == "/api/v1/match" {
				var texts []string
				for _, r := range p.Contents[0].Reasons {
					texts = append(texts, r.Text)
				}
				if !slices.ContainsFunc(texts, func(s string) bool {
					return strings.Contains(s, "(you searched skint)") || strings.Contains(s, "(you searched lonley)")
				}) {
					t.Errorf("the best match's reasons %q name no phrase searched", texts)
				}
			}
		})
	}

	t.Run("no words, no interpreted", func(t *testing.T) {
		_, body := f.get(t, "/api/v1/services?need=money")
		if strings.Contains(string(body), `"interpreted"`) {
			t.Error("a search without words carries interpreted")
		}
	})
	t.Run("crisis", func(t *testing.T) {
		p := getJSON[page](t, f, "/api/v1/services?search="+url.QueryEscape("no way out"))
		if p.Interpreted == nil || !p.Interpreted.Crisis {
			t.Errorf("interpreted = %+v, want crisis", p.Interpreted)
		}
	})
}
