package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// helpNowPage is /help-now: who to call or text in a crisis, linked from
// every page's header. Its words come from the deployment's help-now.md
// (Config.HelpNow), rendered once at start-up.
type helpNowPage struct {
	BasePage
	Body template.HTML
}

func (h *publicHandlers) helpNow(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "help-now", &helpNowPage{
		BasePage: BasePage{Title: "Need help now?", Nav: "help-now", QuickExit: true},
		Body:     h.urgent.page,
	})
	return nil
}

// urgentHelp is help-now.md rendered: the whole page, and its lead (what
// comes before the first section heading), which is the urgent-help panel
// put first on pages whose words hold crisis language.
type urgentHelp struct {
	page, lead template.HTML
}

// renderHelpNow turns the urgent-help Markdown into the page's body and
// the panel. It is rendered once, so a broken or empty file stops the
// server at start-up rather than leaving someone in crisis with an error
// page. A file with nothing before its first heading gives the panel the
// whole page.
//
// The file is the deployment's own, but it is sanitised like a provider's
// description all the same, with one difference: tel: and sms: links are
// the point of the page, so they are kept. The page's h1 is its own; a
// level-1 heading in the file becomes a level 2.
func renderHelpNow(src string) (urgentHelp, error) {
	if strings.TrimSpace(src) == "" {
		return urgentHelp{}, errors.New("web: Config.HelpNow is required: the urgent-help page (help-now.md) must not be empty")
	}
	page, err := renderHelpMarkdown(src)
	if err != nil {
		return urgentHelp{}, err
	}
	if len(strings.TrimSpace(string(page))) == 0 {
		return urgentHelp{}, errors.New("web: help-now.md has nothing to show once rendered")
	}
	lead, err := renderHelpMarkdown(leadOf(src))
	if err != nil {
		return urgentHelp{}, err
	}
	if len(strings.TrimSpace(string(lead))) == 0 {
		lead = page
	}
	return urgentHelp{page: page, lead: lead}, nil
}

func renderHelpMarkdown(src string) (template.HTML, error) {
	md := goldmark.New(goldmark.WithParserOptions(parser.WithASTTransformers(
		util.Prioritized(headingFloor{level: 2}, 100),
	)))
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("web: render help-now.md: %w", err)
	}
	policy := bluemonday.UGCPolicy()
	policy.AllowURLSchemes("tel", "sms")
	policy.RequireNoReferrerOnLinks(true)
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil
}

// leadOf is the Markdown before the first heading line ("## ..."), not
// counting lines inside fenced code.
func leadOf(src string) string {
	fenced := false
	var lead strings.Builder
	for line := range strings.Lines(src) {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(t, "#") && strings.HasPrefix(strings.TrimLeft(t, "#"), " ") {
			break
		}
		lead.WriteString(line)
	}
	return lead.String()
}

// headingFloor raises headings above level to it, so that the file cannot
// add a second h1.
type headingFloor struct{ level int }

func (f headingFloor) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Level < f.level {
			h.Level = f.level
		}
		return ast.WalkContinue, nil
	})
}
