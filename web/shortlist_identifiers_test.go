package web

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// identifierCase is one line of directory's testdata/identifiers.txt: a
// text and what the filter refuses in it as a reference and as a note.
type identifierCase struct {
	line            int
	text            string
	reference, note []directory.IdentifierKind
}

// readIdentifierCases reads the cases the identifier filter is held to in
// directory, so the forms are held to the same ones.
func readIdentifierCases(t *testing.T) []identifierCase {
	t.Helper()
	f, err := os.Open("../directory/testdata/identifiers.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kinds := func(s string) []directory.IdentifierKind {
		if s == "pass" {
			return nil
		}
		var out []directory.IdentifierKind
		for _, k := range strings.Split(s, ",") {
			out = append(out, directory.IdentifierKind(k))
		}
		return out
	}
	var cases []identifierCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 {
			t.Fatalf("identifiers.txt:%d: want <reference> <note> <text>", n)
		}
		_, rest, _ := strings.Cut(line, fields[0])
		_, rest, _ = strings.Cut(rest, fields[1])
		text, err := strconv.Unquote(strings.TrimSpace(rest))
		if err != nil {
			t.Fatalf("identifiers.txt:%d: %v", n, err)
		}
		c := identifierCase{line: n, text: text, reference: kinds(fields[0]), note: kinds(fields[1])}
		if fields[1] == "=" {
			c.note = c.reference
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// parsedLines is text as an HTML parser reads it back from a page: every
// line break "\n" (a browser sends it back as "\r\n").
func parsedLines(text string) string { return strings.ReplaceAll(text, "\r\n", "\n") }

// fieldRefusal checks a form's answer for the control id: refused with
// want's message beside the control and in the error summary, linked to
// it, or (want empty) accepted.
func fieldRefusal(t *testing.T, c identifierCase, form string, p *testPage, id string, want []directory.IdentifierKind) {
	t.Helper()
	if len(want) == 0 {
		if p.status != http.StatusOK || p.doc.Find(".error-summary").Length() != 0 {
			t.Errorf("identifiers.txt:%d: %s %q refused: status %d, %q", c.line, form, c.text, p.status, textOf(p.doc.Find(".error-summary")))
		}
		return
	}
	msg := directory.IdentifierMessage(want)
	if p.status != http.StatusBadRequest {
		t.Errorf("identifiers.txt:%d: %s %q: status %d, want 400", c.line, form, c.text, p.status)
	}
	beside := p.doc.Find("#" + id + "-error")
	if got := strings.TrimPrefix(textOf(beside), "Error: "); got != msg {
		t.Errorf("identifiers.txt:%d: %s %q: beside the field %q, want %q", c.line, form, c.text, got, msg)
	}
	if beside.Closest(".field").Find("#"+id).Length() != 1 {
		t.Errorf("identifiers.txt:%d: %s: the message is not in the field of #%s", c.line, form, id)
	}
	if got := textOf(p.doc.Find(`.error-summary a[href="#` + id + `"]`)); got != msg {
		t.Errorf("identifiers.txt:%d: %s %q: error summary links %q, want %q", c.line, form, c.text, got, msg)
	}
}

// TestIdentifierRefusalsThroughForms sends every case of the identifier
// filter through the real forms: starting a list, renaming one, and a note
// on an item. A refusal names what to remove beside the field and keeps
// exactly what was typed in the box.
func TestIdentifierRefusalsThroughForms(t *testing.T) {
	site := newListSite(t)
	svc := site.sampleServices(t, 1)[0]
	worker := site.linkWorker(t, "ids@example.org")
	cases := readIdentifierCases(t)

	t.Run("starting a list", func(t *testing.T) {
		index := worker.get("/shortlists")
		for _, c := range cases {
			if utf8.RuneCountInString(strings.TrimSpace(c.text)) > directory.MaxReferenceLen {
				t.Fatalf("identifiers.txt:%d: longer than a reference may be", c.line)
			}
			p := worker.submit(index, `form[action="/shortlists"]`, url.Values{"reference": {c.text}})
			fieldRefusal(t, c, "new list", p, "reference", c.reference)
			if len(c.reference) > 0 {
				if got, want := p.doc.Find("input#reference").AttrOr("value", ""), parsedLines(c.text); got != want {
					t.Errorf("identifiers.txt:%d: the reference box holds %q, want what was typed, %q", c.line, got, want)
				}
			}
		}
	})

	list := startList(t, worker, "Mrs K, Tuesday", svc)
	base := list.url.Path
	noteForm := "#list-form"
	noteID := "note-" + svc.ID

	t.Run("renaming a list", func(t *testing.T) {
		for _, c := range cases {
			p := worker.submit(worker.get(base), "#list-form", url.Values{"reference": {c.text}})
			fieldRefusal(t, c, "rename", p, "reference", c.reference)
			if len(c.reference) > 0 {
				if got, want := p.doc.Find("input#reference").AttrOr("value", ""), parsedLines(c.text); got != want {
					t.Errorf("identifiers.txt:%d: the reference box holds %q, want what was typed, %q", c.line, got, want)
				}
			}
		}
	})

	t.Run("a note on an item", func(t *testing.T) {
		page := worker.get(base)
		for _, c := range cases {
			p := worker.submit(page, noteForm, url.Values{noteID: {c.text}, "shared-" + svc.ID: {"1"}})
			fieldRefusal(t, c, "note", p, noteID, c.note)
			box := p.doc.Find("textarea#" + noteID)
			if len(c.note) == 0 {
				// Saved: the box shows the note as stored.
				if got, want := box.Text(), parsedLines(strings.TrimSpace(c.text)); got != want {
					t.Errorf("identifiers.txt:%d: the saved note reads %q, want %q", c.line, got, want)
				}
				continue
			}
			if got, want := box.Text(), parsedLines(c.text); got != want {
				t.Errorf("identifiers.txt:%d: the note box holds %q, want what was typed, %q", c.line, got, want)
			}
			if _, ticked := p.doc.Find("#shared-" + svc.ID).Attr("checked"); !ticked {
				t.Errorf("identifiers.txt:%d: the refused form lost its ticked box", c.line)
			}
		}
	})

	t.Run("nothing refused was stored", func(t *testing.T) {
		p := worker.get("/shortlists")
		p.doc.Find(".shortlists a").Each(func(_ int, a *goquery.Selection) {
			ref := textOf(a)
			if kinds := directory.FindIdentifiers(ref, directory.ReferenceText); len(kinds) > 0 {
				t.Errorf("a list was stored with the reference %q (%v)", ref, kinds)
			}
		})
		sl, err := site.store.Shortlist(t.Context(), directory.AccountOwner("ids@example.org"), strings.TrimPrefix(base, "/shortlists/"))
		if err != nil {
			t.Fatal(err)
		}
		if kinds := directory.FindIdentifiers(sl.Reference, directory.ReferenceText); len(kinds) > 0 {
			t.Errorf("the renamed list's reference is %q (%v)", sl.Reference, kinds)
		}
		for _, it := range sl.Items {
			if kinds := directory.FindIdentifiers(it.Note, directory.NoteText); len(kinds) > 0 {
				t.Errorf("a note was stored as %q (%v)", it.Note, kinds)
			}
		}
	})
}
