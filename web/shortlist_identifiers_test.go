package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
	"signpost/directory/directorytest"
)

// readIdentifierCases reads the cases the identifier filter is held to.
func readIdentifierCases(t *testing.T) []directorytest.IdentifierCase {
	t.Helper()
	cases, err := directorytest.ReadIdentifierCases("../directory/testdata/identifiers.txt")
	if err != nil {
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
func fieldRefusal(t *testing.T, c directorytest.IdentifierCase, form string, p *testPage, id string, want []directory.IdentifierKind) {
	t.Helper()
	if len(want) == 0 {
		if p.status != http.StatusOK || p.doc.Find(".error-summary").Length() != 0 {
			t.Errorf("identifiers.txt:%d: %s %q refused: status %d, %q", c.Line, form, c.Text, p.status, textOf(p.doc.Find(".error-summary")))
		}
		return
	}
	msg := directory.IdentifierMessage(want)
	if p.status != http.StatusBadRequest {
		t.Errorf("identifiers.txt:%d: %s %q: status %d, want 400", c.Line, form, c.Text, p.status)
	}
	beside := p.doc.Find("#" + id + "-error")
	if got := strings.TrimPrefix(textOf(beside), "Error: "); got != msg {
		t.Errorf("identifiers.txt:%d: %s %q: beside the field %q, want %q", c.Line, form, c.Text, got, msg)
	}
	if beside.Closest(".field").Find("#"+id).Length() != 1 {
		t.Errorf("identifiers.txt:%d: %s: the message is not in the field of #%s", c.Line, form, id)
	}
	if got := textOf(p.doc.Find(`.error-summary a[href="#` + id + `"]`)); got != msg {
		t.Errorf("identifiers.txt:%d: %s %q: error summary links %q, want %q", c.Line, form, c.Text, got, msg)
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
			if utf8.RuneCountInString(strings.TrimSpace(c.Text)) > directory.MaxReferenceLen {
				t.Fatalf("identifiers.txt:%d: longer than a reference may be", c.Line)
			}
			p := worker.submit(index, `form[action="/shortlists"]`, url.Values{"reference": {c.Text}})
			fieldRefusal(t, c, "new list", p, "reference", c.Reference)
			if len(c.Reference) > 0 {
				if got, want := p.doc.Find("input#reference").AttrOr("value", ""), parsedLines(c.Text); got != want {
					t.Errorf("identifiers.txt:%d: the reference box holds %q, want what was typed, %q", c.Line, got, want)
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
			p := worker.submit(worker.get(base), "#list-form", url.Values{"reference": {c.Text}})
			fieldRefusal(t, c, "rename", p, "reference", c.Reference)
			if len(c.Reference) > 0 {
				if got, want := p.doc.Find("input#reference").AttrOr("value", ""), parsedLines(c.Text); got != want {
					t.Errorf("identifiers.txt:%d: the reference box holds %q, want what was typed, %q", c.Line, got, want)
				}
			}
		}
	})

	t.Run("a note on an item", func(t *testing.T) {
		page := worker.get(base)
		for _, c := range cases {
			p := worker.submit(page, noteForm, url.Values{noteID: {c.Text}, "shared-" + svc.ID: {"1"}})
			fieldRefusal(t, c, "note", p, noteID, c.Note)
			box := p.doc.Find("textarea#" + noteID)
			if len(c.Note) == 0 {
				// Saved: the box shows the note as stored.
				if got, want := box.Text(), parsedLines(strings.TrimSpace(c.Text)); got != want {
					t.Errorf("identifiers.txt:%d: the saved note reads %q, want %q", c.Line, got, want)
				}
				continue
			}
			if got, want := box.Text(), parsedLines(c.Text); got != want {
				t.Errorf("identifiers.txt:%d: the note box holds %q, want what was typed, %q", c.Line, got, want)
			}
			if _, ticked := p.doc.Find("#shared-" + svc.ID).Attr("checked"); !ticked {
				t.Errorf("identifiers.txt:%d: the refused form lost its ticked box", c.Line)
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
