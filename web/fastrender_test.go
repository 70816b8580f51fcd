package web

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// awkward holds text that html/template escapes or must leave alone.
var awkward = []string{
	"",
	"Tom & Jerry's \"club\"",
	"<b>bold</b> + more",
	"nul\x00byte",
	"bad utf-8 \xff\xfe\xc3",
	"Café – naïve ☕ 日本",
	"javascript:alert(1)",
	"line\u2028sep\u2029and\ufdd0nonchar",
	"&amp; already escaped &#39;",
}

// randomText mixes the characters the escaper treats specially with
// ordinary and multi-byte ones, and stray bytes.
func randomText(r *rand.Rand) string {
	parts := []string{"a", "Z", "9", " ", "&", "<", ">", "\"", "'", "+", "\x00", "é", "☕", "\xff", "\n", "-", "/", "?", "#", ":", "%", "%41"}
	var b strings.Builder
	for range r.IntN(12) {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// The fast renderers write exactly what the partials they stand for
// write, for awkward and random text, with and without each optional part,
// and results whose link needs normalising go through the template.
func TestFastRenderMatchesTheTemplates(t *testing.T) {
	site := newFakeSite(t)
	partials := site.srv.tmpl.pages["search"]
	r := rand.New(rand.NewPCG(3, 9))
	text := func(i int) string {
		if i < len(awkward) {
			return awkward[i]
		}
		return randomText(r)
	}

	t.Run("results", func(t *testing.T) {
		hrefs := []string{"/activities/3f2b8c1e-0d4a-4b7e-9c2f-1a2b3c4d5e6f", "/activities/garden-club_1.2~x", "/activities/a b", "/activities/x?y=1&z=2", "javascript:alert(1)", "/activities/caf\u00e9"}
		for i := range 300 {
			var views []resultView
			for j := range i%4 + 1 {
				v := resultView{
					N: i*4 + j + 1, ID: text(i + j), Href: hrefs[(i+j)%len(hrefs)],
					Name: text(i), Org: text(i + 1), Summary: text(i + 2), Distance: text(i + 3),
					Where: text(i + 4), Days: text(i + 5), Cost: text(i + 6), Capacity: text(i + 7),
					CapacityWarn: (i+j)%2 == 0,
				}
				for k := range (i + j) % 3 {
					v.Reasons = append(v.Reasons, text(i+k))
				}
				if href := text(i); i%7 == 0 && href != "" {
					v.Href = href
				}
				views = append(views, v)
			}
			var want bytes.Buffer
			if err := partials.ExecuteTemplate(&want, "results", views); err != nil {
				t.Fatal(err)
			}
			got, err := resultsHTML(partials, views)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != want.String() {
				t.Fatalf("case %d:\n got %q\nwant %q", i, got, want.String())
			}
		}
	})

	t.Run("checkboxes", func(t *testing.T) {
		for i := range 300 {
			var opts []option
			for j := range i % 5 {
				opts = append(opts, option{ID: text(i + j), Value: text(i + j + 1), Label: text(i + j + 2),
					Count: i * j, HasCount: (i+j)%2 == 0, Selected: (i+j)%3 == 0})
			}
			name := text(i)
			var want bytes.Buffer
			if err := partials.ExecuteTemplate(&want, "checkboxes", checkGroup{name, opts}); err != nil {
				t.Fatal(err)
			}
			if got := checkboxesHTML(name, opts); string(got) != want.String() {
				t.Fatalf("case %d:\n got %q\nwant %q", i, got, want.String())
			}
		}
	})
}
