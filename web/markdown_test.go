package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// unsafeHTML returns what in rendered HTML could run script: a script
// element, an on* attribute, or a javascript:/vbscript:/data: URL in a link
// or source attribute.
func unsafeHTML(out string) []string {
	var found []string
	if strings.Contains(strings.ToLower(out), "<script") {
		found = append(found, "<script")
	}
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		return append(found, "unparsable: "+err.Error())
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "object", "embed", "style", "form":
				found = append(found, "element "+n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" {
					found = append(found, "attribute "+a.Key)
				}
				if key == "href" || key == "src" || key == "action" || key == "formaction" || key == "xlink:href" {
					v := strings.ToLower(strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1 // browsers ignore whitespace and controls in schemes
						}
						return r
					}, a.Val))
					for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
						if strings.HasPrefix(v, scheme) {
							found = append(found, key+"="+a.Val)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

func TestMarkdownHostile(t *testing.T) {
	m := newMarkdown()
	tests := []struct {
		name string
		src  string
		keep string // text that must survive, proving the rest still renders
	}{
		{"script tag", "Hello <script>alert(1)</script> world", "world"},
		{"script tag split over lines", "<scr\nipt>alert(1)</script>\n\nStill here", "Still here"},
		{"event handler on raw HTML", `<img src=x onerror="alert(1)"> <b onclick="x()">bold</b> ok`, "ok"},
		{"javascript link", "[click me](javascript:alert(1))", "click me"},
		{"javascript link with entities", "[click](&#106;avascript:alert(1))", "click"},
		{"javascript link with spaces and case", "[click](  JaVaScRiPt:alert(1))", "click"},
		{"reference link to javascript", "[click][x]\n\n[x]: javascript:alert(1)", "click"},
		{"autolink javascript", "<javascript:alert(1)>", ""},
		{"data URL link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "x"},
		{"vbscript link", "[x](vbscript:msgbox)", "x"},
		{"iframe", `<iframe src="https://evil.example"></iframe>text`, ""},
		{"svg with onload", `<svg onload=alert(1)><circle/></svg>`, ""},
		{"style attribute", `<p style="background:url(javascript:alert(1))">styled</p>`, ""},
		{"image with javascript", "![a](javascript:alert(1))", ""},
		{"html entity smuggling", "&lt;script&gt;alert(1)&lt;/script&gt;", "alert(1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := m.Render(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if bad := unsafeHTML(string(out)); len(bad) > 0 {
				t.Errorf("unsafe output %v:\n%s", bad, out)
			}
			if tt.keep != "" && !strings.Contains(string(out), tt.keep) {
				t.Errorf("output lost %q:\n%s", tt.keep, out)
			}
		})
	}
}

func TestMarkdownFormatting(t *testing.T) {
	m := newMarkdown()
	out, err := m.Render("# Our group\n\nWe meet **every week**.\n\n- tea\n- chat\n\nSee [our site](https://example.org).")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h3>Our group</h3>", "<strong>every week</strong>", "<li>tea</li>", `href="https://example.org"`, `rel="nofollow noreferrer"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "<h1") {
		t.Errorf("a description heading became a second h1:\n%s", out)
	}
}

func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{
		"plain", "<script>alert(1)</script>", "[x](javascript:alert(1))", `<a href="javascript:x" onclick="y">z</a>`,
		"<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "[a](java\tscript:1)", "<<script>script>",
		"```\n<script>\n```", "`<script>`", "<details open ontoggle=alert(1)>",
	} {
		f.Add(s)
	}
	m := newMarkdown()
	f.Fuzz(func(t *testing.T, src string) {
		out, err := m.Render(src)
		if err != nil {
			return
		}
		if bad := unsafeHTML(string(out)); len(bad) > 0 {
			t.Fatalf("unsafe output %v from %q:\n%s", bad, src, out)
		}
	})
}

func TestSummaryIsPlainTextCutAtAWordAndStable(t *testing.T) {
	m := newMarkdown()
	src := "**Friendly** walk round the park.\n\n- tea after\n- <script>x</script> no tricks"
	first := m.Summary(src, 30)
	if first != "Friendly walk round the park…" {
		t.Fatalf("summary = %q", first)
	}
	if again := m.Summary(src, 30); again != first {
		t.Fatalf("cached summary %q differs from %q", again, first)
	}
	if long := m.Summary(src, 200); strings.Contains(long, "<") || !strings.Contains(long, "tea after") {
		t.Fatalf("long summary = %q", long)
	}
}

// A description's lists stay readable in a one-line summary.
func TestSummaryKeepsListsReadable(t *testing.T) {
	m := newMarkdown()
	tests := []struct {
		src  string
		n    int
		want string
	}{
		{"Come and dig with us.\n\n- No experience needed\n- Tools provided\n- Tea and biscuits", 200,
			"Come and dig with us. No experience needed · Tools provided · Tea and biscuits"},
		{"- No experience needed\n- Tools provided\n\nAll welcome.", 200, "No experience needed · Tools provided All welcome."},
		{"1. Book\n2. Come along", 200, "Book · Come along"},
		{"- One\n  - Inner\n- Two", 200, "One Inner · Two"},
		{"- No experience needed\n- Tools provided\n- Tea and biscuits", 24, "No experience needed…"},
		{"Just a sentence · with a dot.", 200, "Just a sentence · with a dot."},
	}
	for _, tt := range tests {
		if got := m.Summary(tt.src, tt.n); got != tt.want {
			t.Errorf("Summary(%q, %d) = %q, want %q", tt.src, tt.n, got, tt.want)
		}
	}
}
