package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// TestAdminDuplicates: an admin sees a planted copy of a listing beside it,
// with what differs marked, merges the two through the page's own form and
// un-merges them again.
func TestAdminDuplicates(t *testing.T) {
	t.Parallel()
	es := newEditorialSite(t)
	lead, dup := plantDuplicate(t, es.store, es.ListingA)
	admin := es.signedIn(t, emailAdmin)

	pairOf := func(doc *goquery.Document) *goquery.Selection {
		var found *goquery.Selection
		for _, li := range doc.Find("li.duplicate-pair").EachIter() {
			ids := map[string]bool{}
			for _, in := range li.Find(`input[type="hidden"]`).EachIter() {
				ids[in.AttrOr("value", "")] = true
			}
			if ids[lead.ID] && ids[dup.ID] {
				found = li
			}
		}
		return found
	}
	resp, doc := admin.get("/admin/duplicates")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, textOf(doc.Find("main")))
	}
	if cur := textOf(doc.Find(`.admin-nav a[aria-current="page"]`)); cur != "Duplicates" {
		t.Fatalf("admin navigation marks %q", cur)
	}
	pair := pairOf(doc)
	if pair == nil {
		t.Fatal("the planted copy is not offered beside its listing")
	}
	differs := map[string]bool{}
	for _, tr := range pair.Find("table.compare tbody tr").EachIter() {
		label := strings.TrimSuffix(textOf(tr.Find("th")), " (differs)")
		differs[label] = tr.HasClass("differs")
	}
	if !differs["Name"] || !differs["Organisation"] || differs["Phone"] || differs["Address"] {
		t.Fatalf("differences marked %v, want name and organisation only", differs)
	}

	// press submits the pair's form with the button whose text starts with
	// label, as a browser would.
	press := func(form *goquery.Selection, label string) *http.Response {
		t.Helper()
		fields := url.Values{}
		for _, in := range form.Find("input[name]").EachIter() {
			fields.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
		}
		if fields.Get("csrf_token") == "" {
			t.Fatal("the form carries no CSRF token")
		}
		for _, b := range form.Find("button").EachIter() {
			if strings.HasPrefix(textOf(b), label) {
				if name, ok := b.Attr("name"); ok {
					fields.Set(name, b.AttrOr("value", ""))
				}
				resp, _ := admin.post(form.AttrOr("action", ""), fields)
				return resp
			}
		}
		t.Fatalf("no button %q", label)
		return nil
	}
	first := pair.Find(`input[name="a"]`).AttrOr("value", "")
	label := "Same activity: merge, keep the first listing"
	if first != lead.ID {
		label = "Same activity: merge, keep the second listing"
	}
	resp = press(pair.Find("form.duplicate-decision"), label)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/duplicates?done=duplicates-merged" {
		t.Fatalf("merge: status %d to %q", resp.StatusCode, loc)
	}
	got, err := es.store.Service(context.Background(), dup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SupersededBy != lead.ID {
		t.Fatalf("after the merge superseded_by %q, want the lead", got.SupersededBy)
	}
	_, doc = admin.get("/admin/duplicates?done=duplicates-merged")
	if pairOf(doc) != nil {
		t.Fatal("a merged pair is still offered")
	}
	if textOf(doc.Find("#done")) == "" {
		t.Fatal("no message after the merge")
	}
	merged := doc.Find(".merged-pairs li")
	if merged.Length() != 1 || !strings.Contains(textOf(merged), "is merged into "+lead.Name) {
		t.Fatalf("merged section says %q", textOf(merged))
	}

	resp = press(merged.Find("form"), "Un-merge")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("un-merge: status %d", resp.StatusCode)
	}
	if got, _ := es.store.Service(context.Background(), dup.ID); got.SupersededBy != "" {
		t.Fatalf("after un-merge superseded_by %q", got.SupersededBy)
	}

	// "Different activities" takes the pair off the list for good.
	_, doc = admin.get("/admin/duplicates")
	if pair = pairOf(doc); pair == nil {
		t.Fatal("after un-merge the pair is not offered again")
	}
	press(pair.Find("form.duplicate-decision"), "Different activities")
	_, doc = admin.get("/admin/duplicates")
	if pairOf(doc) != nil {
		t.Fatal("a pair decided different is still offered")
	}
	decisions, err := es.store.DuplicateDecisions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d := decisions[directory.PairKey(lead.ID, dup.ID)]; d.Verdict != directory.VerdictDifferent || d.Actor != emailAdmin {
		t.Fatalf("decision %+v", d)
	}
}
