package web

import (
	"context"
	"net/url"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"signpost/directory"
)

// plantDuplicate stores another publisher's copy of a sample listing and
// returns both.
func plantDuplicate(t *testing.T, store *directory.Store, leadID string) (lead, dup *directory.Service) {
	t.Helper()
	ctx := context.Background()
	lead, err := store.Service(ctx, leadID)
	if err != nil {
		t.Fatal(err)
	}
	raw := *lead
	dup = &raw
	dup.ID = "0d0d0d0d-0000-4000-8000-000000000001"
	dup.Name = "The " + lead.Name
	dup.Organization = &directory.Organization{ID: "0d0d0d0d-0000-4000-8000-0000000000aa", Name: "Sefton Directory", Description: "A directory."}
	dup.OrganizationID = dup.Organization.ID
	dup.LastModified = ""
	if _, err := store.PutService(ctx, dup, directory.Save{Actor: "test", Action: directory.ActionImport}); err != nil {
		t.Fatal(err)
	}
	return lead, dup
}

func TestSearchAfterMerge(t *testing.T) {
	site := newSampleSite(t)
	lead, dup := plantDuplicate(t, site.store, sampleFiles(t).listingA)
	search := "/search?q=" + url.QueryEscape(lead.Name)

	hrefs := func(doc *goquery.Document) map[string]*goquery.Selection {
		out := map[string]*goquery.Selection{}
		doc.Find("li.result").Each(func(_ int, li *goquery.Selection) {
			href, _ := li.Find("h3 a").Attr("href")
			u, _ := url.Parse(href)
			out[u.Path] = li
		})
		return out
	}
	_, doc := get(t, site.srv, search)
	if got := hrefs(doc); got["/activities/"+dup.ID] == nil || got["/activities/"+lead.ID] == nil {
		t.Fatalf("before the merge want both listings, got %v", got)
	}

	if err := site.store.DecideDuplicate(context.Background(), lead.ID, dup.ID, directory.VerdictSame, lead.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	_, doc = get(t, site.srv, search)
	got := hrefs(doc)
	if got["/activities/"+dup.ID] != nil {
		t.Fatal("after the merge the hidden listing is still a result")
	}
	li := got["/activities/"+lead.ID]
	if li == nil {
		t.Fatal("after the merge the lead is not a result")
	}
	if also := textOf(li.Find(".also-listed")); also != "Also listed by: Sefton Directory" {
		t.Fatalf("lead's result says %q, want the other publisher named", also)
	}

	// The hidden listing's own page still answers, and points to the lead.
	rec, doc := get(t, site.srv, "/activities/"+dup.ID)
	if rec.Code != 200 {
		t.Fatalf("hidden listing's page: status %d", rec.Code)
	}
	if href, _ := doc.Find(".merged a").Attr("href"); href != "/activities/"+lead.ID {
		t.Fatalf("hidden listing's page links to %q, want the lead", href)
	}

	// Un-merged, both are results again and the line goes.
	if err := site.store.UndoDuplicate(context.Background(), lead.ID, dup.ID, "admin"); err != nil {
		t.Fatal(err)
	}
	_, doc = get(t, site.srv, search)
	got = hrefs(doc)
	if got["/activities/"+dup.ID] == nil || got["/activities/"+lead.ID] == nil {
		t.Fatalf("after un-merge want both listings, got %v", got)
	}
	if n := got["/activities/"+lead.ID].Find(".also-listed").Length(); n != 0 {
		t.Fatal("after un-merge the lead still names the other publisher")
	}
}
