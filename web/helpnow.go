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
		Body:     h.helpNowBody,
	})
	return nil
}

// renderHelpNow turns the urgent-help Markdown into the page's body. It is
// rendered once, so a broken or empty file stops the server at start-up
// rather than leaving someone in crisis with an error page.
//
// The file is the deployment's own, but it is sanitised like a provider's
// description all the same, with one difference: tel: and sms: links are
// the point of the page, so they are kept. The page's h1 is its own; a
// level-1 heading in the file becomes a level 2.
func renderHelpNow(src string) (template.HTML, error) {
	if strings.TrimSpace(src) == "" {
		return "", errors.New("web: Config.HelpNow is required: the urgent-help page (help-now.md) must not be empty")
	}
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
	body := policy.SanitizeBytes(buf.Bytes())
	if len(bytes.TrimSpace(body)) == 0 {
		return "", errors.New("web: help-now.md has nothing to show once rendered")
	}
	return template.HTML(body), nil
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
