package web

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"html"
	"html/template"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders the descriptions providers write. Two layers keep hostile
// text off the page: goldmark is left in its safe mode (raw HTML is dropped
// and dangerous link schemes are not emitted), and bluemonday's UGC policy
// then allows only ordinary formatting, whatever goldmark produced. Both are
// safe for concurrent use once built.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	// strict keeps only text, for summaries.
	strict *bluemonday.Policy

	// Result lists show the same descriptions over and over, and rendering
	// one costs more than the rest of its result; summaries are kept,
	// keyed by a hash of the description and length, up to summaryCacheSize.
	seed      maphash.Seed
	mu        sync.Mutex
	summaries map[summaryKey]string
}

type summaryKey struct {
	hash uint64
	n    int
}

const summaryCacheSize = 8192

func newMarkdown() *markdown {
	policy := bluemonday.UGCPolicy()
	// Links leave Signpost for a provider's site; they must not carry the
	// page (and so the person's search) with them.
	policy.RequireNoReferrerOnLinks(true)
	policy.RequireNoFollowOnLinks(true)
	return &markdown{
		md: goldmark.New(
			goldmark.WithExtensions(extension.Linkify, extension.Strikethrough),
			goldmark.WithParserOptions(parser.WithASTTransformers(
				util.Prioritized(demoteHeadings{top: 3}, 100),
			)),
		),
		policy:    policy,
		strict:    bluemonday.StrictPolicy(),
		seed:      maphash.MakeSeed(),
		summaries: map[summaryKey]string{},
	}
}

// Render turns Markdown into sanitised HTML.
func (m *markdown) Render(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())), nil
}

// demoteHeadings moves a description's headings down so its "# Title" does
// not become a second h1 on the page, and its levels fit under the page's
// own h2 sections: a level-1 heading becomes level top.
type demoteHeadings struct{ top int }

func (d demoteHeadings) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+d.top-1, 6)
		}
		return ast.WalkContinue, nil
	})
}

// Summary is the start of a description as plain text, at most n
// characters, cut at a word, for result lists.
func (m *markdown) Summary(src string, n int) string {
	key := summaryKey{maphash.String(m.seed, src), n}
	m.mu.Lock()
	text, ok := m.summaries[key]
	m.mu.Unlock()
	if ok {
		return text
	}
	text = m.summary(src, n)
	m.mu.Lock()
	if len(m.summaries) >= summaryCacheSize {
		clear(m.summaries)
	}
	m.summaries[key] = text
	m.mu.Unlock()
	return text
}

func (m *markdown) summary(src string, n int) string {
	h, err := m.Render(src)
	if err != nil {
		return ""
	}
	// A list's items are kept apart with a middle dot ("No experience
	// needed · Tools provided · Tea and biscuits"), its last item with a
	// space like a paragraph's end.
	marked := listEnd.ReplaceAllString(string(h), " </$1>")
	marked = strings.ReplaceAll(marked, "</li>", " "+itemMark+" </li>")
	marked = strings.ReplaceAll(marked, "</p>", " </p>")
	text := html.UnescapeString(m.strict.Sanitize(marked))
	text = strings.Join(strings.Fields(text), " ")
	text = strings.ReplaceAll(text, itemMark, "·")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	cut := string([]rune(text)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:·") + "…"
}

// itemMark stands for the dot between list items while the summary is
// sanitised: a private-use character no description holds.
const itemMark = "\uE000"

// listEnd finds a list's last item, which takes no dot after it.
var listEnd = regexp.MustCompile(`</li>\s*</(ul|ol)>`)
