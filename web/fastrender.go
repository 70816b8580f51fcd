package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// The results list and the filter checkboxes are most of a results page:
// about 900 template actions, each an escaping function that
// html/template calls through reflection, took 0.7 ms of a search page's
// 1 ms of rendering, the biggest cost of a search after the engine. The
// functions here write the same bytes directly.
//
// The partials "results", "result" and "checkboxes" in
// templates/partials/common.html stay the reference:
// TestFastRenderMatchesTheTemplates renders both ways, with awkward text,
// and compares byte for byte, so an edit to one without the other fails.
// A result whose link would need html/template's URL normalising is
// rendered by the template itself.

// writeEscaped writes s as html/template's escaper writes a string in
// text or in a quoted attribute: the same seven replacements. They are all
// ASCII, which never occurs inside a multi-byte UTF-8 sequence, so a byte
// scan finds exactly the characters html/template replaces, and leaves
// invalid UTF-8 alone as it does.
func writeEscaped(b *strings.Builder, s string) {
	start := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(repl)
		start = i + 1
	}
	b.WriteString(s[start:])
}

// checkboxesHTML is the "checkboxes" partial for one group.
func checkboxesHTML(name string, opts []option) template.HTML {
	var b strings.Builder
	b.Grow(len(opts) * 160)
	for _, o := range opts {
		b.WriteString("\n<div class=\"check\"><input type=\"checkbox\" id=\"")
		writeEscaped(&b, o.ID)
		b.WriteString("\" name=\"")
		writeEscaped(&b, name)
		b.WriteString("\" value=\"")
		writeEscaped(&b, o.Value)
		b.WriteString("\"")
		if o.Selected {
			b.WriteString(" checked")
		}
		b.WriteString("><label for=\"")
		writeEscaped(&b, o.ID)
		b.WriteString("\">")
		writeEscaped(&b, o.Label)
		if o.HasCount {
			b.WriteString(" (")
			b.WriteString(strconv.Itoa(o.Count))
			b.WriteString(")")
		}
		b.WriteString("</label></div>")
	}
	return template.HTML(b.String())
}

// plainURL reports whether html/template would write href unchanged: a
// path of letters, digits and -._~/ has no scheme to filter and nothing
// to normalise or escape.
func plainURL(href string) bool {
	for i := 0; i < len(href); i++ {
		c := href[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0) {
			return false
		}
	}
	return true
}

// resultsHTML is the "results" partial. partials is a parsed page holding
// the partials, for a result the fast path cannot write.
func resultsHTML(partials *template.Template, results []resultView) (template.HTML, error) {
	var b strings.Builder
	b.Grow(200 + len(results)*1200)
	b.WriteString("\n<ol class=\"results\">")
	for i := range results {
		v := &results[i]
		if !plainURL(v.Href) {
			var buf bytes.Buffer
			if err := partials.ExecuteTemplate(&buf, "result", v); err != nil {
				return "", fmt.Errorf("render result %s: %w", v.ID, err)
			}
			b.Write(buf.Bytes())
			continue
		}
		writeResult(&b, v)
	}
	b.WriteString("\n</ol>")
	return template.HTML(b.String()), nil
}

// writeResult is the "result" partial.
func writeResult(b *strings.Builder, v *resultView) {
	n := strconv.Itoa(v.N)
	b.WriteString("\n<li class=\"result\" id=\"result-")
	b.WriteString(n)
	b.WriteString("\">\n<h3><span class=\"result-n\">")
	b.WriteString(n)
	b.WriteString(".</span> <a href=\"")
	b.WriteString(v.Href) // plainURL: nothing to escape
	b.WriteString("\">")
	writeEscaped(b, v.Name)
	b.WriteString("</a></h3>\n")
	if v.Org != "" {
		b.WriteString("<p class=\"org\">")
		writeEscaped(b, v.Org)
		b.WriteString("</p>")
	}
	b.WriteString("\n")
	if v.Summary != "" {
		b.WriteString("<p class=\"summary\">")
		writeEscaped(b, v.Summary)
		b.WriteString("</p>")
	}
	b.WriteString("\n<dl class=\"facts\">\n")
	fact := func(term, value string) {
		if value != "" {
			b.WriteString("<div><dt>")
			b.WriteString(term)
			b.WriteString("</dt><dd>")
			writeEscaped(b, value)
			b.WriteString("</dd></div>")
		}
		b.WriteString("\n")
	}
	fact("Distance", v.Distance)
	fact("Where", v.Where)
	fact("When", v.Days)
	fact("Cost", v.Cost)
	b.WriteString("<div><dt>Places</dt><dd")
	if v.CapacityWarn {
		b.WriteString(" class=\"warn\"")
	}
	b.WriteString(">")
	writeEscaped(b, v.Capacity)
	b.WriteString("</dd></div>\n</dl>\n")
	if len(v.Reasons) > 0 {
		b.WriteString("<div class=\"why\">\n<h4>Why this is suggested</h4>\n<ul>")
		for _, r := range v.Reasons {
			b.WriteString("<li>")
			writeEscaped(b, r)
			b.WriteString("</li>")
		}
		b.WriteString("</ul>\n</div>")
	}
	b.WriteString("\n<form class=\"add-to-list\" action=\"/add-to-list\" method=\"get\"><input type=\"hidden\" name=\"service\" value=\"")
	writeEscaped(b, v.ID)
	b.WriteString("\"><button type=\"submit\" class=\"secondary\">Add to a list</button></form>\n</li>")
}

// resultsMarkup is resultsHTML with the site's own partials.
func (s *Server) resultsMarkup(results []resultView) (template.HTML, error) {
	return resultsHTML(s.tmpl.pages["search"], results)
}
